import Foundation

/// Where `sync` deploys (sync.md §5.3): exactly one target per command.
public enum SyncTarget: Sendable, Equatable {
  /// A cluster reached with kubectl.
  case cluster(Cluster)
  /// The manifests only, on stdout or in a file.
  case file(File)
  /// The manifest committed to a registered repository that a bootstrap RootSync watches.
  case repository(Repository)
  /// The package's files written into a directory, with a state file.
  case directory(Directory)

  public struct Cluster: Sendable, Equatable {
    public var kubeconfig: String?
    /// nil: the kubeconfig's current context.
    public var context: String?

    public init(kubeconfig: String? = nil, context: String? = nil) {
      self.kubeconfig = kubeconfig
      self.context = context
    }
  }

  public struct File: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable { case yaml, json }
    /// nil: standard output.
    public var path: String?
    public var format: Format

    public init(path: String?, format: Format) {
      self.path = path
      self.format = format
    }
  }

  public struct Repository: Sendable, Equatable {
    /// The registration's name.
    public var name: String
    /// The registration's namespace.
    public var namespace: String
    /// The folder the manifests go in, from the repository root (no leading or trailing `/`).
    public var path: String

    public init(name: String, namespace: String, path: String) {
      self.name = ResourceName.repositoryName(name)
      self.namespace = namespace
      self.path = Registration.trimmed(path)
    }

    /// `name:path`, as messages and tables show it.
    public var description: String { name + ":" + (path.isEmpty ? "/" : path) }

    /// Where a sync's manifest goes.
    public func file(name: String, kind: SyncKind) -> String {
      let file = SyncManifest.fileName(name: name, kind: kind)
      return path.isEmpty ? file : path + "/" + file
    }
  }

  public struct Directory: Sendable, Equatable {
    /// Absolute, without `.` or `..` parts.
    public var path: String

    public init(path: String) {
      self.path = URL(fileURLWithPath: path).standardizedFileURL.path
    }
  }
}

/// The target flags of `sync create`, `get` and `del`, as given.
public struct SyncTargetFlags: Sendable, Equatable {
  public var directory: String?
  public var repository: String?
  public var path: String?
  /// `-o/--output` of `create`: `yaml`, `json` or `-` (stdout), or a file.
  public var output: String?
  public var context: String?
  public var kubeconfig: String?
  /// The namespace of the registration `repository` names.
  public var namespace = "default"

  public init() {}

  static let options =
    "--to-dir DIR, --to-repository R --to-path DIR, -o/--output yaml|json|FILE, or --context/--kubeconfig for a cluster"

  /// The one target the flags name, or nil when they name none. Two targets, or half of the
  /// repository target, are a usage error.
  public func explicitTarget() throws(OrchestrationError) -> SyncTarget? {
    var named: [SyncTarget] = []
    if let directory {
      guard !directory.isEmpty else { throw .usage("--to-dir needs a directory") }
      named.append(.directory(.init(path: directory)))
    }
    switch (repository, path) {
    case (let repository?, let path?):
      try Self.checkRepositoryPath(path)
      named.append(.repository(.init(name: repository, namespace: namespace, path: path)))
    case (.some, nil):
      throw .usage("--to-repository needs --to-path DIR, the folder for the manifests")
    case (nil, .some):
      throw .usage("--to-path needs --to-repository R, the registered repository to commit to")
    case (nil, nil): break
    }
    if let output {
      switch output {
      case "yaml", "-": named.append(.file(.init(path: nil, format: .yaml)))
      case "json": named.append(.file(.init(path: nil, format: .json)))
      case "": throw .usage("-o/--output needs yaml, json or a file")
      default:
        named.append(.file(.init(path: output, format: output.hasSuffix(".json") ? .json : .yaml)))
      }
    }
    if context != nil || kubeconfig != nil {
      named.append(.cluster(.init(kubeconfig: kubeconfig, context: context)))
    }
    guard named.count <= 1 else {
      throw .usage("give one target, not several: \(Self.options)")
    }
    return named.first
  }

  /// `create`'s target: the flags' one, else the cluster of the current kube context, else a
  /// usage error naming the options (nothing is written anywhere by default).
  public func createTarget(environment: [String: String] = ProcessInfo.processInfo.environment)
    throws(OrchestrationError) -> SyncTarget
  {
    if let target = try explicitTarget() { return target }
    if Self.configuredContext(environment: environment) != nil { return .cluster(.init()) }
    throw .usage("no target to deploy to and no kube context configured; give one: \(Self.options)")
  }

  /// A folder inside the repository: relative, no `..`.
  private static func checkRepositoryPath(_ path: String) throws(OrchestrationError) {
    let parts = path.split(separator: "/")
    if parts.contains(where: { $0 == ".." || $0 == "." }) || path.contains("\\") {
      throw .usage("--to-path \"\(path)\" must be a folder inside the repository, without . or ..")
    }
  }

  /// The current context of the kubeconfig kubectl would read (`$KUBECONFIG`'s files, the first
  /// that sets one, else `~/.kube/config`) when it names a context defined there; nil when
  /// there is none.
  public static func configuredContext(environment: [String: String]) -> String? {
    Kubectl.usableContext(environment: environment)
  }
}
