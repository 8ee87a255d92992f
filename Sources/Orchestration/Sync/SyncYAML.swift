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

  /// JSON as kubectl prints it: one object, or a `List` of several. With `quoting`, every
  /// scalar is a string.
  public static func json(_ objects: [YAMLNode], alwaysList: Bool = false, quoting: Bool = true)
    -> [UInt8]
  {
    let object = objects.count == 1 && !alwaysList ? objects[0] : list(objects)
    return GoJSON.encode(quoting ? quoted(object) : object, indentation: 4)
  }

  /// kubectl's `List` around several objects.
  static func list(_ objects: [YAMLNode]) -> YAMLNode {
    mapping([
      ("apiVersion", .scalar("v1")), ("items", .sequence(objects)), ("kind", .scalar("List")),
      ("metadata", mapping([("resourceVersion", .scalar("", style: .doubleQuoted))])),
    ])
  }

  /// An object read from kubectl's JSON as YAML is written: block style, and strings plain
  /// where plain reads back as the same string (numbers and booleans keep their text).
  static func block(_ node: YAMLNode, depth: Int = 0) -> YAMLNode {
    var copy = node
    guard depth < 100 else { return copy }
    switch node.kind {
    case .scalar:
      return node.style == .doubleQuoted || node.style == .singleQuoted
        ? .scalar(node.value) : node
    case .mapping:
      copy.isFlow = false
      copy.entries = node.entries.map {
        YAMLEntry(key: block($0.key, depth: depth + 1), value: block($0.value, depth: depth + 1))
      }
    case .sequence:
      copy.isFlow = false
      copy.items = node.items.map { YAMLItem(block($0.node, depth: depth + 1)) }
    case .alias:
      break
    }
    return copy
  }

  /// Every scalar double-quoted: a commit that happens to read as a number stays a string.
  static func quoted(_ node: YAMLNode) -> YAMLNode {
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
