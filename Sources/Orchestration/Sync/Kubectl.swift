import Foundation
import KRM

/// The `kubectl` stoop runs to reach a cluster, the one external program it may run: found on
/// `PATH`, given the user's `--kubeconfig` and `--context`, started without a shell, stopped when
/// a call takes longer than `callTimeout`.
public struct Kubectl: Sendable {
  /// The path of the kubectl executable.
  public let executable: String
  /// `--kubeconfig`, passed through when set.
  public var kubeconfig: String?
  /// `--context`, passed through when set.
  public var context: String?
  /// The environment kubectl runs with (its KUBECONFIG, HOME and PATH matter).
  public var environment: [String: String]
  /// How long one kubectl call may take before its process group is killed.
  public var callTimeout: TimeInterval = 60
  /// The longest pause between two reads while waiting for a sync; the first is a quarter second.
  public var maximumPollInterval: TimeInterval = 5

  /// The line a missing kubectl gives, naming the targets that need none.
  public static let notInstalledMessage =
    "kubectl is not installed; install it or use --to-dir/--to-repository/-o"

  /// Finds kubectl on the `PATH` of `environment`.
  public init(
    kubeconfig: String? = nil, context: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(OrchestrationError) {
    guard let found = Self.find(in: environment) else {
      throw .invalidOperation(Self.notInstalledMessage)
    }
    self.init(executable: found, kubeconfig: kubeconfig, context: context, environment: environment)
  }

  /// A kubectl at a known path.
  public init(
    executable: String, kubeconfig: String? = nil, context: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.executable = executable
    self.kubeconfig = kubeconfig
    self.context = context
    self.environment = environment
  }

  /// The first executable `kubectl` in the `PATH` of `environment`.
  public static func find(in environment: [String: String]) -> String? {
    let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":", omittingEmptySubsequences: true) {
      let candidate = String(directory) + "/kubectl"
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory),
        !isDirectory.boolValue, FileManager.default.isExecutableFile(atPath: candidate)
      {
        return candidate
      }
    }
    return nil
  }

  // MARK: Choosing the cluster target

  /// Whether kubectl would find a cluster without flags, as it reads its configuration: the
  /// files in `KUBECONFIG` (colon-separated, merged, the first `current-context` wins), else
  /// `~/.kube/config`; usable when a current context is set and names a context defined there.
  /// With `kubeconfig` or `context` given (the flags), those are read instead. Nothing is
  /// contacted: an unreachable cluster is found out by the first kubectl call.
  public static func hasUsableContext(
    kubeconfig: String? = nil, context: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> Bool {
    usableContext(kubeconfig: kubeconfig, context: context, environment: environment) != nil
  }

  /// The name of the context `hasUsableContext` finds usable, nil when there is none.
  public static func usableContext(
    kubeconfig: String? = nil, context: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String? {
    let files: [String]
    if let kubeconfig {
      files = [kubeconfig]
    } else if let list = environment["KUBECONFIG"], !list.isEmpty {
      files = list.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
    } else {
      let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
      files = [home + "/.kube/config"]
    }
    var current = context
    var defined: Set<String> = []
    for file in files {
      guard let bytes = FileManager.default.contents(atPath: file),
        let parsed = try? YAMLFile(parsing: Array(bytes), name: file),
        let root = parsed.documents.first?.root, root.isMapping
      else { continue }
      if current == nil, let name = root["current-context"]?.string, !name.isEmpty,
        !(root["current-context"]?.isNull ?? true)
      {
        current = name
      }
      for item in root["contexts"]?.items ?? [] {
        if let name = item.node["name"]?.string { defined.insert(name) }
      }
    }
    guard let current, defined.contains(current) else { return nil }
    return current
  }

  // MARK: Running kubectl

  /// Runs kubectl with `arguments` after the passed-through flags; throws only when it cannot
  /// be started. `timeout` defaults to `callTimeout`.
  public func run(_ arguments: [String], input: [UInt8] = [], timeout: TimeInterval? = nil)
    throws(OrchestrationError) -> ProgramOutput
  {
    var full: [String] = []
    if let kubeconfig { full += ["--kubeconfig", kubeconfig] }
    if let context { full += ["--context", context] }
    do {
      return try ProgramRunner.run(
        executable, arguments: full + arguments, input: input, environment: environment,
        timeout: timeout ?? callTimeout)
    } catch {
      switch error {
      case .cannotStart(let reason):
        throw .invalidOperation("cannot run kubectl: \(reason)")
      }
    }
  }

  /// Runs kubectl and turns a failure into one line: `what` (e.g. `apply`) and kubectl's first
  /// line on stderr.
  @discardableResult
  func check(
    _ arguments: [String], input: [UInt8] = [], timeout: TimeInterval? = nil, what: String
  ) throws(OrchestrationError) -> ProgramOutput {
    let output = try run(arguments, input: input, timeout: timeout)
    guard output.succeeded else { throw failure(output, what: what, timeout: timeout) }
    return output
  }

  /// The error for a failed kubectl call: a conflict (exit 3) for the API's conflicts, a
  /// validation failure (exit 5) when the API server refused the object as invalid, otherwise
  /// a failure (exit 1).
  func failure(_ output: ProgramOutput, what: String, timeout: TimeInterval? = nil)
    -> OrchestrationError
  {
    if output.timedOut {
      let seconds = Int((timeout ?? callTimeout).rounded())
      return .invalidOperation(
        "kubectl \(what) did not finish within \(seconds)s; check that the cluster is reachable")
    }
    var line = Self.firstErrorLine(output.stderr)
    if line.hasPrefix("error: ") { line.removeFirst("error: ".count) }
    // Applying (no matches for kind) or reading (no resource type) without the CRDs.
    if line.contains("no matches for kind \"RootSync\"")
      || line.contains("no matches for kind \"RepoSync\"")
      || line.contains("doesn't have a resource type \"rootsyncs")
      || line.contains("doesn't have a resource type \"reposyncs")
    {
      let crd =
        line.contains("RepoSync") || line.contains("\"reposyncs")
        ? SyncKind.reposync.resource : SyncKind.rootsync.resource
      return .invalidOperation(Self.configSyncMissing(crd))
    }
    let message =
      line.isEmpty
      ? "kubectl \(what) failed with exit code \(output.exitCode)" : "kubectl \(what): \(line)"
    if line.contains("(Conflict)") || line.contains("(AlreadyExists)")
      || line.contains("Apply failed with")
    {
      return .conflict(message)
    }
    if line.contains("(Invalid)") || line.contains(" is invalid: ")
      || line.hasPrefix("The request is invalid")
    {
      return .validationFailed(message)
    }
    return .invalidOperation(message)
  }

  static func configSyncMissing(_ crd: String) -> String {
    "Config Sync is not installed in the cluster (no CustomResourceDefinition \(crd)); install it first"
  }

  /// kubectl's first line on stderr that says what went wrong: warnings and klog lines
  /// (`W0102 15:04:05.000000 ...`) are skipped unless nothing else is there.
  static func firstErrorLine(_ stderr: [UInt8]) -> String {
    let lines = String(decoding: stderr, as: UTF8.self).split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    let significant = lines.first {
      !$0.hasPrefix("Warning:")
        && $0.range(of: #"^[IWE]\d{4} "#, options: .regularExpression) == nil
    }
    return significant ?? lines.first ?? ""
  }
}
