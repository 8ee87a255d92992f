import Foundation
import Git
import KRM
import Testing

@testable import Orchestration

/// Golden files of the sync manifests: `Tests/Expected/sync/`.
private let expectedDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("Expected/sync").path

/// Compares with a golden file; `STOOP_UPDATE_EXPECTED=1` records it instead (and fails, so that
/// nobody records by accident).
private func expectGolden(_ bytes: [UInt8], _ name: String) throws {
  let path = expectedDirectory + "/" + name
  if ProcessInfo.processInfo.environment["STOOP_UPDATE_EXPECTED"] == "1" {
    try FileManager.default.createDirectory(
      atPath: expectedDirectory, withIntermediateDirectories: true)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    Issue.record("recorded \(name); run the tests again without STOOP_UPDATE_EXPECTED")
    return
  }
  let expected = try #require(FileManager.default.contents(atPath: path), "no golden file \(name)")
  #expect(
    String(decoding: bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "\(name)")
}

/// A published revision as resolution finds it, with a fixed commit.
private func source(directory: String = "") -> DeployableRevision {
  let fullPath = directory.isEmpty ? "apps/nginx" : directory + "/apps/nginx"
  let commit = ObjectID(hex: "0123456789abcdef0123456789abcdef01234567")!
  let revision = PackageRevision(
    repository: "blueprints", namespace: "default", path: "apps/nginx", fullPath: fullPath,
    workspace: "v3", revision: 3, lifecycle: .published, commit: commit,
    ref: "refs/tags/\(fullPath)/v3")
  return DeployableRevision(
    revision: revision, url: "https://alice:s3cret@git.example.com/org/blueprints.git",
    branch: "main", tag: fullPath + "/v3", commit: commit, kptfileIsLocalConfig: true)
}

private func request(_ name: String = "nginx", _ change: (inout SyncRequest) -> Void = { _ in })
  -> SyncRequest
{
  var request = SyncRequest(name: name, package: "apps/nginx@v3")
  request.repository = "blueprints"
  change(&request)
  return request
}

// MARK: A structural-schema walker

/// Every way `value` breaks a CRD's structural schema: types, required fields, enums, patterns,
/// and unknown fields where the schema lists the properties (the API server's strict field
/// validation). Every scalar stoop writes is a string.
private func schemaProblems(_ value: YAMLNode, _ schema: YAMLNode, at path: String = "")
  -> [String]
{
  if value.isNull, schema["nullable"]?.string == "true" { return [] }
  var problems: [String] = []
  if let allowed = schema["enum"]?.items.map(\.node.value), !allowed.contains(value.value) {
    problems.append("\(path): \"\(value.value)\" is not one of \(allowed)")
  }
  switch schema["type"]?.string {
  case "object":
    guard value.isMapping else { return problems + ["\(path): want an object"] }
    for required in schema["required"]?.items ?? [] where value[required.node.value] == nil {
      problems.append("\(path): \(required.node.value) is required")
    }
    let properties = schema["properties"]
    let preserves = schema["x-kubernetes-preserve-unknown-fields"]?.string == "true"
    for entry in value.entries {
      let key = entry.key.value
      if let property = properties?[key] {
        problems += schemaProblems(entry.value, property, at: path + "." + key)
      } else if let additional = schema["additionalProperties"], additional.isMapping {
        problems += schemaProblems(entry.value, additional, at: path + "." + key)
      } else if properties != nil && !preserves {
        problems.append("\(path): unknown field \(key)")
      }
    }
  case "array":
    guard value.isSequence else { return problems + ["\(path): want an array"] }
    if let items = schema["items"] {
      for (i, item) in value.items.enumerated() {
        problems += schemaProblems(item.node, items, at: "\(path)[\(i)]")
      }
    }
  case "string":
    guard value.isScalar else { return problems + ["\(path): want a string"] }
    if let pattern = schema["pattern"]?.string,
      value.value.range(of: pattern, options: .regularExpression) == nil
    {
      problems.append("\(path): \"\(value.value)\" does not match \(pattern)")
    }
  case "integer", "number", "boolean":
    problems.append(
      "\(path): stoop writes strings only, the schema wants \(schema["type"]?.string ?? "")")
  default:
    break
  }
  return problems
}

/// The v1beta1 schema of a CRD in `../shared/crds/configsync/`.
private func crdSchema(_ file: String) throws -> YAMLNode {
  let path = sharedDirectory + "/crds/configsync/" + file
  let data = try #require(FileManager.default.contents(atPath: path), "no \(path)")
  let crd = try #require(try YAMLFile(parsing: Array(data), name: path).documents.first?.root)
  let version = try #require(
    crd.node(at: ["spec", "versions"])?.items.first { $0.node["name"]?.string == "v1beta1" })
  return try #require(version.node.node(at: ["schema", "openAPIV3Schema"]))
}

