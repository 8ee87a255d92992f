import Foundation
import Testing

/// A TCP server on 127.0.0.1 that accepts connections and never answers; stopped when released.
final class SilentServer {
  let process = Process()
  let port: Int

  init() throws {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent()
      .appendingPathComponent("Support/silent-server.py").path
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let line = pipe.fileHandleForReading.readLine()
    port = Int(line) ?? 0
  }

  func stop() {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  deinit { stop() }
}

extension FileHandle {
  /// One line of a child's output, read byte by byte so nothing after it is consumed.
  func readLine() -> String {
    var line: [UInt8] = []
    while true {
      let byte = readData(ofLength: 1)
      guard let first = byte.first, first != 0x0A else { break }
      line.append(first)
    }
    return String(decoding: line, as: UTF8.self)
  }
}

private func shell(_ arguments: [String]) throws -> String {
  let result = try run("/usr/bin/env", arguments)
  #expect(result.status == 0, "\(arguments): \(result.stderr)")
  return String(decoding: result.stdout, as: UTF8.self)
}

/// Every ref of a repository with its object, one per line.
private func refs(_ repository: String) throws -> String {
  try shell(["git", "-C", repository, "for-each-ref", "--format=%(refname) %(objectname)"])
}

/// A bare repository served over http with one commit on main, and a home to register it in.
private struct HTTPFixture {
  let root = temporaryDirectory("net-http")
  let home = temporaryDirectory("net-home")
  let secret = "pa55-\(UUID().uuidString)"
  var remote: String { root + "/blueprints.git" }
  var clone: String { home + "/repositories/default/blueprints/clone.git" }

  init() throws {
    let work = root + "/work"
    _ = try shell(["git", "init", "-q", "--bare", "-b", "main", remote])
    _ = try shell(["git", "-C", remote, "config", "http.receivepack", "true"])
    _ = try shell(["git", "init", "-q", "-b", "main", work])
    try Data("blueprints\n".utf8).write(to: URL(fileURLWithPath: work + "/README.md"))
    _ = try shell(["git", "-C", work, "add", "README.md"])
    _ = try shell([
      "git", "-C", work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "first",
    ])
    _ = try shell(["git", "-C", work, "push", "-q", remote, "main"])
  }

  func stall(_ mode: String?) throws {
    let file = root + "/.stall"
    if let mode {
      try Data(mode.utf8).write(to: URL(fileURLWithPath: file))
    } else {
      try? FileManager.default.removeItem(atPath: file)
    }
  }

  func stoop(_ arguments: [String], timeout: String = "2", input: String? = nil) throws -> Run {
    try run(
      stoopBinary, arguments, input: input.map { Array($0.utf8) },
      environment: ["STOOP_HOME": home, "STOOP_TIMEOUT": timeout])
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: root)
    try? FileManager.default.removeItem(atPath: home)
  }
}

/// Runs `body` and returns its result with the seconds it took.
private func timed<T>(_ body: () throws -> T) rethrows -> (T, TimeInterval) {
  let start = Date()
  let result = try body()
  return (result, Date().timeIntervalSince(start))
}

@Test func aRemoteThatNeverAnswersEndsRegisterWithOneLineAndNothingWritten() throws {
  let server = try SilentServer()
  defer { server.stop() }
  #expect(server.port > 0)
  let home = temporaryDirectory("net-home")
  defer { try? FileManager.default.removeItem(atPath: home) }
  for url in [
    "http://127.0.0.1:\(server.port)/x.git", "ssh://git@127.0.0.1:\(server.port)/x.git",
  ] {
    let (result, seconds) = try timed {
      try run(
        stoopBinary, ["repo", "register", url],
        environment: ["STOOP_HOME": home, "STOOP_TIMEOUT": "2"])
    }
    #expect(result.status == 1)
    #expect(
      result.stderr
        == "Error: \(url) did not answer within 2 s (STOOP_TIMEOUT sets the limit)\n")
    #expect(seconds >= 2 && seconds < 10, "\(url) took \(seconds) s")
    #expect(tree(home).isEmpty)
    #expect(!FileManager.default.fileExists(atPath: home + "/repositories/default"))
  }
}

