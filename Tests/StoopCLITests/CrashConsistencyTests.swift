import Foundation
import Testing

/// A remote and a config directory in a chosen state, kept as a template so that every trial
/// starts from the same bytes. The registration stores absolute paths, so a trial restores the
/// template into the very directory it was taken from.
struct CrashWorld {
  let root: String
  var remote: String { root + "/blueprints.git" }
  var home: String { root + "/home" }
  var checkout: String { root + "/w2" }

  init(_ name: String) {
    root = temporaryDirectory("crash-\(name)")
  }

  func stoop(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
    try run(
      stoopBinary, arguments,
      environment: ["STOOP_HOME": home, "GIT_CONFIG_GLOBAL": "/dev/null"].merging(environment) {
        $1
      })
  }

  @discardableResult
  func git(_ arguments: [String]) throws -> Run {
    try run("/usr/bin/env", ["git"] + arguments)
  }

  func gitText(_ arguments: [String]) throws -> String {
    String(decoding: try git(arguments).stdout, as: UTF8.self)
  }

  /// The issue's set-up: a remote registered with --create-branch, `app` v1 published, draft
  /// `v2` pulled into `w2` with a new file.
  func build() throws {
    _ = try makeBareRemote(in: root)
    for arguments in [
      ["repo", "register", remote, "--create-branch"],
      ["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"],
      ["rpkg", "propose", "blueprints.app.v1"], ["rpkg", "approve", "blueprints.app.v1"],
      ["rpkg", "copy", "blueprints.app.v1", "--workspace", "v2"],
      ["rpkg", "pull", "blueprints.app.v2", checkout],
    ] {
      let result = try stoop(arguments)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }
    try Data("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n".utf8).write(
      to: URL(fileURLWithPath: checkout + "/cm.yaml"))
  }

  /// Keeps the current state under `name` (beside the world's directory).
  func save(as name: String) throws {
    let copy = root + "." + name
    try? FileManager.default.removeItem(atPath: copy)
    #expect(try run("/bin/cp", ["-a", root, copy]).status == 0)
  }

  /// Puts back a state kept by `save(as:)`.
  func restore(_ name: String) throws {
    try? FileManager.default.removeItem(atPath: root)
    #expect(try run("/bin/cp", ["-a", root + "." + name, root]).status == 0)
  }

  /// Removes the world and every saved state.
  func remove() {
    let parent = (root as NSString).deletingLastPathComponent
    let base = (root as NSString).lastPathComponent
    for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
    where name == base || name.hasPrefix(base + ".") {
      try? FileManager.default.removeItem(atPath: parent + "/" + name)
    }
  }

