import Foundation
import Testing

/// An upstream bare repository on disk and a work tree that publishes package versions to it
/// with the git command line (the tests' tool; stoop itself reads it through libgit2).
struct UpstreamRepository {
  let work: String
  let bare: String
  let tree: String
  let env = [
    "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
  ]

  init(in work: String) throws {
    self.work = work
    bare = work + "/up.git"
    tree = work + "/up-tree"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    try git(["init", "-q", "--bare", "-b", "main", bare], in: work)
    try git(["init", "-q", "-b", "main", tree], in: work)
    try git(["remote", "add", "origin", bare], in: tree)
  }

  /// The environment stoop runs in: its own config directory under `work`.
  var stoopEnvironment: [String: String] {
    ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  }

  func stoop(_ arguments: [String]) throws -> Run {
    try run(stoopBinary, arguments, environment: stoopEnvironment)
  }

  @discardableResult
  func git(_ arguments: [String], in directory: String) throws -> String {
    let result = try run("/usr/bin/env", ["git", "-C", directory] + arguments, environment: env)
    #expect(result.status == 0, "git \(arguments): \(result.stderr)")
    return String(decoding: result.stdout, as: UTF8.self)
  }

  /// Replaces `directory` in the work tree with `files`, commits, tags and pushes.
  func publish(_ directory: String, _ files: [String: String], tags: [String]) throws {
    let root = tree + "/" + directory
    try? FileManager.default.removeItem(atPath: root)
    for (path, text) in files {
      let target = root + "/" + path
      try FileManager.default.createDirectory(
        atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try text.write(toFile: target, atomically: false, encoding: .utf8)
    }
    try git(["add", "-A"], in: tree)
    try git(["commit", "-q", "--allow-empty", "-m", "publish \(tags)"], in: tree)
    for tag in tags { try git(["tag", tag], in: tree) }
    try git(["push", "-q", "origin", "main", "--tags"], in: tree)
  }
}

private func read(_ path: String) -> String? {
  try? String(contentsOfFile: path, encoding: .utf8)
}

/// pkg init writes kpt's three files once; pkg get writes upstream and lock as kpt does, merge
/// keys, kpt's destination rules; bad input names the problem and leaves nothing behind.
@Test func pkgInitAndGetWorkAsKptsDo() throws {
  let upstream = try UpstreamRepository(in: temporaryDirectory("pkg-get"))
  let work = upstream.work
  defer { try? FileManager.default.removeItem(atPath: work) }
  let stoop = upstream.stoop

  let initialised = try stoop(["pkg", "init", work + "/fresh", "--description", "my desc"])
  #expect(initialised.status == 0, "\(initialised.stderr)")
  let kptfile = try #require(read(work + "/fresh/Kptfile"))
  #expect(kptfile.contains("  name: fresh\n") && kptfile.contains("  description: my desc\n"))
  #expect(
    read(work + "/fresh/package-context.yaml") != nil && read(work + "/fresh/README.md") != nil)
  try "# mine\n".write(toFile: work + "/fresh/README.md", atomically: false, encoding: .utf8)
  let again = try stoop(["pkg", "init", work + "/fresh"])
  #expect(
    again.status == 0 && again.stderr.isEmpty && read(work + "/fresh/README.md") == "# mine\n")

  try upstream.publish(
    "basic",
    [
      "Kptfile": """
      apiVersion: kpt.dev/v1
      kind: Kptfile
      metadata:
        name: upstream-name
        annotations:
          config.kubernetes.io/local-config: "true"
      info:
        description: basic

      """,
      "deploy.yaml": """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web # line comment
        namespace: ns1
      spec:
        replicas: 1

      """,
    ], tags: ["v1", "basic/v1"])
  let commit = try upstream.git(["rev-parse", "HEAD"], in: upstream.tree)
    .trimmingCharacters(in: .whitespacesAndNewlines)

  let got = try stoop(["pkg", "get", "file://\(upstream.bare)/basic@v1", work + "/local"])
  #expect(got.status == 0, "\(got.stderr)")
  #expect(got.stderr.hasSuffix("Adding package \"basic\".\n\nFetched 1 package(s).\n"))
  #expect(
    read(work + "/local/Kptfile") == """
      apiVersion: kpt.dev/v1
      kind: Kptfile
      metadata:
        name: local
        annotations:
          config.kubernetes.io/local-config: "true"
      upstream:
        type: git
        git:
          repo: file://\(work)/up
          directory: /basic
          ref: v1
        updateStrategy: resource-merge
      upstreamLock:
        type: git
        git:
          repo: file://\(work)/up
          directory: /basic
          ref: basic/v1
          commit: \(commit)
      info:
        description: basic

      """)
  #expect(
    read(work + "/local/deploy.yaml") == """
      apiVersion: apps/v1
      kind: Deployment
      metadata: # kpt-merge: ns1/web
        name: web # line comment
        namespace: ns1
        annotations:
          internal.kpt.dev/upstream-identifier: 'apps|Deployment|ns1|web'
      spec:
        replicas: 1

      """)

  // An existing directory receives the package under the package's own name.
  try FileManager.default.createDirectory(atPath: work + "/into", withIntermediateDirectories: true)
  #expect(try stoop(["pkg", "get", upstream.bare + "/basic", work + "/into"]).status == 0)
  #expect(read(work + "/into/basic/Kptfile")?.contains("    ref: main\n") == true)

  // Bad input: one line, exit 1, no directory left behind.
  let bad: [([String], String)] = [
    (["file://\(upstream.bare)/basic@nope", work + "/b1"], "unknown ref \"nope\""),
    (["file://\(upstream.bare)/missing", work + "/b2"], "path \"/missing\" does not exist"),
    ([work + "/up/basic", work + "/b3"], "ambiguous repo/dir@version"),
    ([work + "/nowhere.git/basic", work + "/b4"], "no git repository at"),
    (["file://\(upstream.bare)/basic", work + "/no/such/parent"], "parent directory"),
    (["file://\(upstream.bare)/basic", work + "/into"], "already exists"),
  ]
  for (arguments, message) in bad {
    let result = try stoop(["pkg", "get"] + arguments)
    #expect(result.status == 1, "\(arguments)")
    let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error: ") }
    #expect(errors.count == 1 && errors[0].contains(message), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: arguments[1]) || arguments[1].hasSuffix("into"))
  }
  let leftovers = try FileManager.default.contentsOfDirectory(atPath: work)
  #expect(!leftovers.contains { $0.hasPrefix(".stoop-get-") })
}

