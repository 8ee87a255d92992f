import KRM

/// One entry of a function's `results`, as kpt reads and prints it.
public struct FunctionResultItem: Sendable, Equatable {
  public var message: String
  /// `error`, `warning`, `info` or nil (printed as info).
  public var severity: String?
  public var apiVersion = ""
  public var kind = ""
  public var namespace = ""
  public var name = ""
  public var fieldPath = ""
  public var filePath = ""
  public var fileIndex = 0
  /// `field.currentValue` and `field.proposedValue` (`suggestedValue` in older SDKs), any YAML.
  public var currentValue: YAMLNode?
  public var proposedValue: YAMLNode?
  public var tags: [String: String] = [:]

  public init(message: String, severity: String? = nil) {
    self.message = message
    self.severity = severity
  }

  /// The `results` of a function's output: a list, or the legacy map that holds one under
  /// `items`; an old `resourceRef.metadata.{name,namespace}` is read too.
  public static func parse(_ node: YAMLNode?) -> [FunctionResultItem] {
    guard var node else { return [] }
    if node.isMapping, let items = node["items"] { node = items }
    return node.items.compactMap { item in
      let entry = item.node
      guard entry.isMapping else { return nil }
      var result = FunctionResultItem(
        message: entry["message"]?.string ?? "", severity: entry["severity"]?.string)
      if let reference = entry["resourceRef"], reference.isMapping {
        result.apiVersion = reference["apiVersion"]?.string ?? ""
        result.kind = reference["kind"]?.string ?? ""
        result.name =
          reference["name"]?.string ?? reference.node(at: ["metadata", "name"])?.string ?? ""
        result.namespace =
          reference["namespace"]?.string ?? reference.node(at: ["metadata", "namespace"])?.string
          ?? ""
      }
      result.fieldPath = entry.node(at: ["field", "path"])?.string ?? ""
      result.currentValue = entry.node(at: ["field", "currentValue"])
      result.proposedValue =
        entry.node(at: ["field", "proposedValue"]) ?? entry.node(at: ["field", "suggestedValue"])
      for tag in entry["tags"]?.entries ?? [] where tag.value.isScalar {
        result.tags[tag.key.value] = tag.value.value
      }
      result.filePath = entry.node(at: ["file", "path"])?.string ?? ""
      result.fileIndex = entry.node(at: ["file", "index"])?.string.flatMap { Int($0) } ?? 0
      return result
    }
  }

  /// kpt's line: `[severity] apiVersion/kind/namespace/name field.path: message`, empty parts
  /// left out.
  public var line: String {
    var text = "[\(severity.flatMap { $0.isEmpty ? nil : $0 } ?? "info")]"
    let reference = [apiVersion, kind, namespace, name].filter { !$0.isEmpty }
    if !reference.isEmpty { text += " " + reference.joined(separator: "/") }
    if !fieldPath.isEmpty { text += " " + fieldPath }
    return text + ": " + message
  }
}

/// What kpt prints on stderr about one function run.
public enum FunctionReport {
  /// At most this many result and stderr lines are shown unless truncation is off.
  public static let shownLines = 4

  public static func running(_ name: String) -> String { "[RUNNING] \(goQuoted(name))\n" }

  /// The `[PASS]`/`[FAIL]` block: results, stderr (Go-quoted lines) and, when the function
  /// itself failed, its exit code and a blank line.
  public static func finished(
    _ name: String, success: Bool, seconds: Double, results: [FunctionResultItem],
    stderr: [UInt8], exitCode: Int32?, truncate: Bool = true
  ) -> String {
    var text = "[\(success ? "PASS" : "FAIL")] \(goQuoted(name)) in \(duration(seconds))\n"
    if !results.isEmpty {
      text += "  Results:\n"
      let shown = truncate ? results.prefix(shownLines) : results[...]
      for result in shown { text += "    " + result.line + "\n" }
      if shown.count < results.count {
        text +=
          "    ...(\(results.count - shown.count) line(s) truncated, use '--truncate-output=false' to disable)\n"
      }
    }
    if !stderr.isEmpty {
      text += "  Stderr:\n"
      let lines = String(decoding: stderr, as: UTF8.self).split(
        separator: "\n", omittingEmptySubsequences: false)
      let shown = truncate ? lines.prefix(shownLines) : lines[...]
      for line in shown { text += "    " + goQuoted(String(line)) + "\n" }
      if shown.count < lines.count {
        text +=
          "    ...(\(lines.count - shown.count) line(s) truncated, use '--truncate-output=false' to disable)\n"
      }
    }
    if let exitCode { text += "  Exit code: \(exitCode)\n\n" }
    return text
  }

  /// Go's `time.Duration` text after truncating to 100 ms: `0s`, `200ms`, `1.2s`, `1m2.3s`.
  public static func duration(_ seconds: Double) -> String {
    let tenths = Int((seconds * 10).rounded(.down))
    if tenths == 0 { return "0s" }
    if tenths < 10 { return "\(tenths * 100)ms" }
    let minutes = tenths / 600
    let rest = tenths % 600
    let secondsText = rest % 10 == 0 ? "\(rest / 10)s" : "\(rest / 10).\(rest % 10)s"
    return minutes > 0 ? "\(minutes)m" + secondsText : secondsText
  }

  /// A string as Go's `%q` writes it.
  public static func goQuoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "\u{07}": out += "\\a"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case "\u{0B}": out += "\\v"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
