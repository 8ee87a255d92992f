import Foundation
import Testing

/// An empty bare repository `blueprints.git` (branch main) in a new directory `work`.
func makeBareRemote(in work: String) throws -> String {
  let remote = work + "/blueprints.git"
  try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
  #expect(
    try run("/usr/bin/env", ["git", "init", "-q", "--bare", "-b", "main", remote]).status == 0)
  return remote
}

/// A second empty bare repository `deployments.git` (branch main) beside `makeBareRemote`'s.
func makeDeploymentRemote(in work: String) throws -> String {
  let remote = work + "/deployments.git"
  #expect(
    try run("/usr/bin/env", ["git", "init", "-q", "--bare", "-b", "main", remote]).status == 0)
  return remote
}

private func gitOutput(_ arguments: [String]) throws -> String {
  String(decoding: try run("/usr/bin/env", ["git"] + arguments).stdout, as: UTF8.self)
}

@Test func initProposeApproveRejectAndDeleteWriteWhatPorchWrites() throws {
  let work = temporaryDirectory("lifecycle")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let env = ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  func stoop(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let result = try run(stoopBinary, arguments, environment: env)
    return (result.status, String(decoding: result.stdout, as: UTF8.self), result.stderr)
  }
  func refs() throws -> [String] {
    try gitOutput(["-C", remote, "for-each-ref", "--format=%(refname)"]).split(separator: "\n").map(
      String.init)
  }
  #expect(try stoop(["repo", "register", remote, "--create-branch"]).status == 0)

  // init: one commit on the branch head, pushed as the draft branch.
  #expect(
    try stoop(["rpkg", "init", "catalog/nginx", "--repository", "blueprints", "--workspace", "ws1"])
      .out
      == "blueprints.catalog.nginx.ws1 created\n")
  #expect(try refs() == ["refs/heads/drafts/catalog/nginx/ws1", "refs/heads/main"])
  #expect(
    try gitOutput(["-C", remote, "log", "-1", "--format=%B", "drafts/catalog/nginx/ws1"])
      == "Creating new empty revision\n\n\nkpt:{\"package\":\"catalog/nginx\",\"workspaceName\":\"ws1\",\"revision\":\"0\",\"task\":{\"type\":\"init\",\"init\":{\"description\":\"sample description\"}}}\n\n"
  )
  #expect(
    try gitOutput(["-C", remote, "ls-tree", "-r", "--name-only", "drafts/catalog/nginx/ws1"])
      == "README.md\ncatalog/nginx/Kptfile\ncatalog/nginx/README.md\ncatalog/nginx/package-context.yaml\n"
  )
  let again = try stoop([
    "rpkg", "init", "catalog/nginx", "--repository", "blueprints", "--workspace", "ws2",
  ])
  #expect(again.status == 1 && again.err.contains("already exists"))
  for nested in ["catalog", "catalog/nginx/sub"] {
    let refused = try stoop([
      "rpkg", "init", nested, "--repository", "blueprints", "--workspace", "ws9",
    ])
    #expect(
      refused.status == 1 && refused.err.contains("packages cannot be nested"),
      "\(nested): \(refused.err)")
  }

  // propose: a render commit, proposed/ created and drafts/ deleted in one push.
  #expect(
    try stoop(["rpkg", "propose", "blueprints.catalog.nginx.ws1"]).out
      == "blueprints.catalog.nginx.ws1 proposed\n")
  #expect(try refs() == ["refs/heads/main", "refs/heads/proposed/catalog/nginx/ws1"])
  #expect(
    try gitOutput([
      "-C", remote, "log", "-1", "--format=%s|%cn <%ce>", "proposed/catalog/nginx/ws1",
    ])
      == "Rendering package|Package Orchestration Service <porch@kpt.dev>\n")

  // reject and propose again.
  #expect(
    try stoop(["rpkg", "reject", "blueprints.catalog.nginx.ws1"]).out
      == "blueprints.catalog.nginx.ws1 no longer proposed for approval\n")
  #expect(try refs() == ["refs/heads/drafts/catalog/nginx/ws1", "refs/heads/main"])
  #expect(try stoop(["rpkg", "propose", "blueprints.catalog.nginx.ws1"]).status == 0)

  // approve: two-parent commit on main, tag v1, proposed branch gone.
  let mainBefore = try gitOutput(["-C", remote, "rev-parse", "main"])
  let proposed = try gitOutput(["-C", remote, "rev-parse", "proposed/catalog/nginx/ws1"])
  #expect(
    try stoop(["rpkg", "approve", "blueprints.catalog.nginx.ws1"]).out
      == "blueprints.catalog.nginx.ws1 approved\n")
  #expect(try refs() == ["refs/heads/main", "refs/tags/catalog/nginx/v1"])
  #expect(
    try gitOutput(["-C", remote, "log", "-1", "--format=%P", "main"]) == mainBefore.dropLast() + " "
      + proposed)
  #expect(
    try gitOutput(["-C", remote, "log", "-1", "--format=%B", "catalog/nginx/v1"])
      == "Approving package revision catalog/nginx/1\n\nkpt:{\"package\":\"catalog/nginx\",\"workspaceName\":\"ws1\",\"revision\":\"1\"}\n\n"
  )
  let listing = try stoop(["rpkg", "get", "--name", "catalog/nginx"]).out
  #expect(
    listing.contains(
      "blueprints.catalog.nginx.ws1    catalog/nginx   ws1             1          true     Published"
    ))

  // propose-delete, reject the deletion, propose-delete again, delete: tag and marker go,
  // the placeholder stays on main.
  #expect(try stoop(["rpkg", "del", "blueprints.catalog.nginx.ws1"]).status == 1)
  #expect(
    try stoop(["rpkg", "propose-delete", "blueprints/catalog/nginx@v1"]).out
      == "blueprints.catalog.nginx.ws1 proposed for deletion\n")
  #expect(try refs().contains("refs/heads/deletionProposed/catalog/nginx/v1"))
  #expect(
    try stoop(["rpkg", "reject", "blueprints/catalog/nginx@v1"]).out
      == "blueprints.catalog.nginx.ws1 no longer proposed for deletion\n")
  #expect(try stoop(["rpkg", "propose-delete", "blueprints/catalog/nginx@v1"]).status == 0)
  #expect(
    try stoop(["rpkg", "del", "blueprints/catalog/nginx@v1"]).out
      == "blueprints.catalog.nginx.ws1 deleted\n")
  #expect(try refs() == ["refs/heads/main"])

  // The placeholder: propose-delete then del writes `Delete <path>`.
  #expect(try stoop(["rpkg", "propose-delete", "blueprints.catalog.nginx.main"]).status == 0)
  #expect(try stoop(["rpkg", "del", "blueprints.catalog.nginx.main"]).status == 0)
  #expect(
    try gitOutput(["-C", remote, "log", "-1", "--format=%s", "main"]) == "Delete catalog/nginx\n")
  #expect(try gitOutput(["-C", remote, "ls-tree", "-r", "--name-only", "main"]) == "README.md\n")
  #expect(try stoop(["rpkg", "get"]).out.isEmpty)
}