/// kpt.md §3.10 scenario 2 on real git: deletions, explicit nulls, list rules, subpackages
/// deleted and added upstream, and the Kptfile pipeline merged by function.
@Test func pkgUpdateReproducesKptScenarioTwo() throws {
  let upstream = try UpstreamRepository(in: temporaryDirectory("pkg-update"))
  let work = upstream.work
  defer { try? FileManager.default.removeItem(atPath: work) }
  let stoop = upstream.stoop
  let cm = { (name: String, data: String) in
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\ndata:\n\(data)"
  }
  let bar = { (items: String, finalizers: String) in
    "apiVersion: example.com/v1\nkind: Bar\nmetadata:\n  name: bar\n  finalizers: [\(finalizers)]\nspec:\n  items: [\(items)]\n"
  }
  let kptfile = { (extra: String) in
    "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p2\n\(extra)"
  }
  let sub = { (name: String) in
    "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: \(name)\n"
  }
  try upstream.publish(
    "p2",
    [
      "Kptfile": kptfile(
        "pipeline:\n  mutators:\n    - image: set-namespace:v1\n      configMap:\n        namespace: up-ns\n"
      ),
      "res.yaml": [
        cm("keep-deleted", "  k: v1\n"), cm("upstream-deletes", "  k: v1\n"),
        cm("nulls", "  a: \"1\"\n  b: \"2\"\n"), bar("x, y", "f1"),
      ].joined(separator: "---\n"),
      "subA/Kptfile": sub("subA"), "subA/cm.yaml": cm("a", "  k: v\n"),
      "mover.yaml": cm("mover", "  k: \"1\"\n"),
    ], tags: ["p2/v1"])
  #expect(try stoop(["pkg", "get", upstream.bare + "/p2@v1", work + "/p2"]).status == 0)

  // Local edits.
  let res = work + "/p2/res.yaml"
  var local = try #require(read(res))
  let documents = local.components(separatedBy: "---\n")
  local = documents.dropFirst().joined(separator: "---\n")  // keep-deleted deleted locally
  local = local.replacingOccurrences(of: "  k: v1\n", with: "  k: local-change\n")
  local = local.replacingOccurrences(of: "  b: \"2\"\n", with: "  b: \"2\"\n  local: l\n")
  local = local.replacingOccurrences(of: "items: [x, y]", with: "items: [x, y, local]")
  try local.write(toFile: res, atomically: false, encoding: .utf8)
  var localKptfile = try #require(read(work + "/p2/Kptfile"))
  localKptfile = localKptfile.replacingOccurrences(
    of: "  name: p2\n", with: "  name: p2\n  labels:\n    mine: \"true\"\n")
  localKptfile = localKptfile.replacingOccurrences(
    of: "        namespace: up-ns\n",
    with: "        namespace: local-ns\n    - image: local-fn:v1\n")
  try localKptfile.write(toFile: work + "/p2/Kptfile", atomically: false, encoding: .utf8)
  let mover = work + "/p2/mover.yaml"
  try #require(read(mover)).replacingOccurrences(of: "k: \"1\"", with: "k: local").write(
    toFile: mover, atomically: false, encoding: .utf8)

  try upstream.publish(
    "p2",
    [
      "Kptfile": kptfile(
        "  annotations:\n    up: \"2\"\npipeline:\n  mutators:\n    - image: set-namespace:v2\n      configMap:\n        namespace: up-ns\n    - image: upstream-new:v1\n  validators:\n    - image: kubeval:v1\n"
      ),
      "res.yaml": [
        cm("keep-deleted", "  k: v2\n"), cm("nulls", "  a: null\n  b: \"2\"\n"),
        bar("x, y", "f1, f2"),
      ].joined(separator: "---\n"),
      "subB/Kptfile": sub("subB"), "subB/cm.yaml": cm("b", "  k: v\n"),
      "elsewhere/mover.yaml": cm("mover", "  k: \"1\"\n  u: \"2\"\n"),
    ], tags: ["p2/v2"])

  // --on-conflict=fail with a conflict-free merge goes through; first, a diff of what comes.
  let before = try stoop(["pkg", "diff", work + "/p2@v2", "--diff-type", "remote"])
  #expect(before.status == 0)
  let preview = String(decoding: before.stdout, as: UTF8.self)
  #expect(
    preview.contains("+++ upstream@v2/subB/cm.yaml") && preview.contains("-  k: v1\n+  k: v2\n"))

  let updated = try stoop(["pkg", "update", work + "/p2@v2"])
  #expect(updated.status == 0, "\(updated.stderr)")
  let merged = try #require(read(res))
  #expect(!merged.contains("keep-deleted"))
  #expect(merged.contains("name: upstream-deletes") && merged.contains("k: local-change"))
  #expect(
    !merged.contains("  a: ") && merged.contains("  local: l\n") && merged.contains("  b: \"2\"\n"))
  #expect(merged.contains("items: [x, y, local]") && merged.contains("finalizers: [f1, f2]"))
  #expect(!FileManager.default.fileExists(atPath: work + "/p2/subA"))
  #expect(read(work + "/p2/subB/cm.yaml")?.contains("metadata: # kpt-merge: /b\n") == true)
  let newKptfile = try #require(read(work + "/p2/Kptfile"))
  #expect(newKptfile.contains("    mine: \"true\"\n") && newKptfile.contains("    up: \"2\"\n"))
  #expect(
    newKptfile.contains(
      "    - image: set-namespace:v2\n      configMap:\n        namespace: local-ns\n    - image: local-fn:v1\n    - image: upstream-new:v1\n"
    ), "\(newKptfile)")
  #expect(newKptfile.contains("  validators:\n    - image: kubeval:v1\n"))
  #expect(newKptfile.contains("    ref: v2\n") && newKptfile.contains("    ref: p2/v2\n"))
  // Upstream moved `mover` to another file: one copy, where upstream put it, with the local
  // edit and upstream's new field (kpt would keep two copies).
  #expect(!FileManager.default.fileExists(atPath: mover))
  let moved = try #require(read(work + "/p2/elsewhere/mover.yaml"))
  #expect(moved.contains("  k: local\n") && moved.contains("  u: \"2\"\n"), "\(moved)")

  // Bad input: a missing version; a directory without a Kptfile; a broken upstream.
  let snapshot = try directorySnapshot(work + "/p2")
  let missing = try stoop(["pkg", "update", work + "/p2@v9"])
  #expect(missing.status == 1 && missing.stderr.contains("unknown ref \"v9\""))
  #expect(try directorySnapshot(work + "/p2") == snapshot)
  try FileManager.default.createDirectory(
    atPath: work + "/bare-dir", withIntermediateDirectories: true)
  let noKptfile = try stoop(["pkg", "update", work + "/bare-dir"])
  #expect(noKptfile.status == 1 && noKptfile.stderr.contains("has no Kptfile"))
  try FileManager.default.createDirectory(
    atPath: work + "/broken", withIntermediateDirectories: true)
  try kptfile("upstream:\n  type: git\n  git:\n    repo: \(work)/gone\n    ref: v1\n").write(
    toFile: work + "/broken/Kptfile", atomically: false, encoding: .utf8)
  let broken = try stoop(["pkg", "update", work + "/broken"])
  #expect(broken.status == 1 && broken.stderr.contains("no git repository at"), "\(broken.stderr)")
  #expect(try stoop(["pkg", "init", work + "/fresh-pkg"]).status == 0)
  let noUpstream = try stoop(["pkg", "update", work + "/fresh-pkg"])
  #expect(noUpstream.status == 1)
}

