internal import CGit2
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// OpenSSH's known_hosts files, read as `ssh` reads them with `StrictHostKeyChecking yes`: an
/// ssh remote whose host key is not listed for it is refused, as is one whose key differs from
/// the listed one (libgit2 1.5 checks no host key at all; it leaves that to this callback).
///
/// Entries are `host[,host...] keytype base64-key`, with `[host]:port` for ports other than
/// 22, `*`/`?` wildcards, `!` negations, hashed names (`|1|salt|hash`, HMAC-SHA1 as
/// `HashKnownHosts` writes them) and the `@revoked` marker; `@cert-authority` lines are skipped
/// (certificates are not supported).
public struct KnownHosts: Sendable {
  public struct Entry: Sendable, Equatable {
    var patterns: [String]
    var keyType: String
    var key: [UInt8]
    var revoked: Bool
    var file: String
    var line: Int
  }

  public enum Verdict: Sendable, Equatable {
    case known
    case unknown
    /// The host is listed with another key of the same type.
    case changed(file: String, line: Int)
    case revoked(file: String, line: Int)
  }

  var entries: [Entry] = []

  /// The user's `~/.ssh/known_hosts` (`$HOME` first, as for the rest of stoop's files) and the
  /// system's `/etc/ssh/ssh_known_hosts`.
  public static func defaultFiles(
    _ environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> [String] {
    var home = environment["HOME"] ?? ""
    if home.isEmpty, let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir {
      home = String(cString: directory)
    }
    return [home + "/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts"]
  }

  public init(files: [String] = KnownHosts.defaultFiles()) {
    for file in files {
      guard let data = FileManager.default.contents(atPath: file) else { continue }
      entries += Self.parse(String(decoding: data, as: UTF8.self), file: file)
    }
  }

  static func parse(_ text: String, file: String) -> [Entry] {
    var entries: [Entry] = []
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      var fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
      guard let first = fields.first, !first.hasPrefix("#") else { continue }
      var revoked = false
      if first.hasPrefix("@") {
        guard first == "@revoked" else { continue }
        revoked = true
        fields.removeFirst()
      }
      guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { continue }
      entries.append(
        Entry(
          patterns: fields[0].split(separator: ",").map(String.init), keyType: fields[1],
          key: Array(key), revoked: revoked, file: file, line: index + 1))
    }
    return entries
  }

  /// How `key` (the raw public key blob the server sent) stands for `host` on `port`.
  public func verdict(host: String, port: Int?, key: [UInt8]) -> Verdict {
    let name = Self.name(host: host, port: port)
    let type = Self.keyType(of: key)
    var changed: Verdict?
    for entry in entries where Self.matches(entry.patterns, name) {
      if entry.revoked {
        if entry.key == key { return .revoked(file: entry.file, line: entry.line) }
        continue
      }
      if entry.key == key { return .known }
      if entry.keyType == type, changed == nil {
        changed = .changed(file: entry.file, line: entry.line)
      }
    }
    return changed ?? .unknown
  }

  /// The name a host has in known_hosts: `host`, or `[host]:port` off port 22.
  public static func name(host: String, port: Int?) -> String {
    guard let port, port != 22 else { return host.lowercased() }
    return "[\(host.lowercased())]:\(port)"
  }

  /// The key type named inside an ssh public key blob (`ssh-ed25519`, `ssh-rsa`, ...).
  public static func keyType(of key: [UInt8]) -> String {
    guard key.count >= 4 else { return "unknown" }
    let length = key[0..<4].reduce(0) { $0 << 8 | Int($1) }
    guard length > 0, key.count >= 4 + length else { return "unknown" }
    return String(decoding: key[4..<(4 + length)], as: UTF8.self)
  }

  /// OpenSSH's fingerprint: `SHA256:` and the unpadded base64 of the key's SHA-256.
  public static func fingerprint(sha256: [UInt8]) -> String {
    var text = Data(sha256).base64EncodedString()
    while text.hasSuffix("=") { text.removeLast() }
    return "SHA256:" + text
  }

