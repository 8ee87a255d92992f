import Foundation
import KRM
import Testing

@testable import Orchestration

/// `sync del` on a cluster: deletion propagation, Config Sync's finalizer, and the cleanup of
/// what stoop created.
extension KubectlAgainstAFakeAPIServer {
  private func authSecret(labelled: Bool) -> String {
    """
    {"apiVersion": "v1", "kind": "Secret",
     "metadata": {"name": "my-app-auth", "namespace": "config-management-system"\(labelled ? #", "labels": {"app.kubernetes.io/managed-by": "stoop"}"# : "")},
     "data": {"username": "Z2l0", "token": "c2VjcmV0"}}
    """
  }

  private var resourceGroup: String {
    """
    {"apiVersion": "kpt.dev/v1alpha1", "kind": "ResourceGroup",
     "metadata": {"name": "my-app", "namespace": "config-management-system"}}
    """
  }
  private var secretPath: String {
    "api/v1/namespaces/config-management-system/secrets/my-app-auth"
  }
  private var groupPath: String {
    "apis/kpt.dev/v1alpha1/namespaces/config-management-system/resourcegroups/my-app"
  }

  @Test func deleteWaitsForConfigSyncToFinalizeThenCleansUp() throws {
    let server = try FakeKubeAPIServer()
    try server.configure(#"{"finalizeSeconds": 1.5}"#)
    let kubectl = try server.kubectl()
    try kubectl.apply([try rootSync(secret: "my-app-auth")])
    try server.put(authSecret(labelled: true))
    try server.put(resourceGroup)
    var report: Kubectl.DeletionReport?
    let took = try elapsed { report = try kubectl.delete(myApp, timeout: 30) }
    #expect(took >= 1.5 && took < 20)
    #expect(
      report
        == Kubectl.DeletionReport(
          propagationPolicy: "Foreground", deletedResourceGroup: true, deletedSecret: "my-app-auth")
    )
    #expect(try server.object(rootSyncPath) == nil)
    #expect(try server.object(secretPath) == nil)
    #expect(try server.object(groupPath) == nil)
    // The annotation was written before the delete.
    let writes = try server.requests().filter { $0.hasPrefix("PATCH") || $0.hasPrefix("DELETE") }
    #expect(writes.count >= 3)
    #expect(writes.dropFirst().first?.hasPrefix("PATCH /apis/configsync.gke.io/") == true)
    #expect(writes.dropFirst(2).first?.hasPrefix("DELETE /apis/configsync.gke.io/") == true)
  }

  @Test func deleteKeepsASecretStoopDidNotCreate() throws {
    let server = try FakeKubeAPIServer()
    try server.configure(#"{"finalizeSeconds": 0}"#)
    let kubectl = try server.kubectl()
    try kubectl.apply([try rootSync(secret: "my-app-auth")])
    try server.put(authSecret(labelled: false))
    let report = try #require(try kubectl.delete(myApp, timeout: 30))
    #expect(report.keptSecret == "my-app-auth")
    #expect(report.deletedSecret == nil)
    #expect(report.deletedResourceGroup == false)
    #expect(report.warnings.isEmpty)
    #expect(try server.object(secretPath) != nil)
    #expect(try server.object(rootSyncPath) == nil)
    // Its data was never read: only names went over the wire for Secrets.
    #expect(
      try server.requests().filter { $0.contains("/secrets") && $0.hasPrefix("GET") }.allSatisfy {
        $0.contains("fieldSelector=metadata.name")
      })
  }

