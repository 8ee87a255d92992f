import CaD
import Foundation
import Git
import KRM

extension OrchestrationError {
  static func lifecycle(_ message: String) -> OrchestrationError { .invalidOperation(message) }
}

/// What a lifecycle step says: a line for stdout, or a notice for stderr when there was nothing
/// to do (porchctl's `X is already proposed`).
public struct TransitionOutcome: Sendable, Equatable {
  public var message: String
  public var isNotice: Bool

  public static func done(_ message: String) -> TransitionOutcome {
    TransitionOutcome(message: message, isNotice: false)
  }

  public static func notice(_ message: String) -> TransitionOutcome {
    TransitionOutcome(message: message, isNotice: true)
  }
}

/// Lifecycle operations on package revisions, written to git exactly as Porch writes them
/// (porch-git.md §2 and §4). Each takes the registration's lock, fetches, reads what it needs
/// from the clone, builds commits in memory and pushes every ref of the operation in one push
/// with its expected old value.
public struct PackageLifecycle: Sendable {
  public let registry: Registry
  /// Receives what rendering prints (`[RUNNING]`, `[PASS]`, results), as porchctl shows it.
  public var progress: @Sendable (String) -> Void
  /// Whether exec functions of a repository's guardrails may run (kpt's `--allow-exec`);
  /// without it a step that needs one is refused.
  public var allowExec = false

  public init(registry: Registry, progress: @escaping @Sendable (String) -> Void = { _ in }) {
    self.registry = registry
    self.progress = progress
  }

  static let porch = Signature(name: "Package Orchestration Service", email: "porch@kpt.dev")

  /// What the lifecycle needs of one registration while it holds the lock.
  struct Session {
    var registration: Registration
    var clone: Repository
    var credentials: Credentials
    var revisions: [PackageRevision]

    var branchRef: String { "refs/heads/" + registration.branch }
    var branchHead: ObjectID? { try? clone.reference("refs/remotes/origin/" + registration.branch) }

    /// The repository's guardrails at the branch head this session read; nil without a
    /// guardrails.yaml. A file that does not parse refuses every step that would run it.
    func guardrails() throws(OrchestrationError) -> Guardrails? {
      do {
        return try Guardrails.stored(at: branchHead, in: clone, registration: registration)
      } catch let error as OrchestrationError {
        throw error
      } catch {
        throw .io(path: clone.path, reason: "\(error)")
      }
    }

    func fullPath(_ path: String) -> String {
      registration.directory.isEmpty ? path : registration.directory + "/" + path
    }

    var author: Signature { PackageLifecycle.author(of: registration, in: clone) }
  }

  /// Who the commits stoop writes to a registration are by: the registration's author, else the
  /// clone's git identity, else Porch.
  static func author(of registration: Registration, in clone: Repository) -> Signature {
    if let chosen = registration.commitAuthor { return chosen }
    let configured = clone.configuredSignature()
    return Signature(
      name: configured?.name ?? porch.name, email: configured?.email ?? porch.email)
  }

  /// Runs `body` on a fresh view of a registration, under its lock: every revision, or those
  /// of one `package`, or (`branchOnly`) just the registered branch and no revisions.
  func withSession<T>(
    _ repository: String, namespace: String, package: String? = nil, branchOnly: Bool = false,
    _ body: (inout Session) throws -> T
  ) throws(OrchestrationError) -> T {
    let repository = ResourceName.repositoryName(repository)
    if package == nil && !branchOnly { _ = try registry.sync(repository, namespace: namespace) }
    // Only the refs of this package, of the packages above it, and the branch: the cost of a
    // step stays flat however many other packages the repository holds. A branch-only session
    // fetches the registered branch alone.
    let scope: ((Registration) -> [String])? =
      branchOnly
      ? { ["refs/heads/" + $0.branch] }
      : package.map { package in { Self.scope(of: package, in: $0) } }
    return try withLockedClone(repository, namespace: namespace, fetching: scope) {
      registration, clone, credentials in
      if !branchOnly, let package {
        try Self.finishTransitions(
          Recovery(
            registration: registration, clone: clone, credentials: credentials,
            fullPath: registration.directory.isEmpty
              ? package : registration.directory + "/" + package))
      }
      var discovery = Discovery(registration: registration, clone: clone)
      var session = Session(
        registration: registration, clone: clone, credentials: credentials,
        revisions: branchOnly ? [] : try discovery.list(only: package))
      return try body(&session)
    }
  }

