import Foundation
import KRM
import Testing

@testable import CaD

/// `../shared` beside the checkout (or `$STOOP_SHARED`).
let sharedDirectory: String = {
  if let path = ProcessInfo.processInfo.environment["STOOP_SHARED"] { return path }
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  return root.deletingLastPathComponent().appendingPathComponent("shared").path
}()

/// Every directory under `root` that holds a resource file, as a package to round-trip.
func packageDirectories(under root: String) -> [String] {
  var result: [String] = []
  guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
  var seen = Set<String>()
  while let relative = walker.nextObject() as? String {
    guard PackageReader.isResourceFile((relative as NSString).lastPathComponent),
      !relative.contains("/.expected/")
    else { continue }
    let directory = (root + "/" + relative as NSString).deletingLastPathComponent
    if seen.insert(directory).inserted { result.append(directory) }
  }
  return result.sorted()
}

/// Source then sink in memory; every resource file must come back with the same bytes.
func assertRoundTrip(_ directory: String) throws {
  let list = try Source.run(directory: directory)
  let written = try Sink.files(from: list)
  let originals = try PackageReader(directory: directory).read()
  var byPath: [String: [UInt8]] = [:]
  for file in written { byPath[file.path] = file.bytes }
  for file in originals where !file.yaml.documents.isEmpty {
    let original = FileManager.default.contents(atPath: directory + "/" + file.path).map(Array.init)
    #expect(byPath[file.path] == original, "\(directory)/\(file.path)")
  }
}

@Test func everyConformancePackageRoundTripsByteForByte() throws {
  let directories = packageDirectories(under: sharedDirectory + "/conformance")
  #expect(directories.count > 50)
  for directory in directories {
    // A directory whose YAML is malformed on purpose is checked by the error tests.
    guard (try? PackageReader(directory: directory).read()) != nil else { continue }
    try assertRoundTrip(directory)
  }
}

@Test func generatedPackageRoundTripsByteForByte() throws {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "stoop-gen-\(UUID().uuidString)"
  ).path
  defer { try? FileManager.default.removeItem(atPath: directory) }
  let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
      "bench/genpkg.py")
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", script.path, directory, "600"]
  try process.run()
  process.waitUntilExit()
  #expect(process.terminationStatus == 0)
  try assertRoundTrip(directory)
}

@Test func krmignoreHidesFilesOfItsOwnPackageOnly() throws {
  let root = FileManager.default.temporaryDirectory.appendingPathComponent(
    "stoop-ignore-\(UUID().uuidString)")
  defer { try? FileManager.default.removeItem(at: root) }
  let files = [
    "Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\n",
    ".krmignore": ".expected\nskip.yaml\n",
    "skip.yaml": "a: 1\n",
    "keep.yaml": "a: 2\n",
    ".expected/x.yaml": "a: 3\n",
    "sub/Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: sub\n",
    "sub/skip.yaml": "a: 4\n",
  ]
  for (path, text) in files {
    let url = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }
  let paths = try PackageReader(directory: root.path).read().map(\.path)
  #expect(paths == ["Kptfile", "keep.yaml", "sub/Kptfile", "sub/skip.yaml"])
  // Held in memory (as read from git), the same files in the same order.
  let inMemory = PackageReader.readEach(
    files: files.mapValues { Array($0.utf8) }, display: "p"
  ).map(\.path)
  #expect(inMemory == paths)
}

/// The in-memory reader finds what the directory reader finds, in the same order, for every
/// conformance package (nested packages, .krmignore, names that sort around `/`).
@Test func readingFromMemoryMatchesReadingTheDirectory() throws {
  for directory in packageDirectories(under: sharedDirectory + "/conformance") {
    let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath()
    guard let walker = FileManager.default.enumerator(atPath: root.path) else { continue }
    var files: [String: [UInt8]] = [:]
    var linked = false
    while let relative = walker.nextObject() as? String {
      let path = root.path + "/" + relative
      var isDirectory: ObjCBool = false
      if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil {
        linked = true
      }
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
        !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path)
      {
        files[relative] = Array(data)
      }
    }
    // Symbolic links have rules of their own on disk; git holds none in a package.
    guard !linked, let onDisk = try? PackageReader(directory: root.path).readEach() else {
      continue
    }
    #expect(
      PackageReader.readEach(files: files, display: root.path).map(\.path)
        == onDisk.map(\.path), "\(directory)")
  }
}

