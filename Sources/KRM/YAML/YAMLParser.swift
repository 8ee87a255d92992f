internal import CYAML

/// Builds `YAMLFile`s from libyaml's events, recovering what libyaml does not report (comments,
/// blank lines, scalar source text, separators) from the source text between the events' marks.
struct YAMLParser {
  /// How deep collections may nest. Every walk over a tree (emitter, merge, functions) recurses
  /// once a level, so this bounds their stack use; Kubernetes objects stay far below it.
  static let maxDepth = 1000

  let bytes: [UInt8]
  let name: String
  /// The nesting allowed here: a ResourceList holds documents two levels down (list, items).
  let maxDepth: Int
  private let isASCII: Bool
  /// For text that is not ASCII: the byte offset of each character, as libyaml counts them
  /// (its marks count characters; a BOM is not one).
  private var characterStarts: [UInt32] = []
  private let bomLength: Int

  init(bytes: [UInt8], name: String, maxDepth: Int = YAMLParser.maxDepth) {
    self.bytes = bytes
    self.name = name
    self.maxDepth = maxDepth
    self.isASCII = !bytes.contains { $0 >= 0x80 }
    self.bomLength = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    // (A file of 4 GiB or more is refused by events().)
    if !isASCII && bytes.count < Int(UInt32.max) {
      var starts: [UInt32] = []
      starts.reserveCapacity(bytes.count + 1)
      for i in bomLength..<bytes.count where bytes[i] & 0xC0 != 0x80 { starts.append(UInt32(i)) }
      starts.append(UInt32(bytes.count))
      characterStarts = starts
    }
  }

  // MARK: Events

  private struct Event {
    var type: yaml_event_type_t
    var start: Int
    var end: Int
    var anchor: String?
    var tag: String?
    var value: String
    var scalarStyle: yaml_scalar_style_t
    var flow: Bool
    var implicit: Bool
  }

  private func offset(_ mark: yaml_mark_t) -> Int {
    let index = Int(mark.index)
    if isASCII { return min(index + bomLength, bytes.count) }
    guard index < characterStarts.count else { return bytes.count }
    return Int(characterStarts[index])
  }

