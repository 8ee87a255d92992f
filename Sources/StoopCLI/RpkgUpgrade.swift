import ArgumentParser
import CaD
import Foundation
import Git
import KRM
import Orchestration

struct RpkgUpgrade: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "upgrade",
    abstract: "Start a new Draft of a downstream package on a newer revision of its upstream.",
    discussion: """
      SOURCE is a published revision of a package cloned from a registered upstream. Its files \
      are merged three ways: the upstream revision its Kptfile upstreamLock names is the base, \
      the newer upstream revision brings its changes, and local edits are kept. What both sides \
      changed is listed on stderr as a conflict with the three values; --on-conflict says who \
      wins: upstream (kpt's behaviour, the default), local, or fail (nothing is written, exit \
      5). The new Draft is one `Upgrading revision` commit, rendered, as Porch writes it.

      --discover=upstream lists, for the named revisions (default: all), the newer upstream \
      revisions they could move to; --discover=downstream lists, for the named upstream \
      revisions (default: all), the downstream revisions that could move to them.

      --all --upstream BLUEPRINT upgrades every downstream package whose latest published \
      revision was cloned from any revision of BLUEPRINT (a package, repository/path, or one of \
      its revisions), limited to the --repository registrations when given, and prints one row \
      per package: created, up to date, conflicts (refused under --on-conflict=fail) or failed. \
      Each Draft gets --workspace, or upgrade-v<N> when it is not given.

      `rpkg update`, porchctl's older name for this command, is an alias.
      """,
    aliases: ["update"])

  @Argument(
    help: "The published downstream revision to upgrade, or the revisions to discover for.",
    completion: LiveCompletion.packageRevisions(
      [.published, .deletionProposed], placeholders: false)
  )
  var sources: [String] = []
  @Option(help: "The upstream revision to move to (default: the newest published one).")
  var revision: Int?
  @Flag(help: "Move to the newest published upstream revision (the default).") var latest = false
  @Option(help: "The workspace of the new revision.") var workspace: String?
  @Option(help: ArgumentHelp("How upstream changes come in.", discussion: UpdateStrategy.values))
  var strategy = UpdateStrategy.resourceMerge
  @Option(help: ConflictPolicy.help) var onConflict = ConflictPolicy.upstream
  @Option(help: DiscoverDirection.help) var discover: DiscoverDirection?
  @Flag(help: "Upgrade every downstream package of --upstream.") var all = false
  @Option(
    help: "With --all: the upstream package whose downstream packages to upgrade.",
    completion: LiveCompletion.packageRevisions([.published, .deletionProposed]))
  var upstream: String?
  @Option(
    help: "With --all: only downstream packages in this repository (repeatable).",
    completion: LiveCompletion.repositories)
  var repository: [String] = []
  @Option(
    name: [.customShort("o", allowingJoined: true), .long],
    help: "Output format of --discover and --all: table, yaml or json.")
  var output: OutputFormat = .table
  @OptionGroup var guardrails: GuardrailsExecOption
  @OptionGroup var namespace: NamespaceOption

  func validate() throws {
    if latest && revision != nil {
      throw ValidationError("--latest and --revision are mutually exclusive; give one of them")
    }
    if all {
      if upstream == nil { throw ValidationError("--all needs --upstream BLUEPRINT") }
      if !sources.isEmpty || discover != nil {
        throw ValidationError(
          "--all upgrades every downstream of --upstream; give no SOURCE and no --discover")
      }
    } else if upstream != nil || !repository.isEmpty {
      throw ValidationError("--upstream and --repository are for --all")
    } else if discover == nil {
      if sources.count != 1 {
        throw ValidationError(
          "give exactly one SOURCE revision to upgrade (or --discover, or --all)")
      }
      if workspace == nil { throw ValidationError("--workspace is required to upgrade") }
    }
  }

  func run() throws {
    try ErrorReporter.run {
      let policy = onConflict
      let lifecycle = PackageLifecycle.current(allowExec: guardrails.allowExec)
      let target = revision == 0 ? nil : revision
      if let discover {
        try Self.discover(
          discover, names: sources, namespace: namespace.namespace, output: output, lifecycle)
      } else if let upstream {
        let blueprint = try lifecycle.resolve(upstream, namespace: namespace.namespace, fetch: true)
        let results = try lifecycle.upgradeAll(
          from: blueprint, to: target, repositories: repository, namespace: namespace.namespace,
          workspace: workspace, strategy: strategy.rawValue, policy: policy)
        try Self.report(results, policy: policy, blueprint: blueprint, output: output)
      } else if let source = sources.first, let workspace {
        let sourceRevision = try lifecycle.resolve(
          source, namespace: namespace.namespace, fetch: true)
        let outcome = try lifecycle.upgrade(
          sourceRevision, to: target, workspace: workspace, strategy: strategy.rawValue,
          policy: policy)
        if !outcome.conflicts.isEmpty {
          Terminal.standardError(
            "\(outcome.conflicts.count) conflict(s), resolved for \(policy.rawValue):\n"
              + outcome.conflicts.map { "  \($0)\n" }.joined())
        }
        Terminal.standardOutput(
          Array("\(sourceRevision.name) upgraded to \(outcome.revision.name)\n".utf8))
      }
    }
  }

  /// porchctl's discovery tables (porch-git.md §7.4).
  static func discover(
    _ direction: DiscoverDirection, names: [String], namespace: String, output: OutputFormat,
    _ lifecycle: PackageLifecycle
  ) throws {
    var objects: [YAMLNode] = []
    let all = try lifecycle.registry.packageRevisions(namespace: namespace)
    let named = try names.map { try lifecycle.resolve($0, namespace: namespace, fetch: false) }
    var rows: [[String]]
    if direction == .upstream {
      rows = [["PACKAGE REVISION", "UPSTREAM REPOSITORY", "UPSTREAM UPDATES"]]
      let listed = names.isEmpty ? all : named
      for found in try lifecycle.upstreamUpdates(of: listed, among: all) {
        let updates = found.updates.map { "v\($0.revision)" }.joined(separator: ", ")
        rows.append([
          found.revision.name, found.upstreamRepository,
          updates.isEmpty ? "No update available" : updates,
        ])
        objects.append(
          object([
            ("packageRevision", .scalar(found.revision.name)),
            ("upstreamRepository", .scalar(found.upstreamRepository)),
            ("current", .scalar(found.current)),
            ("updates", .sequence(found.updates.map { .scalar($0.name) })),
          ]))
      }
    } else {
      let found = try lifecycle.downstreamUpdates(
        among: all, upstreams: names.isEmpty ? nil : named)
      guard !found.isEmpty || output == .yaml || output == .json else {
        Terminal.standardOutput(Array("All downstream packages are up to date.\n".utf8))
        return
      }
      rows = [["PACKAGE REVISION", "DOWNSTREAM PACKAGE", "DOWNSTREAM UPDATE"]]
      for row in found {
        rows.append([
          row.upstream.name, row.downstream.name, "\(row.current)->v\(row.upstream.revision)",
        ])
        objects.append(
          object([
            ("upstream", .scalar(row.upstream.name)), ("downstream", .scalar(row.downstream.name)),
            ("current", .scalar(row.current)), ("update", .scalar("v\(row.upstream.revision)")),
          ]))
      }
    }
    emit(rows: rows, objects: objects, as: output)
  }

  static func object(_ fields: [(String, YAMLNode)]) -> YAMLNode {
    .mapping(fields.map { YAMLEntry(key: .scalar($0.0), value: $0.1) })
  }

  /// The table, or the objects as one YAML or JSON list (a list even when it has one item).
  static func emit(rows: [[String]], objects: [YAMLNode], as output: OutputFormat) {
    switch output {
    case .yaml, .json:
      Terminal.standardOutput(
        Array(ObjectPrinter.render(objects, json: output == .json, alwaysList: true).utf8))
    default:
      Terminal.standardOutput(Array(RepoPrinter.table(rows).utf8))
    }
  }

  /// The bulk upgrade's table on stdout, conflicts and failures on stderr; exit 5 when any
  /// package was refused for its conflicts, 1 when any failed otherwise.
  static func report(
    _ results: [BulkUpgradeResult], policy: ConflictPolicy, blueprint: PackageRevision,
    output: OutputFormat
  ) throws {
    var objects: [YAMLNode] = []
    guard !results.isEmpty else {
      Terminal.standardError(
        "no downstream package was cloned from \(blueprint.repository)/\(blueprint.path)\n")
      return
    }
    var rows = [["DOWNSTREAM", "UPDATE", "RESULT", "CONFLICTS", "NEW REVISION"]]
    var failures: [Error] = []
    for result in results {
      let update = "\(result.current)->v\(result.target.revision)"
      switch result.status {
      case .upToDate:
        rows.append([result.downstream.name, result.current, "up to date", "0", ""])
        objects.append(
          object([
            ("downstream", .scalar(result.downstream.name)), ("current", .scalar(result.current)),
            ("result", .scalar("up to date")),
          ]))
      case .created(let outcome):
        for conflict in outcome.conflicts {
          Terminal.standardError(
            "\(result.downstream.name): conflict resolved for \(policy.rawValue): \(conflict)\n")
        }
        rows.append([
          result.downstream.name, update, "created", String(outcome.conflicts.count),
          outcome.revision.name,
        ])
        objects.append(
          object([
            ("downstream", .scalar(result.downstream.name)), ("current", .scalar(result.current)),
            ("update", .scalar("v\(result.target.revision)")), ("result", .scalar("created")),
            ("newRevision", .scalar(outcome.revision.name)),
            ("conflicts", .sequence(outcome.conflicts.map { .scalar($0.description) })),
          ]))
      case .failed(let error):
        let refused: Bool
        if case .validationFailed = error { refused = true } else { refused = false }
        Terminal.standardError("\(result.downstream.name) failed (\(error.description))\n")
        rows.append([
          result.downstream.name, update, refused ? "conflicts" : "failed",
          refused ? String(error.description.split(separator: "\n").count - 1) : "", "",
        ])
        objects.append(
          object([
            ("downstream", .scalar(result.downstream.name)), ("current", .scalar(result.current)),
            ("update", .scalar("v\(result.target.revision)")),
            ("result", .scalar(refused ? "conflicts" : "failed")),
            ("error", .scalar(error.description)),
          ]))
        failures.append(error)
      }
    }
    emit(rows: rows, objects: objects, as: output)
    if !failures.isEmpty {
      let refusedOnly = failures.allSatisfy {
        if case .validationFailed = $0 as? OrchestrationError { return true }
        return false
      }
      throw ExitCode(
        refusedOnly ? StoopExitCode.validation.rawValue : StoopExitCode.failure.rawValue)
    }
  }
}
