/// Taking a large ResourceList apart without a tree of it: `fn sink`'s way for lists of the
/// common shape (`YAMLOutline`). Each item is copied as text from its place in the list, as
/// `read` copies it; an item that needs more than text (one to re-emit, a bare sequence, a
/// flow document, an item without a path) is parsed on its own and read by `entry`.
extension ResourceList {
  /// The files a ResourceList (or a YAML stream of resources) describes: `files(from:
  /// read(bytes, name:))`, without a tree of the whole list when it has the common shape.
  public static func files(fromList bytes: [UInt8], name: String) throws(KRMError) -> [(
    path: String, bytes: [UInt8]
  )] {
    if let files = filesFromOutline(bytes, name: name) { return files }
    return try files(from: read(bytes, name: name))
  }

  /// The files of a ResourceList read from its outline; nil when the list has another shape,
  /// or anything in it would fail, so that `read` reports it.
  package static func filesFromOutline(_ bytes: [UInt8], name: String) -> [(
    path: String, bytes: [UInt8]
  )]? {
    guard
      let entries = entriesFromChunks(bytes, name: name) ?? entriesFromOutline(bytes, name: name)
    else { return nil }
    return try? files(from: entries)
  }

  /// The list's entries from one outline of the whole list; nil as for `filesFromOutline`.
  private static func entriesFromOutline(_ bytes: [UInt8], name: String) -> [ResourceListEntry]? {
    guard let outline = YAMLOutline(bytes, maxDepth: YAMLParser.maxDepth + 2),
      outline.documents.count == 1
    else { return nil }
    let root = outline.documents[0].root
    guard outline.nodes[root].kind == .mapping,
      let kind = outline.value(of: root, forKey: "kind"), outline.nodes[kind].kind == .scalar,
      outline.nodes[kind].value == "ResourceList" || outline.nodes[kind].value == "List",
      let items = outline.value(of: root, forKey: "items"),
      outline.nodes[items].kind == .sequence, !outline.nodes[items].isFlow
    else { return nil }
    // Items are taken apart independently of each other.
    let entries = outline.children(of: items).concurrentMap { item -> ResourceListEntry? in
      entry(outline, item, in: bytes, name: name)
    }
    var found: [ResourceListEntry] = []
    found.reserveCapacity(entries.count)
    for entry in entries {
      guard let entry else { return nil }
      found.append(entry)
    }
    return found
  }

  /// The list's entries read in pieces side by side, each piece a run of whole items parsed as a
  /// sequence of its own: what one outline of the list gives, when the list is a block mapping
  /// that ends with its `items:` key and the items' dashes at the first column (as `fn source`
  /// and kpt write it). Nil when the list has another shape or a piece does not read as items,
  /// for the whole list to be read in one.
  private static func entriesFromChunks(_ bytes: [UInt8], name: String) -> [ResourceListEntry]? {
    guard let starts = itemStarts(bytes), let first = starts.first,
      let head = YAMLOutline(bytes, range: 0..<first, maxDepth: YAMLParser.maxDepth + 2),
      head.documents.count == 1
    else { return nil }
    // The head: a block mapping of the list's kind whose last entry is the empty `items:`.
    let root = head.documents[0].root
    let children = head.children(of: root)
    guard head.nodes[root].kind == .mapping, !head.nodes[root].isFlow, children.count >= 2,
      let kind = head.value(of: root, forKey: "kind"), head.nodes[kind].kind == .scalar,
      head.nodes[kind].value == "ResourceList" || head.nodes[kind].value == "List",
      let items = head.value(of: root, forKey: "items"), items == children[children.count - 1],
      head.nodes[items].kind == .scalar, head.nodes[items].style == .plain,
      head.nodes[items].value.isEmpty
    else { return nil }
    // Sixteen pieces, none under 64 KiB: enough for every core to have several.
    let size = max(bytes.count / 16, 1 << 16)
    var pieces: [Range<Int>] = []
    var lower = first
    for start in starts.dropFirst() where start - lower >= size {
      pieces.append(lower..<start)
      lower = start
    }
    pieces.append(lower..<bytes.count)
    let read = pieces.concurrentMap { piece -> [ResourceListEntry]? in
      guard let outline = YAMLOutline(bytes, range: piece, maxDepth: YAMLParser.maxDepth + 1),
        outline.documents.count == 1
      else { return nil }
      let root = outline.documents[0].root
      guard outline.nodes[root].kind == .sequence, !outline.nodes[root].isFlow else { return nil }
      var found: [ResourceListEntry] = []
      for item in outline.children(of: root) {
        guard let entry = entry(outline, item, in: bytes, name: name) else { return nil }
        found.append(entry)
      }
      return found
    }
    var found: [ResourceListEntry] = []
    for piece in read {
      guard let piece else { return nil }
      found += piece
    }
    return found
  }