  /// Runs `body` on a registration's clone under its lock, after fetching the remote refs
  /// `fetching` names (nothing when nil). Every write pushes from here with the values its refs
  /// must still hold, so a remote that moved meanwhile refuses the push: that is a conflict
  /// (exit 3) and nothing changed.
  func withLockedClone<T>(
    _ repository: String, namespace: String, fetching scope: ((Registration) -> [String])?,
    _ body: (Registration, Repository, Credentials) throws -> T
  ) throws(OrchestrationError) -> T {
    let registration = try registry.get(repository, namespace: namespace)
    let directory = registry.home.repository(namespace: namespace, name: repository)
    let lock = try RepositoryLock(
      directory: directory, name: repository, timeout: registry.lockTimeout)
    defer { lock.release() }
    do {
      let clone = try Repository.open(directory + "/clone.git")
      let credentials = registry.credentials(for: registration)
      if let scope {
        try clone.fetch(credentials: credentials, only: scope(registration))
      }
      return try body(registration, clone, credentials)
    } catch let error as OrchestrationError {
      throw error
    } catch let error as GitError {
      if case .rejected = error.kind {
        throw .conflict(error.message + "; the remote changed meanwhile: run the command again")
      }
      throw .git(error, url: registration.url)
    } catch {
      throw .io(path: directory, reason: "\(error)")
    }
  }

  /// What to do instead of changing a published revision: start a Draft from it.
  static func immutableHint(_ revision: PackageRevision) -> String {
    "published revisions are immutable; start a draft with stoop rpkg copy \(revision.name) --workspace W"
  }

  /// Rolls forward what a killed command left half done; a racing writer that changed one of
  /// the refs meanwhile wins, and the session reads what it wrote.
  static func finishTransitions(_ recovery: Recovery) throws {
    do {
      try recovery.finishTransitions()
    } catch let error as GitError {
      if case .rejected = error.kind { return }
      throw error
    }
  }

  /// The remote refs a session on one package reads: its own and those of every directory above
  /// it (which is where a package it would nest in lives).
  static func scope(of package: String, in registration: Registration) -> [String] {
    let fullPath = registration.directory.isEmpty ? package : registration.directory + "/" + package
    var prefixes = Discovery.refPrefixes(of: fullPath, branch: registration.branch)
    var ancestor = registration.directory
    for part in package.split(separator: "/").dropLast() {
      ancestor = ancestor.isEmpty ? String(part) : ancestor + "/" + part
      prefixes += Discovery.refPrefixes(of: ancestor, branch: registration.branch).dropFirst()
    }
    return prefixes
  }

  /// Finds the revision a user named, in a namespace's registrations.
  public func resolve(_ name: String, namespace: String, fetch: Bool = false)
    throws(OrchestrationError)
    -> PackageRevision
  {
    let name = ResourceName.packageRevisionName(name)
    // Most names say which repository and package they mean: list just that package.
    if let (repository, path) = Self.repositoryAndPath(of: name),
      (try? registry.get(repository, namespace: namespace)) != nil
    {
      let registration = try registry.get(repository, namespace: namespace)
      let directory = registry.home.repository(namespace: namespace, name: repository)
      if let clone = try? Repository.open(directory + "/clone.git") {
        if fetch {
          let lock = try RepositoryLock(
            directory: directory, name: repository, timeout: registry.lockTimeout)
          defer { lock.release() }
          do {
            try clone.fetch(
              credentials: registry.credentials(for: registration),
              only: Self.scope(of: path, in: registration))
          } catch {
            throw .git(error, url: registration.url)
          }
        }
        var discovery = Discovery(registration: registration, clone: clone)
        discovery.placeholderPublishers = true
        if let found = try? discovery.list(only: path).first(where: { $0.isNamed(name) }) {
          return found
        }
      }
    }
    let revisions = try registry.packageRevisions(namespace: namespace, offline: !fetch)
    guard let found = revisions.first(where: { $0.isNamed(name) }) else {
      throw .packageRevisionNotFound(
        name: name, namespace: namespace,
        nearest: Spelling.nearest(to: name, in: revisions.map(\.name)))
    }
    return found
  }