  func refs() throws -> [String: String] {
    var result: [String: String] = [:]
    for line in try gitText([
      "--git-dir", remote, "for-each-ref", "--format=%(refname) %(objectname)",
    ]).split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 2 { result[String(parts[0])] = String(parts[1]) }
    }
    return result
  }

  /// The fault points a command passes, in order.
  func points(of arguments: [String]) throws -> [String] {
    let trace = root + ".trace"
    try? FileManager.default.removeItem(atPath: trace)
    defer { try? FileManager.default.removeItem(atPath: trace) }
    let result = try stoop(arguments, environment: ["STOOP_FAULT_TRACE": trace])
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
    let text = (try? String(contentsOfFile: trace, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").map(String.init)
  }

  /// Runs a command again the way a user would after it was killed: when it names a stale lock
  /// file (and says to remove it), the user removes it and runs the command once more.
  func retry(_ arguments: [String]) throws -> (run: Run, removedLocks: [String]) {
    var removed: [String] = []
    var result = try stoop(arguments)
    while result.status != 0, removed.count < 4,
      let lock = Self.namedLock(in: result.stderr), FileManager.default.fileExists(atPath: lock)
    {
      #expect(result.status == 3, "a stale lock exits 3: \(result.stderr)")
      #expect(result.stderr.contains("if no other process is running, remove \(lock)"))
      removed.append(lock)
      try FileManager.default.removeItem(atPath: lock)
      result = try stoop(arguments)
    }
    return (result, removed)
  }

  static func namedLock(in message: String) -> String? {
    guard let range = message.range(of: #"/\S+\.lock(?= exists)"#, options: .regularExpression)
    else { return nil }
    return String(message[range])
  }

  /// What must hold after any kill and the next command: the remote's object graph complete,
  /// every name listed once, and published tags where they were.
  func expectConsistent(_ context: String, tags: [String: String]) throws {
    let fsck = try git(["--git-dir", remote, "fsck", "--no-dangling", "--no-progress"])
    #expect(fsck.status == 0 && !fsck.stderr.contains("missing"), "\(context): \(fsck.stderr)")
    let listing = try stoop(["rpkg", "get"])
    #expect(listing.status == 0, "\(context): \(listing.stderr)")
    let names = String(decoding: listing.stdout, as: UTF8.self).split(separator: "\n").dropFirst()
      .compactMap { $0.split(separator: " ").first.map(String.init) }
    #expect(Set(names).count == names.count, "\(context): a name listed twice: \(names)")
    let now = try refs()
    for (tag, id) in tags where now[tag] != nil {
      #expect(now[tag] == id, "\(context): \(tag) moved")
    }
  }
}

/// One lifecycle command killed at one point, then run again.
private struct KillTrial {
  var command: [String]
  /// What the remote must hold once the command has been run again.
  var present: [String]
  var absent: [String]
  /// A second run that may fail with this text when the first finished everything (reject of a
  /// revision the recovery already returned to Draft; delete of a revision that is gone).
  var acceptedRefusal: String?
}

private func lifecycleTrials(_ world: CrashWorld) -> [String: KillTrial] {
  [
    "push": KillTrial(
      command: ["rpkg", "push", "blueprints.app.v2", world.checkout],
      present: ["refs/heads/drafts/app/v2"], absent: []),
    "propose": KillTrial(
      command: ["rpkg", "propose", "blueprints.app.v2"],
      present: ["refs/heads/proposed/app/v2"], absent: ["refs/heads/drafts/app/v2"]),
    "approve": KillTrial(
      command: ["rpkg", "approve", "blueprints.app.v2"],
      present: ["refs/tags/app/v2"],
      absent: ["refs/heads/drafts/app/v2", "refs/heads/proposed/app/v2"]),
    "reject": KillTrial(
      command: ["rpkg", "reject", "blueprints.app.v2"],
      present: ["refs/heads/drafts/app/v2"], absent: ["refs/heads/proposed/app/v2"],
      acceptedRefusal: "with lifecycle 'Draft'"),
    "delete": KillTrial(
      command: ["rpkg", "del", "blueprints.app.v1"],
      present: [], absent: ["refs/tags/app/v1"], acceptedRefusal: "not found"),
  ]
}

/// Brings the template to the state each command starts from.
private func prepare(_ name: String, in world: CrashWorld) throws {
  var steps: [[String]] = []
  switch name {
  case "propose": steps = [["rpkg", "push", "blueprints.app.v2", world.checkout]]
  case "approve", "reject":
    steps = [
      ["rpkg", "push", "blueprints.app.v2", world.checkout],
      ["rpkg", "propose", "blueprints.app.v2"],
    ]
  case "delete": steps = [["rpkg", "propose-delete", "blueprints.app.v1"]]
  default: break
  }
  for step in steps {
    let result = try world.stoop(step)
    #expect(result.status == 0, "\(step): \(result.stderr)")
  }
}

private func runTrial(
  _ name: String, _ trial: KillTrial, fault: String, world: CrashWorld, tags: [String: String]
) throws {
  try world.restore("start")
  let killed = try world.stoop(trial.command, environment: ["STOOP_FAULT": fault])
  let context = "\(name) killed at \(fault)"
  #expect(killed.status == 9, "\(context): the fault point was not reached (\(killed.stderr))")
  // The next commands: a listing, then the same command again.
  try world.expectConsistent(context + ", before the retry", tags: tags)
  try retryAndExpectFinished(trial, world: world, context: context, tags: tags)
}

/// Runs a killed command again, then checks that its transition is complete and the remote
/// consistent.
private func retryAndExpectFinished(
  _ trial: KillTrial, world: CrashWorld, context: String, tags: [String: String]
) throws {
  let (again, _) = try world.retry(trial.command)
  if again.status != 0 {
    let accepted = trial.acceptedRefusal.map { again.stderr.contains($0) } ?? false
    #expect(accepted, "\(context): the retry failed with \(again.status): \(again.stderr)")
  }
  let refs = try world.refs()
  for ref in trial.present { #expect(refs[ref] != nil, "\(context): \(ref) missing") }
  for ref in trial.absent { #expect(refs[ref] == nil, "\(context): \(ref) left behind") }
  try world.expectConsistent(context, tags: tags)
}

@Test func everyKillPointOfTheLifecycleIsFinishedOrExplainedByTheNextCommand() throws {
  let world = CrashWorld("lifecycle")
  defer { world.remove() }
  try world.build()
  let tags = try world.refs().filter { $0.key.hasPrefix("refs/tags/") }
  try world.save(as: "built")
  for (name, trial) in lifecycleTrials(world).sorted(by: { $0.key < $1.key }) {
    try world.restore("built")
    try prepare(name, in: world)
    try world.save(as: "start")
    let points = try world.points(of: trial.command)
    #expect(points.count >= 3, "\(name) passes \(points)")
    for n in 1...max(points.count, 1) {
      try runTrial(name, trial, fault: "*:\(n)", world: world, tags: tags)
    }
  }
}

@Test func everyKillPointOfRegisterAndSyncIsFinishedOrExplained() throws {
  let world = CrashWorld("register")
  defer { world.remove() }
  try world.build()
  let tags = try world.refs().filter { $0.key.hasPrefix("refs/tags/") }
  // Another machine publishes v2, so that the next sync here has objects and refs to bring.
  let other = ["STOOP_HOME": world.root + "/other"]
  #expect(try world.stoop(["repo", "register", world.remote], environment: other).status == 0)
  for arguments in [
    ["rpkg", "push", "blueprints.app.v2", world.checkout],
    ["rpkg", "propose", "blueprints.app.v2"],
    ["rpkg", "approve", "blueprints.app.v2"],
  ] {
    #expect(try world.stoop(arguments, environment: other).status == 0)
  }
  let second = world.root + "/second.git"
  #expect(try world.git(["init", "-q", "--bare", "-b", "main", second]).status == 0)
  try world.save(as: "start")

  let register = ["repo", "register", second, "--create-branch"]
  for n in 1...(try world.points(of: register).count) {
    try world.restore("start")
    let context = "register killed at *:\(n)"
    #expect(try world.stoop(register, environment: ["STOOP_FAULT": "*:\(n)"]).status == 9)
    let (again, _) = try world.retry(register)
    #expect(
      again.status == 0 || again.stderr.contains("already registered"),
      "\(context): \(again.stderr)")
    let fsck = try world.git(["--git-dir", second, "fsck", "--no-dangling", "--no-progress"])
    #expect(fsck.status == 0 && !fsck.stderr.contains("missing"), "\(context): \(fsck.stderr)")
    #expect(try world.stoop(["repo", "get", "second"]).status == 0, "\(context)")
    // Another machine reads what was left on the remote.
    let fresh = ["STOOP_HOME": world.root + "/fresh-\(n)"]
    let reading = try world.stoop(["repo", "register", second], environment: fresh)
    #expect(reading.status == 0, "\(context): \(reading.stderr)")
    // No scratch directory of the killed registration survives a later one.
    let namespace = world.home + "/repositories/default"
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: namespace).filter {
      $0.hasPrefix(".")
    }
    #expect(leftovers.isEmpty, "\(context): \(leftovers)")
  }

  let sync = ["repo", "sync", "blueprints"]
  for n in 1...(try world.points(of: sync).count) {
    try world.restore("start")
    let context = "sync killed at *:\(n)"
    #expect(try world.stoop(sync, environment: ["STOOP_FAULT": "*:\(n)"]).status == 9)
    try world.expectConsistent(context + ", before the retry", tags: tags)
    let again = try world.stoop(sync)
    #expect(again.status == 0, "\(context): \(again.stderr)")
    let listing = try world.stoop(["rpkg", "get"])
    #expect(listing.status == 0, "\(context): \(listing.stderr)")
    let rows = String(decoding: listing.stdout, as: UTF8.self).split(separator: "\n").map {
      $0.split(separator: " ").map(String.init)
    }
    #expect(
      rows.contains(["blueprints.app.v2", "app", "v2", "2", "true", "Published", "blueprints"]),
      "\(context): \(rows)")
    try world.expectConsistent(context, tags: tags)
    let clone = world.home + "/repositories/default/blueprints/clone.git"
    let fsck = try world.git(["--git-dir", clone, "fsck", "--no-dangling", "--no-progress"])
    #expect(fsck.status == 0, "\(context): \(fsck.stderr)")
  }
}

@Test func aStaleLockOnTheRemoteIsNamedWithWhatToDo() throws {
  let world = CrashWorld("remote-lock")
  defer { world.remove() }
  try world.build()
  for arguments in [
    ["rpkg", "push", "blueprints.app.v2", world.checkout],
    ["rpkg", "propose", "blueprints.app.v2"],
  ] {
    #expect(try world.stoop(arguments).status == 0)
  }
  for lock in ["refs/heads/main.lock", "refs/heads/proposed/app/v2.lock"] {
    let path = world.remote + "/" + lock
    try Data("0000000000000000000000000000000000000000\n".utf8).write(
      to: URL(fileURLWithPath: path))
    let refused = try world.stoop(["rpkg", "approve", "blueprints.app.v2"])
    #expect(refused.status == 3)
    // porchctl's shape: `<name> failed (<reason>)`, then `Error: errors:` and the reason.
    let lines = refused.stderr.split(separator: "\n").map(String.init)
    #expect(lines.count == 3, "\(refused.stderr)")
    #expect(
      lines.first?.hasPrefix("blueprints.app.v2 failed (cannot update ") == true
        && lines.first?.contains(
          "\(path) exists; another process is writing it, or one was killed while it did; if no other process is running, remove \(path) and run the command again"
        ) == true, "\(refused.stderr)")
    #expect(lines.dropFirst().first == "Error: errors:")
    #expect(!refused.stderr.contains("run the command again;"))
    try FileManager.default.removeItem(atPath: path)
  }
  #expect(try world.stoop(["rpkg", "approve", "blueprints.app.v2"]).status == 0)
  #expect(try world.refs()["refs/tags/app/v2"] != nil)

  // A new remote whose branch is locked: the registration names the lock and leaves nothing.
  let second = world.root + "/second.git"
  #expect(try world.git(["init", "-q", "--bare", "-b", "main", second]).status == 0)
  try Data().write(to: URL(fileURLWithPath: second + "/refs/heads/main.lock"))
  let register = try world.stoop(["repo", "register", second, "--create-branch"])
  #expect(register.status == 3)
  #expect(register.stderr.contains("\(second)/refs/heads/main.lock exists"), "\(register.stderr)")
  #expect(try world.stoop(["repo", "get", "second"]).status == 4)
  #expect(
    try FileManager.default.contentsOfDirectory(atPath: world.home + "/repositories/default")
      == ["blueprints"])
}

