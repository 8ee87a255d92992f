/// Near misses: the name a user most likely meant when the one typed does not exist
/// (`set-namepsace` → `set-namespace`, `blueprint.app.v1` → `blueprints.app.v1`).
public enum Spelling {
  /// The candidate nearest to `word`, when it is near enough to be a slip of the fingers: at most
  /// two edits for short words, a quarter of the word for long ones. Ties go to the first.
  public static func nearest(to word: String, in candidates: [String]) -> String? {
    let limit = max(2, word.count / 4)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates where candidate != word {
      let distance = editDistance(word, candidate)
      guard distance <= limit, distance < word.count else { continue }
      if best.map({ distance < $0.distance }) ?? true { best = (candidate, distance) }
    }
    return best?.candidate
  }

  /// Insertions, deletions, substitutions and swaps of neighbours (optimal string alignment),
  /// so `aprove` is one edit from `approve` and `namepsace` one from `namespace`.
  public static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var before = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          current[j] = min(current[j], before[j - 2] + 1)
        }
      }
      (before, previous, current) = (previous, current, before)
    }
    return previous[b.count]
  }
}
