/// A small deterministic random number generator (SplitMix64), so a fuzz run is repeatable
/// from its seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Structure-aware mutations of YAML text: the shapes that broke the YAML layer before (deep
/// nesting, CRLF, a BOM, anchors and tags, flow inside block, comments, document markers,
/// several documents, every scalar style, JSON), mixed with plain byte edits.
public struct Mutator {
  public var random: SeededGenerator
  /// Inputs to splice from.
  public var corpus: [[UInt8]]

  public init(seed: UInt64, corpus: [[UInt8]]) {
    random = SeededGenerator(seed: seed)
    self.corpus = corpus
  }

  static let snippets: [String] = [
    "---\n", "...\n", "--- ", "# c", " # c\n", "#\n", "&a ", "*a", "&a", "!!str ", "!!map ",
    "!!seq ",
    "!t ", "!<tag:x> ", "? ", "?", "- ", "-", ": ", ":", "{", "}", "[", "]", ", ", ",", "{}", "[]",
    "|\n", "|-\n", "|+\n", ">\n", ">-\n", "|2\n", "\"", "'", "''", "\"\\n\"", "\\", "\r\n", "\r",
    "\t", "\u{FEFF}", "%YAML 1.1\n---\n", "%TAG ! tag:x,2000:\n---\n", "metadata:\n",
    "metadata: x\n", "metadata: {name: a}\n", "  annotations:\n", "  annotations: {a: b}\n",
    "    config.kubernetes.io/path: x.yaml\n", "    internal.config.kubernetes.io/index: '1'\n",
    "apiVersion: v1\n", "kind: ConfigMap\n", "  name: n\n", "data:\n", "data:\n\n", "items:\n",
    "  ", "\n", "\n\n", "null", "~", "\"\"", "é", "\u{2028}", "0x1F", "yes", "<<: *a\n",
    "bareSeqNodeWrappingKey:\n", "\"apiVersion\": \"v1\", ", "{\"kind\": \"X\"}", "\u{0}",
  ]

  public mutating func int(_ upperBound: Int) -> Int {
    upperBound <= 1 ? 0 : Int(random.next() % UInt64(upperBound))
  }

  public mutating func chance(_ n: Int) -> Bool { int(n) == 0 }

