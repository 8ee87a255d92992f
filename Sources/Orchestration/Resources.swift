import Foundation
import Git
import KRM

/// A file of a package revision: bytes and git mode.
public struct PackageFileContent: Sendable, Equatable {
  public var bytes: [UInt8]
  public var executable: Bool

  public init(bytes: [UInt8], executable: Bool = false) {
    self.bytes = bytes
    self.executable = executable
  }
}

/// `.KptRevisionMetadata`, the file `rpkg pull` writes beside a package and `rpkg push` reads
/// back for its compare-and-swap.
public enum RevisionMetadata {
  public static let fileName = ".KptRevisionMetadata"

  public static func render(_ revision: PackageRevision) -> [UInt8] {
    Array(
      """
      apiVersion: ""
      kind: KptRevisionMetadata
      metadata:
        name: \(revision.name)
        namespace: \(revision.namespace)
        uid: \(revision.uid)
        resourceVersion: \(revision.commit.hex)
        creationTimestamp: null

      """.utf8)
  }

  /// What a pulled file records, parsed once: the resourceVersion the push compares with, and
  /// the revision's annotations as the user left them (porchctl carries the PackageRevision's
  /// metadata there; `porch.kpt.dev/push-on-render-failure` is read from it).
  public static func read(_ bytes: [UInt8]) -> (
    resourceVersion: String?, annotations: [String: String]
  ) {
    guard let root = (try? YAMLFile(parsing: bytes, name: fileName))?.documents.first?.root
    else { return (nil, [:]) }
    var version: String?
    if root["kind"]?.string == "KptRevisionMetadata",
      let text = root.node(at: ["metadata", "resourceVersion"])?.string
    {
      version = ObjectID(hex: text)?.hex
    }
    var annotations: [String: String] = [:]
    for entry in root.node(at: ["metadata", "annotations"])?.entries ?? []
    where entry.value.isScalar {
      annotations[entry.key.value] = entry.value.value
    }
    return (version, annotations)
  }
}

extension PackageLifecycle {
  /// Every file of a revision, by path relative to the package.
  public func files(of revision: PackageRevision) throws(OrchestrationError) -> [String:
    PackageFileContent]
  {
    let directory = registry.home.repository(
      namespace: revision.namespace, name: revision.repository)
    do {
      let clone = try Repository.open(directory + "/clone.git")
      let tree = try clone.commit(revision.commit).tree
      guard let package = try clone.entry(at: revision.fullPath, in: tree), package.mode == .tree
      else { return [:] }
      var result: [String: PackageFileContent] = [:]
      for (path, entry) in try clone.files(in: package.id) {
        result[path] = PackageFileContent(
          bytes: try clone.blob(entry.id), executable: entry.mode == .executable)
      }
      return result
    } catch {
      throw .git(error, url: directory)
    }
  }

  /// The revision's Kptfile, when it has a readable one.
  public func kptfile(of revision: PackageRevision) -> Kptfile? {
    KptfileReader(lifecycle: self).kptfile(of: revision)
  }

  /// A reader for the Kptfiles of many revisions (a listing's).
  public func kptfileReader() -> KptfileReader {
    KptfileReader(lifecycle: self)
  }

  /// Replaces a Draft's files (`rpkg push`): one `Rendering package` commit on the draft, pushed
  /// only if the draft is still at `expected` (the head recorded at pull time).
  /// The files are rendered first, as Porch does; a render failure refuses the push unless the
  /// pulled metadata carries `porch.kpt.dev/push-on-render-failure: "true"`.
  public func push(
    _ revision: PackageRevision, files: [String: PackageFileContent], expected: ObjectID,
    annotations: [String: String] = [:]
  ) throws(OrchestrationError) -> String {
    try pushReturningHead(revision, files: files, expected: expected, annotations: annotations)
      .message
  }

