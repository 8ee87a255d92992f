import Testing

@testable import KRM

private func files(_ pairs: [(String, String)]) throws -> [PackageFile] {
  try pairs.map {
    PackageFile(path: $0.0, yaml: try YAMLFile(parsing: Array($0.1.utf8), name: $0.0))
  }
}

private func roundTrip(_ pairs: [(String, String)]) throws -> [String: String] {
  let list = ResourceList.write(files: try files(pairs))
  let entries = try ResourceList.read(list, name: "list")
  var out: [String: [ResourceListEntry]] = [:]
  for entry in entries { out[entry.path ?? "", default: []].append(entry) }
  return out.mapValues { documents in
    var bytes: [UInt8] = []
    for (i, d) in documents.enumerated() {
      bytes += d.leading ?? (i == 0 ? [] : YAMLFile.defaultSeparator)
      bytes += d.text.dropLast()
    }
    bytes += documents.last?.trailing ?? [0x0A]
    return String(decoding: bytes, as: UTF8.self)
  }
}

@Test func readerAnnotationsAreAddedInKptsOrderAndStyle() throws {
  let list = ResourceList.write(
    files: try files([
      ("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app: x\n")
    ]))
  #expect(
    String(decoding: list, as: UTF8.self) == """
      apiVersion: config.kubernetes.io/v1
      kind: ResourceList
      items:
      - apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
          labels:
            app: x
          annotations:
            config.kubernetes.io/index: '0'
            config.kubernetes.io/path: 'cm.yaml'
            internal.config.kubernetes.io/index: '0'
            internal.config.kubernetes.io/path: 'cm.yaml'
            internal.config.kubernetes.io/seqindent: 'compact'

      """)
}

@Test func wideDocumentsTravelCompactAndComeBackWide() throws {
  let text =
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n    - port: 80\n"
  let list = String(
    decoding: ResourceList.write(files: try files([("s.yaml", text)])), as: UTF8.self)
  #expect(list.contains("  spec:\n    ports:\n    - port: 80\n"))
  #expect(list.contains("internal.config.kubernetes.io/seqindent: 'wide'"))
  #expect(try roundTrip([("s.yaml", text)]) == ["s.yaml": text])
}

@Test func documentsKptWouldReformatComeBackByteForByte() throws {
  let cases = [
    ("lic.yaml", "# Copyright\n\napiVersion: v1\nkind: A\nmetadata:\n  name: a\n"),
    (
      "ind.yaml",
      "apiVersion: v1\nkind: A\nmetadata:\n    name: b\nspec:\n    list:\n        -   x\n"
    ),
    (
      "sep.yaml",
      "---\napiVersion: v1\nkind: A\nmetadata:\n  name: c\n---   # sep\nkind: B\nmetadata:\n  name: d"
    ),
    ("flow.yaml", "apiVersion: v1\nkind: A\nmetadata: {name: e, annotations: {x: y}}\n"),
    ("noann.yaml", "foo: bar\n"),
    (
      "folded.yaml",
      "apiVersion: v1\nkind: A\nmetadata:\n  name: f\n  annotations:\n    a: >\n      long\n      text\n"
    ),
  ]
  let result = try roundTrip(cases)
  for (path, text) in cases {
    #expect(result[path] == text, "\(path)")
  }
}

@Test func bareSequencesAreWrappedAndUnwrapped() throws {
  let list = String(
    decoding: ResourceList.write(files: try files([("seq.yaml", "- a\n- b\n")])), as: UTF8.self)
  #expect(list.contains("- bareSeqNodeWrappingKey:\n  - a\n  - b\n"))
  #expect(try roundTrip([("seq.yaml", "- a\n- b\n")]) == ["seq.yaml": "- a\n- b\n"])
}

@Test func pathsOutsideThePackageAreRefused() {
  for path in ["../x.yaml", "/etc/x.yaml", "a/../../b.yaml"] {
    #expect(throws: KRMError.pathEscapesPackage(path: path)) {
      try ResourceList.validate(path: path)
    }
  }
  #expect(throws: Never.self) { try ResourceList.validate(path: "a/b.yaml") }
}

@Test func pathsThatLeaveThePackageAreRefusedAsComponentsSay() {
  let paths = [
    "", "/a", "a/", "..", "a/..", "../a", "a/../b", "a/...", "...", "a//b", ".", "a/./b", "..a",
    "a..", ".. ", "a/b/c.yaml", "./a", "a/.", "//", "/",
  ]
  for path in paths {
    let components = path.split(separator: "/", omittingEmptySubsequences: false)
    let escapes =
      path.isEmpty || path.hasPrefix("/") || path.hasSuffix("/") || components.contains("..")
    #expect(((try? ResourceList.validate(path: path)) == nil) == escapes, "\(path)")
  }
}
