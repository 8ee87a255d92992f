/// Writing a package's files into a ResourceList without a tree of every document: `fn
/// source`'s way for files of the common shape (`YAMLOutline`). A compact document travels as
/// its own text with the annotations spliced in, as `items(of:)` writes it; any other document
/// (a wide one, which may have to be re-emitted) is parsed on its own and written by `item`.
extension ResourceList {
  /// A package file on its way into a ResourceList: its items already written, or parsed.
  public enum SourceFile: Sendable {
    case written(documents: Int, items: [UInt8])
    case parsed(PackageFile)
  }

  /// The file at `path` (relative to the package) with the bytes `bytes`; `name` appears in
  /// error messages.
  public static func sourceFile(path: String, bytes: [UInt8], name: String) throws(KRMError)
    -> SourceFile
  {
    if let written = itemsFromOutline(bytes, path: path, name: name) {
      return .written(documents: written.documents, items: written.items)
    }
    return .parsed(PackageFile(path: path, yaml: try YAMLFile(parsing: bytes, name: name)))
  }

  /// `writeLossless(files:functionConfig:)` for files on their way in.
  public static func writeLossless(
    _ files: [SourceFile], functionConfig: (path: String, document: YAMLDocument)? = nil
  ) throws(KRMError) -> [UInt8] {
    let carried = try files.concurrentMap { file throws(KRMError) -> [UInt8] in
      switch file {
      case .written(_, let items):
        return items
      case .parsed(let file):
        let text = items(of: file)
        if !isWellTrodden(file) { try checkCarried(file, items: text) }
        return text
      }
    }
    let count = files.reduce(0) { total, file in
      switch file {
      case .written(let documents, _): return total + documents
      case .parsed(let file): return total + file.yaml.documents.count
      }
    }
    return write(itemCount: count, items: carried, functionConfig: functionConfig)
  }

