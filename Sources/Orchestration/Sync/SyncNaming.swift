/// Config Sync's rules for names and namespaces (sync.md §2.1), checked before anything is
/// written: the CRD does not check them, the reconciler-manager does, and only once the object is
/// on a cluster (as a `Stalled` condition).
public enum SyncNaming {
  public static let rootNamespace = "config-management-system"
  /// A RootSync's name goes into its inventory label.
  public static let rootSyncNameLimit = 38
  /// A RepoSync's name and namespace go into its reconciler's name.
  public static let repoSyncNameAndNamespaceLimit = 45

  /// The reconciler Deployment (and ServiceAccount) Config Sync runs for a sync.
  public static func reconcilerName(kind: SyncKind, name: String, namespace: String) -> String {
    switch kind {
    case .rootsync:
      return name == "root-sync" ? "root-reconciler" : "root-reconciler-\(name)"
    case .reposync:
      return name == "repo-sync"
        ? "ns-reconciler-\(namespace)" : "ns-reconciler-\(namespace)-\(name)-\(name.utf8.count)"
    }
  }

  /// Every problem with a request's names, each saying what to do; empty when it is fine.
  /// `manifests` adds the rules of the Config Sync objects (a directory deployment has none).
  public static func problems(of request: SyncRequest, manifests: Bool) -> [String] {
    var problems: [String] = []
    let name = request.name
    if let reason = Registry.dnsLabelProblem(name) {
      problems.append("sync name \"\(name)\": \(reason) (a lowercase DNS-1123 label)")
    }
    guard manifests else { return problems }
    switch request.kind {
    case .rootsync:
      if name.utf8.count > rootSyncNameLimit {
        problems.append(
          "the RootSync name \"\(name)\" has \(name.utf8.count) characters; Config Sync allows \(rootSyncNameLimit)"
        )
      }
      if let namespace = request.syncNamespace, namespace != rootNamespace {
        problems.append(
          "--sync-namespace is for --kind reposync; a RootSync always lives in \(rootNamespace)")
      }
    case .reposync:
      problems += repoSyncProblems(name: name, namespace: request.syncNamespace)
      if let reason = roleNameProblem(request.clusterRole) {
        problems.append("--cluster-role \"\(request.clusterRole)\": \(reason)")
      }
    }
    if let secret = request.secretRef {
      if let reason = subdomainProblem(secret) {
        problems.append("--secret-ref \"\(secret)\": \(reason) (a Secret name)")
      }
      if !request.auth.needsSecret {
        problems.append(
          "--secret-ref is read only with --auth ssh, cookiefile, token or githubapp, not \(request.auth.rawValue)"
        )
      }
    } else if request.auth.needsSecret {
      problems.append(
        "--auth \(request.auth.rawValue) needs --secret-ref SECRET, a Secret in \(request.objectNamespace.isEmpty ? "the sync's namespace" : request.objectNamespace) with the credentials"
      )
    }
    return problems
  }

  private static func repoSyncProblems(name: String, namespace: String?) -> [String] {
    guard let namespace else {
      return ["--kind reposync needs --sync-namespace NS, the namespace it manages"]
    }
    if let reason = Registry.dnsLabelProblem(namespace) {
      return ["--sync-namespace \"\(namespace)\": \(reason) (a lowercase DNS-1123 label)"]
    }
    if namespace == rootNamespace {
      return [
        "a RepoSync cannot live in \(rootNamespace); use --kind rootsync, or another --sync-namespace"
      ]
    }
    let length = name.utf8.count + namespace.utf8.count
    if length > repoSyncNameAndNamespaceLimit {
      return [
        "the RepoSync name and namespace \"\(name)\" and \"\(namespace)\" have \(length) characters together; Config Sync allows \(repoSyncNameAndNamespaceLimit)"
      ]
    }
    return []
  }

  /// A DNS-1123 subdomain (what most object names are): labels joined by dots, 253 at most.
  static func subdomainProblem(_ text: String) -> String? {
    if text.utf8.count > 253 { return "it is longer than 253 characters" }
    for label in text.split(separator: ".", omittingEmptySubsequences: false) {
      if let reason = Registry.dnsLabelProblem(String(label)) { return reason }
    }
    return nil
  }

  /// RBAC names are path segments: anything but `/` and `%`, and not `.` or `..`.
  static func roleNameProblem(_ text: String) -> String? {
    if text.isEmpty { return "it is empty" }
    if text == "." || text == ".." || text.contains("/") || text.contains("%") {
      return "a role name cannot be . or .. nor hold / or %"
    }
    return nil
  }
}
