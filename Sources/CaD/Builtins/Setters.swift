import Foundation
import KRM

extension BuiltinFunction {
  static let applySetters = BuiltinFunction(
    name: "apply-setters",
    summary: "Set the fields marked with `# kpt-set: ${name}` comments to the given values.",
    versions: "v0.1.x, v0.2.x, latest/unstable (catalog master)",
    configuration:
      "ConfigMap data (or -- name=value): one entry per setter; a list setter takes a YAML list.",
    example: "stoop fn eval DIR -i apply-setters:v0.2 -- replicas=4 tag=1.21",
    notes: "",
    acceptsVersion: zeroMinor(upTo: 2),
    body: { context throws(BuiltinFailure) in try Setters.apply(&context) })

  static let createSetters = BuiltinFunction(
    name: "create-setters",
    summary: "Mark fields whose values contain the given setter values with `# kpt-set:` comments.",
    versions: "v0.1.x, latest/unstable (catalog master)",
    configuration: "ConfigMap data: setter name to value; a YAML list value makes a list setter.",
    example: "stoop fn eval DIR -i create-setters:v0.1 -- replicas=4 tag=1.21",
    notes:
      "Scalar setters of equal length are tried in name order (the catalog's order is random).",
    acceptsVersion: zeroMinor(upTo: 1),
    body: { context throws(BuiltinFailure) in try Setters.create(&context) })

  static let listSetters = BuiltinFunction(
    name: "list-setters",
    summary:
      "Report the setters of a package: `# kpt-set:` comments and apply-setters configuration.",
    versions: "v0.1.x, latest/unstable (catalog master)",
    configuration: "No functionConfig.",
    example: "stoop fn eval DIR -i list-setters:v0.1",
    notes: "",
    acceptsVersion: zeroMinor(upTo: 1),
    body: { context throws(BuiltinFailure) in Setters.list(&context) })
}

enum Setters {
  static let marker = "# kpt-set: "

  /// The setter pattern of a line comment, if it is one.
  static func pattern(_ comments: YAMLComments) -> String? {
    guard let line = comments.line, line.hasPrefix(marker) else { return nil }
    return String(line.dropFirst(marker.count)).trimmingCharacters(in: .whitespaces)
  }

  /// `${name}` references of a pattern, in order.
  static func names(in pattern: String) -> [String] {
    var names: [String] = []
    var rest = Substring(pattern)
    while let open = rest.range(of: "${") {
      guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
      names.append(String(rest[open.upperBound..<close]))
      rest = rest[rest.index(after: close)...]
    }
    return names
  }

