import CaD
import Foundation
import Git
import KRM

/// What `rpkg upgrade` made, and what it could not merge cleanly.
public struct UpgradeOutcome: Sendable {
  public var revision: PackageRevision
  public var oldUpstream: PackageRevision
  public var newUpstream: PackageRevision
  public var conflicts: [MergeConflict]
}

extension PackageLifecycle {
  /// A new Draft of a downstream package moved to a newer revision of its upstream (porch-git.md
  /// §4.4, §7.4): a three-way merge of the source revision (local) against the old upstream
  /// (origin) and the new one (updated), the Kptfile's upstream and lock set to the new upstream,
  /// merge keys ensured, rendered, and one `Upgrading revision` commit on `drafts/<path>/<ws>`.
  ///
  /// The old upstream is the published revision the source's Kptfile `upstreamLock` names (a
  /// registered repository with that URL, the lock's directory and tag). `revision` nil takes
  /// the newest published revision of the same upstream package.
  public func upgrade(
    _ source: PackageRevision, to revision: Int?, workspace: String,
    strategy: String = "resource-merge", policy: ConflictPolicy = .upstream
  ) throws(OrchestrationError) -> UpgradeOutcome {
    try upgrade(
      source, to: revision, workspace: workspace, strategy: strategy, policy: policy,
      among: try registry.packageRevisions(namespace: nil, offline: true))
  }

  /// The same, looking the upstreams up among `revisions` (every registered revision, listed
  /// once by a caller that upgrades several packages).
  func upgrade(
    _ source: PackageRevision, to revision: Int?, workspace: String, strategy: String,
    policy: ConflictPolicy, among revisions: [PackageRevision]
  ) throws(OrchestrationError) -> UpgradeOutcome {
    try Registry.validate(workspace: workspace)
    guard source.lifecycle == .published || source.lifecycle == .deletionProposed,
      !source.isPlaceholder
    else {
      throw .lifecycle(
        "\(source.name) is \(source.lifecycle.rawValue); upgrade a published revision such as \(source.repository)/\(source.path)@v1"
      )
    }
    let sourceKptfile = kptfile(of: source)
    let old: PackageRevision
    if let lock = sourceKptfile?.upstreamLock {
      old = try upstreamRevision(
        repo: lock.repo, directory: lock.directory, ref: lock.ref, among: revisions)
    } else if let found = Self.upstreamByTasks(of: source, among: revisions) {
      old = found
    } else {
      throw .lifecycle(
        "\(source.name) has no upstreamLock in its Kptfile and no clone in its history; only a package cloned from a registered upstream can be upgraded"
      )
    }
    let new = try upgradeTarget(of: old, revision: revision, among: revisions)
    if new.revision <= old.revision && revision == nil {
      throw .lifecycle(
        "\(source.name) is up to date with \(new.name) (v\(new.revision)); nothing to upgrade")
    }

    let local = try files(of: source)
    var origin = try files(of: old)
    var updated = try fetchUpstream(.revision(new), namespace: source.namespace)
    // A deployment repository's clone got its package context; both upstream versions get the
    // same, so that it is neither a local change nor replaced by the blueprint's.
    if try registry.get(source.repository, namespace: source.namespace).deployment {
      origin = Self.withPackageContexts(origin, package: source.path)
      updated.files = Self.withPackageContexts(updated.files, package: source.path)
    }
    // The new upstream keeps the downstream's update strategy.
    let strategyField = sourceKptfile?.upstream?.updateStrategy
    let merged = try PackageFileContent.merge(
      origin: origin, updated: updated.files, local: local, strategy: strategy, policy: policy,
      upstream: Upstream(
        type: "git", repo: updated.lock.repo, directory: updated.lock.directory,
        ref: updated.lock.ref, updateStrategy: strategyField),
      lock: updated.lock, name: source.path, refusal: "cannot upgrade \(source.name)")

    let task =
      "{\"type\":\"upgrade\",\"upgrade\":{\"oldUpstreamRef\":{\"name\":" + GoJSON.quote(old.name)
      + "},\"newUpstreamRef\":{\"name\":" + GoJSON.quote(new.name)
      + "},\"localPackageRevisionRef\":{\"name\":" + GoJSON.quote(source.name)
      + "},\"strategy\":" + GoJSON.quote(strategy) + "}}"
    let created = try withSession(
      source.repository, namespace: source.namespace, package: source.path
    ) { session in
      if session.revisions.contains(where: { $0.path == source.path && $0.workspace == workspace })
      {
        throw OrchestrationError.lifecycle(
          "package revision workspaceNames must be unique; \(source.path) already has workspace \(workspace)"
        )
      }
      let rendered = try renderedTree(
        files: merged.files, package: source.path, in: session,
        refusal: "cannot upgrade \(source.name): rendering failed")
      return try Self.createDraft(
        path: source.path, workspace: workspace, packageTree: rendered,
        subject: "Upgrading revision", task: task, in: session)
    }
    return UpgradeOutcome(
      revision: created, oldUpstream: old, newUpstream: new, conflicts: merged.conflicts)
  }

