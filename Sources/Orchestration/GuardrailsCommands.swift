import CaD
import Foundation
import Git
import KRM

/// What `repo guardrails check` found for one package: whether its latest published revision
/// passes, and why not.
public struct GuardrailsVerdict: Sendable {
  public var revision: PackageRevision
  public var passed: Bool
  /// The function that refused it, with its results; nil when it passed or when the guardrails
  /// could not run on it (then `reason` says why).
  public var failedFunction: FunctionResultRecord?
  /// One line: why it fails.
  public var reason: String?
}

extension PackageLifecycle {
  /// The guardrails.yaml of a repository's registered branch, as stored there.
  public func guardrailsFile(_ repository: String, namespace: String)
    throws(OrchestrationError) -> [UInt8]
  {
    try withSession(repository, namespace: namespace, branchOnly: true) { session in
      let registration = session.registration
      guard
        let directory = try Guardrails.directoryTree(
          at: session.branchHead, in: session.clone, registration: registration),
        let file = try session.clone.treeEntries(directory).first(where: {
          $0.name == Guardrails.fileName && $0.mode != .tree
        })
      else {
        throw OrchestrationError.noGuardrails(
          repository: registration.name, branch: registration.branch)
      }
      return try session.clone.blob(file.id)
    }
  }

  /// Commits `guardrails` (its file and the config files beside it) to the top of the
  /// registered branch and directory in one commit, pushed only if the branch is still where it
  /// was read (exit 3 otherwise: run it again). Configs the old guardrails named and the new
  /// ones do not are removed.
  public func setGuardrails(
    _ guardrails: Guardrails, repository: String, namespace: String
  ) throws(OrchestrationError) -> String {
    try withSession(repository, namespace: namespace, branchOnly: true) { session in
      let clone = session.clone
      let registration = session.registration
      let head = session.branchHead
      let old = try? Guardrails.stored(at: head, in: clone, registration: registration)
      var changes: [(name: String, entry: TreeEntry?)] = []
      for name in old?.configs.keys.sorted() ?? [] where guardrails.configs[name] == nil {
        changes.append((name, nil))
      }
      for (name, bytes) in [(Guardrails.fileName, guardrails.bytes)]
        + guardrails.configs.sorted(by: { $0.key < $1.key })
      {
        changes.append((name, TreeEntry(name: name, id: try clone.writeBlob(bytes), mode: .blob)))
      }
      let directory = try Guardrails.directoryTree(at: head, in: clone, registration: registration)
      let updated = try clone.replacingEntries(in: directory, changes)
      let base = try head.map { try clone.commit($0).tree }
      let tree =
        registration.directory.isEmpty
        ? updated : try clone.replacingSubtree(in: base, at: registration.directory, with: updated)
      if tree == base {
        return "\(registration.name) guardrails unchanged"
      }
      let commit = try clone.writeCommit(
        tree: tree, parents: head.map { [$0] } ?? [],
        message: "Set repository guardrails \(guardrails.name)\n", author: session.author,
        committer: session.author)
      try clone.push(
        [
          RefUpdate(
            name: session.branchRef, target: commit, expected: head.map { .value($0) } ?? .absent)
        ], credentials: session.credentials)
      return "\(registration.name) guardrails set"
    }
  }

  /// Runs guardrails (`proposed`, else the repository's own) on the latest published revision
  /// of every package of a repository, as a next revision would meet them: the guardrail
  /// mutators on the revision as published, then the validators. Writes nothing.
  public func checkGuardrails(
    _ repository: String, namespace: String, proposed: Guardrails? = nil
  ) throws(OrchestrationError) -> [GuardrailsVerdict] {
    try withSession(repository, namespace: namespace) { session in
      let registration = session.registration
      guard let guardrails = try proposed ?? session.guardrails() else {
        throw OrchestrationError.noGuardrails(
          repository: registration.name, branch: registration.branch)
      }
      try guardrails.requireExec(allowed: allowExec, repository: registration.name)
      let pipeline = guardrails.pipeline(repository: registration.name, allowExec: allowExec)
      var packages: [(revision: PackageRevision, files: [String: [UInt8]])] = []
      for revision in session.revisions
      where revision.latest
        && (revision.lifecycle == .published || revision.lifecycle == .deletionProposed)
      {
        let tree = try session.clone.commit(revision.commit).tree
        guard let packageTree = try session.clone.entry(at: revision.fullPath, in: tree) else {
          continue
        }
        var files: [String: [UInt8]] = [:]
        for (file, entry) in try session.clone.files(in: packageTree.id) {
          files[file] = try session.clone.blob(entry.id)
        }
        packages.append((revision, files))
      }
      // In memory, and independent of each other: on all cores.
      return packages.concurrentMap { package in
        var renderer = Renderer(options: FunctionOptions(), log: { _ in })
        renderer.appended = pipeline
        do throws(FunctionError) {
          try renderer.check(
            files: package.files,
            name: String(package.revision.path.split(separator: "/").last ?? ""))
          return GuardrailsVerdict(revision: package.revision, passed: true)
        } catch {
          return Self.verdict(package.revision, failure: error)
        }
      }
    }
  }

  private static func verdict(_ revision: PackageRevision, failure error: FunctionError)
    -> GuardrailsVerdict
  {
    let reason =
      error.failedFunction.map(Guardrails.summary(of:))
      ?? String(error.description.split(separator: "\n").first ?? "")
    return GuardrailsVerdict(
      revision: revision, passed: false, failedFunction: error.failedFunction, reason: reason)
  }
}
