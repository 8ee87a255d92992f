import ArgumentParser
import CaD
import Foundation
import Git
import KRM
import Orchestration

/// `stoop rpkg`: package revisions, as porchctl's `rpkg` group.
struct Rpkg: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rpkg",
    abstract: "Work with package revisions stored in registered repositories.",
    subcommands: [
      RpkgGet.self, RpkgPull.self, RpkgPush.self, RpkgInit.self, RpkgClone.self, RpkgCopy.self,
      RpkgUpgrade.self, RpkgPropose.self,
      RpkgApprove.self, RpkgReject.self,
      RpkgProposeDelete.self,
      RpkgDelete.self,
    ],
    aliases: ["rpackage"]
  )
}

struct RpkgGet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "get",
    abstract: "List package revisions of the registered repositories.",
    discussion: """
      NAME is a package revision name (repository.path.workspace, with / in the path written \
      as .), or one of the short forms repository/path@v3 (a published revision), \
      repository/path:workspace, and repository/path (the latest published revision). \
      Registered repositories are fetched first unless --offline is given.
      """,
    aliases: ["list"]
  )

  @Argument(help: "Package revision names to show (default: all).")
  var names: [String] = []

  @Option(help: "Show only revisions of this package (its path in the repository).")
  var name: String?

  @Option(help: "Show only this revision: a number (2) or its tag form (v2).")
  var revision: String?

  @Option(help: "Show only revisions with this workspace.")
  var workspace: String?

  @Option(
    name: [.customShort("o", allowingJoined: true), .long],
    help: "Output format: table, wide, yaml, json or name.")
  var output: OutputFormat = .table

  @Flag(name: [.customShort("A"), .long], help: "List package revisions of every namespace.")
  var allNamespaces = false

  @Flag(help: "Read the local clones without fetching.")
  var offline = false

  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      let registry = Registry.current()
      var revisions: [PackageRevision]
      if !names.isEmpty && !allNamespaces {
        // Named revisions: list just their packages.
        let lifecycle = PackageLifecycle(registry: registry, progress: Terminal.standardError)
        revisions = try names.map {
          try lifecycle.resolve($0, namespace: namespace.namespace, fetch: !offline)
        }
      } else {
        revisions = try registry.packageRevisions(
          namespace: allNamespaces ? nil : namespace.namespace, offline: offline)
      }
      if let name { revisions = revisions.filter { $0.path == name } }
      if let revision {
        let number = Int(revision) ?? Discovery.parseRevision(revision)
        if number != -2 { revisions = revisions.filter { $0.revision == number } }
      }
      if let workspace { revisions = revisions.filter { $0.workspace == workspace } }
      if !names.isEmpty {
        revisions = try names.map { wanted in
          guard let found = revisions.first(where: { $0.isNamed(wanted) }) else {
            throw OrchestrationError.packageRevisionNotFound(
              name: wanted, namespace: namespace.namespace)
          }
          return found
        }
      }
      let registrations = try registry.list(namespace: allNamespaces ? nil : namespace.namespace)
      Terminal.standardOutput(
        Array(
          RpkgPrinter.render(
            revisions, registrations: registrations, as: output, allNamespaces: allNamespaces,
            kptfile: PackageLifecycle(registry: registry).kptfile(of:)
          ).utf8))
    }
  }
}

