import ArgumentParser
import Foundation
import KRM
import Orchestration

extension SyncKind: ExpressibleByArgument {}
extension SyncPin: ExpressibleByArgument {}
extension GitAuth: ExpressibleByArgument {}
extension DeletionPolicy: ExpressibleByArgument {}

/// `stoop sync`: deploy published package revisions.
struct SyncGroup: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Deploy published package revisions: Config Sync manifests, or a directory.",
    discussion: """
      A target is chosen with one of: --to-dir DIR (the package's files written into DIR, with \
      a state file .stoop-sync.yaml), --to-repository R --to-path DIR (the RootSync or RepoSync \
      committed to a registered repository that a bootstrap RootSync watches), -o yaml|json|FILE \
      (the manifests only, for create), or --context/--kubeconfig (a cluster, through kubectl). \
      Without one, create uses the current kube context and fails when there is none; get and \
      del use the deployments stoop remembers in the config directory (a cluster in the context \
      stoop deployed to, never another), and del falls back to the current kube context.
      """,
    subcommands: [SyncCreate.self, SyncGet.self, SyncDelete.self])
}

/// The target flags every `sync` command takes.
struct SyncTargetOptions: ParsableArguments {
  @Option(
    name: .customLong("to-dir"),
    help: ArgumentHelp(
      "The directory target: the package's files, and .stoop-sync.yaml.", valueName: "dir"))
  var toDir: String?
  @Option(
    name: .customLong("to-repository"),
    help: ArgumentHelp(
      "The sync repository target: a registered repository (with --to-path).",
      valueName: "repository"))
  var toRepository: String?
  @Option(
    name: .customLong("to-path"),
    help: ArgumentHelp(
      "The folder of --to-repository that holds the manifests.", valueName: "path"))
  var toPath: String?
  @Option(help: "The kube context of the cluster target.") var context: String?
  @Option(help: "The kubeconfig of the cluster target.") var kubeconfig: String?
  @Option(
    name: [.customShort("n", allowingJoined: true), .long],
    help: "The namespace of the registrations (--repository, --to-repository).")
  var namespace = "default"

  func flags(output: String? = nil) -> SyncTargetFlags {
    var flags = SyncTargetFlags()
    flags.directory = toDir
    flags.repository = toRepository
    flags.path = toPath
    flags.output = output
    flags.context = context
    flags.kubeconfig = kubeconfig
    flags.namespace = namespace
    return flags
  }
}

extension SyncDeployer {
  /// The deployer of this environment, with warnings and progress on stderr.
  static func current() -> SyncDeployer {
    SyncDeployer(
      registry: Registry.current(), warn: { Terminal.standardError("Warning: \($0)\n") },
      progress: { Terminal.standardError($0 + "\n") })
  }
}

/// A duration as kubectl takes one: `90s`, `2m`, `1m30s`, `1h`, `500ms`, or seconds alone.
struct SyncDuration: ExpressibleByArgument, Equatable {
  var seconds: TimeInterval

  init(seconds: TimeInterval) { self.seconds = seconds }

  init?(argument: String) {
    guard !argument.isEmpty else { return nil }
    if let plain = TimeInterval(argument), plain >= 0, plain.isFinite, argument.first != "+" {
      seconds = plain
      return
    }
    let units: [(String, TimeInterval)] = [("ms", 0.001), ("h", 3600), ("m", 60), ("s", 1)]
    var rest = Substring(argument)
    var total: TimeInterval = 0
    while !rest.isEmpty {
      let digits = rest.prefix { $0.isNumber || $0 == "." }
      guard !digits.isEmpty, let value = TimeInterval(digits) else { return nil }
      rest = rest.dropFirst(digits.count)
      guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
      rest = rest.dropFirst(unit.count)
      total += value * scale
    }
    seconds = total
  }

  /// How long `--wait` waits unless told.
  static let waitDefault = SyncDuration(seconds: 300)
}

/// `--wait` and `--timeout` of `create` and `get`.
struct SyncWaitOptions: ParsableArguments {
  @Flag(
    help: """
      Wait until Config Sync has synced the commit stoop deployed: at once when it has, failing \
      on Stalled or errors, saying what is pending on timeout (a cluster only).
      """)
  var wait = false
  @Option(help: ArgumentHelp("How long --wait waits (default 5m).", valueName: "duration"))
  var timeout: SyncDuration?

  func validate() throws {
    if timeout != nil, !wait { throw ValidationError("--timeout goes with --wait") }
  }

  /// Seconds to wait, nil without --wait.
  var seconds: TimeInterval? { wait ? (timeout ?? .waitDefault).seconds : nil }
}

