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
