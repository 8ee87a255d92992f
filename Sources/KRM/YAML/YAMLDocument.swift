/// One YAML document: its tree, the comments around it, and the exact text it was parsed from.
///
/// A document that nobody changed is written back byte for byte from `originalText`; any change
/// through `root` or the comment properties marks it modified, and it is then emitted in kpt's
/// style (`YAMLEmitter`).
public struct YAMLDocument: Sendable {
  public var root: YAMLNode {
    didSet { isModified = true }
  }
  /// Comment (and blank) lines above the root node.
  public var headComments: [String] {
    didSet { isModified = true }
  }
  /// Comment lines after the root node that no block took as its own.
  public var footComments: [String] {
    didSet { isModified = true }
  }
  public private(set) var isModified: Bool

  /// The document's text in its source, from its first comment or content line to the end of its
  /// last line, without the final line break and without any `---` separator.
  public let originalText: ArraySlice<UInt8>?
  /// Sequence indentation detected on the original text (kpt's rule), or the one to write with.
  public var sequenceIndent: SequenceIndent {
    didSet { if sequenceIndent != oldValue { isModified = true } }
  }
  /// First line of the document in its file (1-based), for messages.
  public let line: Int

  public init(root: YAMLNode, headComments: [String] = [], footComments: [String] = []) {
    self.root = root
    self.headComments = headComments
    self.footComments = footComments
    self.isModified = true
    self.originalText = nil
    self.sequenceIndent = .compact
    self.line = 1
  }

  /// `sequenceIndent`, when the caller has already detected it, saves a scan of the text.
  init(
    parsedRoot: YAMLNode, head: [String], foot: [String], text: ArraySlice<UInt8>, line: Int,
    sequenceIndent: SequenceIndent? = nil
  ) {
    self.root = parsedRoot
    self.headComments = head
    self.footComments = foot
    self.originalText = text
    self.sequenceIndent = sequenceIndent ?? SequenceIndent.detect(in: text)
    self.line = line
    self.isModified = false
  }

  /// The document as it should be written to a file: its original bytes when unchanged, else
  /// emitted in kpt's style with the document's own sequence indentation. Ends with a line break.
  /// `keepingHeadApart`: a head comment set apart from the object by a blank line (a licence
  /// header) stays apart, as kpt's package commands write a file they read directly; kpt's
  /// function path (and the ResourceList form) joins them. `keepingHeadBlankLines`: every run of
  /// blank lines in the head comment stays one blank line.
  public func text(
    sequenceIndent style: SequenceIndent? = nil, keepingHeadApart: Bool = false,
    keepingHeadBlankLines: Bool = false
  )
    -> [UInt8]
  {
    if !isModified, let originalText, style == nil || style == sequenceIndent {
      return Array(originalText) + [0x0A]
    }
    var emitter = YAMLEmitter(sequenceIndent: style ?? sequenceIndent)
    emitter.keepsHeadApart = keepingHeadApart
    emitter.keepsHeadBlankLines = keepingHeadBlankLines
    return emitter.emit(self)
  }

  /// The 1-based line of a node parsed with this document, in its file; the document's first
  /// line for a node built in memory.
  public func line(of node: YAMLNode) -> Int {
    guard let offset = node.span?.lowerBound, let text = originalText, offset >= text.startIndex
    else { return line }
    var line = self.line
    for byte in text[text.startIndex..<min(offset, text.endIndex)] where byte == 0x0A { line += 1 }
    return line
  }

  /// Whether kpt's emitter would write this document exactly as it is in its source, so that a
  /// tool that re-emits it (kpt, or stoop's ResourceList form) loses nothing.
  public var isInCanonicalForm: Bool {
    guard let originalText else { return false }
    let emitted = YAMLEmitter(sequenceIndent: sequenceIndent).emit(self)
    return emitted.count == originalText.count + 1 && emitted.dropLast().elementsEqual(originalText)
  }
}

/// How block sequences are indented under their key: `compact` puts `- ` at the key's column,
/// `wide` two columns deeper.
public enum SequenceIndent: String, Sendable {
  case compact, wide

  /// kpt's detection: the first `- ` line whose nearest preceding non-comment line is a bare
  /// `key:` decides; dash at the key's column is compact, two deeper is wide; otherwise compact.
  public static func detect<C: Collection>(in text: C) -> SequenceIndent
  where C.Element == UInt8, C.Index == Int {
    // (Over the bytes in place where they are contiguous, as an array's are: a scan of every
    // document `fn source` and `fn sink` carry.)
    text.withContiguousStorageIfAvailable { scan($0) } ?? scan(text)
  }

  private static func scan<C: Collection>(_ text: C) -> SequenceIndent
  where C.Element == UInt8, C.Index == Int {
    var previousKeyIndent: Int? = nil
    var lineStart = text.startIndex
    while lineStart < text.endIndex {
      var lineEnd = lineStart
      while lineEnd < text.endIndex && text[lineEnd] != 0x0A { lineEnd += 1 }
      var indent = lineStart
      while indent < lineEnd && text[indent] == 0x20 { indent += 1 }
      let column = indent - lineStart
      if indent < lineEnd {
        let first = text[indent]
        if first == UInt8(ascii: "#") {
          // comments never decide
        } else if first == UInt8(ascii: "-")
          && (indent + 1 == lineEnd || text[indent + 1] == 0x20 || text[indent + 1] == 0x0D)
        {
          if let keyIndent = previousKeyIndent {
            if column == keyIndent { return .compact }
            if column == keyIndent + 2 { return .wide }
          }
          previousKeyIndent = nil
        } else {
          previousKeyIndent = bareKeyIndent(text, from: indent, to: lineEnd) ? column : nil
        }
      }
      lineStart = lineEnd + 1
    }
    return .compact
  }

  /// Whether the line (without a trailing comment) ends in its only `:`.
  private static func bareKeyIndent<C: Collection>(_ text: C, from: Int, to: Int) -> Bool
  where C.Element == UInt8, C.Index == Int {
    var end = to
    var i = from
    while i < to {
      if text[i] == UInt8(ascii: "#") && (i == from || text[i - 1] == 0x20) {
        end = i
        break
      }
      i += 1
    }
    while end > from && (text[end - 1] == 0x20 || text[end - 1] == 0x0D) { end -= 1 }
    guard end > from, text[end - 1] == UInt8(ascii: ":") else { return false }
    var colons = 0
    for j in from..<end where text[j] == UInt8(ascii: ":") { colons += 1 }
    return colons == 1
  }
}
