import CaD
import Foundation
import Git
import KRM

/// What `pkg update` changed in a package directory.
public struct PackageUpdateOutcome: Sendable {
  public var written: [String]
  public var removed: [String]
  public var conflicts: [MergeConflict]
  /// The ref the package now stands on, and its commit.
  public var ref: String
  public var commit: String
}

/// kpt's `pkg` group on package directories of this disk: init, get, update and diff, built on
/// the same CaD merge and git reads as the lifecycle commands.
public struct LocalPackages {
  public let registry: Registry
  /// Progress lines for people (kpt prints them on stderr).
  public var progress: @Sendable (String) -> Void

  public init(registry: Registry, progress: @escaping @Sendable (String) -> Void = { _ in }) {
    self.registry = registry
    self.progress = progress
  }

  // MARK: init

  /// `kpt pkg init`: the directory (created if needed) gets a Kptfile, package-context.yaml and
  /// README.md, each only if it is not there yet. Returns the files written.
  public func initialize(
    _ directory: String, description: String = "sample description", keywords: [String] = [],
    site: String? = nil
  ) throws(OrchestrationError) -> [String] {
    let absolute = Self.absolute(directory)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory),
      !isDirectory.boolValue
    {
      throw .invalidOperation("\(directory) is a file; pkg init needs a directory")
    }
    let name = URL(fileURLWithPath: absolute).lastPathComponent
    try PackageLifecycle.validate(packagePath: name)
    let files = PackageLifecycle.initialFiles(
      name: name, description: description, keywords: keywords, site: site)
    var written: [String] = []
    for path in files.keys.sorted()
    where !FileManager.default.fileExists(atPath: absolute + "/" + path) {
      written.append(path)
    }
    try Self.write(
      files.filter { written.contains($0.key) }.mapValues { PackageFileContent(bytes: $0) },
      into: absolute)
    return written
  }

  // MARK: get

  /// `kpt pkg get`: the package at `source`, written to `destination` (or, when that directory
  /// exists, to a directory named after the package inside it). The Kptfile is named after the
  /// new directory and records `upstream` as typed and `upstreamLock` as resolved; every object
  /// gets its merge key. Written to a scratch directory first and moved in place whole, so a
  /// failure leaves nothing behind. Returns the package directory.
  public func get(
    _ source: KptPackageURL, into destination: String, strategy: String? = "resource-merge",
    forDeployment: Bool = false
  ) throws(OrchestrationError) -> String {
    if let strategy, !UpstreamRewrite.strategies.contains(strategy) {
      throw .invalidOperation(
        "unknown update strategy \"\(strategy)\"; use one of "
          + UpstreamRewrite.strategies.joined(separator: ", "))
    }
    var target = Self.absolute(destination)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw .invalidOperation("destination \(destination) is a file; name a directory")
      }
      let base =
        Registration.trimmed(source.directory).split(separator: "/").last.map(String.init)
        ?? URL(fileURLWithPath: source.repo).lastPathComponent
      target += "/" + base
      guard !FileManager.default.fileExists(atPath: target) else {
        throw .invalidOperation(
          "destination directory \"\(target)\" already exists; choose a new directory")
      }
    } else {
      let parent = (target as NSString).deletingLastPathComponent
      guard FileManager.default.fileExists(atPath: parent) else {
        throw .invalidOperation("parent directory \"\(parent)\" does not exist; create it first")
      }
    }
    let name = URL(fileURLWithPath: target).lastPathComponent
    progress("Package \"\(name)\":\n")
    var checkouts = Checkouts(registry: registry)
    defer { checkouts.close() }
    let checkout = try checkouts.checkout(source.repo)
    let ref: String
    if let typed = source.ref { ref = typed } else { ref = try checkout.defaultBranch() }
    progress("Fetching \(source.repo)@\(ref)\n")
    let fetched = try checkout.package(directory: source.directory, ref: ref)
    var files = try Self.locked(
      fetched, name: name,
      upstream: Upstream(
        type: "git", repo: source.repo, directory: source.directory, ref: ref,
        updateStrategy: strategy), described: "\(source.repo)@\(ref)")
    let display = Registration.trimmed(source.directory)
    progress("Adding package \"\(display.isEmpty ? name : display)\".\n")

    // Remote subpackages declared but not fetched yet (an upstream, no lock) are fetched in
    // place from their own upstreams, keeping their names, as kpt does.
    var count = 1
    while let sub = Self.unfetchedSubpackages(in: files).first, count < 100 {
      let path = sub + "/" + Kptfile.fileName
      guard let bytes = files[path]?.bytes,
        let declared = try? Kptfile.parse(bytes, file: path), let upstream = declared.upstream
      else { break }
      progress("\nPackage \"\(name)/\(sub)\":\nFetching \(upstream.repo)@\(upstream.ref)\n")
      let got = try checkouts.checkout(upstream.repo).package(
        directory: upstream.directory, ref: upstream.ref)
      for key in files.keys where key.hasPrefix(sub + "/") { files[key] = nil }
      let placed = try Self.locked(
        got, name: declared.name ?? URL(fileURLWithPath: sub).lastPathComponent,
        upstream: upstream, described: "\(upstream.repo)@\(upstream.ref)")
      for (key, content) in placed { files[sub + "/" + key] = content }
      progress("Adding package \"\(Registration.trimmed(upstream.directory))\".\n")
      count += 1
    }

    var bytes = files.mapValues(\.bytes)
    if forDeployment { bytes = UpstreamRewrite.packageContexts(bytes, packagePath: name) }
    bytes = UpstreamRewrite.ensureMergeKeys(bytes)
    for (path, content) in bytes {
      files[path] = PackageFileContent(bytes: content, executable: files[path]?.executable == true)
    }

    let scratch =
      (target as NSString).deletingLastPathComponent + "/.stoop-get-"
      + UUID().uuidString.lowercased().prefix(12)
    do {
      try Self.write(files, into: scratch)
      try FileManager.default.moveItem(atPath: scratch, toPath: target)
    } catch {
      try? FileManager.default.removeItem(atPath: scratch)
      throw error as? OrchestrationError ?? .io(path: target, reason: error.localizedDescription)
    }
    progress("\nFetched \(count) package(s).\n")
    return target
  }

  /// A fetched package with its Kptfile as kpt writes it on get: named `name`, the upstream's
  /// info and pipeline kept (its namespace dropped), `upstream` and the resolved lock.
  static func locked(
    _ fetched: FetchedPackage, name: String, upstream: Upstream, described: String
  ) throws(OrchestrationError) -> [String: PackageFileContent] {
    var kptfile: Kptfile
    if let bytes = fetched.files[Kptfile.fileName]?.bytes {
      do {
        kptfile = try Kptfile.parse(bytes, file: Kptfile.fileName)
      } catch {
        throw .invalidOperation("the upstream Kptfile of \(described): \(error)")
      }
      kptfile.document.root.remove(at: ["metadata", "namespace"])
    } else {
      kptfile = Kptfile(name: name)
    }
    kptfile.name = name
    kptfile.upstream = upstream
    kptfile.upstreamLock = UpstreamLock(
      repo: upstream.repo, directory: upstream.directory, ref: fetched.ref,
      commit: fetched.commit.hex)
    placeUpstreamAfterMetadata(&kptfile)
    var files = fetched.files
    files[Kptfile.fileName] = PackageFileContent(bytes: kptfile.bytes())
    return files
  }

  /// Nested packages whose Kptfile declares an upstream but has no lock yet, shallowest first.
  static func unfetchedSubpackages(in files: [String: PackageFileContent]) -> [String] {
    files.keys.filter { Kptfile.isKptfile(path: $0) && $0 != Kptfile.fileName }.sorted {
      ($0.split(separator: "/").count, $0) < ($1.split(separator: "/").count, $1)
    }.compactMap { path in
      guard let bytes = files[path]?.bytes, let kptfile = try? Kptfile.parse(bytes, file: path),
        kptfile.upstream != nil, kptfile.upstreamLock == nil
      else { return nil }
      return String(path.dropLast(Kptfile.fileName.count + 1))
    }
  }

  /// kpt's field order: `upstream` and `upstreamLock` right after `metadata`.
  static func placeUpstreamAfterMetadata(_ kptfile: inout Kptfile) {
    var entries = kptfile.document.root.entries
    let moved = entries.filter { ["upstream", "upstreamLock"].contains($0.key.value) }
    entries.removeAll { ["upstream", "upstreamLock"].contains($0.key.value) }
    let at = (entries.firstIndex { $0.key.value == "metadata" } ?? entries.count - 1) + 1
    entries.insert(contentsOf: moved, at: min(at, entries.count))
    kptfile.document.root.entries = entries
  }

  // MARK: diff

  /// What `pkg diff` compares.
  public enum DiffType: String, Sendable, CaseIterable {
    /// The upstream the lock names against the local package: the local changes.
    case local
    /// The upstream the lock names against the upstream at the ref: what an update brings.
    case remote
    /// The upstream at the ref against the local package.
    case combined
  }

  /// Unified diffs between two versions of a package; the Kptfile only when it differs in more
  /// than its name, upstream and lock. Empty when they are the same.
  public func diff(_ directory: String, ref newRef: String? = nil, type: DiffType = .local)
    throws(OrchestrationError) -> String
  {
    let root = Self.absolute(directory)
    let files = try Self.read(package: root)
    let kptfile = try Self.kptfile(in: files, at: directory)
    // Remote subpackages have upstreams of their own; they are not part of this comparison.
    let remotes = Self.remoteSubpackages(in: files)
    let local = files.filter { entry in !remotes.contains { entry.key.hasPrefix($0 + "/") } }
      .mapValues(\.bytes)
    guard let upstream = kptfile.upstream, !upstream.repo.isEmpty,
      let lock = kptfile.upstreamLock, !lock.commit.isEmpty
    else {
      throw .invalidOperation(
        "package \(directory) has no upstream and upstreamLock in its Kptfile; nothing to compare with"
      )
    }
    let checkout = try UpstreamCheckout.open(upstream.repo, registry: registry)
    defer { checkout.close() }
    let origin = UpstreamRewrite.ensureMergeKeys(
      try checkout.package(directory: lock.directory, commit: lock.commit).files.mapValues(\.bytes))
    let originName = lock.ref.isEmpty ? String(lock.commit.prefix(12)) : lock.ref
    let old: [String: [UInt8]]
    let new: [String: [UInt8]]
    let names: (String, String)
    switch type {
    case .local:
      (old, new, names) = (origin, local, ("upstream@" + originName, "local"))
    case .remote, .combined:
      let ref = newRef ?? upstream.ref
      let updated = UpstreamRewrite.ensureMergeKeys(
        try checkout.package(directory: upstream.directory, ref: ref).files.mapValues(\.bytes))
      (old, new, names) =
        type == .remote
        ? (origin, updated, ("upstream@" + originName, "upstream@" + ref))
        : (updated, local, ("upstream@" + ref, "local"))
    }
    var out = ""
    for path in Set(old.keys).union(new.keys).sorted()
    where !remotes.contains(where: { path.hasPrefix($0 + "/") }) {
      let a = old[path] ?? []
      let b = new[path] ?? []
      if Kptfile.isKptfile(path: path), PackageMerge.sameIgnoringUpstream(a, b) { continue }
      out += TextDiff.unified(
        a, b, oldName: old[path] == nil ? "/dev/null" : "\(names.0)/\(path)",
        newName: new[path] == nil ? "/dev/null" : "\(names.1)/\(path)")
    }
    return out
  }

  // MARK: Files

  static func absolute(_ path: String) -> String {
    URL(
      fileURLWithPath: path,
      relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    )
    .standardizedFileURL.path
  }

  static func kptfile(in files: [String: PackageFileContent], at directory: String)
    throws(OrchestrationError) -> Kptfile
  {
    guard let bytes = files[Kptfile.fileName]?.bytes else {
      throw .invalidOperation(
        "\(directory) is not a kpt package: it has no Kptfile; run stoop pkg get or stoop pkg init first"
      )
    }
    do {
      return try Kptfile.parse(bytes, file: directory + "/Kptfile")
    } catch {
      throw .invalidOperation("\(error)")
    }
  }

  /// Every regular file of a package directory by relative path, `.git` left out.
  public static func read(package directory: String) throws(OrchestrationError) -> [String:
    PackageFileContent]
  {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw .notFound("\(directory) does not exist; name a package directory")
    }
    return try PackageTransfer.regularFiles(in: directory, skippingGit: true)
  }

  /// Writes files under `directory` (created as needed) as kpt writes a package.
  static func write(_ files: [String: PackageFileContent], into directory: String)
    throws(OrchestrationError)
  {
    try PackageTransfer.writeFiles(files, to: directory, private: false)
  }

  /// Removes `relative` and its parents inside `root` while they are empty.
  static func pruneEmptyDirectories(from relative: String, in root: String) {
    var current = relative
    while !current.isEmpty, current != "." {
      let full = root + "/" + current
      guard (try? FileManager.default.contentsOfDirectory(atPath: full))?.isEmpty == true else {
        return
      }
      try? FileManager.default.removeItem(atPath: full)
      current = (current as NSString).deletingLastPathComponent
    }
  }
}

