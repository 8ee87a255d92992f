import KRM

/// kustomize's FieldSpec: which resources (group, version, kind; empty is a wildcard) and which
/// field path (`spec/template/metadata/labels`), and whether missing fields are created.
struct FieldSpec: Sendable {
  var group = ""
  var version = ""
  var kind = ""
  var path: [String]
  var create: Bool

  init(_ path: String, group: String = "", version: String = "", kind: String = "", create: Bool) {
    self.path = FieldSpec.split(path)
    self.group = group
    self.version = version
    self.kind = kind
    self.create = create
  }

  /// A FieldSpec as users write one in a function config.
  init?(node: YAMLNode) {
    guard node.isMapping, let path = node["path"]?.string, !path.isEmpty else { return nil }
    self.path = FieldSpec.split(path)
    group = node["group"]?.string ?? ""
    version = node["version"]?.string ?? ""
    kind = node["kind"]?.string ?? ""
    create = node["create"]?.string == "true"
  }

  /// `/`-separated, `\/` escaping a slash.
  static func split(_ path: String) -> [String] {
    var parts: [String] = []
    var current = ""
    var escaped = false
    for character in path {
      if escaped {
        current.append(character)
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else if character == "/" {
        parts.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    parts.append(current)
    return parts.filter { !$0.isEmpty }
  }

  /// kustomize's rule: every non-empty selector field must equal the resource's.
  func selects(_ item: FunctionItem) -> Bool {
    let (itemGroup, itemVersion) = item.groupVersion
    if !group.isEmpty && group != itemGroup { return false }
    if !version.isEmpty && version != itemVersion { return false }
    if !kind.isEmpty && kind != item.kind { return false }
    return true
  }

  /// The lenient rule of the 2022 SDK: a part is compared only when both sides have one.
  func selectsLeniently(_ item: FunctionItem) -> Bool {
    let (itemGroup, itemVersion) = item.groupVersion
    if !group.isEmpty && !itemGroup.isEmpty && group != itemGroup { return false }
    if !version.isEmpty && !itemVersion.isEmpty && version != itemVersion { return false }
    if !kind.isEmpty && !item.kind.isEmpty && kind != item.kind { return false }
    return true
  }

  /// Walks the path in `root`, into every element of a list met on the way, creating missing
  /// fields when `create` is set (mappings on the way, `leaf` at the end), and calls `body` on
  /// each node the path ends at, with the trail of keys to it.
  func apply(
    to root: inout YAMLNode, leaf: YAMLNode = .mapping(),
    _ body: (inout YAMLNode, [String]) -> Void
  ) {
    FieldSpec.walk(&root, path[...], trail: [], create: create ? leaf : nil, body)
  }

  /// The node at the path as written, each segment a mapping key (`containers[]` included,
  /// which no mapping has), as kyaml's Lookup finds it; nil when the path leaves the mappings.
  func lookup(in root: YAMLNode) -> YAMLNode? {
    var current = root
    for key in path {
      guard current.isMapping, let next = current[key] else { return nil }
      current = next
    }
    return current
  }

  private static func walk(
    _ node: inout YAMLNode, _ path: ArraySlice<String>, trail: [String], create leaf: YAMLNode?,
    _ body: (inout YAMLNode, [String]) -> Void
  ) {
    if node.isSequence {
      for i in node.items.indices {
        walk(&node.items[i].node, path, trail: trail, create: leaf, body)
      }
      return
    }
    guard let first = path.first else {
      body(&node, trail)
      return
    }
    guard node.isMapping else { return }
    let key = first.hasSuffix("[]") ? String(first.dropLast(2)) : first
    let rest = path.dropFirst()
    if let i = node.index(ofKey: key), !node.entries[i].value.isNull {
      walk(&node.entries[i].value, rest, trail: trail + [key], create: leaf, body)
      return
    }
    guard let leaf, !first.hasSuffix("[]") else { return }
    var child = rest.isEmpty ? leaf : YAMLNode.mapping()
    walk(&child, rest, trail: trail + [key], create: leaf, body)
    if let i = node.index(ofKey: key) {
      node.entries[i].value = child
    } else {
      node.entries.append(YAMLEntry(key: .scalar(key), value: child))
    }
  }
}

extension YAMLNode {
  /// Sets `key` in a string map: an existing key keeps its place, a new one goes last.
  /// Returns whether anything changed.
  @discardableResult
  mutating func setMapValue(_ key: String, _ value: String) -> Bool {
    if !isMapping {
      guard isNull else { return false }
      self = .mapping()
    }
    if let i = index(ofKey: key) {
      let existing = entries[i].value
      if existing.isScalar && existing.value == value && existing.tag == nil { return false }
      entries[i].value = .scalar(value)
      return true
    }
    entries.append(YAMLEntry(key: .scalar(key), value: .scalar(value)))
    return true
  }
}