  /// The repository and package path a revision name points at: `repo/path[@vN|:ws]`, or Porch's
  /// `repo.dotted.path.workspace` (§5.1; dotted workspaces such as `v2.0.0` are recognised).
  static func repositoryAndPath(of name: String) -> (String, String)? {
    if let slash = name.firstIndex(of: "/") {
      var path = String(name[name.index(after: slash)...])
      if let cut = path.firstIndex(where: { $0 == "@" || $0 == ":" }) {
        path = String(path[..<cut])
      }
      return (String(name[..<slash]), path)
    }
    var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard parts.count >= 3 else { return nil }
    // A trailing `.vN.N...` is one workspace.
    if let index = parts.lastIndex(where: { $0.hasPrefix("v") && Int($0.dropFirst()) != nil }),
      index >= 2,
      parts[(index + 1)...].allSatisfy({ Int($0) != nil })
    {
      parts.removeSubrange(index...)
    } else {
      parts.removeLast()
    }
    guard parts.count >= 2 else { return nil }
    return (parts[0], parts.dropFirst().joined(separator: "/"))
  }

  /// The revision as it is now (after the fetch); an approval changes its number but not its name.
  func current(_ revision: PackageRevision, in session: Session) throws(OrchestrationError)
    -> PackageRevision
  {
    if let same = session.revisions.first(where: {
      $0.name == revision.name && $0.revision == revision.revision
    }) {
      return same
    }
    guard revision.revision == 0,
      let published = session.revisions.first(where: {
        $0.name == revision.name && $0.revision >= 1
      })
    else { throw .packageRevisionNotFound(name: revision.name, namespace: revision.namespace) }
    return published
  }

  // MARK: Commit messages

  /// `kpt:{...}` with Porch's key order.
  static func annotation(package: String, workspace: String, revision: String, task: String?)
    -> String
  {
    var fields = [
      "\"package\":" + GoJSON.quote(package), "\"workspaceName\":" + GoJSON.quote(workspace),
    ]
    fields.append("\"revision\":" + GoJSON.quote(revision))
    if let task { fields.append("\"task\":" + task) }
    return "kpt:{" + fields.joined(separator: ",") + "}"
  }

  static func initTask(description: String?, keywords: [String], site: String?) -> String {
    var body: [String] = []
    if let description { body.append("\"description\":" + GoJSON.quote(description)) }
    if !keywords.isEmpty {
      body.append("\"keywords\":[" + keywords.map(GoJSON.quote).joined(separator: ",") + "]")
    }
    if let site { body.append("\"site\":" + GoJSON.quote(site)) }
    return "{\"type\":\"init\",\"init\":{" + body.joined(separator: ",") + "}}"
  }

  // MARK: init

  /// Creates a Draft of a new package (`rpkg init`), as kpt's initializer lays it out.
  @discardableResult
  public func initialize(
    package path: String, repository: String, workspace: String, namespace: String = "default",
    description: String = "sample description", keywords: [String] = [], site: String? = nil
  ) throws(OrchestrationError) -> PackageRevision {
    let repository = ResourceName.repositoryName(repository)
    try Self.validate(packagePath: path)
    try Registry.validate(workspace: workspace)
    return try withSession(repository, namespace: namespace, package: path) { session in
      try Self.refuseClash(
        path, in: session,
        exists: Self.existsHint(path, repository: repository, revisions: session.revisions))
      let files = Self.initialFiles(
        name: path, description: description, keywords: keywords, site: site)
      let packageTree = try renderedTree(
        files: files.mapValues { PackageFileContent(bytes: $0) }, package: path, in: session,
        refusal: "cannot init \(path): rendering failed")
      return try Self.createDraft(
        path: path, workspace: workspace, packageTree: packageTree,
        subject: "Creating new empty revision",
        task: Self.initTask(description: description, keywords: keywords, site: site), in: session)
    }
  }

  /// Why `rpkg init` of an existing package is refused, and what to run instead: a copy of its
  /// latest revision, or, when every revision was deleted and only its directory on the branch
  /// is left, the two commands that remove that.
  static func existsHint(_ path: String, repository: String, revisions: [PackageRevision])
    -> String
  {
    let existing = revisions.filter { $0.path == path }
    if let placeholder = existing.first(where: \.isPlaceholder),
      existing.allSatisfy(\.isPlaceholder)
    {
      return "package \"\(path)\" has no revision left in repository \"\(repository)\", only its "
        + Self.orphanHint(placeholder)
    }
    let latest = existing.filter { $0.revision > 0 }.max { $0.revision < $1.revision }
    return
      "package \"\(path)\" already exists in repository \"\(repository)\"; start a new revision with "
      + "stoop rpkg copy \(latest?.name ?? repository + "/" + path) --workspace W"
  }

