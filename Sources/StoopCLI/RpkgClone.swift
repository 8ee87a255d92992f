import ArgumentParser
import CaD
import Foundation
import Git
import KRM
import Orchestration

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

  @Argument(
    help: "The upstream: a package revision name or a git repository.",
    completion: LiveCompletion.packageRevisions(placeholders: false))
  var source: String
  @Argument(help: "The new package's path in the target repository.") var package: String
  @Option(
    help: "The registered repository to create it in.", completion: LiveCompletion.repositories)
  var repository: String
  @Option(help: "The workspace of the new revision. (default: v1)") var workspace: String?
  @Option(help: "Older form: names the workspace when --workspace is absent.") var revision: String?
  @Option(help: "For a git upstream: the package's directory in it.") var directory: String?
  @Option(help: "For a git upstream: a tag, branch or commit.") var ref: String?
  @Option(
    help: ArgumentHelp("Record an update strategy in upstream.", discussion: UpdateStrategy.values))
  var strategy: UpdateStrategy?
  @OptionGroup var guardrails: GuardrailsExecOption
  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      let lifecycle = PackageLifecycle.current(allowExec: guardrails.allowExec)
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
        strategy: strategy?.rawValue)
      Terminal.standardOutput(Array("\(created.name) created\n".utf8))
    }
  }
}