@Test func aRemoteThatStopsAnsweringEndsEveryNetworkCommandAndMovesNoRef() throws {
  let fixture = try HTTPFixture()
  defer { fixture.remove() }
  let server = try GitHTTPServer(root: fixture.root, user: "alice", password: fixture.secret)
  defer { server.stop() }
  let url = "http://127.0.0.1:\(server.port)/blueprints.git"
  let register = ["repo", "register", url, "--repo-username", "alice", "--repo-password-stdin"]

  // The ref advertisement arrives, the pack never does: register stops, nothing is kept.
  try fixture.stall("pack")
  let (stalled, seconds) = try timed { try fixture.stoop(register, input: fixture.secret) }
  #expect(stalled.status == 1)
  #expect(
    stalled.stderr == "Error: \(url) did not answer within 2 s (STOOP_TIMEOUT sets the limit)\n")
  #expect(seconds >= 2 && seconds < 10, "took \(seconds) s")
  #expect(tree(fixture.home).isEmpty)

  // Answering again: a draft to propose.
  try fixture.stall(nil)
  #expect(try fixture.stoop(register, input: fixture.secret).status == 0)
  let initialised = try fixture.stoop([
    "rpkg", "init", "nginx", "--repository", "blueprints", "--workspace", "v1",
  ])
  #expect(initialised.status == 0, "\(initialised.stderr)")
  let remoteBefore = try refs(fixture.remote)
  let localBefore = try refs(fixture.clone)
  #expect(remoteBefore.contains("refs/heads/drafts/nginx/v1"))

  // The push's pack is never answered: propose fails in one line, no ref moves on either side.
  try fixture.stall("pack")
  let propose = try fixture.stoop(["rpkg", "propose", "blueprints.nginx.v1"])
  #expect(propose.status == 1)
  let silence = "\(url) did not answer within 2 s (STOOP_TIMEOUT sets the limit)"
  #expect(
    propose.stderr
      == "blueprints.nginx.v1 failed (\(silence))\nError: errors:\n  \(silence)\n")
  #expect(try refs(fixture.remote) == remoteBefore)
  #expect(try refs(fixture.clone) == localBefore)

  // Silent from the first byte: sync and propose say so, and still nothing moves.
  try fixture.stall("all")
  for arguments in [["repo", "sync", "blueprints"], ["rpkg", "propose", "blueprints.nginx.v1"]] {
    let (silent, seconds) = try timed { try fixture.stoop(arguments) }
    #expect(silent.status == 1)
    let expected =
      arguments[0] == "repo"
      ? "Error: \(silence)\n"
      : "blueprints.nginx.v1 failed (\(silence))\nError: errors:\n  \(silence)\n"
    #expect(silent.stderr == expected, "\(arguments)")
    #expect(seconds >= 2 && seconds < 10, "\(arguments) took \(seconds) s")
  }
  #expect(try refs(fixture.remote) == remoteBefore)
  #expect(try refs(fixture.clone) == localBefore)

  // A pack cut off halfway: the fetch leaves no partial pack and no moved ref in the clone.
  let work = fixture.root + "/work"
  var noise = SystemRandomNumberGenerator()
  try Data((0..<2_000_000).map { _ in UInt8.random(in: 0...255, using: &noise) }).write(
    to: URL(fileURLWithPath: work + "/noise.bin"))
  _ = try shell(["git", "-C", work, "add", "noise.bin"])
  _ = try shell([
    "git", "-C", work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "noise",
  ])
  _ = try shell(["git", "-C", work, "push", "-q", fixture.remote, "main"])
  let files = { () -> [String] in tree(fixture.clone).keys.sorted() }
  let filesBefore = files()
  try fixture.stall("half")
  let cut = try fixture.stoop(["repo", "sync", "blueprints"])
  #expect(cut.status == 1)
  #expect(cut.stderr == "Error: \(url) did not answer within 2 s (STOOP_TIMEOUT sets the limit)\n")
  #expect(files() == filesBefore)
  #expect(try refs(fixture.clone) == localBefore)

  // Once the remote answers again the same proposal goes through.
  try fixture.stall(nil)
  let proposed = try fixture.stoop(["rpkg", "propose", "blueprints.nginx.v1"])
  #expect(proposed.status == 0, "\(proposed.stderr)")
  #expect(try refs(fixture.remote).contains("refs/heads/proposed/nginx/v1"))
}

