/// A JSON value with its type decided, as an API object holds it after Go's encoding/json
/// decoded it (what kubectl's printers walk): object keys keep no order and are written sorted.
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  /// A number in its JSON spelling (`2`, `-1`, `1.5`).
  case number(String)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// The member `key` of an object, nil for anything else.
  public subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  public var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  /// JSON as Go's `json.Marshal` (compact) or `json.MarshalIndent(v, "", indent)` writes it:
  /// keys sorted, `<`, `>` and `&` escaped.
  public func encoded(indent: Int? = nil) -> String {
    var out: [UInt8] = []
    write(into: &out, indent: indent, level: 0)
    return String(decoding: out, as: UTF8.self)
  }

  /// The encoded value appended to `out`, as it stands `level` indents deep in a larger value.
  public func write(into out: inout [UInt8], indent: Int?, level: Int) {
    switch self {
    case .null: out += "null".utf8
    case .bool(let value): out += (value ? "true" : "false").utf8
    case .number(let text): out += text.utf8
    case .string(let text): Self.quote(text, into: &out)
    case .array(let items):
      guard !items.isEmpty else { return out += "[]".utf8 }
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        Self.newline(&out, indent: indent, level: level + 1)
        item.write(into: &out, indent: indent, level: level + 1)
      }
      Self.newline(&out, indent: indent, level: level)
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      guard !members.isEmpty else { return out += "{}".utf8 }
      out.append(UInt8(ascii: "{"))
      for (i, key) in Self.sortedKeys(members).enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        Self.newline(&out, indent: indent, level: level + 1)
        Self.quote(key, into: &out)
        out += (indent == nil ? ":" : ": ").utf8
        members[key]?.write(into: &out, indent: indent, level: level + 1)
      }
      Self.newline(&out, indent: indent, level: level)
      out.append(UInt8(ascii: "}"))
    }
  }

  static func newline(_ out: inout [UInt8], indent: Int?, level: Int) {
    guard let indent else { return }
    out.append(0x0A)
    out.append(contentsOf: repeatElement(0x20, count: indent * level))
  }

  /// A JSON string as `GoJSON.quote` writes it, byte by byte: `<`, `>`, `&`, U+2028, U+2029
  /// and control characters as `\u` escapes.
  public static func quote(_ text: String, into out: inout [UInt8]) {
    let hex: StaticString = "0123456789abcdef"
    func escape(_ value: UInt32) {
      out += "\\u".utf8
      hex.withUTF8Buffer { digits in
        for shift in stride(from: 12, through: 0, by: -4) {
          out.append(digits[Int((value >> UInt32(shift)) & 0xF)])
        }
      }
    }
    out.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { bytes in
      // Most text needs no escape: copied whole.
      let special = bytes.contains { byte in
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
          || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
          || byte == 0xE2
      }
      guard special else { return out.append(contentsOf: bytes) }
      var i = 0
      while i < bytes.count {
        let byte = bytes[i]
        switch byte {
        case UInt8(ascii: "\""): out += "\\\"".utf8
        case UInt8(ascii: "\\"): out += "\\\\".utf8
        case 0x0A: out += "\\n".utf8
        case 0x0D: out += "\\r".utf8
        case 0x09: out += "\\t".utf8
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"): escape(UInt32(byte))
        case 0xE2
        where i + 2 < bytes.count && bytes[i + 1] == 0x80
          && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
          escape(bytes[i + 2] == 0xA8 ? 0x2028 : 0x2029)
          i += 2
        default:
          if byte < 0x20 { escape(UInt32(byte)) } else { out.append(byte) }
        }
        i += 1
      }
    }
    out.append(UInt8(ascii: "\""))
  }

  /// Keys in Go's order: by their UTF-8 bytes.
  public static func sortedKeys(_ members: [String: JSONValue]) -> [String] {
    members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
  }

  /// The value as Go's `fmt.Print` shows what encoding/json decoded (`%v`): strings bare,
  /// `map[a:1 b:x]`, `[a b]`, `<nil>`; `asFloat` formats numbers as float64, as a go-template
  /// sees them (`1e+06`).
  public func goFormatted(asFloat: Bool = false) -> String {
    switch self {
    case .null: return "<nil>"
    case .bool(let value): return value ? "true" : "false"
    case .number(let text): return asFloat ? Self.goFloat(text) : text
    case .string(let text): return text
    case .array(let items):
      return "[" + items.map { $0.goFormatted(asFloat: asFloat) }.joined(separator: " ") + "]"
    case .object(let members):
      return "map["
        + Self.sortedKeys(members).map { key in
          key + ":" + (members[key]?.goFormatted(asFloat: asFloat) ?? "<nil>")
        }.joined(separator: " ") + "]"
    }
  }

  /// A number as Go's `%v` prints a float64: shortest digits, exponent form when the decimal
  /// exponent is below -4 or 6 and above (`1e+06`, `1.5e-07`).
  static func goFloat(_ text: String) -> String {
    guard let value = Double(text), value.isFinite else { return text }
    if value == 0 { return "0" }
    // Swift's description has the shortest digits that read back the same, as Go's.
    var description = "\(abs(value))"
    var exponent = 0
    if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      exponent = Int(description[description.index(after: e)...]) ?? 0
      description = String(description[..<e])
    }
    let point = description.firstIndex(of: ".") ?? description.endIndex
    let integer = String(description[..<point])
    let fraction =
      point == description.endIndex ? "" : String(description[description.index(after: point)...])
    var digits = integer + fraction
    var position = integer.count + exponent  // value = 0.digits × 10^position
    while digits.hasPrefix("0") && digits.count > 1 {
      digits.removeFirst()
      position -= 1
    }
    while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
    let sign = value < 0 ? "-" : ""
    let decimalExponent = position - 1
    if decimalExponent < -4 || decimalExponent >= 6 {
      let rest = digits.dropFirst()
      let magnitude = String(abs(decimalExponent))
      return sign + String(digits.prefix(1)) + (rest.isEmpty ? "" : "." + rest) + "e"
        + (decimalExponent < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" : "") + magnitude
    }
    if position <= 0 { return sign + "0." + String(repeating: "0", count: -position) + digits }
    if position >= digits.count {
      return sign + digits + String(repeating: "0", count: position - digits.count)
    }
    return sign + String(digits.prefix(position)) + "." + String(digits.dropFirst(position))
  }
}
