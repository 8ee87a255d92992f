import Foundation
import Testing

/// The upgrade tests' world with both repositories registered (`blueprints` will hold the
/// package `nginx`), and the steps the sync tests repeat.
extension UpgradeWorld {
  static func registered(_ name: String) throws -> UpgradeWorld {
    let world = try UpgradeWorld(name)
    try world.output(["repo", "register", world.blueprints, "--create-branch"])
    try world.output(["repo", "register", world.deployments, "--create-branch"])
    return world
  }

  func stoop(_ arguments: [String], environment extra: [String: String]) throws -> Run {
    try run(stoopBinary, arguments, environment: env.merging(extra) { $1 })
  }

  func git(_ arguments: [String]) throws -> String {
    String(decoding: try run("/usr/bin/env", ["git"] + arguments).stdout, as: UTF8.self)
  }

  /// A new revision of nginx in workspace `workspace` with `cm.yaml` holding `value`, left as
  /// a Draft, Proposed or published.
  func revision(_ workspace: String, value: String, publish: Bool = true, propose: Bool = true)
    throws
  {
    if workspace == "v1" {
      try output(["rpkg", "init", "nginx", "--repository", "blueprints", "--workspace", "v1"])
    } else {
      try output(["rpkg", "copy", "blueprints/nginx@v1", "--workspace", workspace])
    }
    let pulled = work + "/pulled-" + workspace
    try output(["rpkg", "pull", "blueprints.nginx.\(workspace)", pulled])
    try Data(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  value: \(value)\n".utf8
    )
    .write(to: URL(fileURLWithPath: pulled + "/cm.yaml"))
    try output(["rpkg", "push", "blueprints.nginx.\(workspace)", pulled])
    if propose { try output(["rpkg", "propose", "blueprints.nginx.\(workspace)"]) }
    if publish { try output(["rpkg", "approve", "blueprints.nginx.\(workspace)"]) }
  }
}

private func read(_ path: String) -> String {
  String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
}

@Test func aDirectoryDeploymentIsCheckedRolledOutRolledBackAndRemoved() throws {
  let world = try UpgradeWorld.registered("sync-dir")
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  try world.revision("v1", value: "one")
  let out = world.work + "/out"

  let created = try world.output([
    "sync", "create", "web", "--package", "nginx", "--repository", "blueprints", "--to-dir", out,
  ])
  #expect(created.hasPrefix("web deployed to \(out): blueprints/nginx@v1 (nginx/v1 at "))
  #expect(read(out + "/cm.yaml").contains("value: one"))
  #expect(
    Set(try FileManager.default.contentsOfDirectory(atPath: out)) == [
      ".stoop-sync.yaml", "Kptfile", "README.md", "cm.yaml", "package-context.yaml",
    ])
  let tag = try world.git(["-C", world.blueprints, "rev-parse", "nginx/v1^{commit}"])
  let state = read(out + "/.stoop-sync.yaml")
  #expect(state.contains("commit: " + tag))
  #expect(state.contains("tag: nginx/v1\n"))
  #expect(state.contains("- path: cm.yaml\n    sha256: "))
  // Nothing staged beside it is left.
  #expect(
    try FileManager.default.contentsOfDirectory(atPath: world.work).filter { $0.hasPrefix(".") }
      == [])

  func row() throws -> [String] {
    let table = try world.output(["sync", "get", "web"]).split(separator: "\n")
    #expect(table.count == 2)
    return table.last.map { $0.split(separator: " ").map(String.init) } ?? []
  }
  #expect(
    try row().prefix(7) == [
      "web", "Directory", "blueprints/nginx", "v1", String(tag.prefix(7)), "Synced", "true",
    ])

  // An edit is drift, and says which file.
  try Data("edited\n".utf8).write(to: URL(fileURLWithPath: out + "/cm.yaml"))
  #expect(try row()[5] == "Drifted")
  #expect(try world.stoop(["sync", "get"]).stderr.contains("web: edited cm.yaml"))

  // Running create again reverts the drift.
  try world.output([
    "sync", "create", "web", "--package", "nginx", "--repository", "blueprints", "--to-dir", out,
  ])
  #expect(try row()[5] == "Synced")

  // A newer revision makes it out of date; create moves it there; @v1 moves it back.
  try world.revision("v2", value: "two")
  #expect(try row()[5...6] == ["OutOfDate", "false"])
  let moved = try world.output([
    "sync", "create", "web", "--package", "nginx", "--repository", "blueprints", "--to-dir", out,
  ])
  #expect(moved.hasPrefix("web moved from v1 to v2 in \(out)"))
  #expect(read(out + "/cm.yaml").contains("value: two"))
  #expect(
    try row()[3...6] == [
      "v2",
      String(try world.git(["-C", world.blueprints, "rev-parse", "nginx/v2^{commit}"]).prefix(7)),
      "Synced", "true",
    ])
  let back = try world.output([
    "sync", "create", "web", "--package", "nginx@v1", "--repository", "blueprints", "--to-dir", out,
  ])
  #expect(back.hasPrefix("web moved from v2 to v1 in \(out)"))
  #expect(read(out + "/cm.yaml").contains("value: one"))
  #expect(try row()[5...6] == ["OutOfDate", "false"])

  // del removes exactly what it wrote: a file added beside it stays.
  try Data("mine\n".utf8).write(to: URL(fileURLWithPath: out + "/notes.txt"))
  let removed = try world.output(["sync", "del", "web"])
  #expect(removed.contains("left what stoop did not write: notes.txt"))
  #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["notes.txt"])
  #expect(try world.stoop(["sync", "get", "web"]).status == 4)
  // A directory with files of its own and no sync is not deployed into.
  let refused = try world.stoop([
    "sync", "create", "web", "--package", "nginx", "--repository", "blueprints", "--to-dir", out,
  ])
  #expect(refused.status == 1 && refused.stderr.contains("is not empty (notes.txt)"))
  #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["notes.txt"])
}