  /// The way out for a package whose every revision was deleted: its directory is still on the
  /// registered branch, where only the branch's placeholder revision reaches it.
  static func orphanHint(_ placeholder: PackageRevision) -> String {
    "directory on branch \(placeholder.workspace) (every revision was deleted); remove it with "
      + "stoop rpkg propose-delete \(placeholder.name) && stoop rpkg del \(placeholder.name), "
      + "then stoop rpkg init \(placeholder.path) starts the package again"
  }

  /// Throws `exists` when the package is there already, and Porch's nesting error when one is
  /// above or below it.
  static func refuseClash(_ path: String, in session: Session, exists: String) throws {
    guard let clash = try clash(with: path, in: session) else { return }
    throw OrchestrationError.lifecycle(
      clash == path
        ? exists
        : "package \"\(path)\" would nest with \"\(clash)\" in repository \"\(session.registration.name)\"; packages cannot be nested"
    )
  }

  /// An existing package at `path`, above it or below it (on the branch or on any draft, proposed
  /// or tag ref), found from ref names and a few tree lookups rather than a full listing.
  static func clash(with path: String, in session: Session) throws -> String? {
    if let same = session.revisions.first(where: { $0.path == path }) { return same.path }
    let fullPath = session.fullPath(path)
    let prefix = session.registration.directory.isEmpty ? "" : session.registration.directory + "/"
    var names: [String] = []
    for prefix in scope(of: path, in: session.registration) where prefix.hasSuffix("/") {
      let local = trackingName(prefix)
      names += try session.clone.references(under: local).keys
    }
    for name in names {
      var rest: Substring
      if name.hasPrefix("refs/remotes/origin/drafts/") {
        rest = name.dropFirst("refs/remotes/origin/drafts/".count)
      } else if name.hasPrefix("refs/remotes/origin/proposed/") {
        rest = name.dropFirst("refs/remotes/origin/proposed/".count)
      } else if name.hasPrefix("refs/tags/") {
        rest = name.dropFirst("refs/tags/".count)
      } else {
        continue
      }
      guard let slash = rest.lastIndex(of: "/") else { continue }
      let other = String(rest[..<slash])
      if other.hasPrefix(fullPath + "/") || fullPath.hasPrefix(other + "/") {
        return other.hasPrefix(prefix) ? String(other.dropFirst(prefix.count)) : other
      }
    }
    guard let head = session.branchHead else { return nil }
    let tree = try session.clone.commit(head).tree
    var ancestor = ""
    for part in path.split(separator: "/").dropLast() {
      ancestor = ancestor.isEmpty ? String(part) : ancestor + "/" + part
      if try session.clone.entry(at: session.fullPath(ancestor) + "/Kptfile", in: tree) != nil {
        return ancestor
      }
    }
    if let below = try session.clone.entry(at: fullPath, in: tree), below.mode == .tree,
      try !session.clone.files(in: below.id).keys.filter({ $0.hasSuffix("Kptfile") }).isEmpty
    {
      return path + "/…"
    }
    return nil
  }

  /// A new Draft: one commit on the registered branch's head with the package directory set to
  /// `packageTree`, pushed as `drafts/<path>/<workspace>` (which must not exist yet).
  static func createDraft(
    path: String, workspace: String, packageTree: ObjectID, subject: String, task: String,
    in session: Session
  ) throws -> PackageRevision {
    let clone = session.clone
    let fullPath = session.fullPath(path)
    let head = session.branchHead
    let base = try head.map { try clone.commit($0).tree }
    let tree = try clone.replacingSubtree(in: base, at: fullPath, with: packageTree)
    let message =
      subject + "\n\n\n"
      + annotation(package: fullPath, workspace: workspace, revision: "0", task: task) + "\n"
    let commit = try clone.writeCommit(
      tree: tree, parents: head.map { [$0] } ?? [], message: message, author: session.author,
      committer: porch)
    let ref = "refs/heads/drafts/\(fullPath)/\(workspace)"
    try clone.push(
      [RefUpdate(name: ref, target: commit, expected: .absent)], credentials: session.credentials)
    return PackageRevision(
      repository: session.registration.name, namespace: session.registration.namespace, path: path,
      fullPath: fullPath, workspace: workspace, revision: 0, lifecycle: .draft, commit: commit,
      ref: ref, task: task)
  }

  /// A scalar for the init files, quoted only when plain would change its meaning.
  static func plain(_ value: String) -> String {
    ScalarFormatter.format(value, style: .plain, indent: 2)
  }

