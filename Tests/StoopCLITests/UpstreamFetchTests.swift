import Foundation
import Testing

@testable import Git
@testable import Orchestration

private let benchDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("bench").path

/// A bare repository at `path` holding bench/genhistory.py's history: `commits` commits on
/// main over 5 packages of 10 files, tagged v1, v2, ... every 16 commits.
private func makeHistory(_ path: String, commits: Int, from: Int = 0) throws {
  if from == 0 {
    #expect(
      try run("/usr/bin/env", ["git", "init", "-q", "--bare", "-b", "main", path]).status == 0)
  }
  let script =
    "python3 \(benchDirectory)/genhistory.py \(commits) 5 10 --from \(from) | git -C \(path) fast-import --quiet"
  let result = try run("/bin/sh", ["-c", script])
  #expect(result.status == 0, "\(result.stderr)")
}

private func gitText(_ arguments: [String]) throws -> String {
  String(decoding: try run("/usr/bin/env", ["git"] + arguments).stdout, as: UTF8.self)
    .trimmingCharacters(in: .whitespacesAndNewlines)
}

@Test func pkgGetOverHTTPFetchesOnlyTheRefThatResolvesAndRemovesItsScratchClone() throws {
  let root = temporaryDirectory("upstream-http")
  defer { try? FileManager.default.removeItem(atPath: root) }
  let upstream = root + "/blueprints.git"
  try makeHistory(upstream, commits: 64)
  let secret = "pa55-\(UUID().uuidString)"
  let server = try GitHTTPServer(root: root, user: "alice", password: secret)
  defer { server.stop() }
  let url = "http://127.0.0.1:\(server.port)/blueprints.git"
  // The upstream's credentials come from a registration of the same URL.
  let registry = Registry(home: StoopHome(environment: ["STOOP_HOME": root + "/home"]))
  var options = Registry.RegisterOptions()
  options.name = "blueprints"
  options.credentials = Credentials(username: "alice", password: secret)
  try registry.register(url: url, options: options)

  let checkout = try UpstreamCheckout.open(url, registry: registry)
  let scratch = try #require(checkout.scratch)
  #expect(try checkout.clone.references().isEmpty)
  let package = try checkout.package(directory: "pkgs/p3", ref: "v2")
  let tag = try gitText(["--git-dir", upstream, "rev-parse", "refs/tags/v2"])
  let tagged = try gitText(["--git-dir", upstream, "rev-parse", "v2^{commit}"])
  #expect(package.ref == "v2")
  #expect(package.commit.hex == tagged)
  #expect(package.files["Kptfile"] != nil && package.files.count == 10)
  // The one tag and the history below it; not main, whose later commits stay on the server.
  #expect(try checkout.clone.references().mapValues(\.hex) == ["refs/tags/v2": tag])
  let main = try #require(ObjectID(hex: try gitText(["--git-dir", upstream, "rev-parse", "main"])))
  #expect(throws: GitError.self) { try checkout.clone.commit(main) }
  #expect(try checkout.clone.commit(package.commit).parents.count == 1)

  // An upstreamLock's commit that the fetched history holds needs nothing more.
  let older = try gitText(["--git-dir", upstream, "rev-parse", "v1^{commit}"])
  #expect(try checkout.package(directory: "pkgs/p3", commit: older).commit.hex == older)
  #expect(try checkout.clone.references().count == 1)
  // One that no fetched ref reaches brings everything.
  let newest = try checkout.package(directory: "pkgs/p3", commit: main.hex)
  #expect(newest.commit == main)
  #expect(try checkout.clone.reference("refs/remotes/origin/main") == main)
  checkout.close()
  #expect(!FileManager.default.fileExists(atPath: scratch))
}

@Test func pkgGetReadsAnUpstreamOnThisDiskWhereItIsAndLeavesItAsItWas() throws {
  let root = temporaryDirectory("upstream-local")
  defer { try? FileManager.default.removeItem(atPath: root) }
  let upstream = root + "/blueprints.git"
  try makeHistory(upstream, commits: 40)
  let before = tree(upstream)
  let home = root + "/home"
  let result = try run(
    stoopBinary, ["pkg", "get", "file://" + upstream + "/pkgs/p3@v2", root + "/p3"],
    environment: ["STOOP_HOME": home])
  #expect(result.status == 0, "\(result.stderr)")
  let kptfile = String(decoding: tree(root + "/p3")["Kptfile"] ?? Data(), as: UTF8.self)
  #expect(
    kptfile.contains(
      "commit: " + (try gitText(["--git-dir", upstream, "rev-parse", "v2^{commit}"]))))
  #expect(tree(upstream) == before)
  // No scratch clone was made.
  let scratch = (try? FileManager.default.contentsOfDirectory(atPath: home + "/tmp")) ?? []
  #expect(scratch.isEmpty, "\(scratch)")
}

