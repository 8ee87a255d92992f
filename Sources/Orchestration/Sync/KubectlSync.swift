import Foundation
import KRM

extension Kubectl {
  /// One RootSync or RepoSync in the cluster.
  public struct SyncReference: Sendable, Hashable, CustomStringConvertible {
    public var kind: SyncKind
    public var name: String
    public var namespace: String

    public init(kind: SyncKind, name: String, namespace: String) {
      self.kind = kind
      self.name = name
      self.namespace = namespace
    }

    /// `RootSync config-management-system/my-app`
    public var description: String { "\(kind.kind) \(namespace)/\(name)" }
  }

  /// The label stoop puts on every object it creates; `get` lists by it, and `delete` removes a
  /// Secret only when it carries it.
  public static let managedByLabel = (
    key: SyncManifest.managedByLabel, value: SyncManifest.managedBy
  )
  /// Config Sync's annotation that decides whether deleting a sync deletes what it deployed.
  public static let deletionPropagationAnnotation = "configsync.gke.io/deletion-propagation-policy"
  /// The field manager of stoop's server-side applies.
  public static let fieldManager = "stoop"

  // MARK: Pre-flight

  /// Checks that the cluster has Config Sync's CustomResourceDefinitions for `kinds`; throws
  /// "Config Sync is not installed …" naming the first that is missing. A user who may not read
  /// CustomResourceDefinitions is checked through API discovery instead.
  public func preflight(kinds: [SyncKind] = [.rootsync]) throws(OrchestrationError) {
    let names = kinds.map(\.resource)
    let output = try run(
      ["get", "customresourcedefinitions.apiextensions.k8s.io"] + names + [
        "--ignore-not-found", "-o", "name",
      ])
    var found: Set<String> = []
    if output.succeeded {
      for line in String(decoding: output.stdout, as: UTF8.self).split(separator: "\n") {
        found.insert(String(line.split(separator: "/").last ?? ""))
      }
    } else if Self.firstErrorLine(output.stderr).contains("(Forbidden)") {
      let discovery = try check(
        ["api-resources", "--api-group=configsync.gke.io", "-o", "name"], what: "api-resources")
      found = Set(
        String(decoding: discovery.stdout, as: UTF8.self).split(separator: "\n").map(String.init))
    } else {
      throw failure(output, what: "get customresourcedefinitions")
    }
    if let missing = names.first(where: { !found.contains($0) }) {
      throw .invalidOperation(Self.configSyncMissing(missing))
    }
  }

  // MARK: Apply and read

  /// Applies `documents` in one `kubectl apply --server-side --field-manager=stoop -f -` and
  /// returns kubectl's lines (`rootsync.configsync.gke.io/my-app serverside-applied`). With
  /// `dryRun`, the API server checks every object (admission, namespaces, permissions,
  /// conflicts) and stores none: kubectl applies several objects one by one, so a failure
  /// found this way first leaves none of them half-applied.
  @discardableResult
  public func apply(_ documents: [YAMLNode], dryRun: Bool = false) throws(OrchestrationError)
    -> [String]
  {
    let file = YAMLFile(documents: documents.map { YAMLDocument(root: $0) })
    return try apply(yaml: file.bytes(), dryRun: dryRun)
  }

  /// Applies manifests given as YAML text (several documents separated by `---`).
  @discardableResult
  public func apply(yaml: [UInt8], dryRun: Bool = false) throws(OrchestrationError) -> [String] {
    let output = try check(
      ["apply", "--server-side", "--field-manager=\(Self.fieldManager)", "-f", "-"]
        + (dryRun ? ["--dry-run=server"] : []), input: yaml,
      what: "apply")
    return String(decoding: output.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
  }

  /// The RootSync or RepoSync as the cluster has it, nil when there is none.
  public func get(_ sync: SyncReference) throws(OrchestrationError) -> YAMLNode? {
    try getObject(sync.kind.resource, name: sync.name, namespace: sync.namespace)
  }

  /// Every RootSync and RepoSync (of `kinds`) labelled as stoop's, in all namespaces or in
  /// `namespace`, ordered by kind, namespace and name.
  public func listManaged(kinds: [SyncKind] = SyncKind.allCases, namespace: String? = nil)
    throws(OrchestrationError) -> [YAMLNode]
  {
    let scope = namespace.map { ["-n", $0] } ?? ["--all-namespaces"]
    let output = try check(
      ["get", kinds.map(\.resource).joined(separator: ",")] + scope + [
        "-l", "\(Self.managedByLabel.key)=\(Self.managedByLabel.value)", "-o", "json",
      ], what: "get")
    guard let list = try Self.parseJSON(output.stdout) else { return [] }
    let items = (list["items"]?.items ?? []).map(\.node)
    let order = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1.kind, $0) })
    func key(_ object: YAMLNode) -> (Int, String, String) {
      (
        order[object["kind"]?.string ?? ""] ?? kinds.count,
        object.node(at: ["metadata", "namespace"])?.string ?? "",
        object.node(at: ["metadata", "name"])?.string ?? ""
      )
    }
    return items.sorted { key($0) < key($1) }
  }

  func getObject(_ resource: String, name: String, namespace: String)
    throws(OrchestrationError) -> YAMLNode?
  {
    let output = try check(
      ["get", resource, name, "-n", namespace, "--ignore-not-found", "-o", "json"], what: "get")
    return try Self.parseJSON(output.stdout)
  }

  /// kubectl's JSON read with the KRM YAML types; nil for no output (nothing found).
  static func parseJSON(_ bytes: [UInt8]) throws(OrchestrationError) -> YAMLNode? {
    guard bytes.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) })
    else { return nil }
    do {
      return try YAMLFile(parsing: bytes, name: "kubectl output").documents.first?.root
    } catch {
      throw .invalidOperation("kubectl printed output stoop cannot read: \(error.description)")
    }
  }

  // MARK: Waiting

  /// Waits until `sync` is synced at `commit` (a full SHA) by `SyncHealth.isSyncedAt`: returns at
  /// once when it already is, fails at once when it is Stalled or has errors, and when `timeout`
  /// passes says what is still pending. `progress` sees each reading that is not yet synced.
  @discardableResult
  public func waitUntilSynced(
    _ sync: SyncReference, commit: String, timeout: TimeInterval,
    progress: ((SyncHealth) -> Void)? = nil
  ) throws(OrchestrationError) -> SyncHealth {
    let deadline = Date().addingTimeInterval(timeout)
    var pause: TimeInterval = 0.25
    while true {
      guard let object = try get(sync) else {
        throw .invalidOperation("\(sync) does not exist (any more); create it again")
      }
      let health = SyncHealth(object: object)
      if health.isSyncedAt(commit) { return health }
      switch health.status {
      case .stalled, .error:
        throw .invalidOperation("\(sync) is \(health.status.rawValue): \(health.message)")
      case .synced, .pending, .reconciling:
        break
      }
      progress?(health)
      let remaining = deadline.timeIntervalSinceNow
      guard remaining > 0 else {
        throw .invalidOperation(
          "\(sync) is not synced at \(SyncHealth.short(commit)) after \(Self.seconds(timeout)): \(health.pendingDescription(expecting: commit))"
        )
      }
      Thread.sleep(forTimeInterval: min(pause, remaining))
      pause = min(pause * 2, maximumPollInterval)
    }
  }

  static func seconds(_ interval: TimeInterval) -> String {
    let whole = Int(interval.rounded(.up))
    return whole >= 60 && whole % 60 == 0 ? "\(whole / 60)m" : "\(whole)s"
  }
}
