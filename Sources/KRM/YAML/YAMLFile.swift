/// A YAML file as a list of documents plus the text between them.
///
/// kpt joins documents with `---` and drops everything else between them; stoop keeps what was
/// there (a leading `---`, `...` markers, comment-only documents, a missing final line break), so
/// an unchanged file is written back byte for byte.
public struct YAMLFile: Sendable {
  public var documents: [YAMLDocument]
  /// Text before the first document (`""` by default).
  public var leading: [UInt8]
  /// Text between document i-1 and i, for i ≥ 1 (`"\n---\n"` by default); `separators[0]` is unused.
  public var separators: [[UInt8]]
  /// Text after the last document (`"\n"` by default).
  public var trailing: [UInt8]

  public static let defaultSeparator: [UInt8] = Array("\n---\n".utf8)
  public static let defaultTrailing: [UInt8] = [0x0A]

  public init(documents: [YAMLDocument]) {
    self.documents = documents
    self.leading = []
    self.separators = Array(repeating: YAMLFile.defaultSeparator, count: documents.count)
    self.trailing = YAMLFile.defaultTrailing
  }

  init(documents: [YAMLDocument], leading: [UInt8], separators: [[UInt8]], trailing: [UInt8]) {
    self.documents = documents
    self.leading = leading
    self.separators = separators
    self.trailing = trailing
  }

  /// Replaces the documents: `slots` are the parsed documents by position, nil where one was
  /// removed, and `added` come after them. Each kept document keeps the text that stood before
  /// it; added ones are joined with `---`.
  public mutating func replaceDocuments(_ slots: [YAMLDocument?], adding added: [YAMLDocument]) {
    var documents: [YAMLDocument] = []
    var separators: [[UInt8]] = []
    for (i, slot) in slots.enumerated() {
      guard let document = slot else { continue }
      separators.append(
        documents.isEmpty
          ? [] : (i > 0 && i < self.separators.count ? self.separators[i] : Self.defaultSeparator))
      documents.append(document)
    }
    for document in added {
      separators.append(documents.isEmpty ? [] : Self.defaultSeparator)
      documents.append(document)
    }
    self.documents = documents
    self.separators = separators
  }

  /// Parses every document of `bytes`; `name` appears in error messages.
  public init(parsing bytes: [UInt8], name: String) throws(KRMError) {
    self = try YAMLParser(bytes: bytes, name: name).parseFile()
  }

  /// A ResourceList: its items may nest as deep as a file's documents (two levels more).
  public init(parsingResourceList bytes: [UInt8], name: String) throws(KRMError) {
    self = try YAMLParser(bytes: bytes, name: name, maxDepth: YAMLParser.maxDepth + 2).parseFile()
  }

  /// The file's bytes: unchanged documents as they were, changed ones in kpt's style.
  /// `keepingHeadApart`, `keepingHeadBlankLines`: see `YAMLDocument.text`.
  public func bytes(keepingHeadApart: Bool = false, keepingHeadBlankLines: Bool = false)
    -> [UInt8]
  {
    var out: [UInt8] = []
    out.append(contentsOf: leading)
    for (i, document) in documents.enumerated() {
      if i > 0 {
        // Documents added since parsing are joined as kpt joins them.
        let separator = i < separators.count ? separators[i] : Self.defaultSeparator
        out.append(
          contentsOf: documents[i - 1].isModified ? Self.blankLinesEmptied(separator) : separator)
      }
      var text = document.text(
        keepingHeadApart: keepingHeadApart, keepingHeadBlankLines: keepingHeadBlankLines)
      if text.last == 0x0A { text.removeLast() }
      out.append(contentsOf: text)
    }
    if let last = documents.last {
      out.append(contentsOf: last.isModified ? Self.blankLinesEmptied(trailing) : trailing)
    }
    return out
  }

  /// Text after a changed document, with lines of only spaces and tabs emptied: after a plain
  /// scalar libyaml takes a tab-only line as the scalar's, after anything the emitter may have
  /// written instead (a quoted scalar) it refuses the tab.
  static func blankLinesEmptied(_ text: [UInt8]) -> [UInt8] {
    guard text.contains(0x09) else { return text }
    var out: [UInt8] = []
    var line: [UInt8] = []
    for byte in text {
      if byte == 0x0A {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
          line.removeAll { $0 == 0x20 || $0 == 0x09 }
        }
        out.append(contentsOf: line)
        out.append(0x0A)
        line.removeAll()
      } else {
        line.append(byte)
      }
    }
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { line.removeAll() }
    out.append(contentsOf: line)
    return out
  }
}