@Test func staleLocksInStoopsOwnCloneAreRemovedByTheNextLockHolder() throws {
  let world = CrashWorld("clone-lock")
  defer { world.remove() }
  try world.build()
  #expect(try world.stoop(["rpkg", "push", "blueprints.app.v2", world.checkout]).status == 0)
  // Propose killed while it held the lock of a remote-tracking ref in the clone.
  let points = try {
    try world.save(as: "pushed")
    defer { try? world.restore("pushed") }
    return try world.points(of: ["rpkg", "propose", "blueprints.app.v2"])
  }()
  // The clone's ref locks are the ones taken after the remote's refs moved.
  let moved = try #require(points.firstIndex(of: "push.refs-moved"))
  let locksBefore = points[..<moved].filter { $0 == "ref.locked" }.count
  #expect(points[moved...].contains("ref.locked"))
  let killed = try world.stoop(
    ["rpkg", "propose", "blueprints.app.v2"],
    environment: ["STOOP_FAULT": "ref.locked:\(locksBefore + 1)"])
  #expect(killed.status == 9)
  let clone = world.home + "/repositories/default/blueprints/clone.git"
  let locks = try FileManager.default.subpathsOfDirectory(atPath: clone).filter {
    $0.hasSuffix(".lock")
  }
  #expect(!locks.isEmpty, "the kill left a lock in the clone")
  for arguments in [
    ["rpkg", "get"], ["repo", "sync", "blueprints"], ["rpkg", "get", "-o", "name"],
  ] {
    let result = try world.stoop(arguments)
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
  }
  #expect(
    try FileManager.default.subpathsOfDirectory(atPath: clone).filter { $0.hasSuffix(".lock") }
      .isEmpty)
  let again = try world.stoop(["rpkg", "propose", "blueprints.app.v2"])
  #expect(again.status == 0, "\(again.stderr)")
  #expect(try world.refs()["refs/heads/drafts/app/v2"] == nil)
}

