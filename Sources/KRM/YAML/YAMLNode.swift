/// How a scalar was (or will be) written.
public enum YAMLScalarStyle: Sendable, Equatable {
  case plain, singleQuoted, doubleQuoted, literal, folded
}

/// Comment and blank lines kept around a mapping entry or a sequence item.
///
/// `head` holds the lines above the entry exactly as found (comment text starting with `#`,
/// or an empty string for a blank line); `line` is the comment after the entry on its own line.
public struct YAMLComments: Sendable, Equatable {
  public var head: [String]
  public var line: String?

  public init(head: [String] = [], line: String? = nil) {
    self.head = head
    self.line = line
  }

  public var isEmpty: Bool { head.isEmpty && line == nil }
}

/// One `key: value` pair of a mapping, with the comments that belong to it.
public struct YAMLEntry: Sendable, Equatable {
  public var key: YAMLNode
  public var value: YAMLNode
  public var comments: YAMLComments

  public init(key: YAMLNode, value: YAMLNode, comments: YAMLComments = YAMLComments()) {
    self.key = key
    self.value = value
    self.comments = comments
  }
}

/// One element of a sequence, with the comments that belong to it.
public struct YAMLItem: Sendable, Equatable {
  public var node: YAMLNode
  public var comments: YAMLComments

  public init(_ node: YAMLNode, comments: YAMLComments = YAMLComments()) {
    self.node = node
    self.comments = comments
  }
}

/// A node of a YAML document tree: scalar, mapping, sequence or alias.
///
/// Parsed scalars remember their source text (`raw`), so `0x1F`, `yes`, `~` or a quoted string are
/// written back exactly as they were; assigning `value` forgets it.
public struct YAMLNode: Sendable, Equatable {
  public enum Kind: Sendable, Equatable { case scalar, mapping, sequence, alias }

  public var kind: Kind
  /// The scalar's value, or the alias's anchor name.
  public var value: String {
    didSet { raw = nil }
  }
  public var style: YAMLScalarStyle
  /// The tag as written (`!!str`), if any.
  public var tag: String?
  public var anchor: String?
  /// Flow style (`{a: b}`, `[a, b]`) for collections.
  public var isFlow: Bool
  public var entries: [YAMLEntry]
  public var items: [YAMLItem]
  /// Comment lines after the last entry or item, at this collection's indentation.
  public var footComments: [String]

  /// Source text of a parsed scalar (with quotes or block header); nil once changed.
  var raw: String?
  /// Byte range of the node in its source (content only, no comments); nil when built in memory.
  var span: Range<Int>?

  init(
    kind: Kind, value: String = "", style: YAMLScalarStyle = .plain, tag: String? = nil,
    anchor: String? = nil, isFlow: Bool = false
  ) {
    self.kind = kind
    self.value = value
    self.style = style
    self.tag = tag
    self.anchor = anchor
    self.isFlow = isFlow
    self.entries = []
    self.items = []
    self.footComments = []
  }

  /// A scalar; a string that would read as something else when plain is double-quoted on output.
  public static func scalar(_ value: String, style: YAMLScalarStyle = .plain) -> YAMLNode {
    YAMLNode(kind: .scalar, value: value, style: style)
  }

  /// A plain scalar written exactly as given, for values that are not strings (`true`, `3`).
  public static func literal(_ text: String) -> YAMLNode {
    var node = YAMLNode(kind: .scalar, value: text, style: .plain)
    node.raw = text
    return node
  }

  public static func mapping(_ entries: [YAMLEntry] = [], flow: Bool = false) -> YAMLNode {
    var node = YAMLNode(kind: .mapping, isFlow: flow)
    node.entries = entries
    return node
  }

  public static func sequence(_ items: [YAMLNode] = [], flow: Bool = false) -> YAMLNode {
    var node = YAMLNode(kind: .sequence, isFlow: flow)
    node.items = items.map { YAMLItem($0) }
    return node
  }

  public var isScalar: Bool { kind == .scalar }
  public var isMapping: Bool { kind == .mapping }
  public var isSequence: Bool { kind == .sequence }

  /// A plain empty scalar, `~` or `null` (YAML's null), untagged.
  public var isNull: Bool {
    guard kind == .scalar, style == .plain, tag == nil else { return false }
    return value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL"
  }

  /// The scalar value, nil for anything else.
  public var string: String? { kind == .scalar ? value : nil }

  // MARK: Mapping access

  public func index(ofKey key: String) -> Int? {
    entries.firstIndex { $0.key.kind == .scalar && $0.key.value == key }
  }

