import ArgumentParser
import CaD
import Foundation
import Git
import KRM
import Orchestration

struct RpkgCopy: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "copy",
    abstract: "Start a new Draft of a package from one of its published revisions.",
    aliases: ["edit"])

  @Argument(
    help: "The published source revision.",
    completion: LiveCompletion.packageRevisions(
      [.published, .deletionProposed], placeholders: false)
  )
  var source: String
  @Argument(help: "Older form: the package name, which must be the source's.") var package: String?
  @Option(help: "The workspace of the new revision.") var workspace: String?
  @Option(help: "Older form: names the workspace when --workspace is absent.") var revision: String?
  @Option(
    help: "Older form: the repository, which must be the source's.",
    completion: LiveCompletion.repositories)
  var repository: String?
  @OptionGroup var guardrails: GuardrailsExecOption
  @OptionGroup var namespace: NamespaceOption

  func validate() throws {
    if workspace == nil && revision == nil {
      throw ValidationError("--workspace is required")
    }
  }

  func run() throws {
    try ErrorReporter.run {
      let workspace = workspace ?? revision ?? ""
      let lifecycle = PackageLifecycle.current(allowExec: guardrails.allowExec)
      let sourceRevision = try lifecycle.resolve(
        source, namespace: namespace.namespace, fetch: true)
      if let package, package != sourceRevision.path {
        throw OrchestrationError.invalidOperation(
          "source revision must be from same package: \(sourceRevision.name) is \(sourceRevision.path), not \(package); use stoop rpkg clone to start another package"
        )
      }
      if let repository, ResourceName.repositoryName(repository) != sourceRevision.repository {
        throw OrchestrationError.invalidOperation(
          "copy stays in the source's repository \(sourceRevision.repository), not \(repository); use stoop rpkg clone to copy into another repository"
        )
      }
      let created = try lifecycle.copy(sourceRevision, workspace: workspace)
      Terminal.standardOutput(Array("\(created.name) created\n".utf8))
    }
  }
}
