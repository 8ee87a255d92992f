import Foundation
import Testing

/// A temporary config directory and a bare remote `blueprints.git` beside it.
private struct Home {
  let work = temporaryDirectory("next-step")
  var remote: String { work + "/blueprints.git" }
  var environment: [String: String] {
    ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  }

  init() throws { _ = try makeBareRemote(in: work) }

  @discardableResult
  func stoop(_ arguments: String..., input: String? = nil) throws -> (
    status: Int32, out: String, err: String
  ) {
    let result = try run(
      stoopBinary, arguments, input: input.map { Array($0.utf8) }, environment: environment)
    return (result.status, String(decoding: result.stdout, as: UTF8.self), result.stderr)
  }

  func git(_ arguments: String...) throws -> String {
    String(decoding: try run("/usr/bin/env", ["git"] + arguments).stdout, as: UTF8.self)
  }

  func remove() { try? FileManager.default.removeItem(atPath: work) }
}

@Test func emptyListingsSaySoOnStandardError() throws {
  let home = try Home()
  defer { home.remove() }
  let repositories = try home.stoop("repo", "get")
  #expect(repositories.status == 0 && repositories.out.isEmpty)
  #expect(
    repositories.err
      == "No repositories registered in namespace \"default\"; see stoop repo register --help\n")
  #expect(
    try home.stoop("repo", "get", "-A").err
      == "No repositories registered; see stoop repo register --help\n")
  let revisions = try home.stoop("rpkg", "get")
  #expect(revisions.status == 0 && revisions.out.isEmpty)
  #expect(revisions.err == "No package revisions found in namespace \"default\".\n")
  #expect(try home.stoop("repo", "register", home.remote, "--create-branch").status == 0)
  let named = try home.stoop("rpkg", "get", "-o", "name", "--name", "nothing")
  #expect(named.status == 0 && named.out.isEmpty)
  #expect(named.err == "No package revisions found in namespace \"default\".\n")
  let selected = try home.stoop("repo", "get", "-l", "team=none")
  #expect(selected.err == "No repositories found in namespace \"default\" matching team=none.\n")
  // Structured output is data: an empty List, and nothing on stderr.
  let json = try home.stoop("rpkg", "get", "-o", "json")
  #expect(json.status == 0 && json.out.contains("\"items\": []") && json.err.isEmpty)
}

@Test func lifecycleErrorsNameTheCommandThatHelps() throws {
  let home = try Home()
  defer { home.remove() }
  #expect(try home.stoop("repo", "register", home.remote, "--create-branch").status == 0)
  #expect(try home.stoop("rpkg", "init", "app", "--repository", "blueprints").status == 0)
  let early = try home.stoop("rpkg", "approve", "blueprints.app.v1")
  #expect(early.status == 1)
  #expect(
    early.err.contains(
      "cannot change approval from Draft to Published; propose it first: stoop rpkg propose blueprints.app.v1"
    ))
  #expect(try home.stoop("rpkg", "propose", "blueprints.app.v1").status == 0)
  let proposedPush = try home.stoop("rpkg", "pull", "blueprints.app.v1", home.work + "/proposed")
  #expect(proposedPush.status == 0)
  let intoProposed = try home.stoop("rpkg", "push", "blueprints.app.v1", home.work + "/proposed")
  #expect(
    intoProposed.err.contains("send it back to Draft first: stoop rpkg reject blueprints.app.v1"))
  #expect(try home.stoop("rpkg", "approve", "blueprints.app.v1").status == 0)
  #expect(try home.stoop("rpkg", "pull", "blueprints.app.v1", home.work + "/app").status == 0)
  let push = try home.stoop("rpkg", "push", "blueprints.app.v1", home.work + "/app")
  #expect(push.status == 1)
  #expect(
    push.err
      == "Error: cannot update a package revision with lifecycle value \"Published\"; package must be Draft; published revisions are immutable; start a draft with stoop rpkg copy blueprints.app.v1 --workspace W\n"
  )
  let propose = try home.stoop("rpkg", "propose", "blueprints.app.v1")
  #expect(
    propose.err.contains("start a draft with stoop rpkg copy blueprints.app.v1 --workspace W"))
  let again = try home.stoop(
    "rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v2")
  #expect(
    again.err
      == "Error: package \"app\" already exists in repository \"blueprints\"; start a new revision with stoop rpkg copy blueprints.app.v1 --workspace W\n"
  )

  // Every revision deleted: the package's directory stays on main, and only the placeholder
  // reaches it. Both commands that meet it say how to get out.
  #expect(try home.stoop("rpkg", "propose-delete", "blueprints.app.v1").status == 0)
  #expect(try home.stoop("rpkg", "del", "blueprints.app.v1").status == 0)
  let stuck = try home.stoop(
    "rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v2")
  #expect(stuck.status == 1)
  let way =
    "only its directory on branch main (every revision was deleted); remove it with stoop rpkg propose-delete blueprints.app.main && stoop rpkg del blueprints.app.main, then stoop rpkg init app starts the package again"
  #expect(
    stuck.err
      == "Error: package \"app\" has no revision left in repository \"blueprints\", \(way)\n")
  let copy = try home.stoop("rpkg", "copy", "blueprints.app.main", "--workspace", "v2")
  #expect(copy.status == 1 && copy.err.contains("app has no published revision left, \(way)"))
  // The way out works.
  #expect(try home.stoop("rpkg", "propose-delete", "blueprints.app.main").status == 0)
  #expect(try home.stoop("rpkg", "del", "blueprints.app.main").status == 0)
  let fresh = try home.stoop(
    "rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v2")
  #expect(fresh.status == 0 && fresh.out == "blueprints.app.v2 created\n", "\(fresh.err)")
}

