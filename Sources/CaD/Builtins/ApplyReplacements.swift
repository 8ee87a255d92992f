import KRM

extension BuiltinFunction {
  static let applyReplacements = BuiltinFunction(
    name: "apply-replacements",
    summary: "Copy a field of one resource into fields of others (kustomize replacements).",
    versions: "v0.1.x, latest/unstable (catalog master)",
    configuration: """
      ApplyReplacements (fn.kpt.dev/v1alpha1): replacements: [{source, targets}] in kustomize's
        syntax. source {group, version, kind, name, namespace, fieldPath, options}; targets
        [{select, reject, fieldPaths, options {delimiter, index, create}}].
      """,
    example: "stoop fn eval DIR -i apply-replacements:v0.1 --fn-config replacements.yaml",
    notes: """
      Targets select by labelSelector and annotationSelector, in Kubernetes label selector \
      syntax; a reject's id and its selectors each reject what they match, as in kustomize. A \
      namespace of default selects resources without one.
      """,
    acceptsVersion: zeroMinor(upTo: 1),
    body: { context throws(BuiltinFailure) in try ApplyReplacements.run(&context) })
}

enum ApplyReplacements {
  static func fail(_ context: inout BuiltinContext, _ message: String) -> BuiltinFailure {
    context.results.append(FunctionResultItem(message: message, severity: "error"))
    return BuiltinFailure(message)
  }

  static func run(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    guard let config = context.functionConfig, config.isMapping else {
      throw fail(&context, "FunctionConfig is missing. Expect `ApplyReplacements`")
    }
    let kind = config["kind"]?.string ?? ""
    let apiVersion = config["apiVersion"]?.string ?? ""
    guard kind == "ApplyReplacements", apiVersion == "fn.kpt.dev/v1alpha1" else {
      throw fail(
        &context,
        "received functionConfig of kind \(kind) and apiVersion \(apiVersion), only functionConfig of kind ApplyReplacements and apiVersion fn.kpt.dev/v1alpha1 is supported"
      )
    }
    for replacement in config["replacements"]?.items.map(\.node) ?? [] {
      guard let source = replacement["source"], let targets = replacement["targets"],
        !targets.items.isEmpty
      else {
        throw fail(&context, "replacements must specify a source and at least one target")
      }
      let value = try sourceValue(source, &context)
      for target in targets.items.map(\.node) {
        guard let select = target["select"] else {
          throw fail(&context, "target must specify resources to select")
        }
        let rejects = target["reject"]?.items.map(\.node) ?? []
        let paths = target["fieldPaths"]?.items.compactMap(\.node.string) ?? ["metadata.name"]
        let options = target["options"]
        let create = options?["create"]?.string == "true"
        for i in context.items.indices {
          let item = context.items[i]
          let isTarget: Bool
          do {
            isTarget = try Self.isTarget(item, select: select, rejects: rejects)
          } catch {
            throw fail(&context, error.stderr)
          }
          guard isTarget else { continue }
          var root = item.document.root
          for path in paths {
            let segments = parsePath(path)
            if create && segments.contains("*") {
              throw fail(&context, "cannot support create option in a multi-value target")
            }
            apply(value, to: &root, segments[...], create: create, options: options)
          }
          if !root.sameContent(as: item.document.root) { context.items[i].document.root = root }
        }
      }
    }
  }

  /// The one source resource's field (after the delimiter option).
  static func sourceValue(_ source: YAMLNode, _ context: inout BuiltinContext)
    throws(BuiltinFailure) -> YAMLNode
  {
    let found = context.items.filter { idMatches(source, $0) }
    let description = describe(source)
    guard !found.isEmpty else { throw fail(&context, "nothing selected by \(description)") }
    guard found.count == 1 else {
      throw fail(&context, "multiple matches for selector \(description)")
    }
    let fieldPath = source["fieldPath"]?.string ?? "metadata.name"
    guard var value = lookup(found[0].document.root, parsePath(fieldPath)[...]),
      !(value.isScalar && value.value.isEmpty && value.isNull)
    else {
      throw fail(
        &context, "fieldPath `\(fieldPath)` is missing for replacement source \(description)")
    }
    if let options = source["options"], let delimiter = options["delimiter"]?.string,
      !delimiter.isEmpty
    {
      let index = Int(options["index"]?.string ?? "0") ?? 0
      let parts = value.value.components(separatedBy: delimiter)
      guard parts.indices.contains(index) else {
        throw fail(&context, "options.index \(index) is out of bounds for value \(value.value)")
      }
      value = .scalar(parts[index])
    }
    return value
  }

