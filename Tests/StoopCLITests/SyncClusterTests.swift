import Foundation
import Testing

/// Tests/Support/fake-kube-apiserver.py on 127.0.0.1 for the built binary and the real kubectl:
/// its own kubeconfig (current context `fake`) and a HOME for kubectl's cache, in a temporary
/// directory; stopped when released. The test hooks are reached with python3, as the server is.
final class FakeCluster {
  let process = Process()
  let directory: String
  let port: Int

  var kubeconfig: String { directory + "/kubeconfig" }
  /// What stoop needs to reach it as the current kube context.
  var environment: [String: String] { ["KUBECONFIG": kubeconfig, "HOME": directory + "/home"] }

  init(configSync: Bool = true) throws {
    directory = temporaryDirectory("kube")
    try FileManager.default.createDirectory(
      atPath: directory + "/home", withIntermediateDirectories: true)
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Support/fake-kube-apiserver.py").path
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      ["python3", script, directory + "/kubeconfig", "--lifetime", "120"]
      + (configSync ? [] : ["--no-config-sync"])
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line: [UInt8] = []
    while true {
      let byte = pipe.fileHandleForReading.readData(ofLength: 1)
      guard let first = byte.first, first != 0x0A else { break }
      line.append(first)
    }
    port = Int(String(decoding: line, as: UTF8.self)) ?? 0
  }

  /// One request to a test hook; the body of a 200 answer, nil for any other.
  @discardableResult
  func hook(_ method: String, _ path: String, body: String = "") throws -> String? {
    let client = """
      import sys, urllib.request, urllib.error
      data = sys.argv[3].encode() if sys.argv[2] == "POST" else None
      request = urllib.request.Request(sys.argv[1], data=data, method=sys.argv[2],
                                       headers={"Content-Type": "application/json"})
      try:
          with urllib.request.urlopen(request, timeout=10) as answer:
              sys.stdout.write(answer.read().decode())
      except urllib.error.HTTPError:
          sys.exit(1)
      """
    let result = try run(
      "/usr/bin/env",
      ["python3", "-c", client, "http://127.0.0.1:\(port)/_fake/" + path, method, body])
    return result.status == 0 ? String(decoding: result.stdout, as: UTF8.self) : nil
  }

  func configure(_ json: String) throws {
    try #require(try hook("POST", "config", body: json) != nil)
  }

  /// Writes `status` (JSON) as Config Sync's reconciler would.
  func setStatus(of path: String, _ status: String) throws {
    try #require(try hook("POST", "status/" + path, body: status) != nil)
  }

  /// Creates or replaces an object as is, without kubectl.
  func put(_ object: String) throws {
    try #require(try hook("POST", "object", body: object) != nil)
  }

  /// The stored object at an API path, nil when there is none.
  func object(_ path: String) throws -> [String: Any]? {
    guard let text = try hook("GET", "object/" + path) else { return nil }
    return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
  }

  func stop() {
    // SIGKILL: the test runner's threads block SIGTERM, and a child inherits that mask.
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(atPath: directory)
  }
}

private let kubectlInstalled =
  (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
    FileManager.default.isExecutableFile(atPath: $0 + "/kubectl")
  }

private let rootSyncs =
  "apis/configsync.gke.io/v1beta1/namespaces/config-management-system/rootsyncs/"

/// Config Sync's status for a sync at `commit`: synced, still syncing, or stalled.
private func status(
  commit: String, generation: Int = 1, syncing: Bool = false, stalled: Bool = false
) -> String {
  """
  {"observedGeneration": \(generation), "lastSyncedCommit": "\(commit)",
   "source": {"commit": "\(commit)"},
   "rendering": {"commit": "\(commit)", "message": "Rendering skipped"},
   "sync": {"commit": "\(commit)"},
   "conditions": [
     {"type": "Reconciling", "status": "False"},
     {"type": "Stalled", "status": "\(stalled ? "True" : "False")", "reason": "Validation",
      "message": "KNV1061: RootSyncs must be in the config-management-system namespace"},
     {"type": "Syncing", "status": "\(syncing ? "True" : "False")", "message": "Sync",
      "commit": "\(commit)"}]}
  """
}

