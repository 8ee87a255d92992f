import CaD
import Foundation
import KRM

extension LocalPackages {
  // MARK: update

  /// `kpt pkg update`: the package at `directory` moved to `ref` (default: the ref its Kptfile
  /// records) by a three-way merge of its files against the upstream its lock names, with the
  /// strategy given, else the Kptfile's, else resource-merge. Remote subpackages (nested
  /// packages with an upstream of their own) are updated against their own upstreams, and get
  /// the new ref too when they follow the same repository at the same ref under the root's
  /// directory, as kpt does. Everything is computed before the first write: a fetch, merge or
  /// `fail` conflict refusal leaves the directory untouched.
  public func update(
    _ directory: String, ref newRef: String? = nil, strategy: String? = nil,
    policy: ConflictPolicy = .upstream
  ) throws(OrchestrationError) -> PackageUpdateOutcome {
    let root = Self.absolute(directory)
    let local = try Self.read(package: root)
    var checkouts = Checkouts(registry: registry)
    defer { checkouts.close() }
    let plan = try self.plan(
      local, at: directory, ref: newRef, strategy: strategy, policy: policy,
      checkouts: &checkouts)
    let result = plan.files
    var changes: [String: PackageFileContent] = [:]
    for (path, content) in result where local[path] != content { changes[path] = content }
    let removed = local.keys.filter { result[$0] == nil }.sorted()
    try Self.write(changes, into: root)
    for path in removed {
      try? FileManager.default.removeItem(atPath: root + "/" + path)
      Self.pruneEmptyDirectories(from: (path as NSString).deletingLastPathComponent, in: root)
    }
    progress("\nUpdated \(plan.packages) package(s).\n")
    return PackageUpdateOutcome(
      written: changes.keys.sorted(), removed: removed, conflicts: plan.conflicts,
      ref: plan.ref, commit: plan.commit)
  }

  /// Scratch clones of upstream repositories, one per repository for a whole update.
  struct Checkouts {
    let registry: Registry
    var open: [String: UpstreamCheckout] = [:]

    mutating func checkout(_ repo: String) throws(OrchestrationError) -> UpstreamCheckout {
      let key = LockedUpstream.comparable(repo)
      if let found = open[key] { return found }
      let checkout = try UpstreamCheckout.open(repo, registry: registry)
      open[key] = checkout
      return checkout
    }

    func close() { for checkout in open.values { checkout.close() } }
  }

  /// The files of one package (and its remote subpackages) after an update, computed in memory.
  struct UpdatePlan {
    var files: [String: PackageFileContent]
    var conflicts: [MergeConflict]
    var packages: Int
    var ref: String
    var commit: String
  }

