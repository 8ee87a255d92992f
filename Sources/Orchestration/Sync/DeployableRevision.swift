import Foundation
import Git
import KRM

/// A published package revision resolved for deployment (sync.md §5.2): the repository a cluster
/// fetches, the publish tag and the full commit it points at, and the package's directory.
public struct DeployableRevision: Sendable, Equatable {
  public var revision: PackageRevision
  /// The registration's URL with no password in it.
  public var url: String
  public var branch: String
  /// The publish tag, from the repository root (`<directory>/<path>/vN`).
  public var tag: String
  /// The commit the tag points at (peeled).
  public var commit: ObjectID
  /// Whether the Kptfile carries `config.kubernetes.io/local-config`, so Config Sync skips it.
  public var kptfileIsLocalConfig: Bool

  public init(
    revision: PackageRevision, url: String, branch: String, tag: String, commit: ObjectID,
    kptfileIsLocalConfig: Bool
  ) {
    self.revision = revision
    self.url = RemoteURL.splitPassword(url).url
    self.branch = branch
    self.tag = tag
    self.commit = commit
    self.kptfileIsLocalConfig = kptfileIsLocalConfig
  }

  /// `spec.git.dir`: the package's path from the repository root.
  public var directory: String { revision.fullPath }
  /// `repository/path`, the short form every stoop command takes.
  public var package: String { revision.repository + "/" + revision.path }
  /// The tag's last part (`v3`).
  public var revisionLabel: String { String(tag.split(separator: "/").last ?? Substring(tag)) }
}

extension SyncDeployer {
  /// The published revision `--package` names, fetched fresh: `PKG` (the latest), `PKG@vN`,
  /// `PKG@N`, the full tag or a package revision name, in `repository` (which may be left out
  /// for a revision name, or when the namespace has one registration).
  public func resolve(_ package: String, repository: String?, namespace: String)
    throws(OrchestrationError) -> DeployableRevision
  {
    let revision = try findRevision(package, repository: repository, namespace: namespace)
    try Self.requirePublished(revision)
    let registration = try registry.get(revision.repository, namespace: revision.namespace)
    let directory = registry.home.repository(
      namespace: revision.namespace, name: revision.repository)
    let commit: ObjectID
    do {
      let clone = try Repository.open(directory + "/clone.git")
      guard let tag = try clone.reference(revision.ref) else {
        throw OrchestrationError.notFound("the tag \(revision.shortRef) is gone; run it again")
      }
      commit = try clone.peelToCommit(tag)
    } catch let error as OrchestrationError {
      throw error
    } catch {
      throw .io(path: directory, reason: "\(error)")
    }
    let annotation = lifecycle.kptfile(of: revision)?.document.root.node(at: [
      "metadata", "annotations", "config.kubernetes.io/local-config",
    ])?.string
    let deployable = DeployableRevision(
      revision: revision, url: registration.url, branch: registration.branch,
      tag: revision.shortRef, commit: commit,
      kptfileIsLocalConfig: annotation != nil && annotation != "false")
    if !deployable.kptfileIsLocalConfig {
      warn(
        "the Kptfile of \(deployable.package)@\(deployable.revisionLabel) has no annotation config.kubernetes.io/local-config: \"true\", so Config Sync would apply it as an object; add it (stoop rpkg init writes it)"
      )
    }
    if revision.lifecycle == .deletionProposed {
      warn("\(revision.name) is proposed for deletion")
    }
    return deployable
  }

  /// Only a published revision has a tag a cluster can pin.
  static func requirePublished(_ revision: PackageRevision) throws(OrchestrationError) {
    let name = revision.name
    switch revision.lifecycle {
    case .draft:
      throw .invalidOperation(
        "\(name) is a Draft; only published revisions can be deployed: stoop rpkg propose \(name), then stoop rpkg approve \(name)"
      )
    case .proposed:
      throw .invalidOperation(
        "\(name) is Proposed; only published revisions can be deployed: stoop rpkg approve \(name)"
      )
    case .published, .deletionProposed:
      guard revision.ref.hasPrefix("refs/tags/") else {
        throw .invalidOperation(
          "\(name) is the package as it stands on the branch, not a published revision; deploy one of its revisions: \(revision.repository)/\(revision.path)@vN"
        )
      }
    }
  }

  private func findRevision(_ text: String, repository: String?, namespace: String)
    throws(OrchestrationError) -> PackageRevision
  {
    guard let repository else {
      do {
        return try lifecycle.resolve(text, namespace: namespace, fetch: true)
      } catch {
        guard case .packageRevisionNotFound = error else { throw error }
        let registrations = try registry.list(namespace: namespace)
        if registrations.count == 1 {
          return try findRevision(text, repository: registrations[0].name, namespace: namespace)
        }
        throw .notFound(
          "no package revision \"\(text)\" in namespace \(namespace); name its repository with --repository R, or give a revision name such as blueprints/nginx@v1"
        )
      }
    }
    let name = ResourceName.repositoryName(repository)
    let registration = try registry.get(name, namespace: namespace)
    _ = try registry.sync(name, namespace: namespace)
    let revisions = try listing(of: registration)
    let tag = "refs/tags/" + text
    if let found = revisions.first(where: { $0.ref == tag }) { return found }
    if let found = revisions.first(where: { $0.isNamed(name + "/" + text) }) { return found }
    if let found = revisions.first(where: { $0.isNamed(text) }) { return found }
    throw Self.notFound(text, in: registration, among: revisions)
  }

  /// Every revision of one registration, from its clone.
  func listing(of registration: Registration) throws(OrchestrationError) -> [PackageRevision] {
    let directory = registry.home.repository(
      namespace: registration.namespace, name: registration.name)
    do {
      let clone = try Repository.open(directory + "/clone.git")
      var discovery = Discovery(registration: registration, clone: clone)
      discovery.tagCachePath = directory + "/tags.cache"
      return try discovery.list()
    } catch let error as GitError {
      throw .git(error, url: registration.url)
    } catch {
      throw .io(path: directory, reason: "\(error)")
    }
  }

  /// Why nothing matched: an unknown package (exit 4), an unknown revision of a known one (4),
  /// or a package with nothing published yet (what to approve).
  static func notFound(
    _ text: String, in registration: Registration, among revisions: [PackageRevision]
  ) -> OrchestrationError {
    let path = String(text.prefix { $0 != "@" })
    let mine = revisions.filter { $0.path == path && !$0.isPlaceholder }
    let published = mine.filter { $0.ref.hasPrefix("refs/tags/") }.sorted {
      $0.revision < $1.revision
    }
    let repository = registration.name
    if mine.isEmpty {
      return .notFound(
        "no package \"\(path)\" in repository \(repository); see stoop rpkg get -r \(repository)")
    }
    if published.isEmpty {
      let pending = mine.map { "\($0.name) is \($0.lifecycle.rawValue)" }.joined(separator: ", ")
      let next =
        mine.first { $0.lifecycle == .proposed }.map { "stoop rpkg approve \($0.name)" }
        ?? mine.first.map { "stoop rpkg propose \($0.name), then stoop rpkg approve \($0.name)" }
        ?? ""
      return .invalidOperation(
        "\(repository)/\(path) has no published revision yet (\(pending)); only published revisions can be deployed: \(next)"
      )
    }
    let list = published.map { String($0.shortRef.split(separator: "/").last ?? "") }
    return .notFound(
      "\(repository)/\(path) has no published revision \"\(text.dropFirst(path.count + 1))\" (published: \(list.joined(separator: ", ")))"
    )
  }
}