/// The cluster target through the built binary, a real kubectl and the fake API server.
@Suite(.enabled(if: kubectlInstalled, "kubectl is not installed (.ci/run installs it)"))
struct SyncToACluster {
  let world: UpgradeWorld
  let server: FakeCluster

  init() throws {
    world = try UpgradeWorld.registered("sync-cluster")
    try world.revision("v1", value: "one")
    server = try FakeCluster()
  }

  func stoop(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
    try world.stoop(arguments, environment: server.environment.merging(environment) { $1 })
  }

  func output(_ arguments: [String]) throws -> String {
    let result = try stoop(arguments)
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
    return String(decoding: result.stdout, as: UTF8.self)
  }

  func commit(_ tag: String) throws -> String {
    String(try world.git(["-C", world.blueprints, "rev-parse", tag + "^{commit}"]).dropLast())
  }

  /// The one row of `sync get web`, split into its columns.
  func row(_ extra: [String] = []) throws -> [String] {
    let table = try output(["sync", "get", "web"] + extra).split(separator: "\n")
    #expect(table.count == 2)
    return table.last.map { $0.split(separator: " ").map(String.init) } ?? []
  }

  /// Waits for the process to end, killing it after `limit` seconds.
  func finish(_ process: Process, within limit: TimeInterval) {
    let deadline = Date().addingTimeInterval(limit)
    while process.isRunning, Date() < deadline { usleep(20_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
  }

  @Test func aRootSyncIsAppliedShownSyncedAndUpToDateThenDeletedWithWhatItDeployed() throws {
    defer { try? FileManager.default.removeItem(atPath: world.work) }
    let v1 = try commit("nginx/v1")
    // No target flag: the current kube context.
    let created = try output(["sync", "create", "web", "--package", "blueprints/nginx"])
    #expect(
      created
        == "RootSync config-management-system/web applied to the cluster fake: blueprints/nginx@v1 (nginx/v1 at \(v1.prefix(7)))\n"
    )
    let object = try #require(try server.object(rootSyncs + "web"))
    let metadata = object["metadata"] as? [String: Any]
    #expect((metadata?["labels"] as? [String: String])?["app.kubernetes.io/managed-by"] == "stoop")
    #expect((metadata?["annotations"] as? [String: String])?["stoop.dev/commit"] == v1)
    #expect(
      ((object["spec"] as? [String: Any])?["git"] as? [String: Any])?["revision"] as? String
        == "nginx/v1")
    #expect(
      (metadata?["managedFields"] as? [[String: Any]])?.first?["manager"] as? String == "stoop")

