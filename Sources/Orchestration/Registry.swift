import CaD
import Foundation
import Git
import KRM

/// The registered repositories under a config directory, each with its registration, its
/// credentials (mode 0600) and a bare clone.
public struct Registry: Sendable {
  public let home: StoopHome
  /// Warnings for people (stderr); the CLI decides where they go.
  public var warn: @Sendable (String) -> Void = { _ in }
  /// How long to wait for another stoop process that holds a registration's lock.
  public var lockTimeout: TimeInterval = 30

  public init(home: StoopHome = StoopHome()) {
    self.home = home
  }

  public struct RegisterOptions: Sendable {
    public var name: String?
    public var namespace = "default"
    public var branch = "main"
    public var directory = "/"
    public var deployment = false
    public var description: String?
    public var createBranch = false
    public var credentials = Credentials()
    /// Commit author overrides (Porch's `spec.git.author` and `spec.git.email`).
    public var author: String?
    public var email: String?

    public init() {}
  }

  // MARK: Register

  /// Clones the repository, checks (or creates) its branch and writes the registration. Nothing
  /// is left behind when any step fails.
  @discardableResult
  public func register(url rawURL: String, options: RegisterOptions) throws(OrchestrationError)
    -> Registration
  {
    var options = options
    let separated = try Self.separatingURLCredentials(rawURL, options.credentials)
    options.credentials = separated.credentials
    let url = Self.normalise(separated.url)
    let name = options.name ?? Self.defaultName(for: rawURL)
    try Self.validate(name: name)
    try Self.validate(branch: options.branch)
    try Self.validate(namespace: options.namespace)
    if let problem = Registration.problem(directory: options.directory) {
      throw .invalidOperation(problem)
    }
    try Self.checkLocal(url, branch: options.branch)
    let directory = home.repository(namespace: options.namespace, name: name)
    if FileManager.default.fileExists(atPath: directory) {
      throw .alreadyRegistered(name: name, namespace: options.namespace)
    }
    let parent = (directory as NSString).deletingLastPathComponent
    Scratch.removeAbandoned(in: parent)
    let staging = parent + "/" + Scratch.name(name, "registering")
    do {
      try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
    } catch {
      throw .io(path: staging, reason: error.localizedDescription)
    }
    var finished = false
    defer {
      if !finished {
        try? FileManager.default.removeItem(atPath: staging)
        // The namespace directories it created, when nothing else is in them.
        rmdir(parent)
        rmdir((parent as NSString).deletingLastPathComponent)
      }
    }

    let clone: Repository
    do {
      clone = try Repository.clone(
        url: url, into: staging + "/clone.git", credentials: options.credentials)
    } catch {
      throw .git(error, url: url)
    }
    FaultInjection.point("register.cloned")
    var head: ObjectID?
    do {
      head = try clone.reference("refs/remotes/origin/" + options.branch)
      if head == nil {
        guard options.createBranch else {
          throw OrchestrationError.branchMissing(branch: options.branch, url: url)
        }
        head = try Self.createBranch(options.branch, in: clone, credentials: options.credentials)
      }
    } catch let error as OrchestrationError {
      throw error
    } catch let error as GitError {
      throw .git(error, url: url)
    } catch {
      throw .io(path: url, reason: "\(error)")
    }
    let secretName = options.credentials.isEmpty ? nil : name + "-auth"
    var registration = Registration(
      name: name, namespace: options.namespace, url: url, branch: options.branch,
      directory: options.directory, deployment: options.deployment,
      description: options.description,
      createBranch: options.createBranch, secretName: secretName, created: Date(),
      status: .init(
        ready: true, reason: "Ready", message: "Repository Ready", lastSync: Date(),
        branchCommit: head?.hex))
    registration.author = options.author
    registration.email = options.email
    if !options.credentials.isEmpty {
      try Self.writeCredentials(options.credentials, to: staging + "/credentials")
    }
    try Self.write(registration, to: staging + "/repository.yaml")
    FaultInjection.point("register.staged")
    // rename(2) refuses to replace a registration that a racing `register` put there first.
    guard rename(staging, directory) == 0 else {
      if errno == EEXIST || errno == ENOTEMPTY {
        throw .alreadyRegistered(name: name, namespace: options.namespace)
      }
      throw .io(path: directory, reason: String(cString: strerror(errno)))
    }
    finished = true
    if separated.moved { warn(Self.movedPasswordWarning) }
    return registration
  }

