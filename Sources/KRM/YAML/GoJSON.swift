/// JSON as kpt writes a `.json` package file: Go's `json.MarshalIndent` with two-space indent,
/// map keys sorted, HTML-sensitive characters escaped, and a final line break.
public enum GoJSON {
  public static func encode(_ node: YAMLNode, indentation: Int = 2) -> [UInt8] {
    var out: [UInt8] = []
    write(node, indent: 0, step: indentation, into: &out)
    out.append(0x0A)
    return out
  }

  private static func write(_ node: YAMLNode, indent: Int, step: Int, into out: inout [UInt8]) {
    switch node.kind {
    case .mapping:
      guard !node.entries.isEmpty else { return out.append(contentsOf: "{}".utf8) }
      out.append(UInt8(ascii: "{"))
      let sorted = node.entries.sorted {
        Array($0.key.value.utf8).lexicographicallyPrecedes(Array($1.key.value.utf8))
      }
      for (i, entry) in sorted.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: indent + step))
        string(entry.key.value, into: &out)
        out.append(contentsOf: ": ".utf8)
        write(entry.value, indent: indent + step, step: step, into: &out)
      }
      out.append(0x0A)
      out.append(contentsOf: repeatElement(0x20, count: indent))
      out.append(UInt8(ascii: "}"))
    case .sequence:
      guard !node.items.isEmpty else { return out.append(contentsOf: "[]".utf8) }
      out.append(UInt8(ascii: "["))
      for (i, item) in node.items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: indent + step))
        write(item.node, indent: indent + step, step: step, into: &out)
      }
      out.append(0x0A)
      out.append(contentsOf: repeatElement(0x20, count: indent))
      out.append(UInt8(ascii: "]"))
    case .alias:
      out.append(contentsOf: "null".utf8)
    case .scalar:
      guard node.style == .plain, node.tag == nil || node.tag != "!!str" else {
        return string(node.value, into: &out)
      }
      if node.isNull {
        out.append(contentsOf: "null".utf8)
      } else if ["true", "True", "TRUE"].contains(node.value) {
        out.append(contentsOf: "true".utf8)
      } else if ["false", "False", "FALSE"].contains(node.value) {
        out.append(contentsOf: "false".utf8)
      } else if let number = GoScalarResolution.jsonNumber(node.value) {
        out.append(contentsOf: number.utf8)
      } else {
        string(node.value, into: &out)
      }
    }
  }

  /// A JSON string literal as Go's encoder writes it.
  public static func quote(_ value: String) -> String {
    var out: [UInt8] = []
    string(value, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  private static func string(_ value: String, into out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out.append(contentsOf: "\\\"".utf8)
      case "\\": out.append(contentsOf: "\\\\".utf8)
      case "\n": out.append(contentsOf: "\\n".utf8)
      case "\r": out.append(contentsOf: "\\r".utf8)
      case "\t": out.append(contentsOf: "\\t".utf8)
      case "<", ">", "&", "\u{2028}", "\u{2029}":
        let v = scalar.value
        out.append(contentsOf: "\\u".utf8)
        for shift in stride(from: 12, through: 0, by: -4) {
          out.append(hex[Int((v >> UInt32(shift)) & 0xF)])
        }
      default:
        if scalar.value < 0x20 {
          out.append(contentsOf: "\\u00".utf8)
          out.append(hex[Int(scalar.value >> 4)])
          out.append(hex[Int(scalar.value & 0xF)])
        } else {
          out.append(contentsOf: String(scalar).utf8)
        }
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