  /// `push`, with the draft's head after it.
  func pushReturningHead(
    _ revision: PackageRevision, files: [String: PackageFileContent], expected: ObjectID,
    annotations: [String: String] = [:]
  ) throws(OrchestrationError) -> (message: String, head: ObjectID) {
    guard files["Kptfile"] != nil else {
      throw .lifecycle("package must contain Kptfile at root; nothing was pushed")
    }
    return try withSession(
      revision.repository, namespace: revision.namespace, package: revision.path
    ) { session in
      let current = try current(revision, in: session)
      guard current.lifecycle == .draft else {
        throw OrchestrationError.lifecycle(
          "cannot update a package revision with lifecycle value \"\(current.lifecycle.rawValue)\"; package must be Draft; "
            + (current.lifecycle == .proposed
              ? "send it back to Draft first: stoop rpkg reject \(current.name)"
              : Self.immutableHint(current)))
      }
      let clone = session.clone
      let moved = OrchestrationError.conflict(
        "\(current.name) moved since it was pulled (pulled \(expected.short), now \(current.commit.short)); "
          + "pull it again and reapply your changes")
      // The draft moved: either someone else pushed (refused), or this very push already
      // landed (a retry after a push whose reply was lost or whose process was killed).
      let head = try clone.commit(current.commit)
      guard current.commit == expected || head.parents.first == expected else { throw moved }
      let rendered = try rendered(
        files, package: current.path, guardrails: try session.guardrails(),
        repository: session.registration.name,
        refusal:
          "Package NOT pushed to remote. Fix locally (until 'stoop fn render' succeeds) and retry",
        allowFailure: annotations[PackageRendering.pushOnRenderFailure] == "true")
      let packageTree = try clone.writeTree(package: rendered)
      if current.commit != expected {
        guard try clone.entry(at: current.fullPath, in: head.tree)?.id == packageTree else {
          throw moved
        }
        return ("\(current.name) pushed", current.commit)
      }
      let base = head.tree
      if try clone.entry(at: current.fullPath, in: base)?.id == packageTree {
        return ("\(current.name) pushed", current.commit)  // nothing changed: no new commit
      }
      let tree = try clone.replacingSubtree(in: base, at: current.fullPath, with: packageTree)
      let message =
        "Rendering package\n\n\n"
        + Self.annotation(
          package: current.fullPath, workspace: current.workspace, revision: "0",
          task: "{\"type\":\"render\"}") + "\n"
      let commit = try clone.writeCommit(
        tree: tree, parents: [current.commit], message: message, author: session.author,
        committer: Self.porch)
      try clone.push(
        [RefUpdate(name: current.ref, target: commit, expected: .value(current.commit))],
        credentials: session.credentials)
      return ("\(current.name) pushed", commit)
    }
  }

  /// A new Draft of the same package from a published revision (`rpkg copy`, alias `edit`).
  public func copy(_ source: PackageRevision, workspace: String) throws(OrchestrationError)
    -> PackageRevision
  {
    try Registry.validate(workspace: workspace)
    return try withSession(source.repository, namespace: source.namespace, package: source.path) {
      session in
      let current = try current(source, in: session)
      guard current.lifecycle == .published || current.lifecycle == .deletionProposed else {
        throw OrchestrationError.lifecycle(
          "source revision must be published; \(current.name) is \(current.lifecycle.rawValue): "
            + (current.lifecycle == .draft
              ? "propose and approve it first (stoop rpkg propose, stoop rpkg approve)"
              : "approve it first: stoop rpkg approve \(current.name)"))
      }
      guard !current.isPlaceholder else {
        let published = session.revisions.filter { $0.path == current.path && $0.revision > 0 }
        guard let latest = published.max(by: { $0.revision < $1.revision }) else {
          throw OrchestrationError.lifecycle(
            "source revision may not be the placeholder \(current.name); \(current.path) has no published revision left, only its "
              + Self.orphanHint(current))
        }
        throw OrchestrationError.lifecycle(
          "source revision may not be the placeholder \(current.name); name a published revision such as "
            + latest.name)
      }
      if session.revisions.contains(where: { $0.path == current.path && $0.workspace == workspace })
      {
        throw OrchestrationError.lifecycle(
          "package revision workspaceNames must be unique; \(current.path) already has workspace \(workspace)"
        )
      }
      let clone = session.clone
      guard
        let packageTree = try clone.entry(
          at: current.fullPath, in: try clone.commit(current.commit).tree)
      else {
        throw OrchestrationError.lifecycle("\(current.name) has no \(current.fullPath) directory")
      }
      let tree = try renderedTree(
        packageTree.id, package: current.path, in: session,
        refusal: "cannot copy \(current.name): rendering failed")
      let task =
        "{\"type\":\"edit\",\"edit\":{\"sourceRef\":{\"name\":" + GoJSON.quote(current.name) + "}}}"
      return try Self.createDraft(
        path: current.path, workspace: workspace, packageTree: tree,
        subject: "Creating new revision by copying previous revision", task: task, in: session)
    }
  }
}
