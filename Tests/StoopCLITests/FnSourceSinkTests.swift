import Foundation
import Testing

/// The built `stoop` binary (`swift build` runs before `swift test` in `make test`).
let stoopBinary: String = {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  return root.appendingPathComponent(".build/debug/stoop").path
}()

let sharedDirectory: String = {
  if let path = ProcessInfo.processInfo.environment["STOOP_SHARED"] { return path }
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  return root.deletingLastPathComponent().appendingPathComponent("shared").path
}()

struct Run {
  var status: Int32
  var stdout: [UInt8]
  var stderr: String
}

/// Runs a program with optional standard input and returns what it printed; the streams go
/// through files, so large outputs cannot block.
func run(
  _ executable: String, _ arguments: [String], input: [UInt8]? = nil,
  environment: [String: String] = [:]
) throws -> Run {
  let scratch = temporaryDirectory("io")
  try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: scratch) }
  let paths = ["in", "out", "err"].map { scratch + "/" + $0 }
  try Data(input ?? []).write(to: URL(fileURLWithPath: paths[0]))
  _ = FileManager.default.createFile(atPath: paths[1], contents: nil)
  _ = FileManager.default.createFile(atPath: paths[2], contents: nil)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if !environment.isEmpty {
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  }
  process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: paths[0]))
  process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: paths[1]))
  process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: paths[2]))
  try process.run()
  process.waitUntilExit()
  let stdout = FileManager.default.contents(atPath: paths[1]) ?? Data()
  let stderr = FileManager.default.contents(atPath: paths[2]) ?? Data()
  return Run(
    status: process.terminationStatus, stdout: Array(stdout),
    stderr: String(decoding: stderr, as: UTF8.self))
}

func temporaryDirectory(_ name: String) -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent(
    "stoop-\(name)-\(UUID().uuidString)"
  ).path
}

/// Every file below `directory`, by relative path.
func tree(_ directory: String) -> [String: Data] {
  var result: [String: Data] = [:]
  guard let walker = FileManager.default.enumerator(atPath: directory) else { return [:] }
  while let relative = walker.nextObject() as? String {
    var isDirectory: ObjCBool = false
    let path = directory + "/" + relative
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      !isDirectory.boolValue
    {
      result[relative] = FileManager.default.contents(atPath: path)
    }
  }
  return result
}

@Test func versionNamesTheLinkedLibraries() throws {
  let result = try run(stoopBinary, ["--version"])
  #expect(result.status == 0)
  #expect(String(decoding: result.stdout, as: UTF8.self).hasPrefix("stoop 0.1.0 (libgit2 "))
}

@Test func sourcePipedIntoSinkReproducesAPackage() throws {
  let package = sharedDirectory + "/conformance/kpt-e2e/fn-render/subpkgs"
  let list = try run(stoopBinary, ["fn", "source", package])
  #expect(list.status == 0)
  let output = temporaryDirectory("sink")
  defer { try? FileManager.default.removeItem(atPath: output) }
  let sink = try run(stoopBinary, ["fn", "sink", output], input: list.stdout)
  #expect(sink.status == 0, "\(sink.stderr)")
  let original = tree(package).filter {
    !$0.key.hasPrefix(".expected") && $0.key.hasSuffix(".yaml") || $0.key.hasSuffix("Kptfile")
  }
  let written = tree(output)
  #expect(!original.isEmpty)
  for (path, bytes) in original {
    #expect(written[path] == bytes, "\(path)")
  }
}

/// On packages kpt writes back unchanged, stoop's ResourceList is kpt's, byte for byte; and on
/// every package stoop's sink of kpt's list writes what kpt's sink writes.
@Test func sourceEqualsKptWhereKptIsLossless() throws {
  let kpt = ["/usr/bin/kpt", "/usr/local/bin/kpt"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }
  guard let kpt else { return }  // kpt is optional on developer machines and CI
  var compared = 0
  var sunk = 0
  for suite in ["kpt-e2e/fn-render", "kpt-e2e/fn-eval", "../../shared/conformance/catalog"] {
    let base =
      suite.hasPrefix("..")
      ? sharedDirectory + "/conformance/catalog" : sharedDirectory + "/conformance/" + suite
    for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] {
      let package = base + "/" + name
      let theirs = try run(kpt, ["fn", "source", package])
      guard theirs.status == 0 else { continue }
      // Only where kpt's own round trip keeps every byte.
      let output = temporaryDirectory("kpt")
      defer { try? FileManager.default.removeItem(atPath: output) }
      _ = try run(kpt, ["fn", "sink", output], input: theirs.stdout)
      let written = tree(output)
      // Whatever kpt lists, stoop sinks to the same files kpt sinks.
      let ourOutput = temporaryDirectory("ours")
      defer { try? FileManager.default.removeItem(atPath: ourOutput) }
      let ourSink = try run(stoopBinary, ["fn", "sink", ourOutput], input: theirs.stdout)
      #expect(ourSink.status == 0, "\(package): \(ourSink.stderr)")
      #expect(tree(ourOutput) == written, "\(package): stoop's sink of kpt's list")
      sunk += 1
      let lossless = written.allSatisfy { path, bytes in
        FileManager.default.contents(atPath: package + "/" + path) == bytes
      }
      guard lossless else { continue }
      let ours = try run(stoopBinary, ["fn", "source", package])
      #expect(ours.status == 0)
      #expect(
        String(decoding: ours.stdout, as: UTF8.self)
          == String(decoding: theirs.stdout, as: UTF8.self),
        "\(package)")
      compared += 1
    }
  }
  #expect(compared > 10)
  #expect(sunk > compared)
}

