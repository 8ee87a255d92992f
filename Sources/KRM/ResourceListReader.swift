extension ResourceList {
  /// The documents of a ResourceList (or of a plain multi-document YAML stream) with the reader
  /// annotations taken off. An item stoop carried as its own text comes back byte for byte; an
  /// item in kpt's form is re-emitted with the sequence indentation its annotation asks for.
  public static func read(_ bytes: [UInt8], name: String) throws(KRMError) -> [ResourceListEntry] {
    let file = try YAMLFile(parsingResourceList: bytes, name: name)
    if file.documents.count == 1, let root = Optional(file.documents[0].root), root.isMapping,
      let kind = root["kind"]?.string, kind == "ResourceList" || kind == "List",
      root["items"] != nil || root["functionConfig"] != nil
    {
      guard let items = root["items"] else { return [] }
      if items.isNull { return [] }
      guard items.isSequence else {
        throw .invalidResourceList("\(name): the ResourceList's items must be a list")
      }
      // Items are taken apart independently of each other.
      return try items.items.concurrentMap { item throws(KRMError) in
        guard item.node.isMapping else {
          let line = lineNumber(of: item.node.span?.lowerBound ?? 0, in: bytes)
          throw .notKRM(file: name, line: line, missing: "a mapping (items must be resources)")
        }
        let region = itemRegion(item.node, in: bytes)
        return try entry(item.node, region: region, in: bytes, name: name)
      }
    }
    var entries: [ResourceListEntry] = []
    for document in file.documents {
      guard document.root.isMapping, let text = document.originalText else {
        throw .notKRM(
          file: name, line: document.line, missing: "a mapping (documents must be resources)")
      }
      let region = ItemRegion(range: text.startIndex..<text.endIndex, shift: 0)
      var entry = try entry(document.root, region: region, in: bytes, name: name)
      if !document.headComments.isEmpty && region.range.lowerBound != document.root.span?.lowerBound
      {
        entry.resource.document.headComments = document.headComments
      }
      entries.append(entry)
    }
    return entries
  }

  /// The items of a ResourceList (or the documents of a plain YAML stream) as documents with
  /// every annotation kept, each with its own text as a list item (`- ...`) when it can be
  /// copied back unchanged.
  public static func readItems(_ bytes: [UInt8], name: String) throws(KRMError) -> [(
    document: YAMLDocument, verbatim: [UInt8]?
  )] {
    let file = try YAMLFile(parsingResourceList: bytes, name: name)
    if file.documents.count == 1, let root = Optional(file.documents[0].root), root.isMapping,
      let kind = root["kind"]?.string, kind == "ResourceList" || kind == "List",
      root["items"] != nil || root["functionConfig"] != nil
    {
      guard let items = root["items"], !items.isNull else { return [] }
      guard items.isSequence else {
        throw .invalidResourceList("\(name): the ResourceList's items must be a list")
      }
      return try items.items.map { item throws(KRMError) in
        guard item.node.isMapping else {
          let line = lineNumber(of: item.node.span?.lowerBound ?? 0, in: bytes)
          throw .notKRM(file: name, line: line, missing: "a mapping (items must be resources)")
        }
        let region = itemRegion(item.node, in: bytes)
        var verbatim: [UInt8]? = nil
        if region.shift == 2, item.comments.head.isEmpty, !item.node.isFlow {
          verbatim = [UInt8(ascii: "-"), 0x20] + bytes[region.range] + [0x0A]
        }
        return (YAMLDocument(root: item.node, headComments: item.comments.head), verbatim)
      }
    }
    return file.documents.filter { !$0.root.isNull }.map { document in
      (YAMLDocument(root: document.root, headComments: document.headComments), nil)
    }
  }

  struct ItemRegion {
    var range: Range<Int>
    /// How far the item is indented in the list: removed from every line but the first.
    var shift: Int
  }

  static func lineNumber(of offset: Int, in bytes: [UInt8]) -> Int {
    bytes[0..<min(offset, bytes.count)].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
  }

  static func lineStart(_ offset: Int, _ bytes: [UInt8]) -> Int {
    var i = offset
    while i > 0 && bytes[i - 1] != 0x0A { i -= 1 }
    return i
  }

  static func lineEnd(_ offset: Int, _ bytes: [UInt8]) -> Int {
    var i = offset
    while i < bytes.count && bytes[i] != 0x0A { i += 1 }
    return i
  }

  /// From just after the item's `- ` to the end of its last line, foot comments included.
  static func itemRegion(_ node: YAMLNode, in bytes: [UInt8]) -> ItemRegion {
    itemRegion(span: node.span ?? 0..<0, in: bytes)
  }

  static func itemRegion(span: Range<Int>, in bytes: [UInt8]) -> ItemRegion {
    // Walk back from the node to the dash that opens the item.
    var lineBegin = lineStart(span.lowerBound, bytes)
    var limit = span.lowerBound
    var start = span.lowerBound
    search: while true {
      var i = lineBegin
      while i < limit {
        let c = bytes[i]
        if c == UInt8(ascii: "-")
          && (i + 1 >= bytes.count || bytes[i + 1] == 0x20 || bytes[i + 1] == 0x0A)
        {
          start = min(i + 2, span.lowerBound)
          if i + 1 < bytes.count && bytes[i + 1] == 0x0A { start = i + 1 }
          break search
        }
        if c == UInt8(ascii: "#") { break }
        i += 1
      }
      if lineBegin == 0 { break }
      limit = lineBegin - 1
      lineBegin = lineStart(limit, bytes)
    }
    let shift = start - lineStart(start, bytes)
    // Extend over comment lines indented at least as deep as the item.
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
    return ItemRegion(range: start..<end, shift: shift)
  }

  /// What an item's reader annotations say, and the resource without them.
  struct ItemAnnotations {
    var resource: Resource
    var path: String?
    var index: Int?
    var wanted: SequenceIndent?
    var leading: [UInt8]?
    var trailing: [UInt8]?
    var splice: FlowSplice?
    /// The item is kpt's wrapping of a bare sequence; `resource` holds the sequence.
    var bareSequence: Bool
  }

  static func annotations(of node: YAMLNode) throws(KRMError) -> ItemAnnotations {
    var resource = Resource(document: YAMLDocument(root: node))
    let path = resource.annotation(Annotation.internalPath) ?? resource.annotation(Annotation.path)
    let indexText =
      resource.annotation(Annotation.internalIndex) ?? resource.annotation(Annotation.index)
    if let path { try validate(path: path) }
    var index: Int? = nil
    if let indexText {
      guard let value = Int(indexText), value >= 0 else {
        throw .invalidAnnotation(
          key: Annotation.index, value: indexText,
          reason: "is not a document index; use 0, 1, 2, ...")
      }
      index = value
    }
    let wanted = resource.annotation(Annotation.seqIndent).flatMap(SequenceIndent.init(rawValue:))
    let leading = resource.annotation(Annotation.leading).map { Array($0.utf8) }
    let trailing = resource.annotation(Annotation.trailing).map { Array($0.utf8) }
    let splice = resource.annotation(Annotation.json).flatMap(FlowSplice.init(rawValue:))
    resource.removeAnnotations(Annotation.writerClears)
    var bareSequence = false
    if resource.document.root.isMapping, resource.document.root.entries.count == 1,
      let bare = resource.document.root[bareSequenceKey], bare.isSequence
    {
      resource.document.root = bare
      bareSequence = true
    }
    return ItemAnnotations(
      resource: resource, path: path, index: index, wanted: wanted, leading: leading,
      trailing: trailing, splice: splice, bareSequence: bareSequence)
  }

  static func entry(
    _ node: YAMLNode, region: ItemRegion, in bytes: [UInt8], name: String
  ) throws(KRMError) -> ResourceListEntry {
    let item = try annotations(of: node)
    var text: [UInt8]
    if let splice = item.splice, node.isFlow,
      let spliced = removeFlowAnnotations(node, splice: splice, region: region, in: bytes)
    {
      text = spliced
    } else if item.bareSequence, let own = bareSequenceText(node, in: bytes) {
      text = own
    } else if !item.bareSequence,
      let spliced = removeAnnotationLines(node, region: region, in: bytes)
    {
      text = spliced
      if let wanted = item.wanted, node.containsBlockSequence,
        SequenceIndent.detect(in: text) != wanted
      {
        text =
          SequenceIndentText.convert(text, to: wanted)?.text
          ?? YAMLEmitter(sequenceIndent: wanted).emit(item.resource.document)
      }
    } else {
      text = YAMLEmitter(sequenceIndent: item.wanted ?? .compact).emit(item.resource.document)
    }
    var entry = ResourceListEntry(
      path: item.path, index: item.index, leading: item.leading, trailing: item.trailing,
      text: text, resource: item.resource)
    entry.isVerbatimJSON = item.splice != nil
    return entry
  }

  /// A path annotation must name a file inside the package.
  public static func validate(path: String) throws(KRMError) {
    // (Byte by byte: this runs for every item of a list.)
    let slash = UInt8(ascii: "/")
    let utf8 = path.utf8
    var escapes = utf8.isEmpty || utf8.first == slash || utf8.last == slash
    // The component read so far: its length, and whether it is all dots.
    var length = 0
    var dots = true
    for byte in utf8 where !escapes {
      if byte == slash {
        escapes = length == 2 && dots
        length = 0
        dots = true
      } else {
        length += 1
        dots = dots && byte == UInt8(ascii: ".")
      }
    }
    if escapes || length == 2 && dots { throw .pathEscapesPackage(path: path) }
  }

  /// The item's text without the lines of the reader annotations (and of an `annotations:` or
  /// `metadata:` they leave empty), unindented; nil when those live in flow collections.
  static func removeAnnotationLines(
    _ node: YAMLNode, region: ItemRegion, in bytes: [UInt8]
  ) -> [UInt8]? {
    guard let edits = annotationEdits(node, region: region, in: bytes) else { return nil }
    return copy(region, from: bytes, removing: edits.removed, replacing: edits.replacement)
  }

  /// What `removeAnnotationLines` takes out of the item's text (ranges of the list), and the
  /// flow collection it rewrites, if any; nil when it cannot.
  static func annotationEdits(
    _ node: YAMLNode, region: ItemRegion, in bytes: [UInt8]
  ) -> (removed: [Range<Int>], replacement: (range: Range<Int>, bytes: [UInt8])?)? {
    guard !node.isFlow else { return nil }
    var removed: [Range<Int>] = []
    var replacement: (range: Range<Int>, bytes: [UInt8])? = nil
    if let metadata = node["metadata"], let annotations = metadata["annotations"],
      annotations.entries.contains(where: { Annotation.writerClears.contains($0.key.value) })
    {
      if metadata.isFlow || annotations.isFlow,
        let range = trailingAnnotations(metadata: metadata, annotations: annotations)
      {
        // Where a writer puts them (kpt and fn source alike): take out exactly that text.
        removed.append(range)
      } else if metadata.isFlow {
        // Rebuild the flow `metadata` from its entries' own text, without the reader's entries.
        guard let span = metadata.span else { return nil }
        var parts: [String] = []
        for entry in metadata.entries {
          guard let keySpan = entry.key.span else { return nil }
          let end = entry.value.span?.upperBound ?? keySpan.upperBound
          if entry.key.value == "annotations", entry.value.isMapping {
            let kept = entry.value.entries.filter {
              !Annotation.writerClears.contains($0.key.value)
            }
            if kept.isEmpty { continue }
            var inner: [String] = []
            for k in kept {
              guard let ks = k.key.span else { return nil }
              inner.append(
                String(
                  decoding: bytes[ks.lowerBound..<(k.value.span?.upperBound ?? ks.upperBound)],
                  as: UTF8.self))
            }
            parts.append(
              String(decoding: bytes[keySpan], as: UTF8.self) + ": {"
                + inner.joined(separator: ", ") + "}")
            continue
          }
          parts.append(String(decoding: bytes[keySpan.lowerBound..<end], as: UTF8.self))
        }
        replacement = (span, Array(("{" + parts.joined(separator: ", ") + "}").utf8))
      } else if annotations.isFlow {
        // Keep the flow mapping, without the reader's entries.
        guard let span = annotations.span else { return nil }
        var kept: [String] = []
        for entry in annotations.entries where !Annotation.writerClears.contains(entry.key.value) {
          guard let keySpan = entry.key.span else { return nil }
          let end = entry.value.span?.upperBound ?? keySpan.upperBound
          kept.append(String(decoding: bytes[keySpan.lowerBound..<end], as: UTF8.self))
        }
        replacement = (span, Array(("{" + kept.joined(separator: ", ") + "}").utf8))
      }
    }
    if replacement == nil, removed.isEmpty, let metadata = node["metadata"],
      let annotations = metadata["annotations"],
      annotations.entries.contains(where: { Annotation.writerClears.contains($0.key.value) })
    {
      func text(_ entry: YAMLEntry) -> EntryText {
        EntryText(
          key: entry.key.value, keyStart: entry.key.span?.lowerBound,
          end: entry.value.span?.upperBound ?? entry.key.span?.upperBound)
      }
      guard let m = node.index(ofKey: "metadata"), let a = metadata.index(ofKey: "annotations"),
        let lines = annotationLines(
          metadata: text(node.entries[m]), metadataCount: metadata.entries.count,
          annotations: text(metadata.entries[a]), entries: annotations.entries.map(text),
          in: bytes)
      else { return nil }
      removed = lines
    }
    return (removed, replacement)
  }

  /// A mapping entry as taking the reader's annotations out weighs it: its key, where the key
  /// starts and where the entry's text ends (its value's, or its key's when the value has none).
  struct EntryText {
    var key: String
    var keyStart: Int?
    var end: Int?
  }

  /// The lines that take the reader's annotations out of block `metadata`: each reader
  /// annotation's, or, when no other annotation stays, the `annotations:` entry's (`metadata:`'s
  /// when that is its only entry); nil when an entry has no place in the text.
  static func annotationLines(
    metadata: EntryText, metadataCount: Int, annotations: EntryText, entries: [EntryText],
    in bytes: [UInt8]
  ) -> [Range<Int>]? {
    func lines(_ entry: EntryText) -> Range<Int>? {
      guard let keyStart = entry.keyStart else { return nil }
      return lineStart(
        keyStart, bytes)..<min(lineEnd(entry.end ?? keyStart, bytes) + 1, bytes.count)
    }
    let cleared = entries.filter { Annotation.writerClears.contains($0.key) }
    guard cleared.count < entries.count else {
      return lines(metadataCount == 1 ? metadata : annotations).map { [$0] }
    }
    var removed: [Range<Int>] = []
    for entry in cleared {
      guard let range = lines(entry) else { return nil }
      removed.append(range)
    }
    return removed
  }

  /// The region's bytes unindented by its shift, with ranges removed or replaced, and the lines
  /// that start at the keys of `indenting` (offsets in the list) indented by their values
  /// unless blank.
  static func copy(
    _ region: ItemRegion, from bytes: [UInt8], removing removed: [Range<Int>],
    replacing replacement: (range: Range<Int>, bytes: [UInt8])? = nil,
    indenting: [Int: Int] = [:]
  ) -> [UInt8] {
    var removed = removed
    var out: [UInt8] = []
    out.reserveCapacity(region.range.count + 1)
    var i = region.range.lowerBound
    var removedIndex = 0
    removed.sort { $0.lowerBound < $1.lowerBound }
    var atLineStart = false
    while i < region.range.upperBound {
      if let replacement, i == replacement.range.lowerBound {
        out.append(contentsOf: replacement.bytes)
        i = replacement.range.upperBound
        continue
      }
      if removedIndex < removed.count && i >= removed[removedIndex].lowerBound {
        let end = removed[removedIndex].upperBound
        i = max(i, end)
        atLineStart = end > 0 && bytes[end - 1] == 0x0A
        removedIndex += 1
        continue
      }
      if atLineStart {
        let lineBegin = i
        var skipped = 0
        while skipped < region.shift && i < region.range.upperBound && bytes[i] == 0x20 {
          i += 1
          skipped += 1
        }
        atLineStart = false
        if !indenting.isEmpty, let extra = indenting[lineBegin] {
          var content = i
          while content < region.range.upperBound && bytes[content] == 0x20 { content += 1 }
          if content < region.range.upperBound && bytes[content] != 0x0A {
            out.append(contentsOf: repeatElement(0x20, count: extra))
          }
        }
        continue
      }
      // The rest of the line, or up to where the next removal or replacement starts.
      var stop = region.range.upperBound
      if removedIndex < removed.count { stop = min(stop, removed[removedIndex].lowerBound) }
      if let replacement, replacement.range.lowerBound > i {
        stop = min(stop, replacement.range.lowerBound)
      }
      let lineBreak = bytes[i..<stop].firstIndex(of: 0x0A)
      let end = lineBreak.map { $0 + 1 } ?? stop
      out.append(contentsOf: bytes[i..<end])
      atLineStart = lineBreak != nil
      i = end
    }
    // The list's line break after the item, unless the removed lines' own break stands in for it;
    // a region ending in a line break of its own (a `|+` scalar's) still needs it.
    let endsInOwnLineBreak =
      i == region.range.upperBound && region.range.upperBound > region.range.lowerBound
      && bytes[region.range.upperBound - 1] == 0x0A
      && removed.allSatisfy { $0.upperBound < region.range.upperBound }
    if out.last != 0x0A || endsInOwnLineBreak { out.append(0x0A) }
    return out
  }
}
