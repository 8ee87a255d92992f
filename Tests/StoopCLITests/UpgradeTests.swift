import Foundation
import Testing

private func git(_ arguments: [String]) throws -> String {
  String(decoding: try run("/usr/bin/env", ["git"] + arguments).stdout, as: UTF8.self)
}

/// Two bare remotes registered as `blueprints` and `deployments` (a deployment repository),
/// and the stoop steps every upgrade test repeats.
struct UpgradeWorld {
  let work: String
  let blueprints: String
  let deployments: String
  let env: [String: String]

  init(_ name: String) throws {
    work = temporaryDirectory(name)
    blueprints = try makeBareRemote(in: work)
    deployments = try makeDeploymentRemote(in: work)
    // No kube context: sync's default target is never the cluster of whoever runs the tests.
    env = [
      "STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null",
      "KUBECONFIG": work + "/no-kubeconfig",
    ]
  }

  @discardableResult
  func stoop(_ arguments: [String]) throws -> Run {
    try run(stoopBinary, arguments, environment: env)
  }

  /// stdout of a command expected to succeed.
  @discardableResult
  func output(_ arguments: [String]) throws -> String {
    let result = try stoop(arguments)
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
    return String(decoding: result.stdout, as: UTF8.self)
  }

  /// Pulls a revision, rewrites its deploy.yaml, adds `script` as an executable hook.sh when
  /// given, and pushes it back.
  func edit(_ name: String, script: String? = nil, _ change: (String) -> String) throws {
    let directory = work + "/" + name.replacingOccurrences(of: ".", with: "-")
    #expect(try stoop(["rpkg", "pull", name, directory]).status == 0)
    let path = directory + "/deploy.yaml"
    let before = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    try change(before).write(toFile: path, atomically: false, encoding: .utf8)
    if let script {
      _ = FileManager.default.createFile(
        atPath: directory + "/hook.sh", contents: Data(script.utf8),
        attributes: [.posixPermissions: 0o755])
    }
    let pushed = try stoop(["rpkg", "push", name, directory])
    #expect(pushed.status == 0, "\(pushed.stderr)")
    try? FileManager.default.removeItem(atPath: directory)
  }

  func publish(_ name: String) throws {
    #expect(try stoop(["rpkg", "propose", name]).status == 0)
    #expect(try stoop(["rpkg", "approve", name]).status == 0)
  }