  /// Where each item's line starts, for a list whose `items:` line (at the first column, with
  /// nothing after it) is followed to the end only by items that start with `- ` at the first
  /// column, their more indented lines, comments and blank lines; nil for any other text.
  static func itemStarts(_ bytes: [UInt8]) -> [Int]? {
    let key = Array("items:\n".utf8)
    var at = 0
    // The first line that is exactly `items:`.
    while true {
      guard at + key.count <= bytes.count else { return nil }
      if bytes[at..<(at + key.count)].elementsEqual(key) { break }
      at = lineEnd(at, bytes) + 1
    }
    var starts: [Int] = []
    var line = at + key.count
    while line < bytes.count {
      switch bytes[line] {
      case UInt8(ascii: "-"):
        guard line + 1 < bytes.count, bytes[line + 1] == 0x20 || bytes[line + 1] == 0x0A else {
          return nil
        }
        starts.append(line)
      case 0x20, 0x0A, UInt8(ascii: "#"):
        break
      default:
        return nil
      }
      line = lineEnd(line, bytes) + 1
    }
    return starts.isEmpty ? nil : starts
  }

  /// One item's entry: its own text when that is all it takes, else a tree of its own.
  private static func entry(_ outline: YAMLOutline, _ item: Int, in bytes: [UInt8], name: String)
    -> ResourceListEntry?
  {
    let region = itemRegion(span: outline.nodes[item].span ?? 0..<0, in: bytes)
    return textEntry(outline, item, region: region, in: bytes)
      ?? ownEntry(region: region, in: bytes, name: name)
  }

  /// The item as its text without the reader's annotations, when that is all it takes: the
  /// item is a block mapping with a path, and its text has the sequence indentation asked for.
  /// `read` would give the same entry, but for its resource: the item's top-level entries and
  /// `metadata` (deeper collections left empty), with the annotations still on, which
  /// `files(from:)` does not read for an entry with a path that is not a `.json` file's.
  private static func textEntry(
    _ outline: YAMLOutline, _ item: Int, region: ItemRegion, in bytes: [UInt8]
  ) -> ResourceListEntry? {
    guard outline.nodes[item].kind == .mapping, !outline.nodes[item].isFlow else { return nil }
    // What `annotations(of:)` reads, without taking the annotations off a resource nobody reads.
    let annotations = outline.value(of: item, forKey: "metadata").flatMap {
      outline.value(of: $0, forKey: "annotations")
    }
    func annotation(_ key: String) -> String? {
      guard let annotations, let value = outline.value(of: annotations, forKey: key),
        outline.nodes[value].kind == .scalar
      else { return nil }
      return outline.nodes[value].value
    }
    guard let path = annotation(Annotation.internalPath) ?? annotation(Annotation.path),
      !path.hasSuffix(".json"), (try? validate(path: path)) != nil,
      annotation(Annotation.json) == nil,
      // (Taking the annotations off may leave kpt's wrapping of a bare sequence.)
      outline.value(of: item, forKey: bareSequenceKey) == nil
    else { return nil }
    var index: Int? = nil
    if let indexText = annotation(Annotation.internalIndex) ?? annotation(Annotation.index) {
      guard let value = Int(indexText), value >= 0 else { return nil }
      index = value
    }
    let edits: (removed: [Range<Int>], replacement: (range: Range<Int>, bytes: [UInt8])?)
    if let removed = blockAnnotationEdits(outline, item, in: bytes) {
      edits = (removed, nil)
    } else {
      // Flow collections: the item's `metadata` entry as a tree, down to the annotations'
      // entries, is all `annotationEdits` reads (the other entries are copied as text).
      var node = YAMLNode(kind: .mapping)
      node.span = outline.nodes[item].span
      if let metadata = outline.entry(of: item, forKey: "metadata") {
        node.entries.append(
          YAMLEntry(
            key: outline.node(metadata.key, depth: 0),
            value: outline.node(metadata.value, depth: 3)))
      }
      guard let found = annotationEdits(node, region: region, in: bytes) else { return nil }
      edits = found
    }
    var text = copy(region, from: bytes, removing: edits.removed, replacing: edits.replacement)
    if let wanted = annotation(Annotation.seqIndent).flatMap(SequenceIndent.init(rawValue:)),
      outline.containsBlockSequence(item), SequenceIndent.detect(in: text) != wanted
    {
      if wanted == .wide, let wide = wideText(outline, item, region: region, edits, in: bytes) {
        text = wide
      } else {
        guard let converted = SequenceIndentText.convert(text, to: wanted) else { return nil }
        text = converted.text
      }
    }
    // (The files are named by their paths: the resource is not read, nor kept.)
    return ResourceListEntry(
      path: path, index: index, leading: annotation(Annotation.leading).map { Array($0.utf8) },
      trailing: annotation(Annotation.trailing).map { Array($0.utf8) }, text: text,
      resource: Resource(document: YAMLDocument(root: YAMLNode(kind: .mapping))))
  }

