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

  static func fail(_ message: String) -> BuiltinFailure {
    BuiltinFailure("failed to perform search-replace operation: \"\(message)\"")
  }

  static func run(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    var data: [String: String] = [:]
    for (key, value) in context.functionConfig?.stringMap(at: ["data"]) ?? [] {
      guard keys.contains(key) else {
        throw fail(
          "invalid matcher \"\(key)\", must be one of ["
            + keys.map { "\"\($0)\"" }.joined(separator: " ")
            + "]")
      }
      data[key] = value
    }
    if data["by-value"] != nil && data["by-value-regex"] != nil {
      throw fail("only one of [\"by-value\", \"by-value-regex\"] can be provided")
    }
    var regex: NSRegularExpression? = nil
    if let pattern = data["by-value-regex"] {
      do {
        regex = try NSRegularExpression(pattern: pattern)
      } catch {
        throw fail("invalid regular expression \(pattern)")
      }
    }
    let byPath = data["by-path"].map {
      $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }
    let fileGlob = data["by-file-path"].map(globRegex)
    let putValue = data["put-value"]
    let putComment = data["put-comment"]
    let mutating = putValue != nil || putComment != nil
    var failure: BuiltinFailure? = nil

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
      let (path, index) = context.items[i].fileReference
      if let fileGlob {
        guard path.range(of: fileGlob, options: .regularExpression) != nil else { continue }
      }
      var root = context.items[i].document.root
      var results: [FunctionResultItem] = []
      func record(_ message: String, field: String) {
        var result = FunctionResultItem(message: message)
        result.fieldPath = field
        result.filePath = path
        result.fileIndex = index
        results.append(result)
      }
      // Setting a field by its full path creates it.
      if let byPath, let putValue, !hasValueMatcher,
        !byPath.contains(where: { $0.isEmpty || $0.contains("*") || $0.contains("[") })
      {
        var existing = root.node(at: byPath) ?? .scalar("")
        existing.replaceScalarText(putValue)
        root.set(existing.isScalar ? existing : .literal(putValue), at: byPath)
        record("Mutated field value to \"\(putValue)\"", field: byPath.joined(separator: "."))
        context.items[i].document.root = root
        context.results += results
        continue
      }
      root.walkFields { node, comments, visit in
        guard failure == nil else { return }
        if let putComment, let byPath, node.isSequence,
          pathMatches(byPath[...], visit.segments[...])
        {
          node.isFlow = false
          comments.line = "# " + putComment
          record("Mutated field value to \"\(putComment)\"", field: visit.path + " # " + putComment)
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
        if let putValue {
          guard let newText = substitute(putValue, groups) else {
            failure = fail("unable to resolve capture groups")
            return
          }
          node.replaceScalarText(newText)
        }
        if let putComment {
          guard let comment = substitute(putComment, groups) else {
            failure = fail("unable to resolve capture groups")
            return
          }
          comments.line = "# " + comment
        }
        record(
          mutating
            ? "Mutated field value to \"\(node.value)\"" : "Matched field value \"\(node.value)\"",
          field: visit.path)
      }
      if let failure { throw failure }
      if !root.sameContent(as: context.items[i].document.root) {
        context.items[i].document.root = root
      }
      context.results += results
    }
    if context.results.isEmpty { context.results.append(FunctionResultItem(message: "no matches")) }
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
