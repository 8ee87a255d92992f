import Foundation
import Git
import KRM

/// One sync as `sync get` shows it, whatever its target.
public struct DeployedSync: Sendable {
  /// What stoop can tell without a cluster; a cluster target adds Config Sync's own states
  /// (Pending, Reconciling, Stalled, Error), which is why a row's status is a string.
  public enum Status: String, Sendable, CaseIterable {
    /// The directory holds exactly the revision's files, and the revision is the newest.
    case synced = "Synced"
    /// A newer revision is published, or the tag now points elsewhere.
    case outOfDate = "OutOfDate"
    /// Files were edited, removed or added in the directory.
    case drifted = "Drifted"
    /// A manifest in a sync repository: no cluster joined to say what it did.
    case notObserved = "NotObserved"
    /// stoop remembers a deployment whose target no longer holds it.
    case missing = "Missing"
  }

  /// Whether the deployed commit is still what the package's newest published revision is.
  public enum UpToDate: String, Sendable {
    case yes = "true"
    case no = "false"
    case unknown
  }

  public static let directoryKind = "Directory"
  public static let columns = [
    "NAME", "KIND/NAMESPACE", "PACKAGE", "REVISION", "COMMIT", "STATUS", "UP-TO-DATE", "AGE",
  ]
  /// `-o wide` adds where the sync is.
  public static let wideColumns = columns + ["TARGET"]

  public var name: String
  /// `RootSync`, `RepoSync` or `Directory`.
  public var kind: String
  /// The namespace of a sync object.
  public var namespace: String?
  /// `repository/path`.
  public var package: String
  /// `v3`.
  public var revision: String
  /// The full commit deployed.
  public var commit: String
  public var status: String
  public var upToDate: UpToDate
  public var created: Date?
  /// Where it is: a directory, or `repository:path/file`.
  public var target: String
  /// What `-o yaml|json` prints.
  public var object: YAMLNode
  /// Why it is drifted or out of date, one line each.
  public var notes: [String]
  /// A sync object on a cluster: what `--wait` waits for.
  var live: Live?

  /// Where a sync object is on a cluster, and the commit stoop deployed with it.
  struct Live: Sendable {
    var cluster: SyncTarget.Cluster
    var reference: Kubectl.SyncReference
    var commit: String?
  }

  public init(
    name: String, kind: String, namespace: String?, package: String, revision: String,
    commit: String, status: String, upToDate: UpToDate, created: Date?, target: String,
    object: YAMLNode, notes: [String]
  ) {
    self.name = name
    self.kind = kind
    self.namespace = namespace
    self.package = package
    self.revision = revision
    self.commit = commit
    self.status = status
    self.upToDate = upToDate
    self.created = created
    self.target = target
    self.object = object
    self.notes = notes
  }

  /// The table cells, in `columns` (or `wideColumns`) order.
  public func cells(now: Date = Date(), wide: Bool = false) -> [String] {
    let short = commit.isEmpty ? "<none>" : commit.count >= 7 ? String(commit.prefix(7)) : commit
    let row = [
      name, namespace.map { kind + "/" + $0 } ?? kind, package, revision, short, status,
      upToDate.rawValue,
      created.map { Listings.humanAge(now.timeIntervalSince($0)) } ?? "<unknown>",
    ]
    return wide ? row + [target] : row
  }

  /// `-o yaml|json`: each row's object (a `List` of them unless `alwaysList` is false and there
  /// is one). A sync object read from a cluster keeps its types (numbers, booleans) and is
  /// written in block style; the objects stoop builds hold strings only, quoted in JSON.
  public static func printed(_ rows: [DeployedSync], json: Bool, alwaysList: Bool) -> [UInt8] {
    let objects = rows.map { row in
      row.live == nil ? row.object : json ? row.object : SyncYAML.block(row.object)
    }
    if json {
      return SyncYAML.json(
        zip(rows, objects).map { $0.live == nil ? SyncYAML.quoted($1) : $1 },
        alwaysList: alwaysList, quoting: false)
    }
    let object = objects.count == 1 && !alwaysList ? objects[0] : SyncYAML.list(objects)
    return YAMLDocument(root: object).text(sequenceIndent: .compact)
  }

  /// A row for a deployment stoop remembers and its target no longer holds.
  static func missing(_ name: String, kind: String, namespace: String?, target: String)
    -> DeployedSync
  {
    DeployedSync(
      name: name, kind: kind, namespace: namespace, package: "", revision: "", commit: "",
      status: Status.missing.rawValue, upToDate: .unknown, created: nil, target: target,
      object: SyncYAML.strings([
        ("name", name), ("target", target), ("status", Status.missing.rawValue),
      ]), notes: ["\(target) no longer holds it; stoop sync del \(name) forgets it"])
  }
}

/// What a source repository says of a deployed revision now.
struct Freshness: Equatable {
  var upToDate: DeployedSync.UpToDate
  /// The package's newest published revision (`v4`).
  var latest: String?
  var notes: [String]
}

/// Checks deployed revisions against their source repositories, fetching each once.
struct FreshnessCheck {
  let deployer: SyncDeployer
  let offline: Bool
  private var fetched: [String: Bool] = [:]

  init(deployer: SyncDeployer, offline: Bool) {
    self.deployer = deployer
    self.offline = offline
  }

  /// Up to date: the tag still points at `commit` and no newer revision of the package is
  /// published. Unknown when the repository is not registered (or cannot be read).
  mutating func check(
    repository: String, namespace: String, package: String, tag: String, commit: String
  ) -> Freshness {
    let registry = deployer.registry
    guard let registration = try? registry.get(repository, namespace: namespace) else {
      return Freshness(
        upToDate: .unknown, latest: nil,
        notes: ["repository \(repository) is not registered in namespace \(namespace)"])
    }
    let key = namespace + "/" + repository
    if !offline, fetched[key] == nil {
      do {
        _ = try registry.sync(repository, namespace: namespace)
        fetched[key] = true
      } catch {
        fetched[key] = false
        deployer.warn("cannot fetch \(repository) (\(error)); comparing with what its clone holds")
      }
    }
    let directory = registry.home.repository(namespace: namespace, name: repository)
    do {
      let clone = try Repository.open(directory + "/clone.git")
      var discovery = Discovery(registration: registration, clone: clone)
      let published = try discovery.list(only: package).filter {
        $0.ref.hasPrefix("refs/tags/") && $0.revision >= 1
      }
      var notes: [String] = []
      let deployed = Discovery.parseRevision(String(tag.split(separator: "/").last ?? ""))
      let newest = published.map(\.revision).max()
      if let newest, newest > deployed { notes.append("v\(newest) is published") }
      if let now = try clone.reference("refs/tags/" + tag).map({ try clone.peelToCommit($0) }) {
        if now.hex != commit { notes.append("the tag \(tag) now points at \(now.short)") }
      } else {
        notes.append("the tag \(tag) is gone")
      }
      return Freshness(
        upToDate: notes.isEmpty ? .yes : .no, latest: newest.map { "v\($0)" }, notes: notes)
    } catch {
      return Freshness(
        upToDate: .unknown, latest: nil, notes: ["cannot read \(repository): \(error)"])
    }
  }
}
