import Foundation

/// What a function process left behind.
public struct ExecOutcome: Sendable, Equatable {
  public var stdout: [UInt8]
  public var stderr: [UInt8]
  public var exitCode: Int32
  public var timedOut: Bool
}

/// A KRM function run as a local executable (kpt's `exec:` and `--exec`): the ResourceList goes
/// to its stdin, the new ResourceList comes from its stdout, its stderr is kept for the report.
/// It inherits stoop's environment and working directory, so a relative path names a file
/// relative to where stoop runs, as in kpt.
public struct ExecFunction: Sendable, Equatable {
  /// The command as written (`./fn.sh --flag` or `"sed -e 's/a/b/'"`); kpt shows it as is.
  public let command: String
  public let executable: String
  public let arguments: [String]
  /// kpt gives a function five minutes.
  public var timeout: TimeInterval = 300

  /// Why the program cannot be started, found when the command is read and reported when it
  /// runs (kpt finds out only then): no such program, or one that is not executable.
  public let launchProblem: String?

  /// Splits `command` into words and finds the executable (a path, or a name on `PATH`).
  public init(
    command: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(PackageError) {
    self.command = command
    let words = try shellWords(command)
    guard let program = words.first else {
      throw .unsupportedOption("exec function has an empty command; name an executable")
    }
    arguments = Array(words.dropFirst())
    if program.contains("/") {
      executable = program
    } else {
      guard let found = ExecFunction.which(program, environment: environment) else {
        executable = program
        launchProblem = "exec: \"\(program)\": executable file not found in $PATH"
        return
      }
      executable = found
    }
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: executable, isDirectory: &isDirectory) {
      launchProblem = "fork/exec \(executable): no such file or directory"
    } else if isDirectory.boolValue || !FileManager.default.isExecutableFile(atPath: executable) {
      launchProblem = "fork/exec \(executable): permission denied"
    } else {
      launchProblem = nil
    }
  }

  /// Runs the function on `input`. Streams go through files, so neither side can block the
  /// other however much either writes. The function gets its own process group, so a timeout
  /// stops whatever it started too.
  public func run(input: [UInt8]) throws(PackageError) -> ExecOutcome {
    if let launchProblem { throw .cannotStart(launchProblem) }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "stoop-fn-\(UUID().uuidString)"
    ).path
    do {
      try FileManager.default.createDirectory(
        atPath: scratch, withIntermediateDirectories: true)
      try Data(input).write(to: URL(fileURLWithPath: scratch + "/in"))
    } catch {
      throw .writeFailed(path: scratch, reason: "\(error.localizedDescription)")
    }
    defer { try? FileManager.default.removeItem(atPath: scratch) }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, scratch + "/in", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, scratch + "/out", O_WRONLY | O_CREAT, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, scratch + "/err", O_WRONLY | O_CREAT, 0o600)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group, an empty signal mask and default dispositions: the function
    // starts as it would from a shell, whatever stoop itself blocks or ignores.
    posix_spawnattr_setflags(
      &attributes,
      Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
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
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    guard spawned == 0 else {
      throw .cannotStart(
        "fork/exec \(executable): \(String(cString: strerror(spawned)).lowercased())")
    }
    var status: Int32 = 0
    var timedOut = false
    let deadline = Date().addingTimeInterval(timeout)
    var pause: useconds_t = 200
    while waitpid(pid, &status, WNOHANG) == 0 {
      if Date() >= deadline {
        timedOut = true
        kill(-pid, SIGKILL)
        waitpid(pid, &status, 0)
        break
      }
      usleep(pause)
      pause = min(pause * 2, 10_000)
    }
    // Exit status, or 128 + signal as a shell reports it.
    let exitCode: Int32 =
      timedOut ? -1 : (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return ExecOutcome(
      stdout: Array(FileManager.default.contents(atPath: scratch + "/out") ?? Data()),
      stderr: Array(FileManager.default.contents(atPath: scratch + "/err") ?? Data()),
      exitCode: exitCode, timedOut: timedOut)
  }
}
