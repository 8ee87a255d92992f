import Foundation
import KRM
import Testing

@testable import CaD

@Test func imagesAreNamedAsKptNamesThem() {
  let short = FunctionImage("set-namespace:v0.1.3")
  #expect(short.reference == "gcr.io/kpt-fn/set-namespace:v0.1.3")
  #expect(short.name == "set-namespace" && short.tag == "v0.1.3" && short.isCatalog)
  let ghcr = FunctionImage("ghcr.io/kptdev/krm-functions-catalog/set-labels:latest")
  #expect(ghcr.reference == "ghcr.io/kptdev/krm-functions-catalog/set-labels:latest")
  #expect(ghcr.name == "set-labels" && ghcr.tag == "latest" && ghcr.isCatalog)
  let pinned = FunctionImage("gcr.io/kpt-fn/starlark@sha256:6ba3971c")
  #expect(pinned.name == "starlark" && pinned.tag == nil && pinned.digest == "sha256:6ba3971c")
  let privateRegistry = FunctionImage("registry.example.com:5000/team/set-namespace")
  #expect(
    privateRegistry.name == "set-namespace" && privateRegistry.tag == nil
      && !privateRegistry.isCatalog)
  #expect(FunctionImage("set-labels").reference == "gcr.io/kpt-fn/set-labels")
}

@Test func commandsSplitAsAShellWould() throws {
  #expect(try shellWords("sed -e 's/foo/bar/'") == ["sed", "-e", "s/foo/bar/"])
  #expect(try shellWords(#"fn "a b" c\ d "x\"y" ''"#) == ["fn", "a b", "c d", "x\"y", ""])
  #expect(try shellWords("  ./fn.sh   ") == ["./fn.sh"])
  // Google's shlex, as kpt splits: a backslash in double quotes keeps any next character, a
  // word-initial # starts a comment.
  #expect(try shellWords(#"fn "a\nb" x#y #rest"#) == ["fn", "anb", "x#y"])
  #expect(throws: PackageError.self) { try shellWords("fn a\\") }
  #expect(throws: PackageError.self) { try shellWords("fn 'open") }
}

/// A real script on disk: the ResourceList in on stdin, out on stdout, stderr and exit code kept.
@Test func execFunctionsGetTheResourceListAndReportWhatTheyPrinted() throws {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "stoop-exec-\(UUID().uuidString)"
  ).path
  try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: directory) }
  func script(_ name: String, _ body: String, executable: Bool = true) throws -> String {
    let path = directory + "/" + name
    try ("#!/bin/sh\n" + body).write(toFile: path, atomically: false, encoding: .utf8)
    try FileManager.default.setAttributes(
      [.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: path)
    return path
  }
  let input = Array("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n".utf8)

  let upper = try ExecFunction(
    command: try script("upper.sh", "tr a-z A-Z\necho warned >&2\nexit 3\n"))
  let outcome = try upper.run(input: input)
  #expect(outcome.stdout == Array(String(decoding: input, as: UTF8.self).uppercased().utf8))
  #expect(outcome.stderr == Array("warned\n".utf8))
  #expect(outcome.exitCode == 3 && !outcome.timedOut)

  // A command with arguments, found on PATH.
  let sed = try ExecFunction(command: "sed -e 's/ResourceList/Changed/'")
  #expect(
    String(decoding: try sed.run(input: input).stdout, as: UTF8.self).contains("kind: Changed"))

  // A large output cannot deadlock the runner.
  let big = try ExecFunction(
    command: try script("big.sh", "cat >/dev/null\nseq 1 200000\nseq 1 200000 >&2\n"))
  let large = try big.run(input: input)
  #expect(large.stdout.count > 1_000_000 && large.stderr.count > 1_000_000 && large.exitCode == 0)

  var slow = try ExecFunction(command: try script("slow.sh", "sleep 5\n"))
  slow.timeout = 0.3
  #expect(try slow.run(input: input).timedOut)

  // As kpt does, a program that cannot start fails when it runs, in os/exec's words.
  let missing = #expect(throws: PackageError.self) {
    try ExecFunction(command: directory + "/nope.sh").run(input: input)
  }
  #expect(
    "\(missing!)"
      == "unexpected function error: fork/exec \(directory)/nope.sh: no such file or directory")
  let plain = try script("plain.sh", "cat\n", executable: false)
  let notExecutable = #expect(throws: PackageError.self) {
    try ExecFunction(command: plain).run(input: input)
  }
  #expect("\(notExecutable!)".hasSuffix("plain.sh: permission denied"))
  let unknown = #expect(throws: PackageError.self) {
    try ExecFunction(command: "no-such-program-anywhere").run(input: input)
  }
  #expect("\(unknown!)".contains("executable file not found in $PATH"))
  let unterminated = #expect(throws: PackageError.self) { try ExecFunction(command: "fn 'open") }
  #expect(
    "\(unterminated!)"
      == "exec command \"fn 'open\" must be valid: EOF found when expecting closing quote")
}

