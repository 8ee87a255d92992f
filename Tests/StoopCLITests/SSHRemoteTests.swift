import Foundation
import Testing

/// OpenSSH's sshd on 127.0.0.1 (and, for root, on port 22 of another loopback address, for
/// scp-like URLs, which cannot name a port), with a throwaway host key and a throwaway user key
/// authorised for the current user; git-upload-pack and git-receive-pack on the far side are
/// real git. sshd runs as the daemon it usually is (with `sshd -D` as a child, Foundation's
/// Process was seen blocking in waitpid on it and no longer reaping the test's other children);
/// it is killed through its pid file when released.
final class SSHServer {
  static let binary = "/usr/sbin/sshd"
  static var available: Bool {
    FileManager.default.isExecutableFile(atPath: binary)
      && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")
  }

  let directory = temporaryDirectory("sshd")
  let port: Int
  /// A loopback address whose port 22 this server listens on (root only), for scp-like URLs.
  let scpHost: String?
  let user: String
  var hostKey: String { directory + "/host_key" }
  var userKey: String { directory + "/user_key" }
  /// A key the server does not accept.
  var otherKey: String { directory + "/other_key" }

  init() throws {
    let directory = self.directory
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for key in ["host_key", "user_key", "other_key"] {
      try Self.expectSuccess([
        "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", directory + "/" + key,
      ])
    }
    try FileManager.default.copyItem(
      atPath: directory + "/user_key.pub", toPath: directory + "/authorized_keys")
    user = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "root"
    port = try Self.freePort()
    var listen = ["ListenAddress 127.0.0.1:\(port)"]
    if getuid() == 0 {
      // sshd as root needs its privilege separation directory.
      try FileManager.default.createDirectory(
        atPath: "/run/sshd", withIntermediateDirectories: true)
      scpHost =
        "127.\(Int.random(in: 1...254)).\(Int.random(in: 1...254)).\(Int.random(in: 2...254))"
      listen.append("ListenAddress \(scpHost ?? ""):22")
    } else {
      scpHost = nil
    }
    let config =
      (listen + [
        "HostKey \(directory)/host_key",
        "AuthorizedKeysFile \(directory)/authorized_keys",
        "StrictModes no",
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "PidFile \(directory)/sshd.pid",
        "LogLevel ERROR",
      ]).joined(separator: "\n") + "\n"
    try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/sshd_config"))
    let started = try run(
      Self.binary, ["-f", directory + "/sshd_config", "-E", directory + "/sshd.log"])
    let deadline = Date().addingTimeInterval(10)
    while started.status != 0 || !Self.accepts(host: "127.0.0.1", port: port) {
      guard started.status == 0, Date() < deadline else {
        let log = (try? String(contentsOfFile: directory + "/sshd.log", encoding: .utf8)) ?? ""
        throw SSHServerError(message: "sshd did not start: \(started.stderr) \(log)")
      }
      usleep(50_000)
    }
  }

  /// The host key's public half as known_hosts writes it: `ssh-ed25519 AAAA...`.
  func publicKey(_ key: String) throws -> String {
    let text = try String(contentsOfFile: key + ".pub", encoding: .utf8)
    return text.split(separator: " ").prefix(2).joined(separator: " ")
  }

  /// `SHA256:...`, as ssh-keygen -l prints it.
  func fingerprint(_ key: String) throws -> String {
    let result = try run("/usr/bin/env", ["ssh-keygen", "-l", "-f", key + ".pub"])
    let text = String(decoding: result.stdout, as: UTF8.self)
    return text.split(separator: " ").dropFirst().first.map(String.init) ?? ""
  }

  func url(_ path: String) -> String { "ssh://\(user)@127.0.0.1:\(port)\(path)" }

  func stop() {
    let file = directory + "/sshd.pid"
    if let text = try? String(contentsOfFile: file, encoding: .utf8),
      let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
    {
      kill(pid, SIGKILL)
      try? FileManager.default.removeItem(atPath: file)
    }
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(atPath: directory)
  }

  private static func expectSuccess(_ arguments: [String]) throws {
    let result = try run("/usr/bin/env", arguments)
    guard result.status == 0 else {
      throw SSHServerError(message: "\(arguments.joined(separator: " ")): \(result.stderr)")
    }
  }

  private static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    guard bound else { throw SSHServerError(message: "no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  static func accepts(host: String, port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr(host)
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }
}

struct SSHServerError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}

