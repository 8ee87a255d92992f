import Foundation
import Testing

@testable import KRM

private let shared: String = {
  if let path = ProcessInfo.processInfo.environment["STOOP_SHARED"] { return path }
  return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared").path
}()

private func kptfile(_ text: String) throws -> Kptfile {
  Kptfile(document: try YAMLFile(parsing: Array(text.utf8), name: "Kptfile").documents[0])
}

/// Unknown fields and wrong shapes, with the lines kpt 1.0.0-beta.56 reports for this file.
private let invalid = """
  apiVersion: kpt.dev/v1
  kind: Kptfile
  metadata:
    name: kv
    foo: 1
  bar: 2
  upstream:
    type: git
    git: {repo: x, nope: 1}
  info:
    keywords: foo
    readinessGates:
    - x5: 1
  pipeline:
    mutators:
      - image: x
        zed: 1
        selectors: [{x7: 1}]
        configMap: {a: [1]}
  status:
    conditions:
    - x10: 1
      status: {}

  """

private let kptsProblems = [
  "line 5: field foo not found in type yaml.ObjectMeta",
  "line 6: field bar not found in type v1.KptFile",
  "line 9: field nope not found in type v1.Git",
  "line 11: cannot unmarshal !!str `foo` into []string",
  "line 13: field x5 not found in type v1.ReadinessGate",
  "line 17: field zed not found in type v1.Function",
  "line 18: field x7 not found in type v1.Selector",
  "line 19: cannot unmarshal !!seq into string",
  "line 22: field x10 not found in type v1.Condition",
  "line 23: cannot unmarshal !!map into v1.ConditionStatus",
]

@Test func strictValidationNamesLinesAndGoTypesAsKptDoes() throws {
  #expect(try kptfile(invalid).problems == kptsProblems)
  #expect(throws: KRMError.invalidKptfile(file: "pkg/Kptfile", problems: kptsProblems)) {
    try Kptfile.parse(Array(invalid.utf8), file: "pkg/Kptfile")
  }
}

@Test func validationAgreesWithKptWhenInstalled() throws {
  guard
    FileManager.default.isExecutableFile(atPath: "/usr/bin/kpt")
      || ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").contains(where: {
        FileManager.default.isExecutableFile(atPath: "\($0)/kpt")
      }) == true
  else { return }
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kptfile-\(UUID())")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: dir) }
  try invalid.write(to: dir.appendingPathComponent("Kptfile"), atomically: false, encoding: .utf8)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["kpt", "fn", "render", dir.path]
  let pipe = Pipe()
  process.standardError = pipe
  process.standardOutput = FileHandle.nullDevice
  try process.run()
  let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    .filter { $0.hasPrefix("line ") }
  #expect(lines == kptsProblems)
}

@Test func versionsOtherThanV1AreRefusedBeforeDecoding() throws {
  let old = try kptfile(
    "apiVersion: kpt.dev/v1alpha2\nkind: Kptfile\nmetadata:\n  name: x\nbogus: 1\n")
  #expect(old.problems.count == 1)
  #expect(old.problems[0].hasPrefix("old version (\"v1alpha2\") of the Kptfile schema"))
  let unknown = try kptfile("apiVersion: kpt.dev/v2\nkind: Kptfile\n")
  #expect(
    unknown.problems == [
      "unknown resource type (\"kpt.dev/v2, Kind=Kptfile\"); a Kptfile has apiVersion kpt.dev/v1 and kind Kptfile"
    ])
}