@Test func pullPushAndCopyKeepEveryFileAndRefuseAStalePush() throws {
  let work = temporaryDirectory("pullpush")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let env = ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  func stoop(_ arguments: [String], input: [UInt8]? = nil) throws -> Run {
    try run(stoopBinary, arguments, input: input, environment: env)
  }
  #expect(try stoop(["repo", "register", remote, "--create-branch"]).status == 0)
  #expect(
    try stoop(["rpkg", "init", "web", "--repository", "blueprints", "--workspace", "v1"]).status
      == 0)

  // Pull into a directory, add YAML with comments, a binary file and an executable, push.
  let checkout = work + "/web"
  #expect(try stoop(["rpkg", "pull", "blueprints.web.v1", checkout]).status == 0)
  let configMap =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web # keep me\ndata:\n  k: v\n"
  try configMap.write(toFile: checkout + "/cm.yaml", atomically: false, encoding: .utf8)
  try Data([0, 1, 2, 255, 254]).write(to: URL(fileURLWithPath: checkout + "/logo.bin"))
  // YAML a ResourceList could not give back byte for byte travels as a file through a pipe.
  try Data("apiVer\n".utf8).write(to: URL(fileURLWithPath: checkout + "/scalar.yaml"))
  try Data("apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: x\r\n".utf8).write(
    to: URL(fileURLWithPath: checkout + "/odd.yaml"))
  try "#!/bin/sh\necho hi\n".write(toFile: checkout + "/run.sh", atomically: false, encoding: .utf8)
  try FileManager.default.setAttributes(
    [.posixPermissions: 0o755], ofItemAtPath: checkout + "/run.sh")
  let pushed = try stoop(["rpkg", "push", "blueprints.web.v1", checkout])
  #expect(
    String(decoding: pushed.stdout, as: UTF8.self) == "blueprints.web.v1 pushed\n",
    "\(pushed.stderr)")
  let listing = String(
    decoding: try run("/usr/bin/env", ["git", "-C", remote, "ls-tree", "-r", "drafts/web/v1"])
      .stdout, as: UTF8.self)
  #expect(
    listing.contains("100755 blob") && listing.contains("web/run.sh")
      && listing.contains("web/logo.bin"))

  // The checkout now holds the new head: pushing it unchanged writes nothing, and it can be
  // edited and pushed again.
  let head = try run("/usr/bin/env", ["git", "-C", remote, "rev-parse", "drafts/web/v1"]).stdout
  let retried = try stoop(["rpkg", "push", "blueprints.web.v1", checkout])
  #expect(retried.status == 0, "\(retried.stderr)")
  #expect(
    try run("/usr/bin/env", ["git", "-C", remote, "rev-parse", "drafts/web/v1"]).stdout == head)
  let older = work + "/older"
  #expect(try run("/bin/cp", ["-a", checkout, older]).status == 0)
  try "#!/bin/sh\necho hello\n".write(
    toFile: checkout + "/run.sh", atomically: false, encoding: .utf8)
  #expect(try stoop(["rpkg", "push", "blueprints.web.v1", checkout]).status == 0)
  // A copy of the checkout from before that push: the draft moved since, so nothing is
  // written, exit 3.
  try "changed\n".write(toFile: older + "/run.sh", atomically: false, encoding: .utf8)
  let stale = try stoop(["rpkg", "push", "blueprints.web.v1", older])
  #expect(stale.status == 3)
  #expect(
    stale.stderr.contains("moved since it was pulled") && stale.stderr.contains("pull it again"))
  // Pulling into it again is refused while it holds an unpushed change, and refreshes it once
  // the change is undone.
  let refused = try stoop(["rpkg", "pull", "blueprints.web.v1", older])
  #expect(
    refused.status == 1 && refused.stderr.contains("holds changes not pushed"), "\(refused.stderr)")
  try "#!/bin/sh\necho hi\n".write(toFile: older + "/run.sh", atomically: false, encoding: .utf8)
  let refreshed = try stoop(["rpkg", "pull", "blueprints.web.v1", older])
  #expect(refreshed.status == 0, "\(refreshed.stderr)")
  #expect(
    try String(contentsOfFile: older + "/run.sh", encoding: .utf8) == "#!/bin/sh\necho hello\n")

  // pull | push through a pipe keeps every file, binary and executable bit included.
  let list = try stoop(["rpkg", "pull", "blueprints.web.v1"])
  #expect(list.status == 0)
  #expect(try stoop(["rpkg", "push", "blueprints.web.v1", "-"], input: list.stdout).status == 0)
  let again = work + "/again"
  #expect(try stoop(["rpkg", "pull", "blueprints.web.v1", again]).status == 0)
  let before = tree(checkout).filter { $0.key != ".KptRevisionMetadata" }
  let after = tree(again).filter { $0.key != ".KptRevisionMetadata" }
  #expect(before == after)
  #expect(
    (try FileManager.default.attributesOfItem(atPath: again + "/run.sh")[.posixPermissions] as? Int
      ?? 0) & 0o100 != 0)

  // Publish, then copy to a new draft of the same package.
  #expect(try stoop(["rpkg", "propose", "blueprints.web.v1"]).status == 0)
  #expect(try stoop(["rpkg", "approve", "blueprints.web.v1"]).status == 0)
  let copied = try stoop(["rpkg", "copy", "blueprints/web@v1", "--workspace", "v2"])
  #expect(
    String(decoding: copied.stdout, as: UTF8.self) == "blueprints.web.v2 created\n",
    "\(copied.stderr)")
  let message = String(
    decoding: try run(
      "/usr/bin/env", ["git", "-C", remote, "log", "-1", "--format=%B", "drafts/web/v2"]
    ).stdout,
    as: UTF8.self)
  #expect(
    message
      == "Creating new revision by copying previous revision\n\n\nkpt:{\"package\":\"web\",\"workspaceName\":\"v2\",\"revision\":\"0\",\"task\":{\"type\":\"edit\",\"edit\":{\"sourceRef\":{\"name\":\"blueprints.web.v1\"}}}}\n\n"
  )
  let placeholder = try stoop(["rpkg", "copy", "blueprints.web.main", "--workspace", "v3"])
  #expect(placeholder.status == 1 && placeholder.stderr.contains("placeholder"))
}

