import Foundation
import KRM

/// A creation task's JSON text (from a `kpt:` annotation) as the YAML tree a PackageRevision
/// shows: object keys sorted, strings as strings, `null`, `true`, `false` and numbers as
/// literals. Listings read one per revision, so the common case (objects, arrays, strings,
/// null) is parsed here directly; anything else goes through `JSONSerialization`.
enum TaskJSON {
  static func node(_ text: String) -> YAMLNode? {
    var parser = Parser(Array(text.utf8))
    if let node = parser.document() { return node }
    guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return nil }
    return node(json)
  }

  /// A value from `JSONSerialization` as a YAML node (object keys sorted).
  static func node(_ value: Any) -> YAMLNode {
    switch value {
    case let object as [String: Any]:
      return .mapping(
        object.keys.sorted().map { YAMLEntry(key: .scalar($0), value: node(object[$0] ?? "")) })
    case let array as [Any]:
      return .sequence(array.map(node))
    case let number as NSNumber:
      if String(cString: number.objCType) == "c" {
        return .literal(number.boolValue ? "true" : "false")
      }
      return .literal(number.stringValue)
    case let string as String:
      return .scalar(string)
    default:
      return .literal("null")
    }
  }

  /// Objects, arrays, strings without `\u` escapes, and null; nil for anything else (numbers
  /// and booleans, whose spelling `JSONSerialization` decides, duplicate keys, bad syntax), so
  /// that the caller falls back to `JSONSerialization` and gets exactly what it gives.
  private struct Parser {
    let bytes: [UInt8]
    var i = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() -> YAMLNode? {
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "[")
      else { return nil }
      guard let node = value(depth: 0) else { return nil }
      skipSpace()
      return i == bytes.count ? node : nil
    }

    mutating func skipSpace() {
      while i < bytes.count,
        bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D
      {
        i += 1
      }
    }

    mutating func value(depth: Int) -> YAMLNode? {
      guard depth < 64 else { return nil }
      skipSpace()
      guard i < bytes.count else { return nil }
      switch bytes[i] {
      case UInt8(ascii: "{"):
        i += 1
        var entries: [(String, YAMLNode)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
          i += 1
          return .mapping([])
        }
        while true {
          skipSpace()
          guard let key = string() else { return nil }
          skipSpace()
          guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
          i += 1
          guard let member = value(depth: depth + 1) else { return nil }
          entries.append((key, member))
          skipSpace()
          guard i < bytes.count else { return nil }
          if bytes[i] == UInt8(ascii: ",") {
            i += 1
            continue
          }
          guard bytes[i] == UInt8(ascii: "}") else { return nil }
          i += 1
          break
        }
        entries.sort { $0.0 < $1.0 }
        for k in entries.indices.dropFirst() where entries[k].0 == entries[k - 1].0 { return nil }
        return .mapping(entries.map { YAMLEntry(key: .scalar($0.0), value: $0.1) })
      case UInt8(ascii: "["):
        i += 1
        var items: [YAMLNode] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
          i += 1
          return .sequence([])
        }
        while true {
          guard let item = value(depth: depth + 1) else { return nil }
          items.append(item)
          skipSpace()
          guard i < bytes.count else { return nil }
          if bytes[i] == UInt8(ascii: ",") {
            i += 1
            continue
          }
          guard bytes[i] == UInt8(ascii: "]") else { return nil }
          i += 1
          return .sequence(items)
        }
      case UInt8(ascii: "\""):
        return string().map { .scalar($0) }
      case UInt8(ascii: "n"):
        guard bytes[i...].starts(with: "null".utf8) else { return nil }
        i += 4
        return .literal("null")
      default:
        return nil
      }
    }

    mutating func string() -> String? {
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
      i += 1
      var text: [UInt8] = []
      while i < bytes.count {
        let byte = bytes[i]
        i += 1
        switch byte {
        case UInt8(ascii: "\""):
          return String(validating: text, as: UTF8.self)
        case UInt8(ascii: "\\"):
          guard i < bytes.count else { return nil }
          let escaped = bytes[i]
          i += 1
          switch escaped {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
          case UInt8(ascii: "n"): text.append(0x0A)
          case UInt8(ascii: "t"): text.append(0x09)
          case UInt8(ascii: "r"): text.append(0x0D)
          case UInt8(ascii: "b"): text.append(0x08)
          case UInt8(ascii: "f"): text.append(0x0C)
          default: return nil
          }
        default:
          guard byte >= 0x20 else { return nil }
          text.append(byte)
        }
      }
      return nil
    }
  }
}
