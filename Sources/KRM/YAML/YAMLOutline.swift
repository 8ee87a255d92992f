internal import CYAML

/// A YAML stream as libyaml sees it, flattened: every node with its kind and its span in the
/// source (as `YAMLParser` computes spans), scalars with their values, and no comments.
///
/// Building it costs little more than libyaml's own parse, where a `YAMLNode` tree costs several
/// times that; the paths that copy text (`fn source`, `fn sink`) use it to find their way in a
/// large input and build trees only for what they must re-emit. It covers inputs of the common
/// shape only (ASCII, LF line breaks, no anchors, aliases, tags or directives): for anything
/// else it is nil and the caller takes the general way.
struct YAMLOutline {
  struct Node {
    enum Kind: UInt8 { case scalar, mapping, sequence }
    var kind: Kind
    var isFlow: Bool
    var style: YAMLScalarStyle
    /// Byte range of the node's content, as `YAMLNode.span`.
    var span: Range<Int>?
    /// One past the index of the node's last descendant: its subtree is `index..<end`.
    var end: Int
    var value: String
  }

  struct Document {
    var root: Int
    /// Whether the document starts with `---`, and where that marker ends.
    var explicitStart: Bool
    var startEnd: Int
    /// Whether the document ends with `...`.
    var explicitEnd: Bool
  }

  private(set) var nodes: [Node] = []
  private(set) var documents: [Document] = []

  /// Nil when the input is not of the covered shape, does not parse, or nests deeper than
  /// `maxDepth`: the general parser then refuses it or reads it.
  ///
  /// With `range`, only those bytes are read, as a stream of their own; spans still index
  /// `bytes`.
  init?(_ bytes: [UInt8], range: Range<Int>? = nil, maxDepth: Int) {
    let range = range ?? bytes.indices
    guard range.count < Int(Int32.max), range.lowerBound >= 0, range.upperBound <= bytes.count,
      !bytes[range].contains(where: { $0 >= 0x80 || $0 == 0x0D })
    else { return nil }
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    defer { parser.deallocate() }
    guard yaml_parser_initialize(parser) == 1 else { return nil }
    defer { yaml_parser_delete(parser) }
    nodes.reserveCapacity(range.count / 12)
    let complete = bytes.withUnsafeBufferPointer { buffer -> Bool in
      yaml_parser_set_input_string(
        parser, buffer.baseAddress.map { $0 + range.lowerBound }, range.count)
      return build(parser, bytes, range, maxDepth: maxDepth)
    }
    guard complete else { return nil }
  }

  private struct Frame {
    var index: Int
    var count = 0
    var last = -1
    var previous = -1
  }