enum RpkgPrinter {
  static func render(
    _ revisions: [PackageRevision], registrations: [Registration], as format: OutputFormat,
    allNamespaces: Bool, kptfile: (PackageRevision) -> Kptfile? = { _ in nil }
  ) -> String {
    switch format {
    case .name:
      return revisions.map { "packagerevision.porch.kpt.dev/\($0.name)\n" }.joined()
    case .yaml, .json:
      let objects = revisions.map { revision in
        let registration = registrations.first {
          $0.name == revision.repository && $0.namespace == revision.namespace
        }
        return revision.object(
          repositoryURL: RemoteURL.redacted(registration?.url ?? ""),
          deployment: registration?.deployment ?? false,
          kptfile: kptfile(revision))
      }
      return ObjectPrinter.render(objects, json: format == .json)
    case .table, .wide:
      guard !revisions.isEmpty else { return "" }
      var rows = [
        ["NAME", "PACKAGE", "WORKSPACENAME", "REVISION", "LATEST", "LIFECYCLE", "REPOSITORY"]
      ]
      if format == .wide { rows[0] += ["COMMIT", "REF"] }
      if allNamespaces { rows[0].insert("NAMESPACE", at: 0) }
      for revision in revisions {
        var row = [
          revision.name, revision.path, revision.workspace, String(revision.revision),
          revision.latest ? "true" : "false",
          revision.lifecycle.rawValue, revision.repository,
        ]
        if format == .wide { row += [revision.commit.short, revision.ref] }
        if allNamespaces { row.insert(revision.namespace, at: 0) }
        rows.append(row)
      }
      return RepoPrinter.table(rows)
    }
  }
}

struct RpkgInit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Create a new package as a Draft (kpt's Kptfile, package-context.yaml and README.md)."
  )

  @Argument(help: "The package path in the repository (lowercase DNS labels joined by /).")
  var package: String

  @Option(help: "The registered repository to create it in.")
  var repository: String

  @Option(help: "The workspace of the new revision.")
  var workspace: String?

  @Option(help: "Older form: names the workspace when --workspace is absent.")
  var revision: String?

  @Option(help: "The package description.")
  var description: String = "sample description"

  @Option(parsing: .upToNextOption, help: "Keywords (space or comma separated).")
  var keywords: [String] = []

  @Option(help: "The package's site.")
  var site: String?

  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      guard let workspace = workspace ?? revision else {
        throw ValidationError("--workspace is required")
      }
      let created = try PackageLifecycle(
        registry: Registry.current(), progress: Terminal.standardError
      ).initialize(
        package: package, repository: repository, workspace: workspace,
        namespace: namespace.namespace,
        description: description,
        keywords: keywords.flatMap { $0.split(separator: ",").map(String.init) },
        site: site)
      Terminal.standardOutput(Array("\(created.name) created\n".utf8))
    }
  }
}

/// propose, approve, reject, propose-delete and del share their shape: names in, one line each.
protocol RevisionTransition: ParsableCommand {
  var names: [String] { get }
  var namespace: NamespaceOption { get }
  static func apply(_ lifecycle: PackageLifecycle, _ revision: PackageRevision) throws -> String
}

extension RevisionTransition {
  func run() throws {
    try ErrorReporter.run {
      let lifecycle = PackageLifecycle(
        registry: Registry.current(), progress: Terminal.standardError)
      var failures: [Error] = []
      for name in names {
        do {
          let revision = try lifecycle.resolve(name, namespace: namespace.namespace)
          Terminal.standardOutput(Array((try Self.apply(lifecycle, revision) + "\n").utf8))
        } catch {
          if names.count == 1 { throw error }
          Terminal.standardError("\(name) failed (\(ErrorReporter.message(for: error)))\n")
          failures.append(error)
        }
      }
      if !failures.isEmpty {
        throw MultipleFailures(failures: failures)
      }
    }
  }
}

/// porchctl's ending for multi-name commands: `Error: errors:` and one indented line per failure.
struct MultipleFailures: Error, CustomStringConvertible {
  var failures: [Error]
  var first: Error { failures[0] }
  var description: String {
    "errors:\n" + failures.map { "  " + ErrorReporter.message(for: $0) }.joined(separator: "\n")
  }
}

struct RpkgPropose: RevisionTransition {
  static let configuration = CommandConfiguration(
    commandName: "propose", abstract: "Propose Draft package revisions for approval.")
  @Argument(help: "Package revision names.") var names: [String]
  @OptionGroup var namespace: NamespaceOption
  static func apply(_ lifecycle: PackageLifecycle, _ revision: PackageRevision) throws -> String {
    try lifecycle.propose(revision)
  }
}

