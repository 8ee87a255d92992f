import KRM
import Orchestration
import Testing

private let sha = "0123456789abcdef0123456789abcdef01234567"
private let older = "fedcba9876543210fedcba9876543210fedcba98"

/// A RootSync at generation `generation` whose status is `status` (YAML, indented as under
/// `status:`).
private func rootSync(generation: Int = 2, status: String) throws -> YAMLNode {
  let text = """
    apiVersion: configsync.gke.io/v1beta1
    kind: RootSync
    metadata:
      name: my-app
      namespace: config-management-system
      generation: \(generation)
    spec:
      git: {repo: "https://git.example.com/deployments.git", revision: my-app/v3, auth: none}
    status:
    \(status.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
    """
  return try #require(YAMLFile(parsing: Array(text.utf8), name: "rootsync.yaml").documents.first)
    .root
}

/// The status of a sync that has applied `commit` everywhere without errors.
private func syncedStatus(_ commit: String = sha, rendering: String = "Rendering skipped")
  -> String
{
  """
  observedGeneration: 2
  lastSyncedCommit: \(commit)
  source: {commit: \(commit), gitStatus: {repo: "https://git.example.com/deployments.git"}}
  rendering: {commit: \(commit), message: \(rendering)}
  sync: {commit: \(commit)}
  conditions:
  - type: Reconciling
    status: "False"
  - type: Stalled
    status: "False"
  - type: Syncing
    status: "False"
    reason: Sync
    message: Sync Completed
    commit: \(commit)
    errorSummary: {}
  """
}

@Test func anUnobservedSpecChangeIsPendingWhateverTheConditionsSay() throws {
  let health = SyncHealth(object: try rootSync(generation: 3, status: syncedStatus()))
  #expect(health.status == .pending)
  #expect(health.message == "Config Sync has not observed generation 3 of the spec yet (it saw 2)")
  #expect(!health.isSyncedAt(sha))
}

@Test func aSyncWithoutStatusIsPendingUntilConfigSyncSeesIt() throws {
  let object = try #require(
    YAMLFile(
      parsing: Array(
        "kind: RootSync\nmetadata: {name: a, namespace: config-management-system, generation: 1}\n"
          .utf8), name: "a.yaml"
    ).documents.first?.root)
  let health = SyncHealth(object: object)
  #expect(health.status == .pending)
  #expect(health.message == "Config Sync has not observed the spec yet (generation 1)")
  #expect(health.commit == nil)
}

@Test func stalledComesBeforeEverythingButTheGeneration() throws {
  let health = SyncHealth(
    object: try rootSync(
      status: """
        observedGeneration: 2
        conditions:
        - type: Reconciling
          status: "True"
        - type: Stalled
          status: "True"
          reason: Validation
          message: |-
            KNV1061: RootSyncs must be in the config-management-system namespace.
            See the docs.
        """))
  #expect(health.status == .stalled)
  #expect(
    health.message
      == "Validation: KNV1061: RootSyncs must be in the config-management-system namespace. See the docs."
  )
}

@Test func reconcilingWhileTheReconcilerIsSetUp() throws {
  let health = SyncHealth(
    object: try rootSync(
      status: """
        observedGeneration: 2
        conditions:
        - {type: Stalled, status: "False"}
        - {type: Reconciling, status: "True", reason: Deployment, message: "Reconciler deployment is being updated"}
        - {type: Syncing, status: "False", commit: \(sha)}
        """))
  #expect(health.status == .reconciling)
  #expect(health.message == "Deployment: Reconciler deployment is being updated")
}

@Test func noSyncingConditionIsPending() throws {
  let health = SyncHealth(
    object: try rootSync(
      status: """
        observedGeneration: 2
        conditions:
        - {type: Reconciling, status: "False"}
        """))
  #expect(health.status == .pending)
  #expect(health.message == "the reconciler has not reported a Syncing condition yet")
}

@Test func errorsInSourceRenderingOrSyncAreAnError() throws {
  let health = SyncHealth(
    object: try rootSync(
      status: """
        observedGeneration: 2
        source:
          commit: \(sha)
          errors:
          - code: "2004"
            errorMessage: |-
              KNV2004: unable to sync repo
              Error in the git-sync container: revision my-app/v3 not found
          errorSummary: {totalCount: 1}
        rendering:
          errors:
          - {code: "1068", errorMessage: "failed to render the source configs"}
          errorSummary: {totalCount: 3, truncated: true, errorCountAfterTruncation: 1}
        conditions:
        - type: Syncing
          status: "False"
          commit: \(sha)
          errorSummary: {totalCount: 4}
        """))
  #expect(health.status == .error)
  #expect(
    health.errors == [
      "KNV2004: unable to sync repo Error in the git-sync container: revision my-app/v3 not found",
      "KNV1068: failed to render the source configs",
    ])
  #expect(health.errorCount == 4)
  #expect(
    health.message
      == "4 errors: KNV2004: unable to sync repo Error in the git-sync container: revision my-app/v3 not found; KNV1068: failed to render the source configs"
  )
  #expect(health.commit == sha)
}