@Test func stoopTimeoutTakesSecondsAndRefusesAnythingElse() throws {
  let server = try SilentServer()
  defer { server.stop() }
  let home = temporaryDirectory("net-home")
  defer { try? FileManager.default.removeItem(atPath: home) }
  let url = "http://127.0.0.1:\(server.port)/x.git"
  for junk in ["soon", "-1", "0", "1e3", "30s", ""] {
    let result = try run(
      stoopBinary, ["repo", "register", url],
      environment: ["STOOP_HOME": home, "STOOP_TIMEOUT": junk])
    #expect(result.status == 1)
    #expect(
      result.stderr
        == "Error: STOOP_TIMEOUT must be a number of seconds greater than 0 (such as 30), not \"\(junk)\"\n"
    )
  }
  let (fractional, seconds) = try timed {
    try run(
      stoopBinary, ["repo", "register", url],
      environment: ["STOOP_HOME": home, "STOOP_TIMEOUT": "1.5"])
  }
  #expect(
    fractional.stderr.hasSuffix("did not answer within 1.5 s (STOOP_TIMEOUT sets the limit)\n"))
  #expect(seconds >= 1.5 && seconds < 8)
  #expect(tree(home).isEmpty)
}

@Test func aPasswordInTheURLMovesIntoTheCredentialsFileAndIsNeverShown() throws {
  let fixture = try HTTPFixture()
  defer { fixture.remove() }
  let server = try GitHTTPServer(root: fixture.root, user: "alice", password: fixture.secret)
  defer { server.stop() }
  let plain = "http://127.0.0.1:\(server.port)/blueprints.git"
  let withSecret = "http://alice:\(fixture.secret)@127.0.0.1:\(server.port)/blueprints.git"
  let wrongSecret = "wr0ng-\(UUID().uuidString)"

  // A wrong password in the URL: refused, not echoed, nothing written.
  let wrong = try fixture.stoop([
    "repo", "register", "http://alice:\(wrongSecret)@127.0.0.1:\(server.port)/blueprints.git",
  ])
  #expect(wrong.status == 1)
  #expect(
    wrong.stderr.hasPrefix(
      "Error: authentication to http://127.0.0.1:\(server.port)/blueprints.git failed"))
  #expect(!wrong.stderr.contains(wrongSecret))
  #expect(tree(fixture.home).isEmpty)

  // The URL's password and a different one from the flags: refused, hidden.
  let twice = try fixture.stoop(
    ["repo", "register", withSecret, "--repo-password-stdin"], input: wrongSecret)
  #expect(twice.status == 1)
  #expect(
    twice.stderr
      == "Error: http://alice:***@127.0.0.1:\(server.port)/blueprints.git carries a password, and so do the flags or STOOP_REPO_PASSWORD/STOOP_REPO_TOKEN; give it once, without the URL: --repo-username USER --repo-password-stdin\n"
  )
  #expect(tree(fixture.home).isEmpty)

  // The right one: registered under the URL without user info, with a warning.
  let register = try fixture.stoop(["repo", "register", withSecret])
  #expect(register.status == 0, "\(register.stderr)")
  #expect(
    register.stderr
      == "Warning: the password in the URL went into the registration's credentials file (mode 0600), not into its URL; a password on a command line stays in shell history and shows in ps, so next time use --repo-username USER --repo-password-stdin\n"
  )
  let sync = try fixture.stoop(["repo", "sync", "blueprints"])
  #expect(sync.status == 0, "\(sync.stderr)")
  let table = try fixture.stoop(["repo", "get"])
  #expect(String(decoding: table.stdout, as: UTF8.self).contains("   \(plain)   main   "))
  let yaml = try fixture.stoop(["repo", "get", "-o", "yaml"])
  #expect(String(decoding: yaml.stdout, as: UTF8.self).contains("    repo: \(plain)\n"))
  for output in [register, sync, table, yaml] {
    #expect(!String(decoding: output.stdout, as: UTF8.self).contains(fixture.secret))
    #expect(!output.stderr.contains(fixture.secret))
  }
  let holding = tree(fixture.home).filter {
    String(decoding: $0.value, as: UTF8.self).contains(fixture.secret)
  }.map(\.key)
  #expect(holding == ["repositories/default/blueprints/credentials"])
  let credentials = try String(
    contentsOfFile: fixture.home + "/repositories/default/blueprints/credentials", encoding: .utf8)
  #expect(credentials == "username: alice\npassword: \(fixture.secret)\n")

  // A registration written before this rule keeps working and is shown without the password.
  let file = fixture.home + "/repositories/default/blueprints/repository.yaml"
  let old = try String(contentsOfFile: file, encoding: .utf8)
  try old.replacingOccurrences(of: "repo: \(plain)", with: "repo: \(withSecret)")
    .write(toFile: file, atomically: true, encoding: .utf8)
  for format in ["table", "yaml", "json", "wide"] {
    let shown = try fixture.stoop(["repo", "get", "-o", format])
    let text = String(decoding: shown.stdout, as: UTF8.self)
    #expect(!text.contains(fixture.secret), "\(format)")
    #expect(text.contains("http://alice:***@127.0.0.1:\(server.port)/blueprints.git"), "\(format)")
  }
}

