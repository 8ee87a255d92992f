/// Line diffs in the unified format `diff -u` and git print.
public enum TextDiff {
  enum Edit: Equatable {
    case same(Int, Int)
    case removed(Int)
    case added(Int)
  }

  /// The unified diff of two texts (empty when equal), with `context` lines around each change
  /// and `---`/`+++` headers naming them.
  public static func unified(
    _ old: [UInt8], _ new: [UInt8], oldName: String, newName: String, context: Int = 3
  ) -> String {
    guard old != new else { return "" }
    let a = lines(old)
    let b = lines(new)
    let edits = script(a, b)
    var out = "--- \(oldName)\n+++ \(newName)\n"
    // Lines of each side before every edit, for the hunk headers.
    var oldBefore = [0]
    var newBefore = [0]
    for edit in edits {
      let o = oldBefore[oldBefore.count - 1]
      let n = newBefore[newBefore.count - 1]
      switch edit {
      case .same:
        oldBefore.append(o + 1)
        newBefore.append(n + 1)
      case .removed:
        oldBefore.append(o + 1)
        newBefore.append(n)
      case .added:
        oldBefore.append(o)
        newBefore.append(n + 1)
      }
    }
    // Group the edits into hunks: changes closer than 2 * context lines share one.
    var index = 0
    while index < edits.count {
      guard
        let change = edits[index...].firstIndex(where: {
          if case .same = $0 { false } else { true }
        })
      else { break }
      let start = max(change - context, index == 0 ? 0 : index)
      var end = change
      var quiet = 0
      var cursor = change
      while cursor < edits.count {
        if case .same = edits[cursor] {
          quiet += 1
          if quiet > 2 * context { break }
        } else {
          quiet = 0
          end = cursor
        }
        cursor += 1
      }
      let stop = min(end + context + 1, edits.count)
      var oldCount = 0
      var newCount = 0
      var body = ""
      for edit in edits[start..<stop] {
        switch edit {
        case .same(let i, _):
          oldCount += 1
          newCount += 1
          body += " " + a[i]
        case .removed(let i):
          oldCount += 1
          body += "-" + a[i]
        case .added(let j):
          newCount += 1
          body += "+" + b[j]
        }
      }
      // diff numbers lines from 1, and an empty side by the line before it.
      let oldStart = oldBefore[start] + (oldCount == 0 ? 0 : 1)
      let newStart = newBefore[start] + (newCount == 0 ? 0 : 1)
      out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n" + body
      index = stop
    }
    return out
  }

  static func range(_ start: Int, _ count: Int) -> String {
    count == 1 ? "\(start)" : "\(start),\(count)"
  }

  /// Lines with their line ends; a last line without one is marked as diff marks it.
  static func lines(_ bytes: [UInt8]) -> [String] {
    var result: [String] = []
    var start = 0
    for (i, byte) in bytes.enumerated() where byte == 0x0A {
      result.append(String(decoding: bytes[start...i], as: UTF8.self))
      start = i + 1
    }
    if start < bytes.count {
      result.append(
        String(decoding: bytes[start...], as: UTF8.self) + "\n\\ No newline at end of file\n")
    }
    return result
  }

  /// A shortest edit script (Myers' O(ND) algorithm), removals before additions in each run.
  static func script(_ a: [String], _ b: [String]) -> [Edit] {
    let n = a.count
    let m = b.count
    let max = n + m
    var v = [Int](repeating: 0, count: 2 * max + 2)
    var trace: [[Int]] = []
    outer: for d in 0...max {
      trace.append(v)
      for k in stride(from: -d, through: d, by: 2) {
        var x: Int
        if k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) {
          x = v[max + k + 1]
        } else {
          x = v[max + k - 1] + 1
        }
        var y = x - k
        while x < n && y < m && a[x] == b[y] {
          x += 1
          y += 1
        }
        v[max + k] = x
        if x >= n && y >= m { break outer }
      }
    }
    // Walk back through the saved frontiers.
    var edits: [Edit] = []
    var x = n
    var y = m
    for d in stride(from: trace.count - 1, through: 0, by: -1) {
      let v = trace[d]
      let k = x - y
      let previousK: Int
      if k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) {
        previousK = k + 1
      } else {
        previousK = k - 1
      }
      let previousX = d == 0 ? 0 : v[max + previousK]
      let previousY = previousX - previousK
      while x > previousX && y > previousY {
        x -= 1
        y -= 1
        edits.append(.same(x, y))
      }
      if d > 0 {
        if x == previousX {
          y -= 1
          edits.append(.added(y))
        } else {
          x -= 1
          edits.append(.removed(x))
        }
      }
    }
    return edits.reversed()
  }
}
