/// A file of a package as it takes part in a ResourceList.
public struct PackageFile: Sendable {
  /// Slash-separated path relative to the package root.
  public var path: String
  public var yaml: YAMLFile

  public init(path: String, yaml: YAMLFile) {
    self.path = path
    self.yaml = yaml
  }
}

/// A document taken out of a ResourceList, ready to be written to its file.
public struct ResourceListEntry: Sendable {
  /// Path from the path annotations, nil when the item has none.
  public var path: String?
  public var index: Int?
  /// Text before the document in its file (`internal.stoop.dev/leading`), when stoop recorded it.
  public var leading: [UInt8]?
  public var trailing: [UInt8]?
  /// The document without the reader annotations, ending with a line break.
  public var text: [UInt8]
  /// A `.json` document that stoop carried as its own text (`internal.stoop.dev/json`).
  public var isVerbatimJSON: Bool = false
  /// The resource (annotations removed), for default file names.
  public var resource: Resource
}

/// kpt's ResourceList (config.kubernetes.io/v1): writing a package's documents into one, and
/// taking one apart again.
///
/// Documents that kpt would write back unchanged are emitted as kpt emits them, so the list equals
/// `kpt fn source`'s; any other document is carried as its own text, indented under its `- `, so
/// that `fn sink` gives back its exact bytes.
public enum ResourceList {
  public static let apiVersion = "config.kubernetes.io/v1"
  public static let kind = "ResourceList"

  // MARK: Writing

  /// The ResourceList of `files` (in the order given), with an optional functionConfig.
  public static func write(
    files: [PackageFile], functionConfig: (path: String, document: YAMLDocument)? = nil
  ) -> [UInt8] {
    // Each file's items depend on that file alone.
    write(
      itemCount: files.reduce(0) { $0 + $1.yaml.documents.count },
      items: files.concurrentMap(items(of:)), functionConfig: functionConfig)
  }

  package static func header(itemCount: Int) -> [UInt8] {
    Array(
      ("apiVersion: \(apiVersion)\nkind: \(kind)\n" + (itemCount == 0 ? "items: []\n" : "items:\n"))
        .utf8)
  }