  /// The files of `kpt pkg init`: Kptfile, package-context.yaml and a README.
  static func initialFiles(name: String, description: String, keywords: [String], site: String?)
    -> [String: [UInt8]]
  {
    var kptfile = """
      apiVersion: kpt.dev/v1
      kind: Kptfile
      metadata:
        name: \(Self.plain(name))
        annotations:
          config.kubernetes.io/local-config: "true"
      info:

      """
    if let site { kptfile += "  site: \(Self.plain(site))\n" }
    kptfile += "  description: \(Self.plain(description))\n"
    if !keywords.isEmpty {
      kptfile +=
        "  keywords:\n" + keywords.map { "  - \(Self.plain($0))\n" }.joined()
    }
    let context = UpstreamRewrite.packageContext(name: "example")
    let readme =
      "# \(name)\n\n## Description\n\n\(description)\n\n## Usage\n\nManaged with stoop (Porch's lifecycle on git).\n"
    return [
      "Kptfile": Array(kptfile.utf8), "package-context.yaml": Array(context.utf8),
      "README.md": Array(readme.utf8),
    ]
  }

  /// §5.3: a package path is DNS-1123 labels joined by `/`.
  static func validate(packagePath: String) throws(OrchestrationError) {
    guard !packagePath.isEmpty, !packagePath.contains("//") else {
      throw .lifecycle(
        "invalid package name \"\(packagePath)\"; use lowercase DNS labels joined by /")
    }
    for part in packagePath.split(separator: "/") {
      if let reason = Registry.dnsLabelProblem(String(part)) {
        throw .lifecycle("invalid package name \"\(packagePath)\": \(reason)")
      }
    }
  }

  // MARK: propose, reject, approve

  /// Draft → Proposed: a `Rendering package` commit on the draft, moved to `proposed/` in one
  /// push. The repository's guardrails run on the draft (mutators, then validators that must
  /// pass); the push requires the registered branch to be where the guardrails were read, so a
  /// guardrails change that lands meanwhile refuses the proposal (exit 3) rather than let it
  /// through unchecked. Any other move of the branch (another package published) is retried.
  public func propose(_ revision: PackageRevision) throws(OrchestrationError) -> TransitionOutcome {
    var attempt = 0
    while true {
      attempt += 1
      if let outcome = try proposeOnce(revision, mayRetry: attempt < 20) { return outcome }
      usleep(UInt32.random(in: 10_000...60_000) * UInt32(min(attempt, 5)))
    }
  }

  /// One attempt at `propose`; nil when the branch moved without touching the guardrails.
  private func proposeOnce(_ revision: PackageRevision, mayRetry: Bool) throws(OrchestrationError)
    -> TransitionOutcome?
  {
    try withSession(revision.repository, namespace: revision.namespace, package: revision.path) {
      session in
      let current = try current(revision, in: session)
      switch current.lifecycle {
      case .proposed: return .notice("\(current.name) is already proposed")
      case .draft: break
      default:
        throw OrchestrationError.lifecycle(
          "cannot propose \(current.lifecycle.rawValue) package; "
            + Self.immutableHint(current))
      }
      try Self.checkReadiness(current, in: session.clone)
      let clone = session.clone
      let branchHead = session.branchHead
      let head = try clone.commit(current.commit)
      guard let packageTree = try clone.entry(at: current.fullPath, in: head.tree) else {
        throw OrchestrationError.lifecycle("\(current.name) has no \(current.fullPath) directory")
      }
      let rendered = try renderedTree(
        packageTree.id, package: current.path, in: session,
        refusal: "cannot propose \(current.name): rendering failed; nothing was moved",
        gate: .require(step: "cannot propose \(current.name)", nothing: "nothing was moved"))
      let tree =
        rendered == packageTree.id
        ? head.tree
        : try clone.replacingSubtree(in: head.tree, at: current.fullPath, with: rendered)
      let message =
        "Rendering package\n\n\n"
        + Self.annotation(
          package: current.fullPath, workspace: current.workspace, revision: "0",
          task: "{\"type\":\"render\"}") + "\n"
      let commit = try clone.writeCommit(
        tree: tree, parents: [current.commit], message: message, author: session.author,
        committer: Self.porch)
      do {
        try clone.push(
          [
            .unchanged(session.branchRef, at: branchHead),
            RefUpdate(
              name: "refs/heads/proposed/\(current.fullPath)/\(current.workspace)", target: commit,
              expected: .absent),
            RefUpdate(name: current.ref, target: nil, expected: .value(current.commit)),
          ], credentials: session.credentials)
      } catch let error as GitError where error.kind == .rejected(ref: session.branchRef) {
        try clone.fetch(credentials: session.credentials, only: [session.branchRef])
        let now = session.branchHead
        let registration = session.registration
        if try Guardrails.fingerprint(at: now, in: clone, registration: registration)
          == Guardrails.fingerprint(at: branchHead, in: clone, registration: registration)
        {
          if mayRetry { return nil }
          throw error
        }
        throw OrchestrationError.conflict(
          "the guardrails of repository \"\(registration.name)\" changed on \(registration.branch) while \(current.name) was being proposed (\(branchHead?.short ?? "none") is now \(now?.short ?? "none")); nothing was moved: run the command again to check it against them"
        )
      }
      return .done("\(current.name) proposed")
    }
  }