@Test func anErrorCountOnTheSyncingConditionAloneIsAnError() throws {
  let health = SyncHealth(
    object: try rootSync(
      status: """
        observedGeneration: 2
        conditions:
        - type: Syncing
          status: "False"
          commit: \(sha)
          errors:
          - {code: "2009", errorMessage: "KNV2009: failed to apply Deployment.apps, demo/web"}
          errorSummary: {totalCount: 1}
        """))
  #expect(health.status == .error)
  #expect(health.message == "1 error: KNV2009: failed to apply Deployment.apps, demo/web")
}

@Test func anErrorSummaryWithoutMessagesIsStillAnError() throws {
  let health = SyncHealth(
    object: try rootSync(
      status: """
        observedGeneration: 2
        sync: {commit: \(sha), errorSummary: {totalCount: 2}}
        conditions:
        - {type: Syncing, status: "False", commit: \(sha)}
        """))
  #expect(health.status == .error)
  #expect(health.errors.isEmpty)
  #expect(health.message == "2 errors: see status.source, rendering and sync")
}

@Test func syncingTrueIsPendingAtItsCommit() throws {
  let health = SyncHealth(
    object: try rootSync(
      status: """
        observedGeneration: 2
        lastSyncedCommit: \(older)
        conditions:
        - {type: Syncing, status: "True", reason: Rendering, message: Rendering is in progress, commit: \(sha)}
        """))
  #expect(health.status == .pending)
  #expect(health.message == "syncing commit 0123456: Rendering is in progress")
  #expect(health.commit == sha)
  #expect(!health.isSyncedAt(sha))
}

@Test func otherwiseSyncedAtTheSyncingCommit() throws {
  let health = SyncHealth(object: try rootSync(status: syncedStatus()))
  #expect(health.status == .synced)
  #expect(health.message == "synced at commit 0123456")
  #expect(health.commit == sha)
  #expect(health.errors.isEmpty && health.errorCount == 0)
  #expect(health.isSyncedAt(sha))
  #expect(health.isSyncedAt(sha.uppercased()))
  #expect(!health.isSyncedAt(older))
}

@Test func syncedAtRequiresEveryStageAtTheCommit() throws {
  for stage in ["source", "rendering", "sync"] {
    var object = try rootSync(status: syncedStatus())
    object.set(.scalar(older), at: ["status", stage, "commit"])
    let health = SyncHealth(object: object)
    #expect(health.status == .synced, "\(stage)")
    #expect(!health.isSyncedAt(sha), "\(stage)")
    #expect(health.pendingDescription(expecting: sha).contains("\(stage) at fedcba9"))
  }
  var object = try rootSync(status: syncedStatus())
  object.set(.scalar(older), at: ["status", "lastSyncedCommit"])
  #expect(!SyncHealth(object: object).isSyncedAt(sha))
}

@Test func syncedAtRequiresASuccessfulRendering() throws {
  #expect(
    SyncHealth(object: try rootSync(status: syncedStatus(rendering: "Rendering succeeded")))
      .isSyncedAt(sha))
  let failed = SyncHealth(
    object: try rootSync(status: syncedStatus(rendering: "Rendering required but is disabled")))
  #expect(failed.status == .synced)
  #expect(!failed.isSyncedAt(sha))
  #expect(
    failed.pendingDescription(expecting: sha)
      == "Synced: synced at commit 0123456; rendering: Rendering required but is disabled")
  var object = try rootSync(status: syncedStatus())
  object.remove(at: ["status", "rendering", "message"])
  #expect(!SyncHealth(object: object).isSyncedAt(sha))
}

@Test func pendingDescriptionNamesTheStagesBehind() throws {
  let health = SyncHealth(
    object: try rootSync(
      status: """
        observedGeneration: 2
        lastSyncedCommit: \(older)
        source: {commit: \(sha)}
        sync: {commit: \(older)}
        conditions:
        - {type: Syncing, status: "True", message: Sync, commit: \(sha)}
        """))
  #expect(
    health.pendingDescription(expecting: sha)
      == "Pending: syncing commit 0123456: Sync; rendering at none, sync at fedcba9, last synced at fedcba9 (want 0123456)"
  )
}