// MARK: Manifests

@Test func aRootSyncPinsTheTagRecordsTheCommitAndPassesTheCRD() throws {
  let manifest = try SyncManifest(request: request(), source: source())
  try expectGolden(manifest.yaml(), "rootsync.yaml")
  #expect(manifest.objects.count == 1)
  #expect(manifest.fileName == "nginx.rootsync.yaml")
  // The password of the registration's URL is never written.
  #expect(!String(decoding: manifest.yaml(), as: UTF8.self).contains("s3cret"))
  #expect(schemaProblems(manifest.syncObject, try crdSchema("rootsync-crd.yaml")).isEmpty)
}

@Test func aRepoSyncComesWithTheRoleBindingItsReconcilerNeeds() throws {
  let manifest = try SyncManifest(
    request: request("web") {
      $0.kind = .reposync
      $0.syncNamespace = "team-a"
      $0.clusterRole = "admin"
    }, source: source(directory: "catalog"))
  try expectGolden(manifest.yaml(), "reposync.yaml")
  try expectGolden(manifest.json(), "reposync.json")
  #expect(manifest.objects.count == 2)
  #expect(schemaProblems(manifest.syncObject, try crdSchema("reposync-crd.yaml")).isEmpty)
  let binding = try #require(manifest.roleBinding)
  #expect(
    binding.node(at: ["subjects", "0", "name"])?.string == "ns-reconciler-team-a-web-3")
  #expect(binding.node(at: ["roleRef", "name"])?.string == "admin")
}

@Test func aSecretReferencePinnedCommitAndDeletionPolicyPassTheCRD() throws {
  let manifest = try SyncManifest(
    request: request {
      $0.auth = .token
      $0.secretRef = "git-creds"
      $0.pin = .commit
      $0.deletePolicy = .foreground
    }, source: source())
  try expectGolden(manifest.yaml(), "rootsync-secret.yaml")
  #expect(schemaProblems(manifest.syncObject, try crdSchema("rootsync-crd.yaml")).isEmpty)
  #expect(
    manifest.syncObject.node(at: ["spec", "git", "revision"])?.string
      == "0123456789abcdef0123456789abcdef01234567")
}

@Test func theSchemaWalkerCatchesWhatTheAPIServerWouldRefuse() throws {
  let schema = try crdSchema("rootsync-crd.yaml")
  var object = try SyncManifest(request: request(), source: source()).syncObject
  var withoutAuth = object
  let removed = withoutAuth.remove(at: ["spec", "git", "auth"])
  #expect(removed)
  #expect(schemaProblems(withoutAuth, schema) == [".spec.git: auth is required"])
  for (path, value) in [
    (["spec", "git", "auth"], "Token"), (["spec", "git", "revison"], "nginx/v3"),
    (["spec", "sourceFormat"], "flat"),
  ] {
    let set = object.set(.scalar(value), at: path)
    #expect(set)
  }
  #expect(
    Set(schemaProblems(object, schema)) == [
      ".spec.git.auth: \"Token\" is not one of [\"ssh\", \"cookiefile\", \"gcenode\", \"gcpserviceaccount\", \"token\", \"githubapp\", \"none\"]",
      ".spec.git: unknown field revison",
      ".spec.sourceFormat: \"flat\" does not match ^(hierarchy|unstructured|)$",
    ])
}

// MARK: Names

@Test func namesFollowConfigSyncsLimitsAndEveryProblemIsReportedAtOnce() throws {
  #expect(
    SyncNaming.problems(of: request(String(repeating: "a", count: 38)), manifests: true).isEmpty)
  #expect(
    SyncNaming.problems(of: request(String(repeating: "a", count: 39)), manifests: true) == [
      "the RootSync name \"\(String(repeating: "a", count: 39))\" has 39 characters; Config Sync allows 38"
    ])
  // A directory deployment has no RootSync: only the DNS label rule.
  #expect(
    SyncNaming.problems(of: request(String(repeating: "a", count: 39)), manifests: false).isEmpty)
  let exactly45 = request(String(repeating: "b", count: 40)) {
    $0.kind = .reposync
    $0.syncNamespace = "ns-ab"
  }
  #expect(SyncNaming.problems(of: exactly45, manifests: true).isEmpty)
  var over = exactly45
  over.syncNamespace = "ns-abc"
  #expect(SyncNaming.problems(of: over, manifests: true).count == 1)
  let everything = request("Bad_Name") {
    $0.kind = .reposync
    $0.syncNamespace = "config-management-system"
    $0.secretRef = "creds"
    $0.clusterRole = "a/b"
  }
  let problems = SyncNaming.problems(of: everything, manifests: true)
  #expect(problems.count == 4, "\(problems)")
  #expect(problems[0].hasPrefix("sync name \"Bad_Name\""))
  #expect(problems[1].hasPrefix("a RepoSync cannot live in config-management-system"))
  #expect(problems[2].hasPrefix("--cluster-role \"a/b\""))
  #expect(problems[3].hasPrefix("--secret-ref is read only with --auth"))
  #expect(throws: OrchestrationError.self) {
    try SyncManifest(request: everything, source: source())
  }
  #expect(
    SyncNaming.problems(of: request { $0.kind = .reposync }, manifests: true) == [
      "--kind reposync needs --sync-namespace NS, the namespace it manages"
    ])
  #expect(
    SyncNaming.problems(of: request { $0.syncNamespace = "team-a" }, manifests: true) == [
      "--sync-namespace is for --kind reposync; a RootSync always lives in config-management-system"
    ])
  #expect(SyncNaming.problems(of: request { $0.auth = .ssh }, manifests: true).count == 1)
}