  static func describe(_ selector: YAMLNode) -> String {
    let group = selector["group"]?.string ?? ""
    let version = selector["version"]?.string ?? ""
    let kind = selector["kind"]?.string ?? ""
    let name = selector["name"]?.string ?? ""
    let namespace = selector["namespace"]?.string ?? ""
    var text = [group, version].filter { !$0.isEmpty }.joined(separator: "/")
    text += (text.isEmpty ? "" : ".") + kind + "|" + name
    if !namespace.isEmpty { text = namespace + "/" + text }
    return "[" + text + "]"
  }

  /// kustomize's id selection: empty fields are wildcards, and namespaces compare as
  /// effective namespaces (none is `default` for a namespaced kind; a cluster-scoped kind
  /// has none that a selector can name).
  static func idMatches(_ selector: YAMLNode, _ item: FunctionItem) -> Bool {
    let (group, version) = item.groupVersion
    for (key, actual) in [
      ("group", group), ("version", version), ("kind", item.kind), ("name", item.name),
    ] {
      if let wanted = selector[key]?.string, !wanted.isEmpty, wanted != actual { return false }
    }
    guard let wanted = selector["namespace"]?.string, !wanted.isEmpty else { return true }
    if SetNamespace.scope(of: item) == .cluster { return false }
    let namespace = item.namespace ?? ""
    return wanted == (namespace.isEmpty ? "default" : namespace)
  }

  static func hasId(_ selector: YAMLNode) -> Bool {
    ["group", "version", "kind", "name", "namespace"].contains {
      !(selector[$0]?.string ?? "").isEmpty
    }
  }

