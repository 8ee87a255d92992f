import CaD
import Foundation
import KRM

/// A downstream revision and the newer revisions of its upstream it could move to
/// (`rpkg upgrade --discover=upstream`, porch-git.md §7.4).
public struct UpstreamUpdate: Sendable {
  public var revision: PackageRevision
  /// The registered repository holding the upstream package; empty when none is registered.
  public var upstreamRepository: String
  /// Published upstream revisions newer than the one the lock names, oldest first.
  public var updates: [PackageRevision]
  /// What the lock names: `v2`, or `(draft "ws")` for an upstream that was a draft when cloned.
  public var current: String
}

/// One downstream revision that can move to one newer upstream revision
/// (`rpkg upgrade --discover=downstream`).
public struct DownstreamUpdate: Sendable {
  public var upstream: PackageRevision
  public var downstream: PackageRevision
  /// The upstream revision the downstream stands on: `v1`, or `(draft "ws")`.
  public var current: String
}

/// Where a Kptfile `upstreamLock` points among the registered repositories.
struct LockedUpstream {
  var registration: Registration
  /// The upstream package's path from its repository's root.
  var fullPath: String
  /// The revision the lock names: N for `…/vN`, 0 for a draft, -1 when the ref names neither.
  var revision: Int
  var draftWorkspace: String?

  var current: String {
    if let draftWorkspace { return "(draft \"\(draftWorkspace)\")" }
    return revision > 0 ? "v\(revision)" : "?"
  }

  /// Reads a lock as Porch does: the ref is `<package path>/<revision>` or
  /// `drafts/<package path>/<workspace>`, and the repository is the registration whose URL
  /// matches the lock's repo (a `.git` suffix aside). Nil when the lock names no registered
  /// repository or its ref has no package path.
  init?(_ lock: UpstreamLock, registrations: [Registration]) {
    guard let slash = lock.ref.lastIndex(of: "/") else { return nil }
    var path = String(lock.ref[..<slash])
    let last = String(lock.ref[lock.ref.index(after: slash)...])
    if path.hasPrefix("drafts/") {
      path = String(path.dropFirst("drafts/".count))
      revision = 0
      draftWorkspace = last
    } else {
      revision = Discovery.parseRevision(last)
      draftWorkspace = nil
    }
    let wanted = Self.comparable(lock.repo)
    guard let found = registrations.first(where: { Self.comparable($0.url) == wanted }) else {
      return nil
    }
    registration = found
    fullPath = path
  }

  static func comparable(_ url: String) -> String {
    let normalised = Registry.normalise(url)
    return normalised.hasSuffix(".git") ? String(normalised.dropLast(4)) : normalised
  }

  /// The published revisions of the locked package newer than the locked one, oldest first.
  func newer(among revisions: [PackageRevision]) -> [PackageRevision] {
    published(among: revisions).filter { $0.revision > revision }
  }

  /// Every published revision of the locked package, oldest first.
  func published(among revisions: [PackageRevision]) -> [PackageRevision] {
    revisions.filter {
      $0.repository == registration.name && $0.namespace == registration.namespace
        && $0.fullPath == fullPath && $0.revision > 0
        && ($0.lifecycle == .published || $0.lifecycle == .deletionProposed)
    }.sorted { $0.revision < $1.revision }
  }
}

extension PackageLifecycle {
  /// For each of `revisions`, the published upstream revisions newer than the one its Kptfile's
  /// upstreamLock names, looked up among `all`. A revision with no lock, or a lock naming no
  /// registered repository, has no updates.
  public func upstreamUpdates(
    of revisions: [PackageRevision], among all: [PackageRevision]
  ) throws(OrchestrationError) -> [UpstreamUpdate] {
    let registrations = try registry.list(namespace: nil)
    return revisions.map { revision in
      guard let lock = kptfile(of: revision)?.upstreamLock,
        let upstream = LockedUpstream(lock, registrations: registrations)
      else {
        return UpstreamUpdate(revision: revision, upstreamRepository: "", updates: [], current: "")
      }
      return UpstreamUpdate(
        revision: revision, upstreamRepository: upstream.registration.name,
        updates: upstream.newer(among: all), current: upstream.current)
    }
  }