@Test func everyV1KptfileInTheSharedCorpusIsValid() throws {
  // The checkout's ../shared may be a symbolic link: walk what it points at.
  let root = URL(fileURLWithPath: shared).resolvingSymlinksInPath().path
  let enumerator = FileManager.default.enumerator(atPath: root)
  var checked = 0
  while let path = enumerator?.nextObject() as? String {
    guard path.hasSuffix("/Kptfile") || path == "Kptfile" else { continue }
    // kpt's own update test data keeps Kptfiles of older layouts that kpt's strict decoding
    // refuses too (`upstream.git.commit`); one of them is checked below.
    if path.hasPrefix("conformance/kpt-update/") { continue }
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + path)))
    guard let kptfile = try? Kptfile(document: YAMLFile(parsing: bytes, name: path).documents[0])
    else { continue }
    let isV1 = kptfile.document.root["apiVersion"]?.string == Kptfile.apiVersion
    #expect(kptfile.problems.isEmpty == isV1, "\(path): \(kptfile.problems)")
    checked += 1
  }
  #expect(checked >= 40)
  let older =
    root
    + "/conformance/kpt-update/src/kpt56/internal/testutil/testdata/updateMergeConflict/Kptfile"
  if let bytes = FileManager.default.contents(atPath: older) {
    let kptfile = Kptfile(
      document: try YAMLFile(parsing: Array(bytes), name: "Kptfile").documents[0])
    #expect(kptfile.problems == ["line 8: field commit not found in type v1.Git"])
  }
}

@Test func unchangedKptfileIsWrittenBackByteForByte() throws {
  let text =
    "# pkg\napiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: # meta\n  name: a\ninfo:\n  description: 'x'  # why\n"
  let file = try kptfile(text)
  #expect(String(decoding: file.bytes(), as: UTF8.self) == text)
  var same = file
  same.description = "x"
  same.name = "a"
  #expect(!same.document.isModified)
}

@Test func editsKeepCommentsAndPlaceNewFieldsInSchemaOrder() throws {
  var file = try kptfile(
    """
    # Blueprint for the web tier.
    apiVersion: kpt.dev/v1
    kind: Kptfile
    metadata:
      name: web # the package name
    # Where it came from
    info:
      description: web tier
    pipeline:
      mutators:
        - image: set-labels:v0.1  # labels
    """)
  file.name = "web-prod"
  file.upstream = Upstream(repo: "https://example.com/blueprints", directory: "/web", ref: "v1")
  file.upstreamLock = UpstreamLock(
    repo: "https://example.com/blueprints", directory: "/web", ref: "v1",
    commit: "0123456789abcdef0123456789abcdef01234567")
  file.readinessGates = ["Ready"]
  file.conditions = [KptCondition(type: "Ready", status: "True")]
  let text = String(decoding: file.bytes(), as: UTF8.self)
  #expect(
    text == """
      # Blueprint for the web tier.
      apiVersion: kpt.dev/v1
      kind: Kptfile
      metadata:
        name: web-prod # the package name
      upstream:
        type: git
        git:
          repo: https://example.com/blueprints
          directory: /web
          ref: v1
      upstreamLock:
        type: git
        git:
          repo: https://example.com/blueprints
          directory: /web
          ref: v1
          commit: 0123456789abcdef0123456789abcdef01234567
      # Where it came from
      info:
        description: web tier
        readinessGates:
          - conditionType: Ready
      pipeline:
        mutators:
          - image: set-labels:v0.1 # labels
      status:
        conditions:
          - type: Ready
            status: "True"

      """)
  let reparsed = try Kptfile.parse(Array(text.utf8), file: "Kptfile")
  #expect(reparsed.upstream?.ref == "v1")
  #expect(reparsed.upstreamLock?.commit == "0123456789abcdef0123456789abcdef01234567")
  #expect(reparsed.mutators.map(\.image) == ["set-labels:v0.1"])
  #expect(reparsed.conditions == [KptCondition(type: "Ready", status: "True")])

  var cleared = reparsed
  cleared.upstream = nil
  cleared.conditions = []
  let after = String(decoding: cleared.bytes(), as: UTF8.self)
  #expect(!after.contains("upstream:\n") && !after.contains("status:"))
  #expect(after.contains("upstreamLock:"))
}

@Test func newKptfileIsMinimal() {
  #expect(
    String(decoding: Kptfile(name: "app").bytes(), as: UTF8.self)
      == "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\n")
}