/// A home for stoop (`STOOP_HOME`) and for ssh (`HOME`, whose .ssh/known_hosts stoop reads).
private struct SSHClient {
  let root = temporaryDirectory("ssh-client")
  var stoopHome: String { root + "/stoop" }
  var knownHosts: String { root + "/home/.ssh/known_hosts" }

  init() throws {
    try FileManager.default.createDirectory(
      atPath: root + "/home/.ssh", withIntermediateDirectories: true)
  }

  func trust(_ lines: [String]) throws {
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(
      to: URL(fileURLWithPath: knownHosts))
  }

  func stoop(_ arguments: [String]) throws -> Run {
    try run(
      stoopBinary, arguments,
      environment: [
        "STOOP_HOME": stoopHome, "HOME": root + "/home", "SSH_AUTH_SOCK": "", "STOOP_TIMEOUT": "20",
      ])
  }

  func remove() { try? FileManager.default.removeItem(atPath: root) }
}

private func git(_ arguments: [String]) throws -> String {
  let result = try run("/usr/bin/env", ["git"] + arguments)
  #expect(result.status == 0, "git \(arguments): \(result.stderr)")
  return String(decoding: result.stdout, as: UTF8.self)
}

@Test(
  .enabled(if: SSHServer.available, "sshd is not installed (apt-get install openssh-server)"))
func sshRemotesRegisterAndRunTheWholeLifecycle() throws {
  let server = try SSHServer()
  defer { server.stop() }
  let client = try SSHClient()
  defer { client.remove() }
  let remote = server.directory + "/blueprints.git"
  _ = try git(["init", "-q", "--bare", "-b", "main", remote])
  let url = server.url(remote)
  try client.trust(["[127.0.0.1]:\(server.port) \(try server.publicKey(server.hostKey))"])

  let register = try client.stoop([
    "repo", "register", url, "--repo-ssh-key", server.userKey, "--create-branch",
  ])
  #expect(register.status == 0, "\(register.stderr)")
  #expect(
    try git(["-C", remote, "log", "--format=%s", "main"])
      == "Initial commit: Creating main branch\n")
  let credentials = try String(
    contentsOfFile: client.stoopHome + "/repositories/default/blueprints/credentials",
    encoding: .utf8)
  #expect(credentials == "sshKey: \(server.userKey)\n")

  // The lifecycle, every push over ssh into git-receive-pack.
  for step in [
    ["rpkg", "init", "nginx", "--repository", "blueprints", "--workspace", "v1"],
    ["rpkg", "propose", "blueprints.nginx.v1"],
    ["rpkg", "approve", "blueprints.nginx.v1"],
    ["rpkg", "copy", "blueprints/nginx@v1", "--workspace", "v2"],
  ] {
    let result = try client.stoop(step)
    #expect(result.status == 0, "\(step): \(result.stderr)")
  }
  #expect(
    try git(["-C", remote, "for-each-ref", "--format=%(refname)"])
      == "refs/heads/drafts/nginx/v2\nrefs/heads/main\nrefs/tags/nginx/v1\n")
  let listed = try client.stoop(["rpkg", "get", "-o", "name"])
  #expect(
    String(decoding: listed.stdout, as: UTF8.self).split(separator: "\n").sorted() == [
      "packagerevision.porch.kpt.dev/blueprints.nginx.main",
      "packagerevision.porch.kpt.dev/blueprints.nginx.v1",
      "packagerevision.porch.kpt.dev/blueprints.nginx.v2",
    ])

  // The remote moves behind stoop's back; sync fetches it over ssh.
  _ = try git(["-C", remote, "tag", "extra", "main"])
  let sync = try client.stoop(["repo", "sync", "blueprints"])
  #expect(sync.status == 0, "\(sync.stderr)")
  #expect(String(decoding: sync.stdout, as: UTF8.self).contains("+ refs/tags/extra "))

  // scp-like user@host:path has no port: it needs port 22, which only root can listen on.
  guard let scpHost = server.scpHost, SSHServer.accepts(host: scpHost, port: 22) else {
    print("scp-like URL not tested: sshd cannot listen on port 22 without root")
    return
  }
  // Hashed, as Debian's ssh writes known_hosts (HashKnownHosts yes).
  try client.trust([
    "[127.0.0.1]:\(server.port) \(try server.publicKey(server.hostKey))",
    "\(scpHost) \(try server.publicKey(server.hostKey))",
  ])
  let hashed = try run("/usr/bin/env", ["ssh-keygen", "-H", "-f", client.knownHosts])
  #expect(hashed.status == 0, "\(hashed.stderr)")
  let knownHosts = try String(contentsOfFile: client.knownHosts, encoding: .utf8)
  #expect(!knownHosts.contains(scpHost) && knownHosts.hasPrefix("|1|"))
  let scp = "\(server.user)@\(scpHost):\(remote)"
  let scpRegister = try client.stoop([
    "repo", "register", scp, "--name", "scp", "--repo-ssh-key", server.userKey,
  ])
  #expect(scpRegister.status == 0, "\(scpRegister.stderr)")
  let proposed = try client.stoop(["rpkg", "propose", "scp.nginx.v2"])
  #expect(proposed.status == 0, "\(proposed.stderr)")
  #expect(
    try git(["-C", remote, "for-each-ref", "--format=%(refname)", "refs/heads/proposed/"])
      == "refs/heads/proposed/nginx/v2\n")
}

