import ArgumentParser
import CaD
import Foundation
import Git
import KRM
import Orchestration

/// propose, approve, reject, propose-delete and del share their shape: names in, one line each.
protocol RevisionTransition: ParsableCommand {
  var names: [String] { get }
  var namespace: NamespaceOption { get }
  /// `--allow-exec`, for the steps that run the repository's guardrails.
  var allowExec: Bool { get }
  static func apply(_ lifecycle: PackageLifecycle, _ revision: PackageRevision) throws
    -> TransitionOutcome
}

extension RevisionTransition {
  var allowExec: Bool { false }

  func run() throws {
    try ErrorReporter.run {
      let lifecycle = PackageLifecycle.current(allowExec: allowExec)
      var failures: [Error] = []
      for name in names {
        do {
          let revision = try lifecycle.resolve(name, namespace: namespace.namespace)
          let outcome = try Self.apply(lifecycle, revision)
          if outcome.isNotice {
            Terminal.standardError(outcome.message + "\n")
          } else {
            Terminal.standardOutput(Array((outcome.message + "\n").utf8))
          }
        } catch {
          // porchctl's shape, for one name as for many.
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
    commandName: "propose",
    abstract: "Propose Draft package revisions for approval.",
    discussion: """
      Each Draft is rendered again, with the repository's guardrail mutators after its own \
      pipeline, and must pass the repository's guardrail validators: a Draft that fails them is \
      not proposed (exit 5, the [FAIL] report on stderr, nothing moved). A guardrails change \
      that lands on the registered branch meanwhile refuses the proposal with exit 3; run it \
      again.
      """)
  @Argument(
    help: "Package revision names.", completion: LiveCompletion.packageRevisions([.draft]))
  var names: [String]
  @OptionGroup var guardrails: GuardrailsExecOption
  @OptionGroup var namespace: NamespaceOption
  var allowExec: Bool { guardrails.allowExec }
  static func apply(_ lifecycle: PackageLifecycle, _ revision: PackageRevision) throws
    -> TransitionOutcome
  {
    try lifecycle.propose(revision)
  }
}

struct RpkgApprove: RevisionTransition {
  static let configuration = CommandConfiguration(
    commandName: "approve",
    abstract: "Approve Proposed package revisions: publish them as the next vN.",
    discussion: """
      The repository's guardrail validators run again on the exact tree being published; a \
      revision that fails them is not approved (exit 5, the [FAIL] report on stderr, nothing \
      published). No flag skips them.
      """)
  @Argument(
    help: "Package revision names.", completion: LiveCompletion.packageRevisions([.proposed]))
  var names: [String]
  @OptionGroup var guardrails: GuardrailsExecOption
  @OptionGroup var namespace: NamespaceOption
  var allowExec: Bool { guardrails.allowExec }
  static func apply(_ lifecycle: PackageLifecycle, _ revision: PackageRevision) throws
    -> TransitionOutcome
  {
    .done(try lifecycle.approve(revision))
  }
}

struct RpkgReject: RevisionTransition {
  static let configuration = CommandConfiguration(
    commandName: "reject",
    abstract: "Send Proposed revisions back to Draft, or cancel a proposed deletion.")
  @Argument(
    help: "Package revision names.",
    completion: LiveCompletion.packageRevisions([.proposed, .deletionProposed]))
  var names: [String]
  @OptionGroup var namespace: NamespaceOption
  static func apply(_ lifecycle: PackageLifecycle, _ revision: PackageRevision) throws
    -> TransitionOutcome
  {
    .done(try lifecycle.reject(revision))
  }
}

struct RpkgProposeDelete: RevisionTransition {
  static let configuration = CommandConfiguration(
    commandName: "propose-delete", abstract: "Propose Published package revisions for deletion.",
    aliases: ["propose-del"])
  @Argument(
    help: "Package revision names.", completion: LiveCompletion.packageRevisions([.published]))
  var names: [String]
  @OptionGroup var namespace: NamespaceOption
  static func apply(_ lifecycle: PackageLifecycle, _ revision: PackageRevision) throws
    -> TransitionOutcome
  {
    try lifecycle.proposeDelete(revision)
  }
}

struct RpkgDelete: RevisionTransition {
  static let configuration = CommandConfiguration(
    commandName: "del",
    abstract: "Delete Draft or Proposed revisions, or revisions proposed for deletion.",
    aliases: ["delete"])
  @Argument(
    help: "Package revision names.",
    completion: LiveCompletion.packageRevisions([.draft, .proposed, .deletionProposed]))
  var names: [String]
  @OptionGroup var namespace: NamespaceOption
  static func apply(_ lifecycle: PackageLifecycle, _ revision: PackageRevision) throws
    -> TransitionOutcome
  {
    .done(try lifecycle.delete(revision))
  }
}