  func plan(
    _ local: [String: PackageFileContent], at directory: String, ref newRef: String?,
    strategy: String?, policy: ConflictPolicy, checkouts: inout Checkouts
  ) throws(OrchestrationError) -> UpdatePlan {
    let kptfile = try Self.kptfile(in: local, at: directory)
    guard let upstream = kptfile.upstream, upstream.type == "git", !upstream.repo.isEmpty else {
      throw .invalidOperation(
        "package \(directory) must have an upstream reference: its Kptfile has no upstream.git; get it with stoop pkg get first"
      )
    }
    let chosen = strategy ?? upstream.updateStrategy ?? "resource-merge"
    guard UpstreamRewrite.strategies.contains(chosen) else {
      throw .invalidOperation(
        "unknown update strategy \"\(chosen)\"; use one of "
          + UpstreamRewrite.strategies.joined(separator: ", "))
    }
    let ref = newRef ?? upstream.ref
    let name = kptfile.name ?? URL(fileURLWithPath: directory).lastPathComponent
    progress("Package \"\(name)\":\n")
    let checkout = try checkouts.checkout(upstream.repo)
    progress("Fetching upstream from \(upstream.repo)@\(ref)\n")
    let updated = try checkout.package(directory: upstream.directory, ref: ref)
    // The origin is what the lock names, in the lock's own repository; a lock that names
    // nothing readable fails the update (merging against no origin would take every local edit
    // for an addition and never apply upstream's deletions).
    var origin: [String: PackageFileContent] = [:]
    if let lock = kptfile.upstreamLock {
      let repo = lock.repo.isEmpty ? upstream.repo : lock.repo
      guard !lock.commit.isEmpty else {
        throw .invalidOperation(
          "the upstreamLock of \(directory)/Kptfile names no commit; get the package again with stoop pkg get"
        )
      }
      progress("Fetching origin from \(repo)@\(lock.commit.prefix(12))\n")
      origin = try checkouts.checkout(repo).package(directory: lock.directory, commit: lock.commit)
        .files
    }

    // Remote subpackages (of any of the three versions) are left out of this package's merge:
    // each is first merged as a part of this package's upstream, then updated against its own.
    let remotes = Self.remoteSubpackages(of: [origin, updated.files, local])
    func outside(_ files: [String: PackageFileContent]) -> [String: PackageFileContent] {
      Self.outside(remotes, files)
    }
    progress("Updating package \"\(name)\" with strategy \"\(chosen)\".\n")
    let merged = try PackageFileContent.merge(
      origin: outside(origin), updated: outside(updated.files), local: outside(local),
      strategy: chosen, policy: policy,
      upstream: Upstream(
        type: "git", repo: upstream.repo, directory: upstream.directory, ref: ref,
        updateStrategy: strategy ?? upstream.updateStrategy),
      lock: UpstreamLock(
        repo: upstream.repo, directory: upstream.directory, ref: updated.ref,
        commit: updated.commit.hex), name: name, refusal: "cannot update \(directory)")
    var files = merged.files
    var conflicts = merged.conflicts
    for sub in remotes {
      let part = try Self.mergeAsPartOfParent(
        sub, origin: Self.subtree(origin, sub), updated: Self.subtree(updated.files, sub),
        local: Self.subtree(local, sub), policy: policy, conflicts: &conflicts)
      for (path, content) in part ?? [:] { files[sub + "/" + path] = content }
    }
    var plan = UpdatePlan(
      files: Self.outside(Self.remoteSubpackages(in: files), files), conflicts: conflicts,
      packages: 1, ref: updated.ref, commit: updated.commit.hex)
    // Then each remote subpackage of the result against its own upstream (one that only
    // declares its upstream is fetched now).
    for sub in Self.remoteSubpackages(in: files) {
      let prefix = sub + "/"
      let own = Self.subtree(files, sub)
      // kpt moves a subpackage along when it follows the root: same repository, same ref,
      // a directory under the root's; the strategy given goes only to those.
      var follows = false
      let rootDirectory = Registration.trimmed(upstream.directory)
      if let theirs = try? Self.kptfile(in: own, at: sub).upstream, newRef != nil,
        LockedUpstream.comparable(theirs.repo) == LockedUpstream.comparable(upstream.repo),
        theirs.ref == upstream.ref,
        rootDirectory.isEmpty || Registration.trimmed(theirs.directory) == rootDirectory
          || Registration.trimmed(theirs.directory).hasPrefix(rootDirectory + "/")
      {
        follows = true
      }
      let subPlan = try self.plan(
        own, at: directory + "/" + sub, ref: follows ? newRef : nil,
        strategy: follows ? strategy : nil, policy: policy, checkouts: &checkouts)
      for (path, content) in subPlan.files { plan.files[prefix + path] = content }
      plan.conflicts += subPlan.conflicts.map {
        var conflict = $0
        conflict.file = prefix + conflict.file
        return conflict
      }
      plan.packages += subPlan.packages
    }
    return plan
  }

  /// The outermost nested packages whose Kptfile has an upstream of its own.
  static func remoteSubpackages(in files: [String: PackageFileContent]) -> [String] {
    var found: [String] = []
    for path in files.keys.sorted() where Kptfile.isKptfile(path: path) && path != Kptfile.fileName
    {
      let directory = String(path.dropLast(Kptfile.fileName.count + 1))
      if found.contains(where: { directory.hasPrefix($0 + "/") }) { continue }
      guard let bytes = files[path]?.bytes, let kptfile = try? Kptfile.parse(bytes, file: path),
        kptfile.upstream != nil
      else { continue }
      found.append(directory)
    }
    return found
  }
}