@Test(
  .enabled(if: SSHServer.available, "sshd is not installed (apt-get install openssh-server)"))
func sshRefusesAnUnknownOrChangedHostKeyAndAWrongUserKey() throws {
  let server = try SSHServer()
  defer { server.stop() }
  let client = try SSHClient()
  defer { client.remove() }
  let remote = server.directory + "/blueprints.git"
  _ = try git(["init", "-q", "--bare", "-b", "main", remote])
  let url = server.url(remote)
  let name = "[127.0.0.1]:\(server.port)"
  let shown = "ssh-ed25519 \(try server.fingerprint(server.hostKey))"
  let register = ["repo", "register", url, "--repo-ssh-key", server.userKey, "--create-branch"]

  // Nobody said this key is the server's: refused before any credential is offered.
  let unknown = try client.stoop(register)
  #expect(unknown.status == 1)
  #expect(
    unknown.stderr
      == "Error: the ssh host key of \(name) is not known (\(shown)); if that is the server's key, add it to ~/.ssh/known_hosts (ssh-keyscan -p \(server.port) 127.0.0.1 >> ~/.ssh/known_hosts) and try again\n"
  )
  #expect(tree(client.stoopHome).isEmpty)
  #expect(try git(["-C", remote, "for-each-ref"]).isEmpty)

  // known_hosts lists another key for the host (a key for another host does not count).
  try client.trust([
    "[127.0.0.2]:\(server.port) \(try server.publicKey(server.hostKey))",
    "\(name) \(try server.publicKey(server.otherKey))",
  ])
  let changed = try client.stoop(register)
  #expect(changed.status == 1)
  #expect(
    changed.stderr
      == "Error: the ssh host key of \(name) (\(shown)) is not the one \(client.knownHosts) line 2 lists for it: someone may be intercepting the connection, or the server has a new key; only if you know it has, remove the old one (ssh-keygen -R '\(name)') and add the new one\n"
  )
  #expect(tree(client.stoopHome).isEmpty)

  // Revoked keys stay refused whatever else lists them.
  try client.trust([
    "@revoked * \(try server.publicKey(server.hostKey))",
    "\(name) \(try server.publicKey(server.hostKey))",
  ])
  let revoked = try client.stoop(register)
  #expect(revoked.status == 1)
  #expect(
    revoked.stderr
      == "Error: the ssh host key of \(name) (\(shown)) is marked @revoked in \(client.knownHosts) line 1\n"
  )

  // The right host, a key the server does not accept.
  try client.trust(["\(name) \(try server.publicKey(server.hostKey))"])
  let wrongKey = try client.stoop([
    "repo", "register", url, "--repo-ssh-key", server.otherKey, "--create-branch",
  ])
  #expect(wrongKey.status == 1)
  #expect(
    wrongKey.stderr
      == "Error: authentication to \(url) failed: the server refused the ssh key; check --repo-ssh-key (without one, the ssh agent's keys) and that its public key is in the server's authorized_keys for the URL's user (git when the URL names none)\n"
  )
  #expect(tree(client.stoopHome).isEmpty)
  #expect(try git(["-C", remote, "for-each-ref"]).isEmpty)

  // Registered with the right key; the host key changes later: the next fetch is refused and
  // the clone keeps its refs.
  #expect(try client.stoop(register).status == 0)
  let clone = client.stoopHome + "/repositories/default/blueprints/clone.git"
  let before = try git(["-C", clone, "for-each-ref"])
  _ = try git(["-C", remote, "tag", "extra", "main"])
  try client.trust(["\(name) \(try server.publicKey(server.otherKey))"])
  let sync = try client.stoop(["repo", "sync", "blueprints"])
  #expect(sync.status == 1)
  #expect(sync.stderr.hasPrefix("Error: the ssh host key of \(name) (\(shown)) is not the one "))
  #expect(try git(["-C", clone, "for-each-ref"]) == before)
}