/// Starts every command at once and waits for all of them.
private func together(_ commands: [(arguments: [String], environment: [String: String])]) throws
  -> [Int32]
{
  let processes = commands.map { command -> Process in
    let process = Process()
    process.executableURL = URL(fileURLWithPath: stoopBinary)
    process.arguments = command.arguments
    process.environment = ProcessInfo.processInfo.environment.merging(command.environment) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    return process
  }
  for process in processes { try process.run() }
  for process in processes { process.waitUntilExit() }
  return processes.map(\.terminationStatus)
}

@Test func racingApprovalsPublishUniqueNumbersAndNeverMoveATag() throws {
  let work = temporaryDirectory("race")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let setup = ["STOOP_HOME": work + "/setup", "GIT_CONFIG_GLOBAL": "/dev/null"]
  #expect(
    try run(stoopBinary, ["repo", "register", remote, "--create-branch"], environment: setup).status
      == 0)
  let packages = (1...8).map { "pkg\($0)" } + ["same"]
  for package in packages {
    #expect(
      try run(
        stoopBinary, ["rpkg", "init", package, "--repository", "blueprints", "--workspace", "ws"],
        environment: setup
      )
      .status == 0)
    #expect(
      try run(stoopBinary, ["rpkg", "propose", "blueprints.\(package).ws"], environment: setup)
        .status == 0)
  }
  // Sixteen "machines": each its own config directory and clone of the one remote.
  var machines: [[String: String]] = []
  for i in 1...16 {
    let env = ["STOOP_HOME": work + "/machine\(i)", "GIT_CONFIG_GLOBAL": "/dev/null"]
    #expect(try run(stoopBinary, ["repo", "register", remote], environment: env).status == 0)
    machines.append(env)
  }
  var commands: [(arguments: [String], environment: [String: String])] = []
  for i in 0..<8 {
    commands.append((["rpkg", "approve", "blueprints.pkg\(i + 1).ws"], machines[i]))
  }
  for i in 8..<16 { commands.append((["rpkg", "approve", "blueprints.same.ws"], machines[i])) }
  let statuses = try together(commands)
  #expect(statuses == Array(repeating: 0, count: 16))

  let refs = String(
    decoding: try run(
      "/usr/bin/env", ["git", "-C", remote, "for-each-ref", "--format=%(refname) %(objectname)"]
    ).stdout,
    as: UTF8.self
  ).split(separator: "\n").map(String.init)
  let tags = refs.filter { $0.hasPrefix("refs/tags/") }.map { String($0.split(separator: " ")[0]) }
  #expect(tags.sorted() == packages.map { "refs/tags/\($0)/v1" }.sorted())
  #expect(!refs.contains { $0.hasPrefix("refs/heads/proposed/") })
  // Every tag is on the main branch's history, with the package's own approval commit.
  for package in packages {
    let message = String(
      decoding: try run(
        "/usr/bin/env", ["git", "-C", remote, "log", "-1", "--format=%s", "\(package)/v1"]
      ).stdout,
      as: UTF8.self)
    #expect(message == "Approving package revision \(package)/1\n")
    #expect(
      try run(
        "/usr/bin/env",
        ["git", "-C", remote, "merge-base", "--is-ancestor", "\(package)/v1", "main"]
      ).status == 0)
  }
}

