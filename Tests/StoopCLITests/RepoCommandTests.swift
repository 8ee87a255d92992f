import Foundation
import Testing

/// A git smart-HTTP server with basic auth on 127.0.0.1, serving the bare repositories under
/// `root`; stopped when released.
final class GitHTTPServer {
  let process = Process()
  let port: Int

  init(root: String, user: String, password: String) throws {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent()
      .appendingPathComponent("Support/git-http-server.py").path
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, root, user, password]
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

  func stop() {
    // SIGKILL: the test runner's threads block SIGTERM, and a child inherits that mask.
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  deinit { stop() }
}

private func git(_ arguments: [String]) throws {
  let result = try run("/usr/bin/env", ["git"] + arguments)
  #expect(result.status == 0, "git \(arguments): \(result.stderr)")
}

@Test func repoCommandsWorkAgainstAnHTTPRemoteWithBasicAuth() throws {
  let root = temporaryDirectory("http")
  let home = temporaryDirectory("home")
  defer {
    try? FileManager.default.removeItem(atPath: root)
    try? FileManager.default.removeItem(atPath: home)
  }
  try git(["init", "-q", "--bare", "-b", "main", root + "/blueprints.git"])
  try git(["-C", root + "/blueprints.git", "config", "http.receivepack", "true"])
  let secret = "pa55-\(UUID().uuidString)"
  let server = try GitHTTPServer(root: root, user: "alice", password: secret)
  defer { server.stop() }
  #expect(server.port > 0)
  let url = "http://127.0.0.1:\(server.port)/blueprints.git"
  let env = ["STOOP_HOME": home]

  // The wrong password: one line, exit 1, nothing registered, no secret echoed.
  let wrong = try run(
    stoopBinary,
    [
      "repo", "register", url, "--repo-username", "alice", "--repo-password-stdin",
      "--create-branch",
    ],
    input: Array("wrong-\(secret)\n".utf8), environment: env)
  #expect(wrong.status == 1)
  #expect(wrong.stderr.hasPrefix("Error: authentication to \(url) failed"))
  #expect(wrong.stderr.split(separator: "\n").count == 1)
  #expect(!wrong.stderr.contains(secret))
  #expect(tree(home).isEmpty)

  // The right one, with the branch created by stoop and pushed over http.
  let register = try run(
    stoopBinary,
    [
      "repo", "register", url, "--repo-username", "alice", "--repo-password-stdin",
      "--create-branch",
    ],
    input: Array("\(secret)\n".utf8), environment: env)
  #expect(register.status == 0, "\(register.stderr)")
  let log = try run(
    "/usr/bin/env", ["git", "-C", root + "/blueprints.git", "log", "--format=%s|%ae", "main"])
  #expect(
    String(decoding: log.stdout, as: UTF8.self)
      == "Initial commit: Creating main branch|porch@kpt.dev\n")

  // The remote moves; sync fetches through the stored credentials and reports it.
  try git(["-C", root + "/blueprints.git", "tag", "nginx/v1", "main"])
  let sync = try run(stoopBinary, ["repo", "sync", "blueprints"], environment: env)
  #expect(sync.status == 0, "\(sync.stderr)")
  let report = String(decoding: sync.stdout, as: UTF8.self)
  #expect(report.hasPrefix("blueprints: 1 ref changed\n  + refs/tags/nginx/v1 "))

  let table = try run(stoopBinary, ["repo", "get"], environment: env)
  let lines = String(decoding: table.stdout, as: UTF8.self).split(separator: "\n")
  #expect(
    lines.first
      == "NAME         TYPE   CONTENT   SYNC SCHEDULE   DEPLOYMENT   READY   ADDRESS\(String(repeating: " ", count: url.count - 4))BRANCH   AGE"
  )
  #expect(
    lines.count == 2
      && lines[1].hasPrefix(
        "blueprints   git    Package                                True    \(url)   main")
  )
  let name = try run(stoopBinary, ["repo", "get", "-o", "name"], environment: env)
  #expect(
    String(decoding: name.stdout, as: UTF8.self) == "repository.config.porch.kpt.dev/blueprints\n")

  // The secret is in the 0600 credentials file and nowhere else: no output, no registration.
  let yaml = try run(stoopBinary, ["repo", "get", "blueprints", "-o", "yaml"], environment: env)
  let json = try run(stoopBinary, ["repo", "get", "-o", "json"], environment: env)
  for output in [register, sync, table, yaml, json] {
    #expect(!String(decoding: output.stdout, as: UTF8.self).contains(secret))
    #expect(!output.stderr.contains(secret))
  }
  let files = tree(home)
  let holding = files.filter { String(decoding: $0.value, as: UTF8.self).contains(secret) }.map(
    \.key)
  #expect(holding == ["repositories/default/blueprints/credentials"])
  let mode =
    try FileManager.default.attributesOfItem(
      atPath: home + "/repositories/default/blueprints/credentials")[
      .posixPermissions] as? Int
  #expect(mode == 0o600)

  // Unregister removes everything; a second time is "not found".
  #expect(try run(stoopBinary, ["repo", "unregister", "blueprints"], environment: env).status == 0)
  let again = try run(stoopBinary, ["repo", "unregister", "blueprints"], environment: env)
  #expect(again.status == 4)
  #expect(
    again.stderr
      == "Error: repository \"blueprints\" is not registered in namespace \"default\"; see stoop repo get\n"
  )
  #expect(tree(home).isEmpty)
}

@Test func rpkgGetListsAFixtureAsPorchDoes() throws {
  let home = temporaryDirectory("home")
  let fixture = temporaryDirectory("fixture")
  defer {
    try? FileManager.default.removeItem(atPath: home)
    try? FileManager.default.removeItem(atPath: fixture)
  }
  try FileManager.default.createDirectory(atPath: fixture, withIntermediateDirectories: true)
  #expect(
    try run(
      "/usr/bin/env",
      [
        "tar", "-xf", sharedDirectory + "/fixtures/porch/simple-repository.tar", "-C", fixture,
        "--no-same-owner",
      ]
    )
    .status == 0)
  let env = ["STOOP_HOME": home]
  #expect(
    try run(
      stoopBinary, ["repo", "register", fixture + "/.git", "--name", "simple"], environment: env
    ).status == 0)
  let table = try run(stoopBinary, ["rpkg", "get", "--name", "basens"], environment: env)
  #expect(
    String(decoding: table.stdout, as: UTF8.self) == """
      NAME                 PACKAGE   WORKSPACENAME   REVISION   LATEST   LIFECYCLE   REPOSITORY
      simple.basens.main   basens    main            -1         false    Published   simple
      simple.basens.v1     basens    v1              1          false    Published   simple
      simple.basens.v2     basens    v2              2          true     Published   simple

      """)
  let names = try run(
    stoopBinary, ["rpkg", "get", "simple/istions", "simple/empty@v1", "-o", "name", "--offline"],
    environment: env)
  #expect(
    String(decoding: names.stdout, as: UTF8.self)
      == "packagerevision.porch.kpt.dev/simple.istions.v2\npackagerevision.porch.kpt.dev/simple.empty.v1\n"
  )
  let missing = try run(
    stoopBinary, ["rpkg", "get", "simple.nothing.v1", "--offline"], environment: env)
  #expect(missing.status == 4)
  #expect(
    missing.stderr
      == "Error: packagerevisions.porch.kpt.dev \"simple.nothing.v1\" not found; see stoop rpkg get -n default\n"
  )
}