struct SyncCreate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "create",
    abstract: "Deploy a published package revision, or move a deployment to another revision.",
    discussion: """
      --package takes PKG (its latest published revision), PKG@vN, PKG@N, the full tag \
      DIR/PKG/vN or a package revision name (repo.pkg.workspace, repo/pkg@vN); only \
      published revisions can be deployed. The manifest pins spec.git.revision to the tag \
      (or, with --pin commit, to the full commit it points at) and records both in stoop.dev/ \
      annotations. Running create again with another revision rolls the deployment out or \
      back. Names are checked against Config Sync's rules before anything is written.
      """)

  @Argument(help: "The sync's name (a RootSync or RepoSync, or the directory deployment).")
  var name: String
  @Option(help: "The published revision to deploy.") var package: String
  @Option(help: "The registered repository that holds the package.") var repository: String?
  @Option(help: "The object that deploys it.") var kind = SyncKind.rootsync
  @Option(help: "The namespace a RepoSync lives in and manages.") var syncNamespace: String?
  @Option(help: "What spec.git.revision names: the tag, or the full commit.") var pin = SyncPin.tag
  @Option(help: "spec.git.auth: how Config Sync reads the repository.") var auth = GitAuth.none
  @Option(help: "The Secret with the credentials --auth needs.") var secretRef: String?
  @Option(help: "Add configsync.gke.io/deletion-propagation-policy (none unless given).")
  var deletePolicy: DeletionPolicy?
  @Option(help: "The ClusterRole a RepoSync's reconciler is bound to.") var clusterRole = "edit"
  @Option(
    name: [.customShort("o", allowingJoined: true), .long],
    help: ArgumentHelp(
      "The manifests only: yaml or json on stdout, or a file (.json for JSON).",
      valueName: "yaml|json|file"))
  var output: String?
  @OptionGroup var waiting: SyncWaitOptions
  @OptionGroup var target: SyncTargetOptions

  func run() throws {
    try ErrorReporter.run {
      var request = SyncRequest(name: name, package: package)
      request.repository = repository
      request.namespace = target.namespace
      request.kind = kind
      request.syncNamespace = syncNamespace
      request.pin = pin
      request.auth = auth
      request.secretRef = secretRef
      request.deletePolicy = deletePolicy
      request.clusterRole = clusterRole
      let deployer = SyncDeployer.current()
      let destination = try target.flags(output: output).createTarget(
        environment: deployer.environment)
      Terminal.standardOutput(
        try deployer.create(request, to: destination, wait: waiting.seconds))
    }
  }
}

/// `sync get -o`.
enum SyncOutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, wide, yaml, json
}

struct SyncGet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "get",
    abstract: "List deployments: what they run, and whether they are synced and up to date.",
    discussion: """
      STATUS is Synced, OutOfDate (a newer revision is published, or the tag moved) or Drifted \
      (files edited, removed or added) for a directory; NotObserved for a manifest in a sync \
      repository (no cluster reports on it); and Config Sync's Synced, Pending, Reconciling, \
      Stalled or Error for a sync on a cluster. UP-TO-DATE says whether the deployed commit is \
      still the package's newest published revision, and on a cluster whether Config Sync has \
      synced the commit stoop deployed. Without a target flag, every deployment stoop \
      remembers is listed; --context/--kubeconfig lists every sync of stoop's on that cluster.
      """)

  @Argument(help: "Only this sync.") var name: String?
  @Option(name: [.customShort("o", allowingJoined: true), .long], help: "Output format.")
  var output = SyncOutputFormat.table
  @Flag(help: "Compare with what the clones hold, without fetching.") var offline = false
  @OptionGroup var waiting: SyncWaitOptions
  @OptionGroup var target: SyncTargetOptions

  func run() throws {
    try ErrorReporter.run {
      let deployer = SyncDeployer.current()
      let rows = try deployer.list(
        named: name, on: try target.flags().explicitTarget(), namespace: target.namespace,
        offline: offline, wait: waiting.seconds)
      switch output {
      case .table, .wide:
        guard !rows.isEmpty else {
          Terminal.standardError("No syncs found.\n")
          return
        }
        let wide = output == .wide
        let table = KubectlPrinter.align(
          [wide ? DeployedSync.wideColumns : DeployedSync.columns]
            + rows.map { $0.cells(wide: wide) })
        Terminal.standardOutput(Array(table.utf8))
        // Why a row is drifted or out of date, for people; stdout keeps the table alone.
        for row in rows {
          for note in row.notes { Terminal.standardError("\(row.name): \(note)\n") }
        }
      case .yaml, .json:
        Terminal.standardOutput(
          DeployedSync.printed(rows, json: output == .json, alwaysList: name == nil))
      }
    }
  }
}

struct SyncDelete: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "del",
    abstract: "Remove a deployment: from a cluster, from a sync repository, or its files.",
    discussion: """
      From a cluster, Config Sync deletes what the sync deployed first (deletion propagation \
      Foreground; --keep-resources leaves it, Orphan), then stoop removes a leftover \
      ResourceGroup, the auth Secret and a RepoSync's RoleBinding when stoop created them. From \
      a sync repository, the manifest goes in one commit (the bootstrap RootSync then prunes \
      the sync). From a directory, exactly the files the state file records go, then the state \
      file; files stoop did not write stay.
      """,
    aliases: ["delete"])

  @Argument(help: "The sync's name.") var name: String
  @Option(help: "Where both kinds go by this name: which one.")
  var kind: SyncKind?
  @Option(help: "On a cluster where RepoSyncs in several namespaces go by this name: which one.")
  var syncNamespace: String?
  @Flag(help: "On a cluster: leave what the sync deployed in place (deletion propagation Orphan).")
  var keepResources = false
  @Flag(help: "On a cluster: leave the auth Secret even when stoop created it.")
  var keepAuthSecret = false
  @Option(
    help: ArgumentHelp(
      "On a cluster: how long deleting may take, Config Sync's included (default 2m).",
      valueName: "duration"))
  var timeout: SyncDuration?
  @OptionGroup var target: SyncTargetOptions

  func run() throws {
    try ErrorReporter.run {
      var options = SyncDeletion()
      options.keepResources = keepResources
      options.keepAuthSecret = keepAuthSecret
      options.timeout = timeout?.seconds
      options.syncNamespace = syncNamespace
      let said = try SyncDeployer.current().delete(
        name, kind: kind, from: try target.flags().explicitTarget(), options: options)
      Terminal.standardOutput(Array((said + "\n").utf8))
    }
  }
}