@Test func anUpstreamURLWithAPasswordIsRefusedBeforeItReachesAKptfile() throws {
  let fixture = try HTTPFixture()
  defer { fixture.remove() }
  let target = temporaryDirectory("net-pkg")
  defer { try? FileManager.default.removeItem(atPath: target) }
  let url = "http://alice:\(fixture.secret)@127.0.0.1:9/blueprints.git"
  let hidden = "http://alice:***@127.0.0.1:9/blueprints.git"
  let refusal =
    " carries a password, which would be written into the Kptfile's upstream; give the URL without it and the credentials in STOOP_REPO_USERNAME and STOOP_REPO_PASSWORD, or register the repository with stoop repo register URL --repo-username USER --repo-password-stdin\n"
  let get = try fixture.stoop(["pkg", "get", url + "/nginx@v1", target])
  #expect(get.status == 1)
  #expect(get.stderr == "Error: \(hidden)/nginx@v1" + refusal)
  #expect(!FileManager.default.fileExists(atPath: target))
  #expect(
    try run(
      stoopBinary, ["repo", "register", fixture.remote], environment: ["STOOP_HOME": fixture.home]
    )
    .status == 0)
  let before = try refs(fixture.remote)
  for source in [[url + "/nginx@v1"], [url, "--directory", "nginx", "--ref", "v1"]] {
    let clone = try fixture.stoop(
      ["rpkg", "clone"] + source.prefix(1) + ["web", "--repository", "blueprints"]
        + source.dropFirst())
    #expect(clone.status == 1)
    #expect(!clone.stderr.contains(fixture.secret))
    #expect(clone.stderr.hasSuffix(refusal), "\(clone.stderr)")
  }
  #expect(try refs(fixture.remote) == before)
}
