import Foundation
import KRM

extension Kubectl {
  /// What `delete` did besides deleting the sync.
  public struct DeletionReport: Sendable, Equatable {
    /// The deletion propagation policy the sync was deleted with: `Foreground` (what it
    /// deployed was deleted first) or `Orphan` (left in place).
    public var propagationPolicy: String
    /// Whether a ResourceGroup of the same name, left over by older Config Sync, was deleted.
    public var deletedResourceGroup: Bool = false
    /// The auth Secret deleted because stoop had created it.
    public var deletedSecret: String?
    /// The auth Secret left in place: asked to keep it, or not labelled as created by stoop.
    public var keptSecret: String?
    /// Objects of `alsoDelete` that were deleted.
    public var deletedObjects: [String] = []
    /// Best-effort steps that failed, one line each; the sync itself is gone.
    public var warnings: [String] = []
  }

  /// Another object to remove after the sync (such as the RoleBinding a RepoSync's reconciler
  /// needed), only when it carries stoop's managed-by label.
  public struct ObjectReference: Sendable, Hashable {
    /// A kubectl resource name, fully qualified (`rolebindings.rbac.authorization.k8s.io`).
    public var resource: String
    public var name: String
    public var namespace: String

    public init(resource: String, name: String, namespace: String) {
      self.resource = resource
      self.name = name
      self.namespace = namespace
    }
  }

  /// Deletes `sync` as `sync del` does: sets the deletion propagation annotation (`Foreground`,
  /// or `Orphan` with `keepResources`), with Foreground waits for Config Sync's reconciler to
  /// add its finalizer (deleting before would orphan what it deployed; without it nothing is
  /// deleted), runs `kubectl delete --wait --timeout`, and on timeout reports Config Sync's
  /// ReconcilerFinalizing and ReconcilerFinalizerFailure conditions. `timeout` covers it all. Then,
  /// best effort, deletes a leftover ResourceGroup of the same name, the auth Secret named by
  /// `spec.git.secretRef` unless `keepAuthSecret` (and only when labelled as stoop's), and the
  /// objects of `alsoDelete` labelled as stoop's. Returns nil when there is no such sync.
  public func delete(
    _ sync: SyncReference, keepResources: Bool = false, keepAuthSecret: Bool = false,
    alsoDelete: [ObjectReference] = [], timeout: TimeInterval = 120
  ) throws(OrchestrationError) -> DeletionReport? {
    guard let object = try get(sync) else { return nil }
    let policy = keepResources ? "Orphan" : "Foreground"
    var report = DeletionReport(propagationPolicy: policy)
    let annotations = object.node(at: ["metadata", "annotations"])
    if annotations?[Self.deletionPropagationAnnotation]?.string != policy {
      try check(
        [
          "annotate", "--overwrite", sync.kind.resource, sync.name, "-n", sync.namespace,
          "\(Self.deletionPropagationAnnotation)=\(policy)",
        ], what: "annotate")
    }
    let deadline = Date().addingTimeInterval(timeout)
    if !keepResources {
      try awaitReconcilerFinalizer(sync, object, until: deadline)
    }
    let seconds = Int(max(deadline.timeIntervalSinceNow, 1).rounded(.up))
    let deletion = try run(
      [
        "delete", sync.kind.resource, sync.name, "-n", sync.namespace, "--wait=true",
        "--timeout=\(seconds)s",
      ],
      timeout: TimeInterval(seconds) + callTimeout)
    if !deletion.succeeded {
      // Gone meanwhile (deleted by someone else, or the wait ended just as it went) is fine.
      if let remaining = try get(sync) {
        guard remaining.node(at: ["metadata", "deletionTimestamp"]) != nil else {
          throw failure(deletion, what: "delete")
        }
        throw .invalidOperation(Self.stillFinalizing(sync, remaining, after: timeout))
      }
    }

    // From here on the sync is gone: what fails is a warning, not an error.
    let group = try? run(
      [
        "delete", "resourcegroups.kpt.dev", sync.name, "-n", sync.namespace, "--ignore-not-found",
        "--wait=false",
      ])
    if let group, group.succeeded {
      report.deletedResourceGroup = !group.stdout.isEmpty
    } else if group.map({ !Self.isUnknownResource($0.stderr) }) ?? true {
      let line = group.map { Self.firstErrorLine($0.stderr) } ?? "kubectl did not run"
      report.warnings.append(
        "the ResourceGroup \(sync.namespace)/\(sync.name) was not deleted: \(line)")
    }

    if let secret = object.node(at: ["spec", "git", "secretRef", "name"])?.string,
      !secret.isEmpty
    {
      if keepAuthSecret {
        report.keptSecret = secret
      } else {
        let reference = ObjectReference(
          resource: "secrets", name: secret, namespace: sync.namespace)
        switch deleteIfStoops(reference, into: &report) {
        case .deleted: report.deletedSecret = secret
        case .notStoops: report.keptSecret = secret
        case .absent, .failed: break
        }
      }
    }
    for reference in alsoDelete
    where deleteIfStoops(reference, into: &report) == .deleted {
      report.deletedObjects.append("\(reference.resource) \(reference.namespace)/\(reference.name)")
    }
    return report
  }

