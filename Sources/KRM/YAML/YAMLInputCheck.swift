/// What the parser refuses before libyaml sees the text: bytes that are not UTF-8, and
/// characters libyaml takes for line breaks (or skips) where stoop could not keep the text.
extension YAMLParser {
  static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int? {
    var line = 1
    var i = 0
    let n = bytes.count
    while i < n {
      let b = bytes[i]
      if b < 0x80 {
        if b == 0x0A { line += 1 }
        i += 1
        continue
      }
      let length: Int
      if b & 0xE0 == 0xC0 && b >= 0xC2 {
        length = 2
      } else if b & 0xF0 == 0xE0 {
        length = 3
      } else if b & 0xF8 == 0xF0 && b <= 0xF4 {
        length = 4
      } else {
        return line
      }
      guard i + length <= n else { return line }
      for j in 1..<length where bytes[i + j] & 0xC0 != 0x80 { return line }
      i += length
    }
    return nil
  }

  /// The first line break other than LF and CRLF (a lone CR, NEL, a Unicode line or paragraph
  /// separator), or a byte order mark starting a line but the first, which libyaml skips,
  /// with what to say about it.
  static func firstUnsupportedCharacter(_ bytes: [UInt8]) -> (line: Int, message: String)? {
    func lineBreak(_ what: String) -> String {
      "\(what) is a line break stoop does not read; use LF or CRLF line endings"
    }
    var line = 1
    let n = bytes.count
    for i in 0..<n {
      switch bytes[i] {
      case 0x0A:
        line += 1
      case 0x0D where i + 1 == n || bytes[i + 1] != 0x0A:
        return (line, lineBreak("a carriage return without a line feed"))
      case 0xC2 where i + 1 < n && bytes[i + 1] == 0x85:
        return (line, lineBreak("U+0085 (next line)"))
      case 0xE2
      where i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
        let what = bytes[i + 2] == 0xA8 ? "U+2028 (line separator)" : "U+2029 (paragraph separator)"
        return (line, lineBreak(what))
      case 0xEF
      where i > 0 && (bytes[i - 1] == 0x0A || i == 3 && bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        && i + 2 < n && bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF:
        return (line, "a byte order mark (U+FEFF) at the start of a line; remove it")
      default:
        break
      }
    }
    return nil
  }
}