  /// The values a scalar holds for a pattern's setters: each `${x}` a greedy wildcard.
  static func recover(_ pattern: String, from value: String) -> [String: String] {
    let names = names(in: pattern)
    guard !names.isEmpty else { return [:] }
    var regex = "^"
    var rest = Substring(pattern)
    while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}")
    {
      regex += NSRegularExpression.escapedPattern(for: String(rest[..<open.lowerBound])) + "(.*)"
      rest = rest[rest.index(after: close)...]
    }
    regex += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
    guard let expression = try? NSRegularExpression(pattern: regex),
      let match = expression.firstMatch(in: value, range: NSRange(value.startIndex..., in: value))
    else { return [:] }
    var values: [String: String] = [:]
    for (i, name) in names.enumerated() {
      if let range = Range(match.range(at: i + 1), in: value), !value[range].isEmpty,
        values[name] == nil
      {
        values[name] = String(value[range])
      }
    }
    return values
  }

  /// A setter value as YAML: a list's element texts, or nil for a scalar.
  static func listValue(_ text: String) -> [String]? {
    guard let file = try? YAMLFile(parsing: Array(text.utf8), name: "setter"),
      let root = file.documents.first?.root, root.isSequence
    else { return nil }
    return root.items.map(\.node.value)
  }

  /// The YAML type a plain scalar resolves to, as the catalog names it.
  static func type(of node: YAMLNode) -> String {
    guard node.isScalar else { return "str" }
    if let tag = node.tag { return tag.hasPrefix("!!") ? String(tag.dropFirst(2)) : tag }
    guard node.style == .plain else { return "str" }
    let value = node.value
    if value.range(of: #"^[-+]?(0|[1-9][0-9]*)$"#, options: .regularExpression) != nil {
      return "int"
    }
    if value.range(
      of: #"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"#, options: .regularExpression)
      != nil
    {
      return "float"
    }
    if ["true", "True", "TRUE", "false", "False", "FALSE"].contains(value) { return "bool" }
    if ["", "~", "null", "Null", "NULL"].contains(value) { return "null" }
    return "str"
  }

  // MARK: apply-setters

  static func apply(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    let setters = Dictionary(
      (context.functionConfig?.stringMap(at: ["data"]) ?? []).map { ($0.key, $0.value) },
      uniquingKeysWith: { a, _ in a })
    var failure: String? = nil
    for i in context.items.indices {
      let path = context.items[i].fileReference.path
      var root = context.items[i].document.root
      var results: [FunctionResultItem] = []
      root.walkFields { node, comments, visit in
        guard failure == nil, let pattern = pattern(comments) else { return }
        let referenced = names(in: pattern)
        guard referenced.contains(where: { setters[$0] != nil }) else { return }
        var shown = ""
        if node.isSequence {
          guard referenced.count == 1, pattern == "${\(referenced[0])}" else {
            failure = "invalid setter pattern for array node: \"\(pattern)\""
            return
          }
          let text = setters[referenced[0]] ?? ""
          if text.isEmpty {
            node = .sequence([], flow: true)
          } else {
            guard let file = try? YAMLFile(parsing: Array(text.utf8), name: "setter"),
              let list = file.documents.first?.root, list.isSequence
            else {
              failure = "input to array setter must be an array of values, but found \"\(text)\""
              return
            }
            var block = list
            block.isFlow = false
            node = block
          }
          shown = text
        } else if node.isScalar {
          let current = recover(pattern, from: node.value)
          var text = pattern
          for name in referenced {
            guard let value = setters[name] ?? current[name] else { continue }
            text = text.replacingOccurrences(of: "${\(name)}", with: value)
          }
          let left = names(in: text).filter { text.contains("${\($0)}") }
          if !left.isEmpty {
            failure =
              "values for setters [\(left.map { "${\($0)}" }.joined(separator: " "))] must be provided"
            return
          }
          if text != node.value || node.tag != nil {
            node.replaceScalarText(text)
          }
          shown = text
        } else {
          return
        }
        var result = FunctionResultItem(
          message: "set field value to \(FunctionReport.goQuoted(shown))")
        result.fieldPath = visit.path
        result.filePath = path
        results.append(result)
      }
      if let failure {
        context.results.append(
          FunctionResultItem(message: "failed to apply setters: \(failure)", severity: "error"))
        throw BuiltinFailure(failure)
      }
      if !root.sameContent(as: context.items[i].document.root) {
        context.items[i].document.root = root
      }
      context.results += results
    }
    if context.results.isEmpty {
      context.results.append(FunctionResultItem(message: "no matches for input setter(s)"))
    }
  }

  // MARK: create-setters

  static func create(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    func fail(_ message: String) -> BuiltinFailure {
      context.results.append(
        FunctionResultItem(message: "failed to create setters: \(message)", severity: "error"))
      return BuiltinFailure(message)
    }
    let data = context.functionConfig?.stringMap(at: ["data"]) ?? []
    guard !data.isEmpty else { throw fail("config map cannot be empty") }
    var scalars: [(name: String, value: String)] = []
    var lists: [(name: String, values: [String])] = []
    for (name, value) in data {
      if let list = listValue(value) {
        lists.append((name, list.sorted()))
      } else {
        scalars.append((name, value))
      }
    }
    scalars.sort { ($0.value.count, $1.name) > ($1.value.count, $0.name) }

    func tagged(_ text: String) -> String {
      // Longest values first; replaced spans are not searched again.
      var pieces: [(text: String, isSetter: Bool)] = [(text, false)]
      for (name, value) in scalars where !value.isEmpty {
        pieces = pieces.flatMap { piece -> [(text: String, isSetter: Bool)] in
          guard !piece.isSetter, piece.text.contains(value) else { return [piece] }
          let parts = piece.text.components(separatedBy: value)
          var out: [(text: String, isSetter: Bool)] = []
          for (i, part) in parts.enumerated() {
            if i > 0 { out.append(("${\(name)}", true)) }
            if !part.isEmpty { out.append((part, false)) }
          }
          return out
        }
      }
      return pieces.map(\.text).joined()
    }

    for i in context.items.indices {
      let path = context.items[i].fileReference.path
      var root = context.items[i].document.root
      var results: [FunctionResultItem] = []
      func record(_ pattern: String, _ value: String, _ field: String) {
        var result = FunctionResultItem(
          message:
            "Added line comment \(FunctionReport.goQuoted("kpt-set: " + pattern)) for field with value \(FunctionReport.goQuoted(value))"
        )
        result.fieldPath = field
        result.filePath = path
        results.append(result)
      }
      root.walkFields { node, comments, visit in
        if node.isSequence {
          let values = node.items.map(\.node.value).sorted()
          if let setter = lists.first(where: { $0.values == values }) {
            comments.line = marker + "${\(setter.name)}"
            record("${\(setter.name)}", goList(values), visit.path)
          }
          return
        }
        guard node.isScalar, !node.value.contains("\n") else { return }
        let pattern = tagged(node.value)
        guard pattern != node.value else { return }
        comments.line = marker + pattern
        record(pattern, node.value, visit.path)
      }
      if !root.sameContent(as: context.items[i].document.root) {
        context.items[i].document.root = root
      }
      context.results += results
    }
    if context.results.isEmpty { throw fail("no matches for the input list of setters") }
  }

  // MARK: list-setters

  struct Found {
    var value: String
    var type: String
    var count: Int
  }

  static func list(_ context: inout BuiltinContext) {
    var found: [String: Found] = [:]
    func note(_ name: String, _ value: String, _ type: String, count: Int) {
      if var existing = found[name] {
        existing.count += count
        if existing.type == "str" && type != "str" { existing.type = type }
        found[name] = existing
      } else {
        found[name] = Found(value: value, type: type, count: count)
      }
    }
    // Setters configured for apply-setters in a Kptfile.
    for item in context.items where item.isKptfile {
      for step in item.document.root.node(at: ["pipeline", "mutators"])?.items ?? [] {
        guard step.node["image"]?.string?.contains("apply-setters") ?? false else { continue }
        var data = step.node["configMap"]?.entries.map { ($0.key.value, $0.value.value) } ?? []
        if let configPath = step.node["configPath"]?.string,
          let config = context.items.first(where: {
            $0.package == item.package && $0.path == configPath
          })
        {
          data = config.document.root.stringMap(at: ["data"]).map { ($0.key, $0.value) }
        }
        for (name, value) in data {
          if let list = listValue(value) {
            note(name, "[" + list.sorted().joined(separator: ", ") + "]", "array", count: 0)
          } else {
            note(name, value, "str", count: 0)
          }
        }
      }
    }
    for item in context.items {
      var root = item.document.root
      root.walkFields { node, comments, _ in
        guard let pattern = pattern(comments) else { return }
        if node.isSequence {
          let referenced = names(in: pattern)
          guard referenced.count == 1 else { return }
          let values = node.items.map(\.node.value).sorted()
          note(referenced[0], "[" + values.joined(separator: ", ") + "]", "array", count: 1)
        } else if node.isScalar {
          for (name, value) in recover(pattern, from: node.value) {
            note(name, value, type(of: node), count: 1)
          }
        }
      }
    }
    guard !found.isEmpty else {
      context.results.append(FunctionResultItem(message: "no setters found", severity: "warning"))
      return
    }
    for (name, setter) in found.sorted(by: { $0.key < $1.key }) {
      context.results.append(
        FunctionResultItem(
          message:
            "Name: \(name), Value: \(setter.value), Type: \(setter.type), Count: \(setter.count)"
        ))
    }
  }
}