@Test func sinkRefusesANonEmptyDirectoryAndWritesNothingOnBadInput() throws {
  let root = FileManager.default.temporaryDirectory.appendingPathComponent(
    "stoop-sink-\(UUID().uuidString)")
  defer { try? FileManager.default.removeItem(at: root) }
  try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  try Data("x".utf8).write(to: root.appendingPathComponent("existing"))
  let list = Array("apiVersion: v1\nkind: A\nmetadata:\n  name: a\n".utf8)
  #expect(throws: PackageError.targetNotEmpty(path: root.path)) {
    try Sink.run(input: list, directory: root.path)
  }
  let target = root.appendingPathComponent("out").path
  let escaping = Array(
    "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  annotations:\n    config.kubernetes.io/path: ../a.yaml\n"
      .utf8)
  #expect(throws: PackageError.yaml(.pathEscapesPackage(path: "../a.yaml"))) {
    try Sink.run(input: escaping, directory: target)
  }
  #expect(!FileManager.default.fileExists(atPath: target))
}

@Test func jsonFilesRoundTripAndKptsLayoutStaysKpts() throws {
  let root = FileManager.default.temporaryDirectory.appendingPathComponent(
    "stoop-json-\(UUID().uuidString)")
  defer { try? FileManager.default.removeItem(at: root) }
  // Go's indented layout (what kpt writes), one line, and two hand-written layouts.
  let goLayout =
    "{\n  \"apiVersion\": \"v1\",\n  \"data\": {\n    \"a\": \"1\"\n  },\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\n    \"name\": \"go\"\n  }\n}\n"
  let files = [
    "go.json": goLayout,
    "line.json":
      "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"line\"}}\n",
    "hand.json":
      "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"hand\"},\n  \"data\": {\"n\": 1}\n}\n",
    "deep.json":
      "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\n    \"name\": \"deep\",\n    \"labels\": {\"x\": \"y\"}\n  },\n  \"data\": {\"b\": true, \"z\": null}\n}",
  ]
  for (path, text) in files {
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    try text.write(to: root.appendingPathComponent(path), atomically: false, encoding: .utf8)
  }
  try assertRoundTrip(root.path)

  let list = String(decoding: try Source.run(directory: root.path), as: UTF8.self)
  // The Go-layout file is listed exactly as kpt lists it; the others carry their own text.
  #expect(
    list.contains(
      "- {\"apiVersion\": \"v1\", \"data\": {\"a\": \"1\"}, \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"go\", annotations: {config.kubernetes.io/index: '0', config.kubernetes.io/path: 'go.json', internal.config.kubernetes.io/index: '0', internal.config.kubernetes.io/path: 'go.json', internal.config.kubernetes.io/seqindent: 'compact'}}}\n"
    ))
  #expect(list.components(separatedBy: "internal.stoop.dev/json: 'verbatim'").count == 4)

  // A one-line item in kpt's form (as another tool would hand it over) is written in Go's layout,
  // with `<` escaped as Go escapes it.
  let written = try Sink.files(
    from: Array(
      """
      apiVersion: config.kubernetes.io/v1
      kind: ResourceList
      items:
      - {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "go", annotations: {config.kubernetes.io/path: 'go.json'}}, "data": {"a": "<1>"}}

      """.utf8))
  #expect(written.count == 1)
  #expect(
    String(decoding: written[0].bytes, as: UTF8.self)
      == goLayout.replacingOccurrences(of: "\"1\"", with: "\"\\u003c1\\u003e\""))
}