  private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    guard let pointer else { return nil }
    return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
  }

  /// Runs libyaml over the whole input and hands `body` its events, with byte offsets, as they
  /// come (a list of them all would cost more than the tree).
  private func forEachEvent(_ body: (Event) -> Void) throws(KRMError) {
    guard bytes.count < Int(UInt32.max) else {
      throw KRMError.parse(file: name, line: 1, message: "the file is larger than 4 GiB")
    }
    if let line = Self.firstInvalidUTF8Line(bytes) {
      throw KRMError.notUTF8(file: name, line: line)
    }
    if let (line, message) = Self.firstUnsupportedCharacter(bytes) {
      // libyaml breaks lines there too (or skips the mark), and the text between tokens could
      // not be kept.
      throw KRMError.parse(
        file: name, line: line, message: message, goYAML: "line \(line): \(message)")
    }
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    defer { parser.deallocate() }
    guard yaml_parser_initialize(parser) == 1 else {
      throw KRMError.parse(file: name, line: 1, message: "cannot initialise the YAML parser")
    }
    defer { yaml_parser_delete(parser) }
    var depth = 0
    let failure: KRMError? = bytes.withUnsafeBufferPointer { buffer -> KRMError? in
      yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
      var event = yaml_event_t()
      while true {
        guard yaml_parser_parse(parser, &event) == 1 else {
          let problem = Self.string(
            parser.pointee.problem.map { UnsafeMutablePointer(mutating: $0) }
              .map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: yaml_char_t.self) })
          let line = Int(parser.pointee.problem_mark.line) + 1
          var message = problem ?? "invalid YAML"
          if let context = parser.pointee.context {
            message = String(cString: context) + ": " + message
          }
          // go-yaml names the context's line (0-based, plus one for scanner errors) and only
          // the problem.
          var goLine = Int(parser.pointee.context_mark.line)
          if goLine == 0 { goLine = Int(parser.pointee.problem_mark.line) }
          if parser.pointee.error == YAML_SCANNER_ERROR { goLine += 1 }
          let goYAML =
            (goLine == 0 ? "" : "line \(goLine): ")
            + (problem ?? "unknown problem parsing YAML content")
          return KRMError.parse(file: name, line: line, message: message, goYAML: goYAML)
        }
        defer { yaml_event_delete(&event) }
        let type = event.type
        if type == YAML_STREAM_END_EVENT { return nil }
        var e = Event(
          type: type, start: offset(event.start_mark), end: offset(event.end_mark), anchor: nil,
          tag: nil, value: "", scalarStyle: YAML_ANY_SCALAR_STYLE, flow: false, implicit: false)
        switch type {
        case YAML_DOCUMENT_START_EVENT:
          e.implicit = event.data.document_start.implicit == 1
        case YAML_DOCUMENT_END_EVENT:
          e.implicit = event.data.document_end.implicit == 1
        case YAML_ALIAS_EVENT:
          e.value = Self.string(event.data.alias.anchor) ?? ""
        case YAML_SCALAR_EVENT:
          let scalar = event.data.scalar
          e.anchor = Self.string(scalar.anchor)
          e.tag = Self.string(scalar.tag)
          if let value = scalar.value {
            e.value = String(
              decoding: UnsafeBufferPointer(start: value, count: scalar.length), as: UTF8.self)
          }
          e.scalarStyle = scalar.style
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
          depth -= 1
        case YAML_SEQUENCE_START_EVENT:
          e.anchor = Self.string(event.data.sequence_start.anchor)
          e.tag = Self.string(event.data.sequence_start.tag)
          e.flow = event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
        case YAML_MAPPING_START_EVENT:
          e.anchor = Self.string(event.data.mapping_start.anchor)
          e.tag = Self.string(event.data.mapping_start.tag)
          e.flow = event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
        default:
          break
        }
        if type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT {
          depth += 1
          if depth > maxDepth {
            return KRMError.tooDeep(
              file: name, line: Int(event.start_mark.line) + 1, limit: Self.maxDepth)
          }
        }
        body(e)
      }
    }
    if let failure { throw failure }
  }

  // MARK: Tree building

  /// A comment or blank line found between two tokens.
  private struct TriviaLine {
    var column: Int
    var text: String  // "" for a blank line
    var end: Int  // byte offset after the comment text
    var afterDash: Bool  // the comment follows a `- ` on its line
  }

  private struct Frame {
    var node: YAMLNode
    var column: Int?
    var pendingKey: YAMLNode?
    var pendingKeyComments = YAMLComments()
  }

  private struct DocumentState {
    var textStart: Int? = nil
    var textEnd: Int = 0
    var head: [String] = []
    var root: YAMLNode? = nil
    var firstLine = 1
    /// Where the document's text may start: after its `---` and what follows it on that line.
    var textFloor = 0
  }

  private func lineStart(of offset: Int) -> Int {
    var i = offset
    while i > 0 && bytes[i - 1] != 0x0A { i -= 1 }
    return i
  }

  private func column(of offset: Int) -> Int { offset - lineStart(of: offset) }

  private func text(_ range: Range<Int>) -> String {
    String(decoding: bytes[range], as: UTF8.self)
  }

  /// Splits the text between two tokens into the comment on the first line (if the gap starts
  /// mid-line) and the whole lines that follow.
  private func scanGap(_ from: Int, _ to: Int) -> (lineComment: TriviaLine?, lines: [TriviaLine]) {
    guard from < to else { return (nil, []) }
    var lineComment: TriviaLine? = nil
    var lines: [TriviaLine] = []
    var i = from
    let startsAtLineStart = from == 0 || bytes[from - 1] == 0x0A
    var first = !startsAtLineStart
    while i < to {
      var end = i
      while end < to && bytes[end] != 0x0A { end += 1 }
      let complete = end < to
      // Find a comment on this piece of line.
      var j = i
      var sawIndicator = false
      var hash: Int? = nil
      while j < end {
        let c = bytes[j]
        if c == UInt8(ascii: "#")
          && (j == 0 || bytes[j - 1] == 0x20 || bytes[j - 1] == 0x09 || j == i)
        {
          hash = j
          break
        }
        if c != 0x20 && c != 0x09 && c != 0x0D { sawIndicator = true }
        j += 1
      }
      var textEnd = end
      while textEnd > i && (bytes[textEnd - 1] == 0x20 || bytes[textEnd - 1] == 0x0D) {
        textEnd -= 1
      }
      let dash = sawIndicator && bytes[lineStart(of: i)..<(hash ?? end)].contains(UInt8(ascii: "-"))
      if first {
        if let hash {
          let line = TriviaLine(
            column: column(of: hash), text: text(hash..<textEnd), end: textEnd, afterDash: dash)
          if dash { lines.append(line) } else { lineComment = line }
        }
        first = false
      } else if complete || hash != nil {
        if let hash {
          lines.append(
            TriviaLine(
              column: column(of: hash), text: text(hash..<textEnd), end: textEnd, afterDash: dash))
        } else if !sawIndicator && complete {
          lines.append(TriviaLine(column: 0, text: "", end: i, afterDash: false))
        }
      }
      i = end + 1
    }
    return (lineComment, lines)
  }

  func parseFile() throws(KRMError) -> YAMLFile {
    var documents: [YAMLDocument] = []
    var textRanges: [Range<Int>] = []
    var frames: [Frame] = []
    var pending: [TriviaLine] = []
    var cursor = bomLength
    var doc = DocumentState()
    var flowDepth = 0
    var linesCountedUpTo = 0
    var linesBefore = 0

    func note(_ end: Int) {
      if end > doc.textEnd { doc.textEnd = end }
    }
    func noteStart(_ start: Int) {
      if doc.textStart == nil {
        doc.textStart = max(lineStart(of: start), doc.textFloor, bomLength)
      }
    }

    func attachLineComment(_ comment: TriviaLine) {
      note(comment.end)
      guard !frames.isEmpty else { return }
      let top = frames.count - 1
      if frames[top].node.kind == .mapping {
        if frames[top].pendingKey != nil {
          frames[top].pendingKeyComments.line = comment.text
        } else if !frames[top].node.entries.isEmpty {
          frames[top].node.entries[frames[top].node.entries.count - 1].comments.line = comment.text
        }
      } else if !frames[top].node.items.isEmpty {
        frames[top].node.items[frames[top].node.items.count - 1].comments.line = comment.text
      }
    }

    func takeGap(to: Int) {
      guard flowDepth == 0 else { return }
      let (lineComment, lines) = scanGap(cursor, to)
      if let lineComment { attachLineComment(lineComment) }
      for line in lines where !line.text.isEmpty {
        noteStart(lineStart(of: line.end))
        note(line.end)
      }
      pending.append(contentsOf: lines)
      if to > cursor { cursor = to }
    }

    /// The pending lines as head comments: blank lines before the first comment are dropped.
    func takePending(upTo limit: Int? = nil) -> [String] {
      var taken = pending
      if let limit {
        taken = Array(pending.prefix(limit))
        pending.removeFirst(limit)
      } else {
        pending.removeAll()
      }
      while let first = taken.first, first.text.isEmpty { taken.removeFirst() }
      return taken.map(\.text)
    }

    func attach(_ node: consuming YAMLNode) {
      guard !frames.isEmpty else {
        doc.root = node
        return
      }
      let top = frames.count - 1
      if frames[top].node.kind == .mapping {
        if let key = frames[top].pendingKey {
          frames[top].node.entries.append(
            YAMLEntry(key: key, value: node, comments: frames[top].pendingKeyComments))
          frames[top].pendingKey = nil
          frames[top].pendingKeyComments = YAMLComments()
        } else {
          frames[top].pendingKey = node
        }
      } else {
        frames[top].node.items[frames[top].node.items.count - 1].node = node
      }
    }

    /// Called at the start of every node: gives waiting comment lines to the entry or item the
    /// node begins, and opens the sequence item slot.
    func begin(at start: Int) {
      takeGap(to: start)
      noteStart(start)
      guard flowDepth == 0 else {
        if let top = frames.indices.last, frames[top].node.kind == .sequence {
          frames[top].node.items.append(YAMLItem(YAMLNode.scalar("")))
        }
        return
      }
      if let top = frames.indices.last {
        if frames[top].column == nil { frames[top].column = column(of: start) }
        if frames[top].node.kind == .mapping {
          if frames[top].pendingKey == nil {
            frames[top].pendingKeyComments = YAMLComments(head: takePending())
          }
        } else {
          // Lines before the dash belong to the item; a comment after the dash stays for the
          // first key of the item's mapping.
          let split = pending.firstIndex { $0.afterDash } ?? pending.count
          let head = takePending(upTo: split)
          frames[top].node.items.append(
            YAMLItem(YAMLNode.scalar(""), comments: YAMLComments(head: head)))
        }
      } else {
        doc.head = takePending()
      }
    }

    /// The end of an anchor or tag starting at `i`: whitespace or a flow indicator ends it,
    /// but for a verbatim tag (`!<...>`), which ends with its `>`.
    func propertyEnd(_ i: Int) -> Int {
      var j = i
      if j + 1 < bytes.count && bytes[j] == UInt8(ascii: "!") && bytes[j + 1] == UInt8(ascii: "<") {
        while j < bytes.count && bytes[j] != UInt8(ascii: ">") && bytes[j] != 0x0A { j += 1 }
        return min(j + 1, bytes.count)
      }
      while j < bytes.count && !Self.propertyTerminators.contains(bytes[j]) { j += 1 }
      return j
    }

    func stripProperties(_ start: Int, _ event: Event) -> Int {
      // The event's start mark includes an anchor and a tag written before the node.
      var i = start
      // At most the event's own anchor and tag: the next ones belong to a node inside it.
      var anchor = event.anchor != nil
      var tag = event.tag != nil
      while i < bytes.count
        && (anchor && bytes[i] == UInt8(ascii: "&") || tag && bytes[i] == UInt8(ascii: "!"))
      {
        if bytes[i] == UInt8(ascii: "&") { anchor = false } else { tag = false }
        i = propertyEnd(i)
        // Blanks, and a comment after the properties, up to the node.
        while i < bytes.count
          && (bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D
            || bytes[i] == UInt8(ascii: "#"))
        {
          if bytes[i] == UInt8(ascii: "#") {
            while i < bytes.count && bytes[i] != 0x0A { i += 1 }
          } else {
            i += 1
          }
        }
      }
      return i
    }

    func writtenTag(_ start: Int, _ event: Event) -> String? {
      guard event.tag != nil else { return nil }
      var i = start
      while i < bytes.count {
        if bytes[i] == UInt8(ascii: "!") { return text(i..<propertyEnd(i)) }
        if bytes[i] == UInt8(ascii: "&") {
          i = propertyEnd(i)
          continue
        }
        i += 1
      }
      return event.tag
    }

    try forEachEvent { event in
      switch event.type {
      case YAML_STREAM_START_EVENT:
        break
      case YAML_DOCUMENT_START_EVENT:
        doc = DocumentState()
        pending.removeAll()
        if !event.implicit {
          // The `---` line, with anything after it but a node, belongs to the separator.
          var i = event.end
          while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D) {
            i += 1
          }
          if i < bytes.count && (bytes[i] == 0x0A || bytes[i] == UInt8(ascii: "#")) {
            while i < bytes.count && bytes[i] != 0x0A { i += 1 }
            cursor = min(i + 1, bytes.count)
          } else {
            // A node on the `---` line: the document starts with it, not with the marker.
            cursor = event.end
          }
          doc.textFloor = i < bytes.count && bytes[i] == 0x0A ? i + 1 : i
        }
      case YAML_DOCUMENT_END_EVENT:
        takeGap(to: event.start)
        var foot = pending
        pending.removeAll()
        while let last = foot.last, last.text.isEmpty { foot.removeLast() }
        while let first = foot.first, first.text.isEmpty { foot.removeFirst() }
        if let root = doc.root, let textStart = doc.textStart {
          // Never before the end of the previous document's text.
          let start = max(textStart, textRanges.last?.upperBound ?? 0)
          let isEmptyDocument =
            root.kind == .scalar && root.value.isEmpty && root.style == .plain && root.tag == nil
            && root.anchor == nil
          if !isEmptyDocument {
            let end = max(doc.textEnd, start)
            // Count line breaks only since the previous document, not from the file's start.
            for byte in bytes[linesCountedUpTo..<start] where byte == 0x0A { linesBefore += 1 }
            linesCountedUpTo = start
            let firstLine = linesBefore + 1
            documents.append(
              YAMLDocument(
                parsedRoot: root, head: doc.head, foot: foot.map(\.text), text: bytes[start..<end],
                line: firstLine))
            textRanges.append(start..<end)
          }
        }
        if !event.implicit { cursor = max(cursor, event.end) }
      case YAML_SCALAR_EVENT, YAML_ALIAS_EVENT:
        begin(at: event.start)
        let contentStart = stripProperties(event.start, event)
        var end = event.end
        var node: YAMLNode
        if event.type == YAML_ALIAS_EVENT {
          node = YAMLNode(kind: .alias, value: event.value)
        } else {
          let style: YAMLScalarStyle
          switch event.scalarStyle {
          case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
          case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
          case YAML_LITERAL_SCALAR_STYLE: style = .literal
          case YAML_FOLDED_SCALAR_STYLE: style = .folded
          default: style = .plain
          }
          if style == .literal || style == .folded {
            end = Self.blockScalarEnd(bytes, contentStart, end)
          }
          node = YAMLNode(
            kind: .scalar, value: event.value, style: style, tag: writtenTag(event.start, event),
            anchor: event.anchor)
          if end <= contentStart {
            node.raw = ""
          } else if bytes[contentStart..<end].elementsEqual(event.value.utf8) {
            // Most scalars are written as their value: share its storage.
            node.raw = event.value
          } else {
            node.raw = text(contentStart..<end)
          }
        }
        if end > contentStart { node.span = contentStart..<end }
        if flowDepth == 0 {
          if end > event.start {
            // Content, or only an anchor or a tag: the document's text reaches past it.
            note(end)
            cursor = max(cursor, end)
            if node.span == nil { node.span = end..<end }
          } else if end > 0, end <= bytes.count, Self.emptyNodeIndicators.contains(bytes[end - 1]) {
            // An empty node right after its `-`, `?` or `:`: the indicator is the node's text.
            // (Without an indicator libyaml marks it at the next token, which may lie past
            // comments that belong to no node.)
            node.span = end..<end
            note(end)
          }
        }
        attach(node)
      case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
        begin(at: event.start)
        var node = YAMLNode(
          kind: event.type == YAML_MAPPING_START_EVENT ? .mapping : .sequence,
          tag: writtenTag(event.start, event), anchor: event.anchor, isFlow: event.flow)
        // Properties may stand on the line above a block collection, past its start event.
        let contentStart = stripProperties(event.start, event)
        node.span = contentStart..<max(contentStart, event.end)
        frames.append(Frame(node: node, column: nil))
        if event.flow { flowDepth += 1 }
      case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
        // A block collection takes the gap before its end while it is still open.
        if let top = frames.indices.last, !frames[top].node.isFlow { takeGap(to: event.start) }
        guard var frame = frames.popLast() else { break }
        if frame.node.isFlow {
          flowDepth -= 1
          if flowDepth == 0 {
            cursor = max(cursor, event.end)
            note(event.end)
          }
          let start = frame.node.span?.lowerBound ?? event.start
          frame.node.span = start..<max(start, event.end)
        } else {
          // Comment lines at this block's indentation (or deeper) are its foot.
          if let column = frame.column {
            var take = 0
            var lastComment = 0
            while take < pending.count {
              let line = pending[take]
              if !line.text.isEmpty {
                if line.column < column || line.afterDash { break }
                lastComment = take + 1
              }
              take += 1
            }
            if lastComment > 0 {
              var foot = Array(pending.prefix(lastComment))
              pending.removeFirst(lastComment)
              while let first = foot.first, first.text.isEmpty { foot.removeFirst() }
              frame.node.footComments = foot.map(\.text)
            }
          }
          let start = frame.node.span?.lowerBound ?? event.start
          frame.node.span = start..<max(start, lastContentEnd(frame.node))
        }
        attach(frame.node)
      default:
        break
      }
    }

    // Separators: the exact text between documents.
    guard !documents.isEmpty else {
      return YAMLFile(documents: [], leading: bytes, separators: [], trailing: [])
    }
    var separators: [[UInt8]] = [[]]
    for i in 1..<textRanges.count {
      separators.append(Array(bytes[textRanges[i - 1].upperBound..<textRanges[i].lowerBound]))
    }
    return YAMLFile(
      documents: documents, leading: Array(bytes[0..<textRanges[0].lowerBound]),
      separators: separators, trailing: Array(bytes[textRanges[textRanges.count - 1].upperBound...])
    )
  }

  /// Where a block scalar's text ends: libyaml's end mark lies after its trailing line breaks,
  /// which (but for `|+`/`>+`) belong to the layout, not the scalar.
  static func blockScalarEnd(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
    var headerEnd = start
    while headerEnd < end && bytes[headerEnd] != 0x0A { headerEnd += 1 }
    let header = bytes[start..<headerEnd].prefix { $0 != UInt8(ascii: "#") }
    // (A document's text never ends in a line break, CR included.)
    if header.contains(UInt8(ascii: "+")) {
      var last = end
      if last > headerEnd && bytes[last - 1] == 0x0A { last -= 1 }
      if last > headerEnd && bytes[last - 1] == 0x0D { last -= 1 }
      return last
    }
    // The end of the last line that holds more than spaces.
    var lastContent = headerEnd
    while lastContent > start && bytes[lastContent - 1] == 0x0D { lastContent -= 1 }
    var i = headerEnd
    while i < end {
      let c = bytes[i]
      if c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09 {
        var e = i
        while e < end && bytes[e] != 0x0A { e += 1 }
        while e > i && bytes[e - 1] == 0x0D { e -= 1 }
        lastContent = e
        i = e
      }
      i += 1
    }
    return lastContent
  }

  /// Where a block collection's content ends. Its children are complete (their spans final)
  /// when it ends, so the last one's span is enough: no walk down the tree.
  private static let propertyTerminators: Set<UInt8> = Set(" \t\r\n,[]{}".utf8)

  static let emptyNodeIndicators: Set<UInt8> = [
    UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"),
  ]

  private func lastContentEnd(_ node: YAMLNode) -> Int {
    switch node.kind {
    case .mapping:
      if let last = node.entries.last {
        return max(last.value.span?.upperBound ?? 0, last.key.span?.upperBound ?? 0)
      }
    case .sequence:
      if let last = node.items.last { return last.node.span?.upperBound ?? 0 }
    default:
      break
    }
    return node.span?.upperBound ?? 0
  }
}