  /// A repository on this disk must exist, and must not have the branch checked out in a work
  /// tree: every approval would move the branch under the user's files (git refuses such a push
  /// too).
  static func checkLocal(_ url: String, branch: String) throws(OrchestrationError) {
    guard let path = Repository.localPath(url) else { return }
    guard FileManager.default.fileExists(atPath: path) else {
      throw .notFound(
        "\(url) does not exist; pass the path of a git repository (bare, or a directory with .git) or a URL"
      )
    }
    // What else can be wrong with it, cloning reports.
    guard let repository = try? Repository.open(path) else { return }
    if repository.checkedOutBranch == "refs/heads/" + branch {
      throw .invalidOperation(
        "\(url) is a working clone with \(branch) checked out, which stoop would move under its work tree; register a bare clone of it (git clone --bare \(url) \(url).git, and push your work there) or another branch (--branch)"
      )
    }
  }

  /// Porch's first commit on a branch it creates.
  static func createBranch(_ branch: String, in clone: Repository, credentials: Credentials) throws
    -> ObjectID
  {
    let porch = Signature(name: "Package Orchestration Service", email: "porch@kpt.dev")
    let tree = try clone.writeTree(files: ["README.md": (Array("Created by porch".utf8), .blob)])
    let commit = try clone.writeCommit(
      tree: tree, parents: [], message: "Initial commit: Creating main branch", author: porch,
      committer: porch)
    try clone.push(
      [RefUpdate(name: "refs/heads/" + branch, target: commit, expected: .absent)],
      credentials: credentials)
    return commit
  }

  // MARK: Read

