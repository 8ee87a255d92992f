import Foundation
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

  let missing = #expect(throws: PackageError.self) {
    try ExecFunction(command: directory + "/nope.sh")
  }
  #expect("\(missing!)".contains("does not exist"))
  let plain = try script("plain.sh", "cat\n", executable: false)
  let notExecutable = #expect(throws: PackageError.self) { try ExecFunction(command: plain) }
  #expect("\(notExecutable!)".contains("is not executable"))
  #expect(throws: PackageError.self) { try ExecFunction(command: "no-such-program-anywhere") }
}