@Test func halfFinishedTransitionsAreFinishedAndListedOnce() throws {
  let world = CrashWorld("half")
  defer { world.remove() }
  try world.build()
  #expect(try world.stoop(["rpkg", "push", "blueprints.app.v2", world.checkout]).status == 0)
  // Propose killed right after the remote's proposed branch was written, before the draft
  // branch was deleted: both on the remote.
  let proposed = try world.stoop(
    ["rpkg", "propose", "blueprints.app.v2"], environment: ["STOOP_FAULT": "ref.written:1"])
  #expect(proposed.status == 9)
  var refs = try world.refs()
  #expect(refs["refs/heads/drafts/app/v2"] != nil && refs["refs/heads/proposed/app/v2"] != nil)
  let listing = String(decoding: try world.stoop(["rpkg", "get"]).stdout, as: UTF8.self)
  #expect(listing.components(separatedBy: "blueprints.app.v2 ").count == 2, "\(listing)")
  // Approve finds the leftover draft, removes it, and publishes.
  let approved = try world.stoop(["rpkg", "approve", "blueprints.app.v2"])
  #expect(approved.status == 0, "\(approved.stderr)")
  refs = try world.refs()
  #expect(refs["refs/heads/drafts/app/v2"] == nil && refs["refs/heads/proposed/app/v2"] == nil)
  #expect(refs["refs/tags/app/v2"] != nil)

  // A repository an older stoop left with the draft and the published tag of one workspace:
  // listed once, and the next command on the package removes the draft.
  try world.save(as: "published")
  let tag = try #require(refs["refs/tags/app/v2"])
  let proposal = try world.gitText(["--git-dir", world.remote, "rev-parse", tag + "^2"])
    .trimmingCharacters(in: .whitespacesAndNewlines)
  let draft = try world.gitText(["--git-dir", world.remote, "rev-parse", proposal + "^1"])
    .trimmingCharacters(in: .whitespacesAndNewlines)
  #expect(
    try world.git(["--git-dir", world.remote, "update-ref", "refs/heads/drafts/app/v2", draft])
      .status == 0)
  #expect(try world.stoop(["repo", "sync", "blueprints"]).status == 0)
  let names = String(
    decoding: try world.stoop(["rpkg", "get", "-o", "name"]).stdout, as: UTF8.self)
  #expect(names.components(separatedBy: "blueprints.app.v2\n").count == 2, "\(names)")
  #expect(
    try world.stoop(["rpkg", "copy", "blueprints.app.v2", "--workspace", "v3"]).status == 0)
  #expect(try world.refs()["refs/heads/drafts/app/v2"] == nil)
}