  /// Proposed → Draft, or DeletionProposed → Published.
  public func reject(_ revision: PackageRevision) throws(OrchestrationError) -> String {
    try withSession(revision.repository, namespace: revision.namespace, package: revision.path) {
      session in
      let current = try current(revision, in: session)
      switch current.lifecycle {
      case .proposed:
        try session.clone.push(
          [
            RefUpdate(
              name: "refs/heads/drafts/\(current.fullPath)/\(current.workspace)",
              target: current.commit,
              expected: .absent),
            RefUpdate(name: current.ref, target: nil, expected: .value(current.commit)),
          ], credentials: session.credentials)
        return "\(current.name) no longer proposed for approval"
      case .deletionProposed:
        let marker = Self.deletionMarker(current)
        let at = try session.clone.reference(trackingName(marker))
        try session.clone.push(
          [RefUpdate(name: marker, target: nil, expected: at.map { .value($0) } ?? .fastForward)],
          credentials: session.credentials)
        return "\(current.name) no longer proposed for deletion"
      default:
        throw OrchestrationError.lifecycle(
          "cannot reject \(current.name) with lifecycle '\(current.lifecycle.rawValue)'; "
            + (current.lifecycle == .draft
              ? "a Draft is not proposed (stoop rpkg del \(current.name) deletes it)"
              : "only Proposed revisions and revisions proposed for deletion can be rejected"))
      }
    }
  }

  /// Proposed → Published: the two-parent approval commit on the registered branch and the tag
  /// `<path>/v<N>`, with N one past the highest published revision. The repository's guardrail
  /// validators (those of the branch head the push expects) must pass on the proposed tree.
  /// Losing a race for N (or for the branch) fetches again and recomputes, guardrails included;
  /// an existing tag is never moved.
  public func approve(_ revision: PackageRevision) throws(OrchestrationError) -> String {
    var attempt = 0
    while true {
      attempt += 1
      do {
        return try approveOnce(revision)
      } catch .conflict(let message) where attempt < 20 {
        // Another writer won the branch or the number: back off a little (with jitter so racing
        // processes spread out), fetch again and recompute.
        _ = message
        usleep(UInt32.random(in: 10_000...60_000) * UInt32(min(attempt, 5)))
      }
    }
  }

