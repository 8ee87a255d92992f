internal import CGit2
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The limit on a network operation that makes no progress: `STOOP_TIMEOUT` seconds (30 by
/// default), counted from the start of the operation until the remote answers, and again from
/// every sign of progress after that.
public enum NetworkTimeout {
  public static let defaultSeconds: TimeInterval = 30
  public static let variable = "STOOP_TIMEOUT"

  /// The limit this process's environment sets; junk is refused with one line.
  public static func configured(
    _ environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(GitError) -> TimeInterval {
    guard let text = environment[variable] else { return defaultSeconds }
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard let seconds = TimeInterval(trimmed), seconds.isFinite, seconds > 0,
      trimmed.allSatisfy({ $0.isNumber || $0 == "." })
    else {
      throw GitError(
        .invalidSetting(name: variable),
        "\(variable) must be a number of seconds greater than 0 (such as 30), not \"\(text)\"")
    }
    return seconds
  }

  /// `30 s`, `2 s`, `0.5 s`.
  static func describe(_ seconds: TimeInterval) -> String {
    seconds == seconds.rounded() && seconds < 1e15
      ? "\(Int(seconds)) s" : "\(seconds) s"
  }
}

/// One libgit2 network call: the remote it talks to, a host key refused on the way, and a
/// watchdog that watches the call on a second thread and ends it when the remote stays silent
/// past the limit. libgit2 1.5 has no timeouts of its own (they arrived in 1.7) and blocks in
/// connect, recv and libssh2's poll without one; the watchdog finds the TCP sockets the call
/// opened (those in /proc/self/fd that were not open before it started) and shuts them down,
/// which makes the blocked call fail through libgit2's own error path: its temporary files and
/// half-read packs are cleaned up as on any network error, and no ref moves.
///
/// Progress is anything that shows the remote is alive or libgit2 is working: a byte received
/// or acknowledged on one of the sockets (the kernel's TCP counters), or any libgit2 callback
/// (transfer, pack building, sideband, credentials, host key).
final class NetworkCall: @unchecked Sendable {
  /// Network calls run one at a time, so every socket opened during a call is that call's.
  private static let serial = NSLock()
  private static let currentLock = NSLock()
  nonisolated(unsafe) private static var currentCall: NetworkCall?

  let url: String
  let limit: TimeInterval
  private let condition = NSCondition()
  private var lastProgress = Date()
  private var stopped = false
  private var exited = false
  private(set) var fired = false
  private var before: Set<UInt64> = []
  private var traffic: [UInt64: (received: UInt64, acked: UInt64)] = [:]
  /// Set by the host key callback: why the ssh server's key was refused.
  private var hostKeyRefusal: String?

  private init(url: String, limit: TimeInterval) {
    self.url = url
    self.limit = limit
  }

  /// Runs `call` (a libgit2 call returning its error code) under a watchdog. A call that failed
  /// because the watchdog ended it throws a timeout naming `url` (without its password); one
  /// that failed on the ssh host key throws why.
  static func run(url: String, _ call: () -> Int32) throws(GitError) -> Int32 {
    // A repository on this disk has no socket to watch, and may take its time.
    if Repository.localPath(url) != nil { return call() }
    let limit = try NetworkTimeout.configured()
    serial.lock()
    defer { serial.unlock() }
    let networkCall = NetworkCall(url: url, limit: limit)
    networkCall.before = Set(openSockets().map(\.inode))
    setCurrent(networkCall)
    let thread = Thread { networkCall.watch() }
    thread.name = "stoop network watchdog"
    thread.start()
    let code = call()
    networkCall.stop()
    setCurrent(nil)
    if code < 0, let refusal = networkCall.hostKeyRefusal {
      throw GitError(.hostKey, refusal)
    }
    if code < 0 && networkCall.fired {
      let shown = RemoteURL.redacted(url)
      let limitText = NetworkTimeout.describe(limit)
      throw GitError(
        .timedOut,
        "\(shown) did not answer within \(limitText) (\(NetworkTimeout.variable) sets the limit)")
    }
    return code
  }

  /// Called from libgit2's callbacks: the operation is alive.
  static func noteProgress() {
    currentLock.lock()
    let call = currentCall
    currentLock.unlock()
    call?.progress()
  }

  /// The URL of the call in progress, for callbacks that need more than libgit2 gives them.
  static func currentURL() -> String? {
    currentLock.lock()
    defer { currentLock.unlock() }
    return currentCall?.url
  }

  /// Called from the host key callback: the call fails for this reason.
  static func refuse(_ reason: String) {
    currentLock.lock()
    currentCall?.hostKeyRefusal = reason
    currentLock.unlock()
  }

  private static func setCurrent(_ watchdog: NetworkCall?) {
    currentLock.lock()
    currentCall = watchdog
    currentLock.unlock()
  }

  private func progress() {
    condition.lock()
    lastProgress = Date()
    condition.unlock()
  }

  private func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    while !exited { condition.wait() }
    condition.unlock()
  }

  private func watch() {
    condition.lock()
    defer {
      exited = true
      condition.broadcast()
      condition.unlock()
    }
    while !stopped {
      _ = condition.wait(until: Date().addingTimeInterval(min(0.1, limit / 4)))
      if stopped { break }
      let sockets = Self.openSockets().filter { !before.contains($0.inode) }
      if fired {
        // libgit2 may try the host's next address: end that attempt too.
        for socket in sockets { shutdown(socket.fd, Int32(SHUT_RDWR)) }
        continue
      }
      for socket in sockets {
        switch Self.traffic(socket.fd) {
        case .counted(let received, let acked):
          let now = (received: received, acked: acked)
          if traffic[socket.inode].map({ $0 == now }) == true { continue }
          traffic[socket.inode] = now
          lastProgress = Date()
        case .receivedRecently:
          lastProgress = Date()
        case .unknown:
          continue
        }
      }
      if Date().timeIntervalSince(lastProgress) >= limit {
        fired = true
        for socket in sockets { shutdown(socket.fd, Int32(SHUT_RDWR)) }
      }
    }
  }

  /// The TCP sockets of this process: descriptor and inode.
  private static func openSockets() -> [(fd: Int32, inode: UInt64)] {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
    else { return [] }
    var result: [(fd: Int32, inode: UInt64)] = []
    var buffer = [CChar](repeating: 0, count: 64)
    for entry in entries {
      guard let fd = Int32(entry) else { continue }
      let count = readlink("/proc/self/fd/" + entry, &buffer, buffer.count - 1)
      guard count > 8 else { continue }
      let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      guard target.hasPrefix("socket:["), target.hasSuffix("]"),
        let inode = UInt64(target.dropFirst(8).dropLast()), isTCP(fd)
      else { continue }
      result.append((fd, inode))
    }
    return result
  }

  private static func isTCP(_ fd: Int32) -> Bool {
    var domain: Int32 = 0
    var type: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    guard getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &length) == 0 else { return false }
    length = socklen_t(MemoryLayout<Int32>.size)
    guard getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0 else { return false }
    return (domain == AF_INET || domain == AF_INET6) && type == Int32(SOCK_STREAM.rawValue)
  }

  private enum Traffic {
    /// Bytes received and bytes the peer acknowledged so far.
    case counted(received: UInt64, acked: UInt64)
    /// A kernel without the counters: data arrived in the last quarter second.
    case receivedRecently
    case unknown
  }

  /// Linux's `tcpi_bytes_received` and `tcpi_bytes_acked` (struct tcp_info, offsets 128 and 120
  /// since Linux 4.2; glibc's copy of the struct stops before them), else `tcpi_last_data_recv`.
  private static func traffic(_ fd: Int32) -> Traffic {
    var raw = [UInt8](repeating: 0, count: 256)
    var length = socklen_t(raw.count)
    let status = raw.withUnsafeMutableBytes {
      getsockopt(fd, Int32(IPPROTO_TCP), TCP_INFO, $0.baseAddress, &length)
    }
    guard status == 0, length >= 56 else { return .unknown }
    func read<T: FixedWidthInteger>(_ offset: Int, as: T.Type) -> T {
      raw.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }
    if length >= 136 {
      return .counted(received: read(128, as: UInt64.self), acked: read(120, as: UInt64.self))
    }
    // tcpi_state 1 is ESTABLISHED; before that the times mean nothing.
    return read(0, as: UInt8.self) == 1 && read(52, as: UInt32.self) < 250
      ? .receivedRecently : .unknown
  }
}

/// libgit2 callbacks that only tell the watchdog the operation is alive.
let sidebandProgressCallback: git_transport_message_cb = { _, _, _ in
  NetworkCall.noteProgress()
  return 0
}

let packProgressCallback: git_packbuilder_progress = { _, _, _, _ in
  NetworkCall.noteProgress()
  return 0
}

let pushTransferProgressCallback: git_push_transfer_progress_cb = { _, _, _, _ in
  NetworkCall.noteProgress()
  return 0
}

/// Sets the callbacks every network operation shares: progress for the watchdog, and the ssh
/// host key check against known_hosts for `url`.
func installNetworkCallbacks(_ callbacks: inout git_remote_callbacks) {
  callbacks.sideband_progress = sidebandProgressCallback
  callbacks.pack_progress = packProgressCallback
  callbacks.push_transfer_progress = pushTransferProgressCallback
  callbacks.certificate_check = certificateCheckCallback
}
