import Foundation
import Git
import Testing

@testable import Orchestration

let sharedDirectory: String = {
  if let path = ProcessInfo.processInfo.environment["STOOP_SHARED"] { return path }
  return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared").path
}()

func scratch(_ name: String) -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent(
    "stoop-reg-\(name)-\(UUID().uuidString)"
  ).path
}

@discardableResult
func shell(_ arguments: [String]) throws -> Int32 {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = arguments
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  return process.terminationStatus
}

/// A Porch fixture repository extracted to a fresh directory; returns the path of its `.git`.
func fixture(_ name: String) throws -> String {
  let directory = scratch(name)
  try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  #expect(
    try shell([
      "tar", "-xf", sharedDirectory + "/fixtures/porch/\(name)-repository.tar", "-C", directory,
      "--no-same-owner",
    ])
      == 0)
  return directory + "/.git"
}

func leftovers(_ registry: Registry) -> [String] {
  let root = registry.home.path + "/repositories/default"
  return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter {
    $0.hasPrefix(".")
  }
}

@Test func everyPorchFixtureWithItsBranchRegisters() throws {
  let registry = Registry(home: StoopHome(environment: ["STOOP_HOME": scratch("home")]))
  defer { try? FileManager.default.removeItem(atPath: registry.home.path) }
  let heads = ["simple": "c7edca4", "drafts": "c7edca4", "nested": "1e155ee", "trivial": "0f89087"]
  for (name, head) in heads {
    var options = Registry.RegisterOptions()
    options.name = name
    let registration = try registry.register(url: try fixture(name), options: options)
    #expect(registration.status.ready)
    #expect(registration.status.branchCommit?.hasPrefix(head) == true, "\(name)")
  }
  #expect(
    try registry.list(namespace: "default").map(\.name) == [
      "drafts", "nested", "simple", "trivial",
    ])
  let clone = try Repository.open(
    registry.home.repository(namespace: "default", name: "nested") + "/clone.git")
  let refs = try clone.references()
  #expect(refs["refs/remotes/origin/drafts/catalog/gcp/bucket/v2"] != nil)
  #expect(refs["refs/tags/catalog/namespace/basens/v3"] != nil)

  // The empty fixture has no branch: refused, and nothing is left behind.
  var options = Registry.RegisterOptions()
  options.name = "empty"
  #expect(throws: OrchestrationError.self) {
    try registry.register(url: try fixture("empty"), options: options)
  }
  #expect(leftovers(registry).isEmpty)
  #expect(throws: OrchestrationError.self) { try registry.get("empty", namespace: "default") }
}

@Test func createBranchWritesPorchsInitialCommit() throws {
  let registry = Registry(home: StoopHome(environment: ["STOOP_HOME": scratch("home")]))
  let remotePath = scratch("remote") + ".git"
  defer {
    try? FileManager.default.removeItem(atPath: registry.home.path)
    try? FileManager.default.removeItem(atPath: remotePath)
  }
  let remote = try Repository.createBare(remotePath)
  var options = Registry.RegisterOptions()
  options.branch = "nested/release"
  options.createBranch = true
  options.name = "blank"
  try registry.register(url: remotePath, options: options)
  #expect(Registry.defaultName(for: "https://example.com/org/blueprints.git/") == "blueprints")
  #expect(Registry.defaultName(for: "git@github.com:org/deploy") == "deploy")
  let head = try #require(try remote.reference("refs/heads/nested/release"))
  let commit = try remote.commit(head)
  #expect(commit.message == "Initial commit: Creating main branch")
  #expect(
    commit.author.email == "porch@kpt.dev"
      && commit.committer.name == "Package Orchestration Service")
  let readme = try #require(try remote.entry(at: "README.md", in: commit.tree))
  #expect(try remote.blob(readme.id) == Array("Created by porch".utf8))
}

@Test func badInputIsRefusedWithoutLeavingAnything() throws {
  let registry = Registry(home: StoopHome(environment: ["STOOP_HOME": scratch("home")]))
  defer { try? FileManager.default.removeItem(atPath: registry.home.path) }
  let simple = try fixture("simple")
  var options = Registry.RegisterOptions()
  options.branch = "illegal$$$Characters"
  #expect(throws: OrchestrationError.self) { try registry.register(url: simple, options: options) }
  options.branch = "main"
  options.name = "Not_A_Label"
  #expect(throws: OrchestrationError.self) { try registry.register(url: simple, options: options) }
  options.name = "ghost"
  #expect(throws: OrchestrationError.self) {
    try registry.register(url: "/nonexistent/repo.git", options: options)
  }
  options.branch = "feature"
  #expect(throws: OrchestrationError.self) { try registry.register(url: simple, options: options) }
  options.branch = "main"
  options.name = "simple"
  try registry.register(url: simple, options: options)
  do {
    try registry.register(url: simple, options: options)
    Issue.record("registered the same name twice")
  } catch {
    #expect(error.description.contains("already registered"))
  }
  #expect(leftovers(registry).isEmpty)
  #expect(try registry.list(namespace: "default").map(\.name) == ["simple"])
}

