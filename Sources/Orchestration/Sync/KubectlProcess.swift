import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What one run of a program left: its output, exit code, and whether it was stopped for taking
/// too long.
public struct ProgramOutput: Sendable, Equatable {
  public var stdout: [UInt8]
  public var stderr: [UInt8]
  /// The exit status, 128 + the signal when a signal ended it, -1 when stopped on timeout.
  public var exitCode: Int32
  public var timedOut: Bool

  public var succeeded: Bool { exitCode == 0 && !timedOut }
}

/// Runs a program without a shell: arguments as given, `input` on its stdin, both output streams
/// captured in memory (nothing is written to disk, so a Secret manifest on stdin stays off it).
/// The program gets its own process group, so a timeout stops whatever it started too (kubectl's
/// version dispatcher starts the real kubectl as a child).
enum ProgramRunner {
  enum Failure: Error {
    case cannotStart(String)
  }

  static func run(
    _ executable: String, arguments: [String], input: [UInt8], environment: [String: String],
    timeout: TimeInterval
  ) throws(Failure) -> ProgramOutput {
    // stdin is one end of a socket pair, so writing to a program that exited early fails with
    // EPIPE instead of raising SIGPIPE in stoop.
    var stdinPair: [Int32] = [-1, -1]
    var stdoutPipe: [Int32] = [-1, -1]
    var stderrPipe: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, streamSocket, 0, &stdinPair) == 0 else {
      throw .cannotStart("cannot create a socket pair: \(String(cString: strerror(errno)))")
    }
    guard pipe(&stdoutPipe) == 0, pipe(&stderrPipe) == 0 else {
      let reason = String(cString: strerror(errno))
      for fd in stdinPair + stdoutPipe + stderrPipe where fd >= 0 { close(fd) }
      throw .cannotStart("cannot create a pipe: \(reason)")
    }
    // Our ends must not leak into other programs started meanwhile.
    for fd in [stdinPair[0], stdoutPipe[0], stderrPipe[0]] {
      _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
      _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }
    #if canImport(Darwin)
      var one: Int32 = 1
      setsockopt(stdinPair[0], SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
    #endif

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, stdinPair[1], 0)
    posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
    for fd in [
      stdinPair[0], stdinPair[1], stdoutPipe[0], stdoutPipe[1], stderrPipe[0], stderrPipe[1],
    ] {
      posix_spawn_file_actions_addclose(&actions, fd)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group, an empty signal mask and default dispositions, whatever stoop
    // itself blocks or ignores.
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    posix_spawnattr_setpgroup(&attributes, 0)
    var signals = sigset_t()
    sigemptyset(&signals)
    posix_spawnattr_setsigmask(&attributes, &signals)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let envp =
      environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in envp { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    close(stdinPair[1])
    close(stdoutPipe[1])
    close(stderrPipe[1])
    guard spawned == 0 else {
      close(stdinPair[0])
      close(stdoutPipe[0])
      close(stderrPipe[0])
      throw .cannotStart("\(executable): \(String(cString: strerror(spawned)))")
    }

    var stream = Streams(
      input: input, stdin: stdinPair[0], stdout: stdoutPipe[0], stderr: stderrPipe[0])
    let deadline = Date().addingTimeInterval(timeout)
    var timedOut = false
    while stream.isOpen {
      let remaining = deadline.timeIntervalSinceNow
      if remaining <= 0 {
        timedOut = true
        kill(-pid, SIGKILL)
        break
      }
      stream.exchange(waitingAtMost: min(remaining, 0.2))
    }
    stream.closeAll()
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let exitCode: Int32 =
      timedOut ? -1 : (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return ProgramOutput(
      stdout: stream.stdoutBytes, stderr: stream.stderrBytes, exitCode: exitCode,
      timedOut: timedOut)
  }

  #if canImport(Glibc)
    private static let streamSocket = Int32(SOCK_STREAM.rawValue)
    private static let noSignal = Int32(MSG_NOSIGNAL)
  #else
    private static let streamSocket = SOCK_STREAM
    private static let noSignal: Int32 = 0
  #endif

  /// The three streams of a running program, moved along with poll(2).
  private struct Streams {
    var input: [UInt8]
    var written = 0
    var stdin: Int32
    var stdout: Int32
    var stderr: Int32
    var stdoutBytes: [UInt8] = []
    var stderrBytes: [UInt8] = []

    init(input: [UInt8], stdin: Int32, stdout: Int32, stderr: Int32) {
      self.input = input
      self.stdin = stdin
      self.stdout = stdout
      self.stderr = stderr
      if input.isEmpty { closeInput() }
    }

    /// Open while the program may still write: its output ends when it exits.
    var isOpen: Bool { stdout >= 0 || stderr >= 0 }

    mutating func exchange(waitingAtMost seconds: TimeInterval) {
      var fds: [pollfd] = []
      if stdin >= 0 { fds.append(pollfd(fd: stdin, events: Int16(POLLOUT), revents: 0)) }
      if stdout >= 0 { fds.append(pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)) }
      if stderr >= 0 { fds.append(pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)) }
      let ready = poll(&fds, nfds_t(fds.count), Int32(max(seconds, 0.001) * 1000))
      guard ready > 0 else { return }
      for entry in fds where entry.revents != 0 {
        if entry.fd == stdin {
          writeInput()
        } else if entry.fd == stdout {
          Self.drain(&stdout, into: &stdoutBytes)
        } else if entry.fd == stderr {
          Self.drain(&stderr, into: &stderrBytes)
        }
      }
    }

    private mutating func writeInput() {
      let count = input[written...].withUnsafeBytes { buffer in
        send(stdin, buffer.baseAddress, buffer.count, ProgramRunner.noSignal)
      }
      if count > 0 {
        written += count
        if written == input.count { closeInput() }
      } else if count < 0 && errno != EAGAIN && errno != EINTR {
        // The program stopped reading (it exited or closed stdin): the rest is not wanted.
        closeInput()
      }
    }

    private mutating func closeInput() {
      guard stdin >= 0 else { return }
      // Closing our end is the end of input for the program.
      close(stdin)
      stdin = -1
    }

    private static func drain(_ fd: inout Int32, into bytes: inout [UInt8]) {
      var buffer = [UInt8](repeating: 0, count: 65536)
      while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
          bytes.append(contentsOf: buffer[0..<count])
        } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
          close(fd)
          fd = -1
          return
        } else if errno == EAGAIN {
          return
        }
      }
    }

    mutating func closeAll() {
      closeInput()
      if stdout >= 0 { close(stdout) }
      if stderr >= 0 { close(stderr) }
      stdout = -1
      stderr = -1
    }
  }
}