@Test func aSyncRepositoryGetsOneCommitPerChangeAndLosesNothingToARacingWriter() throws {
  let world = try UpgradeWorld.registered("sync-repo")
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  try world.revision("v1", value: "one")
  let create = [
    "sync", "create", "prod-web", "--package", "blueprints/nginx@v1", "--to-repository",
    "deployments",
    "--to-path", "clusters/prod",
  ]
  #expect(
    try world.output(create).hasPrefix(
      "RootSync prod-web committed to deployments:clusters/prod/prod-web.rootsync.yaml"))
  let file = try world.git([
    "-C", world.deployments, "show", "main:clusters/prod/prod-web.rootsync.yaml",
  ])
  #expect(file.contains("    revision: nginx/v1\n"))
  #expect(file.contains("    repo: \(world.blueprints)\n"))
  #expect(!file.contains("deletion-propagation-policy"))
  #expect(
    try world.git(["-C", world.deployments, "log", "-1", "--format=%s", "main"])
      == "Deploy blueprints/nginx v1 as RootSync prod-web\n")
  // The same again writes nothing.
  let head = try world.git(["-C", world.deployments, "rev-parse", "main"])
  #expect(try world.output(create).contains("is already in"))
  #expect(try world.git(["-C", world.deployments, "rev-parse", "main"]) == head)

  // A writer that pushes between stoop's fetch and its push wins; stoop exits 3.
  let pause = world.work + "/paused"
  let process = Process()
  process.executableURL = URL(fileURLWithPath: stoopBinary)
  process.arguments = [
    "sync", "create", "team", "--package", "nginx", "--repository", "blueprints", "--kind",
    "reposync",
    "--sync-namespace", "team-a", "--to-repository", "deployments", "--to-path", "clusters/prod",
  ]
  process.environment = ProcessInfo.processInfo.environment.merging(world.env) { $1 }
    .merging(["STOOP_PAUSE": "sync.repository.committed:" + pause]) { $1 }
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  try process.run()
  var waited = 0
  while !FileManager.default.fileExists(atPath: pause), waited < 3000 {
    usleep(10_000)
    waited += 1
  }
  let other = world.work + "/other"
  _ = try world.git(["clone", "-q", world.deployments, other])
  try Data("theirs\n".utf8).write(to: URL(fileURLWithPath: other + "/clusters/prod/theirs.yaml"))
  _ = try world.git(["-C", other, "add", "."])
  _ = try world.git([
    "-C", other, "-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qm", "theirs",
  ])
  _ = try world.git(["-C", other, "push", "-q", "origin", "main"])
  try FileManager.default.removeItem(atPath: pause)
  process.waitUntilExit()
  #expect(process.terminationStatus == 3)
  let files = try world.git(["-C", world.deployments, "ls-tree", "-r", "--name-only", "main"])
  #expect(files == "README.md\nclusters/prod/prod-web.rootsync.yaml\nclusters/prod/theirs.yaml\n")
  #expect(
    try world.git(["-C", world.deployments, "log", "-1", "--format=%s", "main"]) == "theirs\n")

  // Run again, it lands on top of theirs.
  #expect(try world.output(Array(process.arguments ?? [])).contains("RepoSync team committed"))
  #expect(
    try world.git(["-C", world.deployments, "ls-tree", "-r", "--name-only", "main"])
      == "README.md\nclusters/prod/prod-web.rootsync.yaml\nclusters/prod/team.reposync.yaml\nclusters/prod/theirs.yaml\n"
  )
  let listing = try world.output([
    "sync", "get", "--to-repository", "deployments", "--to-path", "clusters/prod",
  ])
  #expect(listing.contains("prod-web   RootSync/config-management-system   blueprints/nginx   v1"))
  #expect(listing.contains("team       RepoSync/team-a                     blueprints/nginx   v1"))
  #expect(listing.contains("NotObserved   true"))

  // del: the manifest goes in one commit; stoop remembered where it was.
  let before = try world.git(["-C", world.deployments, "rev-parse", "main"])
  #expect(
    try world.output(["sync", "del", "team"]).hasPrefix(
      "RepoSync team removed from deployments:clusters/prod/team.reposync.yaml"))
  #expect(try world.git(["-C", world.deployments, "rev-parse", "main^"]) == before)
  #expect(
    try world.git(["-C", world.deployments, "log", "-1", "--format=%s", "main"])
      == "Remove RepoSync team\n")
  #expect(!(try world.output(["sync", "get"]).contains("team")))
  #expect(
    try world.stoop([
      "sync", "del", "team", "--to-repository", "deployments", "--to-path", "clusters/prod",
    ]).status == 4)
}