@Test func validationMessagesNameTheFlagThatIsWrong() throws {
  let home = try Home()
  defer { home.remove() }
  let namespace = try home.stoop("repo", "register", home.remote, "-n", "Team_A")
  #expect(namespace.status == 1)
  #expect(
    namespace.err
      == "Error: invalid namespace \"Team_A\": only lowercase letters, digits and '-' are allowed; pass --namespace with a lowercase DNS label\n"
  )
  #expect(try home.stoop("repo", "register", home.remote, "--create-branch").status == 0)
  let workspace = try home.stoop(
    "rpkg", "init", "app", "--repository", "blueprints", "--workspace", "Bad_WS")
  #expect(workspace.status == 1)
  #expect(
    workspace.err
      == "Error: invalid workspace \"Bad_WS\": only lowercase letters, digits and '-' are allowed; pass --workspace with a lowercase DNS label\n"
  )
  // init and clone agree: the workspace defaults to v1, and both helps say so.
  let created = try home.stoop("rpkg", "init", "app", "--repository", "blueprints")
  #expect(created.out == "blueprints.app.v1 created\n")
  for command in ["init", "clone"] {
    #expect(
      try home.stoop("rpkg", command, "--help").out.contains(
        "--workspace <workspace> The workspace of the new revision. (default: v1)"), "\(command)")
  }
}

@Test func registrationRefusesWhatWouldGoWrongLater() throws {
  let home = try Home()
  defer { home.remove() }
  let missing = try home.stoop("repo", "register", home.work + "/nope.git")
  #expect(missing.status == 4)
  #expect(
    missing.err
      == "Error: \(home.work)/nope.git does not exist; pass the path of a git repository (bare, or a directory with .git) or a URL\n"
  )
  let above = try home.stoop("repo", "register", home.remote, "--directory", "../..")
  #expect(above.status == 64 && above.err.hasPrefix("Error: invalid --directory \"../..\""))

  // A working clone: its checked-out branch is not stoop's to move.
  let tree = home.work + "/tree"
  _ = try home.git("init", "-q", "-b", "main", tree)
  try "notes\n".write(toFile: tree + "/notes.txt", atomically: false, encoding: .utf8)
  _ = try home.git("-C", tree, "add", "notes.txt")
  _ = try home.git(
    "-C", tree, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first")
  let head = try home.git("-C", tree, "rev-parse", "main")
  let working = try home.stoop("repo", "register", tree, "--name", "tree")
  #expect(working.status == 1)
  #expect(
    working.err.hasPrefix(
      "Error: \(tree) is a working clone with main checked out, which stoop would move under its work tree; register a bare clone of it"
    ))
  // Another branch may be registered; checked out later, it is refused at the push instead.
  #expect(
    try home.stoop(
      "repo", "register", tree, "--name", "tree", "--branch", "side", "--create-branch"
    )
    .status == 0)
  #expect(try home.stoop("rpkg", "init", "app", "--repository", "tree").status == 0)
  #expect(try home.stoop("rpkg", "propose", "tree.app.v1").status == 0)
  _ = try home.git("-C", tree, "checkout", "-q", "side")
  let side = try home.git("-C", tree, "rev-parse", "side")
  let approve = try home.stoop("rpkg", "approve", "tree.app.v1")
  #expect(approve.status == 1)
  #expect(
    approve.err.contains(
      "refusing to update refs/heads/side of \(tree): a work tree has it checked out"))
  #expect(try home.git("-C", tree, "rev-parse", "side") == side)
  #expect(try home.git("-C", tree, "rev-parse", "main") == head)
}

