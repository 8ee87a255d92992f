import Foundation
import Git
import KRM

/// The sync repository target (sync.md §5.3): manifests committed as `<path>/<name>.<kind>.yaml`
/// to the registered branch of a registered repository that a bootstrap RootSync watches
/// (Nephio's "deployed packages" folder). Each change is one commit, pushed as every stoop write
/// is: under the registration's lock, after a fetch, with the branch's expected old value, so a
/// remote that moved meanwhile refuses it (exit 3) and nothing is lost.
extension SyncDeployer {
  /// Commits (or updates) a sync's manifest; nothing when it is already there as it would be.
  func commit(_ manifest: SyncManifest, to target: SyncTarget.Repository)
    throws(OrchestrationError) -> String
  {
    let path = target.file(name: manifest.request.name, kind: manifest.kind)
    let what = "\(manifest.kind.kind) \(manifest.request.name)"
    return try onBranch(of: target) { clone, base in
      try Self.refusePackageFolder(target, in: base, clone: clone)
      let blob = try clone.writeBlob(manifest.yaml())
      let existing = try clone.entry(at: path, in: base)
      if existing?.id == blob && existing?.mode == .blob {
        return (nil, "\(what) is already in \(target.name):\(path)")
      }
      let source = manifest.source
      let verb = existing == nil ? "Deploy" : "Update"
      return (
        (
          try clone.replacingEntry(in: base, at: path, with: blob, mode: .blob),
          "\(verb) \(source.package) \(source.revisionLabel) as \(what)\n\n\(source.tag) at \(source.commit.hex)\n"
        ),
        "\(what) committed to \(target.name):\(path): \(source.package)@\(source.revisionLabel) (\(source.tag) at \(source.commit.short))"
      )
    }
  }

  /// `sync del NAME --to-repository R --to-path P`: the manifest removed in one commit.
  func removeManifest(named name: String, kind: SyncKind?, from target: SyncTarget.Repository)
    throws(OrchestrationError) -> String
  {
    try onBranch(of: target) { clone, base in
      let kinds = kind.map { [$0] } ?? SyncKind.allCases
      let found = try kinds.filter {
        try clone.entry(at: target.file(name: name, kind: $0), in: base) != nil
      }
      guard let kind = found.first else {
        throw OrchestrationError.notFound(
          "no sync \"\(name)\" in \(target.description) (no \(kinds.map { SyncManifest.fileName(name: name, kind: $0) }.joined(separator: " or "))); see stoop sync get --to-repository \(target.name) --to-path \(target.path.isEmpty ? "/" : target.path)"
        )
      }
      guard found.count == 1 else {
        throw OrchestrationError.usage(
          "\(target.description) holds both a RootSync and a RepoSync named \(name); give --kind")
      }
      let path = target.file(name: name, kind: kind)
      return (
        (
          try clone.replacingEntry(in: base, at: path, with: nil, mode: .blob),
          "Remove \(kind.kind) \(name)\n"
        ),
        "\(kind.kind) \(name) removed from \(target.name):\(path)"
      )
    }
  }

  /// Runs `change` on the registered branch's tree, under the lock, after a fetch of the branch;
  /// a tree it returns is committed on the branch and pushed with the branch's old value.
  private func onBranch(
    of target: SyncTarget.Repository,
    _ change: (Repository, ObjectID) throws -> (
      commit: (tree: ObjectID, message: String)?, said: String
    )
  ) throws(OrchestrationError) -> String {
    try lifecycle.withLockedClone(
      target.name, namespace: target.namespace, fetching: { ["refs/heads/" + $0.branch] }
    ) { registration, clone, credentials in
      guard let head = try clone.reference("refs/remotes/origin/" + registration.branch) else {
        throw OrchestrationError.branchMissing(branch: registration.branch, url: registration.url)
      }
      let (commit, said) = try change(clone, try clone.commit(head).tree)
      guard let commit else { return said }
      let author = PackageLifecycle.author(of: registration, in: clone)
      let id = try clone.writeCommit(
        tree: commit.tree, parents: [head], message: commit.message, author: author,
        committer: author)
      FaultInjection.point("sync.repository.committed")
      try clone.push(
        [
          RefUpdate(
            name: "refs/heads/" + registration.branch, target: id, expected: .value(head))
        ], credentials: credentials)
      return said + ", \(id.short)"
    }
  }

