import ArgumentParser
import CaD
import Foundation
import Git
import KRM
import Orchestration

struct RpkgInit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Create a new package as a Draft (kpt's Kptfile, package-context.yaml and README.md)."
  )

  @Argument(help: "The package path in the repository (lowercase DNS labels joined by /).")
  var package: String

  @Option(
    help: "The registered repository to create it in.", completion: LiveCompletion.repositories)
  var repository: String

  @Option(help: "The workspace of the new revision. (default: v1)")
  var workspace: String?

  @Option(help: "Older form: names the workspace when --workspace is absent.")
  var revision: String?

  @Option(help: "The package description.")
  var description: String = "sample description"

  @Option(parsing: .upToNextOption, help: "Keywords (space or comma separated).")
  var keywords: [String] = []

  @Option(help: "The package's site.")
  var site: String?

  @OptionGroup var guardrails: GuardrailsExecOption
  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      let workspace = workspace ?? revision ?? "v1"
      let created = try PackageLifecycle.current(allowExec: guardrails.allowExec).initialize(
        package: package, repository: repository, workspace: workspace,
        namespace: namespace.namespace,
        description: description,
        keywords: keywords.flatMap { $0.split(separator: ",").map(String.init) },
        site: site)
      Terminal.standardOutput(Array("\(created.name) created\n".utf8))
    }
  }
}
