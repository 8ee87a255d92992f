import ArgumentParser
import CaD
import Foundation
import Git
import KRM
import Orchestration

struct RpkgPull: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pull",
    abstract:
      "Read a package revision's files into a new directory, or as a ResourceList on stdout.",
    discussion: """
      DIR gets every file of the revision and a .KptRevisionMetadata recording the commit it was \
      read from, which rpkg push checks. An existing DIR pulled from the same revision, with no \
      change that was not pushed, is refreshed to the revision as it is now. Without DIR the \
      files go to stdout as one ResourceList; files that are not YAML travel as \
      stoop.dev/v1alpha1 File items so that nothing is lost.
      """,
    aliases: ["source", "read"])

  @Argument(help: "The package revision name.", completion: LiveCompletion.packageRevisions())
  var package: String
  @Argument(help: "A directory to create.", completion: .directory) var directory: String?
  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      let lifecycle = PackageLifecycle(
        registry: Registry.current(), progress: Terminal.standardError)
      let revision = try lifecycle.resolve(package, namespace: namespace.namespace, fetch: true)
      if let directory {
        try lifecycle.pull(revision, into: directory)
      } else {
        Terminal.standardOutput(
          try PackageTransfer.resourceList(
            files: try lifecycle.files(of: revision), metadata: RevisionMetadata.render(revision)))
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
      After a push the directory holds the Draft's new head (rendered files and metadata), so it \
      can be edited and pushed again. \
      The Kptfile pipelines are rendered first, as Porch does, and the result is committed as \
      one `Rendering package` commit. If rendering fails nothing is pushed (exit 5), unless \
      --push-on-render-failure is given or the pulled .KptRevisionMetadata carries the \
      annotation porch.kpt.dev/push-on-render-failure: "true"; then the files go in unrendered \
      and the failure is reported. The repository's guardrail mutators run after the pipeline; \
      its validators' verdict is recorded in the Kptfile's stoop.dev/Guardrails condition, and a \
      Draft that fails them is pushed all the same but cannot be proposed until it passes.
      """,
    aliases: ["sink", "write"])

  @Argument(help: "The Draft's name.", completion: LiveCompletion.packageRevisions([.draft]))
  var package: String
  @Argument(help: "The directory to push, or - for stdin.", completion: .directory) var directory:
    String = "-"
  @Flag(help: "Push the files even when rendering them fails.") var pushOnRenderFailure = false
  @OptionGroup var guardrails: GuardrailsExecOption
  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      let lifecycle = PackageLifecycle.current(allowExec: guardrails.allowExec)
      let revision = try lifecycle.resolve(package, namespace: namespace.namespace, fetch: true)
      let message =
        directory == "-"
        ? try lifecycle.push(
          revision,
          resourceList: Terminal.readStandardInput(
            waitingFor:
              "a ResourceList to push to \(revision.name) (give a directory to push a pulled one)"),
          pushOnRenderFailure: pushOnRenderFailure)
        : try lifecycle.push(
          revision, directory: directory, pushOnRenderFailure: pushOnRenderFailure)
      Terminal.standardOutput(Array((message + "\n").utf8))
    }
  }
}
