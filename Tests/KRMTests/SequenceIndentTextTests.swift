import Foundation
import Testing

@testable import KRM

private let shared: String = {
  if let path = ProcessInfo.processInfo.environment["STOOP_SHARED"] { return path }
  return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared").path
}()

/// Wide documents with sequences in every place the emitter treats apart: head comments of the
/// first item, nested sequences, literal blocks, flow collections, sequences under a dash.
private let wideDocuments = [
  """
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
  spec:
    # before list
    list:
      # head of first
      - a # line
      # between
      - b
      - name: x
        inner:
          - 1
          - 2
      - |
        literal
        text
      - {flow: [1, 2]}
    other: [x, y]
    deep:
      - - 1
  """,
  """
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    template:
      spec:
        containers:
          - name: main
            args:
              - --port
              - "8080"
            env:
              - name: A
                value: >-
                  folded
                  text
  """,
  """
  apiVersion: v1
  kind: List
  items:
    - kind: A
      list:
        - x
        # foot of inner
      # after inner
    # foot of list
  # after list
  other: 1
  """,
]

private func check(_ text: [UInt8], name: String) throws -> Bool {
  let file = try YAMLFile(parsing: text, name: name)
  guard file.documents.count == 1, let original = file.documents[0].originalText,
    file.documents[0].sequenceIndent == .wide
  else { return false }
  let document = file.documents[0]
  guard let compact = SequenceIndentText.convert(Array(original), to: .compact) else {
    return false
  }
  // Back again: the same bytes.
  #expect(SequenceIndentText.convert(compact.text, to: .wide)?.text == Array(original), "\(name)")
  // The same tree, and for a canonical document what the emitter writes compact.
  let reread = try YAMLFile(parsing: compact.text, name: name)
  #expect(reread.documents.count == 1, "\(name)")
  if document.isInCanonicalForm {
    let emitted = YAMLEmitter(sequenceIndent: .compact).emit(document)
    #expect(
      String(decoding: compact.text + [0x0A], as: UTF8.self)
        == String(decoding: emitted, as: UTF8.self), "\(name)")
  }
  return true
}

@Test func wideDocumentsMoveToCompactAsTheEmitterWritesThemAndBack() throws {
  var converted = 0
  for (i, text) in wideDocuments.enumerated() {
    if try check(Array(text.utf8), name: "document \(i)") { converted += 1 }
  }
  // The first has a sequence directly in a sequence: the emitter's way.
  #expect(converted == 2)
}

@Test func everyWideDocumentInTheSharedCorpusConvertsAsTheEmitterWrites() throws {
  let root = URL(fileURLWithPath: shared).resolvingSymlinksInPath().path
  let enumerator = FileManager.default.enumerator(atPath: root)
  var converted = 0
  while let path = enumerator?.nextObject() as? String {
    guard path.hasSuffix(".yaml") || path.hasSuffix("Kptfile") else { continue }
    guard let data = FileManager.default.contents(atPath: root + "/" + path),
      let file = try? YAMLFile(parsing: Array(data), name: path)
    else { continue }
    for document in file.documents {
      guard let text = document.originalText else { continue }
      if try check(Array(text), name: path) { converted += 1 }
    }
  }
  #expect(converted >= 20)
}

@Test func aSequenceNotInTheOtherFormIsLeftToTheEmitter() {
  // Mixed: the second sequence is already compact.
  let mixed = "a:\n  - 1\nb:\n- 2\n"
  #expect(SequenceIndentText.convert(Array(mixed.utf8), to: .compact) == nil)
  // A comment the move would take past column 0.
  let shallow = "a:\n  - 1\n# here\n  - 2\n"
  #expect(SequenceIndentText.convert(Array(shallow.utf8), to: .compact) == nil)
  // A document without sequences has nothing to move.
  #expect(SequenceIndentText.convert(Array("a: 1\n".utf8), to: .wide) == nil)
}

/// Every wide document here and in ../shared whose move the plan calls safe: the outline carried
/// over to the moved text (spans moved with their lines) is the one a second reading gives.
@Test func aSafeMoveCarriesTheOutlineOverAsASecondReadingGivesIt() throws {
  var texts = wideDocuments.map { Array($0.utf8) }
  let root = URL(fileURLWithPath: shared).resolvingSymlinksInPath().path
  let enumerator = FileManager.default.enumerator(atPath: root)
  while let path = enumerator?.nextObject() as? String {
    guard path.hasSuffix(".yaml"),
      let data = FileManager.default.contents(atPath: root + "/" + path),
      let file = try? YAMLFile(parsing: Array(data), name: path)
    else { continue }
    for document in file.documents where document.sequenceIndent == .wide {
      if let text = document.originalText { texts.append(Array(text)) }
    }
  }
  var safe = 0
  for text in texts {
    guard let outline = YAMLOutline(text, maxDepth: YAMLParser.maxDepth),
      outline.documents.count == 1
    else { continue }
    let top = outline.documents[0].root
    guard let plan = SequenceIndentText.plan(text[...], outline, root: top, to: .compact),
      plan.isSafe,
      let moved = SequenceIndentText.convert(text[...], outline, root: top, to: .compact)
    else { continue }
    let reread = try #require(YAMLOutline(moved.text, maxDepth: YAMLParser.maxDepth))
    let name = String(decoding: text.prefix(60), as: UTF8.self)
    #expect(reread.nodes.count == moved.outline.nodes.count, "\(name)")
    for (a, b) in zip(reread.nodes, moved.outline.nodes) {
      #expect(
        a.kind == b.kind && a.isFlow == b.isFlow && a.style == b.style && a.span == b.span
          && a.end == b.end && a.value == b.value, "\(name)")
    }
    safe += 1
  }
  #expect(safe >= 20)
}

/// A move through the lines of one node (a quoted or block scalar over lines, a flow collection
/// over lines) or of an explicit key is not called safe: the moved text is read again.
@Test func aMoveThroughOneNodesLinesIsReadAgain() throws {
  let cases: [(String, Bool)] = [
    ("a:\n  - x\n  - y\n", true),
    ("a:\n  - \"x\n    y\"\n", false),
    ("a:\n  - |\n    text\n", false),
    ("a:\n  - [1,\n    2]\n", false),
    ("? a\n:\n    - 1\n", false),
    // A node over lines outside every moved line does not matter.
    ("b: |\n  text\na:\n  - x\n", true),
  ]
  for (text, isSafe) in cases {
    let bytes = Array(text.utf8)
    let outline = try #require(YAMLOutline(bytes, maxDepth: YAMLParser.maxDepth), "\(text)")
    let plan = try #require(
      SequenceIndentText.plan(bytes[...], outline, root: outline.documents[0].root, to: .compact),
      "\(text)")
    #expect(plan.isSafe == isSafe, "\(text)")
    // Either way the result reads as the same nodes, or there is none.
    if let moved = SequenceIndentText.convert(bytes, to: .compact) {
      let reread = try #require(YAMLOutline(moved.text, maxDepth: YAMLParser.maxDepth))
      #expect(reread.nodes.map(\.value) == outline.nodes.map(\.value), "\(text)")
    }
  }
}