@Test func readinessGatesHoldBackProposeAndShowInTheObject() throws {
  let work = temporaryDirectory("gates")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let env = ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  func stoop(_ arguments: [String]) throws -> Run {
    try run(stoopBinary, arguments, environment: env)
  }
  #expect(try stoop(["repo", "register", remote, "--create-branch"]).status == 0)
  #expect(
    try stoop(["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"]).status
      == 0)
  let checkout = work + "/app"
  #expect(try stoop(["rpkg", "pull", "blueprints.app.v1", checkout]).status == 0)
  let gated = """
    apiVersion: kpt.dev/v1
    kind: Kptfile
    metadata:
      name: app
      labels:
        tier: web
    info:
      readinessGates:
      - conditionType: Ready

    """
  try gated.write(toFile: checkout + "/Kptfile", atomically: false, encoding: .utf8)
  #expect(try stoop(["rpkg", "push", "blueprints.app.v1", checkout]).status == 0)
  let refused = try stoop(["rpkg", "propose", "blueprints.app.v1"])
  #expect(refused.status == 1)
  #expect(
    refused.stderr.hasPrefix("blueprints.app.v1 failed (readiness conditions not met (Ready"),
    "\(refused.stderr)")
  #expect(refused.stderr.contains("\nError: errors:\n  readiness conditions not met (Ready"))
  let object = String(
    decoding: try stoop(["rpkg", "get", "blueprints.app.v1", "-o", "yaml"]).stdout, as: UTF8.self)
  #expect(
    object.contains(
      "  readinessGates:\n  - conditionType: Ready\n  packageMetadata:\n    labels:\n      tier: web\n"
    ))

  let ready = gated + "status:\n  conditions:\n  - type: Ready\n    status: \"True\"\n"
  try FileManager.default.removeItem(atPath: checkout)
  #expect(try stoop(["rpkg", "pull", "blueprints.app.v1", checkout]).status == 0)
  try ready.write(toFile: checkout + "/Kptfile", atomically: false, encoding: .utf8)
  #expect(try stoop(["rpkg", "push", "blueprints.app.v1", checkout]).status == 0)
  #expect(try stoop(["rpkg", "propose", "blueprints.app.v1"]).status == 0)
  let proposed = String(
    decoding: try stoop(["rpkg", "get", "blueprints.app.v1", "-o", "yaml"]).stdout, as: UTF8.self)
  #expect(proposed.contains("  conditions:\n  - type: Ready\n    status: \"True\"\n"))
}