/// kpt.md §3.10 scenario 3: fast-forward refuses local changes (stoop writes nothing, not even
/// the Kptfile ref kpt writes), the Kptfile's strategy is kept when no flag is given,
/// force-delete-replace drops local edits; --on-conflict=fail refuses with exit 5.
@Test func pkgUpdateStrategiesAndConflictPolicies() throws {
  let upstream = try UpstreamRepository(in: temporaryDirectory("pkg-strategies"))
  let work = upstream.work
  defer { try? FileManager.default.removeItem(atPath: work) }
  let stoop = upstream.stoop
  let deploy = { (replicas: Int) in
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: \(replicas)\n"
  }
  let kptfile = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: basic\n"
  try upstream.publish("basic", ["Kptfile": kptfile, "deploy.yaml": deploy(1)], tags: ["v1"])
  try upstream.publish("basic", ["Kptfile": kptfile, "deploy.yaml": deploy(3)], tags: ["v2"])
  let ff = work + "/ff"
  #expect(
    try stoop(["pkg", "get", "--strategy", "fast-forward", upstream.bare + "/basic@v1", ff]).status
      == 0)
  try deploy(9).write(toFile: ff + "/deploy.yaml", atomically: false, encoding: .utf8)
  try "extra\n".write(toFile: ff + "/extra.txt", atomically: false, encoding: .utf8)
  let snapshot = try directorySnapshot(ff)

  let refused = try stoop(["pkg", "update", ff + "@v2"])
  #expect(refused.status == 1)
  #expect(
    refused.stderr.contains("local package files have been modified: [deploy.yaml extra.txt]"),
    "\(refused.stderr)")
  #expect(try directorySnapshot(ff) == snapshot)

  let conflict = try stoop([
    "pkg", "update", ff + "@v2", "--strategy", "resource-merge", "--on-conflict", "fail",
  ])
  #expect(conflict.status == 5)
  #expect(conflict.stderr.contains("spec.replicas: origin \"1\", upstream \"3\", local \"9\""))
  #expect(try directorySnapshot(ff) == snapshot)

  let keepLocal = try stoop([
    "pkg", "update", ff + "@v2", "--strategy", "resource-merge", "--on-conflict", "local",
  ])
  #expect(keepLocal.status == 0, "\(keepLocal.stderr)")
  #expect(read(ff + "/deploy.yaml")?.contains("replicas: 9") == true)
  #expect(read(ff + "/Kptfile")?.contains("updateStrategy: resource-merge") == true)

  // An untouched package fast-forwards: its merge keys are not local changes.
  let clean = work + "/clean"
  #expect(
    try stoop(["pkg", "get", "--strategy", "fast-forward", upstream.bare + "/basic@v1", clean])
      .status == 0)
  let forwarded = try stoop(["pkg", "update", clean + "@v2"])
  #expect(forwarded.status == 0, "\(forwarded.stderr)")
  #expect(read(clean + "/deploy.yaml")?.contains("replicas: 3") == true)
  #expect(read(clean + "/Kptfile")?.contains("updateStrategy: fast-forward") == true)

  let replaced = work + "/replaced"
  #expect(try stoop(["pkg", "get", upstream.bare + "/basic@v1", replaced]).status == 0)
  try deploy(9).write(toFile: replaced + "/deploy.yaml", atomically: false, encoding: .utf8)
  try "extra\n".write(toFile: replaced + "/extra.txt", atomically: false, encoding: .utf8)
  let forced = try stoop(["pkg", "update", replaced + "@v2", "--strategy", "force-delete-replace"])
  #expect(forced.status == 0, "\(forced.stderr)")
  #expect(!FileManager.default.fileExists(atPath: replaced + "/extra.txt"))
  #expect(read(replaced + "/deploy.yaml")?.contains("replicas: 3") == true)

  // The origin is read from the lock's own repository: a lock naming one that does not exist
  // fails the update, and one without a commit too; nothing is written either way.
  let locked = work + "/locked"
  #expect(try stoop(["pkg", "get", upstream.bare + "/basic@v1", locked]).status == 0)
  let original = read(locked + "/Kptfile") ?? ""
  let lockStart = try #require(original.range(of: "upstreamLock:"))
  let lockText = String(original[lockStart.lowerBound...])
  for (broken, message) in [
    (
      String(original[..<lockStart.lowerBound])
        + lockText.replacingOccurrences(
          of: #"repo: \S+"#, with: "repo: \(work)/fake", options: .regularExpression),
      "fake"
    ),
    (
      original.replacingOccurrences(
        of: #"commit: [0-9a-f]{40}"#, with: "commit: \"\"", options: .regularExpression),
      "names no commit"
    ),
  ] {
    #expect(broken != original)
    try broken.write(toFile: locked + "/Kptfile", atomically: false, encoding: .utf8)
    let before = try directorySnapshot(locked)
    let failed = try stoop(["pkg", "update", locked + "@v2"])
    #expect(failed.status == 1 && failed.stderr.contains(message), "\(failed.stderr)")
    #expect(try directorySnapshot(locked) == before)
  }
}

/// Interoperability with kpt itself, when it is installed: a package kpt fetched updates with
/// stoop, and a package stoop fetched updates with kpt, to the same files.
@Test(.enabled(if: kptPath != nil)) func pkgInteroperatesWithKpt() throws {
  let kpt = try #require(kptPath)
  let work = temporaryDirectory("pkg-kpt")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let upstream = try UpstreamRepository(in: work)
  let env = ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  let deploy = { (replicas: Int, image: String) in
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: ns1\nspec:\n  replicas: \(replicas)\n  template:\n    spec:\n      containers:\n        - name: app\n          image: \(image)\n"
  }
  let kptfile =
    "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: basic\ninfo:\n  description: basic\n"
  try upstream.publish(
    "basic", ["Kptfile": kptfile, "deploy.yaml": deploy(1, "nginx:1")], tags: ["v1", "basic/v1"])
  try upstream.publish(
    "basic",
    [
      "Kptfile": kptfile, "deploy.yaml": deploy(1, "nginx:2"),
      "sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n",
    ], tags: ["v2", "basic/v2"])
  let source = "file://\(upstream.bare)/basic@v1"
  func localEdit(_ directory: String) throws {
    let path = directory + "/deploy.yaml"
    let text = try #require(read(path)).replacingOccurrences(of: "replicas: 1", with: "replicas: 4")
    try text.write(toFile: path, atomically: false, encoding: .utf8)
  }
  func cleanEnv(_ directory: String) -> [String: String] {
    env.merging(["KPT_CACHE_DIR": work + "/kpt-cache", "HOME": work]) { $1 }
  }

  // kpt gets, stoop updates.
  #expect(
    try run(kpt, ["pkg", "get", source, work + "/by-kpt"], environment: cleanEnv(work)).status == 0)
  try localEdit(work + "/by-kpt")
  let stoopUpdate = try run(stoopBinary, ["pkg", "update", work + "/by-kpt@v2"], environment: env)
  #expect(stoopUpdate.status == 0, "\(stoopUpdate.stderr)")

  // stoop gets, kpt updates.
  #expect(
    try run(stoopBinary, ["pkg", "get", source, work + "/by-stoop"], environment: env).status == 0)
  try localEdit(work + "/by-stoop")
  let kptUpdate = try run(
    "/bin/sh", ["-c", "cd \(work) && \(kpt) pkg update by-stoop@v2"], environment: cleanEnv(work))
  #expect(kptUpdate.status == 0, "\(kptUpdate.stderr)")

  for directory in ["by-kpt", "by-stoop"] {
    let merged = try #require(read(work + "/\(directory)/deploy.yaml"))
    #expect(merged.contains("replicas: 4") && merged.contains("image: nginx:2"), "\(directory)")
    #expect(read(work + "/\(directory)/sa.yaml")?.contains("# kpt-merge: /sa") == true)
    let lock = try #require(read(work + "/\(directory)/Kptfile"))
    #expect(lock.contains("    ref: basic/v2\n"), "\(directory): \(lock)")
  }
  #expect(read(work + "/by-kpt/deploy.yaml") == read(work + "/by-stoop/deploy.yaml"))
}