@Test func registerAndUnregisterSayWhatTheyDidAndNamesComeBackIn() throws {
  let home = try Home()
  defer { home.remove() }
  let register = try home.stoop("repo", "register", home.remote, "--create-branch")
  #expect(register.status == 0 && register.out == "blueprints registered\n")
  let name = try home.stoop("repo", "get", "-o", "name").out
  #expect(name == "repository.config.porch.kpt.dev/blueprints\n")
  let repository = String(name.dropLast())
  #expect(
    try home.stoop("rpkg", "init", "app", "--repository", repository).out
      == "blueprints.app.v1 created\n")
  #expect(try home.stoop("repo", "sync", repository).out == "blueprints: up to date\n")
  #expect(
    try home.stoop("rpkg", "get", "-r", repository, "-o", "name").out.contains("blueprints.app.v1"))
  let revision = try home.stoop("rpkg", "get", "-o", "name").out
  #expect(revision == "packagerevision.porch.kpt.dev/blueprints.app.v1\n")
  #expect(
    try home.stoop("rpkg", "propose", String(revision.dropLast())).out
      == "blueprints.app.v1 proposed\n")
  let unregister = try home.stoop("repo", "unregister", repository)
  #expect(unregister.status == 0 && unregister.out == "blueprints unregistered\n")
}

/// Runs a command with stdin, stdout and stderr on a pseudo-terminal, ends its input with
/// Ctrl-D once it printed `until`, and returns what the terminal showed.
private func onTerminal(_ arguments: [String], until: String, environment: [String: String])
  throws -> String
{
  let driver = """
    import os, pty, select, sys
    until = sys.argv[1].encode()
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.argv[2], sys.argv[2:])
    out = b""
    def read(seconds):
        global out
        r, _, _ = select.select([fd], [], [], seconds)
        if not r:
            return False
        try:
            data = os.read(fd, 4096)
        except OSError:
            return False
        out += data
        return bool(data)
    while until not in out and read(20):
        pass
    os.write(fd, b"\\x04")
    while read(20):
        pass
    os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace"))
    """
  let result = try run(
    "/usr/bin/env", ["python3", "-c", driver, until, stoopBinary] + arguments,
    environment: environment)
  return String(decoding: result.stdout, as: UTF8.self)
}

@Test func aCommandWaitingForATerminalSaysWhatItWaitsFor() throws {
  let home = try Home()
  defer { home.remove() }
  let sink = try onTerminal(
    ["fn", "sink", home.work + "/out"], until: "Ctrl-D", environment: home.environment)
  #expect(
    sink.contains(
      "Reading a ResourceList for \(home.work)/out (pipe one in: stoop fn source DIR | stoop fn sink \(home.work)/out) from standard input; end it with Ctrl-D (Ctrl-C cancels)."
    ), "\(sink)")
  let eval = try onTerminal(
    ["fn", "eval", "-", "-i", "no-op"], until: "Ctrl-D", environment: home.environment)
  #expect(
    eval.contains("Reading a ResourceList or YAML documents for fn eval - from standard input"))
  #expect(try home.stoop("repo", "register", home.remote, "--create-branch").status == 0)
  #expect(try home.stoop("rpkg", "init", "app", "--repository", "blueprints").status == 0)
  let push = try onTerminal(
    ["rpkg", "push", "blueprints.app.v1"], until: "Ctrl-D", environment: home.environment)
  #expect(push.contains("Reading a ResourceList to push to blueprints.app.v1 (give a directory"))
  // From a pipe, nothing is said.
  let piped = try home.stoop("fn", "eval", "-", "-i", "no-op", input: "")
  #expect(!piped.err.contains("Reading"))
}

@Test func sinkCreatesMissingParentDirectories() throws {
  let home = try Home()
  defer { home.remove() }
  let package = home.work + "/package"
  try FileManager.default.createDirectory(atPath: package, withIntermediateDirectories: true)
  try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n".write(
    toFile: package + "/a.yaml", atomically: false, encoding: .utf8)
  let list = try run(stoopBinary, ["fn", "source", package]).stdout
  let sink = try run(stoopBinary, ["fn", "sink", home.work + "/new/parents/out"], input: list)
  #expect(sink.status == 0, "\(sink.stderr)")
  #expect(tree(home.work + "/new/parents/out") == tree(package))
  // A failure leaves none of them behind: here the file `a` is in the way of `a/b.yaml`.
  let conflicting = """
    apiVersion: config.kubernetes.io/v1
    kind: ResourceList
    items:
    - {apiVersion: v1, kind: A, metadata: {name: x, annotations: {config.kubernetes.io/path: a}}}
    - {apiVersion: v1, kind: A, metadata: {name: y, annotations: {config.kubernetes.io/path: a/b.yaml}}}

    """
  let bad = try run(
    stoopBinary, ["fn", "sink", home.work + "/other/parents/out"], input: Array(conflicting.utf8))
  #expect(bad.status != 0)
  #expect(!FileManager.default.fileExists(atPath: home.work + "/other"))
}