  /// Manifests do not go inside a package: the branch's copy of a package is Porch's to write.
  private static func refusePackageFolder(
    _ target: SyncTarget.Repository, in tree: ObjectID, clone: Repository
  ) throws {
    var folder = ""
    for part in target.path.split(separator: "/") {
      folder = folder.isEmpty ? String(part) : folder + "/" + part
      if try clone.entry(at: folder + "/Kptfile", in: tree) != nil {
        throw OrchestrationError.invalidOperation(
          "\(target.name):\(target.path) is inside the package \(folder); give --to-path a folder outside packages"
        )
      }
    }
  }

  /// The rows of every sync whose manifest is in the target's folder.
  func syncs(in target: SyncTarget.Repository, freshness: inout FreshnessCheck)
    throws(OrchestrationError) -> [DeployedSync]
  {
    let registration = try registry.get(target.name, namespace: target.namespace)
    if !freshness.offline { _ = try registry.sync(target.name, namespace: target.namespace) }
    let directory = registry.home.repository(namespace: target.namespace, name: target.name)
    var found: [(path: String, object: YAMLNode, created: Date?)] = []
    do {
      let clone = try Repository.open(directory + "/clone.git")
      guard let head = try clone.reference("refs/remotes/origin/" + registration.branch) else {
        throw OrchestrationError.branchMissing(branch: registration.branch, url: registration.url)
      }
      let tree = try clone.commit(head).tree
      let folder =
        target.path.isEmpty
        ? tree
        : try clone.entry(at: target.path, in: tree).flatMap {
          $0.mode == .tree ? $0.id : nil
        }
      for entry in try folder.map({ try clone.treeEntries($0) }) ?? []
      where entry.mode != .tree
        && SyncKind.allCases.contains(where: { entry.name.hasSuffix(".\($0.rawValue).yaml") })
      {
        let path = target.path.isEmpty ? entry.name : target.path + "/" + entry.name
        guard let yaml = try? YAMLFile(parsing: try clone.blob(entry.id), name: path),
          let object = yaml.documents.first(where: {
            SyncKind(kind: $0.root["kind"]?.string ?? "") != nil
          })?.root
        else {
          warn("\(target.name):\(path) holds no RootSync or RepoSync (skipped)")
          continue
        }
        found.append((path, object, try Self.firstWritten(path, from: head, in: clone)))
      }
    } catch let error as OrchestrationError {
      throw error
    } catch let error as GitError {
      throw .git(error, url: registration.url)
    } catch {
      throw .io(path: directory, reason: "\(error)")
    }
    return found.map {
      row(for: $0.object, at: $0.path, created: $0.created, in: target, freshness: &freshness)
    }
  }

  private func row(
    for object: YAMLNode, at path: String, created: Date?, in target: SyncTarget.Repository,
    freshness: inout FreshnessCheck
  ) -> DeployedSync {
    func field(_ keys: String...) -> String? { object.node(at: keys)?.string }
    let annotation = { (key: String) in field("metadata", "annotations", key) }
    let repository = annotation(SyncManifest.Annotation.repository)
    let package = annotation(SyncManifest.Annotation.package)
    let revision =
      annotation(SyncManifest.Annotation.revision) ?? field("spec", "git", "revision") ?? ""
    let commit = annotation(SyncManifest.Annotation.commit) ?? ""
    var source = Freshness(upToDate: .unknown, latest: nil, notes: [])
    if let repository, let package, let directory = field("spec", "git", "dir") {
      source = freshness.check(
        repository: repository, namespace: target.namespace, package: package,
        tag: directory + "/" + revision, commit: commit)
    } else {
      source.notes = ["not written by stoop sync create (no stoop.dev annotations)"]
    }
    return DeployedSync(
      name: field("metadata", "name") ?? "", kind: field("kind") ?? "",
      namespace: field("metadata", "namespace"),
      package: [repository, package].compactMap { $0 }.joined(separator: "/"), revision: revision,
      commit: commit, status: DeployedSync.Status.notObserved.rawValue,
      upToDate: source.upToDate, created: created, target: target.name + ":" + path,
      object: object, notes: source.notes)
  }

  /// When the file at `path` appeared, as a sync object's age: the oldest commit of the
  /// branch's first-parent history that has it without a gap (500 commits back at most).
  private static func firstWritten(_ path: String, from head: ObjectID, in clone: Repository)
    throws -> Date?
  {
    var oldest: Commit?
    var next: ObjectID? = head
    var steps = 0
    while let id = next, steps < 500 {
      let commit = try clone.commit(id)
      guard try clone.entry(at: path, in: commit.tree) != nil else { break }
      oldest = commit
      next = commit.parents.first
      steps += 1
    }
    return oldest.map { Date(timeIntervalSince1970: TimeInterval($0.committer.time)) }
  }
}