  /// The list around each file's items.
  static func write(
    itemCount: Int, items: [[UInt8]], functionConfig: (path: String, document: YAMLDocument)?
  ) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(items.reduce(0) { $0 + $1.count } + 256)
    out.append(contentsOf: header(itemCount: itemCount))
    for items in items { out.append(contentsOf: items) }
    if let functionConfig {
      out.append(contentsOf: "functionConfig:\n".utf8)
      var resource = Resource(document: functionConfig.document)
      let style = functionConfig.document.sequenceIndent.rawValue
      for (key, value) in zip(
        Annotation.readerKeys, ["0", functionConfig.path, "0", functionConfig.path, style])
      {
        resource.setAnnotation(key, value)
      }
      var text = YAMLEmitter(sequenceIndent: .compact).emit(resource.document)
      if text.last == 0x0A { text.removeLast() }
      out.append(contentsOf: shift(text[...], by: 2, firstLine: true))
      out.append(0x0A)
    }
    return out
  }

  /// A ResourceList of documents in memory, in kpt's form for items a function returned
  /// (compact sequences, a document's head comment above its dash); an item with `verbatim`
  /// text (already indented as an item, starting with `- `) is copied as it is.
  public static func encode(
    items: [YAMLDocument], verbatim: [[UInt8]?] = [], functionConfig: YAMLDocument? = nil
  ) -> [UInt8] {
    var out: [UInt8] = []
    out.append(contentsOf: "apiVersion: \(apiVersion)\nkind: \(kind)\n".utf8)
    out.append(contentsOf: (items.isEmpty ? "items: []\n" : "items:\n").utf8)
    let emitter = YAMLEmitter(sequenceIndent: .compact)
    for (i, document) in items.enumerated() {
      if i < verbatim.count, let text = verbatim[i] {
        out.append(contentsOf: text)
      } else {
        emitter.emitItem(document, indent: 0, headBeforeDash: true, into: &out)
      }
    }
    if let functionConfig {
      out.append(contentsOf: "functionConfig:\n".utf8)
      var text = emitter.emit(functionConfig)
      if text.last == 0x0A { text.removeLast() }
      out.append(contentsOf: shift(text[...], by: 2, firstLine: true))
      out.append(0x0A)
    }
    return out
  }

  /// Plain `---`-separated documents (kpt's `unwrap` output).
  public static func unwrap(_ documents: [YAMLDocument]) -> [UInt8] {
    var out: [UInt8] = []
    for (i, document) in documents.enumerated() {
      if i > 0 { out.append(contentsOf: "---\n".utf8) }
      out.append(contentsOf: document.text())
    }
    return out
  }

  /// The ResourceList items of one file's documents.
  static func items(of file: PackageFile) -> [UInt8] {
    var out: [UInt8] = []
    let documents = file.yaml.documents
    for (i, document) in documents.enumerated() {
      let place = DocumentPlace(
        path: file.path, index: i, count: documents.count,
        leading: i == 0 ? file.yaml.leading : file.yaml.separators[i], trailing: file.yaml.trailing)
      item(document, place, fileBytes: { file.yaml.bytes() }, into: &out)
    }
    return out
  }

  /// Where a document stands in its file, for its annotations.
  struct DocumentPlace {
    var path: String
    var index: Int
    /// How many documents the file has.
    var count: Int
    /// The text before the document.
    var leading: [UInt8]
    /// The text after the file's last document.
    var trailing: [UInt8]

    var isDefaultLeading: Bool { leading == (index == 0 ? [] : YAMLFile.defaultSeparator) }
  }

  /// The reader annotations of a document at `place`, in kpt's order.
  static func annotations(_ document: YAMLDocument, _ place: DocumentPlace) -> [(
    String, String, YAMLScalarStyle
  )] {
    var annotations: [(String, String, YAMLScalarStyle)] = [
      (Annotation.index, String(place.index), .singleQuoted),
      (Annotation.path, place.path, .singleQuoted),
      (Annotation.internalIndex, String(place.index), .singleQuoted),
      (Annotation.internalPath, place.path, .singleQuoted),
      (Annotation.seqIndent, document.sequenceIndent.rawValue, .singleQuoted),
    ]
    if !place.isDefaultLeading {
      annotations.append(
        (Annotation.leading, String(decoding: place.leading, as: UTF8.self), .doubleQuoted))
    }
    if place.index == place.count - 1 && place.trailing != YAMLFile.defaultTrailing {
      annotations.append(
        (Annotation.trailing, String(decoding: place.trailing, as: UTF8.self), .doubleQuoted))
    }
    return annotations
  }

  /// The ResourceList item of one document; `fileBytes` gives the file's bytes (read for a
  /// `.json` file only).
  static func item(
    _ document: YAMLDocument, _ place: DocumentPlace, fileBytes: () -> [UInt8],
    into out: inout [UInt8]
  ) {
    let emitter = YAMLEmitter(sequenceIndent: .compact)
    var annotations = annotations(document, place)
    // A compact document's own text, indented, is exactly what kpt's emitter would print when
    // the document is canonical, and the lossless form when it is not; a wide one in canonical
    // form must be re-emitted compact, as kpt does.
    // A JSON file kpt would not write back in its own layout travels as its own text, and so
    // does any document in flow style (kpt would reformat it).
    let isJSONFile = place.path.hasSuffix(".json") && place.count == 1
    let isOwnJSON =
      isJSONFile && !document.isModified && fileBytes() != GoJSON.encode(document.root)
    // (The list's item form has no place for a flow document's own comments.)
    let isOwnFlow =
      !document.isModified && document.root.isFlow
      && (isJSONFile
        ? isOwnJSON
        : !document.isInCanonicalForm || !document.headComments.isEmpty
          || !document.footComments.isEmpty)
    if isOwnFlow, let text = verbatimFlowItem(document, annotations: annotations) {
      out.append(contentsOf: text)
      return
    }
    if isOwnJSON {
      annotations.append((Annotation.json, FlowSplice.verbatim.rawValue, .singleQuoted))
    }
    // A wide document is carried compact, its own text with its sequences moved
    // (`SequenceIndentText`): what the emitter writes when the document is canonical.
    if !document.isModified, document.sequenceIndent == .wide, !isOwnJSON,
      let original = document.originalText,
      let text = compactItem(original, line: document.line, place)
    {
      out.append(contentsOf: text)
      return
    }
    if !document.isModified
      && (document.sequenceIndent == .compact || !document.isInCanonicalForm),
      let text = verbatimItem(document, annotations: annotations)
    {
      out.append(contentsOf: text)
      return
    }
    if !document.isModified, document.root.isSequence,
      document.sequenceIndent == .compact || !document.isInCanonicalForm,
      let text = bareSequenceItem(document, annotations: annotations)
    {
      out.append(contentsOf: text)
      return
    }
    var resource = Resource(document: document)
    if resource.document.root.isSequence {
      resource.document.root = .mapping([
        YAMLEntry(key: .scalar(bareSequenceKey), value: resource.document.root)
      ])
    }
    for (key, value, style) in annotations {
      resource.setAnnotation(key, value, style: style)
    }
    var emitted: [UInt8] = []
    emitter.emitItem(resource.document, indent: 0, into: &emitted)
    // A wide document the emitter carries compact must come back as it was when `fn sink` moves
    // it wide again: a comment the emitter places apart from the lines `fn sink` moves (one after
    // a block scalar that ends a sequence, say) would not. Its own text travels instead.
    if !document.isModified, document.sequenceIndent == .wide, document.root.isMapping,
      let original = document.originalText, !comesBack(emitted, as: original),
      let text = verbatimItem(document, annotations: annotations)
    {
      out.append(contentsOf: text)
      return
    }
    out.append(contentsOf: emitted)
  }

  /// Whether a list item, read back as `fn sink` reads it, gives the text `original`.
  static func comesBack(_ item: [UInt8], as original: ArraySlice<UInt8>) -> Bool {
    guard let entries = try? read(header(itemCount: 1) + item, name: "item"), entries.count == 1
    else { return false }
    return withoutFinalLineBreak(entries[0].text).elementsEqual(original)
  }

  /// Where entries are added to a flow mapping whose closing brace is at `closing`: just after its
  /// last entry, where `fn sink` takes them out from, or at the brace when it has none.
  static func flowInsertion(_ mapping: YAMLNode, closing: Int) -> Int {
    guard let last = mapping.entries.last,
      let end = last.value.span?.upperBound ?? last.key.span?.upperBound, end <= closing
    else { return closing }
    return end
  }

  /// The document's own text with the annotations spliced into its block `metadata`, indented as
  /// a sequence item; nil when the document's shape needs the emitter instead.
  static func verbatimItem(
    _ document: YAMLDocument, annotations: [(String, String, YAMLScalarStyle)]
  ) -> [UInt8]? {
    guard let text = document.originalText, let rootSpan = document.root.span else { return nil }
    let root = document.root
    guard root.isMapping, !root.isFlow, !root.entries.isEmpty,
      text.startIndex <= rootSpan.lowerBound,
      rootSpan.upperBound <= text.endIndex
    else { return nil }
    // Inserted lines end as the line they follow does (at the end of the text, as the first
    // line does): `fn sink` takes out whole lines, and what stays must be what was there.
    let firstBreak = text.firstIndex(of: 0x0A)
    let firstIsCRLF = firstBreak.map { $0 > text.startIndex && text[$0 - 1] == 0x0D } == true
    var lineBreak: [UInt8] = firstIsCRLF ? [0x0D, 0x0A] : [0x0A]
    func useLineBreak(at offset: Int) {
      guard offset < text.endIndex else { return }
      lineBreak = text[offset] == 0x0D ? [0x0D, 0x0A] : [0x0A]
    }
    func column(_ offset: Int) -> Int {
      let offset = min(max(offset, text.startIndex), text.endIndex)
      var i = offset
      while i > text.startIndex && text[i - 1] != 0x0A { i -= 1 }
      return offset - i
    }
    func lineEnd(_ offset: Int) -> Int {
      var i = min(max(offset, text.startIndex), text.endIndex)
      while i < text.endIndex && text[i] != 0x0A { i += 1 }
      if i > text.startIndex && i <= text.endIndex && text[i - 1] == 0x0D && i - 1 >= offset {
        return i - 1
      }
      return i
    }
    func entryLines(_ indent: Int) -> [UInt8] {
      var lines: [UInt8] = []
      for (key, value, style) in annotations {
        lines.append(contentsOf: lineBreak)
        lines.append(contentsOf: repeatElement(0x20, count: indent))
        lines.append(
          contentsOf: (key + ": " + ScalarFormatter.format(value, style: style, indent: indent))
            .utf8)
      }
      return lines
    }
    let rootColumn = column(rootSpan.lowerBound)
    var insertAt: Int
    var insertion: [UInt8] = []
    if let metadata = root["metadata"], metadata.isMapping, metadata.isFlow {
      // kpt adds `annotations: {...}` at the end of a flow `metadata`.
      guard metadata["annotations"] == nil, let span = metadata.span, span.count >= 2,
        text.indices.contains(span.upperBound - 1), text[span.upperBound - 1] == UInt8(ascii: "}")
      else { return nil }
      // Just after the last entry (a line break before the brace stays where it was: `fn sink`
      // takes out from there), or before the brace of an empty one.
      insertAt = Self.flowInsertion(metadata, closing: span.upperBound - 1)
      let added = annotations.map { key, value, style in
        key + ": " + ScalarFormatter.format(value, style: style, indent: 0)
      }.joined(separator: ", ")
      insertion = Array(
        ((metadata.entries.isEmpty ? "" : ", ") + "annotations: {" + added + "}").utf8)
    } else if let metadata = root["metadata"] {
      guard metadata.isMapping, !metadata.isFlow, !metadata.entries.isEmpty,
        let metadataSpan = metadata.span
      else { return nil }
      let metadataColumn = column(metadataSpan.lowerBound)
      if let existing = metadata["annotations"] {
        guard existing.isMapping, let span = existing.span else { return nil }
        let keys = Set(existing.keys)
        guard !annotations.contains(where: { keys.contains($0.0) }) else { return nil }
        if existing.isFlow {
          // kpt adds to a flow mapping in flow style, before its closing brace.
          guard span.upperBound > span.lowerBound, text.indices.contains(span.upperBound - 1),
            text[span.upperBound - 1] == UInt8(ascii: "}")
          else { return nil }
          insertAt = Self.flowInsertion(existing, closing: span.upperBound - 1)
          let added = annotations.map { key, value, style in
            key + ": " + ScalarFormatter.format(value, style: style, indent: 0)
          }.joined(separator: ", ")
          insertion = Array(((existing.entries.isEmpty ? "" : ", ") + added).utf8)
        } else {
          guard !existing.entries.isEmpty else { return nil }
          insertAt = lineEnd(span.upperBound)
          useLineBreak(at: insertAt)
          insertion = entryLines(column(span.lowerBound))
        }
      } else {
        let step = metadataColumn - rootColumn
        guard step > 0 else { return nil }
        insertAt = lineEnd(metadataSpan.upperBound)
        useLineBreak(at: insertAt)
        insertion =
          lineBreak + Array(repeatElement(0x20, count: metadataColumn)) + Array("annotations:".utf8)
        insertion += entryLines(metadataColumn + step)
      }
    } else {
      insertAt = lineEnd(rootSpan.upperBound)
      useLineBreak(at: insertAt)
      insertion =
        lineBreak + Array(repeatElement(0x20, count: rootColumn)) + Array("metadata:".utf8)
      insertion +=
        lineBreak + Array(repeatElement(0x20, count: rootColumn + 2)) + Array("annotations:".utf8)
      insertion += entryLines(rootColumn + 4)
    }
    var spliced: [UInt8] = []
    spliced.reserveCapacity(text.count + insertion.count)
    spliced.append(contentsOf: text[text.startIndex..<insertAt])
    spliced.append(contentsOf: insertion)
    spliced.append(contentsOf: text[insertAt...])
    var out: [UInt8] = [UInt8(ascii: "-"), 0x20]
    out.append(contentsOf: shift(spliced[...], by: 2, firstLine: false))
    out.append(0x0A)
    return out
  }

  /// Indents every non-empty line after the first (and the first too when asked) by `by` spaces.
  static func shift(_ text: ArraySlice<UInt8>, by count: Int, firstLine: Bool) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.count + text.count / 16)
    // A line at a time: the list's text is most of what fn source writes.
    var lineStart = text.startIndex
    var indents = firstLine
    while lineStart < text.endIndex {
      let lineEnd = text[lineStart...].firstIndex(of: 0x0A).map { $0 + 1 } ?? text.endIndex
      if indents && text[lineStart] != 0x0A && text[lineStart] != 0x0D {
        out.append(contentsOf: repeatElement(0x20, count: count))
      }
      out.append(contentsOf: text[lineStart..<lineEnd])
      indents = true
      lineStart = lineEnd
    }
    return out
  }
}