@Test func initWritesTheFilesKptPkgInitWrites() throws {
  let work = temporaryDirectory("init")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let env = ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  #expect(
    try run(stoopBinary, ["repo", "register", remote, "--create-branch"], environment: env).status
      == 0)
  let created = try run(
    stoopBinary,
    [
      "rpkg", "init", "init1", "--repository", "blueprints", "--workspace", "ws", "--description",
      "my desc",
      "--keywords", "a,b", "--site", "https://example.com",
    ], environment: env)
  #expect(created.status == 0, "\(created.stderr)")
  func show(_ path: String) throws -> String {
    String(
      decoding: try run(
        "/usr/bin/env", ["git", "-C", remote, "show", "drafts/init1/ws:init1/" + path]
      ).stdout,
      as: UTF8.self)
  }
  // The bytes of porch-git.md / kpt.md §1.4 for `kpt pkg init init1 --description "my desc"
  // --keywords a,b --site https://example.com`, then the condition Porch's render records.
  #expect(
    try show("Kptfile") == """
      apiVersion: kpt.dev/v1
      kind: Kptfile
      metadata:
        name: init1
        annotations:
          config.kubernetes.io/local-config: "true"
      info:
        site: https://example.com
        description: my desc
        keywords:
        - a
        - b
      status:
        conditions:
        - type: Rendered
          status: "True"
          reason: RenderSuccess

      """)
  #expect(
    try show("package-context.yaml") == """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: kptfile.kpt.dev
        annotations:
          config.kubernetes.io/local-config: "true"
      data:
        name: example

      """)
  #expect(try show("README.md").hasPrefix("# init1\n"))
}