    // Config Sync has not reported yet; then it has synced the commit.
    #expect(try row()[5...6] == ["Pending", "false"])
    try server.setStatus(of: rootSyncs + "web", status(commit: v1))
    #expect(
      try row().prefix(7) == [
        "web", "RootSync/config-management-system", "blueprints/nginx", "v1", String(v1.prefix(7)),
        "Synced", "true",
      ])
    #expect(try output(["sync", "get", "--context", "fake"]).contains("web "))
    let yaml = try output(["sync", "get", "web", "-o", "yaml"])
    #expect(yaml.hasPrefix("apiVersion: configsync.gke.io/v1beta1\nkind: RootSync\nmetadata:\n"))
    #expect(yaml.contains("\n  generation: 1\n"))
    #expect(yaml.contains("    stoop.dev/commit: \(v1)\n"))
    #expect(!yaml.contains("managedFields"))
    let json = try output(["sync", "get", "-o", "json"])
    let list = try #require(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let item = try #require((list["items"] as? [[String: Any]])?.first)
    #expect((item["metadata"] as? [String: Any])?["generation"] as? Int == 1)

    // A newer revision is published: the cluster still runs what stoop deployed, and says so.
    try world.revision("v2", value: "two")
    let v2 = try commit("nginx/v2")
    let noted = try stoop(["sync", "get"])
    #expect(noted.stderr.contains("web: v2 is published"))
    #expect(try row()[5...6] == ["Synced", "true"])
    // Rolled out: Config Sync has not seen the new spec yet.
    #expect(
      try output(["sync", "create", "web", "--package", "blueprints/nginx"]).hasPrefix(
        "RootSync config-management-system/web moved from v1 to v2 on the cluster fake"))
    #expect(try row()[3...6] == ["v2", String(v1.prefix(7)), "Pending", "false"])
    try server.setStatus(of: rootSyncs + "web", status(commit: v2, generation: 2))
    #expect(try row()[3...6] == ["v2", String(v2.prefix(7)), "Synced", "true"])

    // del: Foreground, waiting for Config Sync to delete what it deployed; then forgotten.
    try server.configure(#"{"finalizeSeconds": 1.5}"#)
    let start = Date()
    let deleted = try output(["sync", "del", "web"])
    #expect(Date().timeIntervalSince(start) >= 1.5)
    #expect(
      deleted
        == "RootSync config-management-system/web deleted from the cluster fake, and what it deployed with it (Foreground)\n"
    )
    #expect(try server.object(rootSyncs + "web") == nil)
    #expect(try stoop(["sync", "get"]).stderr == "No syncs found.\n")
    let again = try stoop(["sync", "del", "web"])
    #expect(again.status == 4)
    #expect(
      again.stderr
        == "Error: stoop remembers no sync named \"web\", and the cluster fake has no sync of stoop's named \"web\"; see stoop sync get --context fake\n"
    )
  }

  @Test func waitReturnsOnceSyncedFailsFastWhenStalledAndSaysWhatIsPending() throws {
    defer { try? FileManager.default.removeItem(atPath: world.work) }
    let v1 = try commit("nginx/v1")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: stoopBinary)
    process.arguments = [
      "sync", "create", "web", "--package", "blueprints/nginx", "--wait", "--timeout", "20s",
    ]
    process.environment = ProcessInfo.processInfo.environment.merging(world.env) { $1 }
      .merging(server.environment) { $1 }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // As Config Sync would, once the RootSync is there.
    var waited = 0
    while try server.object(rootSyncs + "web") == nil, waited < 300 {
      usleep(20_000)
      waited += 1
    }
    try server.setStatus(of: rootSyncs + "web", status(commit: v1))
    finish(process, within: 15)
    #expect(process.terminationStatus == 0)
    let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(said.hasSuffix("; synced at \(v1.prefix(7))\n"))

    // Already synced: get --wait returns at once.
    let start = Date()
    #expect(try stoop(["sync", "get", "web", "--wait"]).status == 0)
    #expect(Date().timeIntervalSince(start) < 10)

    // Stalled: both fail at once, in one line, long before the timeout.
    try server.setStatus(of: rootSyncs + "web", status(commit: v1, stalled: true))
    for arguments in [
      ["sync", "get", "web", "--wait", "--timeout", "1m30s"],
      ["sync", "create", "web", "--package", "blueprints/nginx", "--wait", "--timeout", "1m"],
    ] {
      let start = Date()
      let stalled = try stoop(arguments)
      #expect(Date().timeIntervalSince(start) < 20)
      #expect(stalled.status == 1)
      #expect(stalled.stderr.split(separator: "\n").count == 1, "\(stalled.stderr)")
      #expect(
        stalled.stderr.contains(
          "RootSync config-management-system/web is Stalled: Validation: KNV1061"),
        "\(stalled.stderr)")
    }

    // Still syncing at the timeout: what is pending.
    try server.setStatus(of: rootSyncs + "web", status(commit: v1, syncing: true))
    let pending = try stoop(["sync", "get", "--wait", "--timeout", "1s"])
    #expect(pending.status == 1)
    #expect(
      pending.stderr.hasSuffix(
        "Error: RootSync config-management-system/web is not synced at \(v1.prefix(7)) after 1s: Pending: syncing commit \(v1.prefix(7)): Sync\n"
      ), "\(pending.stderr)")
    // --timeout alone, or --wait for a target Config Sync does not watch, is a usage error.
    #expect(try stoop(["sync", "get", "--timeout", "1s"]).status == 64)
    #expect(try stoop(["sync", "get", "--wait", "--timeout", "2x"]).status == 64)
    let toDir = try stoop([
      "sync", "create", "web", "--package", "blueprints/nginx", "--to-dir", world.work + "/out",
      "--wait",
    ])
    #expect(toDir.status == 64)
  }

  @Test func aRepoSyncComesWithItsRoleBindingAndLeavesWithItAndNothingIsHalfApplied() throws {
    defer { try? FileManager.default.removeItem(atPath: world.work) }
    let create = [
      "sync", "create", "team", "--package", "blueprints/nginx", "--kind", "reposync",
      "--sync-namespace", "team-a", "--context", "fake",
    ]
    let binding = "apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings/reposync-team"
    let repoSync = "apis/configsync.gke.io/v1beta1/namespaces/team-a/reposyncs/team"
    // The namespace does not exist: refused, nothing applied or remembered.
    let missing = try stoop(create)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("namespaces \"team-a\" not found"), "\(missing.stderr)")
    #expect(missing.stderr.split(separator: "\n").count == 1)
    try server.put(#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}"#)
    // The RepoSync refused: the RoleBinding before it in kubectl's apply is not applied either.
    try #require(
      try server.hook(
        "POST", "fail",
        body:
          #"{"method": "PATCH", "path": "/reposyncs/team", "code": 403, "reason": "Forbidden", "message": "reposyncs.configsync.gke.io \"team\" is forbidden: User \"dev\" cannot patch resource"}"#
      ) != nil)
    let forbidden = try stoop(create)
    #expect(forbidden.status == 1)
    #expect(forbidden.stderr.contains("is forbidden"), "\(forbidden.stderr)")
    #expect(try server.object(binding) == nil)
    #expect(try server.object(repoSync) == nil)
    #expect(try stoop(["sync", "get"]).stderr == "No syncs found.\n")

    #expect(
      try output(create)
        == "RepoSync team-a/team applied to the cluster fake: blueprints/nginx@v1 (nginx/v1 at \(try commit("nginx/v1").prefix(7))), with the RoleBinding reposync-team\n"
    )
    let bound = try #require(try server.object(binding))
    #expect(
      ((bound["metadata"] as? [String: Any])?["labels"] as? [String: String])?[
        "app.kubernetes.io/managed-by"] == "stoop")
    #expect(try output(["sync", "get"]).contains("team   RepoSync/team-a   blueprints/nginx   v1"))

    // Orphan: no finalizer to wait for; the RoleBinding stoop created goes too.
    #expect(
      try output(["sync", "del", "team", "--keep-resources"])
        == "RepoSync team-a/team deleted from the cluster fake; what it deployed is left in place (Orphan)\nRoleBinding team-a/reposync-team deleted\n"
    )
    #expect(try server.object(repoSync) == nil)
    #expect(try server.object(binding) == nil)
    // Cluster flags for a target that is not a cluster are a usage error.
    #expect(
      try stoop(["sync", "del", "team", "--to-dir", world.work, "--keep-resources"]).status == 64)
  }

  @Test func aMissingKubectlOrConfigSyncOrContextIsOneLine() throws {
    defer { try? FileManager.default.removeItem(atPath: world.work) }
    let create = ["sync", "create", "web", "--package", "blueprints/nginx"]
    func refused(_ result: Run, _ status: Int32, _ line: String) {
      #expect(result.status == status, "\(result.stderr)")
      #expect(result.stderr == "Error: \(line)\n")
      #expect(result.stdout.isEmpty)
    }
    let empty = world.work + "/empty-path"
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    let noKubectl = "kubectl is not installed; install it or use --to-dir/--to-repository/-o"
    refused(try stoop(create, environment: ["PATH": empty]), 1, noKubectl)
    refused(
      try stoop(["sync", "get", "--context", "fake"], environment: ["PATH": empty]), 1, noKubectl)

    let bare = try FakeCluster(configSync: false)
    let missing =
      "Config Sync is not installed in the cluster (no CustomResourceDefinition rootsyncs.configsync.gke.io); install it first"
    refused(try world.stoop(create, environment: bare.environment), 1, missing)
    refused(
      try world.stoop(["sync", "get", "--context", "fake"], environment: bare.environment), 1,
      missing)
    #expect(
      try world.stoop(["sync", "get"], environment: bare.environment).stderr == "No syncs found.\n")

    refused(
      try stoop(create + ["--context", "nope"]), 4,
      "no kube context \"nope\" in \(server.kubeconfig); see kubectl config get-contexts")
  }
}
