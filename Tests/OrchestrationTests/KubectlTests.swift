import Foundation
import KRM
import Testing

@testable import Orchestration

#if canImport(Glibc)
  import Glibc
#endif

// MARK: Finding kubectl and a context

@Test func aMissingKubectlIsOneLine() throws {
  let empty = scratch("path")
  try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: empty) }
  #expect(throws: OrchestrationError.self) { try Kubectl(environment: ["PATH": empty]) }
  do {
    _ = try Kubectl(environment: ["PATH": empty])
  } catch {
    #expect(
      error.description
        == "kubectl is not installed; install it or use --to-dir/--to-repository/-o")
    guard case .invalidOperation = error else {
      Issue.record("exit code 1 expected, got \(error)")
      return
    }
  }
}

@Test func aUsableContextComesFromKUBECONFIGOrTheHomeConfig() throws {
  let directory = scratch("contexts")
  defer { try? FileManager.default.removeItem(atPath: directory) }
  try FileManager.default.createDirectory(
    atPath: directory + "/home/.kube", withIntermediateDirectories: true)
  func write(_ name: String, _ text: String) throws {
    try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
  }
  let contexts = "contexts:\n- name: prod\n  context: {cluster: prod, user: admin}\n"
  try write("with-current", "apiVersion: v1\nkind: Config\ncurrent-context: prod\n" + contexts)
  try write("without-current", "apiVersion: v1\nkind: Config\n" + contexts)
  try write("current-only", "apiVersion: v1\nkind: Config\ncurrent-context: prod\n")
  try write("dangling", "current-context: staging\n" + contexts)
  try write("empty-current", "current-context: \"\"\n" + contexts)

  func usable(_ environment: [String: String]) -> Bool {
    Kubectl.hasUsableContext(environment: environment)
  }
  #expect(usable(["KUBECONFIG": directory + "/with-current", "HOME": "/nonexistent"]))
  #expect(!usable(["KUBECONFIG": directory + "/without-current"]))
  #expect(!usable(["KUBECONFIG": directory + "/dangling"]))
  #expect(!usable(["KUBECONFIG": directory + "/empty-current"]))
  #expect(!usable(["KUBECONFIG": directory + "/nonexistent"]))
  // Merged as kubectl merges them: the current context of one file, the context of another.
  #expect(
    usable([
      "KUBECONFIG": "\(directory)/missing:\(directory)/current-only:\(directory)/without-current"
    ]))
  // Without KUBECONFIG, ~/.kube/config.
  #expect(!usable(["HOME": directory + "/home"]))
  try write("home/.kube/config", "current-context: prod\n" + contexts)
  #expect(usable(["HOME": directory + "/home"]))
  #expect(usable(["HOME": directory + "/home", "KUBECONFIG": ""]))
  // The flags: --kubeconfig replaces the lookup, --context replaces the current context.
  #expect(
    Kubectl.hasUsableContext(
      kubeconfig: directory + "/without-current", context: "prod", environment: [:]))
  #expect(
    !Kubectl.hasUsableContext(
      kubeconfig: directory + "/with-current", context: "staging", environment: [:]))
  #expect(
    !Kubectl.hasUsableContext(
      kubeconfig: directory + "/without-current", environment: ["HOME": directory + "/home"]))
}

@Test func kubectlsFirstErrorLineSkipsWarnings() {
  let stderr = Array(
    """
    Warning: resource rootsyncs/my-app is missing the kubectl.kubernetes.io/last-applied-configuration annotation
    W0102 15:04:05.000000   12345 loader.go:222] Config not found
    Error from server (Forbidden): rootsyncs.configsync.gke.io is forbidden: User "dev" cannot list resource
    and a second line

    """.utf8)
  #expect(
    Kubectl.firstErrorLine(stderr)
      == "Error from server (Forbidden): rootsyncs.configsync.gke.io is forbidden: User \"dev\" cannot list resource"
  )
  #expect(Kubectl.firstErrorLine(Array("Warning: only this\n".utf8)) == "Warning: only this")
  #expect(Kubectl.firstErrorLine([]) == "")
}

