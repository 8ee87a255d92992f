import KRM

/// Building and printing the objects of `sync`, whose every scalar is a string.
public enum SyncYAML {
  /// A mapping with its keys in the order given; nil values are left out.
  static func mapping(_ pairs: [(String, YAMLNode?)]) -> YAMLNode {
    .mapping(
      pairs.compactMap { key, value in value.map { YAMLEntry(key: .scalar(key), value: $0) } })
  }

  /// A mapping of strings, keys in the order given.
  static func strings(_ pairs: [(String, String)]) -> YAMLNode {
    mapping(pairs.map { ($0.0, .scalar($0.1)) })
  }

  /// `---`-separated YAML documents, sequences not indented (as kubectl and kpt write them).
  public static func documents(_ objects: [YAMLNode]) -> [UInt8] {
    var out: [UInt8] = []
    for (i, object) in objects.enumerated() {
      if i > 0 { out += Array("---\n".utf8) }
      out += YAMLDocument(root: object).text(sequenceIndent: .compact)
    }
    return out
  }

  /// JSON as kubectl prints it: one object, or a `List` of several.
  public static func json(_ objects: [YAMLNode], alwaysList: Bool = false) -> [UInt8] {
    let object =
      objects.count == 1 && !alwaysList
      ? objects[0]
      : mapping([
        ("apiVersion", .scalar("v1")), ("items", .sequence(objects)), ("kind", .scalar("List")),
        ("metadata", strings([("resourceVersion", "")])),
      ])
    return GoJSON.encode(quoted(object), indentation: 4)
  }

  /// Every scalar double-quoted: a commit that happens to read as a number stays a string.
  private static func quoted(_ node: YAMLNode) -> YAMLNode {
    var node = node
    switch node.kind {
    case .scalar: node.style = .doubleQuoted
    case .mapping:
      node.entries = node.entries.map { YAMLEntry(key: $0.key, value: quoted($0.value)) }
    case .sequence: node.items = node.items.map { YAMLItem(quoted($0.node)) }
    case .alias: break
    }
    return node
  }
}