extension PackageFileContent {
  /// File modes merged three ways: a mode upstream changed (or a file upstream added) wins,
  /// otherwise the local mode stays.
  static func mergedExecutables(
    _ paths: Set<String>, origin: [String: PackageFileContent],
    updated: [String: PackageFileContent], local: [String: PackageFileContent]
  ) -> Set<String> {
    paths.filter { path in
      let upstream = updated[path]?.executable
      if let upstream, upstream != (origin[path]?.executable ?? false) || local[path] == nil {
        return upstream
      }
      return local[path]?.executable ?? upstream ?? false
    }
  }

  /// A three-way merge of package files (conflicts refused under `fail` as a validation
  /// failure), the Kptfile pointed at the new upstream and lock, merge keys ensured and file
  /// modes merged. `refusal` begins the error message.
  static func merge(
    origin: [String: PackageFileContent], updated: [String: PackageFileContent],
    local: [String: PackageFileContent], strategy: String, policy: ConflictPolicy,
    upstream: Upstream, lock: UpstreamLock, name: String, refusal: String
  ) throws(OrchestrationError) -> (files: [String: PackageFileContent], conflicts: [MergeConflict])
  {
    let merged = try mergeFiles(
      origin: origin, updated: updated, local: local, strategy: strategy, policy: policy,
      refusal: refusal)
    var result = merged.files.mapValues(\.bytes)
    guard let bytes = result[Kptfile.fileName],
      var kptfile = try? Kptfile.parse(bytes, file: Kptfile.fileName)
    else {
      throw .invalidOperation("\(refusal): the merged package has no readable Kptfile")
    }
    kptfile.name = kptfile.name ?? name
    kptfile.upstream = upstream
    kptfile.upstreamLock = lock
    result[Kptfile.fileName] = kptfile.bytes()
    result = UpstreamRewrite.ensureMergeKeys(result)
    var files: [String: PackageFileContent] = [:]
    for (path, bytes) in result {
      files[path] = PackageFileContent(
        bytes: bytes, executable: merged.files[path]?.executable ?? false)
    }
    return (files, merged.conflicts)
  }

