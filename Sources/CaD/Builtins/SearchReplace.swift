import Foundation
import KRM

extension BuiltinFunction {
  static let searchReplace = BuiltinFunction(
    name: "search-replace",
    summary:
      "Find fields by path, value or regular expression and replace their values or comment them.",
    versions: "v0.1.x, v0.2.x, latest/unstable (catalog master)",
    configuration: """
      ConfigMap data with these keys:
        by-value / by-value-regex (one of them), by-path (a.b[0].c, * one segment, ** any),
        by-file-path (glob on the file path), put-value, put-comment (${1}.. capture groups).
      """,
    example: "stoop fn eval DIR -i search-replace:v0.2 -- by-path=spec.replicas put-value=3",
    notes: "",
    acceptsVersion: zeroMinor(upTo: 2),
    body: { context throws(BuiltinFailure) in try SearchReplace.run(&context) })
}

enum SearchReplace {
  static let keys = [
    "by-value", "by-file-path", "by-value-regex", "by-path", "put-value", "put-comment",
  ]

  /// The catalog's failure: an error result quoting the message, and the message on stderr.
  static func fail(_ context: inout BuiltinContext, _ message: String) -> BuiltinFailure {
    context.results.append(
      FunctionResultItem(
        message: "failed to perform search-replace operation: \(FunctionReport.goQuoted(message))",
        severity: "error"))
    return BuiltinFailure(message)
  }