  private func approveOnce(_ revision: PackageRevision) throws(OrchestrationError) -> String {
    try withSession(revision.repository, namespace: revision.namespace, package: revision.path) {
      session in
      let current: PackageRevision
      do throws(OrchestrationError) {
        current = try self.current(revision, in: session)
      } catch {
        // Read while a racing approval was between deleting the proposed branch and creating
        // the tag: look again.
        guard case .packageRevisionNotFound = error, revision.lifecycle == .proposed else {
          throw error
        }
        throw OrchestrationError.conflict("\(revision.name) is being approved by another writer")
      }
      switch current.lifecycle {
      case .published, .deletionProposed: return "\(current.name) approved"
      case .proposed: break
      default:
        throw OrchestrationError.lifecycle(
          "cannot change approval from \(current.lifecycle.rawValue) to Published; "
            + "propose it first: stoop rpkg propose \(current.name)")
      }
      try Self.checkReadiness(current, in: session.clone)
      let clone = session.clone
      let head = session.branchHead
      let tagRef: String
      let approval: ObjectID
      if let done = try Self.findApproval(
        ofProposed: current.commit, fullPath: current.fullPath, workspace: current.workspace,
        from: head, in: clone)
      {
        // An earlier approve (ours or a racing one) already put it on the branch: finish the job.
        tagRef = "refs/tags/\(current.fullPath)/v\(done.number)"
        approval = done.commit
      } else {
        let taken = session.revisions.filter {
          $0.path == current.path
            && ($0.lifecycle == .published || $0.lifecycle == .deletionProposed)
        }
        // Approvals on the branch reserve their number before their tag exists: a racing
        // approve that won the branch first must not get the same number.
        let number = try Self.nextRevisionNumber(
          of: current.fullPath, published: taken, head: head, in: clone)
        let proposedTree = try clone.commit(current.commit).tree
        guard let packageTree = try clone.entry(at: current.fullPath, in: proposedTree) else {
          throw OrchestrationError.lifecycle("\(current.name) has no \(current.fullPath) directory")
        }
        // The guardrails at the head the branch push expects, on the very tree it publishes.
        try validate(
          packageTree.id, package: current.path, in: clone, guardrails: try session.guardrails(),
          repository: session.registration.name, step: "cannot approve \(current.name)",
          nothing: "nothing was published")
        let base = try head.map { try clone.commit($0).tree }
        let tree = try clone.replacingSubtree(in: base, at: current.fullPath, with: packageTree.id)
        let message =
          "Approving package revision \(current.fullPath)/\(number)\n\n"
          + Self.annotation(
            package: current.fullPath, workspace: current.workspace, revision: String(number),
            task: nil)
          + "\n"
        approval = try clone.writeCommit(
          tree: tree, parents: (head.map { [$0] } ?? []) + [current.commit], message: message,
          author: session.author,
          committer: Self.porch)
        tagRef = "refs/tags/\(current.fullPath)/v\(number)"
        // The branch first, alone: winning it is what reserves the number.
        try clone.push(
          [
            RefUpdate(
              name: session.branchRef, target: approval,
              expected: head.map { .value($0) } ?? .absent)
          ],
          credentials: session.credentials)
        FaultInjection.point("approve.branch-moved")
      }
      var rest = [RefUpdate(name: current.ref, target: nil, expected: .value(current.commit))]
      if try clone.reference(tagRef) != approval {
        rest.insert(RefUpdate(name: tagRef, target: approval, expected: .absent), at: 0)
      }
      try clone.push(rest, credentials: session.credentials)
      return "\(current.name) approved"
    }
  }

  /// One approval commit on the registered branch: the number it published and the proposed
  /// commit it approved (its second parent).
  struct Approval {
    var commit: ObjectID
    var number: Int
    var proposed: ObjectID
    var workspace: String
  }

  /// The approvals of a package on the registered branch's first-parent history, newest first,
  /// back to the newest commit that one of the package's tags points at (older approvals are
  /// tagged or superseded) and at most 200 commits back: an approval whose tag is missing is
  /// recent (a racing approve between its two pushes) or is finished by the next command on the
  /// package; one older than that and still untagged lost its number and is void.
  static func approvals(
    of fullPath: String, from head: ObjectID?, in clone: Repository
  ) throws -> [Approval] {
    let tagged = Set(
      try clone.references(under: "refs/tags/\(fullPath)/").values.compactMap {
        try? clone.peelToCommit($0)
      })
    var result: [Approval] = []
    var next = head
    var steps = 0
    while let id = next, steps < 200 {
      let commit = try clone.commit(id)
      if commit.parents.count == 2,
        let annotation = CommitAnnotation.parse(commit.message).first(where: {
          $0.package == fullPath && $0.task == nil
        }), let number = Int(annotation.revision), number >= 1
      {
        result.append(
          Approval(
            commit: id, number: number, proposed: commit.parents[1],
            workspace: annotation.workspaceName))
      }
      if tagged.contains(id) { break }
      next = commit.parents.first
      steps += 1
    }
    return result
  }

  /// The approval of this proposed commit on the branch whose number is still its own (no tag
  /// of that number points elsewhere: an approval that lost its number to a racing one is void).
  static func findApproval(
    ofProposed proposed: ObjectID, fullPath: String, workspace: String, from head: ObjectID?,
    in clone: Repository
  ) throws -> Approval? {
    for approval in try approvals(of: fullPath, from: head, in: clone)
    where approval.proposed == proposed && approval.workspace == workspace {
      let tag = try clone.reference("refs/tags/\(fullPath)/v\(approval.number)")
      if let tag, try clone.peelToCommit(tag) != approval.commit { continue }
      return approval
    }
    return nil
  }