  /// The three-way merge of file maps by `strategy`, file modes included; a refusal names its
  /// conflicts (exit 5 for those, 1 for anything else).
  static func mergeFiles(
    origin: [String: PackageFileContent], updated: [String: PackageFileContent],
    local: [String: PackageFileContent], strategy: String, policy: ConflictPolicy,
    refusal: String
  ) throws(OrchestrationError) -> (files: [String: PackageFileContent], conflicts: [MergeConflict])
  {
    let merged: PackageMergeResult
    do {
      merged = try PackageMerge(
        origin: origin.mapValues(\.bytes), updated: updated.mapValues(\.bytes),
        local: local.mapValues(\.bytes), strategy: strategy, policy: policy
      ).run()
    } catch {
      let listed = error.conflicts.map { "\n  " + $0.description }.joined()
      let message = "\(refusal): \(error.description)" + listed
      throw error.conflicts.isEmpty ? .invalidOperation(message) : .validationFailed(message)
    }
    let executables = mergedExecutables(
      Set(merged.files.keys), origin: origin, updated: updated, local: local)
    var files: [String: PackageFileContent] = [:]
    for (path, bytes) in merged.files {
      files[path] = PackageFileContent(bytes: bytes, executable: executables.contains(path))
    }
    return (files, merged.conflicts)
  }
}