  /// The finalizer Config Sync's reconciler puts on a sync annotated Foreground; until it is
  /// there, deleting the sync would leave what it deployed behind.
  public static let reconcilerFinalizer = "configsync.gke.io/reconciler"

  /// Waits (at most 30 seconds, and not past `deadline`) for the reconciler to add its
  /// finalizer after the Foreground annotation: deleting before that would orphan everything.
  private func awaitReconcilerFinalizer(
    _ sync: SyncReference, _ object: YAMLNode, until deadline: Date
  ) throws(OrchestrationError) {
    func hasFinalizer(_ object: YAMLNode) -> Bool {
      (object.node(at: ["metadata", "finalizers"])?.items ?? []).contains {
        $0.node.string == Self.reconcilerFinalizer
      }
    }
    if hasFinalizer(object) { return }
    let limit = min(deadline, Date().addingTimeInterval(30))
    var pause: TimeInterval = 0.1
    while Date() < limit {
      Thread.sleep(forTimeInterval: min(pause, max(limit.timeIntervalSinceNow, 0)))
      pause = min(pause * 2, 2)
      guard let current = try get(sync) else { return }
      if hasFinalizer(current) { return }
    }
    throw .invalidOperation(
      "\(sync) was not deleted: Config Sync's reconciler did not take over its deletion (no finalizer \(Self.reconcilerFinalizer) after the Foreground annotation; Config Sync is older than 1.15 or its reconciler is not running); pass --keep-resources to delete it and leave what it deployed"
    )
  }

  private enum CleanupOutcome { case deleted, notStoops, absent, failed }

  /// Deletes an object only when it carries stoop's label. The object is found by name and
  /// label selectors, so a Secret's data is never read.
  private func deleteIfStoops(_ reference: ObjectReference, into report: inout DeletionReport)
    -> CleanupOutcome
  {
    func names(_ selector: [String]) -> [String]? {
      guard
        let output = try? run(
          [
            "get", reference.resource, "-n", reference.namespace, "--field-selector",
            "metadata.name=\(reference.name)", "-o", "name",
          ] + selector),
        output.succeeded
      else {
        return nil
      }
      return String(decoding: output.stdout, as: UTF8.self).split(separator: "\n").map(
        String.init)
    }
    let label = "\(Self.managedByLabel.key)=\(Self.managedByLabel.value)"
    guard let all = names([]), let labelled = names(["-l", label]) else {
      report.warnings.append(
        "cannot check \(reference.resource) \(reference.namespace)/\(reference.name); it was left in place"
      )
      return .failed
    }
    if all.isEmpty { return .absent }
    if labelled.isEmpty { return .notStoops }
    let deletion = try? run(
      [
        "delete", reference.resource, reference.name, "-n", reference.namespace,
        "--ignore-not-found", "--wait=false",
      ])
    guard let deletion, deletion.succeeded else {
      let line = deletion.map { Self.firstErrorLine($0.stderr) } ?? "kubectl did not run"
      report.warnings.append(
        "\(reference.resource) \(reference.namespace)/\(reference.name) was not deleted: \(line)")
      return .failed
    }
    return .deleted
  }

  /// kubectl's words for a resource the cluster does not serve (no ResourceGroup CRD).
  static func isUnknownResource(_ stderr: [UInt8]) -> Bool {
    let text = String(decoding: stderr, as: UTF8.self)
    return text.contains("doesn't have a resource type")
      || text.contains("the server could not find the requested resource")
  }

  /// Why a sync is still there after `delete --wait` gave up.
  static func stillFinalizing(
    _ sync: SyncReference, _ object: YAMLNode, after timeout: TimeInterval
  )
    -> String
  {
    let conditions = object.node(at: ["status", "conditions"])?.items.map(\.node) ?? []
    var reasons: [String] = []
    for type in ["ReconcilerFinalizing", "ReconcilerFinalizerFailure"] {
      guard let condition = conditions.first(where: { $0["type"]?.string == type }),
        condition["status"]?.string == "True"
      else { continue }
      let message = SyncHealth.oneLine(condition["message"]?.string ?? "")
      let reason = condition["reason"]?.string.map { " (\($0))" } ?? ""
      reasons.append("\(type)\(reason)\(message.isEmpty ? "" : ": \(message)")")
    }
    let finalizers = (object.node(at: ["metadata", "finalizers"])?.items ?? []).compactMap {
      $0.node.string
    }
    if reasons.isEmpty, !finalizers.isEmpty {
      reasons.append("waiting for finalizers \(finalizers.joined(separator: ", "))")
    }
    let why = reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")
    return
      "\(sync) is still being deleted after \(seconds(timeout))\(why); Config Sync removes it when it has finished, or run del again with a longer --timeout"
  }
}
