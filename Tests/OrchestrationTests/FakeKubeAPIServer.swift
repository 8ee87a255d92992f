import Foundation
import KRM
import Testing

@testable import Orchestration

#if canImport(Glibc)
  import Glibc
#endif

/// Tests/Support/fake-kube-apiserver.py on 127.0.0.1 with a kubeconfig of its own and a HOME
/// for kubectl's caches, all in a temporary directory; stopped when released.
final class FakeKubeAPIServer: @unchecked Sendable {
  let process = Process()
  let port: Int
  let directory: String

  var kubeconfig: String { directory + "/kubeconfig" }

  init(configSync: Bool = true) throws {
    directory = scratch("kube")
    try FileManager.default.createDirectory(
      atPath: directory + "/home", withIntermediateDirectories: true)
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Support/fake-kube-apiserver.py").path
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      ["python3", script, directory + "/kubeconfig", "--lifetime", "120"]
      + (configSync ? [] : ["--no-config-sync"])
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

  /// kubectl from PATH, reaching this server through KUBECONFIG.
  func kubectl() throws -> Kubectl {
    var environment = ProcessInfo.processInfo.environment
    environment["HOME"] = directory + "/home"
    environment["KUBECONFIG"] = kubeconfig
    return try Kubectl(environment: environment)
  }

  /// One request over a fresh connection (HTTP/1.0, so the server closes it after answering).
  @discardableResult
  func request(_ method: String, _ path: String, body: String = "") throws -> (
    status: Int, body: String
  ) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #expect(fd >= 0)
    defer { close(fd) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    try #require(connected == 0)
    let payload = Array(body.utf8)
    let head =
      "\(method) \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      + "Content-Length: \(payload.count)\r\n\r\n"
    let bytes = Array(head.utf8) + payload
    var sent = 0
    while sent < bytes.count {
      let count = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      try #require(count > 0)
      sent += count
    }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      guard count > 0 else { break }
      response += buffer[0..<count]
    }
    let text = String(decoding: response, as: UTF8.self)
    let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
    let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
    return (status, body)
  }

  func configure(_ json: String) throws {
    try #require(try request("POST", "/_fake/config", body: json).status == 200)
  }

  /// Writes `status` (JSON) as Config Sync's reconciler would.
  func setStatus(of path: String, _ status: String) throws {
    try #require(try request("POST", "/_fake/status/" + path, body: status).status == 200)
  }

  /// Creates or replaces an object as is, without kubectl.
  func put(_ object: String) throws {
    try #require(try request("POST", "/_fake/object", body: object).status == 200)
  }

  /// The stored object at an API path, nil when there is none.
  func object(_ path: String) throws -> YAMLNode? {
    let (status, body) = try request("GET", "/_fake/object/" + path)
    guard status == 200 else { return nil }
    return try YAMLFile(parsing: Array(body.utf8), name: path).documents.first?.root
  }

  /// Every API request kubectl made, as "METHOD path?query content-type".
  func requests() throws -> [String] {
    let body = try request("GET", "/_fake/requests").body
    let list = try YAMLFile(parsing: Array(body.utf8), name: "requests").documents.first?.root
    return (list?.items ?? []).compactMap { $0.node.string }
  }

  func stop() {
    // SIGKILL: the test runner's threads block SIGTERM, and a child inherits that mask.
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(atPath: directory)
  }
}