/// A small deterministic generator, so that a failing trial can be named and repeated.
private struct SplitMix {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

@Test func randomKillsAcrossPushProposeApproveAndRegisterLeaveNothingUnfinished() throws {
  let world = CrashWorld("random")
  defer { world.remove() }
  try world.build()
  let tags = try world.refs().filter { $0.key.hasPrefix("refs/tags/") }
  let second = world.root + "/second.git"
  #expect(try world.git(["init", "-q", "--bare", "-b", "main", second]).status == 0)
  try world.save(as: "built")
  var trials = lifecycleTrials(world).filter { ["push", "propose", "approve"].contains($0.key) }
  trials["register"] = KillTrial(
    command: ["repo", "register", second, "--create-branch"], present: [], absent: [],
    acceptedRefusal: "already registered")
  // Each command's starting state, and how long it runs untouched.
  var duration: [String: Double] = [:]
  for name in trials.keys.sorted() {
    try world.restore("built")
    try prepare(name, in: world)
    try world.save(as: "start-" + name)
    let started = Date()
    let untouched = try world.stoop(trials[name]!.command)
    duration[name] = Date().timeIntervalSince(started)
    #expect(untouched.status == 0, "\(name): \(untouched.stderr)")
  }
  let seed =
    UInt64(
      ProcessInfo.processInfo.environment["STOOP_CRASH_SEED"] ?? "") ?? 14
  var random = SplitMix(state: seed)
  let names = trials.keys.sorted()
  for trial in 1...100 {
    let name = names[Int(random.next() % UInt64(names.count))]
    let command = trials[name]!
    // Anywhere in the command's run, process start-up included.
    let delay = (duration[name] ?? 0.05) * Double(random.next() % 1_000) / 1_000
    try world.restore("start-" + name)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: stoopBinary)
    process.arguments = command.command
    process.environment = ProcessInfo.processInfo.environment.merging([
      "STOOP_HOME": world.home, "GIT_CONFIG_GLOBAL": "/dev/null",
    ]) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    usleep(UInt32(delay * 1_000_000))
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let context = "trial \(trial) (seed \(seed)): \(name) killed after \(Int(delay * 1000)) ms"
    try retryAndExpectFinished(command, world: world, context: context, tags: tags)
    if name == "register" {
      let fsck = try world.git(["--git-dir", second, "fsck", "--no-dangling", "--no-progress"])
      #expect(fsck.status == 0 && !fsck.stderr.contains("missing"), "\(context): \(fsck.stderr)")
      #expect(try world.stoop(["repo", "get", "second"]).status == 0, "\(context)")
    }
  }
}