  /// The items `items(of:)` writes for the file, with its number of documents; nil unless
  /// every document is a block mapping of the well-trodden shape (`isWellTrodden`, which the
  /// list carries without a check) and the documents' text is where a simple rule finds it.
  package static func itemsFromOutline(_ bytes: [UInt8], path: String, name: String) -> (
    documents: Int, items: [UInt8]
  )? {
    guard !path.hasSuffix(".json"), !bytes.contains(0x09),
      let outline = YAMLOutline(bytes, maxDepth: YAMLParser.maxDepth),
      let ranges = documentRanges(outline, bytes)
    else { return nil }
    for document in outline.documents where !isWellTrodden(outline, document.root) {
      return nil
    }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + outline.documents.count * 300)
    var line = 1
    var counted = 0
    for (i, range) in ranges.enumerated() {
      for byte in bytes[counted..<range.lowerBound] where byte == 0x0A { line += 1 }
      counted = range.lowerBound
      let place = DocumentPlace(
        path: path, index: i, count: ranges.count,
        leading: Array(bytes[(i == 0 ? 0 : ranges[i - 1].upperBound)..<range.lowerBound]),
        trailing: Array(bytes[(ranges.last?.upperBound ?? bytes.count)...]))
      let text = bytes[range]
      let root = outline.documents[i].root
      switch SequenceIndent.detect(in: text) {
      case .compact:
        if let item = verbatimItem(outline, root, text: text, line: line, place, indent: .compact) {
          out.append(contentsOf: item)
          continue
        }
      case .wide:
        if let item = compactItem(text, outline: (outline, root), line: line, place) {
          out.append(contentsOf: item)
          continue
        }
      }
      // Parsed on its own, the document's text gives the tree the file would give it.
      guard let own = try? YAMLFile(parsing: Array(text), name: name), own.documents.count == 1,
        own.documents[0].originalText?.count == text.count
      else { return nil }
      item(own.documents[0], place, fileBytes: { bytes }, into: &out)
    }
    return (ranges.count, out)
  }

  /// `verbatimItem` for the document at `root` of an outline of `text`, with `indent` as its
  /// sequence indentation annotation.
  static func verbatimItem(
    _ outline: YAMLOutline, _ root: Int, text: ArraySlice<UInt8>, line: Int, _ place: DocumentPlace,
    indent: SequenceIndent
  ) -> [UInt8]? {
    // The root's first `metadata` entry down to the annotations' entries, and whether there is
    // any entry: all that `verbatimItem` reads (the text carries the rest).
    var node = YAMLNode(kind: .mapping)
    node.span = outline.nodes[root].span
    let children = outline.children(of: root)
    guard children.count >= 2 else { return nil }
    if let metadata = outline.entry(of: root, forKey: "metadata") {
      node.entries.append(
        YAMLEntry(
          key: outline.node(metadata.key, depth: 0), value: outline.node(metadata.value, depth: 2)))
    } else {
      node.entries.append(
        YAMLEntry(
          key: outline.node(children[0], depth: 0), value: outline.node(children[1], depth: 0)))
    }
    let document = YAMLDocument(
      parsedRoot: node, head: [], foot: [], text: text, line: line, sequenceIndent: indent)
    // (The document carries `indent`, which its seqindent annotation reports.)
    return verbatimItem(document, annotations: annotations(document, place))
  }

  /// The item of a wide document, carried compact as the emitter would write it
  /// (`SequenceIndentText`); nil when its text cannot be moved. `outline` is the document's
  /// place in an outline already read of the text's base, if there is one.
  static func compactItem(
    _ text: ArraySlice<UInt8>, outline: (YAMLOutline, root: Int)? = nil, line: Int,
    _ place: DocumentPlace
  ) -> [UInt8]? {
    let converted =
      if let outline {
        SequenceIndentText.convert(text, outline.0, root: outline.root, to: .compact)
      } else {
        SequenceIndentText.convert(Array(text), to: .compact)
      }
    guard let converted else { return nil }
    return verbatimItem(
      converted.outline, converted.outline.documents[0].root, text: converted.text[...],
      line: line, place, indent: .wide)
  }

  /// Each document's text as `YAMLParser` delimits it (from its first comment or content line
  /// to the end of its last comment or content), for files whose documents are block mappings
  /// after a `---` line of their own (but the first); nil for any other file.
  static func documentRanges(_ outline: YAMLOutline, _ bytes: [UInt8]) -> [Range<Int>]? {
    var ranges: [Range<Int>] = []
    let documents = outline.documents
    guard !documents.isEmpty else { return nil }
    for (i, document) in documents.enumerated() {
      let root = outline.nodes[document.root]
      guard root.kind == .mapping, !root.isFlow, !document.explicitEnd else { return nil }
      var floor = 0
      if document.explicitStart {
        let marker = document.startEnd - 3
        guard marker >= 0, document.startEnd < bytes.count, bytes[document.startEnd] == 0x0A,
          marker == 0 || bytes[marker - 1] == 0x0A,
          bytes[marker..<document.startEnd].allSatisfy({ $0 == UInt8(ascii: "-") })
        else { return nil }
        floor = document.startEnd + 1
      } else if i > 0 {
        return nil
      }
      var ceiling = bytes.count
      if i + 1 < documents.count {
        guard documents[i + 1].explicitStart, documents[i + 1].startEnd >= 3 else { return nil }
        ceiling = documents[i + 1].startEnd - 3
      }
      guard floor <= ceiling else { return nil }
      let blank = { (byte: UInt8) in byte == 0x20 || byte == 0x0A }
      guard let first = bytes[floor..<ceiling].firstIndex(where: { !blank($0) }),
        let last = bytes[floor..<ceiling].lastIndex(where: { !blank($0) })
      else { return nil }
      let start = lineStart(first, bytes)
      let end = last + 1
      // Past the content, only comments: the parser ends the text with the last of them.
      var contentEnd = 0
      for node in outline.nodes[document.root..<root.end] {
        contentEnd = max(contentEnd, node.span?.upperBound ?? 0)
      }
      guard start >= floor, contentEnd <= end, contentEnd > start else { return nil }
      var j = contentEnd
      while j < end {
        switch bytes[j] {
        case 0x20, 0x0A:
          j += 1
        case UInt8(ascii: "#") where bytes[j - 1] == 0x20 || bytes[j - 1] == 0x0A:
          while j < end && bytes[j] != 0x0A { j += 1 }
        default:
          return nil
        }
      }
      ranges.append(start..<end)
    }
    return ranges
  }

  /// `isWellTrodden` for one document of an outline (which holds no anchor, alias or tag).
  private static func isWellTrodden(_ outline: YAMLOutline, _ root: Int) -> Bool {
    let node = outline.nodes[root]
    guard node.kind == .mapping, !node.isFlow, node.end > root + 1,
      outline.value(of: root, forKey: bareSequenceKey) == nil
    else { return false }
    // Only non-empty scalar keys, none a block scalar, anywhere.
    for index in root..<node.end where outline.nodes[index].kind == .mapping {
      var child = index + 1
      while child < outline.nodes[index].end {
        let key = outline.nodes[child]
        guard key.kind == .scalar, !key.value.isEmpty, key.style != .literal,
          key.style != .folded, key.end < outline.nodes[index].end
        else { return false }
        child = outline.nodes[key.end].end
      }
    }
    guard let metadata = outline.value(of: root, forKey: "metadata") else { return true }
    guard outline.nodes[metadata].kind == .mapping, outline.nodes[metadata].end > metadata + 1
    else { return false }
    if outline.nodes[metadata].isFlow {
      let children = outline.children(of: metadata)
      return outline.value(of: metadata, forKey: "annotations") == nil
        && children.last.map { outline.nodes[$0].span != nil } == true
    }
    guard let annotations = outline.value(of: metadata, forKey: "annotations") else {
      return true
    }
    let entries = outline.nodes[annotations]
    guard entries.kind == .mapping, !entries.isFlow, entries.end > annotations + 1 else {
      return false
    }
    let children = outline.children(of: annotations)
    return !stride(from: 0, to: children.count, by: 2).contains {
      Annotation.writerClears.contains(outline.nodes[children[$0]].value)
    }
  }
}