struct RpkgApprove: RevisionTransition {
  static let configuration = CommandConfiguration(
    commandName: "approve",
    abstract: "Approve Proposed package revisions: publish them as the next vN.")
  @Argument(help: "Package revision names.") var names: [String]
  @OptionGroup var namespace: NamespaceOption
  static func apply(_ lifecycle: PackageLifecycle, _ revision: PackageRevision) throws -> String {
    try lifecycle.approve(revision)
  }
}

struct RpkgReject: RevisionTransition {
  static let configuration = CommandConfiguration(
    commandName: "reject",
    abstract: "Send Proposed revisions back to Draft, or cancel a proposed deletion.")
  @Argument(help: "Package revision names.") var names: [String]
  @OptionGroup var namespace: NamespaceOption
  static func apply(_ lifecycle: PackageLifecycle, _ revision: PackageRevision) throws -> String {
    try lifecycle.reject(revision)
  }
}

struct RpkgProposeDelete: RevisionTransition {
  static let configuration = CommandConfiguration(
    commandName: "propose-delete", abstract: "Propose Published package revisions for deletion.",
    aliases: ["propose-del"])
  @Argument(help: "Package revision names.") var names: [String]
  @OptionGroup var namespace: NamespaceOption
  static func apply(_ lifecycle: PackageLifecycle, _ revision: PackageRevision) throws -> String {
    try lifecycle.proposeDelete(revision)
  }
}

struct RpkgDelete: RevisionTransition {
  static let configuration = CommandConfiguration(
    commandName: "del",
    abstract: "Delete Draft or Proposed revisions, or revisions proposed for deletion.",
    aliases: ["delete"])
  @Argument(help: "Package revision names.") var names: [String]
  @OptionGroup var namespace: NamespaceOption
  static func apply(_ lifecycle: PackageLifecycle, _ revision: PackageRevision) throws -> String {
    try lifecycle.delete(revision)
  }
}

struct RpkgPull: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pull",
    abstract:
      "Read a package revision's files into a new directory, or as a ResourceList on stdout.",
    discussion: """
      DIR gets every file of the revision and a .KptRevisionMetadata recording the commit it was \
      read from, which rpkg push checks. Without DIR the files go to stdout as one ResourceList; \
      files that are not YAML travel as stoop.dev/v1alpha1 File items so that nothing is lost.
      """,
    aliases: ["source", "read"])

  @Argument(help: "The package revision name.") var package: String
  @Argument(help: "A directory to create.", completion: .directory) var directory: String?
  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      let lifecycle = PackageLifecycle(
        registry: Registry.current(), progress: Terminal.standardError)
      let revision = try lifecycle.resolve(package, namespace: namespace.namespace, fetch: true)
      let files = try lifecycle.files(of: revision)
      let metadata = RevisionMetadata.render(revision)
      if let directory {
        try PackageTransfer.write(files: files, metadata: metadata, to: directory)
      } else {
        Terminal.standardOutput(try PackageTransfer.resourceList(files: files, metadata: metadata))
      }
    }
  }
}

struct RpkgPush: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "push",
    abstract: "Replace a Draft's files with a directory's, or with a ResourceList from stdin (-).",
    discussion: """
      The Draft must still be at the commit recorded in .KptRevisionMetadata when it was pulled; \
      otherwise nothing is written and the command exits 3: pull again and reapply your changes. \
      The Kptfile pipelines are rendered first, as Porch does, and the result is committed as \
      one `Rendering package` commit. If rendering fails nothing is pushed (exit 5), unless \
      --push-on-render-failure is given or the pulled .KptRevisionMetadata carries the \
      annotation porch.kpt.dev/push-on-render-failure: "true"; then the files go in unrendered \
      and the failure is reported.
      """,
    aliases: ["sink", "write"])

  @Argument(help: "The package revision name.") var package: String
  @Argument(help: "The directory to push, or - for stdin.", completion: .directory) var directory:
    String = "-"
  @Flag(help: "Push the files even when rendering them fails.") var pushOnRenderFailure = false
  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      let lifecycle = PackageLifecycle(
        registry: Registry.current(), progress: Terminal.standardError)
      let input =
        directory == "-"
        ? try PackageTransfer.files(fromResourceList: Terminal.readStandardInput())
        : try PackageTransfer.read(directory: directory)
      guard let version = input.resourceVersion.flatMap(ObjectID.init(hex:)) else {
        throw OrchestrationError.invalidOperation(
          "no .KptRevisionMetadata with a resourceVersion; use \"stoop rpkg pull\" to download the package metadata before pushing"
        )
      }
      let revision = try lifecycle.resolve(package, namespace: namespace.namespace, fetch: true)
      Terminal.standardOutput(
        Array(
          (try lifecycle.push(
            revision, files: input.files, expected: version,
            annotations: input.annotations.merging(
              pushOnRenderFailure ? ["porch.kpt.dev/push-on-render-failure": "true"] : [:]
            ) { $1 }) + "\n").utf8))
    }
  }
}

