import Foundation
import KRM

/// `sync create`, `get` and `del`: published package revisions deployed to one target each
/// (sync.md §5). Every check (names, the target, the revision) runs before anything is written.
public struct SyncDeployer: Sendable {
  public let lifecycle: PackageLifecycle
  /// Warnings for people (stderr).
  public var warn: @Sendable (String) -> Void
  /// Progress for people (stderr): what a sync is doing while `--wait` waits for it.
  public var progress: @Sendable (String) -> Void
  /// Where a process's environment says a kube context is (for the default target).
  public var environment: [String: String]

  public var registry: Registry { lifecycle.registry }
  var memory: SyncMemory { SyncMemory(home: registry.home) }

  public init(
    registry: Registry, warn: @escaping @Sendable (String) -> Void = { _ in },
    progress: @escaping @Sendable (String) -> Void = { _ in },
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    lifecycle = PackageLifecycle(registry: registry)
    self.warn = warn
    self.progress = progress
    self.environment = environment
  }

  // MARK: create

  /// Deploys the revision a request names to `target`, or moves the deployment there to it (a
  /// rollout or rollback). Returns what goes to stdout: the manifests for a file target on
  /// stdout, else one line saying what was done. `wait` (a cluster only) is how long to wait
  /// for Config Sync to sync the revision.
  public func create(_ request: SyncRequest, to target: SyncTarget, wait: TimeInterval? = nil)
    throws(OrchestrationError) -> [UInt8]
  {
    let problems = SyncNaming.problems(of: request, manifests: !Self.isDirectory(target))
    guard problems.isEmpty else { throw .validationFailed(problems.joined(separator: "; ")) }
    if wait != nil, !Self.isCluster(target) {
      throw .usage("--wait waits for Config Sync on a cluster; \(Self.describe(target)) has none")
    }
    switch target {
    case .cluster(let cluster):
      let said = try apply(request, to: cluster, wait: wait)
      return Array((said + "\n").utf8)
    case .directory(let directory):
      let source = try resolve(
        request.package, repository: request.repository, namespace: request.namespace)
      let said = try deploy(source, name: request.name, to: directory)
      remember(SyncMemory.Entry(name: request.name, target: target, kind: nil))
      return Array((said + "\n").utf8)
    case .file(let file):
      let manifest = try manifest(for: request)
      let bytes = file.format == .json ? manifest.json() : manifest.yaml()
      guard let path = file.path else { return bytes }
      try Registry.writeAtomically(bytes, to: path, mode: 0o644)
      return Array("\(manifest.kind.kind) \(request.name) written to \(path)\n".utf8)
    case .repository(let repository):
      let manifest = try manifest(for: request)
      let said = try commit(manifest, to: repository)
      remember(SyncMemory.Entry(name: request.name, target: target, kind: request.kind))
      return Array((said + "\n").utf8)
    }
  }

  /// The Config Sync objects of a request, its revision resolved.
  public func manifest(for request: SyncRequest) throws(OrchestrationError) -> SyncManifest {
    let source = try resolve(
      request.package, repository: request.repository, namespace: request.namespace)
    let manifest = try SyncManifest(request: request, source: source)
    let registration = try registry.get(
      source.revision.repository, namespace: source.revision.namespace)
    if request.auth == .none, registration.secretName != nil {
      warn(
        "\(registration.name) was registered with credentials, and a cluster will need them too: give --auth token --secret-ref SECRET (a Secret with the keys username and token)"
      )
    }
    return manifest
  }

  private static func isDirectory(_ target: SyncTarget) -> Bool {
    if case .directory = target { return true }
    return false
  }

  private static func isCluster(_ target: SyncTarget) -> Bool {
    if case .cluster = target { return true }
    return false
  }

  func remember(_ entry: SyncMemory.Entry) {
    do {
      try memory.remember(entry)
    } catch {
      warn("deployed, but not remembered for sync get: \(error)")
    }
  }

  // MARK: get

  /// The syncs `target` holds (every one stoop remembers when nil: a cluster only when stoop
  /// deployed to it, in the context it deployed to), `name`'s only when given. `namespace` is
  /// the registrations' (for the syncs on a cluster stoop remembers nothing of); `offline`
  /// compares with what the clones know, without fetching. `wait` waits that long for the syncs
  /// on a cluster to be synced at the commits stoop deployed, then reads them again.
  public func list(
    named name: String?, on target: SyncTarget?, namespace: String = "default",
    offline: Bool = false, wait: TimeInterval? = nil
  ) throws(OrchestrationError) -> [DeployedSync] {
    var freshness = FreshnessCheck(deployer: self, offline: offline)
    let rows = try rows(named: name, on: target, namespace: namespace, freshness: &freshness)
    guard let wait else { return rows }
    try waitForLiveRows(rows, name: name, timeout: wait)
    return try self.rows(named: name, on: target, namespace: namespace, freshness: &freshness)
  }