  /// One to four mutations of `input`.
  public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
    var bytes = input
    for _ in 0...int(4) {
      bytes = mutateOnce(bytes)
      if bytes.count > 64 * 1024 { bytes = Array(bytes.prefix(64 * 1024)) }
    }
    return bytes
  }

  private mutating func lineStarts(_ bytes: [UInt8]) -> [Int] {
    var starts = [0]
    for (i, b) in bytes.enumerated() where b == 0x0A && i + 1 < bytes.count { starts.append(i + 1) }
    return starts
  }

  private mutating func mutateOnce(_ input: [UInt8]) -> [UInt8] {
    var bytes = input
    let position = int(bytes.count + 1)
    switch int(16) {
    case 0:  // insert a snippet anywhere
      let snippet = Array(Self.snippets[int(Self.snippets.count)].utf8)
      bytes.insert(contentsOf: snippet, at: position)
    case 1:  // insert a snippet at a line start
      let starts = lineStarts(bytes)
      let snippet = Array(Self.snippets[int(Self.snippets.count)].utf8)
      bytes.insert(contentsOf: snippet, at: starts[int(starts.count)])
    case 2:  // delete a range
      guard !bytes.isEmpty else { break }
      let length = min(1 + int(16), bytes.count - min(position, bytes.count))
      bytes.removeSubrange(min(position, bytes.count)..<min(position, bytes.count) + length)
    case 3:  // change a byte
      guard !bytes.isEmpty else { break }
      let interesting: [UInt8] = Array(" \n\r\t-:?#&*!|>{}[],'\"%@`~0a.".utf8) + [0x80, 0xC3, 0xFF]
      bytes[int(bytes.count)] =
        chance(3) ? UInt8(truncatingIfNeeded: random.next()) : interesting[int(interesting.count)]
    case 4:  // duplicate, delete or swap lines
      var lines = split(bytes)
      guard !lines.isEmpty else { break }
      let i = int(lines.count)
      switch int(3) {
      case 0: lines.insert(lines[i], at: int(lines.count + 1))
      case 1: lines.remove(at: i)
      default: lines.swapAt(i, int(lines.count))
      }
      bytes = Array(lines.joined())
    case 5:  // indent or dedent a line
      let starts = lineStarts(bytes)
      let start = starts[int(starts.count)]
      if chance(2) {
        bytes.insert(contentsOf: repeatElement(0x20, count: 1 + int(4)), at: start)
      } else {
        var end = start
        while end < bytes.count && end < start + 1 + int(4) && bytes[end] == 0x20 { end += 1 }
        bytes.removeSubrange(start..<end)
      }
    case 6:  // CRLF everywhere, or nowhere
      if bytes.contains(0x0D) {
        bytes.removeAll { $0 == 0x0D }
      } else {
        bytes = bytes.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
      }
    case 7:  // the end of the file: line break, blank lines, spaces, or none
      switch int(4) {
      case 0: if bytes.last == 0x0A { bytes.removeLast() }
      case 1: bytes.append(contentsOf: Array("\n\n".utf8))
      case 2: bytes.append(contentsOf: Array("  \n# foot\n".utf8))
      default: bytes.append(contentsOf: Array("\n---\n".utf8))
      }
    case 8:  // splice another input in, as a document or in the middle
      guard let other = corpus.isEmpty ? nil : corpus[int(corpus.count)] else { break }
      if chance(2) {
        bytes += Array("---\n".utf8) + other
      } else {
        let from = int(other.count + 1)
        let piece = other[from..<min(other.count, from + 1 + int(200))]
        bytes.insert(contentsOf: piece, at: position)
      }
    case 9:  // deep nesting around a value, near and over the limit
      let depth = chance(4) ? 990 + int(20) : 1 + int(64)
      let (open, close) = chance(2) ? ("[", "]") : ("{a: ", "}")
      let nested =
        String(repeating: open, count: depth) + "x" + String(repeating: close, count: depth)
      bytes.insert(contentsOf: Array(nested.utf8), at: position)
    case 10:  // a block mapping nested several levels at a line start
      let starts = lineStarts(bytes)
      var block = ""
      for level in 0..<(1 + int(12)) {
        block += String(repeating: "  ", count: level) + "k\(level):\n"
      }
      bytes.insert(contentsOf: Array(block.utf8), at: starts[int(starts.count)])
    case 11:  // anchor a value and alias it elsewhere
      bytes.insert(contentsOf: Array(" &x".utf8), at: position)
      bytes.insert(contentsOf: Array("k: *x\n".utf8), at: lineStarts(bytes).last ?? 0)
    case 12:  // a BOM at the start
      if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
        bytes.removeFirst(3)
      } else {
        bytes.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0)
      }
    case 13:  // turn a block value into flow, or quote it
      guard let colon = bytes[min(position, bytes.count)...].firstIndex(of: UInt8(ascii: ":"))
      else { break }
      let wrappers = [
        ("{", "}"), ("[", "]"), ("'", "'"), ("\"", "\""), ("|\n  ", ""), (">-\n  ", ""),
      ]
      let (open, close) = wrappers[int(wrappers.count)]
      var end = colon + 1
      while end < bytes.count && bytes[end] != 0x0A { end += 1 }
      bytes.insert(contentsOf: Array(close.utf8), at: end)
      bytes.insert(contentsOf: Array((" " + open).utf8), at: colon + 1)
    case 14:  // JSON: a document written in flow style with quoted keys
      bytes = Array(
        "{\"apiVersion\": \"v1\", \"kind\": \"K\", \"metadata\": {\"name\": \"n\"\(chance(2) ? ", \"annotations\": {\"a\": \"b\"}" : "")}\(chance(2) ? ", \"data\": {\"z\": 1, \"a\": [true, null]}" : "")}\n"
          .utf8)
    default:  // copy a range of the input over another place
      guard bytes.count > 2 else { break }
      let from = int(bytes.count)
      let piece = Array(bytes[from..<min(bytes.count, from + 1 + int(40))])
      bytes.insert(contentsOf: piece, at: int(bytes.count + 1))
    }
    return bytes
  }

  private func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    for (i, b) in bytes.enumerated() where b == 0x0A {
      lines.append(bytes[start...i])
      start = i + 1
    }
    if start < bytes.count { lines.append(bytes[start...]) }
    return lines
  }
}

/// Shrinks an input while a predicate still holds, removing ever smaller ranges (at most
/// `attempts` tries).
public func minimize(
  _ input: [UInt8], attempts: Int = 3000, stillFails: ([UInt8]) -> Bool
) -> [UInt8] {
  var best = input
  var chunk = max(1, best.count / 2)
  var tries = 0
  while chunk >= 1 && tries < attempts {
    var i = 0
    var shrunk = false
    while i < best.count && tries < attempts {
      tries += 1
      var candidate = best
      candidate.removeSubrange(i..<min(best.count, i + chunk))
      if stillFails(candidate) {
        best = candidate
        shrunk = true
      } else {
        i += chunk
      }
    }
    if !shrunk { chunk /= 2 }
  }
  return best
}