struct RpkgCopy: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "copy",
    abstract: "Start a new Draft of a package from one of its published revisions.",
    aliases: ["edit"])

  @Argument(help: "The published source revision.") var source: String
  @Argument(help: "Older form: the package name, which must be the source's.") var package: String?
  @Option(help: "The workspace of the new revision.") var workspace: String?
  @Option(help: "Older form: names the workspace when --workspace is absent.") var revision: String?
  @Option(help: "Older form: the repository, which must be the source's.") var repository: String?
  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      guard let workspace = workspace ?? revision else {
        throw ValidationError("--workspace is required")
      }
      let lifecycle = PackageLifecycle(
        registry: Registry.current(), progress: Terminal.standardError)
      let sourceRevision = try lifecycle.resolve(
        source, namespace: namespace.namespace, fetch: true)
      if let package, package != sourceRevision.path {
        throw OrchestrationError.invalidOperation(
          "source revision must be from same package: \(sourceRevision.name) is \(sourceRevision.path), not \(package); use stoop rpkg clone to start another package"
        )
      }
      if let repository, repository != sourceRevision.repository {
        throw OrchestrationError.invalidOperation(
          "copy stays in the source's repository \(sourceRevision.repository), not \(repository); use stoop rpkg clone to copy into another repository"
        )
      }
      let created = try lifecycle.copy(sourceRevision, workspace: workspace)
      Terminal.standardOutput(Array("\(created.name) created\n".utf8))
    }
  }
}

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
      """)

  @Argument(help: "The published downstream revision to upgrade, or the revisions to discover for.")
  var sources: [String] = []
  @Option(help: "The upstream revision to move to (default: the newest published one).")
  var revision: Int?
  @Flag(help: "Move to the newest published upstream revision (the default).") var latest = false
  @Option(help: "The workspace of the new revision.") var workspace: String?
  @Option(help: "resource-merge (default), fast-forward, force-delete-replace or copy-merge.")
  var strategy = "resource-merge"
  @Option(help: "Who wins a conflict: upstream (default), local or fail.")
  var onConflict = "upstream"
  @Option(help: "List what can be upgraded instead: upstream or downstream.") var discover: String?
  @Flag(help: "Upgrade every downstream package of --upstream.") var all = false
  @Option(help: "With --all: the upstream package whose downstream packages to upgrade.")
  var upstream: String?
  @Option(help: "With --all: only downstream packages in this repository (repeatable).")
  var repository: [String] = []
  @Option(
    name: [.customShort("o", allowingJoined: true), .long],
    help: "Output format of --discover and --all: table, yaml or json.")
  var output: OutputFormat = .table
  @OptionGroup var namespace: NamespaceOption

  func validate() throws {
    if let discover, discover != "upstream" && discover != "downstream" {
      throw ValidationError("--discover must be upstream or downstream")
    }
    if ConflictPolicy(rawValue: onConflict) == nil {
      throw ValidationError("--on-conflict must be upstream, local or fail")
    }
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
      let policy = ConflictPolicy(rawValue: onConflict) ?? .upstream
      let lifecycle = PackageLifecycle(
        registry: Registry.current(), progress: Terminal.standardError)
      let target = revision == 0 ? nil : revision
      if let discover {
        try Self.discover(
          discover, names: sources, namespace: namespace.namespace, output: output, lifecycle)
      } else if let upstream {
        let blueprint = try lifecycle.resolve(upstream, namespace: namespace.namespace, fetch: true)
        let results = try lifecycle.upgradeAll(
          from: blueprint, to: target, repositories: repository, namespace: namespace.namespace,
          workspace: workspace, strategy: strategy, policy: policy)
        try Self.report(results, policy: policy, blueprint: blueprint, output: output)
      } else if let source = sources.first, let workspace {
        let sourceRevision = try lifecycle.resolve(
          source, namespace: namespace.namespace, fetch: true)
        let outcome = try lifecycle.upgrade(
          sourceRevision, to: target, workspace: workspace, strategy: strategy, policy: policy)
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
    _ direction: String, names: [String], namespace: String, output: OutputFormat,
    _ lifecycle: PackageLifecycle
  ) throws {
    var objects: [YAMLNode] = []
    let all = try lifecycle.registry.packageRevisions(namespace: namespace)
    let named = try names.map { try lifecycle.resolve($0, namespace: namespace, fetch: false) }
    var rows: [[String]]
    if direction == "upstream" {
      rows = [["PACKAGE REVISION", "UPSTREAM REPOSITORY", "UPSTREAM UPDATES"]]
      let listed = names.isEmpty ? all.filter { !$0.isPlaceholder } : named
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

struct RpkgClone: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clone",
    abstract: "Create a new package as a Draft, cloned from an upstream package.",
    discussion: """
      SOURCE is a registered package revision (a published one, or a draft; never a placeholder), \
      or a git repository: a URL or a path, in kpt's REPO.git[/DIRECTORY][@REF] form or with \
      --directory and --ref (REF defaults to main; DIRECTORY/REF is tried before REF, as kpt does). \
      The new package's Kptfile records upstream and upstreamLock, and every object gets kpt's \
      merge key, so that rpkg upgrade and kpt pkg update can merge later upstream changes.
      """)

  @Argument(help: "The upstream: a package revision name or a git repository.") var source: String
  @Argument(help: "The new package's path in the target repository.") var package: String
  @Option(help: "The registered repository to create it in.") var repository: String
  @Option(help: "The workspace of the new revision (default v1).") var workspace: String?
  @Option(help: "Older form: names the workspace when --workspace is absent.") var revision: String?
  @Option(help: "For a git upstream: the package's directory in it.") var directory: String?
  @Option(help: "For a git upstream: a tag, branch or commit.") var ref: String?
  @Option(
    help:
      "Record an update strategy in upstream: resource-merge, fast-forward, force-delete-replace or copy-merge."
  ) var strategy: String?
  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      let lifecycle = PackageLifecycle(
        registry: Registry.current(), progress: Terminal.standardError)
      let upstream: CloneSource
      if CloneSource.isGitURL(source) {
        let parsed = CloneSource.splitKptURL(source)
        if let given = parsed.directory, let directory, Registration.trimmed(directory) != given {
          throw ValidationError("--directory \(directory) contradicts \(given) in \(source)")
        }
        if let given = parsed.ref, let ref, ref != given {
          throw ValidationError("--ref \(ref) contradicts \(given) in \(source)")
        }
        upstream = .git(
          url: parsed.url, directory: directory ?? parsed.directory ?? "/",
          ref: ref ?? parsed.ref ?? "main")
      } else {
        if directory != nil || ref != nil {
          throw ValidationError(
            "--directory and --ref are for a git upstream; \(source) names a package revision")
        }
        upstream = .revision(
          try lifecycle.resolve(source, namespace: namespace.namespace, fetch: true))
      }
      let created = try lifecycle.clone(
        from: upstream, package: package, repository: repository,
        workspace: workspace ?? revision ?? "v1", namespace: namespace.namespace,
        strategy: strategy)
      Terminal.standardOutput(Array("\(created.name) created\n".utf8))
    }
  }
}
