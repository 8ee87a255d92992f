import Testing

@testable import KRM

private func parse(_ text: String) throws -> YAMLFile {
  try YAMLFile(parsing: Array(text.utf8), name: "test.yaml")
}

private func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Files with the layouts kpt reformats or drops; each must come back byte for byte.
let layouts: [String] = [
  "# Copyright 2024\n# license\n\n# head\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
  "---\napiVersion: v1\nkind: A\nmetadata:\n  name: a\n...\n---\n# only a comment\n---\nkind: B\n",
  "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: crlf\r\n",
  "a: 1\n\n\nb:    2   \nc: >\n  folded\n  text\n\nd: |+\n  kept\n\n",
  "list:\n    -   port: 80\n        name: x\nno-final-newline: true",
  "metadata: {name: flow, labels: {a: b}}\nanchors:\n  base: &b {x: 1}\n  copy: *b\n",
  "s: !!str 123\nq: 'it''s'\ndq: \"tab\\there\"\nnull1: ~\nempty:\nhex: 0x1F\nyes: yes\n",
  "key: value # trailing\n# foot comment\n",
  "unicode: \"héllo wörld\" # ü\nnext: ok\n",
]

@Test(arguments: layouts)
func unchangedFilesKeepTheirBytes(_ text: String) throws {
  let file = try parse(text)
  #expect(string(file.bytes()) == text)
}

@Test func changedDocumentIsEmittedInKptStyleKeepingComments() throws {
  var file = try parse(
    """
    # head
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: a # the name
    data:
      # about x
      x: "1"
      list:
        - one
        - two

    """)
  file.documents[0].root.set(.scalar("b"), at: ["metadata", "name"])
  file.documents[0].root.set(.scalar("2", style: .doubleQuoted), at: ["data", "z"])
  #expect(
    string(file.bytes()) == """
      # head
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: b # the name
      data:
        # about x
        x: "1"
        list:
          - one
          - two
        z: "2"

      """)
}

@Test func unchangedDocumentsBesideAChangedOneKeepTheirBytes() throws {
  let text = "a:    1\n---\nb: 2\n---\nc:   3\n"
  var file = try parse(text)
  file.documents[1].root.set(.scalar("20"), at: ["b"])
  // A string that reads as a number when plain is quoted to stay a string.
  #expect(string(file.bytes()) == "a:    1\n---\nb: \"20\"\n---\nc:   3\n")
}

@Test func pathsGetSetAndRemove() throws {
  var root = try parse("spec:\n  containers:\n  - name: a\n    image: x\n").documents[0].root
  #expect(root.node(at: ["spec", "containers", "0", "image"])?.string == "x")
  let setImage = root.set(.scalar("y"), at: ["spec", "containers", "0", "image"])
  #expect(setImage)
  #expect(root.node(at: ["spec", "containers", "0", "image"])?.string == "y")
  let setDeep = root.set(.scalar("v"), at: ["spec", "new", "deep"])
  #expect(setDeep)
  #expect(root.node(at: ["spec", "new", "deep"])?.string == "v")
  let removed = root.remove(at: ["spec", "containers", "0", "name"])
  #expect(removed)
  #expect(root.node(at: ["spec", "containers", "0", "name"]) == nil)
  let missing = root.set(.scalar("z"), at: ["spec", "containers", "5", "image"])
  #expect(!missing)
}

@Test func sequenceIndentFollowsKptsDetection() {
  #expect(SequenceIndent.detect(in: Array("a:\n- x\n".utf8)) == .compact)
  #expect(SequenceIndent.detect(in: Array("a:\n  - x\n".utf8)) == .wide)
  #expect(SequenceIndent.detect(in: Array("a:\n    - x\n".utf8)) == .compact)
  #expect(SequenceIndent.detect(in: Array("a: b\n".utf8)) == .compact)
  #expect(SequenceIndent.detect(in: Array("a: # c\n  # c2\n  - x\n".utf8)) == .wide)
}

@Test func wideDocumentsConvertToCompactAndBack() throws {
  let text = "spec:\n  ports:\n    - port: 80\n      name: web\n  list:\n    - a\n"
  let document = try parse(text).documents[0]
  #expect(document.sequenceIndent == .wide)
  #expect(document.isInCanonicalForm)
  let compact = string(document.text(sequenceIndent: .compact))
  #expect(compact == "spec:\n  ports:\n  - port: 80\n    name: web\n  list:\n  - a\n")
  let back = try parse(compact).documents[0]
  #expect(string(back.text(sequenceIndent: .wide)) == text)
}

@Test func malformedYAMLNamesFileAndLine() {
  #expect(throws: KRMError.self) { try parse("a: 1\nb: [\n") }
  do {
    _ = try parse("ok: 1\nbad: : :\n")
    Issue.record("expected an error")
  } catch {
    #expect((error as? KRMError)?.description.hasPrefix("test.yaml:2: invalid YAML") == true)
  }
}

@Test func nonUTF8TextIsRefusedWithItsLine() {
  do {
    _ = try YAMLFile(
      parsing: Array("a: 1\n".utf8) + [0x62, 0x3A, 0x20, 0xFF, 0x0A], name: "x.yaml")
    Issue.record("expected an error")
  } catch {
    #expect(error == .notUTF8(file: "x.yaml", line: 2))
  }
}

@Test func scalarsBuiltInMemoryAreQuotedWhenPlainWouldChangeThem() {
  #expect(ScalarFormatter.format("true", style: .plain, indent: 0) == "\"true\"")
  #expect(ScalarFormatter.format("8080", style: .plain, indent: 0) == "\"8080\"")
  #expect(ScalarFormatter.format("a: b", style: .plain, indent: 0) == "\"a: b\"")
  #expect(ScalarFormatter.format("nginx:1.2", style: .plain, indent: 0) == "nginx:1.2")
  #expect(ScalarFormatter.format("it's", style: .singleQuoted, indent: 0) == "'it''s'")
  #expect(ScalarFormatter.format("x", style: .plain, indent: 0) == "x")
}

/// isIdentical ignores where a node was in its source, and nothing else: the same object after
/// a longer first document is identical; a changed comment, style or value is not.
@Test func identicalNodesIgnoreOnlySourcePositions() throws {
  let object = "kind: ConfigMap\nmetadata:\n  name: a # the name\ndata:\n  k: \"1\"\n"
  let short = try YAMLFile(parsing: Array(("x: 1\n---\n" + object).utf8), name: "a.yaml")
  let long = try YAMLFile(parsing: Array(("x: 1\ny: 2\n---\n" + object).utf8), name: "b.yaml")
  let a = short.documents[1].root
  let b = long.documents[1].root
  #expect(a != b)
  #expect(a.isIdentical(to: b))
  for changed in [
    object.replacingOccurrences(of: "# the name", with: "# a name"),
    object.replacingOccurrences(of: "\"1\"", with: "'1'"),
    object.replacingOccurrences(of: "\"1\"", with: "\"2\""),
  ] {
    let other = try YAMLFile(parsing: Array(changed.utf8), name: "c.yaml").documents[0].root
    #expect(!a.isIdentical(to: other), "\(changed)")
  }
}