@Test func badInputIsOneLineWithItsExitCodeAndWritesNothing() throws {
  let world = try UpgradeWorld.registered("sync-bad")
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  try world.revision("v1", value: "one", publish: false)
  let out = world.work + "/out"
  let refs = try world.git(["-C", world.deployments, "for-each-ref"])
  func refused(_ arguments: [String], _ status: Int32, _ words: String) throws {
    let result = try world.stoop(["sync", "create"] + arguments)
    #expect(result.status == status, "\(arguments): \(result.stderr)")
    #expect(result.stderr.hasPrefix("Error: ") && result.stderr.contains(words), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }
  let toDir = ["--to-dir", out]
  try refused(
    ["web", "--package", "nginx", "--repository", "blueprints"] + toDir, 1,
    "stoop rpkg approve blueprints.nginx.v1")
  try refused(["web", "--package", "blueprints.nginx.v1"] + toDir, 1, "is Proposed")
  try world.output(["rpkg", "approve", "blueprints.nginx.v1"])
  try world.revision("v2", value: "two", publish: false, propose: false)
  try refused(
    ["web", "--package", "blueprints.nginx.v2"] + toDir, 1, "stoop rpkg propose blueprints.nginx.v2"
  )
  try refused(
    ["web", "--package", "nope", "--repository", "blueprints"] + toDir, 4, "no package \"nope\"")
  try refused(
    ["web", "--package", "nginx@v9", "--repository", "blueprints"] + toDir, 4, "(published: v1)")
  try refused(
    ["web", "--package", "nginx", "--repository", "missing"] + toDir, 4, "not registered")
  let toRepository = ["--to-repository", "deployments", "--to-path", "clusters"]
  try refused(
    [String(repeating: "a", count: 39), "--package", "blueprints/nginx"] + toRepository, 5,
    "Config Sync allows 38")
  try refused(
    ["web", "--package", "blueprints/nginx", "--kind", "reposync", "--sync-namespace", "Team_A"]
      + toRepository, 5,
    "--sync-namespace \"Team_A\"")
  try refused(["Web", "--package", "blueprints/nginx"] + toDir, 5, "sync name \"Web\"")
  try refused(
    ["web", "--package", "blueprints/nginx"], 64, "--to-dir DIR, --to-repository R --to-path DIR")
  try refused(
    ["web", "--package", "blueprints/nginx", "-o", "yaml"] + toDir, 64, "give one target")
  #expect(!FileManager.default.fileExists(atPath: out))
  #expect(!FileManager.default.fileExists(atPath: world.work + "/home/syncs"))
  #expect(try world.git(["-C", world.deployments, "for-each-ref"]) == refs)

  // With a kube context configured, the default target is the cluster (here without kubectl).
  try Data(
    "apiVersion: v1\nkind: Config\ncurrent-context: dev\ncontexts:\n- name: dev\n".utf8
  ).write(to: URL(fileURLWithPath: world.work + "/kubeconfig"))
  let cluster = try world.stoop(
    ["sync", "create", "web", "--package", "blueprints/nginx"],
    environment: ["KUBECONFIG": world.work + "/kubeconfig", "PATH": world.work + "/no-bin"])
  #expect(
    cluster.status == 1
      && cluster.stderr
        == "Error: kubectl is not installed; install it or use --to-dir/--to-repository/-o\n"
  )
}

