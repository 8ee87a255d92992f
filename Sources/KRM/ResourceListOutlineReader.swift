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
      let region = itemRegion(span: outline.nodes[item].span ?? 0..<0, in: bytes)
      return textEntry(outline, item, region: region, in: bytes)
        ?? ownEntry(region: region, in: bytes, name: name)
    }
    var found: [ResourceListEntry] = []
    found.reserveCapacity(entries.count)
    for entry in entries {
      guard let entry else { return nil }
      found.append(entry)
    }
    return try? files(from: found)
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
    var node = YAMLNode(kind: .mapping)
    node.span = outline.nodes[item].span
    let children = outline.children(of: item)
    for i in stride(from: 0, to: children.count - 1, by: 2) {
      let key = outline.node(children[i], depth: 0)
      // (`metadata`, its entries and the annotations' entries: all that is read below.)
      let depth = key.isScalar && key.value == "metadata" ? 3 : 0
      node.entries.append(YAMLEntry(key: key, value: outline.node(children[i + 1], depth: depth)))
    }
    // What `annotations(of:)` reads, without taking the annotations off a resource nobody reads.
    let annotations = node["metadata"]?["annotations"]
    func annotation(_ key: String) -> String? { annotations?[key]?.string }
    guard let path = annotation(Annotation.internalPath) ?? annotation(Annotation.path),
      !path.hasSuffix(".json"), (try? validate(path: path)) != nil,
      annotation(Annotation.json) == nil,
      // (Taking the annotations off may leave kpt's wrapping of a bare sequence.)
      node.index(ofKey: bareSequenceKey) == nil
    else { return nil }
    var index: Int? = nil
    if let indexText = annotation(Annotation.internalIndex) ?? annotation(Annotation.index) {
      guard let value = Int(indexText), value >= 0 else { return nil }
      index = value
    }
    guard var text = removeAnnotationLines(node, region: region, in: bytes) else { return nil }
    if let wanted = annotation(Annotation.seqIndent).flatMap(SequenceIndent.init(rawValue:)),
      outline.containsBlockSequence(item), SequenceIndent.detect(in: text) != wanted
    {
      guard let converted = SequenceIndentText.convert(text, to: wanted) else { return nil }
      text = converted.text
    }
    // (The files are named by their paths: the resource is not read.)
    return ResourceListEntry(
      path: path, index: index, leading: annotation(Annotation.leading).map { Array($0.utf8) },
      trailing: annotation(Annotation.trailing).map { Array($0.utf8) }, text: text,
      resource: Resource(document: YAMLDocument(root: node)))
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