@Test func syncReportsRefChangesAndReclonesADamagedClone() throws {
  let registry = Registry(home: StoopHome(environment: ["STOOP_HOME": scratch("home")]))
  defer { try? FileManager.default.removeItem(atPath: registry.home.path) }
  let path = try fixture("simple")
  var options = Registry.RegisterOptions()
  options.name = "simple"
  try registry.register(url: path, options: options)
  #expect(try registry.sync("simple", namespace: "default") == Registry.SyncReport())

  let remote = try Repository.open(path)
  let main = try #require(try remote.reference("refs/heads/main"))
  try remote.setReference("refs/tags/newpkg/v3", to: main)
  try remote.deleteReference("refs/tags/empty/v1")
  let report = try registry.sync("simple", namespace: "default")
  #expect(report.added.map(\.ref) == ["refs/tags/newpkg/v3"])
  #expect(report.removed.map(\.ref) == ["refs/tags/empty/v1"])

  // Delete the clone's objects: the next sync notices, warns and clones again.
  let objects =
    registry.home.repository(namespace: "default", name: "simple") + "/clone.git/objects"
  for entry in try FileManager.default.contentsOfDirectory(atPath: objects) where entry != "info" {
    try FileManager.default.removeItem(atPath: objects + "/" + entry)
  }
  let warnings = WarningLog()
  var warned = registry
  warned.warn = { warnings.append($0) }
  let repaired = try warned.sync("simple", namespace: "default")
  #expect(repaired.recloned)
  #expect(warnings.lines.count == 1 && warnings.lines[0].contains("damaged"))
  let clone = try Repository.open(objects.replacingOccurrences(of: "/objects", with: ""))
  try clone.verifyReferencedObjects()
  #expect(try registry.get("simple", namespace: "default").status.ready)
}

@Test func credentialsAreKeptInA0600FileAndNeverInTheRegistration() throws {
  let registry = Registry(home: StoopHome(environment: ["STOOP_HOME": scratch("home")]))
  defer { try? FileManager.default.removeItem(atPath: registry.home.path) }
  var options = Registry.RegisterOptions()
  options.name = "simple"
  options.credentials = Credentials(username: "alice", password: "hunter2-secret")
  options.deployment = true
  let registration = try registry.register(url: try fixture("simple"), options: options)
  #expect(registration.secretName == "simple-auth")
  let directory = registry.home.repository(namespace: "default", name: "simple")
  let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/credentials")
  #expect((attributes[.posixPermissions] as? Int) == 0o600)
  let yaml = try String(contentsOfFile: directory + "/repository.yaml", encoding: .utf8)
  #expect(!yaml.contains("hunter2-secret"))
  // Porch's shape: booleans are booleans, the secret is referred to by name only.
  #expect(yaml.contains("  deployment: true\n"))
  #expect(yaml.contains("    secretRef:\n      name: simple-auth\n"))
  #expect(registry.credentials(for: registration).password == "hunter2-secret")
  try registry.unregister("simple", namespace: "default")
  #expect(!FileManager.default.fileExists(atPath: directory))
}

final class WarningLog: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [String] = []
  func append(_ line: String) { lock.withLock { stored.append(line) } }
  var lines: [String] { lock.withLock { stored } }
}

@Test func aHeldLockMakesSyncWaitThenFailAsAConflict() throws {
  var registry = Registry(home: StoopHome(environment: ["STOOP_HOME": scratch("home")]))
  defer { try? FileManager.default.removeItem(atPath: registry.home.path) }
  var options = Registry.RegisterOptions()
  options.name = "simple"
  try registry.register(url: try fixture("simple"), options: options)
  registry.lockTimeout = 0.2
  let directory = registry.home.repository(namespace: "default", name: "simple")
  let held = try RepositoryLock(directory: directory, name: "simple")
  do {
    _ = try registry.sync("simple", namespace: "default")
    Issue.record("sync ran while another process held the lock")
  } catch {
    guard case .locked(let name) = error else {
      Issue.record("unexpected error \(error)")
      return
    }
    #expect(name == "simple")
  }
  held.release()
  #expect(try registry.sync("simple", namespace: "default") == Registry.SyncReport())
}

/// Timestamps are RFC 3339 in UTC to the second, written and read without a date formatter.
@Test func timestampsRoundTripAsKubernetesWritesThem() throws {
  let moment = Date(timeIntervalSince1970: 1_796_104_116)
  #expect(Registration.timestamp(moment) == "2026-12-01T05:48:36Z")
  #expect(Registration.timestamp(Date(timeIntervalSince1970: 0.9)) == "1970-01-01T00:00:00Z")
  #expect(Registration.date("2026-12-01T05:48:36Z") == moment)
  #expect(Registration.date("2026-12-01T06:48:36+01:00") == moment)
  #expect(Registration.date("2026-12-01T05:48:36.5Z") == moment.addingTimeInterval(0.5))
  for bad in [
    "", "2026-12-01", "2026-13-01T00:00:00Z", "2026-12-01T05:48:36", "x026-12-01T05:48:36Z",
  ] {
    #expect(Registration.date(bad) == nil)
  }
}
