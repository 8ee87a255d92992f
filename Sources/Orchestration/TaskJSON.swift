import Foundation
import KRM

/// A creation task's JSON text (from a `kpt:` annotation) as the YAML tree a PackageRevision
/// shows: object keys sorted, strings as strings, `null`, `true`, `false` and numbers as
/// literals. Listings read one per revision, so the common case (objects, arrays, strings,
/// null) is parsed here directly; anything else goes through `JSONSerialization`.
enum TaskJSON {
  /// The JSON this file reads itself (see `Parser`): object members sorted by key, as
  /// `JSONSerialization`'s dictionaries are when they become a YAML node.
  indirect enum Value {
    case string(String)
    case null
    case object([(key: String, value: Value)])
    case array([Value])

    var node: YAMLNode {
      switch self {
      case .string(let text): return .scalar(text)
      case .null: return .literal("null")
      case .object(let members):
        return .mapping(members.map { YAMLEntry(key: .scalar($0.key), value: $0.value.node) })
      case .array(let items): return .sequence(items.map(\.node))
      }
    }
  }

  static func node(_ text: String) -> YAMLNode? {
    if let value = value(text) { return value.node }
    guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return nil }
    return node(json)
  }

  /// The task read without `JSONSerialization`; nil when it holds more than `Parser` reads.
  static func value(_ text: String) -> Value? {
    var parser = Parser(Array(text.utf8))
    return parser.document()
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

    mutating func document() -> Value? {
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

    mutating func value(depth: Int) -> Value? {
      guard depth < 64 else { return nil }
      skipSpace()
      guard i < bytes.count else { return nil }
      switch bytes[i] {
      case UInt8(ascii: "{"):
        i += 1
        var entries: [(key: String, value: Value)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
          i += 1
          return .object([])
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
        entries.sort { $0.key < $1.key }
        for k in entries.indices.dropFirst() where entries[k].key == entries[k - 1].key {
          return nil
        }
        return .object(entries)
      case UInt8(ascii: "["):
        i += 1
        var items: [Value] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
          i += 1
          return .array([])
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
          return .array(items)
        }
      case UInt8(ascii: "\""):
        return string().map { .string($0) }
      case UInt8(ascii: "n"):
        guard bytes[i...].starts(with: "null".utf8) else { return nil }
        i += 4
        return .null
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

extension TaskJSON.Value {
  /// `spec.tasks` holding this task, as the emitter writes it in a List item (`    tasks:` and
  /// the task below it); false, with nothing written, for what only the emitter writes right:
  /// null, empty collections, lists in lists, keys of over 1,000 bytes.
  func writeYAMLTasks(into out: inout [UInt8]) -> Bool {
    var text = Array("    tasks:\n    -".utf8)
    guard Self.item(self, indent: 4, into: &text) else { return false }
    out += text
    return true
  }

  /// After a dash at `indent`: a string or a mapping starting on the dash's line.
  private static func item(_ value: Self, indent: Int, into out: inout [UInt8]) -> Bool {
    switch value {
    case .string(let text):
      out.append(0x20)
      out += ScalarFormatter.plainText(text).utf8
      out.append(0x0A)
      return true
    case .object(let members) where !members.isEmpty:
      out.append(0x20)
      return mapping(members, indent: indent + 2, inline: true, into: &out)
    default:
      return false
    }
  }

  private static func mapping(
    _ members: [(key: String, value: Self)], indent: Int, inline: Bool, into out: inout [UInt8]
  ) -> Bool {
    var inline = inline
    for (key, value) in members {
      let keyText = ScalarFormatter.plainText(key)
      guard keyText.utf8.count <= 1000 else { return false }
      if !inline { out.append(contentsOf: repeatElement(0x20, count: indent)) }
      inline = false
      out += keyText.utf8
      out.append(UInt8(ascii: ":"))
      switch value {
      case .string(let text):
        out.append(0x20)
        out += ScalarFormatter.plainText(text).utf8
        out.append(0x0A)
      case .object(let children) where !children.isEmpty:
        out.append(0x0A)
        guard mapping(children, indent: indent + 2, inline: false, into: &out) else { return false }
      case .array(let items) where !items.isEmpty:
        out.append(0x0A)
        for item in items {
          out.append(contentsOf: repeatElement(0x20, count: indent))
          out.append(UInt8(ascii: "-"))
          guard Self.item(item, indent: indent, into: &out) else { return false }
        }
      default:
        return false
      }
    }
    return true
  }

  /// The task's JSON as `JSONValue(node, shape:)` types and writes it, at `level`; false, with
  /// nothing written, unless every member is one the shape names and every string is typed as
  /// a string (free-form content and the strings `null` and `~` go the general way).
  func writeJSON(shape: JSONShape, level: Int, into out: inout [UInt8]) -> Bool {
    var text: [UInt8] = []
    guard Self.json(self, shape: shape, level: level, into: &text) else { return false }
    out += text
    return true
  }

  private static func json(_ value: Self, shape: JSONShape, level: Int, into out: inout [UInt8])
    -> Bool
  {
    func newline(_ level: Int) {
      out.append(0x0A)
      out.append(contentsOf: repeatElement(0x20, count: 4 * level))
    }
    switch (value, shape) {
    case (.string(let text), .string):
      guard text != "null", text != "~" else { return false }
      JSONValue.quote(text, into: &out)
    case (.object(let members), .object(let fields)) where !members.isEmpty:
      out.append(UInt8(ascii: "{"))
      let sorted = members.sorted {
        Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8))
      }
      for (i, member) in sorted.enumerated() {
        guard let field = fields[member.key] else { return false }
        if i > 0 { out.append(UInt8(ascii: ",")) }
        newline(level + 1)
        JSONValue.quote(member.key, into: &out)
        out += ": ".utf8
        guard json(member.value, shape: field, level: level + 1, into: &out) else { return false }
      }
      newline(level)
      out.append(UInt8(ascii: "}"))
    case (.array(let items), .array(let element)) where !items.isEmpty:
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        newline(level + 1)
        guard json(item, shape: element, level: level + 1, into: &out) else { return false }
      }
      newline(level)
      out.append(UInt8(ascii: "]"))
    default:
      return false
    }
    return true
  }
}
