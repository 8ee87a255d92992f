extension ScalarFormatter {
  /// `format(value, style: .plain, indent:)`, answered without the general checks for the
  /// names, hashes, times, paths and addresses that make up most of a listing: ASCII letters,
  /// digits and `._/@+:=~%,-`, starting with a letter or digit. Anything else goes the general
  /// way.
  public static func plainText(_ value: String) -> String {
    isQuicklyPlain(value) ? value : format(value, style: .plain, indent: 0)
  }

  /// True only when `isPlainSafe(value)` is (false may mean "not known").
  static func isQuicklyPlain(_ value: String) -> Bool {
    var text = value
    return text.withUTF8 { bytes in
      guard let first = bytes.first, let last = bytes.last, last != UInt8(ascii: ":") else {
        return false
      }
      let isLetter = { (b: UInt8) in
        (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z")
      }
      let isDigit = { (b: UInt8) in b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
      guard isLetter(first) || isDigit(first) else { return false }
      for byte in bytes where !isLetter(byte) && !isDigit(byte) {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "/"), UInt8(ascii: "@"),
          UInt8(ascii: "+"), UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "~"),
          UInt8(ascii: "%"), UInt8(ascii: ","), UInt8(ascii: "-"):
          continue
        default:
          return false
        }
      }
      // In this alphabet, starting with a letter or digit, the text is plain syntax; it is a
      // string unless it spells a keyword or a number (YAML 1.1, as ScalarResolver reads it).
      if isLetter(first) {
        return !ScalarResolver.startsLikeKeyword(first) || !ScalarResolver.keywords.contains(value)
      }
      return !GoScalarResolution.isNonString(bytes)
    }
  }

}