/// Full listings remember what they read from tags; a listing from that memory equals one read
/// from git, and a deleted or moved tag is never served from it.
@Test func tagCacheNeverServesAStaleTag() throws {
  let work = temporaryDirectory("tagcache")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let home = work + "/home"
  let env = ["STOOP_HOME": home, "GIT_CONFIG_GLOBAL": "/dev/null"]
  func stoop(_ arguments: [String]) throws -> String {
    let result = try run(stoopBinary, arguments, environment: env)
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
    return String(decoding: result.stdout, as: UTF8.self) + result.stderr
  }
  _ = try stoop(["repo", "register", remote, "--create-branch"])
  for package in ["a", "b"] {
    _ = try stoop(["rpkg", "init", package, "--repository", "blueprints", "--workspace", "v1"])
    _ = try stoop(["rpkg", "propose", "blueprints.\(package).v1"])
    _ = try stoop(["rpkg", "approve", "blueprints.\(package).v1"])
  }
  let cache = home + "/repositories/default/blueprints/tags.cache"
  let fromGit = try stoop(["rpkg", "get", "-o", "yaml"])
  #expect(FileManager.default.fileExists(atPath: cache))
  #expect(try stoop(["rpkg", "get", "-o", "yaml"]) == fromGit)

  // Tag a/v1 moved to the initial commit, where there is no package: skipped, with a warning.
  let initial = String(
    decoding: try run("/usr/bin/env", ["git", "-C", remote, "rev-list", "--max-parents=0", "main"])
      .stdout, as: UTF8.self
  ).trimmingCharacters(in: .whitespacesAndNewlines)
  #expect(
    try run("/usr/bin/env", ["git", "-C", remote, "tag", "-f", "a/v1", initial]).status == 0)
  let moved = try stoop(["rpkg", "get"])
  #expect(!moved.contains("blueprints.a.v1 ") && moved.contains("blueprints.b.v1 "))
  #expect(moved.contains("refs/tags/a/v1: no a/Kptfile"))

  // Tag b/v1 deleted: gone from the listing and from the cache.
  #expect(try run("/usr/bin/env", ["git", "-C", remote, "tag", "-d", "b/v1"]).status == 0)
  #expect(!(try stoop(["rpkg", "get"])).contains("blueprints.b.v1 "))
  #expect(!(try String(contentsOfFile: cache, encoding: .utf8)).contains("refs/tags/b/v1"))
}
