/// Documents that travel in a ResourceList as their own text although kpt's item form has no
/// room for it: flow documents (annotations spliced into their flow text) and bare sequences
/// (their text under kpt's wrapping key). `fn source` writes them, `fn sink` takes them apart.
extension ResourceList {
  /// kpt wraps a document that is a bare sequence under this key.
  public static let bareSequenceKey = "bareSeqNodeWrappingKey"

  /// How far a bare sequence's own text is indented under `bareSequenceKey`: a block sequence
  /// may stand at its key's column, anything else must be deeper.
  static func bareSequenceShift(_ sequence: YAMLNode) -> Int {
    // (Properties on their own line make the key's column too shallow even for a block one.)
    sequence.isFlow || sequence.anchor != nil || sequence.tag != nil ? 4 : 2
  }

  /// A bare sequence document as kpt wraps it, with the document's own text on the lines after
  /// the key, so that `fn sink` can give back its exact bytes.
  static func bareSequenceItem(
    _ document: YAMLDocument, annotations: [(String, String, YAMLScalarStyle)]
  ) -> [UInt8]? {
    guard let text = document.originalText else { return nil }
    var out = Array("- \(bareSequenceKey):\n".utf8)
    out.append(
      contentsOf: shift(text, by: bareSequenceShift(document.root), firstLine: true))
    out.append(contentsOf: "\n  metadata:\n    annotations:\n".utf8)
    for (key, value, style) in annotations {
      out.append(
        contentsOf: "      \(key): \(ScalarFormatter.format(value, style: style, indent: 6))\n".utf8
      )
    }
    return out
  }

  /// Where the reader's annotations went into a flow document's own text, recorded in
  /// `internal.stoop.dev/json` so that the writer takes out exactly what was put in.
  enum FlowSplice: String {
    /// `annotations: {...}` after the last entry of a flow `metadata` (kpt's place on a one-line
    /// document); also the value for a `.json` file carried as its own block text.
    case verbatim
    /// The entries after the last entry of an existing flow `metadata.annotations`.
    case annotations = "verbatim-annotations"
    /// `metadata: {annotations: {...}}` after the root's last entry.
    case metadata = "verbatim-metadata"
  }

  /// A flow-style document's own text (JSON, typically) indented as a sequence item, with the
  /// annotations spliced into it (`FlowSplice`); nil for any other shape.
  static func verbatimFlowItem(
    _ document: YAMLDocument, annotations: [(String, String, YAMLScalarStyle)]
  ) -> [UInt8]? {
    guard let text = document.originalText, document.root.isMapping, document.root.isFlow,
      let rootSpan = document.root.span
    else { return nil }
    let root = document.root
    func formatted(_ splice: FlowSplice) -> String {
      (annotations + [(Annotation.json, splice.rawValue, .singleQuoted)]).map { key, value, style in
        key + ": " + ScalarFormatter.format(value, style: style, indent: 0)
      }.joined(separator: ", ")
    }
    /// Just after the last entry of a flow mapping, or after its `{` when it has none.
    func end(of mapping: YAMLNode, span: Range<Int>) -> (at: Int, comma: String)? {
      guard let last = mapping.entries.last else { return (span.lowerBound + 1, "") }
      guard let at = last.value.span?.upperBound ?? last.key.span?.upperBound else { return nil }
      return (at, ", ")
    }
    let insertAt: Int
    let insertion: String
    if let metadata = root["metadata"] {
      guard metadata.isMapping, metadata.isFlow, let span = metadata.span else { return nil }
      if let existing = metadata["annotations"] {
        guard existing.isMapping, existing.isFlow, let inner = existing.span,
          !existing.keys.contains(where: { Annotation.writerClears.contains($0) }),
          let (at, comma) = end(of: existing, span: inner)
        else { return nil }
        (insertAt, insertion) = (at, comma + formatted(.annotations))
      } else {
        guard let (at, comma) = end(of: metadata, span: span) else { return nil }
        (insertAt, insertion) = (at, comma + "annotations: {" + formatted(.verbatim) + "}")
      }
    } else {
      guard let (at, comma) = end(of: root, span: rootSpan) else { return nil }
      (insertAt, insertion) = (
        at, comma + "metadata: {annotations: {" + formatted(.metadata) + "}}"
      )
    }
    guard text.startIndex <= insertAt, insertAt <= text.endIndex else { return nil }
    var spliced = Array(text[text.startIndex..<insertAt])
    spliced.append(contentsOf: insertion.utf8)
    spliced.append(contentsOf: text[insertAt...])
    var out: [UInt8] = [UInt8(ascii: "-"), 0x20]
    out.append(contentsOf: shift(spliced[...], by: 2, firstLine: false))
    out.append(0x0A)
    return out
  }

  // MARK: Reading