@Test func aMissingPackageDirectoryExitsFourEverywhere() throws {
  let home = try Home()
  defer { home.remove() }
  let missing = home.work + "/missing"
  let render = try home.stoop("fn", "render", missing)
  #expect(render.status == 4)
  #expect(render.err == "Error: No Kptfile found at \"\(missing)\". \n")  // kpt's words
  #expect(try home.stoop("fn", "eval", missing, "-i", "no-op").status == 4)
  #expect(try home.stoop("fn", "source", missing).status == 4)
  let update = try home.stoop("pkg", "update", missing)
  #expect(
    update.status == 4
      && update.err == "Error: \(missing) does not exist; name a package directory\n")
  #expect(try home.stoop("pkg", "diff", missing).status == 4)
  #expect(try home.stoop("repo", "register", home.remote, "--create-branch").status == 0)
  #expect(try home.stoop("rpkg", "init", "app", "--repository", "blueprints").status == 0)
  let push = try home.stoop("rpkg", "push", "blueprints.app.v1", missing)
  #expect(push.status == 4 && push.err.hasPrefix("Error: \(missing) does not exist"))
  // An existing directory without a Kptfile is not missing: kpt's exit 1.
  try FileManager.default.createDirectory(
    atPath: home.work + "/empty", withIntermediateDirectories: true)
  #expect(try home.stoop("fn", "render", home.work + "/empty").status == 1)
}

@Test func pulledFilesFollowTheUmaskAsPkgGetAndSinkDo() throws {
  let home = try Home()
  defer { home.remove() }
  #expect(try home.stoop("repo", "register", home.remote, "--create-branch").status == 0)
  #expect(try home.stoop("rpkg", "init", "app", "--repository", "blueprints").status == 0)
  func mode(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
  }
  for (umask, file, folder) in [("022", 0o644, 0o755), ("027", 0o640, 0o750)] {
    let pulled = home.work + "/pulled-" + umask
    let script = "umask \(umask); exec \"$@\""
    let pull = try run(
      "/bin/sh", ["-c", script, "sh", stoopBinary, "rpkg", "pull", "blueprints.app.v1", pulled],
      environment: home.environment)
    #expect(pull.status == 0, "\(pull.stderr)")
    #expect(try mode(pulled) == folder, "umask \(umask)")
    #expect(try mode(pulled + "/Kptfile") == file, "umask \(umask)")
    let sunk = home.work + "/sunk-" + umask
    let list = try run(stoopBinary, ["fn", "source", pulled]).stdout
    _ = try run("/bin/sh", ["-c", script, "sh", stoopBinary, "fn", "sink", sunk], input: list)
    #expect(try mode(sunk + "/Kptfile") == file && mode(sunk) == folder, "umask \(umask)")
  }
}

@Test func renderKeepsTheBlankLineAfterALicenseHeader() throws {
  let home = try Home()
  defer { home.remove() }
  let package = home.work + "/package"
  try FileManager.default.createDirectory(atPath: package, withIntermediateDirectories: true)
  try """
  apiVersion: kpt.dev/v1
  kind: Kptfile
  metadata:
    name: package
  pipeline:
    mutators:
      - image: set-labels:v0.2
        configMap:
          app: web

  """.write(toFile: package + "/Kptfile", atomically: false, encoding: .utf8)
  let header = "# Copyright 2026 Example\n# SPDX-License-Identifier: Apache-2.0\n\n"
  try (header + "# The front end.\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n")
    .write(toFile: package + "/web.yaml", atomically: false, encoding: .utf8)
  try (header + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n")
    .write(toFile: package + "/db.yaml", atomically: false, encoding: .utf8)
  let render = try home.stoop("fn", "render", package)
  #expect(render.status == 0, "\(render.err)")
  let web = try String(contentsOfFile: package + "/web.yaml", encoding: .utf8)
  #expect(web.hasPrefix(header + "# The front end.\napiVersion: v1\n"), "\(web)")
  #expect(web.contains("  labels:\n    app: web\n"))
  let db = try String(contentsOfFile: package + "/db.yaml", encoding: .utf8)
  #expect(db.hasPrefix(header + "apiVersion: v1\n"), "\(db)")
  // fn eval writes the same way.
  #expect(
    try home.stoop("fn", "eval", package, "-i", "set-labels:v0.2", "--", "tier=1").status == 0)
  #expect(try String(contentsOfFile: package + "/db.yaml", encoding: .utf8).hasPrefix(header))
}