// MARK: Against the fake API server

/// The real kubectl against Tests/Support/fake-kube-apiserver.py, one server per test; the
/// deletion tests are in KubectlDeleteTests.swift.
@Suite(
  .enabled(
    if: Kubectl.find(in: ProcessInfo.processInfo.environment) != nil,
    "kubectl is not installed (.ci/run installs it)"))
struct KubectlAgainstAFakeAPIServer {
  let sha = "0123456789abcdef0123456789abcdef01234567"
  let rootSyncPath =
    "apis/configsync.gke.io/v1beta1/namespaces/config-management-system/rootsyncs/my-app"
  let myApp = Kubectl.SyncReference(
    kind: .rootsync, name: "my-app", namespace: "config-management-system")

  func yaml(_ text: String) throws -> YAMLNode {
    try #require(YAMLFile(parsing: Array(text.utf8), name: "manifest.yaml").documents.first).root
  }

  func rootSync(name: String = "my-app", secret: String? = nil, managed: Bool = true) throws
    -> YAMLNode
  {
    try yaml(
      """
      apiVersion: configsync.gke.io/v1beta1
      kind: RootSync
      metadata:
        name: \(name)
        namespace: config-management-system
      \(managed ? "  labels: {app.kubernetes.io/managed-by: stoop}" : "")
      spec:
        sourceFormat: unstructured
        git:
          repo: https://git.example.com/deployments.git
          revision: my-app/v3
          dir: my-app
          auth: \(secret == nil ? "none" : "token")
      \(secret.map { "    secretRef: {name: \($0)}" } ?? "")
      """)
  }

  /// Config Sync's status for a sync at `commit`, as JSON for the fake server.
  func status(
    commit: String? = nil, generation: Int = 1, syncing: String = "False",
    stalled: String = "False", errors: String = ""
  ) -> String {
    let commit = commit ?? sha
    return """
      {"observedGeneration": \(generation), "lastSyncedCommit": "\(commit)",
       "source": {"commit": "\(commit)"},
       "rendering": {"commit": "\(commit)", "message": "Rendering skipped"},
       "sync": {"commit": "\(commit)"\(errors)},
       "conditions": [
         {"type": "Reconciling", "status": "False"},
         {"type": "Stalled", "status": "\(stalled)", "reason": "Validation",
          "message": "KNV1061: RootSyncs must be in the config-management-system namespace"},
         {"type": "Syncing", "status": "\(syncing)", "message": "Sync", "commit": "\(commit)"}]}
      """
  }

  func elapsed(_ body: () throws -> Void) rethrows -> TimeInterval {
    let start = Date()
    try body()
    return Date().timeIntervalSince(start)
  }

  func message(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch {
      return "\(error)"
    }
  }

  // MARK: Apply and read

  @Test func preflightPassesWhenConfigSyncIsInstalled() throws {
    let server = try FakeKubeAPIServer()
    let kubectl = try server.kubectl()
    try kubectl.preflight()
    try kubectl.preflight(kinds: [.rootsync, .reposync])
  }

