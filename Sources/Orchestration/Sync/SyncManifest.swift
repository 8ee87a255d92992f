import KRM

/// The Config Sync objects that deploy one published revision (sync.md §5.4): a RootSync, or a
/// RepoSync and the RoleBinding its reconciler needs, shaped to pass the CRDs' schemas and the
/// reconciler-manager's naming rules.
public struct SyncManifest: Sendable, Equatable {
  public let request: SyncRequest
  public let source: DeployableRevision

  public static let apiVersion = "configsync.gke.io/v1beta1"
  public static let managedByLabel = "app.kubernetes.io/managed-by"
  public static let managedBy = "stoop"

  /// stoop's bookkeeping annotations on the sync object (§5.10).
  public enum Annotation {
    public static let package = "stoop.dev/package"
    public static let revision = "stoop.dev/revision"
    public static let commit = "stoop.dev/commit"
    public static let repository = "stoop.dev/repository"
    public static let deletionPolicy = "configsync.gke.io/deletion-propagation-policy"
  }

  /// Checks the request's names; throws every problem at once (exit 5), before anything is
  /// written anywhere.
  public init(request: SyncRequest, source: DeployableRevision) throws(OrchestrationError) {
    let problems = SyncNaming.problems(of: request, manifests: true)
    guard problems.isEmpty else { throw .validationFailed(problems.joined(separator: "; ")) }
    self.request = request
    self.source = source
  }

  public var kind: SyncKind { request.kind }
  public var namespace: String { request.objectNamespace }

  /// Where a sync repository keeps it: `<name>.<kind>.yaml`.
  public var fileName: String { Self.fileName(name: request.name, kind: kind) }

  public static func fileName(name: String, kind: SyncKind) -> String {
    "\(name).\(kind.rawValue).yaml"
  }

  /// The sync object, then (for a RepoSync) its RoleBinding.
  public var objects: [YAMLNode] { [syncObject] + (roleBinding.map { [$0] } ?? []) }

  public func yaml() -> [UInt8] { SyncYAML.documents(objects) }
  public func json() -> [UInt8] { SyncYAML.json(objects) }

  public var syncObject: YAMLNode {
    var annotations = [
      (Annotation.package, source.revision.path), (Annotation.revision, source.revisionLabel),
      (Annotation.commit, source.commit.hex), (Annotation.repository, source.revision.repository),
    ]
    if let policy = request.deletePolicy {
      annotations.append((Annotation.deletionPolicy, policy.annotation))
    }
    var git: [(String, YAMLNode?)] = [
      ("repo", .scalar(source.url)), ("branch", .scalar(source.branch)),
      ("revision", .scalar(request.pin == .commit ? source.commit.hex : source.tag)),
      ("dir", .scalar(source.directory)), ("auth", .scalar(request.auth.rawValue)),
    ]
    if let secret = request.secretRef {
      git.append(("secretRef", SyncYAML.strings([("name", secret)])))
    }
    return SyncYAML.mapping([
      ("apiVersion", .scalar(Self.apiVersion)), ("kind", .scalar(kind.kind)),
      (
        "metadata",
        SyncYAML.mapping([
          ("name", .scalar(request.name)), ("namespace", .scalar(namespace)),
          ("labels", SyncYAML.strings([(Self.managedByLabel, Self.managedBy)])),
          ("annotations", SyncYAML.strings(annotations)),
        ])
      ),
      (
        "spec",
        SyncYAML.mapping([
          ("sourceFormat", .scalar("unstructured")), ("sourceType", .scalar("git")),
          ("git", SyncYAML.mapping(git)),
        ])
      ),
    ])
  }

  /// A RepoSync's reconciler only gets a minimal role: this binds the ClusterRole the user chose
  /// to its ServiceAccount, in the namespace it manages (sync.md §2.1).
  public var roleBinding: YAMLNode? {
    guard kind == .reposync else { return nil }
    let account = SyncNaming.reconcilerName(kind: kind, name: request.name, namespace: namespace)
    return SyncYAML.mapping([
      ("apiVersion", .scalar("rbac.authorization.k8s.io/v1")), ("kind", .scalar("RoleBinding")),
      (
        "metadata",
        SyncYAML.mapping([
          ("name", .scalar("reposync-" + request.name)), ("namespace", .scalar(namespace)),
          ("labels", SyncYAML.strings([(Self.managedByLabel, Self.managedBy)])),
        ])
      ),
      (
        "subjects",
        .sequence([
          SyncYAML.strings([
            ("kind", "ServiceAccount"), ("name", account), ("namespace", SyncNaming.rootNamespace),
          ])
        ])
      ),
      (
        "roleRef",
        SyncYAML.strings([
          ("apiGroup", "rbac.authorization.k8s.io"), ("kind", "ClusterRole"),
          ("name", request.clusterRole),
        ])
      ),
    ])
  }
}