@Test func racingApprovalsOfOnePackageGetDistinctNumbers() throws {
  let work = temporaryDirectory("race-one")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  func stoop(_ arguments: [String], _ home: String) throws -> Run {
    try run(
      stoopBinary, arguments,
      environment: ["STOOP_HOME": work + "/" + home, "GIT_CONFIG_GLOBAL": "/dev/null"])
  }
  #expect(try stoop(["repo", "register", remote, "--create-branch"], "setup").status == 0)
  for arguments in [
    ["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"],
    ["rpkg", "propose", "blueprints.app.v1"], ["rpkg", "approve", "blueprints.app.v1"],
  ] {
    #expect(try stoop(arguments, "setup").status == 0)
  }
  let workspaces = ["a", "b", "c", "d", "e", "f"]
  for workspace in workspaces {
    #expect(
      try stoop(["rpkg", "copy", "blueprints.app.v1", "--workspace", workspace], "setup").status
        == 0)
    #expect(try stoop(["rpkg", "propose", "blueprints.app.\(workspace)"], "setup").status == 0)
  }
  for workspace in workspaces {
    #expect(try stoop(["repo", "register", remote], "machine-" + workspace).status == 0)
  }
  let processes = try workspaces.map { workspace -> Process in
    let process = Process()
    process.executableURL = URL(fileURLWithPath: stoopBinary)
    process.arguments = ["rpkg", "approve", "blueprints.app.\(workspace)"]
    process.environment = ProcessInfo.processInfo.environment.merging([
      "STOOP_HOME": work + "/machine-" + workspace, "GIT_CONFIG_GLOBAL": "/dev/null",
    ]) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }
  for process in processes { process.waitUntilExit() }
  #expect(processes.map(\.terminationStatus) == Array(repeating: 0, count: workspaces.count))
  let subjects = String(
    decoding: try run("/usr/bin/env", ["git", "-C", remote, "log", "--format=%s", "main"]).stdout,
    as: UTF8.self
  ).split(separator: "\n").filter { $0.hasPrefix("Approving") }
  #expect(subjects.count == 1 + workspaces.count)
  #expect(Set(subjects).count == subjects.count, "a number published twice: \(subjects)")
  let tags = String(
    decoding: try run("/usr/bin/env", ["git", "-C", remote, "tag"]).stdout, as: UTF8.self
  ).split(separator: "\n").map(String.init)
  #expect(tags.sorted() == (1...7).map { "app/v\($0)" }.sorted())
  // Each tag is its own approval, of the workspace its message names.
  for number in 1...7 {
    let subject = try run(
      "/usr/bin/env", ["git", "-C", remote, "log", "-1", "--format=%s", "app/v\(number)"])
    #expect(
      String(decoding: subject.stdout, as: UTF8.self)
        == "Approving package revision app/\(number)\n")
  }
}
