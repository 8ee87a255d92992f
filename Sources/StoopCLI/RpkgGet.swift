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