  /// The number the next approval of a package gets, as Porch numbers: one past the highest
  /// published revision (the placeholder aside; a deleted revision's number can come back).
  /// An approval on the branch whose tag is not written yet reserves its number too: its
  /// proposal is still there (a racing approve between its two pushes, or one that was
  /// killed, which the next command finishes). Existing tag names are skipped.
  static func nextRevisionNumber(
    of fullPath: String, published: [PackageRevision], head: ObjectID?, in clone: Repository
  ) throws -> Int {
    let proposals = Set(
      try clone.references(under: "refs/remotes/origin/proposed/\(fullPath)/").values)
    var reserved = 0
    for approval in try approvals(of: fullPath, from: head, in: clone)
    where proposals.contains(approval.proposed) {
      reserved = max(reserved, approval.number)
    }
    let highest = published.map(\.revision).filter { $0 >= 1 }.max() ?? 0
    var number = max(highest, reserved) + 1
    while try clone.reference("refs/tags/\(fullPath)/v\(number)") != nil { number += 1 }
    return number
  }

  /// porchctl's gate: every readiness gate of the Kptfile needs a condition with status True.
  static func checkReadiness(_ revision: PackageRevision, in clone: Repository) throws {
    let tree = try clone.commit(revision.commit).tree
    guard let entry = try clone.entry(at: revision.fullPath + "/Kptfile", in: tree),
      let yaml = try? YAMLFile(parsing: try clone.blob(entry.id), name: "Kptfile"),
      let document = yaml.documents.first
    else { return }
    let kptfile = Kptfile(document: document)
    let met = Set(kptfile.conditions.filter { $0.status == "True" }.map(\.type))
    let missing = kptfile.readinessGates.filter { !met.contains($0) }
    if !missing.isEmpty {
      throw OrchestrationError.lifecycle(
        "readiness conditions not met (\(missing.joined(separator: ", ")) not True in the Kptfile's status.conditions)"
      )
    }
  }

  // MARK: propose-delete, delete

  static func deletionMarker(_ revision: PackageRevision) -> String {
    "refs/heads/deletionProposed/\(revision.fullPath)/"
      + (revision.revision >= 1 ? "v\(revision.revision)" : revision.workspace)
  }

  /// Published → DeletionProposed: a marker branch at the revision's commit.
  public func proposeDelete(_ revision: PackageRevision) throws(OrchestrationError)
    -> TransitionOutcome
  {
    try withSession(revision.repository, namespace: revision.namespace, package: revision.path) {
      session in
      let current = try current(revision, in: session)
      switch current.lifecycle {
      case .deletionProposed: return .notice("\(current.name) is already proposed for deletion")
      case .published: break
      default:
        throw OrchestrationError.lifecycle(
          "can only propose published packages for deletion; package \(current.name) is not published; "
            + "delete it directly: stoop rpkg del \(current.name)")
      }
      try session.clone.push(
        [RefUpdate(name: Self.deletionMarker(current), target: current.commit, expected: .absent)],
        credentials: session.credentials)
      return .done("\(current.name) proposed for deletion")
    }
  }

  /// Deletes a Draft, a Proposed, or a revision proposed for deletion.
  public func delete(_ revision: PackageRevision) throws(OrchestrationError) -> String {
    try withSession(revision.repository, namespace: revision.namespace, package: revision.path) {
      session in
      let current = try current(revision, in: session)
      let clone = session.clone
      var updates: [RefUpdate] = []
      switch current.lifecycle {
      case .draft, .proposed:
        updates.append(RefUpdate(name: current.ref, target: nil, expected: .value(current.commit)))
      case .published:
        throw OrchestrationError.lifecycle(
          "failed to delete package revision \"\(current.name)\": published PackageRevisions must be proposed for deletion by setting spec.lifecycle to 'DeletionProposed' prior to deletion; run stoop rpkg propose-delete \(current.name)"
        )
      case .deletionProposed:
        let marker = Self.deletionMarker(current)
        if current.ref.hasPrefix("refs/tags/") {
          let tagTarget = try clone.reference(current.ref)
          updates.append(
            RefUpdate(
              name: current.ref, target: nil, expected: tagTarget.map { .value($0) } ?? .fastForward
            ))
        } else if let head = session.branchHead {
          let base = try clone.commit(head).tree
          if try clone.entry(at: current.fullPath, in: base) != nil {
            let tree = try clone.replacingSubtree(in: base, at: current.fullPath, with: nil)
            let commit = try clone.writeCommit(
              tree: tree, parents: [head], message: "Delete \(current.fullPath)",
              author: session.author,
              committer: Self.porch)
            updates.append(
              RefUpdate(name: session.branchRef, target: commit, expected: .value(head)))
          }
        }
        let markerAt = try clone.reference(trackingName(marker))
        updates.append(
          RefUpdate(
            name: marker, target: nil, expected: markerAt.map { .value($0) } ?? .fastForward))
      }
      try clone.push(updates, credentials: session.credentials)
      return "\(current.name) deleted"
    }
  }
}