  private func rows(
    named name: String?, on target: SyncTarget?, namespace: String,
    freshness: inout FreshnessCheck
  ) throws(OrchestrationError) -> [DeployedSync] {
    var rows: [DeployedSync] = []
    if let target {
      rows = try syncs(on: target, namespace: namespace, freshness: &freshness)
    } else {
      var seen: [SyncTarget] = []
      let entries = memory.entries()
      for entry in entries where !seen.contains(entry.target) {
        seen.append(entry.target)
        let found: [DeployedSync]
        do {
          found = try syncs(on: entry.target, namespace: namespace, freshness: &freshness)
        } catch {
          // One unreadable target (unregistered, unreachable) does not hide the others.
          warn("cannot read \(Self.describe(entry.target)): \(error)")
          continue
        }
        rows += found
        for missing in entries where missing.target == entry.target {
          if !found.contains(where: {
            $0.name == missing.name && (missing.kind == nil || $0.kind == missing.kind?.kind)
              && (missing.namespace == nil || $0.namespace == missing.namespace)
          }) {
            rows.append(
              .missing(
                missing.name, kind: missing.kind?.kind ?? DeployedSync.directoryKind,
                namespace: missing.namespace, target: Self.describe(missing.target)))
          }
        }
      }
    }
    if let name {
      rows = rows.filter { $0.name == name }
      if rows.isEmpty {
        throw .notFound(
          "no sync \"\(name)\" \(target.map { "in " + Self.describe($0) } ?? "that stoop remembers"); see stoop sync get"
        )
      }
    }
    return rows.sorted { ($0.name, $0.kind, $0.target) < ($1.name, $1.kind, $1.target) }
  }

  private func syncs(on target: SyncTarget, namespace: String, freshness: inout FreshnessCheck)
    throws(OrchestrationError) -> [DeployedSync]
  {
    switch target {
    case .cluster(let cluster):
      return try clusterSyncs(on: cluster, registrations: namespace, freshness: &freshness)
    case .file:
      throw .usage("sync get reads a directory, a sync repository or a cluster, not a file")
    case .directory(let directory):
      return try directorySync(at: directory, freshness: &freshness).map { [$0] } ?? []
    case .repository(let repository):
      return try syncs(in: repository, freshness: &freshness)
    }
  }

  /// A remembered deployment's target, with the namespace of a sync on a cluster.
  static func describe(_ target: SyncTarget, _ entry: SyncMemory.Entry) -> String {
    guard case .cluster = target, let kind = entry.kind, let namespace = entry.namespace else {
      return describe(target)
    }
    return "\(describe(target)) (\(kind.kind) \(namespace)/\(entry.name))"
  }

  static func describe(_ target: SyncTarget) -> String {
    switch target {
    case .cluster(let cluster): return "the cluster" + (cluster.context.map { " " + $0 } ?? "")
    case .file(let file): return file.path ?? "standard output"
    case .directory(let directory): return directory.path
    case .repository(let repository): return repository.description
    }
  }

  // MARK: del

  /// Removes a sync from `target`, or from the one target stoop remembers it on when nil (or,
  /// when it remembers none, from the cluster of the current kube context). `options` are for a
  /// cluster.
  public func delete(
    _ name: String, kind: SyncKind? = nil, from target: SyncTarget?,
    options: SyncDeletion = SyncDeletion()
  ) throws(OrchestrationError) -> String {
    let entries = memory.entries().filter {
      $0.name == name && (kind == nil || $0.kind == nil || $0.kind == kind)
        && (options.syncNamespace == nil || $0.namespace == nil
          || $0.namespace == options.syncNamespace)
    }
    guard let target else {
      guard let entry = entries.first else {
        guard let context = SyncTargetFlags.configuredContext(environment: environment) else {
          throw .notFound(
            "stoop remembers no sync named \"\(name)\"; name its target: --to-dir DIR, --to-repository R --to-path DIR, or --context for a cluster"
          )
        }
        do throws(OrchestrationError) {
          return try delete(
            name, kind: kind, from: .cluster(.init(context: context)), remembered: nil,
            options: options)
        } catch {
          guard case .notFound(let message) = error else { throw error }
          throw .notFound("stoop remembers no sync named \"\(name)\", and \(message)")
        }
      }
      guard entries.count == 1 else {
        throw .usage(
          "\(name) is deployed to \(entries.map { Self.describe($0.target, $0) }.joined(separator: " and ")); name one with --to-dir, --to-repository/--to-path, or --context, --kind and --sync-namespace"
        )
      }
      return try delete(
        name, kind: kind ?? entry.kind, from: entry.target, remembered: entry, options: options)
    }
    var named = target
    if case .cluster(let cluster) = target { named = .cluster(try resolved(cluster)) }
    return try delete(
      name, kind: kind, from: named, remembered: entries.first { $0.target == named },
      options: options)
  }

  private func delete(
    _ name: String, kind: SyncKind?, from target: SyncTarget, remembered: SyncMemory.Entry?,
    options: SyncDeletion
  ) throws(OrchestrationError) -> String {
    if options.asksForACluster, !Self.isCluster(target) {
      throw .usage(
        "--keep-resources, --keep-auth-secret, --timeout and --sync-namespace are for a sync on a cluster, and \(name) is in \(Self.describe(target))"
      )
    }
    do throws(OrchestrationError) {
      let said: String
      var forgotten = SyncMemory.Entry(name: name, target: target)
      switch target {
      case .cluster(let cluster):
        let removed = try removeClusterSync(
          named: name, kind: kind, from: cluster, remembered: remembered, options: options)
        said = removed.said
        forgotten.kind = removed.reference.kind
        forgotten.namespace = removed.reference.namespace
      case .file: throw .usage("a file target needs no del: remove the file")
      case .directory(let directory):
        said = try removeDirectorySync(named: name, at: directory)
      case .repository(let repository):
        said = try removeManifest(named: name, kind: kind, from: repository)
      }
      memory.forget(forgotten)
      return said
    } catch {
      // A remembered deployment its target no longer holds is forgotten: what del was asked
      // for is done.
      guard case .notFound = error, let remembered else { throw error }
      memory.forget(remembered)
      return "\(name): \(Self.describe(target)) holds it no longer; forgotten"
    }
  }
}