  private mutating func build(
    _ parser: UnsafeMutablePointer<yaml_parser_t>, _ bytes: [UInt8], _ range: Range<Int>,
    maxDepth: Int
  ) -> Bool {
    var frames: [Frame] = []
    var flowDepth = 0
    var document: Document? = nil
    var event = yaml_event_t()
    func attach(_ index: Int) {
      guard let top = frames.indices.last else { return }
      frames[top].previous = frames[top].last
      frames[top].last = index
      frames[top].count += 1
    }
    while true {
      guard yaml_parser_parse(parser, &event) == 1 else { return false }
      defer { yaml_event_delete(&event) }
      let start = range.lowerBound + Int(event.start_mark.index)
      let end = min(range.lowerBound + Int(event.end_mark.index), range.upperBound)
      switch event.type {
      case YAML_STREAM_START_EVENT:
        break
      case YAML_STREAM_END_EVENT:
        return frames.isEmpty && document == nil
      case YAML_DOCUMENT_START_EVENT:
        let data = event.data.document_start
        guard data.version_directive == nil, data.tag_directives.start == data.tag_directives.end
        else { return false }
        document = Document(
          root: nodes.count, explicitStart: data.implicit == 0, startEnd: end, explicitEnd: false)
      case YAML_DOCUMENT_END_EVENT:
        guard var finished = document, finished.root < nodes.count else { return false }
        finished.explicitEnd = event.data.document_end.implicit == 0
        documents.append(finished)
        document = nil
      case YAML_SCALAR_EVENT:
        let scalar = event.data.scalar
        guard scalar.anchor == nil, scalar.tag == nil else { return false }
        let style: YAMLScalarStyle
        switch scalar.style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: style = .literal
        case YAML_FOLDED_SCALAR_STYLE: style = .folded
        default: style = .plain
        }
        var contentEnd = end
        if style == .literal || style == .folded {
          contentEnd = YAMLParser.blockScalarEnd(bytes, start, end)
        }
        // As YAMLParser spans a scalar without properties.
        var span: Range<Int>? = contentEnd > start ? start..<contentEnd : nil
        if flowDepth == 0, contentEnd <= start, contentEnd > range.lowerBound,
          contentEnd <= range.upperBound,
          YAMLParser.emptyNodeIndicators.contains(bytes[contentEnd - 1])
        {
          span = contentEnd..<contentEnd
        }
        var value = ""
        if let pointer = scalar.value {
          value = String(
            decoding: UnsafeBufferPointer(start: pointer, count: scalar.length), as: UTF8.self)
        }
        attach(nodes.count)
        nodes.append(
          Node(
            kind: .scalar, isFlow: false, style: style, span: span, end: nodes.count + 1,
            value: value))
      case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
        let isMapping = event.type == YAML_MAPPING_START_EVENT
        let flow: Bool
        if isMapping {
          let data = event.data.mapping_start
          guard data.anchor == nil, data.tag == nil else { return false }
          flow = data.style == YAML_FLOW_MAPPING_STYLE
        } else {
          let data = event.data.sequence_start
          guard data.anchor == nil, data.tag == nil else { return false }
          flow = data.style == YAML_FLOW_SEQUENCE_STYLE
        }
        guard frames.count < maxDepth else { return false }
        attach(nodes.count)
        frames.append(Frame(index: nodes.count))
        nodes.append(
          Node(
            kind: isMapping ? .mapping : .sequence, isFlow: flow, style: .plain,
            span: start..<max(start, end), end: 0, value: ""))
        if flow { flowDepth += 1 }
      case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
        guard let frame = frames.popLast() else { return false }
        let lower = nodes[frame.index].span?.lowerBound ?? start
        var upper: Int
        if nodes[frame.index].isFlow {
          flowDepth -= 1
          upper = end
        } else if frame.count == 0 {
          upper = nodes[frame.index].span?.upperBound ?? 0
        } else if nodes[frame.index].kind == .mapping {
          upper = max(
            nodes[frame.last].span?.upperBound ?? 0,
            frame.previous >= 0 ? nodes[frame.previous].span?.upperBound ?? 0 : 0)
        } else {
          upper = nodes[frame.last].span?.upperBound ?? 0
        }
        nodes[frame.index].span = lower..<max(lower, upper)
        nodes[frame.index].end = nodes.count
      default:
        // Aliases, and anything else.
        return false
      }
    }
  }

  /// The document whose root is `root`, on its own: its nodes renumbered from 0, each span
  /// moved by `offset` (nil for one it cannot move, which leaves the whole result nil).
  func document(at root: Int, offset: (Int) -> Int?) -> YAMLOutline? {
    var result = YAMLOutline()
    let end = nodes[root].end
    result.nodes.reserveCapacity(end - root)
    for node in nodes[root..<end] {
      var moved = node
      moved.end -= root
      if let span = node.span {
        guard let lower = offset(span.lowerBound), let upper = offset(span.upperBound),
          lower <= upper
        else { return nil }
        moved.span = lower..<upper
      }
      result.nodes.append(moved)
    }
    result.documents = [Document(root: 0, explicitStart: false, startEnd: 0, explicitEnd: false)]
    return result
  }

  private init() {}

  // MARK: Reading

  /// The children of a collection in order (keys and values alternating for a mapping).
  func children(of index: Int) -> [Int] {
    var result: [Int] = []
    var child = index + 1
    while child < nodes[index].end {
      result.append(child)
      child = nodes[child].end
    }
    return result
  }

  /// The value of the first entry with this scalar key, as `YAMLNode`'s subscript finds it.
  func value(of index: Int, forKey key: String) -> Int? {
    entry(of: index, forKey: key)?.value
  }

  /// The first entry with this scalar key: where its key and its value are.
  func entry(of index: Int, forKey key: String) -> (key: Int, value: Int)? {
    guard nodes[index].kind == .mapping else { return nil }
    var child = index + 1
    while child < nodes[index].end {
      let value = nodes[child].end
      guard value < nodes[index].end else { return nil }
      if nodes[child].kind == .scalar && nodes[child].value == key { return (child, value) }
      child = nodes[value].end
    }
    return nil
  }

  /// As `YAMLNode.containsBlockSequence`.
  func containsBlockSequence(_ index: Int) -> Bool {
    let node = nodes[index]
    guard !node.isFlow else { return false }
    switch node.kind {
    case .sequence: return true
    case .mapping:
      let children = children(of: index)
      return stride(from: 1, to: children.count, by: 2).contains {
        containsBlockSequence(children[$0])
      }
    case .scalar: return false
    }
  }

  /// The node as a `YAMLNode` with its span, down to `depth` levels; below that, collections
  /// are left empty (their kind, style and span kept). Scalars carry no source text (`raw`).
  func node(_ index: Int, depth: Int) -> YAMLNode {
    let outline = nodes[index]
    var node: YAMLNode
    switch outline.kind {
    case .scalar:
      node = YAMLNode(kind: .scalar, value: outline.value, style: outline.style)
    case .mapping:
      node = YAMLNode(kind: .mapping, isFlow: outline.isFlow)
      if depth > 0 {
        let children = children(of: index)
        for i in stride(from: 0, to: children.count - 1, by: 2) {
          node.entries.append(
            YAMLEntry(
              key: self.node(children[i], depth: depth - 1),
              value: self.node(children[i + 1], depth: depth - 1)))
        }
      }
    case .sequence:
      node = YAMLNode(kind: .sequence, isFlow: outline.isFlow)
      if depth > 0 {
        node.items = children(of: index).map { YAMLItem(self.node($0, depth: depth - 1)) }
      }
    }
    node.span = outline.span
    return node
  }
}