/// The lines kpt prints about a function, checked against the conformance expectation of
/// fn-render/exec-function-stderr and the examples of kpt.md §4.7.
@Test func functionReportsReadAsKptPrintsThem() throws {
  let stderr = (0...20).map { "Hello world \($0)!\n" }.joined()
  #expect(
    FunctionReport.running("./fn.sh")
      + FunctionReport.finished(
        "./fn.sh", success: true, seconds: 0.04, results: [], stderr: Array(stderr.utf8),
        exitCode: nil)
        == """
        [RUNNING] "./fn.sh"
        [PASS] "./fn.sh" in 0s
          Stderr:
            "Hello world 0!"
            "Hello world 1!"
            "Hello world 2!"
            "Hello world 3!"
            ...(18 line(s) truncated, use '--truncate-output=false' to disable)

        """)
  let yaml = try YAMLFile(
    parsing: Array(
      """
      results:
        - message: bad thing
          severity: error
          resourceRef: {apiVersion: kpt.dev/v1, kind: Kptfile, name: r2}
          field: {path: spec.replicas}
        - message: just a warning
          severity: warning
        - message: set 1 labels
      """.utf8), name: "out.yaml")
  let results = FunctionResultItem.parse(yaml.documents[0].root["results"])
  #expect(
    FunctionReport.finished(
      "fail.py", success: false, seconds: 0.15, results: results,
      stderr: Array("line 1\nsay \"hi\"\t\n".utf8), exitCode: 1)
        == """
        [FAIL] "fail.py" in 100ms
          Results:
            [error] kpt.dev/v1/Kptfile/r2 spec.replicas: bad thing
            [warning]: just a warning
            [info]: set 1 labels
          Stderr:
            "line 1"
            "say \\"hi\\"\\t"
            ""
          Exit code: 1


        """)
  // Results are cut at four lines too, unless truncation is off.
  let seven = (0..<7).map { FunctionResultItem(message: "r\($0)", severity: "info") }
  #expect(
    FunctionReport.finished(
      "f", success: true, seconds: 0, results: seven, stderr: [], exitCode: nil)
        == """
        [PASS] "f" in 0s
          Results:
            [info]: r0
            [info]: r1
            [info]: r2
            [info]: r3
            ...(3 line(s) truncated, use '--truncate-output=false' to disable)

        """)
  #expect(
    FunctionReport.finished(
      "f", success: true, seconds: 0, results: seven, stderr: [], exitCode: nil, truncate: false
    ).contains("[info]: r6\n"))
  #expect(
    ["0s", "200ms", "1.2s", "1m2.3s", "2s"]
      == [0.09, 0.25, 1.29, 62.35, 2.0].map(FunctionReport.duration))
  // The legacy map shape and the old resourceRef.metadata.
  let legacy = try YAMLFile(
    parsing: Array(
      "results:\n  name: x\n  items:\n  - message: m\n    severity: info\n    resourceRef: {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: ns}}\n"
        .utf8), name: "legacy.yaml")
  #expect(
    FunctionResultItem.parse(legacy.documents[0].root["results"]).map(\.line) == [
      "[info] v1/ConfigMap/ns/c: m"
    ])
}