  /// A host list matches when one pattern matches and no negated pattern does.
  static func matches(_ patterns: [String], _ name: String) -> Bool {
    var matched = false
    for pattern in patterns {
      if pattern.hasPrefix("|1|") {
        if hashedMatches(pattern, name) { matched = true }
      } else if pattern.hasPrefix("!") {
        if wildcardMatches(Array(pattern.dropFirst().lowercased().utf8), Array(name.utf8)) {
          return false
        }
      } else if wildcardMatches(Array(pattern.lowercased().utf8), Array(name.utf8)) {
        matched = true
      }
    }
    return matched
  }

  /// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
  static func hashedMatches(_ pattern: String, _ name: String) -> Bool {
    let parts = pattern.split(separator: "|", omittingEmptySubsequences: true)
    guard parts.count == 3, parts[0] == "1", let salt = Data(base64Encoded: String(parts[1])),
      let hash = Data(base64Encoded: String(parts[2]))
    else { return false }
    return SHA1.hmac(key: Array(salt), message: Array(name.utf8)) == Array(hash)
  }

  /// OpenSSH's `match_pattern`: `*` any run, `?` any one character.
  static func wildcardMatches(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
    var p = 0
    var t = 0
    var star: Int?
    var resume = 0
    while t < text.count {
      if p < pattern.count && (pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t]) {
        p += 1
        t += 1
      } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
        star = p
        resume = t
        p += 1
      } else if let star {
        p = star + 1
        resume += 1
        t = resume
      } else {
        return false
      }
    }
    while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
    return p == pattern.count
  }
}

/// libgit2's host key callback: ssh host keys are checked against known_hosts; TLS
/// certificates are left to libgit2's own verification.
let certificateCheckCallback: git_transport_certificate_check_cb = { cert, _, host, _ in
  NetworkCall.noteProgress()
  guard let cert, cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
    return GIT_PASSTHROUGH.rawValue
  }
  let hostName = host.map { String(cString: $0) } ?? ""
  let refusal = cert.withMemoryRebound(to: git_cert_hostkey.self, capacity: 1) {
    hostKeyRefusal(host: hostName, $0.pointee)
  }
  guard let refusal else { return 0 }
  NetworkCall.refuse(refusal)
  git_error_set_str(Int32(GIT_ERROR_SSH.rawValue), refusal)
  return GIT_ECERTIFICATE.rawValue
}

/// Why the host key is refused, or nil when known_hosts lists it for the host.
private func hostKeyRefusal(host: String, _ cert: git_cert_hostkey) -> String? {
  guard cert.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = cert.hostkey else {
    return "the ssh server \(host) sent no host key stoop can check"
  }
  let key = Array(UnsafeRawBufferPointer(start: raw, count: cert.hostkey_len))
  let port = NetworkCall.currentURL().flatMap(RemoteURL.endpoint)?.port
  let name = KnownHosts.name(host: host, port: port)
  let sha256 = withUnsafeBytes(of: cert.hash_sha256) { Array($0) }
  let shown =
    KnownHosts.keyType(of: key)
    + (cert.type.rawValue & GIT_CERT_SSH_SHA256.rawValue != 0
      ? " " + KnownHosts.fingerprint(sha256: sha256) : "")
  let files = KnownHosts.defaultFiles()
  switch KnownHosts(files: files).verdict(host: host, port: port, key: key) {
  case .known:
    return nil
  case .unknown:
    let scan = "ssh-keyscan \(port.map { "-p \($0) " } ?? "")\(host) >> ~/.ssh/known_hosts"
    return
      "the ssh host key of \(name) is not known (\(shown)); if that is the server's key, add it to ~/.ssh/known_hosts (\(scan)) and try again"
  case .changed(let file, let line):
    return
      "the ssh host key of \(name) (\(shown)) is not the one \(file) line \(line) lists for it: someone may be intercepting the connection, or the server has a new key; only if you know it has, remove the old one (ssh-keygen -R '\(name)') and add the new one"
  case .revoked(let file, let line):
    return "the ssh host key of \(name) (\(shown)) is marked @revoked in \(file) line \(line)"
  }
}
