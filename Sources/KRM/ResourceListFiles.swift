extension ResourceList {
  /// The files a ResourceList's entries describe, by path, in the order the paths first appear.
  public static func files(from entries: [ResourceListEntry]) throws(KRMError) -> [(
    path: String, bytes: [UInt8]
  )] {
    var order: [String] = []
    var byPath: [String: [ResourceListEntry]] = [:]
    for entry in entries {
      let path = entry.path ?? defaultPath(for: entry.resource)
      try validate(path: path)
      if byPath[path] == nil { order.append(path) }
      byPath[path, default: []].append(entry)
    }
    // Each file is put together on its own.
    let grouped = byPath
    return try order.concurrentMap { path throws(KRMError) in
      // Documents without an index go first, then by index, keeping list order among equals.
      let documents = grouped[path, default: []].enumerated().sorted {
        ($0.element.index ?? -1, $0.offset) < ($1.element.index ?? -1, $1.offset)
      }.map(\.element)
      var seen = Set<Int>()
      for document in documents {
        if let index = document.index, !seen.insert(index).inserted {
          throw KRMError.duplicateResource(path: path, index: index)
        }
      }
      // kpt writes a JSON file in Go's indented JSON layout, unless stoop carried its own text.
      if path.hasSuffix(".json"), documents.count == 1, !documents[0].isVerbatimJSON {
        return (path, GoJSON.encode(documents[0].resource.document.root))
      }
      var bytes: [UInt8] = []
      for (i, document) in documents.enumerated() {
        if i == 0 {
          bytes.append(contentsOf: document.leading ?? [])
        } else {
          bytes.append(contentsOf: document.leading ?? YAMLFile.defaultSeparator)
        }
        bytes.append(contentsOf: withoutFinalLineBreak(document.text))
      }
      bytes.append(contentsOf: documents.last?.trailing ?? YAMLFile.defaultTrailing)
      return (path, bytes)
    }
  }

  /// A document's text ends with a line break the list added; a document's own text never ends
  /// in a carriage return, so one before that line break came with it (a CRLF file's).
  static func withoutFinalLineBreak(_ text: [UInt8]) -> ArraySlice<UInt8> {
    var end = text.endIndex
    if end > 0 && text[end - 1] == 0x0A { end -= 1 }
    if end > 0 && text[end - 1] == 0x0D { end -= 1 }
    return text[..<end]
  }

  /// kpt's name for a resource that came without a path: `<namespace>/<kind>_<name>.yaml`.
  public static func defaultPath(for resource: Resource) -> String {
    let file = "\((resource.kind ?? "").lowercased())_\(resource.name ?? "").yaml"
    if let namespace = resource.namespace, !namespace.isEmpty { return namespace + "/" + file }
    return file
  }

  // MARK: Writing without loss

  /// The ResourceList of `files`, as `write` makes it, after checking that every file's
  /// documents come back from it byte for byte; a document the list cannot carry is refused
  /// with the reason, instead of being changed or lost on the way back.
  public static func writeLossless(
    files: [PackageFile], functionConfig: (path: String, document: YAMLDocument)? = nil
  ) throws(KRMError) -> [UInt8] {
    let carried = try files.concurrentMap { file throws(KRMError) -> [UInt8] in
      let text = items(of: file)
      // Reading the items back costs about a second parse: files of the common shape, which
      // every test and fuzz run carries, are trusted; the fuzz target checks them all the same.
      if !isWellTrodden(file) { try checkCarried(file, items: text) }
      return text
    }
    return write(
      itemCount: files.reduce(0) { $0 + $1.yaml.documents.count }, items: carried,
      functionConfig: functionConfig)
  }

  /// Whether a ResourceList carries the file so that reading it back gives its bytes exactly;
  /// a file it cannot carry can travel as something else (a stoop `File` item).
  public static func carries(_ file: PackageFile) -> Bool {
    if isWellTrodden(file) { return true }
    do {
      try checkCarried(file, items: items(of: file))
      return true
    } catch {
      return false
    }
  }

  /// Whether every document of the file has the shape of nearly all package files: a block
  /// mapping in LF lines without tabs, block or flow `metadata` without the
  /// reader's annotations, plain keys, and no anchor, alias or tag anywhere.
  static func isWellTrodden(_ file: PackageFile) -> Bool {
    let yaml = file.yaml
    guard !yaml.documents.isEmpty, !yaml.leading.contains(where: { $0 >= 0x80 }) else {
      return false
    }
    for part in [yaml.leading, yaml.trailing] + yaml.separators.dropFirst() {
      if part.contains(0x0D) || part.contains(0x09) { return false }
    }
    return yaml.documents.allSatisfy { document in
      guard let text = document.originalText, !document.isModified, !text.contains(0x0D),
        !text.contains(0x09)
      else { return false }
      let root = document.root
      guard root.isMapping, !root.isFlow, !root.entries.isEmpty, isPlainTree(root),
        root.index(ofKey: bareSequenceKey) == nil
      else {
        return false
      }
      guard let metadata = root["metadata"] else { return true }
      guard metadata.isMapping, !metadata.entries.isEmpty else { return false }
      if metadata.isFlow {
        return metadata["annotations"] == nil && metadata.entries.last?.value.span != nil
      }
      guard let annotations = metadata["annotations"] else { return true }
      return annotations.isMapping && !annotations.isFlow && !annotations.entries.isEmpty
        && !annotations.keys.contains(where: { Annotation.writerClears.contains($0) })
    }
  }

  /// No anchor, alias or tag, and only non-empty scalar keys, anywhere below `node`.
  private static func isPlainTree(_ node: YAMLNode) -> Bool {
    guard node.anchor == nil, node.tag == nil, node.kind != .alias else { return false }
    switch node.kind {
    case .mapping:
      return node.entries.allSatisfy { entry in
        entry.key.isScalar && !entry.key.value.isEmpty && entry.key.anchor == nil
          && entry.key.tag == nil && entry.key.style != .literal && entry.key.style != .folded
          && isPlainTree(entry.value)
      }
    case .sequence:
      return node.items.allSatisfy { isPlainTree($0.node) }
    default:
      return true
    }
  }

  /// Throws unless reading `items` back gives exactly the file's bytes.
  static func checkCarried(_ file: PackageFile, items: [UInt8]) throws(KRMError) {
    let documents = file.yaml.documents
    guard !documents.isEmpty else { return }
    let original = file.yaml.bytes()
    let list = header(itemCount: documents.count) + items
    var entries: [ResourceListEntry] = []
    var readBack: [(path: String, bytes: [UInt8])] = []
    do {
      entries = try read(list, name: file.path)
      readBack = try self.files(from: entries)
    } catch {}
    if readBack.count == 1, readBack[0].path == file.path, readBack[0].bytes == original {
      return
    }
    // Name a document that cannot travel and why, else the first one that did not come back.
    for document in documents {
      if let reason = uncarriableReason(document) {
        throw .cannotCarry(file: file.path, line: document.line, reason: reason)
      }
    }
    var index = 0
    if entries.count == documents.count {
      index =
        documents.indices.first { i in
          entries[i].path != file.path || entries[i].index != i
            || !withoutFinalLineBreak(entries[i].text).elementsEqual(
              documents[i].originalText ?? [])
        } ?? 0
    }
    throw .cannotCarry(
      file: file.path, line: documents[index].line,
      reason: "fn source cannot carry this document through a ResourceList byte for byte")
  }

  /// Why a document cannot travel in a ResourceList, for the shapes known not to.
  static func uncarriableReason(_ document: YAMLDocument) -> String? {
    let root = document.root
    guard root.isMapping || root.isSequence else {
      return "not a KRM resource: a document must be a mapping to travel in a ResourceList"
    }
    guard root.isMapping else { return nil }
    if root.entries.count == 1, root.index(ofKey: bareSequenceKey) != nil {
      return "a document whose only key is \(bareSequenceKey) reads as kpt's wrapping of a bare"
        + " sequence in a ResourceList"
    }
    if let metadata = root["metadata"] {
      guard metadata.isMapping else {
        return
          "metadata is not a mapping, so the document cannot carry fn source's annotations"
      }
      if let annotations = metadata["annotations"] {
        guard annotations.isMapping else {
          return
            "metadata.annotations is not a mapping, so the document cannot carry fn source's annotations"
        }
        if let key = annotations.keys.first(where: { Annotation.writerClears.contains($0) }) {
          return "the document already has the annotation \(key), which fn source sets and fn sink"
            + " removes; remove it from the file"
        }
      }
    }
    return nil
  }
}
