import Foundation
import KRM

/// The cluster target (sync.md §5.4–5.6): RootSyncs and RepoSyncs applied, read and deleted
/// with kubectl, in the context the user named or configured and no other.
extension SyncDeployer {
  // MARK: Reaching the cluster

  /// `cluster` with its context named (the kubeconfig's current one when none was given) and
  /// its kubeconfig an absolute path, so a remembered deployment keeps pointing at the cluster
  /// it went to whatever the current context becomes. Nothing is contacted.
  func resolved(_ cluster: SyncTarget.Cluster) throws(OrchestrationError) -> SyncTarget.Cluster {
    var resolved = cluster
    resolved.kubeconfig = cluster.kubeconfig.map {
      URL(fileURLWithPath: $0).standardizedFileURL.path
    }
    let source = resolved.kubeconfig ?? environment["KUBECONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    let files = source ?? "~/.kube/config"
    guard
      let context = Kubectl.usableContext(
        kubeconfig: resolved.kubeconfig, context: cluster.context, environment: environment)
    else {
      if let context = cluster.context {
        throw .notFound(
          "no kube context \"\(context)\" in \(files); see kubectl config get-contexts")
      }
      throw .usage(
        "\(files) sets no current kube context that it defines; give --context, or another target: \(SyncTargetFlags.options)"
      )
    }
    resolved.context = context
    return resolved
  }

  /// kubectl for a resolved cluster; a missing kubectl is one line.
  func kubectl(for cluster: SyncTarget.Cluster) throws(OrchestrationError) -> Kubectl {
    try Kubectl(kubeconfig: cluster.kubeconfig, context: cluster.context, environment: environment)
  }

  // MARK: create

  /// Applies the request's RootSync (or RepoSync and RoleBinding) server-side as field manager
  /// stoop, after Config Sync's pre-flight and a server-side dry run of every object, so a
  /// refusal leaves nothing applied. With `wait`, waits until Config Sync has synced the
  /// resolved commit: at once when it already has, failing fast on Stalled or errors.
  func apply(_ request: SyncRequest, to given: SyncTarget.Cluster, wait: TimeInterval?)
    throws(OrchestrationError) -> String
  {
    let cluster = try resolved(given)
    let kubectl = try kubectl(for: cluster)
    let manifest = try manifest(for: request)
    let source = manifest.source
    let reference = Kubectl.SyncReference(
      kind: request.kind, name: request.name, namespace: manifest.namespace)
    try kubectl.preflight(kinds: [request.kind])
    let before = try kubectl.get(reference)
    try kubectl.apply(manifest.objects, dryRun: true)
    try kubectl.apply(manifest.objects)
    remember(
      SyncMemory.Entry(
        name: request.name, target: .cluster(cluster), kind: request.kind,
        namespace: manifest.namespace, registrations: source.revision.namespace))

    let place = Self.describe(.cluster(cluster))
    let what = "\(source.package)@\(source.revisionLabel) (\(source.tag) at \(source.commit.short))"
    let annotations = before?.node(at: ["metadata", "annotations"])
    let previous = annotations?[SyncManifest.Annotation.revision]?.string
    var said: String
    if before == nil {
      said = "\(reference) applied to \(place): \(what)"
    } else if let previous,
      previous != source.revisionLabel
        || annotations?[SyncManifest.Annotation.commit]?.string != source.commit.hex
    {
      said = "\(reference) moved from \(previous) to \(source.revisionLabel) on \(place): \(what)"
    } else {
      said = "\(reference) applied again to \(place): \(what)"
    }
    if let binding = manifest.roleBinding?.node(at: ["metadata", "name"])?.string {
      said += ", with the RoleBinding \(binding)"
    }
    guard let wait else { return said }
    do throws(OrchestrationError) {
      try waitUntilSynced(reference, commit: source.commit.hex, with: kubectl, timeout: wait)
    } catch {
      throw .invalidOperation("\(request.name) was applied to \(place), but \(error.description)")
    }
    return said + "; synced at \(source.commit.short)"
  }

  /// Waits for one sync, telling `progress` each new state on the way.
  func waitUntilSynced(
    _ reference: Kubectl.SyncReference, commit: String, with kubectl: Kubectl,
    timeout: TimeInterval
  ) throws(OrchestrationError) {
    var last = ""
    try kubectl.waitUntilSynced(reference, commit: commit, timeout: timeout) { health in
      let line = "\(reference.name): \(health.status.rawValue): \(health.message)"
      if line != last { progress(line) }
      last = line
    }
  }

  // MARK: get

  /// The rows of every sync on the cluster labelled as stoop's. `registrations` is the
  /// namespace of the packages' registrations unless stoop remembers another for a sync.
  func clusterSyncs(
    on given: SyncTarget.Cluster, registrations: String, freshness: inout FreshnessCheck
  ) throws(OrchestrationError) -> [DeployedSync] {
    let cluster = try resolved(given)
    let objects = try kubectl(for: cluster).listManaged()
    let remembered = memory.entries().filter { $0.target == .cluster(cluster) }
    var rows: [DeployedSync] = []
    for object in objects {
      let name = object.node(at: ["metadata", "name"])?.string ?? ""
      let namespace = object.node(at: ["metadata", "namespace"])?.string ?? ""
      let kind = SyncKind(kind: object["kind"]?.string ?? "") ?? .rootsync
      let entry = remembered.first {
        $0.name == name && $0.kind == kind && $0.namespace == namespace
      }
      rows.append(
        row(
          for: object,
          live: .init(
            cluster: cluster,
            reference: .init(kind: kind, name: name, namespace: namespace)),
          registrations: entry?.registrations ?? registrations, freshness: &freshness))
    }
    return rows
  }

  /// A row for a sync object as the cluster has it: STATUS is Config Sync's (SyncHealth),
  /// UP-TO-DATE whether the cluster has synced the commit stoop deployed; notes say why not,
  /// and what the source repository says now (a newer revision, a tag that moved).
  private func row(
    for object: YAMLNode, live: DeployedSync.Live, registrations: String,
    freshness: inout FreshnessCheck
  ) -> DeployedSync {
    func field(_ keys: String...) -> String? { object.node(at: keys)?.string }
    let annotation = { (key: String) in field("metadata", "annotations", key) }
    let repository = annotation(SyncManifest.Annotation.repository)
    let package = annotation(SyncManifest.Annotation.package)
    let label = annotation(SyncManifest.Annotation.revision)
    let recorded = annotation(SyncManifest.Annotation.commit)
    let health = SyncHealth(object: object)
    var notes: [String] = []
    if health.status != .synced {
      notes.append("\(health.status.rawValue): \(health.message)")
    }
    let upToDate: DeployedSync.UpToDate
    if let recorded {
      upToDate = health.isSyncedAt(recorded) ? .yes : .no
      if health.status == .synced, let synced = health.commit,
        synced.lowercased() != recorded.lowercased()
      {
        notes.append(
          "synced at \(SyncHealth.short(synced)), not at \(SyncHealth.short(recorded)) that stoop deployed"
        )
      }
    } else {
      upToDate = .unknown
      notes.append("not created by stoop sync create (no stoop.dev annotations)")
    }
    if let repository, let package, let label, let recorded,
      let directory = field("spec", "git", "dir")
    {
      notes +=
        freshness.check(
          repository: repository, namespace: registrations, package: package,
          tag: directory + "/" + label, commit: recorded
        ).notes
    }
    var shown = object
    shown.remove(at: ["metadata", "managedFields"])
    var row = DeployedSync(
      name: live.reference.name, kind: live.reference.kind.kind,
      namespace: live.reference.namespace,
      package: [repository, package].compactMap { $0 }.joined(separator: "/"),
      revision: label ?? field("spec", "git", "revision") ?? "",
      commit: health.lastSyncedCommit ?? health.syncCommit ?? "",
      status: health.status.rawValue, upToDate: upToDate,
      created: field("metadata", "creationTimestamp").flatMap(Registration.date),
      target: "cluster:" + (live.cluster.context ?? ""), object: shown, notes: notes)
    row.live = DeployedSync.Live(
      cluster: live.cluster, reference: live.reference, commit: recorded)
    return row
  }

  /// `sync get --wait`: waits for every listed sync on a cluster to be synced at the commit
  /// stoop deployed, one deadline for all; a sync without that record is not waited for.
  func waitForLiveRows(_ rows: [DeployedSync], name: String?, timeout: TimeInterval)
    throws(OrchestrationError)
  {
    let live = rows.compactMap(\.live)
    guard !live.isEmpty else {
      throw .usage(
        "--wait waits for syncs on a cluster, and \(name.map { "\($0) is not one" } ?? "none is listed")"
      )
    }
    let deadline = Date().addingTimeInterval(timeout)
    for sync in live {
      guard let commit = sync.commit else {
        warn("\(sync.reference) records no commit (stoop.dev/commit): not waited for")
        continue
      }
      try waitUntilSynced(
        sync.reference, commit: commit, with: try kubectl(for: sync.cluster),
        timeout: max(deadline.timeIntervalSinceNow, 0))
    }
  }

  // MARK: del

  /// Deletes a sync of stoop's from the cluster (`SyncDeletion` says how) and what stoop
  /// created with it; returns what was removed, one line each.
  func removeClusterSync(
    named name: String, kind: SyncKind?, from given: SyncTarget.Cluster,
    remembered: SyncMemory.Entry?, options: SyncDeletion
  ) throws(OrchestrationError) -> (said: String, reference: Kubectl.SyncReference) {
    let cluster = try resolved(given)
    let kubectl = try kubectl(for: cluster)
    let place = Self.describe(.cluster(cluster))
    let reference: Kubectl.SyncReference
    if let remembered, let known = remembered.kind, let namespace = remembered.namespace,
      kind == nil || kind == known,
      options.syncNamespace == nil || options.syncNamespace == namespace
    {
      reference = .init(kind: known, name: name, namespace: namespace)
    } else {
      reference = try find(
        name, kind: kind, namespace: options.syncNamespace, with: kubectl, on: cluster)
    }
    guard
      let report = try kubectl.delete(
        reference, keepResources: options.keepResources, keepAuthSecret: options.keepAuthSecret,
        alsoDelete: reference.kind == .reposync
          ? [
            .init(
              resource: "rolebindings.rbac.authorization.k8s.io", name: "reposync-" + name,
              namespace: reference.namespace)
          ] : [],
        timeout: options.timeout ?? 120)
    else {
      throw .notFound("\(place) has no \(reference) (any more)")
    }
    var lines = [
      report.propagationPolicy == "Orphan"
        ? "\(reference) deleted from \(place); what it deployed is left in place (Orphan)"
        : "\(reference) deleted from \(place), and what it deployed with it (Foreground)"
    ]
    if report.deletedResourceGroup {
      lines.append("ResourceGroup \(reference.namespace)/\(name) deleted")
    }
    if let secret = report.deletedSecret {
      lines.append("Secret \(reference.namespace)/\(secret) deleted")
    }
    if let secret = report.keptSecret {
      lines.append(
        "Secret \(reference.namespace)/\(secret) kept"
          + (options.keepAuthSecret ? "" : ": stoop did not create it"))
    }
    for object in report.deletedObjects {
      lines.append(Self.shortName(object) + " deleted")
    }
    for warning in report.warnings { warn(warning) }
    return (lines.joined(separator: "\n"), reference)
  }

  /// The one sync of stoop's named `name` on the cluster (of `kind`, in `namespace`, when given).
  private func find(
    _ name: String, kind: SyncKind?, namespace: String?, with kubectl: Kubectl,
    on cluster: SyncTarget.Cluster
  ) throws(OrchestrationError) -> Kubectl.SyncReference {
    let place = Self.describe(.cluster(cluster))
    let found = try kubectl.listManaged(
      kinds: kind.map { [$0] } ?? SyncKind.allCases, namespace: namespace
    ).compactMap { object -> Kubectl.SyncReference? in
      guard object.node(at: ["metadata", "name"])?.string == name,
        let kind = SyncKind(kind: object["kind"]?.string ?? ""),
        let namespace = object.node(at: ["metadata", "namespace"])?.string
      else { return nil }
      return .init(kind: kind, name: name, namespace: namespace)
    }
    guard let first = found.first else {
      throw .notFound(
        "\(place) has no sync of stoop's named \"\(name)\"\(kind.map { " of kind \($0.kind)" } ?? "")\(namespace.map { " in namespace \($0)" } ?? ""); see stoop sync get --context \(cluster.context ?? "")"
      )
    }
    guard found.count == 1 else {
      throw .usage(
        "\(place) has \(found.map(\.description).joined(separator: " and ")); name one with --kind and --sync-namespace"
      )
    }
    return first
  }

  /// `rolebindings.rbac.authorization.k8s.io ns/name` → `RoleBinding ns/name`.
  private static func shortName(_ object: String) -> String {
    object.hasPrefix("rolebindings.")
      ? "RoleBinding " + object.drop { $0 != " " }.dropFirst() : object
  }
}

/// How `sync del` removes a sync from a cluster (sync.md §5.6).
public struct SyncDeletion: Sendable, Equatable {
  /// Orphan: delete the sync, leave what it deployed (Foreground otherwise).
  public var keepResources = false
  /// Leave the auth Secret even when stoop created it.
  public var keepAuthSecret = false
  /// How long deleting may take, Config Sync's finalizing included (2 minutes when nil).
  public var timeout: TimeInterval?
  /// Which namespace's RepoSync, when two share the name.
  public var syncNamespace: String?

  public init() {}

  /// Whether anything only a cluster can honour was asked for.
  var asksForACluster: Bool {
    keepResources || keepAuthSecret || timeout != nil || syncNamespace != nil
  }
}