@Test func registerAndSyncShowProgressOnATerminalAndNothingOnAPipe() throws {
  let root = temporaryDirectory("progress")
  defer { try? FileManager.default.removeItem(atPath: root) }
  let remote = root + "/blueprints.git"
  try makeHistory(remote, commits: 100)
  let env = ["STOOP_HOME": root + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]

  // On a pipe: the result, and not a byte of progress.
  let register = try run(stoopBinary, ["repo", "register", remote], environment: env)
  #expect(register.status == 0, "\(register.stderr)")
  #expect(register.stderr.isEmpty, "\(register.stderr)")
  try makeHistory(remote, commits: 200, from: 100)
  #expect(try run("/bin/cp", ["-a", root + "/home", root + "/home-before"]).status == 0)
  let sync = try run(stoopBinary, ["repo", "sync", "blueprints"], environment: env)
  #expect(sync.status == 0, "\(sync.stderr)")
  #expect(sync.stderr.isEmpty, "\(sync.stderr)")

  // On a terminal (script(1) gives it one): git's one line per step, rewritten with \r.
  func onTerminal(_ arguments: [String], home: String) throws -> String {
    let command = ([stoopBinary] + arguments).map { "'\($0)'" }.joined(separator: " ")
    let result = try run(
      "/usr/bin/script", ["-qec", command, "/dev/null"],
      environment: ["STOOP_HOME": home, "GIT_CONFIG_GLOBAL": "/dev/null"])
    #expect(result.status == 0, "\(result.stderr)")
    return String(decoding: result.stdout, as: UTF8.self)
  }
  let synced = try onTerminal(["repo", "sync", "blueprints"], home: root + "/home-before")
  #expect(synced.contains("\rReceiving objects: 100% ("), "\(synced)")
  #expect(synced.contains(", done.\r\n") || synced.contains(", done.\n"), "\(synced)")
  let registered = try onTerminal(
    ["repo", "register", remote, "--name", "again"], home: root + "/home-before")
  #expect(registered.contains("\rCopying objects: 100% ("), "\(registered)")
}

@Test func theFirstListingShowsItsTagIndexingOnATerminalOnlyWhenItLasts() throws {
  let root = temporaryDirectory("tag-progress")
  defer { try? FileManager.default.removeItem(atPath: root) }
  let remote = root + "/catalog.git"
  #expect(
    try run("/usr/bin/env", ["git", "init", "-q", "--bare", "-b", "main", remote]).status == 0)
  let generate =
    "python3 \(benchDirectory)/genrepo.py 3 2 | git -C \(remote) fast-import --quiet && git -C \(remote) update-ref -d refs/heads/tmp"
  #expect(try run("/bin/sh", ["-c", generate]).status == 0)
  var env = ["STOOP_HOME": root + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  #expect(
    try run(stoopBinary, ["repo", "register", remote, "--name", "catalog"], environment: env).status
      == 0)
  for copy in ["cold", "cold2"] {
    #expect(try run("/bin/cp", ["-a", root + "/home", root + "/" + copy]).status == 0)
  }

  func listOnTerminal(_ env: [String: String]) throws -> String {
    let result = try run(
      "/usr/bin/script", ["-qec", "'\(stoopBinary)' rpkg get --offline", "/dev/null"],
      environment: env)
    #expect(result.status == 0, "\(result.stderr)")
    return String(decoding: result.stdout, as: UTF8.self)
  }
  // Quick work says nothing; work past the delay (here none) is one line ending in `, done.`.
  #expect(try !listOnTerminal(env).contains("Indexing tags"))
  env["STOOP_HOME"] = root + "/cold"
  env["STOOP_PROGRESS_DELAY"] = "0"
  let shown = try listOnTerminal(env)
  #expect(shown.contains("\rIndexing tags: 100% (6/6), done."), "\(shown)")
  #expect(shown.contains("catalog.pkg0002.v2"), "\(shown)")
  // Once the tags are indexed, there is nothing to show; and a pipe never gets any.
  #expect(try !listOnTerminal(env).contains("Indexing tags"))
  env["STOOP_HOME"] = root + "/cold2"
  let piped = try run(stoopBinary, ["rpkg", "get", "--offline"], environment: env)
  #expect(piped.status == 0 && piped.stderr.isEmpty, "\(piped.stderr)")
}