  /// The inverse view: for every upstream revision, the downstream revisions among `all` that
  /// could move to it, ordered by upstream then downstream name. `upstreams`, when given,
  /// keeps only rows whose upstream is one of those revisions. Placeholders are listed too, as
  /// porchctl lists them (they repeat the latest revision).
  public func downstreamUpdates(
    among all: [PackageRevision], upstreams: [PackageRevision]? = nil
  ) throws(OrchestrationError) -> [DownstreamUpdate] {
    var rows: [DownstreamUpdate] = []
    for found in try upstreamUpdates(of: all, among: all) {
      for update in found.updates
      where upstreams?.contains(where: { $0.name == update.name }) ?? true {
        rows.append(
          DownstreamUpdate(upstream: update, downstream: found.revision, current: found.current))
      }
    }
    return rows.sorted {
      ($0.upstream.name, $0.downstream.name) < ($1.upstream.name, $1.downstream.name)
    }
  }
}

/// What a bulk upgrade did with one downstream package.
public struct BulkUpgradeResult: Sendable {
  public enum Status: Sendable {
    /// A new Draft; the conflicts were resolved by the policy.
    case created(UpgradeOutcome)
    /// The downstream already stands on the target upstream revision (or a newer one).
    case upToDate
    /// Nothing was written for this package.
    case failed(OrchestrationError)
  }
  /// The downstream revision that was (or would have been) upgraded: its latest published one.
  public var downstream: PackageRevision
  /// The upstream revision it stands on: `v1`, or `(draft "ws")`.
  public var current: String
  public var target: PackageRevision
  public var status: Status
}

extension PackageLifecycle {
  /// `rpkg upgrade --all --upstream BLUEPRINT`: one upgrade Draft per downstream package whose
  /// latest published revision was cloned from any revision of `blueprint`'s package and stands
  /// on an older one than the target (`revision`, or the newest published). `repositories`
  /// limits the downstream packages to those registrations (in `namespace`); empty means every
  /// registration. Each package is upgraded on its own: a failure is recorded and the others go
  /// on. `workspace` nil names each Draft `upgrade-v<N>`.
  public func upgradeAll(
    from blueprint: PackageRevision, to revision: Int?, repositories: [String],
    namespace: String, workspace: String?, strategy: String = "resource-merge",
    policy: ConflictPolicy = .upstream
  ) throws(OrchestrationError) -> [BulkUpgradeResult] {
    let repositories = repositories.map(ResourceName.repositoryName)
    for name in repositories { _ = try registry.get(name, namespace: namespace) }
    let all = try registry.packageRevisions(namespace: nil, offline: true)
    let target = try upgradeTarget(of: blueprint, revision: revision, among: all)
    if let workspace { try Registry.validate(workspace: workspace) }
    let registrations = try registry.list(namespace: nil)
    let downstreams = all.filter { candidate in
      candidate.latest && !candidate.isPlaceholder
        && (repositories.isEmpty
          || (candidate.namespace == namespace && repositories.contains(candidate.repository)))
    }
    var results: [BulkUpgradeResult] = []
    for downstream in downstreams {
      guard let lock = kptfile(of: downstream)?.upstreamLock,
        let upstream = LockedUpstream(lock, registrations: registrations),
        upstream.registration.name == blueprint.repository,
        upstream.registration.namespace == blueprint.namespace,
        upstream.fullPath == blueprint.fullPath
      else { continue }
      var result = BulkUpgradeResult(
        downstream: downstream, current: upstream.current, target: target, status: .upToDate)
      if upstream.revision < target.revision {
        do throws(OrchestrationError) {
          result.status = .created(
            try upgrade(
              downstream, to: target.revision,
              workspace: workspace ?? "upgrade-v\(target.revision)",
              strategy: strategy, policy: policy, among: all))
        } catch {
          result.status = .failed(error)
        }
      }
      results.append(result)
    }
    return results
  }

  /// The published revision of `upstream`'s package an upgrade moves to: number `revision`, or
  /// the newest.
  func upgradeTarget(
    of upstream: PackageRevision, revision: Int?, among all: [PackageRevision]
  ) throws(OrchestrationError) -> PackageRevision {
    let published = all.filter {
      $0.repository == upstream.repository && $0.namespace == upstream.namespace
        && $0.fullPath == upstream.fullPath && $0.revision > 0
        && ($0.lifecycle == .published || $0.lifecycle == .deletionProposed)
    }
    let package = upstream.repository + "/" + upstream.path
    if let revision {
      guard let found = published.first(where: { $0.revision == revision }) else {
        throw .lifecycle(
          "upstream \(package) has no published revision v\(revision); see stoop rpkg get \(package)"
        )
      }
      return found
    }
    guard let newest = published.max(by: { $0.revision < $1.revision }) else {
      throw .lifecycle("upstream \(package) has no published revision")
    }
    return newest
  }
}