  /// A selector's labelSelector and annotationSelector, Kubernetes label selectors
  /// (`a=b,c in (d,e),!f`) over the labels and the annotations; true when it has neither.
  static func labelsMatch(_ selector: YAMLNode, _ item: FunctionItem) throws(BuiltinFailure)
    -> Bool
  {
    let resource = item.resource
    for (key, have) in [
      ("labelSelector", resource.labels), ("annotationSelector", resource.annotations),
    ] {
      guard let text = selector[key]?.string, !text.isEmpty else { continue }
      let parsed: LabelSelector
      do {
        parsed = try LabelSelector(text)
      } catch {
        throw BuiltinFailure(error.description)
      }
      let map = Dictionary(have.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
      if !parsed.matches(map) { return false }
    }
    return true
  }

  static func hasLabelSelection(_ selector: YAMLNode) -> Bool {
    ["labelSelector", "annotationSelector"].contains { !(selector[$0]?.string ?? "").isEmpty }
  }

  /// kustomize's target rule: selected by id and by label and annotation selectors, and not
  /// rejected, where a reject's id rejects what it selects and a reject's label or annotation
  /// selectors, separately, reject what they match.
  static func isTarget(
    _ item: FunctionItem, select: YAMLNode, rejects: [YAMLNode]
  ) throws(BuiltinFailure) -> Bool {
    var rejectedByLabels = false
    for reject in rejects where hasLabelSelection(reject) {
      if try labelsMatch(reject, item) { rejectedByLabels = true }
    }
    guard try labelsMatch(select, item), !rejectedByLabels, idMatches(select, item) else {
      return false
    }
    return !rejects.contains { hasId($0) && idMatches($0, item) }
  }

  /// kyaml's path syntax: `.`-separated, `[key=value]` picks list elements, `[a.b]` is a key that
  /// holds dots, `*` matches every key or element.
  static func parsePath(_ path: String) -> [String] {
    var segments: [String] = []
    var current = ""
    var depth = 0
    for character in path {
      if character == "[" { depth += 1 }
      if character == "]" { depth -= 1 }
      if character == "." && depth == 0 {
        if !current.isEmpty { segments.append(current) }
        current = ""
      } else {
        current.append(character)
      }
    }
    if !current.isEmpty { segments.append(current) }
    // `a[b=c]` is two steps.
    return segments.flatMap { segment -> [String] in
      if !segment.hasPrefix("["), let open = segment.firstIndex(of: "["), segment.hasSuffix("]") {
        return [String(segment[..<open]), String(segment[open...])]
      }
      return [segment]
    }
  }

  static func lookup(_ node: YAMLNode, _ path: ArraySlice<String>) -> YAMLNode? {
    guard let first = path.first else { return node }
    if first.hasPrefix("[") && first.hasSuffix("]") {
      let inner = String(first.dropFirst().dropLast())
      if let equals = inner.firstIndex(of: "=") {
        let key = String(inner[..<equals])
        let value = String(inner[inner.index(after: equals)...])
        guard node.isSequence,
          let element = node.items.first(where: { $0.node[key]?.string == value })
        else { return nil }
        return lookup(element.node, path.dropFirst())
      }
      guard let child = node[inner] else { return nil }
      return lookup(child, path.dropFirst())
    }
    if node.isSequence, let index = Int(first), node.items.indices.contains(index) {
      return lookup(node.items[index].node, path.dropFirst())
    }
    guard let child = node[first] else { return nil }
    return lookup(child, path.dropFirst())
  }

  static func apply(
    _ value: YAMLNode, to node: inout YAMLNode, _ path: ArraySlice<String>, create: Bool,
    options: YAMLNode?
  ) {
    guard let first = path.first else {
      set(value, into: &node, options: options)
      return
    }
    let rest = path.dropFirst()
    if first == "*" {
      if node.isMapping {
        for i in node.entries.indices {
          apply(value, to: &node.entries[i].value, rest, create: false, options: options)
        }
      } else if node.isSequence {
        for i in node.items.indices {
          apply(value, to: &node.items[i].node, rest, create: false, options: options)
        }
      }
      return
    }
    if first.hasPrefix("[") && first.hasSuffix("]") {
      let inner = String(first.dropFirst().dropLast())
      if let equals = inner.firstIndex(of: "=") {
        let key = String(inner[..<equals])
        let wanted = String(inner[inner.index(after: equals)...])
        guard node.isSequence else { return }
        for i in node.items.indices where node.items[i].node[key]?.string == wanted {
          apply(value, to: &node.items[i].node, rest, create: create, options: options)
        }
        return
      }
      descend(inner, value, &node, rest, create: create, options: options)
      return
    }
    if node.isSequence, let index = Int(first), node.items.indices.contains(index) {
      apply(value, to: &node.items[index].node, rest, create: create, options: options)
      return
    }
    descend(first, value, &node, rest, create: create, options: options)
  }

  private static func descend(
    _ key: String, _ value: YAMLNode, _ node: inout YAMLNode, _ rest: ArraySlice<String>,
    create: Bool, options: YAMLNode?
  ) {
    if node.isNull && create { node = .mapping() }
    guard node.isMapping else { return }
    if let i = node.index(ofKey: key) {
      apply(value, to: &node.entries[i].value, rest, create: create, options: options)
    } else if create {
      var child = rest.isEmpty ? YAMLNode.scalar("") : YAMLNode.mapping()
      apply(value, to: &child, rest, create: create, options: options)
      node.entries.append(YAMLEntry(key: .scalar(key), value: child))
    }
  }

  /// A scalar target keeps its node and style and takes the text; anything else is replaced.
  static func set(_ value: YAMLNode, into node: inout YAMLNode, options: YAMLNode?) {
    var value = value
    if let delimiter = options?["delimiter"]?.string, !delimiter.isEmpty, node.isScalar,
      value.isScalar
    {
      let index = Int(options?["index"]?.string ?? "0") ?? 0
      var parts = node.value.components(separatedBy: delimiter)
      if index < 0 {
        parts.insert(value.value, at: 0)
      } else if index >= parts.count {
        parts.append(value.value)
      } else {
        parts[index] = value.value
      }
      value = .scalar(parts.joined(separator: delimiter))
    }
    if node.isScalar && value.isScalar && !node.isNull {
      if node.value != value.value { node.replaceScalarText(value.value) }
    } else {
      node = value
    }
  }
}