  /// Every registration in a namespace (all namespaces when nil), by namespace then name.
  public func list(namespace: String?) throws(OrchestrationError) -> [Registration] {
    let root = home.path + "/repositories"
    let namespaces =
      namespace.map { [$0] }
      ?? ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
    var result: [Registration] = []
    for namespace in namespaces where !namespace.hasPrefix(".") {
      let names =
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + namespace)) ?? [])
        .sorted()
      for name in names where !name.hasPrefix(".") {
        result.append(try read(home.repository(namespace: namespace, name: name)))
      }
    }
    return result
  }

  public func get(_ name: String, namespace: String) throws(OrchestrationError) -> Registration {
    let name = ResourceName.repositoryName(name)
    let directory = home.repository(namespace: namespace, name: name)
    guard FileManager.default.fileExists(atPath: directory + "/repository.yaml") else {
      throw notRegistered(name, namespace: namespace)
    }
    return try read(directory)
  }

  /// The error for a name that is not registered, with the registered name nearest to it.
  func notRegistered(_ name: String, namespace: String) -> OrchestrationError {
    let names = ((try? list(namespace: namespace)) ?? []).map(\.name)
    return .notRegistered(
      name: name, namespace: namespace, nearest: Spelling.nearest(to: name, in: names))
  }

  private func read(_ directory: String) throws(OrchestrationError) -> Registration {
    let file = directory + "/repository.yaml"
    guard let data = FileManager.default.contents(atPath: file) else {
      throw .corruptRegistration(path: file, reason: "cannot read the registration")
    }
    do {
      let yaml = try YAMLFile(parsing: Array(data), name: file)
      guard let document = yaml.documents.first else {
        throw OrchestrationError.corruptRegistration(path: file, reason: "empty registration")
      }
      return try Registration(object: document.root, file: file)
    } catch let error as OrchestrationError {
      throw error
    } catch {
      throw .corruptRegistration(path: file, reason: "\(error)")
    }
  }

  /// The credentials of a registration: its credentials file, else `STOOP_REPO_USERNAME`,
  /// `STOOP_REPO_PASSWORD`, `STOOP_REPO_TOKEN` and `STOOP_REPO_SSH_KEY` from the environment.
  public func credentials(
    for registration: Registration,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> Credentials {
    let file =
      home.repository(namespace: registration.namespace, name: registration.name) + "/credentials"
    if let data = FileManager.default.contents(atPath: file),
      let yaml = try? YAMLFile(parsing: Array(data), name: file),
      let root = yaml.documents.first?.root
    {
      return Credentials(
        username: root["username"]?.string, password: root["password"]?.string,
        bearerToken: root["bearerToken"]?.string, sshKey: root["sshKey"]?.string)
    }
    return Self.environmentCredentials(environment)
  }

  /// `STOOP_REPO_USERNAME`, `STOOP_REPO_PASSWORD`, `STOOP_REPO_TOKEN` and `STOOP_REPO_SSH_KEY`.
  static func environmentCredentials(
    _ environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> Credentials {
    Credentials(
      username: environment["STOOP_REPO_USERNAME"], password: environment["STOOP_REPO_PASSWORD"],
      bearerToken: environment["STOOP_REPO_TOKEN"], sshKey: environment["STOOP_REPO_SSH_KEY"])
  }

  // MARK: Unregister

  public func unregister(_ name: String, namespace: String, keepCredentials: Bool = false)
    throws(OrchestrationError)
  {
    let name = ResourceName.repositoryName(name)
    let directory = home.repository(namespace: namespace, name: name)
    guard FileManager.default.fileExists(atPath: directory + "/repository.yaml") else {
      throw notRegistered(name, namespace: namespace)
    }
    let lock = try RepositoryLock(directory: directory, name: name, timeout: lockTimeout)
    defer { lock.release() }
    // Move aside first, so that an interrupted removal never leaves a half registration.
    let doomed =
      (directory as NSString).deletingLastPathComponent + "/" + Scratch.name(name, "removing")
    do {
      try FileManager.default.moveItem(atPath: directory, toPath: doomed)
      if keepCredentials, FileManager.default.fileExists(atPath: doomed + "/credentials") {
        let kept = home.path + "/credentials/" + namespace
        try FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: true)
        let target = kept + "/" + name + "-auth"
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.moveItem(atPath: doomed + "/credentials", toPath: target)
      }
      try FileManager.default.removeItem(atPath: doomed)
    } catch {
      throw .io(path: directory, reason: error.localizedDescription)
    }
  }

  // MARK: Sync

  /// What a fetch changed in the clone.
  public struct SyncReport: Sendable, Equatable {
    public var added: [(ref: String, id: ObjectID)] = []
    public var moved: [(ref: String, from: ObjectID, to: ObjectID)] = []
    public var removed: [(ref: String, id: ObjectID)] = []
    public var recloned = false

    public static func == (a: SyncReport, b: SyncReport) -> Bool {
      a.added.map(\.ref) == b.added.map(\.ref) && a.moved.map(\.ref) == b.moved.map(\.ref)
        && a.removed.map(\.ref) == b.removed.map(\.ref) && a.recloned == b.recloned
    }
  }

  /// Fetches a registration now and records the outcome in its status.
  public func sync(_ name: String, namespace: String) throws(OrchestrationError) -> SyncReport {
    let name = ResourceName.repositoryName(name)
    var registration = try get(name, namespace: namespace)
    let directory = home.repository(namespace: namespace, name: name)
    let lock = try RepositoryLock(directory: directory, name: name, timeout: lockTimeout)
    defer { lock.release() }
    let credentials = credentials(for: registration)
    var report = SyncReport()
    do {
      let (clone, before, recloned) = try fetchOrReclone(
        registration, directory: directory, credentials: credentials)
      report.recloned = recloned
      let after = try clone.references()
      for (ref, id) in (after == before ? [:] : after).sorted(by: { $0.key < $1.key }) {
        if let old = before[ref] {
          if old != id { report.moved.append((ref, old, id)) }
        } else {
          report.added.append((ref, id))
        }
      }
      for (ref, id) in before.sorted(by: { $0.key < $1.key }) where after[ref] == nil {
        report.removed.append((ref, id))
      }
      let head = after["refs/remotes/origin/" + registration.branch]
      registration.status =
        head == nil
        ? .init(
          ready: false, reason: "Error", message: "branch \"\(registration.branch)\" not found",
          lastSync: Date())
        : .init(
          ready: true, reason: "Ready", message: "Repository Ready", lastSync: Date(),
          branchCommit: head?.hex)
      try Self.write(registration, to: directory + "/repository.yaml")
      return report
    } catch let error as GitError {
      registration.status = .init(
        ready: false, reason: "Error", message: error.message,
        lastSync: registration.status.lastSync,
        branchCommit: registration.status.branchCommit)
      try? Self.write(registration, to: directory + "/repository.yaml")
      throw .git(error, url: registration.url)
    } catch let error as OrchestrationError {
      throw error
    } catch {
      throw .io(path: directory, reason: "\(error)")
    }
  }

  /// Opens and fetches the clone; a damaged clone is replaced by a fresh one, with a warning.
  private func fetchOrReclone(
    _ registration: Registration, directory: String, credentials: Credentials
  ) throws
    -> (Repository, [String: ObjectID], Bool)
  {
    var before: [String: ObjectID] = [:]
    var failure: GitError
    do throws(GitError) {
      let clone = try Repository.open(directory + "/clone.git")
      before = try clone.references()
      try clone.verifyReferencedObjects()
      try clone.fetch(credentials: credentials)
      return (clone, before, false)
    } catch {
      failure = error
    }
    guard failure.kind == .corrupt || failure.errorClass == "repository" else { throw failure }
    warn("the clone of \"\(registration.name)\" is damaged (\(failure.message)); cloning it again")
    return (try reclone(registration, into: directory, credentials: credentials), before, true)
  }

  private func reclone(
    _ registration: Registration, into directory: String, credentials: Credentials
  ) throws
    -> Repository
  {
    let fresh = directory + "/.clone-\(UUID().uuidString).git"
    defer { try? FileManager.default.removeItem(atPath: fresh) }
    _ = try Repository.clone(url: registration.url, into: fresh, credentials: credentials)
    let old = directory + "/.old-\(UUID().uuidString).git"
    try FileManager.default.moveItem(atPath: directory + "/clone.git", toPath: old)
    try FileManager.default.moveItem(atPath: fresh, toPath: directory + "/clone.git")
    try? FileManager.default.removeItem(atPath: old)
    return try Repository.open(directory + "/clone.git")
  }

  // MARK: Files

  static func write(_ registration: Registration, to path: String) throws(OrchestrationError) {
    let text = YAMLDocument(root: registration.object).text(sequenceIndent: .compact)
    try writeAtomically(text, to: path, mode: 0o644)
  }

  static func writeCredentials(_ credentials: Credentials, to path: String)
    throws(OrchestrationError)
  {
    var entries: [YAMLEntry] = []
    for (key, value) in [
      ("username", credentials.username), ("password", credentials.password),
      ("bearerToken", credentials.bearerToken), ("sshKey", credentials.sshKey),
    ] {
      if let value { entries.append(YAMLEntry(key: .scalar(key), value: .scalar(value))) }
    }
    try writeAtomically(YAMLDocument(root: .mapping(entries)).text(), to: path, mode: 0o600)
  }

  /// Writes through a temporary file created with `mode` (less what the umask takes away), then
  /// renames it into place.
  static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t)
    throws(OrchestrationError)
  {
    let temporary = path + ".tmp-\(UUID().uuidString)"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
    guard fd >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
    let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    close(fd)
    guard written == bytes.count, rename(temporary, path) == 0 else {
      unlink(temporary)
      throw .io(path: path, reason: String(cString: strerror(errno)))
    }
  }

  // MARK: Names

  /// porchctl's default name: the URL's last segment without a trailing `/` or `.git`.
  public static func defaultName(for url: String) -> String {
    var trimmed = url
    while trimmed.hasSuffix("/") { trimmed.removeLast() }
    if trimmed.hasSuffix(".git") { trimmed.removeLast(4) }
    let last =
      trimmed.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? trimmed
    return last
  }

  /// Local paths become absolute, so the registration works from any directory.
  static func normalise(_ url: String) -> String {
    if url.contains("://") { return url }
    // scp-like `user@host:path` (a colon before any slash).
    if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") { return url }
    return URL(fileURLWithPath: url).standardizedFileURL.path
  }

  /// A Kubernetes DNS-1123 label: what Porch accepts as a repository name.
  public static func validate(name: String) throws(OrchestrationError) {
    if let reason = dnsLabelProblem(name) { throw .invalidName(name, reason: reason) }
  }

  /// A workspace (Porch's rule for workspace names, which name branches and revisions).
  public static func validate(workspace: String) throws(OrchestrationError) {
    if let reason = dnsLabelProblem(workspace) {
      throw .invalidLabel(what: "workspace", value: workspace, reason: reason)
    }
  }

  /// A namespace: a DNS label, as Kubernetes requires.
  public static func validate(namespace: String) throws(OrchestrationError) {
    if let reason = dnsLabelProblem(namespace) {
      throw .invalidLabel(what: "namespace", value: namespace, reason: reason)
    }
  }

  /// Porch's branch rule: DNS-1123 labels joined by `/`.
  public static func validate(branch: String) throws(OrchestrationError) {
    guard !branch.isEmpty else { throw .invalidBranch(branch, reason: "it is empty") }
    for segment in branch.split(separator: "/", omittingEmptySubsequences: false) {
      if let reason = dnsLabelProblem(String(segment)) {
        throw .invalidBranch(
          branch, reason: "\(reason) (each /-separated part must be a lowercase DNS label)")
      }
    }
  }

  static func dnsLabelProblem(_ text: String) -> String? {
    if text.isEmpty { return "it is empty" }
    if text.utf8.count > 63 { return "it is longer than 63 characters" }
    let allowed = text.utf8.allSatisfy {
      ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45
    }
    if !allowed { return "only lowercase letters, digits and '-' are allowed" }
    if text.hasPrefix("-") || text.hasSuffix("-") {
      return "it must start and end with a letter or digit"
    }
    return nil
  }
}