  /// Registers both remotes and publishes blueprints/app@v1: a Deployment `web`, one replica
  /// of nginx:1.0.
  func registerAndPublishBlueprint() throws {
    #expect(try stoop(["repo", "register", blueprints, "--create-branch"]).status == 0)
    #expect(
      try stoop(["repo", "register", deployments, "--create-branch", "--deployment"]).status == 0)
    #expect(
      try stoop(["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"])
        .status == 0)
    try edit("blueprints.app.v1") { _ in
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web # the web tier
      spec:
        replicas: 1
        template:
          spec:
            containers:
              - name: app
                image: nginx:1.0

      """
    }
    try publish("blueprints.app.v1")
  }

  /// blueprints/app@v2: nginx:2.0 and three replicas.
  func publishBlueprintV2() throws {
    #expect(try stoop(["rpkg", "copy", "blueprints/app@v1", "--workspace", "v2"]).status == 0)
    try edit("blueprints.app.v2", script: "#!/bin/sh\necho hook\n") {
      $0.replacingOccurrences(of: "nginx:1.0", with: "nginx:2.0")
        .replacingOccurrences(of: "replicas: 1", with: "replicas: 3")
    }
    try publish("blueprints.app.v2")
  }
}

/// A blueprint published twice, a downstream clone edited and published, then upgraded: the
/// new Draft carries upstream's changes and local edits, lists the conflict, records Porch's
/// upgrade task; --on-conflict=fail writes nothing, =local keeps the local value.
@Test func upgradeMergesUpstreamChangesIntoANewDraft() throws {
  let world = try UpgradeWorld("upgrade")
  let deployments = world.deployments
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  func stoop(_ arguments: [String]) throws -> Run { try world.stoop(arguments) }
  func edit(_ name: String, _ change: (String) -> String) throws { try world.edit(name, change) }
  func publish(_ name: String) throws { try world.publish(name) }
  try world.registerAndPublishBlueprint()
  #expect(
    try stoop(["rpkg", "clone", "blueprints/app@v1", "web", "--repository", "deployments"]).status
      == 0)
  try edit("deployments.web.v1") {
    $0.replacingOccurrences(of: "replicas: 1", with: "replicas: 5")
      .replacingOccurrences(
        of: "  name: web # the web tier\n",
        with: "  name: web # the web tier\n  labels:\n    team: shop\n")
  }
  try publish("deployments.web.v1")
  try world.publishBlueprintV2()

  // Refused on conflict: nothing written, exit 5, the conflict named.
  let refused = try stoop([
    "rpkg", "upgrade", "deployments/web@v1", "--workspace", "v2", "--on-conflict", "fail",
  ])
  #expect(refused.status == 5)
  #expect(
    refused.stderr.contains(
      "deploy.yaml: Deployment web: spec.replicas: origin \"1\", upstream \"3\", local \"5\""),
    "\(refused.stderr)")
  #expect(!(try git(["-C", deployments, "for-each-ref"])).contains("drafts/web/v2"))

  // Default: upstream wins the conflict, as kpt; the conflict is listed.
  let upgraded = try stoop(["rpkg", "upgrade", "deployments/web@v1", "--workspace", "v2"])
  #expect(upgraded.status == 0, "\(upgraded.stderr)")
  #expect(
    String(decoding: upgraded.stdout, as: UTF8.self)
      == "deployments.web.v1 upgraded to deployments.web.v2\n")
  #expect(upgraded.stderr.contains("1 conflict(s), resolved for upstream:"))
  let file = try git(["-C", deployments, "show", "drafts/web/v2:web/deploy.yaml"])
  #expect(file.contains("  name: web # the web tier\n") && file.contains("    team: shop\n"))
  #expect(file.contains("  replicas: 3\n") && file.contains("image: nginx:2.0"))
  // The script upstream added arrives executable.
  #expect(
    try git(["-C", deployments, "ls-tree", "drafts/web/v2", "web/hook.sh"]).hasPrefix("100755 "))
  let kptfile = try git(["-C", deployments, "show", "drafts/web/v2:web/Kptfile"])
  #expect(kptfile.contains("    ref: app/v2\n"))
  let message = try git(["-C", deployments, "log", "-1", "--format=%B", "drafts/web/v2"])
  #expect(
    message
      == "Upgrading revision\n\n\nkpt:{\"package\":\"web\",\"workspaceName\":\"v2\",\"revision\":\"0\",\"task\":{\"type\":\"upgrade\",\"upgrade\":{\"oldUpstreamRef\":{\"name\":\"blueprints.app.v1\"},\"newUpstreamRef\":{\"name\":\"blueprints.app.v2\"},\"localPackageRevisionRef\":{\"name\":\"deployments.web.v1\"},\"strategy\":\"resource-merge\"}}}\n\n"
  )

  // --on-conflict=local keeps the local replicas and still takes the new image.
  let local = try stoop([
    "rpkg", "upgrade", "deployments/web@v1", "--workspace", "v3", "--on-conflict", "local",
    "--revision", "2",
  ])
  #expect(local.status == 0, "\(local.stderr)")
  let kept = try git(["-C", deployments, "show", "drafts/web/v3:web/deploy.yaml"])
  #expect(kept.contains("  replicas: 5\n") && kept.contains("image: nginx:2.0"))

  // A Kptfile whose lock was removed by hand: the old upstream comes from the task history
  // (this copy's edit task, then web v1's clone task), as Porch finds it.
  #expect(try stoop(["rpkg", "copy", "deployments/web@v1", "--workspace", "nolock"]).status == 0)
  let unlocked = world.work + "/nolock"
  #expect(try stoop(["rpkg", "pull", "deployments.web.nolock", unlocked]).status == 0)
  let withLock = try String(contentsOfFile: unlocked + "/Kptfile", encoding: .utf8)
  let withoutLock = withLock.replacingOccurrences(
    of: #"upstreamLock:\n(  .*\n)+"#, with: "", options: .regularExpression)
  #expect(withoutLock != withLock && !withoutLock.contains("upstreamLock"))
  try withoutLock.write(toFile: unlocked + "/Kptfile", atomically: false, encoding: .utf8)
  #expect(try stoop(["rpkg", "push", "deployments.web.nolock", unlocked]).status == 0)
  try publish("deployments.web.nolock")
  let byTasks = try stoop(["rpkg", "upgrade", "deployments.web.nolock", "--workspace", "tasks"])
  #expect(byTasks.status == 0, "\(byTasks.stderr)")
  #expect(
    try git(["-C", deployments, "log", "-1", "--format=%B", "drafts/web/tasks"]).contains(
      "\"oldUpstreamRef\":{\"name\":\"blueprints.app.v1\"}"))

  // Bad input: a draft source, a revision that does not exist, a taken workspace.
  let draft = try stoop(["rpkg", "upgrade", "deployments.web.v2", "--workspace", "v9"])
  #expect(draft.status == 1 && draft.stderr.contains("upgrade a published revision"))
  let missing = try stoop([
    "rpkg", "upgrade", "deployments/web@v1", "--workspace", "v9", "--revision", "7",
  ])
  #expect(missing.status == 1 && missing.stderr.contains("has no published revision v7"))
  let taken = try stoop(["rpkg", "upgrade", "deployments/web@v1", "--workspace", "v2"])
  #expect(taken.status == 1 && taken.stderr.contains("workspaceNames must be unique"))
}

/// Two downstream clones of one blueprint: --discover lists what each can move to, porchctl's
/// tables; --all --upstream makes one Draft per package, refuses the one with a conflict under
/// --on-conflict=fail, and reports a package already on the target as up to date.
@Test func discoverAndBulkUpgradeCoverEveryDownstreamPackage() throws {
  let world = try UpgradeWorld("bulk-upgrade")
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  try world.registerAndPublishBlueprint()
  for name in ["web", "api"] {
    _ = try world.output([
      "rpkg", "clone", "blueprints/app@v1", name, "--repository", "deployments",
    ])
  }
  try world.edit("deployments.web.v1") {
    $0.replacingOccurrences(of: "replicas: 1", with: "replicas: 5")
  }
  try world.publish("deployments.web.v1")
  try world.publish("deployments.api.v1")

  #expect(
    try world.output(["rpkg", "upgrade", "--discover", "downstream"])
      == "All downstream packages are up to date.\n")
  try world.publishBlueprintV2()

  let upstream = try world.output([
    "rpkg", "upgrade", "--discover=upstream", "deployments.web.v1", "blueprints.app.v1",
  ])
  #expect(
    upstream == """
      PACKAGE REVISION     UPSTREAM REPOSITORY   UPSTREAM UPDATES
      deployments.web.v1   blueprints            v2
      blueprints.app.v1                          No update available

      """)
  let downstream = try world.output(["rpkg", "upgrade", "--discover", "downstream"])
  // Placeholders are listed too, as porchctl lists them.
  #expect(
    downstream == """
      PACKAGE REVISION    DOWNSTREAM PACKAGE     DOWNSTREAM UPDATE
      blueprints.app.v2   deployments.api.main   v1->v2
      blueprints.app.v2   deployments.api.v1     v1->v2
      blueprints.app.v2   deployments.web.main   v1->v2
      blueprints.app.v2   deployments.web.v1     v1->v2

      """, "\(downstream)")

  // For scripts: the same as a JSON list.
  let json = try world.output(["rpkg", "upgrade", "--discover", "downstream", "-o", "json"])
  let list = try #require(
    try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
  let items = try #require(list["items"] as? [[String: Any]])
  #expect(items.count == 4 && list["kind"] as? String == "List")
  #expect(items.first?["downstream"] as? String == "deployments.api.main")
  #expect(items.first?["current"] as? String == "v1" && items.first?["update"] as? String == "v2")

  // Under fail, web's replicas conflict refuses web alone; api gets its Draft. Exit 5.
  let refused = try world.stoop([
    "rpkg", "upgrade", "--all", "--upstream", "blueprints/app", "--on-conflict", "fail",
  ])
  #expect(refused.status == 5, "\(refused.stderr)")
  #expect(
    String(decoding: refused.stdout, as: UTF8.self) == """
      DOWNSTREAM           UPDATE   RESULT      CONFLICTS   NEW REVISION
      deployments.api.v1   v1->v2   created     0           deployments.api.upgrade-v2
      deployments.web.v1   v1->v2   conflicts   1

      """)
  #expect(refused.stderr.contains("spec.replicas: origin \"1\", upstream \"3\", local \"5\""))
  let refs = String(
    decoding: try run("/usr/bin/env", ["git", "-C", world.deployments, "for-each-ref"]).stdout,
    as: UTF8.self)
  #expect(refs.contains("refs/heads/drafts/api/upgrade-v2"))
  #expect(!refs.contains("refs/heads/drafts/web/upgrade-v2"))

  // Once api's Draft is published it is up to date; web upgrades with upstream winning.
  try world.publish("deployments.api.upgrade-v2")
  let bulk = try world.stoop([
    "rpkg", "upgrade", "--all", "--upstream", "blueprints.app.v1", "--repository", "deployments",
    "--workspace", "next",
  ])
  #expect(bulk.status == 0, "\(bulk.stderr)")
  #expect(
    String(decoding: bulk.stdout, as: UTF8.self) == """
      DOWNSTREAM                   UPDATE   RESULT       CONFLICTS   NEW REVISION
      deployments.api.upgrade-v2   v2       up to date   0
      deployments.web.v1           v1->v2   created      1           deployments.web.next

      """)
  #expect(
    bulk.stderr.contains("deployments.web.v1: conflict resolved for upstream: deploy.yaml"))

  // An untouched clone fast-forwards: the merge keys the clone added are not local changes.
  let forwarded = try world.stoop([
    "rpkg", "upgrade", "deployments/api@v1", "--workspace", "ff", "--strategy", "fast-forward",
  ])
  #expect(forwarded.status == 0, "\(forwarded.stderr)")

  // Bad input: --all without --upstream, an unknown repository, an unknown blueprint.
  let noUpstream = try world.stoop(["rpkg", "upgrade", "--all"])
  #expect(noUpstream.status == 64 && noUpstream.stderr.contains("--all needs --upstream"))
  let unknownRepository = try world.stoop([
    "rpkg", "upgrade", "--all", "--upstream", "blueprints/app", "--repository", "nowhere",
  ])
  #expect(unknownRepository.status == 4, "\(unknownRepository.stderr)")
  let unknownBlueprint = try world.stoop(["rpkg", "upgrade", "--all", "--upstream", "blueprints/x"])
  #expect(unknownBlueprint.status == 4, "\(unknownBlueprint.stderr)")
}

/// A package rpkg clone wrote (Porch's Kptfile: `.git` repository, directory without `/`, tag
/// ref) updates with stoop pkg update, and with kpt pkg update when kpt is installed.
@Test func clonedPackagesUpdateWithPkgUpdateAndKpt() throws {
  let world = try UpgradeWorld("clone-kpt")
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  try world.registerAndPublishBlueprint()
  _ = try world.output(["rpkg", "clone", "blueprints/app@v1", "web", "--repository", "deployments"])
  try world.publishBlueprintV2()
  var tools = [("stoop", [stoopBinary, "pkg", "update"])]
  if let kpt = kptPath { tools.append(("kpt", [kpt, "pkg", "update"])) }
  for (tool, command) in tools {
    let directory = world.work + "/by-" + tool
    _ = try world.output(["rpkg", "pull", "deployments.web.v1", directory])
    try FileManager.default.removeItem(atPath: directory + "/.KptRevisionMetadata")
    let updated = try run(
      "/bin/sh", ["-c", "cd \(world.work) && \(command.joined(separator: " ")) by-\(tool)@v2"],
      environment: world.env.merging([
        "KPT_CACHE_DIR": world.work + "/kpt-cache", "HOME": world.work,
      ]) { $1 })
    #expect(updated.status == 0, "\(tool): \(updated.stderr)")
    let deploy = try String(contentsOfFile: directory + "/deploy.yaml", encoding: .utf8)
    #expect(deploy.contains("image: nginx:2.0") && deploy.contains("replicas: 3"), "\(tool)")
    let kptfile = try String(contentsOfFile: directory + "/Kptfile", encoding: .utf8)
    #expect(kptfile.contains("    ref: app/v2\n"), "\(tool): \(kptfile)")
  }
}