/// The kpt binary, when one is on PATH.
let kptPath: String? = {
  for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
    let candidate = String(directory) + "/kpt"
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
  }
  return nil
}()

/// Every file under a directory with its bytes, to show that nothing changed.
func directorySnapshot(_ directory: String) throws -> [String: Data] {
  var result: [String: Data] = [:]
  let walker = FileManager.default.enumerator(atPath: directory)
  while let path = walker?.nextObject() as? String {
    if let data = FileManager.default.contents(atPath: directory + "/" + path) {
      result[path] = data
    }
  }
  return result
}

/// kpt.md §3.10 scenario 1 on real git, through pkg get and pkg update: every recorded outcome,
/// and, when kpt is installed, the same update by kpt on a copy gives the same deploy.yaml.
@Test func pkgUpdateReproducesKptScenarioOne() throws {
  let upstream = try UpstreamRepository(in: temporaryDirectory("pkg-scenario-1"))
  let work = upstream.work
  defer { try? FileManager.default.removeItem(atPath: work) }
  let env = upstream.stoopEnvironment
  let stoop = upstream.stoop
  let deploy = """
    # top comment
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web # line comment
      namespace: ns1
    spec:
      replicas: 1
      template:
        spec:
          containers:
            - name: app
              image: nginx:1.0
              ports:
                - containerPort: 80
              env:
                - name: A
                  value: "1"
            - name: sidecar
              image: busybox:1.0

    """
  let cms = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: cm1
    data:
      a: "1"
      b: two
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: cm2
    data:
      k: v

    """
  let kptfile = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: basic\n"
  try upstream.publish(
    "basic", ["Kptfile": kptfile, "deploy.yaml": deploy, "cm.yaml": cms, "README.md": "v1\n"],
    tags: ["v1", "basic/v1"])
  let local = work + "/local"
  #expect(try stoop(["pkg", "get", "file://\(upstream.bare)/basic@v1", local]).status == 0)
  func edit(_ path: String, _ pairs: [(String, String)]) throws {
    var text = try #require(read(local + "/" + path))
    for (from, to) in pairs {
      #expect(text.contains(from), "\(path): \(from)")
      text = text.replacingOccurrences(of: from, with: to)
    }
    try text.write(toFile: local + "/" + path, atomically: false, encoding: .utf8)
  }
  try edit(
    "deploy.yaml",
    [
      ("  namespace: ns1\n", "  namespace: ns1\n  labels:\n    team: local # local label\n"),
      ("replicas: 1", "replicas: 5"),
      (
        "      value: \"1\"\n",
        "      value: \"1\"\n            - name: LOCAL\n              value: \"yes\"\n"
      ),
      ("image: busybox:1.0\n", "image: busybox:1.0\n          args: [\"--local\"]\n"),
    ])
  try edit("cm.yaml", [("a: \"1\"", "a: \"local-a\"")])
  try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n".write(
    toFile: local + "/local-only.yaml", atomically: false, encoding: .utf8)
  try "notes\n".write(toFile: local + "/NOTES.txt", atomically: false, encoding: .utf8)
  let kptCopy = work + "/kpt-copy"
  try FileManager.default.copyItem(atPath: local, toPath: kptCopy)

  let v2 = deploy.replacingOccurrences(of: "# top comment", with: "# top comment (v2)")
    .replacingOccurrences(
      of: "  namespace: ns1\n", with: "  namespace: ns1\n  labels:\n    tier: backend\n"
    )
    .replacingOccurrences(of: "replicas: 1", with: "replicas: 3 # upstream replicas")
    .replacingOccurrences(of: "nginx:1.0", with: "nginx:2.0")
    .replacingOccurrences(
      of: "            - containerPort: 80\n",
      with: "            - containerPort: 80\n            - containerPort: 443\n"
    )
    .replacingOccurrences(
      of: "              value: \"1\"\n",
      with: "              value: \"2\"\n            - name: B\n              value: \"b\"\n"
    )
    .replacingOccurrences(
      of: "          image: busybox:1.0\n",
      with:
        "          image: busybox:1.0\n          args: [\"--upstream\"]\n        - name: logger\n          image: fluentd:1\n"
    )
  try upstream.publish(
    "basic",
    [
      "Kptfile": kptfile, "deploy.yaml": v2,
      "cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm1\ndata:\n  a: \"1\"\n  c: three\n",
      "new.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: new\n",
      "README.md": "v2\n",
    ], tags: ["v2", "basic/v2"])

  let updated = try stoop(["pkg", "update", local + "@v2"])
  #expect(updated.status == 0, "\(updated.stderr)")
  #expect(updated.stderr.contains("2 conflict(s), resolved for upstream:"), "\(updated.stderr)")
  let merged = try #require(read(local + "/deploy.yaml"))
  for line in [
    "# top comment (v2)\n", "    team: local # local label\n", "    tier: backend\n",
    "  replicas: 3 # upstream replicas\n", "image: nginx:2.0", "- containerPort: 443\n",
    "value: \"2\"", "- name: LOCAL\n", "- name: B\n", "args: [\"--upstream\"]", "name: logger",
  ] {
    #expect(merged.contains(line), "\(line) in \(merged)")
  }
  let cm = try #require(read(local + "/cm.yaml"))
  #expect(cm.contains("a: \"local-a\"") && !cm.contains("b: two") && cm.contains("c: three"))
  #expect(!cm.contains("cm2"))
  #expect(read(local + "/new.yaml")?.contains("metadata: # kpt-merge: /new") == true)
  #expect(read(local + "/README.md") == "v2\n" && read(local + "/NOTES.txt") == "notes\n")
  #expect(read(local + "/local-only.yaml")?.contains("# kpt-merge: /mine") == true)
  #expect(read(local + "/Kptfile")?.contains("    ref: basic/v2\n") == true)

  if let kpt = kptPath {
    let byKpt = try run(
      "/bin/sh", ["-c", "cd \(work) && \(kpt) pkg update kpt-copy@v2"],
      environment: env.merging(["KPT_CACHE_DIR": work + "/kpt-cache", "HOME": work]) { $1 })
    #expect(byKpt.status == 0, "\(byKpt.stderr)")
    // One known difference: kpt writes an element new to a list with its keys sorted
    // (`image` before `name`); stoop keeps upstream's order.
    let kptOrder = merged.replacingOccurrences(
      of: "        - name: logger\n          image: fluentd:1\n",
      with: "        - image: fluentd:1\n          name: logger\n")
    #expect(kptOrder != merged)
    #expect(read(kptCopy + "/deploy.yaml") == kptOrder)
    #expect(read(kptCopy + "/cm.yaml") == cm)
  }
}

/// Remote subpackages, as kpt handles them: pkg get fetches a declared but unfetched one from
/// its own upstream (keeping its name), and pkg update updates it against that upstream while
/// the root is merged around it.
@Test func pkgGetAndUpdateHandleRemoteSubpackages() throws {
  let upstream = try UpstreamRepository(in: temporaryDirectory("pkg-subpackages"))
  let work = upstream.work
  defer { try? FileManager.default.removeItem(atPath: work) }
  let stoop = upstream.stoop
  let cm = { (value: String) in
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  k: \(value)\n"
  }
  let kptfile = { (name: String) in
    "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: \(name)\n"
  }
  try upstream.publish("shared", ["Kptfile": kptfile("shared"), "cm.yaml": cm("v1")], tags: [])
  try upstream.publish(
    "app",
    [
      "Kptfile": kptfile("app"),
      "cm.yaml": cm("app").replacingOccurrences(of: "shared", with: "app"),
      "deps/Kptfile": kptfile("deps")
        + "upstream:\n  type: git\n  git:\n    repo: \(upstream.bare)\n    directory: /shared\n    ref: main\n",
    ], tags: ["app/v1"])
  let got = try stoop(["pkg", "get", upstream.bare + "/app@v1", work + "/local"])
  #expect(got.status == 0, "\(got.stderr)")
  #expect(
    got.stderr.contains("Package \"local/deps\":")
      && got.stderr.hasSuffix("Fetched 2 package(s).\n"))
  let deps = try #require(read(work + "/local/deps/Kptfile"))
  #expect(
    deps.contains("  name: deps\n") && deps.contains("upstreamLock:")
      && deps.contains("    ref: main\n"))
  #expect(read(work + "/local/deps/cm.yaml")?.contains("k: v1") == true)

  // A diff of the root leaves the remote subpackage out: it has an upstream of its own.
  let diff = try stoop(["pkg", "diff", work + "/local"])
  #expect(
    diff.status == 0 && diff.stdout.isEmpty, "\(String(decoding: diff.stdout, as: UTF8.self))")

  // The shared package moves on upstream; a local edit in the root survives the update.
  try upstream.publish("shared", ["Kptfile": kptfile("shared"), "cm.yaml": cm("v2")], tags: [])
  let root = work + "/local/cm.yaml"
  try #require(read(root)).replacingOccurrences(of: "k: app", with: "k: mine").write(
    toFile: root, atomically: false, encoding: .utf8)
  let updated = try stoop(["pkg", "update", work + "/local"])
  #expect(updated.status == 0, "\(updated.stderr)")
  #expect(updated.stderr.hasSuffix("Updated 2 package(s).\n"), "\(updated.stderr)")
  #expect(read(work + "/local/deps/cm.yaml")?.contains("k: v2") == true)
  #expect(read(root)?.contains("k: mine") == true)
  let commit = try upstream.git(["rev-parse", "HEAD"], in: upstream.tree)
    .trimmingCharacters(in: .whitespacesAndNewlines)
  #expect(read(work + "/local/deps/Kptfile")?.contains("commit: \(commit)") == true)

  if let kpt = kptPath {
    let byKpt = try run(
      kpt, ["pkg", "get", upstream.bare + "/app@v1", work + "/by-kpt"],
      environment: upstream.stoopEnvironment.merging([
        "KPT_CACHE_DIR": work + "/kpt-cache", "HOME": work,
      ]) { $1 })
    #expect(byKpt.status == 0, "\(byKpt.stderr)")
    #expect(read(work + "/by-kpt/deps/Kptfile")?.contains("commit: \(commit)") == true)
    #expect(read(work + "/by-kpt/deps/cm.yaml") == read(work + "/local/deps/cm.yaml"))
  }
}

/// Remote subpackages as parts of their parent's upstream (kpt's update.go): upstream moving an
/// unfetched one to another ref is followed, one deleted upstream stays when local differs from
/// what upstream had (here: fetched, where upstream only declared it), one deleted locally is
/// not brought back, and one added on both sides is refused.
@Test func pkgUpdateMergesRemoteSubpackagesAsPartsOfTheirParent() throws {
  let upstream = try UpstreamRepository(in: temporaryDirectory("pkg-remote-parts"))
  let work = upstream.work
  defer { try? FileManager.default.removeItem(atPath: work) }
  let stoop = upstream.stoop
  let kptfile = { (name: String) in
    "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: \(name)\n"
  }
  let cm = { (name: String, value: String) in
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\ndata:\n  k: \(value)\n"
  }
  let declared = { (name: String, ref: String) in
    kptfile(name)
      + "upstream:\n  type: git\n  git:\n    repo: \(upstream.bare)\n    directory: /shared\n    ref: \(ref)\n"
  }
  try upstream.publish(
    "shared", ["Kptfile": kptfile("shared"), "cm.yaml": cm("s", "one")], tags: ["shared/v1"])
  try upstream.publish(
    "shared", ["Kptfile": kptfile("shared"), "cm.yaml": cm("s", "two")], tags: ["shared/v2"])
  try upstream.publish(
    "app",
    [
      "Kptfile": kptfile("app"), "cm.yaml": cm("app", "a"), "deps/Kptfile": declared("deps", "v1"),
      "gone/Kptfile": declared("gone", "v1"), "dropped/Kptfile": declared("dropped", "v1"),
    ], tags: ["app/v1"])
  let local = work + "/local"
  #expect(try stoop(["pkg", "get", upstream.bare + "/app@v1", local]).status == 0)
  #expect(read(local + "/deps/cm.yaml")?.contains("k: one") == true)
  // Locally: `dropped` is removed.
  try FileManager.default.removeItem(atPath: local + "/dropped")
  // Upstream: deps moves to v2, gone is deleted, dropped changes.
  try upstream.publish(
    "app",
    [
      "Kptfile": kptfile("app"), "cm.yaml": cm("app", "a"), "deps/Kptfile": declared("deps", "v2"),
      "dropped/Kptfile": declared("dropped", "v2"),
    ], tags: ["app/v2"])
  let updated = try stoop(["pkg", "update", local + "@v2"])
  #expect(updated.status == 0, "\(updated.stderr)")
  let deps = try #require(read(local + "/deps/Kptfile"))
  #expect(deps.contains("    ref: v2\n") && deps.contains("upstreamLock:"), "\(deps)")
  #expect(read(local + "/deps/cm.yaml")?.contains("k: two") == true)
  #expect(read(local + "/gone/cm.yaml")?.contains("k: one") == true)
  #expect(!FileManager.default.fileExists(atPath: local + "/dropped"))

  // A subpackage added locally and upstream at the same path: refused, nothing written.
  try FileManager.default.createDirectory(
    atPath: local + "/extra", withIntermediateDirectories: true)
  try declared("extra", "v1").write(
    toFile: local + "/extra/Kptfile", atomically: false, encoding: .utf8)
  try upstream.publish(
    "app",
    [
      "Kptfile": kptfile("app"), "cm.yaml": cm("app", "a"), "deps/Kptfile": declared("deps", "v2"),
      "extra/Kptfile": declared("extra", "v2"),
    ], tags: ["app/v3"])
  let before = try directorySnapshot(local)
  let refused = try stoop(["pkg", "update", local + "@v3"])
  #expect(refused.status == 1)
  #expect(
    refused.stderr.contains("subpackage \"extra\" added in both upstream and local"),
    "\(refused.stderr)")
  #expect(try directorySnapshot(local) == before)
}