@Test func theManifestsAloneGoToStdoutOrAFile() throws {
  let world = try UpgradeWorld.registered("sync-file")
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  try world.revision("v1", value: "one")
  let tag = try world.git(["-C", world.blueprints, "rev-parse", "nginx/v1^{commit}"]).dropLast()
  let yaml = try world.output([
    "sync", "create", "web", "--package", "blueprints/nginx", "-o", "yaml", "--pin", "commit",
  ])
  #expect(yaml.hasPrefix("apiVersion: configsync.gke.io/v1beta1\nkind: RootSync\n"))
  #expect(yaml.contains("    revision: \(tag)\n"))
  #expect(yaml.contains("    stoop.dev/commit: \(tag)\n"))
  let json = try world.output([
    "sync", "create", "web", "--package", "blueprints/nginx", "--kind", "reposync",
    "--sync-namespace",
    "team-a", "-o", "json",
  ])
  let list = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
  #expect(list["kind"] as? String == "List")
  #expect(
    (list["items"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == [
      "RepoSync", "RoleBinding",
    ])
  let file = world.work + "/web.yaml"
  #expect(
    try world.output(["sync", "create", "web", "--package", "blueprints/nginx", "--output", file])
      == "RootSync web written to \(file)\n")
  #expect(read(file).contains("    revision: nginx/v1\n"))
  // Nothing to remember: a file is the user's.
  #expect(try world.stoop(["sync", "get"]).stderr == "No syncs found.\n")
}

@Test func aRememberedDeploymentWhoseDirectoryWentIsMissingUntilDelForgetsIt() throws {
  let world = try UpgradeWorld.registered("sync-missing")
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  try world.revision("v1", value: "one")
  let out = world.work + "/out"
  try world.output(["sync", "create", "web", "--package", "blueprints/nginx", "--to-dir", out])
  let yaml = try world.output(["sync", "get", "web", "-o", "yaml"])
  #expect(yaml.hasPrefix("apiVersion: stoop.dev/v1alpha1\nkind: DirectorySync\n"))
  #expect(yaml.contains("status:\n  status: Synced\n  upToDate: \"true\"\n  latestRevision: v1\n"))
  try FileManager.default.removeItem(atPath: out)
  #expect(try world.output(["sync", "get"]).contains("Missing"))
  #expect(
    try world.output(["sync", "del", "web"]) == "web: \(out) holds it no longer; forgotten\n")
  #expect(try world.stoop(["sync", "get"]).stderr == "No syncs found.\n")
  #expect(try world.stoop(["sync", "del", "web"]).status == 4)
}