  public subscript(key: String) -> YAMLNode? {
    get {
      guard kind == .mapping, let i = index(ofKey: key) else { return nil }
      return entries[i].value
    }
    set {
      guard kind == .mapping else { return }
      if let i = index(ofKey: key) {
        if let newValue {
          entries[i].value = newValue
        } else {
          entries.remove(at: i)
        }
      } else if let newValue {
        entries.append(YAMLEntry(key: .scalar(key), value: newValue))
      }
    }
  }

  /// The keys of a mapping in their order.
  public var keys: [String] { entries.map(\.key.value) }

  // MARK: Paths

  /// The node at a path of mapping keys (`["metadata", "name"]`); sequence elements by decimal index.
  public func node(at path: [String]) -> YAMLNode? { node(at: path[...]) }

  /// (Recursive, so that each level is read in place and only the node found is copied: this
  /// runs for every annotation a function reads.)
  private func node(at path: ArraySlice<String>) -> YAMLNode? {
    guard let component = path.first else { return self }
    switch kind {
    case .mapping:
      guard let i = index(ofKey: component) else { return nil }
      return entries[i].value.node(at: path.dropFirst())
    case .sequence:
      guard let i = Int(component), items.indices.contains(i) else { return nil }
      return items[i].node.node(at: path.dropFirst())
    default:
      return nil
    }
  }

  /// Sets the node at a path, creating block mappings on the way; returns false when the path
  /// crosses a scalar or a missing sequence element.
  @discardableResult
  public mutating func set(_ node: YAMLNode, at path: [String]) -> Bool {
    guard let first = path.first else {
      self = node
      return true
    }
    let rest = Array(path.dropFirst())
    switch kind {
    case .mapping:
      if let i = index(ofKey: first) {
        return entries[i].value.set(node, at: rest)
      }
      var child = YAMLNode.mapping(flow: isFlow)
      guard child.set(node, at: rest) else { return false }
      entries.append(YAMLEntry(key: .scalar(first), value: child))
      return true
    case .sequence:
      guard let i = Int(first), items.indices.contains(i) else { return false }
      return items[i].node.set(node, at: rest)
    default:
      return false
    }
  }

  /// Removes the node at a path; returns whether something was removed.
  @discardableResult
  public mutating func remove(at path: [String]) -> Bool {
    guard let first = path.first else { return false }
    if path.count == 1 {
      switch kind {
      case .mapping:
        guard let i = index(ofKey: first) else { return false }
        entries.remove(at: i)
        return true
      case .sequence:
        guard let i = Int(first), items.indices.contains(i) else { return false }
        items.remove(at: i)
        return true
      default:
        return false
      }
    }
    let rest = Array(path.dropFirst())
    switch kind {
    case .mapping:
      guard let i = index(ofKey: first) else { return false }
      return entries[i].value.remove(at: rest)
    case .sequence:
      guard let i = Int(first), items.indices.contains(i) else { return false }
      return items[i].node.remove(at: rest)
    default:
      return false
    }
  }

  /// Quoted string scalars below this node written plain again where plain reads the same (as
  /// go-yaml writes a string it re-encodes); `depth` bounds the walk.
  public mutating func unquoteStrings(depth: Int = 0) {
    guard depth < YAMLParser.maxDepth else { return }
    switch kind {
    case .scalar:
      if tag == nil, style == .singleQuoted || style == .doubleQuoted {
        let text = value
        value = text
        style = .plain
      }
    case .mapping:
      for i in entries.indices {
        entries[i].key.unquoteStrings(depth: depth + 1)
        entries[i].value.unquoteStrings(depth: depth + 1)
      }
    case .sequence:
      for i in items.indices { items[i].node.unquoteStrings(depth: depth + 1) }
    case .alias:
      break
    }
  }

  /// Whether any block sequence appears below this node (flow collections hold only flow).
  var containsBlockSequence: Bool {
    guard !isFlow else { return false }
    switch kind {
    case .sequence: return true
    case .mapping: return entries.contains { $0.value.containsBlockSequence }
    default: return false
    }
  }
}

extension YAMLNode {
  /// Whether two nodes would be written the same: equal in everything but where their source
  /// was (`==` also compares source positions, which differ once a file's earlier documents
  /// change).
  public func isIdentical(to other: YAMLNode) -> Bool {
    guard kind == other.kind, value == other.value, style == other.style, tag == other.tag,
      anchor == other.anchor, isFlow == other.isFlow, raw == other.raw,
      footComments == other.footComments, entries.count == other.entries.count,
      items.count == other.items.count
    else { return false }
    for (a, b) in zip(entries, other.entries) {
      guard a.comments == b.comments, a.key.isIdentical(to: b.key),
        a.value.isIdentical(to: b.value)
      else { return false }
    }
    for (a, b) in zip(items, other.items) {
      guard a.comments == b.comments, a.node.isIdentical(to: b.node) else { return false }
    }
    return true
  }
}
