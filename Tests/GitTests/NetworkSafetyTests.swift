import Foundation
import Testing

@testable import Git

@Test func aPasswordLeavesTheURLWithItsUserAndIsHiddenInText() {
  let split = RemoteURL.splitPassword("https://alice:p%40ss:w@git.example.com:8443/org/x.git")
  #expect(split.url == "https://git.example.com:8443/org/x.git")
  #expect(split.username == "alice")
  #expect(split.password == "p@ss:w")
  // Only a password is a secret: a user name alone stays, as git keeps it.
  #expect(
    RemoteURL.splitPassword("ssh://git@host:22/x.git") == ("ssh://git@host:22/x.git", nil, nil))
  #expect(RemoteURL.splitPassword("/srv/git/x.git") == ("/srv/git/x.git", nil, nil))
  // An unescaped @ in the password: the authority ends at the last @ before the path.
  #expect(RemoteURL.splitPassword("http://bob:a@b@host/x.git").password == "a@b")

  #expect(
    RemoteURL.redacted(
      "cannot fetch http://alice:s3cret@host/x.git: 401; retry http://bob@h/y and https://c:d@e")
      == "cannot fetch http://alice:***@host/x.git: 401; retry http://bob@h/y and https://c:***@e")
  #expect(RemoteURL.redacted("no URL: a:b@c") == "no URL: a:b@c")
}

@Test func endpointsNameTheHostAndPortSSHConnectsTo() {
  #expect(RemoteURL.endpoint("ssh://git@host:2222/x.git")! == ("host", 2222))
  #expect(RemoteURL.endpoint("ssh://[::1]:2222/x.git")! == ("::1", 2222))
  #expect(RemoteURL.endpoint("git@host:org/x.git")! == ("host", nil))
  #expect(RemoteURL.endpoint("/srv/x.git") == nil)
  #expect(RemoteURL.endpoint("file:///srv/x.git") == nil)
  #expect(RemoteURL.isSSH("git@host:org/x.git") && RemoteURL.isSSH("ssh://host/x"))
  #expect(!RemoteURL.isSSH("https://host/x") && !RemoteURL.isSSH("./x.git"))
}

@Test func stoopTimeoutIsPositiveSeconds() throws {
  #expect(try NetworkTimeout.configured([:]) == 30)
  #expect(try NetworkTimeout.configured(["STOOP_TIMEOUT": "2"]) == 2)
  #expect(try NetworkTimeout.configured(["STOOP_TIMEOUT": " 0.5 "]) == 0.5)
  for junk in ["", "0", "-3", "ten", "1e2", "5s", "nan", "inf"] {
    #expect(throws: GitError.self, "\(junk)") {
      try NetworkTimeout.configured(["STOOP_TIMEOUT": junk])
    }
  }
  #expect(NetworkTimeout.describe(30) == "30 s")
  #expect(NetworkTimeout.describe(1.5) == "1.5 s")
}

@Test func sha1AndHMACMatchTheirPublishedVectors() {
  func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
  #expect(hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
  #expect(hex(SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
  #expect(
    hex(SHA1.hash(Array(String(repeating: "a", count: 1_000).utf8)))
      == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
  // RFC 2202, test case 2.
  #expect(
    hex(SHA1.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
      == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
}

@Test func knownHostsMatchesPlainHashedWildcardAndNegatedNames() throws {
  let key = Array(
    Data(base64Encoded: "AAAAC3NzaC1lZDI1NTE5AAAAILKJdy9Lu2bSY0ecuydgLLWc/2m7cX3FVJLiE/9p92u0")!)
  let other = Array(
    Data(base64Encoded: "AAAAC3NzaC1lZDI1NTE5AAAAIHBsdz9Lu2bSY0ecuydgLLWc/2m7cX3FVJLiE/9p92u0")!)
  let keyText = "ssh-ed25519 " + Data(key).base64EncodedString()
  let text = """
    # a comment
    @cert-authority *.example.com \(keyText)
    git.example.com,10.0.0.1 \(keyText)
    [git.example.com]:2222 ssh-ed25519 \(Data(other).base64EncodedString())
    |1|6RJNfVsZb3aIICigN0fG0ZgyoX4=|dOJb1Nf5ftAP0j/Qm1seOY0bwFs= \(keyText)
    *.corp,!bad.corp \(keyText)
    @revoked evil.example.com \(keyText)
    """
  var hosts = KnownHosts(files: [])
  hosts.entries = KnownHosts.parse(text, file: "known_hosts")
  #expect(KnownHosts.keyType(of: key) == "ssh-ed25519")
  #expect(hosts.verdict(host: "git.example.com", port: 22, key: key) == .known)
  #expect(hosts.verdict(host: "GIT.example.com", port: nil, key: key) == .known)
  #expect(hosts.verdict(host: "10.0.0.1", port: nil, key: key) == .known)
  #expect(
    hosts.verdict(host: "git.example.com", port: 2222, key: key)
      == .changed(file: "known_hosts", line: 4))
  #expect(hosts.verdict(host: "git.example.com", port: 2222, key: other) == .known)
  // ssh-keygen -H hashed "127.55.3.9".
  #expect(hosts.verdict(host: "127.55.3.9", port: 22, key: key) == .known)
  #expect(hosts.verdict(host: "127.55.3.8", port: 22, key: key) == .unknown)
  #expect(hosts.verdict(host: "build.corp", port: nil, key: key) == .known)
  #expect(hosts.verdict(host: "bad.corp", port: nil, key: key) == .unknown)
  #expect(
    hosts.verdict(host: "evil.example.com", port: nil, key: key)
      == .revoked(file: "known_hosts", line: 7))
  #expect(
    KnownHosts.fingerprint(sha256: [UInt8](repeating: 0, count: 32))
      == "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
}
