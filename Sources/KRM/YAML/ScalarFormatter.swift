/// Quoting for scalars built in memory.
public enum ScalarFormatter {
  /// A scalar as kpt writes it in `style`; plain falls back to quotes where plain would change
  /// the value's meaning.
  public static func format(_ value: String, style: YAMLScalarStyle, indent: Int) -> String {
    switch style {
    case .singleQuoted:
      // (A CRLF is one Character, which `contains("\n")` does not match: the byte check only
      // spares the common case the Character scan.)
      if value.utf8.contains(0x0A) && value.contains("\n") { return doubleQuoted(value) }
      if !value.utf8.contains(UInt8(ascii: "'")) { return "'" + value + "'" }
      return "'"
        + value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''")
        + "'"
    case .doubleQuoted:
      return doubleQuoted(value)
    case .literal, .folded:
      guard !value.isEmpty else { return "\"\"" }
      let chomp = value.hasSuffix("\n") ? (value.hasSuffix("\n\n") ? "+" : "") : "-"
      var body = value
      if body.hasSuffix("\n") { body.removeLast() }
      let pad = String(repeating: " ", count: indent + 2)
      let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map {
        $0.isEmpty ? "" : pad + $0
      }
      let lead = value.first == " " ? "2" : ""
      return "|" + lead + chomp + "\n" + lines.joined(separator: "\n")
    case .plain:
      return isPlainSafe(value) ? value : doubleQuoted(value)
    }
  }

  static func doubleQuoted(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
        } else if (0x80...0x9F).contains(scalar.value) || scalar.value == 0xFEFF
          || scalar.value == 0xFFFE || scalar.value == 0xFFFF || scalar.value == 0x2028
          || scalar.value == 0x2029
        {
          // Not printable for YAML (libyaml refuses them raw, a BOM included).
          out += "\\u" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// Whether `value` reads back as the same string when written plain.
  public static func isPlainSafe(_ value: String) -> Bool {
    guard isPlainSyntax(value), let first = value.utf8.first else { return false }
    let startsLikeNumber =
      first >= 0x30 && first <= 0x39 || first == UInt8(ascii: ".") || first == UInt8(ascii: "+")
      || first == UInt8(ascii: "-") || first == UInt8(ascii: "~")
    if !startsLikeNumber && !ScalarResolver.startsLikeKeyword(first) { return true }
    return !ScalarResolver.isNonString(value)
  }

  /// Whether text at the start of a line would read as `---` or `...` (a marker is followed by a
  /// blank or the end of the line).
  static func startsWithDocumentMarker(_ text: String) -> Bool {
    // (Called for every plain scalar written: no array of the prefix.)
    var bytes = text.utf8.makeIterator()
    guard let first = bytes.next(), first == UInt8(ascii: "-") || first == UInt8(ascii: "."),
      bytes.next() == first, bytes.next() == first
    else { return false }
    guard let fourth = bytes.next() else { return true }
    return fourth == 0x20 || fourth == 0x09
  }

  /// Whether `value` reads back as one plain scalar in block context, whatever it means: no
  /// indicator where one would be read, no `: ` or ` #`, nothing unprintable, and no document
  /// marker at the start.
  public static func isPlainSyntax(_ value: String) -> Bool {
    let utf8 = value.utf8
    guard let first = utf8.first, let last = utf8.last else { return false }
    if first == 0x20 || last == 0x20 || last == UInt8(ascii: ":") { return false }
    switch first {
    case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
      let second = utf8.dropFirst().first
      if second == nil || second == 0x20 { return false }
    case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
      UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"),
      UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
      UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
      return false
    default:
      break
    }
    if startsWithDocumentMarker(value) { return false }
    var previous: UInt8 = 0
    var isASCII = true
    for byte in utf8 {
      if byte < 0x20 || byte == 0x7F { return false }
      if byte == 0x20 && previous == UInt8(ascii: ":") { return false }
      if byte == UInt8(ascii: "#") && previous == 0x20 { return false }
      if byte >= 0x80 { isASCII = false }
      previous = byte
    }
    if isASCII { return true }
    // Nothing libyaml would not print raw (a BOM, C1 controls, line separators).
    return !value.unicodeScalars.contains { scalar in
      (0x80...0x9F).contains(scalar.value) || scalar.value == 0xFEFF || scalar.value == 0xFFFE
        || scalar.value == 0xFFFF || scalar.value == 0x2028 || scalar.value == 0x2029
    }
  }
}

/// What a plain scalar means under YAML 1.1 (kyaml's resolution), to know when a string must be
/// quoted to stay a string.
enum ScalarResolver {
  static let keywords: Set<String> = [
    "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes",
    "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", ".inf",
    ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", "+.Inf", "+.INF", ".nan", ".NaN", ".NAN",
    "<<", "=",
  ]

  /// Whether a plain scalar starting with this byte could be a YAML 1.1 keyword.
  static func startsLikeKeyword(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"),
      UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "y"),
      UInt8(ascii: "Y"), UInt8(ascii: "o"), UInt8(ascii: "O"), UInt8(ascii: "."),
      UInt8(ascii: "<"), UInt8(ascii: "="):
      return true
    default:
      return false
    }
  }

  static func isNonString(_ value: String) -> Bool {
    if keywords.contains(value) { return true }
    return looksNumeric(value)
  }

  /// Whether Go's YAML libraries read a plain scalar of this text as a number or a time (or quote
  /// it for YAML 1.1 readers).
  static func looksNumeric(_ value: String) -> Bool {
    GoScalarResolution.kind(value) != .string
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