@Test func reconcilerNamesAreConfigSyncs() {
  #expect(
    SyncNaming.reconcilerName(kind: .rootsync, name: "web", namespace: "") == "root-reconciler-web")
  #expect(
    SyncNaming.reconcilerName(kind: .rootsync, name: "root-sync", namespace: "")
      == "root-reconciler")
  #expect(
    SyncNaming.reconcilerName(kind: .reposync, name: "web", namespace: "team")
      == "ns-reconciler-team-web-3")
  #expect(
    SyncNaming.reconcilerName(kind: .reposync, name: "repo-sync", namespace: "team")
      == "ns-reconciler-team")
}

// MARK: Targets

@Test func oneTargetIsChosenExplicitlyOrFromTheKubeContextAndNeverByDefault() throws {
  var flags = SyncTargetFlags()
  #expect(try flags.explicitTarget() == nil)
  let none = ["KUBECONFIG": "/nonexistent/config"]
  #expect(throws: OrchestrationError.self) { try flags.createTarget(environment: none) }
  let work = scratch("kube")
  defer { try? FileManager.default.removeItem(atPath: work) }
  try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
  try Data("apiVersion: v1\nkind: Config\ncurrent-context: \"\"\n".utf8).write(
    to: URL(fileURLWithPath: work + "/empty"))
  try Data(
    "apiVersion: v1\nkind: Config\ncurrent-context: kind-dev\ncontexts:\n- name: kind-dev\n".utf8
  ).write(to: URL(fileURLWithPath: work + "/config"))
  let both = ["KUBECONFIG": work + "/empty:" + work + "/config"]
  #expect(SyncTargetFlags.configuredContext(environment: both) == "kind-dev")
  #expect(try flags.createTarget(environment: both) == .cluster(.init()))
  #expect(SyncTargetFlags.configuredContext(environment: ["HOME": work]) == nil)

  flags.output = "json"
  #expect(try flags.createTarget(environment: both) == .file(.init(path: nil, format: .json)))
  flags.output = "out/sync.json"
  #expect(try flags.explicitTarget() == .file(.init(path: "out/sync.json", format: .json)))
  flags.directory = "deploy"
  #expect(throws: OrchestrationError.self) { try flags.explicitTarget() }
  flags = SyncTargetFlags()
  flags.repository = "deployments"
  #expect(throws: OrchestrationError.self) { try flags.explicitTarget() }
  flags.path = "/clusters/prod/"
  #expect(
    try flags.explicitTarget()
      == .repository(.init(name: "deployments", namespace: "default", path: "clusters/prod")))
  flags.path = "clusters/../x"
  #expect(throws: OrchestrationError.self) { try flags.explicitTarget() }
}

// MARK: Files

@Test func sha256MatchesTheStandardsVectors() {
  #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  #expect(
    SHA256.hex(Array("abc".utf8))
      == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  #expect(
    SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
      == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  #expect(
    SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1000))
      == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
}

@Test func aStateFileNamingPathsOutsideItsDirectoryIsRefused() throws {
  #expect(DirectorySyncState.isInside("a/b.yaml"))
  for path in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a"] {
    #expect(!DirectorySyncState.isInside(path), "\(path)")
  }
  let work = scratch("state")
  defer { try? FileManager.default.removeItem(atPath: work) }
  try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
  try Data(
    """
    apiVersion: stoop.dev/v1alpha1
    kind: DirectorySync
    metadata:
      name: web
    spec:
      repository: blueprints
      tag: nginx/v1
      commit: abc
      files:
      - path: ../outside.yaml
        sha256: abc

    """.utf8
  ).write(to: URL(fileURLWithPath: work + "/.stoop-sync.yaml"))
  #expect(throws: OrchestrationError.self) { try DirectorySyncState.read(directory: work) }
}