@Test func errorsAreOneLineWithTheDocumentedExitCode() throws {
  let missing = try run(stoopBinary, ["fn", "source", "/nonexistent/pkg"])
  #expect(missing.status == 4)
  #expect(
    missing.stderr
      == "Error: directory \"/nonexistent/pkg\" does not exist; pass the path of a package directory\n"
  )

  let broken = sharedDirectory + "/conformance/kpt-e2e/fn-render/subpkg-has-invalid-kptfile"
  let invalid = try run(stoopBinary, ["fn", "source", broken])
  #expect(invalid.status == 1)
  #expect(invalid.stderr.hasPrefix("Error: \(broken)/db/Kptfile:10: invalid YAML"))
  #expect(invalid.stderr.filter { $0 == "\n" }.count == 1)
  #expect(invalid.stdout.isEmpty)

  let target = temporaryDirectory("bad")
  let badInput = Array("a: [\n".utf8)
  let sink = try run(stoopBinary, ["fn", "sink", target], input: badInput)
  #expect(sink.status == 1)
  #expect(sink.stderr.hasPrefix("Error: stdin:2: invalid YAML"))
  #expect(!FileManager.default.fileExists(atPath: target))

  let meta = try run(stoopBinary, ["fn", "source", ".", "--include-meta-resources"])
  #expect(meta.status == 1)
  #expect(meta.stderr.contains("--include-meta-resources is no longer necessary"))
}

/// A wide document travels compact: canonical, exactly as kpt 1.0.0-beta.56 lists it (checked
/// with `kpt fn source`); with a layout of its own, only its sequence lines move; and the sink
/// writes both back byte for byte.
@Test func wideDocumentsTravelCompactAndComeBackWide() throws {
  let package = temporaryDirectory("wide")
  defer { try? FileManager.default.removeItem(atPath: package) }
  try FileManager.default.createDirectory(atPath: package, withIntermediateDirectories: true)
  let canonical = """
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
      other: 1

    """
  let ownLayout = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name:   b
    spec:
      list:
        - a
        - name: x
          inner:
            - 1
            # foot of inner
          # after inner
      # after list
      other: [1,   2]

    """
  try canonical.write(toFile: package + "/a.yaml", atomically: true, encoding: .utf8)
  try ownLayout.write(toFile: package + "/b.yaml", atomically: true, encoding: .utf8)
  let list = try run(stoopBinary, ["fn", "source", package])
  #expect(list.status == 0, "\(list.stderr)")
  let text = String(decoding: list.stdout, as: UTF8.self)
  #expect(
    text.contains(
      """
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
          other: 1

      """))
  #expect(
    text.contains(
      """
        spec:
          list:
          - a
          - name: x
            inner:
            - 1
                # foot of inner
              # after inner
          # after list
          other: [1,   2]

      """))
  #expect(text.components(separatedBy: "seqindent: 'wide'").count == 3)
  let output = temporaryDirectory("wide-out")
  defer { try? FileManager.default.removeItem(atPath: output) }
  let sink = try run(stoopBinary, ["fn", "sink", output], input: list.stdout)
  #expect(sink.status == 0, "\(sink.stderr)")
  #expect(tree(output) == tree(package))
}

/// A stream that fails is an error, not the end of the data: `fn sink` reading a directory as its
/// stdin and `fn source` writing to a full device both fail (exit 1) with one line naming the
/// stream and the system's reason, and the sink writes nothing.
@Test func aFailingStreamIsAnErrorNotTheEndOfTheData() throws {
  let scratch = temporaryDirectory("streams")
  try FileManager.default.createDirectory(
    atPath: scratch + "/pkg", withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: scratch) }
  try Data("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n".utf8).write(
    to: URL(fileURLWithPath: scratch + "/pkg/cm.yaml"))
  func stoop(_ arguments: [String], stdin: FileHandle?, stdout: FileHandle?) throws -> (
    Int32, String
  ) {
    let errors = scratch + "/err"
    _ = FileManager.default.createFile(atPath: errors, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: stoopBinary)
    process.arguments = arguments
    if let stdin { process.standardInput = stdin }
    if let stdout { process.standardOutput = stdout }
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
    try process.run()
    process.waitUntilExit()
    let text = String(
      decoding: FileManager.default.contents(atPath: errors) ?? Data(), as: UTF8.self)
    return (process.terminationStatus, text)
  }
  let sink = try stoop(
    ["fn", "sink", scratch + "/out"],
    stdin: try FileHandle(forReadingFrom: URL(fileURLWithPath: scratch + "/pkg")), stdout: nil)
  #expect(sink.0 == 1)
  #expect(sink.1 == "Error: cannot read standard input: Is a directory\n")
  #expect(!FileManager.default.fileExists(atPath: scratch + "/out"))
  let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
  let source = try stoop(["fn", "source", scratch + "/pkg"], stdin: nil, stdout: full)
  #expect(source.0 == 1)
  #expect(
    source.1 == "Error: cannot write the output to standard output: No space left on device\n")
}