  /// The lines `annotationEdits` takes out of an item whose `metadata` and annotations are
  /// block mappings, read off the outline; nil where a flow collection holds reader annotations
  /// (the tree decides there).
  private static func blockAnnotationEdits(_ outline: YAMLOutline, _ item: Int, in bytes: [UInt8])
    -> [Range<Int>]?
  {
    guard let metadataEntry = outline.entry(of: item, forKey: "metadata"),
      outline.nodes[metadataEntry.value].kind == .mapping
    else { return [] }
    let metadata = metadataEntry.value
    guard let annotationsEntry = outline.entry(of: metadata, forKey: "annotations"),
      outline.nodes[annotationsEntry.value].kind == .mapping
    else { return [] }
    let children = outline.children(of: annotationsEntry.value)
    func text(_ entry: (key: Int, value: Int)) -> EntryText {
      let key = outline.nodes[entry.key]
      return EntryText(
        key: key.value, keyStart: key.span?.lowerBound,
        end: outline.nodes[entry.value].span?.upperBound ?? key.span?.upperBound)
    }
    let entries = stride(from: 0, to: children.count - 1, by: 2).map {
      text((children[$0], children[$0 + 1]))
    }
    guard entries.contains(where: { Annotation.writerClears.contains($0.key) }) else { return [] }
    guard !outline.nodes[metadata].isFlow, !outline.nodes[annotationsEntry.value].isFlow else {
      return nil
    }
    return annotationLines(
      metadata: text(metadataEntry), metadataCount: outline.children(of: metadata).count / 2,
      annotations: text(annotationsEntry), entries: entries, in: bytes)
  }

  /// The item's text as `removeAnnotationLines` gives it, with its sequences moved to kpt's wide
  /// form on the way (`SequenceIndentText`, planned on the list's own outline): nil when the
  /// plan needs the moved text read again, or kpt's detection would not read the result wide.
  private static func wideText(
    _ outline: YAMLOutline, _ item: Int, region: ItemRegion,
    _ edits: (removed: [Range<Int>], replacement: (range: Range<Int>, bytes: [UInt8])?),
    in bytes: [UInt8]
  ) -> [UInt8]? {
    let lines = lineStart(region.range.lowerBound, bytes)..<region.range.upperBound
    guard let plan = SequenceIndentText.plan(bytes[lines], outline, root: item, to: .wide),
      plan.isSafe
    else { return nil }
    var indenting: [Int: Int] = [:]
    for (number, shift) in plan.lineShift.enumerated() where shift != 0 {
      guard shift > 0 else { return nil }
      indenting[plan.lineStarts[number]] = shift
    }
    let text = copy(
      region, from: bytes, removing: edits.removed, replacing: edits.replacement,
      indenting: indenting)
    return SequenceIndent.detect(in: text) == .wide ? text : nil
  }

  /// The item read by `entry` from a tree of its own: its lines (from its dash) parsed as a
  /// one-item sequence, which gives the tree the list would give it.
  private static func ownEntry(region: ItemRegion, in bytes: [UInt8], name: String)
    -> ResourceListEntry?
  {
    let from = lineStart(region.range.lowerBound, bytes)
    guard from <= region.range.upperBound, region.range.upperBound <= bytes.count else {
      return nil
    }
    var text = Array(bytes[from..<region.range.upperBound])
    text.append(0x0A)
    guard let file = try? YAMLFile(parsingResourceList: text, name: name),
      file.documents.count == 1, file.documents[0].root.isSequence,
      file.documents[0].root.items.count == 1
    else { return nil }
    let node = file.documents[0].root.items[0].node
    guard node.isMapping else { return nil }
    return try? entry(node, region: itemRegion(node, in: text), in: text, name: name)
  }
}