  /// The text of a bare sequence on the lines after `bareSequenceKey` (as `fn source` writes
  /// it), with the comment lines below it, unindented; nil when it is not there.
  static func bareSequenceText(_ node: YAMLNode, in bytes: [UInt8]) -> [UInt8]? {
    guard let entry = node.entries.first(where: { $0.key.value == bareSequenceKey }),
      let keyEnd = entry.key.span?.upperBound, let span = entry.value.span
    else { return nil }
    let start = lineEnd(keyEnd, bytes) + 1
    guard start <= span.lowerBound, span.upperBound <= bytes.count else { return nil }
    let shift = bareSequenceShift(entry.value)
    var end = lineEnd(span.upperBound, bytes)
    var probe = end + 1
    while probe < bytes.count {
      let e = lineEnd(probe, bytes)
      var i = probe
      while i < e && bytes[i] == 0x20 { i += 1 }
      if i == e || (i == e - 1 && bytes[i] == 0x0D) {
        probe = e + 1
        continue
      }
      guard bytes[i] == UInt8(ascii: "#"), i - probe >= shift else { break }
      end = e
      probe = e + 1
    }
    var out: [UInt8] = []
    out.reserveCapacity(end - start + 1)
    var atLineStart = true
    var skipped = 0
    for byte in bytes[start..<end] {
      if atLineStart && byte == 0x20 && skipped < shift {
        skipped += 1
        continue
      }
      atLineStart = byte == 0x0A
      skipped = 0
      out.append(byte)
    }
    out.append(0x0A)
    return out
  }

  /// The text of a flow mapping's entries from `index` to its end: from the end of the entry
  /// before (or from the first key, where a writer puts entries just after the `{`) to the end
  /// of the last value.
  static func trailingRange(_ mapping: YAMLNode, from index: Int) -> Range<Int>? {
    guard mapping.entries.indices.contains(index),
      let to = mapping.entries.last?.value.span?.upperBound
    else { return nil }
    guard index > 0 else {
      guard let from = mapping.entries[0].key.span?.lowerBound, from <= to else { return nil }
      return from..<to
    }
    let previous = mapping.entries[index - 1]
    guard let from = previous.value.span?.upperBound ?? previous.key.span?.upperBound, from <= to
    else { return nil }
    return from..<to
  }

  /// The reader's annotations where a writer adds them to a flow `metadata` or a flow
  /// `annotations`: the last entries of `annotations`, or the whole `annotations: {...}` at the
  /// end of a flow `metadata` when it holds nothing else; nil when they are elsewhere.
  static func trailingAnnotations(metadata: YAMLNode, annotations: YAMLNode) -> Range<Int>? {
    let keys = annotations.keys
    guard let first = keys.firstIndex(where: { Annotation.writerClears.contains($0) }),
      keys[first...].allSatisfy({ Annotation.writerClears.contains($0) })
    else { return nil }
    if first == 0, metadata.isFlow, let last = metadata.entries.last,
      last.key.value == "annotations", last.value.isFlow
    {
      return trailingRange(metadata, from: metadata.entries.count - 1)
    }
    guard annotations.isFlow else { return nil }
    return trailingRange(annotations, from: first)
  }

  /// A flow item's text without what the writer spliced into it (`FlowSplice`); nil when the
  /// item no longer has that shape.
  static func removeFlowAnnotations(
    _ node: YAMLNode, splice: FlowSplice, region: ItemRegion, in bytes: [UInt8]
  ) -> [UInt8]? {
    func isAdded(_ mapping: YAMLNode) -> Bool {
      mapping.isMapping && !mapping.entries.isEmpty
        && mapping.entries.allSatisfy { Annotation.writerClears.contains($0.key.value) }
    }
    guard node.isMapping, node.isFlow else { return nil }
    var removed: Range<Int>?
    switch splice {
    case .metadata:
      guard let last = node.entries.last, last.key.value == "metadata", last.value.isFlow,
        last.value.entries.count == 1, let annotations = last.value["annotations"],
        isAdded(annotations)
      else { return nil }
      removed = trailingRange(node, from: node.entries.count - 1)
    case .verbatim:
      guard let metadata = node["metadata"], metadata.isMapping, metadata.isFlow,
        let last = metadata.entries.last, last.key.value == "annotations", isAdded(last.value)
      else { return nil }
      removed = trailingRange(metadata, from: metadata.entries.count - 1)
    case .annotations:
      guard let annotations = node.node(at: ["metadata", "annotations"]), annotations.isMapping,
        annotations.isFlow,
        let first = annotations.entries.lastIndex(where: {
          !Annotation.writerClears.contains($0.key.value)
        }).map({ $0 + 1 }) ?? Optional(0),
        first < annotations.entries.count
      else { return nil }
      removed = trailingRange(annotations, from: first)
    }
    guard let removed else { return nil }
    return copy(region, from: bytes, removing: [removed])
  }
}
