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