  static func run(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    // As in the catalog, a key given an empty value counts as not given.
    var data: [String: String] = [:]
    for (key, value) in context.functionConfig?.stringMap(at: ["data"]) ?? [] {
      guard keys.contains(key) else {
        throw fail(
          &context,
          "invalid matcher \"\(key)\", must be one of ["
            + keys.map { "\"\($0)\"" }.joined(separator: " ")
            + "]")
      }
      if !value.isEmpty { data[key] = value }
    }
    if data["by-value"] != nil && data["by-value-regex"] != nil {
      throw fail(&context, "only one of [\"by-value\", \"by-value-regex\"] can be provided")
    }
    var regex: NSRegularExpression? = nil
    if let pattern = data["by-value-regex"] {
      do {
        regex = try NSRegularExpression(pattern: pattern)
      } catch {
        throw fail(&context, "error parsing regexp: invalid regular expression: `\(pattern)`")
      }
    }
    let byPath = data["by-path"].map {
      $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }
    let fileGlob = data["by-file-path"].map(globRegex)
    let putValue = data["put-value"]
    let putComment = data["put-comment"]
    let mutating = putValue != nil || putComment != nil
    var failure: String? = nil

    func captures(_ text: String) -> [String] {
      guard let regex else { return [] }
      let range = NSRange(text.startIndex..., in: text)
      guard let match = regex.firstMatch(in: text, range: range) else { return [] }
      return (0..<match.numberOfRanges).map { i in
        Range(match.range(at: i), in: text).map { String(text[$0]) } ?? ""
      }
    }
    func substitute(_ template: String, _ groups: [String]) -> String? {
      var result = template
      for (i, group) in groups.enumerated().reversed() where i > 0 {
        result = result.replacingOccurrences(of: "${\(i)}", with: group)
      }
      if result.range(of: #"\$\{[0-9]+\}"#, options: .regularExpression) != nil { return nil }
      return result
    }
    func valueMatches(_ text: String) -> Bool {
      if let byValue = data["by-value"] { return text == byValue }
      if let regex {
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
      }
      return false
    }
    let hasValueMatcher = data["by-value"] != nil || regex != nil

    for i in context.items.indices {
      let path = context.items[i].fileReference.path
      if let fileGlob {
        guard path.range(of: fileGlob, options: .regularExpression) != nil else { continue }
      }
      var root = context.items[i].document.root
      var results: [FunctionResultItem] = []
      func record(_ value: String, field: String) {
        let message =
          (mutating ? "Mutated field value to " : "Matched field value ")
          + FunctionReport.goQuoted(value)
        var result = FunctionResultItem(message: message)
        result.fieldPath = field
        result.filePath = path
        results.append(result)
      }
      // Setting a field by its full path creates it.
      if let byPath, let putValue, !hasValueMatcher,
        !byPath.contains(where: { $0.isEmpty || $0.contains("*") || $0.contains("[") })
      {
        var existing = root.node(at: byPath) ?? .scalar("")
        existing.replaceScalarText(putValue)
        root.set(existing.isScalar ? existing : .literal(putValue), at: byPath)
        record(putValue, field: byPath.joined(separator: "."))
        context.items[i].document.root = root
        context.results += results
        continue
      }
      root.walkFields { node, comments, visit in
        guard failure == nil else { return }
        if let putComment, let byPath, node.isSequence, !node.items.isEmpty,
          pathMatches(byPath[...], visit.segments[...])
        {
          // The catalog reports the list in flow style and the field by the by-path pattern.
          let shown =
            "[" + node.items.map { yamlText($0.node, comment: nil) }.joined(separator: ", ") + "]"
          node.isFlow = false
          comments.line = "# " + putComment
          record(shown, field: data["by-path"].map { $0 + " # " + putComment } ?? "")
          return
        }
        guard node.isScalar else { return }
        let text = node.value
        let valueHit = hasValueMatcher && valueMatches(text)
        let pathHit = byPath.map { pathMatches($0[...], visit.segments[...]) } ?? false
        guard (valueHit && (pathHit || byPath == nil)) || (pathHit && !hasValueMatcher) else {
          return
        }
        let groups = captures(text)
        if let putComment {
          guard let comment = substitute(putComment, groups) else {
            failure = "unable to resolve capture groups"
            return
          }
          comments.line = "# " + comment
        }
        if let putValue {
          guard let newText = substitute(putValue, groups) else {
            failure = "unable to resolve capture groups"
            return
          }
          node.replaceScalarText(newText)
        }
        // The catalog shows the field as go-yaml writes it, line comment included, and only
        // for a resource read from a file.
        if !path.isEmpty { record(yamlText(node, comment: comments.line), field: visit.path) }
      }
      if let failure { throw fail(&context, failure) }
      if !root.sameContent(as: context.items[i].document.root) {
        context.items[i].document.root = root
      }
      context.results += results
    }
    if context.results.isEmpty { context.results.append(FunctionResultItem(message: "no matches")) }
  }

  /// A scalar as go-yaml writes it on its own: in its quoting style (plain when that reads
  /// back the same, else single quotes), a line break making it a literal block, its line
  /// comment after it.
  static func yamlText(_ node: YAMLNode, comment: String?) -> String {
    var text: String
    switch node.style {
    case .plain where node.value.contains("\n"):
      text = ScalarFormatter.format(node.value, style: .literal, indent: 0)
    case .plain:
      var untagged = node
      untagged.tag = nil
      let resolves = Setters.type(of: untagged)
      if node.tag == "!!str" && resolves != "str" {
        text = ScalarFormatter.format(node.value, style: .doubleQuoted, indent: 0)
      } else if resolves != "str" || ScalarFormatter.isPlainSafe(node.value) {
        text = node.value
      } else {
        text = ScalarFormatter.format(node.value, style: .singleQuoted, indent: 0)
      }
    default:
      text = ScalarFormatter.format(node.value, style: node.style, indent: 0)
    }
    if let comment, !comment.isEmpty { text += " " + comment }
    return text
  }

  /// `*` one segment, `**` any number, `name[*]` / `*[i]` list elements.
  static func pathMatches(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
    guard let first = pattern.first else { return path.isEmpty }
    if first == "**" {
      var rest = path
      while true {
        if pathMatches(pattern.dropFirst(), rest) { return true }
        guard !rest.isEmpty else { return false }
        rest = rest.dropFirst()
      }
    }
    guard let segment = path.first, segmentMatches(first, segment) else { return false }
    return pathMatches(pattern.dropFirst(), path.dropFirst())
  }

  static func segmentMatches(_ pattern: String, _ segment: String) -> Bool {
    if pattern == "*" { return true }
    if pattern == segment { return true }
    guard let open = pattern.firstIndex(of: "["), let segmentOpen = segment.firstIndex(of: "[")
    else { return false }
    let name = pattern[..<open]
    let index = pattern[open...]
    let segmentName = segment[..<segmentOpen]
    let segmentIndex = segment[segmentOpen...]
    return (name == "*" || name == segmentName) && (index == "[*]" || index == segmentIndex)
  }

  /// A doublestar glob as a regular expression.
  static func globRegex(_ glob: String) -> String {
    var regex = "^"
    var characters = Array(glob)[...]
    while let c = characters.first {
      characters = characters.dropFirst()
      switch c {
      case "*":
        if characters.first == "*" {
          characters = characters.dropFirst()
          if characters.first == "/" {
            characters = characters.dropFirst()
            regex += "(.*/)?"
          } else {
            regex += ".*"
          }
        } else {
          regex += "[^/]*"
        }
      case "?": regex += "[^/]"
      default: regex += NSRegularExpression.escapedPattern(for: String(c))
      }
    }
    return regex + "$"
  }
}