  @Test func deleteWithKeepAuthSecretAndKeepResources() throws {
    let server = try FakeKubeAPIServer()
    let kubectl = try server.kubectl()
    try kubectl.apply([try rootSync(secret: "my-app-auth")])
    try server.put(authSecret(labelled: true))
    let report = try #require(
      try kubectl.delete(myApp, keepResources: true, keepAuthSecret: true, timeout: 30))
    #expect(report.propagationPolicy == "Orphan")
    #expect(report.keptSecret == "my-app-auth")
    #expect(try server.object(secretPath) != nil)
    #expect(try server.object(rootSyncPath) == nil)
    #expect(
      try server.requests().contains {
        $0.hasPrefix("PATCH /apis/configsync.gke.io/") && $0.contains("merge-patch")
      })
  }

  @Test func deleteTimesOutReportingTheFinalizerConditions() throws {
    let server = try FakeKubeAPIServer()
    try server.configure(
      #"{"finalizerFailure": "KNV2009: failed to delete Deployment.apps, demo/web: forbidden"}"#)
    let kubectl = try server.kubectl()
    try kubectl.apply([try rootSync()])
    var text: String?
    let took = elapsed { text = message { _ = try kubectl.delete(myApp, timeout: 2) } }
    #expect(took >= 1 && took < 20)
    #expect(
      text
        == "RootSync config-management-system/my-app is still being deleted after 2s: ReconcilerFinalizing (ResourcesDeleting): Deleting managed objects; ReconcilerFinalizerFailure (DestroyFailure): KNV2009: failed to delete Deployment.apps, demo/web: forbidden; Config Sync removes it when it has finished, or run del again with a longer --timeout"
    )
    #expect(try server.object(rootSyncPath)?.node(at: ["metadata", "deletionTimestamp"]) != nil)
  }

  @Test func deleteRefusesWhenConfigSyncIgnoresTheAnnotation() throws {
    let server = try FakeKubeAPIServer()
    try server.configure(#"{"reconcilerSeconds": -1}"#)
    let kubectl = try server.kubectl()
    try kubectl.apply([try rootSync()])
    let text = message { _ = try kubectl.delete(myApp, timeout: 1) }
    #expect(text?.hasPrefix("RootSync config-management-system/my-app was not deleted: ") == true)
    #expect(
      text?.hasSuffix("pass --keep-resources to delete it and leave what it deployed") == true)
    #expect(try server.object(rootSyncPath) != nil)
    #expect(!(try server.requests().contains { $0.hasPrefix("DELETE") }))
  }

  @Test func deletingWhatIsNotThereReturnsNil() throws {
    let server = try FakeKubeAPIServer()
    let kubectl = try server.kubectl()
    #expect(try kubectl.delete(myApp) == nil)
  }

  @Test func deleteRemovesOtherObjectsOnlyWhenStoopsLabelIsOnThem() throws {
    let server = try FakeKubeAPIServer()
    try server.configure(#"{"finalizeSeconds": 0}"#)
    let kubectl = try server.kubectl()
    let repoSync = try yaml(
      """
      apiVersion: configsync.gke.io/v1beta1
      kind: RepoSync
      metadata: {name: team-app, namespace: default, labels: {app.kubernetes.io/managed-by: stoop}}
      spec:
        git: {repo: "https://git.example.com/deployments.git", revision: team-app/v1, auth: none}
      """)
    try kubectl.apply([repoSync])
    for (name, labels) in [
      ("ours", #", "labels": {"app.kubernetes.io/managed-by": "stoop"}"#), ("theirs", ""),
    ] {
      try server.put(
        """
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
         "metadata": {"name": "\(name)", "namespace": "default"\(labels)},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
         "subjects": [{"kind": "ServiceAccount", "name": "ns-reconciler-default-team-app-8", "namespace": "config-management-system"}]}
        """)
    }
    let bindings = ["ours", "theirs", "absent"].map {
      Kubectl.ObjectReference(
        resource: "rolebindings.rbac.authorization.k8s.io", name: $0, namespace: "default")
    }
    let report = try #require(
      try kubectl.delete(
        .init(kind: .reposync, name: "team-app", namespace: "default"), alsoDelete: bindings,
        timeout: 30))
    #expect(report.deletedObjects == ["rolebindings.rbac.authorization.k8s.io default/ours"])
    let path = "apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/"
    #expect(try server.object(path + "ours") == nil)
    #expect(try server.object(path + "theirs") != nil)
  }
}