  /// The registered published revision an upstream lock names, among `revisions`.
  func upstreamRevision(
    repo: String, directory: String, ref: String, among revisions: [PackageRevision]
  ) throws(OrchestrationError) -> PackageRevision {
    let wanted = LockedUpstream.comparable(repo)
    let registrations = try registry.list(namespace: nil).filter {
      LockedUpstream.comparable($0.url) == wanted
    }
    guard !registrations.isEmpty else {
      throw .lifecycle(
        "the upstream \(repo) is not a registered repository; register it with stoop repo register to upgrade from it"
      )
    }
    for registration in registrations {
      let prefix = registration.directory.isEmpty ? "" : registration.directory + "/"
      let path = directory.hasPrefix(prefix) ? String(directory.dropFirst(prefix.count)) : directory
      if let found = revisions.first(where: {
        $0.repository == registration.name && $0.namespace == registration.namespace
          && $0.path == path && $0.shortRef == ref && $0.revision > 0
      }) {
        return found
      }
    }
    throw .lifecycle(
      "the upstream revision \(directory)@\(ref) of \(repo) is not a published revision any more; it cannot serve as the merge base"
    )
  }

  /// `files` with the package contexts a clone named `package` got (the root's named after
  /// the package, as the clone renamed its Kptfile); the Kptfiles themselves stay as they are.
  static func withPackageContexts(_ files: [String: PackageFileContent], package: String)
    -> [String: PackageFileContent]
  {
    var named = files.mapValues(\.bytes)
    if let bytes = named[Kptfile.fileName],
      var kptfile = try? Kptfile.parse(bytes, file: Kptfile.fileName)
    {
      kptfile.name = package
      named[Kptfile.fileName] = kptfile.bytes()
    }
    var result = files
    for (path, bytes) in UpstreamRewrite.packageContexts(named, packagePath: package)
    where !Kptfile.isKptfile(path: path) && named[path] != bytes {
      result[path] = PackageFileContent(bytes: bytes)
    }
    return result
  }

  /// Porch's way to the old upstream when the Kptfile has no lock: the creation task names it
  /// (clone: its upstream revision; upgrade: its new upstream; edit: follow the revision it was
  /// copied from).
  static func upstreamByTasks(of revision: PackageRevision, among all: [PackageRevision])
    -> PackageRevision?
  {
    var current = revision
    for _ in 0..<all.count {
      guard let text = current.task,
        let task = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
      else { return nil }
      func name(_ path: [String]) -> String? {
        var node: Any? = task
        for key in path { node = (node as? [String: Any])?[key] }
        return node as? String
      }
      let named: (String) -> PackageRevision? = { wanted in
        all.first { $0.name == wanted && $0.namespace == revision.namespace }
      }
      switch task["type"] as? String {
      case "clone":
        return name(["clone", "upstreamRef", "upstreamRef", "name"]).flatMap(named)
      case "upgrade":
        return name(["upgrade", "newUpstreamRef", "name"]).flatMap(named)
      case "edit":
        guard let source = name(["edit", "sourceRef", "name"]).flatMap(named) else { return nil }
        current = source
      default:
        return nil
      }
    }
    return nil
  }
}