  @Test func preflightFallsBackToDiscoveryForUsersWhoMayNotReadCRDs() throws {
    let forbidden =
      #"{"method": "GET", "path": "/customresourcedefinitions", "code": 403, "reason": "Forbidden", "message": "customresourcedefinitions.apiextensions.k8s.io is forbidden: User \"dev\" cannot get resource"}"#
    let server = try FakeKubeAPIServer()
    try server.request("POST", "/_fake/fail", body: forbidden)
    // kubectl's get of the CRDs is refused; API discovery answers instead.
    try server.kubectl().preflight(kinds: [.rootsync, .reposync])

    let bare = try FakeKubeAPIServer(configSync: false)
    try bare.request("POST", "/_fake/fail", body: forbidden)
    #expect(
      message { try bare.kubectl().preflight() }
        == "Config Sync is not installed in the cluster (no CustomResourceDefinition rootsyncs.configsync.gke.io); install it first"
    )
  }

  @Test func preflightSaysConfigSyncIsNotInstalled() throws {
    let server = try FakeKubeAPIServer(configSync: false)
    let kubectl = try server.kubectl()
    #expect(
      message { try kubectl.preflight() }
        == "Config Sync is not installed in the cluster (no CustomResourceDefinition rootsyncs.configsync.gke.io); install it first"
    )
    #expect(
      message { try kubectl.preflight(kinds: [.reposync]) }
        == "Config Sync is not installed in the cluster (no CustomResourceDefinition reposyncs.configsync.gke.io); install it first"
    )
    // Applying or listing anyway says the same, not kubectl's "no matches for kind" or "the
    // server doesn't have a resource type".
    #expect(
      message { try kubectl.apply([try rootSync()]) }
        == "Config Sync is not installed in the cluster (no CustomResourceDefinition rootsyncs.configsync.gke.io); install it first"
    )
    #expect(
      message { _ = try kubectl.listManaged() }
        == "Config Sync is not installed in the cluster (no CustomResourceDefinition rootsyncs.configsync.gke.io); install it first"
    )
  }

  @Test func aServerSideDryRunChecksEveryObjectAndStoresNone() throws {
    let server = try FakeKubeAPIServer()
    let kubectl = try server.kubectl()
    #expect(
      try kubectl.apply([try rootSync()], dryRun: true) == [
        "rootsync.configsync.gke.io/my-app serverside-applied (server dry run)"
      ])
    #expect(try server.object(rootSyncPath) == nil)
    #expect(try server.requests().contains { $0.hasPrefix("PATCH") && $0.contains("dryRun=All") })
    // What the server refuses is found out with nothing written, whatever comes first.
    var elsewhere = try rootSync(name: "elsewhere")
    elsewhere.set(.scalar("nowhere"), at: ["metadata", "namespace"])
    #expect(
      message { try kubectl.apply([try rootSync(), elsewhere], dryRun: true) }?.contains(
        "namespaces \"nowhere\" not found") == true)
    #expect(try server.object(rootSyncPath) == nil)
  }

  @Test func applyThenGetAndList() throws {
    let server = try FakeKubeAPIServer()
    let kubectl = try server.kubectl()
    let repoSync = try yaml(
      """
      apiVersion: configsync.gke.io/v1beta1
      kind: RepoSync
      metadata:
        name: team-app
        namespace: default
        labels: {app.kubernetes.io/managed-by: stoop}
      spec:
        git: {repo: "https://git.example.com/deployments.git", revision: team-app/v1, auth: none}
      """)
    let lines = try kubectl.apply([
      try rootSync(), repoSync, try rootSync(name: "by-hand", managed: false),
    ])
    #expect(
      lines == [
        "rootsync.configsync.gke.io/my-app serverside-applied",
        "reposync.configsync.gke.io/team-app serverside-applied",
        "rootsync.configsync.gke.io/by-hand serverside-applied",
      ])
    let applies = try server.requests().filter { $0.hasPrefix("PATCH") }
    #expect(applies.count == 3)
    for request in applies {
      #expect(request.contains("fieldManager=stoop"), "\(request)")
      #expect(request.hasSuffix(" application/apply-patch+yaml"), "\(request)")
    }

    let object = try #require(try kubectl.get(myApp))
    #expect(object["kind"]?.string == "RootSync")
    #expect(object.node(at: ["spec", "git", "revision"])?.string == "my-app/v3")
    #expect(object.node(at: ["metadata", "generation"])?.string == "1")
    #expect(
      try kubectl.get(.init(kind: .rootsync, name: "nope", namespace: "config-management-system"))
        == nil)

    let managed = try kubectl.listManaged()
    #expect(
      managed.map {
        "\($0["kind"]?.string ?? "")/\($0.node(at: ["metadata", "name"])?.string ?? "")"
      }
        == ["RootSync/my-app", "RepoSync/team-app"])
    #expect(try kubectl.listManaged(kinds: [.reposync]).count == 1)
    #expect(try kubectl.listManaged(namespace: "default").count == 1)

    // Applying a new revision is an upsert: the generation moves, the label stays.
    var moved = try rootSync()
    moved.set(.scalar("my-app/v4"), at: ["spec", "git", "revision"])
    try kubectl.apply([moved])
    let after = try #require(try kubectl.get(myApp))
    #expect(after.node(at: ["spec", "git", "revision"])?.string == "my-app/v4")
    #expect(after.node(at: ["metadata", "generation"])?.string == "2")
  }

  @Test func kubectlFailuresAreOneLineWithTheirExitCodes() throws {
    let server = try FakeKubeAPIServer()
    let kubectl = try server.kubectl()
    try server.request(
      "POST", "/_fake/fail",
      body:
        #"{"method": "PATCH", "code": 409, "reason": "Conflict", "message": "Apply failed with 1 conflict: conflict with \"kubectl-edit\": .spec.git.revision"}"#
    )
    do {
      try kubectl.apply([try rootSync()])
      Issue.record("the conflict was not reported")
    } catch let error as OrchestrationError {
      guard case .conflict = error else { throw error }
      #expect(
        error.description
          == #"kubectl apply: Apply failed with 1 conflict: conflict with "kubectl-edit": .spec.git.revision"#
      )
    }
    try server.request(
      "POST", "/_fake/fail",
      body:
        #"{"method": "PATCH", "code": 422, "reason": "Invalid", "message": "RootSync.configsync.gke.io \"my-app\" is invalid: spec.git.auth: Required value", "details": {"name": "my-app", "group": "configsync.gke.io", "kind": "RootSync", "causes": [{"reason": "FieldValueRequired", "message": "Required value", "field": "spec.git.auth"}]}}"#
    )
    do {
      try kubectl.apply([try rootSync()])
      Issue.record("the invalid object was not reported")
    } catch let error as OrchestrationError {
      guard case .validationFailed = error else { throw error }
      #expect(error.description.hasPrefix("kubectl apply: "))
      #expect(error.description.hasSuffix("spec.git.auth: Required value"))
    }
    try server.request(
      "POST", "/_fake/fail",
      body:
        #"{"method": "GET", "path": "/rootsyncs/my-app", "code": 403, "reason": "Forbidden", "message": "rootsyncs.configsync.gke.io \"my-app\" is forbidden: User \"dev\" cannot get resource"}"#
    )
    do {
      _ = try kubectl.get(myApp)
      Issue.record("the refusal was not reported")
    } catch {
      guard case .invalidOperation = error else { throw error }
      #expect(!error.description.contains("\n"))
      #expect(error.description.hasPrefix("kubectl get: Error from server (Forbidden): "))
    }
  }

  @Test func aClusterThatDoesNotAnswerIsStoppedAtTheCallTimeout() throws {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Support/silent-server.py").path
    let silent = Process()
    silent.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    silent.arguments = ["python3", script]
    let pipe = Pipe()
    silent.standardOutput = pipe
    try silent.run()
    defer {
      kill(silent.processIdentifier, SIGKILL)
      silent.waitUntilExit()
    }
    var line: [UInt8] = []
    while let byte = pipe.fileHandleForReading.readData(ofLength: 1).first, byte != 0x0A {
      line.append(byte)
    }
    let server = try FakeKubeAPIServer()
    let config = try String(contentsOfFile: server.kubeconfig, encoding: .utf8)
      .replacingOccurrences(
        of: "127.0.0.1:\(server.port)", with: "127.0.0.1:\(String(decoding: line, as: UTF8.self))")
    try config.write(toFile: server.kubeconfig, atomically: true, encoding: .utf8)
    var kubectl = try server.kubectl()
    kubectl.callTimeout = 2
    var text: String?
    let took = elapsed { text = message { try kubectl.preflight() } }
    #expect(took < 10)
    #expect(
      text
        == "kubectl get customresourcedefinitions did not finish within 2s; check that the cluster is reachable"
    )
  }

  // MARK: Waiting

  @Test func waitReturnsAtOnceWhenAlreadySynced() throws {
    let server = try FakeKubeAPIServer()
    let kubectl = try server.kubectl()
    try kubectl.apply([try rootSync()])
    try server.setStatus(of: rootSyncPath, status())
    var health: SyncHealth?
    let took = try elapsed { health = try kubectl.waitUntilSynced(myApp, commit: sha, timeout: 60) }
    #expect(took < 5)
    #expect(health?.status == .synced)
    #expect(health?.commit == sha)
    let reads = try server.requests().filter { $0.hasPrefix("GET") && $0.contains("/rootsyncs") }
    #expect(reads.count == 1, "\(reads)")
  }

  @Test func waitFollowsTheSyncUntilItIsSyncedAtTheCommit() throws {
    let server = try FakeKubeAPIServer()
    let kubectl = try server.kubectl()
    try kubectl.apply([try rootSync()])
    try server.setStatus(of: rootSyncPath, status(commit: "f" + sha.dropFirst(), syncing: "True"))
    let writer = Thread {
      Thread.sleep(forTimeInterval: 1)
      try? server.setStatus(of: rootSyncPath, status())
    }
    writer.start()
    var seen: [SyncHealth.Status] = []
    let health = try kubectl.waitUntilSynced(myApp, commit: sha, timeout: 30) {
      seen.append($0.status)
    }
    #expect(health.isSyncedAt(sha))
    #expect(seen.first == .pending)
  }

  @Test func waitFailsFastOnStalled() throws {
    let server = try FakeKubeAPIServer()
    let kubectl = try server.kubectl()
    try kubectl.apply([try rootSync()])
    try server.setStatus(of: rootSyncPath, status(stalled: "True"))
    var text: String?
    let took = elapsed {
      text = message { try kubectl.waitUntilSynced(myApp, commit: sha, timeout: 60) }
    }
    #expect(took < 10)
    #expect(
      text
        == "RootSync config-management-system/my-app is Stalled: Validation: KNV1061: RootSyncs must be in the config-management-system namespace"
    )
  }

  @Test func waitFailsFastOnErrors() throws {
    let server = try FakeKubeAPIServer()
    let kubectl = try server.kubectl()
    try kubectl.apply([try rootSync()])
    try server.setStatus(
      of: rootSyncPath,
      status(
        errors:
          #", "errors": [{"code": "2009", "errorMessage": "KNV2009: failed to apply Deployment.apps, demo/web: forbidden"}], "errorSummary": {"totalCount": 1}"#
      ))
    var text: String?
    let took = elapsed {
      text = message { try kubectl.waitUntilSynced(myApp, commit: sha, timeout: 60) }
    }
    #expect(took < 10)
    #expect(
      text
        == "RootSync config-management-system/my-app is Error: 1 error: KNV2009: failed to apply Deployment.apps, demo/web: forbidden"
    )
  }

  @Test func waitTimesOutSayingWhatIsPending() throws {
    let server = try FakeKubeAPIServer()
    let kubectl = try server.kubectl()
    try kubectl.apply([try rootSync()])
    let previous = "fedcba9876543210fedcba9876543210fedcba98"
    try server.setStatus(of: rootSyncPath, status(commit: previous, syncing: "True"))
    var text: String?
    let took = elapsed {
      text = message { try kubectl.waitUntilSynced(myApp, commit: sha, timeout: 1.5) }
    }
    #expect(took >= 1.5 && took < 10)
    #expect(
      text
        == "RootSync config-management-system/my-app is not synced at 0123456 after 2s: Pending: syncing commit fedcba9: Sync; source at fedcba9, rendering at fedcba9, sync at fedcba9, last synced at fedcba9 (want 0123456)"
    )
    // A spec the reconciler has not seen yet says so.
    try server.setStatus(of: rootSyncPath, #"{"observedGeneration": 0}"#)
    #expect(
      message { try kubectl.waitUntilSynced(myApp, commit: sha, timeout: 0.5) }?.contains(
        "Pending: Config Sync has not observed generation 1 of the spec yet (it saw 0)") == true)
  }

  @Test func waitOnAMissingSyncFails() throws {
    let server = try FakeKubeAPIServer()
    let kubectl = try server.kubectl()
    #expect(
      message { try kubectl.waitUntilSynced(myApp, commit: sha, timeout: 5) }
        == "RootSync config-management-system/my-app does not exist (any more); create it again")
  }

}
