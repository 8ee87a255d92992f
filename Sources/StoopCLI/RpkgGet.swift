import ArgumentParser
import CaD
import Foundation
import Git
import KRM
import Orchestration

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

  @Argument(
    help: "Package revision names to show (default: all).",
    completion: LiveCompletion.packageRevisions())
  var names: [String] = []

  @Option(
    help: """
      Show only revisions of this package (its path in the repository): the package of exactly \
      this name, or, when there is none, every package whose name contains it.
      """,
    completion: LiveCompletion.packages)
  var name: String?

  @Option(
    name: [.long, .customLong("rev", withSingleDash: false)], parsing: .unconditional,
    help: "Show only this revision: a number (2), its tag form (v2), or -2 for any.")
  var revision: String?

  @Option(
    name: [.customShort("w"), .long, .customLong("ws")],
    help: "Show only revisions with this workspace.")
  var workspace: String?

  @Option(
    name: [.customShort("r"), .long, .customLong("repo")],
    help: "Show only revisions in this repository.", completion: LiveCompletion.repositories)
  var repository: String?

  @Flag(help: "Print the root Kptfile of the one package revision named, as stored.")
  var showKptfile = false

  @Flag(name: [.customShort("A"), .long], help: "List package revisions of every namespace.")
  var allNamespaces = false

  @Flag(help: "Read the local clones without fetching.")
  var offline = false

  @OptionGroup(title: "Printing (kubectl's printer flags)") var printing: PrintFlags

  @OptionGroup var selector: SelectorOption

  @OptionGroup var namespace: NamespaceOption

  func validate() throws {
    guard showKptfile else { return }
    // porchctl's own messages for these.
    guard names.count == 1 else {
      throw ValidationError(
        "--show-kptfile requires exactly one package revision name as an argument")
    }
    guard name == nil && revision == nil && workspace == nil else {
      throw ValidationError(
        "--show-kptfile cannot be combined with --name, --revision, or --workspace")
    }
    guard !allNamespaces else {
      throw ValidationError("--show-kptfile cannot be combined with --all-namespaces")
    }
  }

  func run() throws {
    try ErrorReporter.run {
      let format = try printing.format()
      let registry = Registry.current()
      let lifecycle = PackageLifecycle(registry: registry, progress: Terminal.standardError)
      let scope = allNamespaces ? nil : namespace.namespace
      if showKptfile {
        let revision = try lifecycle.resolve(
          names[0], namespace: namespace.namespace, fetch: !offline)
        guard let kptfile = try lifecycle.files(of: revision)[Kptfile.fileName] else {
          throw OrchestrationError.invalidOperation(
            "package revision \"\(revision.name)\" does not contain a root Kptfile")
        }
        return Terminal.standardOutput(kptfile.bytes)
      }
      var revisions: [PackageRevision]
      if !names.isEmpty && !allNamespaces {
        // Named revisions: list just their packages.
        revisions = try names.map {
          try lifecycle.resolve($0, namespace: namespace.namespace, fetch: !offline)
        }
      } else {
        let all = try registry.packageRevisions(namespace: scope, offline: offline)
        revisions =
          try names.isEmpty
          ? all
          : names.map { wanted in
            guard let found = all.first(where: { $0.isNamed(wanted) }) else {
              throw OrchestrationError.packageRevisionNotFound(
                name: wanted, namespace: namespace.namespace,
                nearest: Spelling.nearest(to: wanted, in: all.map(\.name)))
            }
            return found
          }
      }
      revisions = PackageRevisionQuery(
        name: name, revision: revision, workspace: workspace, repository: repository
      ).filter(revisions)
      // The Kptfile only feeds the object's fields, which tables and names do not show.
      let plain = [.table, .wide, .name].contains(format) && printing.sortBy == nil
      let kptfiles = plain ? nil : lifecycle.kptfileReader()
      var listing = Listings.packageRevisions(
        revisions, registrations: try registry.list(namespace: scope),
        singleItem: names.count == 1,
        kptfile: { kptfiles?.objectKptfile(of: $0) })
      kptfiles?.save()
      listing.items = listing.items.filter(selector.matches)
      if listing.items.isEmpty && format.isSilentWhenEmpty {
        Terminal.standardError(
          "No package revisions found\(scope.map { " in namespace \"\($0)\"" } ?? "").\n")
      }
      try KubectlPrinter.write(
        listing, as: format, options: printing.options(withNamespace: allNamespaces),
        to: Terminal.standardOutput)
    }
  }
}
