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

  /// Parses every document of `bytes`; `name` appears in error messages.
  public init(parsing bytes: [UInt8], name: String) throws(KRMError) {
    self = try YAMLParser(bytes: bytes, name: name).parseFile()
  }

  /// A ResourceList: its items may nest as deep as a file's documents (two levels more).
  public init(parsingResourceList bytes: [UInt8], name: String) throws(KRMError) {
    self = try YAMLParser(bytes: bytes, name: name, maxDepth: YAMLParser.maxDepth + 2).parseFile()
  }

  /// The file's bytes: unchanged documents as they were, changed ones in kpt's style.
  public func bytes() -> [UInt8] {
    var out: [UInt8] = []
    out.append(contentsOf: leading)
    for (i, document) in documents.enumerated() {
      if i > 0 { out.append(contentsOf: separators[i]) }
      var text = document.text()
      text.removeLast()
      out.append(contentsOf: text)
    }
    if !documents.isEmpty { out.append(contentsOf: trailing) }
    return out
  }
}
