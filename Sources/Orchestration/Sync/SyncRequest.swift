/// Which Config Sync object deploys a package: a RootSync (cluster-wide, in
/// `config-management-system`) or a RepoSync (one namespace's objects).
public enum SyncKind: String, Sendable, CaseIterable {
  case rootsync, reposync

  /// The object's kind.
  public var kind: String { self == .rootsync ? "RootSync" : "RepoSync" }

  /// The fully qualified resource kubectl takes, which is also the name of its
  /// CustomResourceDefinition.
  public var resource: String {
    self == .rootsync ? "rootsyncs.configsync.gke.io" : "reposyncs.configsync.gke.io"
  }

  /// The kind that a `kind` field names, if it is one of the two.
  public init?(kind: String) {
    guard let found = Self.allCases.first(where: { $0.kind == kind }) else { return nil }
    self = found
  }
}

/// What `spec.git.revision` holds: the publish tag (readable; default) or the full SHA the tag
/// pointed at (immutable, whatever later happens to the tag).
public enum SyncPin: String, Sendable, CaseIterable {
  case tag, commit
}

/// Config Sync's `spec.git.auth`, with the CRD's case-sensitive values.
public enum GitAuth: String, Sendable, CaseIterable {
  case none, ssh, cookiefile, gcenode, gcpserviceaccount, token, githubapp

  /// Whether Config Sync reads its credentials from `spec.git.secretRef`.
  public var needsSecret: Bool { [.ssh, .cookiefile, .token, .githubapp].contains(self) }
}

/// `configsync.gke.io/deletion-propagation-policy`: whether deleting the sync deletes what it
/// applied (Foreground) or leaves it (Orphan).
public enum DeletionPolicy: String, Sendable, CaseIterable {
  case foreground, orphan

  /// The annotation's value.
  public var annotation: String { self == .foreground ? "Foreground" : "Orphan" }
}

/// What `sync create` deploys, and the Config Sync settings of the objects it writes.
public struct SyncRequest: Sendable, Equatable {
  /// The sync's name (the RootSync or RepoSync, or the directory deployment).
  public var name: String
  /// `PKG`, `PKG@vN`, `PKG@N`, a full tag `DIR/PKG/vN`, or a package revision name.
  public var package: String
  /// The registration that holds the package; optional when `package` is a revision name.
  public var repository: String?
  /// The namespace of the registrations (`-n`), not where the sync lives.
  public var namespace = "default"
  public var kind = SyncKind.rootsync
  /// Where a RepoSync lives and what it manages.
  public var syncNamespace: String?
  public var pin = SyncPin.tag
  public var auth = GitAuth.none
  public var secretRef: String?
  /// No annotation when nil (§5.10: a sync written to git carries no policy unless asked).
  public var deletePolicy: DeletionPolicy?
  /// The ClusterRole a RepoSync's reconciler is bound to in its namespace.
  public var clusterRole = "edit"

  public init(name: String, package: String) {
    self.name = name
    self.package = package
  }

  /// The namespace the sync object lives in.
  public var objectNamespace: String {
    kind == .rootsync ? SyncNaming.rootNamespace : syncNamespace ?? ""
  }
}
