import Foundation
import Git

/// Where a package revision is in its lifecycle.
public enum Lifecycle: String, Sendable, Comparable {
  case draft = "Draft"
  case proposed = "Proposed"
  case published = "Published"
  case deletionProposed = "DeletionProposed"

  public static func < (a: Lifecycle, b: Lifecycle) -> Bool { a.rawValue < b.rawValue }
}

/// One package revision as Porch discovers it in git (porch-git.md §3).
public struct PackageRevision: Sendable, Equatable {
  public var repository: String
  public var namespace: String
  /// Path relative to the registered directory (`spec.packageName`).
  public var path: String
  /// Path from the repository root.
  public var fullPath: String
  public var workspace: String
  /// -1 for placeholders and unnumbered tags, 0 for drafts and proposed, N for published vN.
  public var revision: Int
  public var lifecycle: Lifecycle
  /// The commit it is read from (`metadata.resourceVersion`).
  public var commit: ObjectID
  /// The ref it lives on, remote-side name (`refs/heads/drafts/...`, `refs/tags/...`).
  public var ref: String
  public var publishedBy: String?
  public var publishedAt: Date?
  /// The creation task (§3.8) as its JSON object text, if any.
  public var task: String?
  public var latest = false

  /// `<repository>.<dotted path>.<workspace>` (§5.1).
  public var name: String {
    let dotted =
      path.utf8.contains(UInt8(ascii: "/"))
      ? String(
        decoding: path.utf8.map { $0 == UInt8(ascii: "/") ? UInt8(ascii: ".") : $0 }, as: UTF8.self)
      : path
    return repository + "." + dotted + "." + workspace
  }
}

/// One `kpt:{...}` annotation line of a commit message (§2.1).
struct CommitAnnotation: Equatable {
  var package: String
  var workspaceName: String
  var revision: String
  /// The task object as JSON text.
  var task: String?
  var taskType: String?

  static func parse(_ message: String) -> [CommitAnnotation] {
    let utf8 = Array(message.utf8)
    let marker: [UInt8] = Array("kpt:".utf8)
    guard utf8.count >= 4,
      (0...(utf8.count - 4)).contains(where: {
        utf8[$0] == 0x6B && utf8[$0..<$0 + 4].elementsEqual(marker)
      })
    else { return [] }
    var result: [CommitAnnotation] = []
    for line in utf8.split(separator: 0x0A, omittingEmptySubsequences: true) {
      var bytes = line[...]
      while let first = bytes.first, first == 0x20 || first == 0x09 || first == 0x0D {
        bytes = bytes.dropFirst()
      }
      guard bytes.starts(with: "kpt:".utf8) else { continue }
      guard let fields = JSONScanner.object(Array(bytes.dropFirst(4))) else { continue }
      var annotation = CommitAnnotation(
        package: fields.strings["package"] ?? "",
        workspaceName: fields.strings["workspaceName"] ?? "",
        revision: fields.strings["revision"] ?? "")
      if let task = fields.raw["task"] {
        annotation.task = task
        annotation.taskType = JSONScanner.object(Array(task.utf8))?.strings["type"]
      }
      result.append(annotation)
    }
    return result
  }

  /// Rule 3 of §2.1.
  func matches(fullPath: String, workspace: String) -> Bool {
    package == fullPath
      && (workspaceName == workspace || (workspaceName.isEmpty && revision == workspace))
  }
}

/// Just enough JSON for `kpt:` lines: the top-level string fields of an object, and the raw text
/// of its other values. Anything malformed gives nil (the line is skipped, as Porch skips it).
enum JSONScanner {
  struct Fields {
    var strings: [String: String] = [:]
    var raw: [String: String] = [:]
  }

  static func object(_ bytes: [UInt8]) -> Fields? {
    var i = 0
    func skipSpace() {
      while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
    }
    func string() -> String? {
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
      let start = i
      i += 1
      var escaped = false
      while i < bytes.count {
        let c = bytes[i]
        i += 1
        if escaped {
          escaped = false
        } else if c == UInt8(ascii: "\\") {
          escaped = true
        } else if c == UInt8(ascii: "\"") {
          let literal = Array(bytes[start..<i])
          if !literal.contains(UInt8(ascii: "\\")) {
            return String(decoding: literal.dropFirst().dropLast(), as: UTF8.self)
          }
          return
            (try? JSONSerialization.jsonObject(with: Data(literal), options: .fragmentsAllowed))
            as? String
        }
      }
      return nil
    }
    /// Skips one value of any kind; false when it is malformed.
    func skipValue() -> Bool {
      skipSpace()
      guard i < bytes.count else { return false }
      switch bytes[i] {
      case UInt8(ascii: "\""): return string() != nil
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        var depth = 0
        while i < bytes.count {
          let c = bytes[i]
          if c == UInt8(ascii: "\"") {
            guard string() != nil else { return false }
            continue
          }
          if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
          if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
            depth -= 1
            if depth == 0 {
              i += 1
              return true
            }
          }
          i += 1
        }
        return false
      default:
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "}") {
          i += 1
        }
        return i > start
      }
    }
    skipSpace()
    guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
    i += 1
    var fields = Fields()
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "}") { return fields }
    while true {
      skipSpace()
      guard let key = string() else { return nil }
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
      i += 1
      skipSpace()
      let start = i
      if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
        guard let value = string() else { return nil }
        fields.strings[key] = value
      } else {
        guard skipValue() else { return nil }
        var end = i
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        fields.raw[key] = String(decoding: bytes[start..<end], as: UTF8.self)
      }
      skipSpace()
      guard i < bytes.count else { return nil }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      guard bytes[i] == UInt8(ascii: "}") else { return nil }
      i += 1
      skipSpace()
      return i == bytes.count ? fields : nil
    }
  }
}

/// A draft or proposal ref and the package path (from the repository root) its name holds.
struct DraftRef: Sendable {
  var name: String
  var id: ObjectID
  var fullPath: String
}

struct TagRef: Sendable {
  var name: String
  var id: ObjectID
}

enum TagResult: Sendable {
  case revision(PackageRevision)
  case skipped(String)
}

struct GitFailure: Error, Sendable, CustomStringConvertible {
  var message: String
  var description: String { message }
}

/// Commits and their annotations, each read and parsed once per listing.
private final class CommitCache {
  let clone: Repository
  private var commits: [ObjectID: Commit] = [:]
  private var parsed: [ObjectID: [CommitAnnotation]] = [:]

  init(clone: Repository) { self.clone = clone }

  func commit(_ id: ObjectID) throws -> Commit {
    if let known = commits[id] { return known }
    let commit = try clone.commit(id)
    commits[id] = commit
    return commit
  }

  func annotations(_ commit: Commit) -> [CommitAnnotation] {
    if let known = parsed[commit.id] { return known }
    let annotations = CommitAnnotation.parse(commit.message)
    parsed[commit.id] = annotations
    return annotations
  }
}

/// Lists the package revisions of a registration from its clone, as Porch would.
public struct Discovery {
  public let registration: Registration
  public let clone: Repository
  public private(set) var warnings: [String] = []
  /// Where full listings keep what they read from tags (see `TagCache`); nil reads every tag.
  public var tagCachePath: String?
  /// Whether a listing of one package finds its placeholder's publisher (as a full listing
  /// does); lifecycle steps do not need it.
  public var placeholderPublishers = false
  private let cache: CommitCache

  public init(registration: Registration, clone: Repository) {
    self.registration = registration
    self.clone = clone
    self.cache = CommitCache(clone: clone)
  }

  /// The remote refs that can hold revisions of one package: the registered branch, and its
  /// draft, proposed, deletion-marker and tag refs.
  public static func refPrefixes(of fullPath: String, branch: String) -> [String] {
    [
      "refs/heads/" + branch, "refs/heads/drafts/\(fullPath)/", "refs/heads/proposed/\(fullPath)/",
      "refs/heads/deletionProposed/\(fullPath)/", "refs/tags/\(fullPath)/",
    ]
  }

  /// §3.5: strip one `v`, parse an integer; -1 when that fails.
  public static func parseRevision(_ text: String) -> Int {
    var digits = Substring(text)
    if digits.first == "v" { digits = digits.dropFirst() }
    return Int(digits) ?? -1
  }

  private func inDirectory(_ fullPath: String) -> String? {
    let directory = registration.directory
    if directory.isEmpty { return fullPath }
    if fullPath == directory { return "" }
    guard fullPath.hasPrefix(directory + "/") else { return nil }
    return String(fullPath.dropFirst(directory.count + 1))
  }

  private static func hasKptfile(_ fullPath: String, in commit: ObjectID, cache: CommitCache) throws
    -> Bool
  {
    let tree = try cache.commit(commit).tree
    guard let entry = try cache.clone.entry(at: fullPath + "/Kptfile", in: tree) else {
      return false
    }
    return entry.mode != .tree && entry.mode != .commit
  }

  private func hasKptfile(_ fullPath: String, in commit: ObjectID) throws -> Bool {
    try Self.hasKptfile(fullPath, in: commit, cache: cache)
  }

  /// Every package revision, sorted as Porch sorts them: leaf package name, revision, lifecycle
  /// and name (§3.10).
  /// `only`: list just this package (a path relative to the directory), which is all a lifecycle
  /// operation needs, at a cost that does not grow with the rest of the repository; its
  /// placeholder gets its publisher only with `placeholderPublishers` (a walk of the branch).
  public mutating func list(only package: String? = nil) throws -> [PackageRevision] {
    var remoteRefs: [(String, ObjectID)] = []
    let fullPackage = package.map {
      registration.directory.isEmpty ? $0 : registration.directory + "/" + $0
    }
    var refs: [String: ObjectID] = [:]
    if let fullPackage {
      for prefix in Self.refPrefixes(of: fullPackage, branch: registration.branch) {
        let local = trackingName(prefix)
        if prefix.hasSuffix("/") {
          refs.merge(try clone.references(under: local)) { a, _ in a }
        } else if let id = try clone.reference(local) {
          refs[local] = id
        }
      }
    } else {
      refs = try clone.references()
    }
    func concerns(_ ref: String) -> Bool {
      guard let fullPackage else { return true }
      if ref == "refs/heads/" + registration.branch { return true }
      for prefix in [
        "refs/heads/drafts/", "refs/heads/proposed/", "refs/heads/deletionProposed/", "refs/tags/",
      ]
      where ref.hasPrefix(prefix) {
        let rest = ref.dropFirst(prefix.count)
        guard let slash = rest.lastIndex(of: "/") else { return false }
        return rest[..<slash] == fullPackage
      }
      return false
    }
    for (name, id) in refs {
      if name.hasPrefix("refs/remotes/origin/") {
        let remoteName = "refs/heads/" + name.dropFirst("refs/remotes/origin/".count)
        if concerns(remoteName) { remoteRefs.append((remoteName, id)) }
      } else if name.hasPrefix("refs/tags/"), concerns(name) {
        remoteRefs.append((name, id))
      }
    }
    remoteRefs.sort { $0.0 < $1.0 }
    let markers = Set(
      remoteRefs.compactMap { name, _ in
        name.hasPrefix("refs/heads/deletionProposed/")
          ? String(name.dropFirst("refs/heads/deletionProposed/".count)) : nil
      })
    var revisions: [PackageRevision] = []
    var byKey: [String: Int] = [:]
    func add(_ revision: PackageRevision) {
      var revision = revision
      let marker = revision.revision >= 1 ? "v\(revision.revision)" : revision.workspace
      if revision.lifecycle == .published, markers.contains(revision.fullPath + "/" + marker) {
        revision.lifecycle = .deletionProposed
      }
      let key = revision.path + "\u{0}" + revision.workspace + "\u{0}\(revision.revision)"
      if let existing = byKey[key] {
        warnings.append(
          "\(revision.ref) and \(revisions[existing].ref) are the same revision; using \(revision.ref)"
        )
        revisions[existing] = revision
      } else {
        byKey[key] = revisions.count
        revisions.append(revision)
      }
    }

    // Tags are most of a big repository and independent of each other: read them on all cores,
    // each worker with its own handle on the clone (libgit2 handles are not shared by threads).
    let tags = remoteRefs.filter { $0.0.hasPrefix("refs/tags/") }.map {
      TagRef(name: $0.0, id: $0.1)
    }
    var tagResults: [String: TagResult] = [:]
    var tagCache =
      package == nil ? tagCachePath.map { TagCache(path: $0, registration: registration) } : nil
    var pending: [TagRef] = []
    for tag in tags {
      if let known = tagCache?.result(for: tag) {
        tagResults[tag.name] = known
      } else {
        pending.append(tag)
      }
    }
    let chunkCount = pending.count < 256 ? 1 : 8
    let chunks = (0..<chunkCount).map { c in
      Array(pending[(pending.count * c / chunkCount)..<(pending.count * (c + 1) / chunkCount)])
    }
    let owner = registration
    let path = clone.path
    // The first listing after a registration reads every tag: say so on a terminal when it lasts.
    let progress = SharedProgress("Indexing tags", total: pending.count)
    let results: [Result<[(TagRef, TagResult)], GitFailure>] = chunks.concurrentMap { chunk in
      do {
        let cache = CommitCache(clone: try Repository.open(path))
        return .success(
          try chunk.compactMap { tag in
            defer { progress.advance() }
            return try Self.tagRevision(tag, registration: owner, cache: cache).map { (tag, $0) }
          })
      } catch {
        return .failure(GitFailure(message: "\(error)"))
      }
    }
    progress.finish()
    for result in results {
      switch result {
      case .success(let pairs):
        for (tag, value) in pairs {
          tagResults[tag.name] = value
          tagCache?.store(value, for: tag)
        }
      case .failure(let failure): throw failure
      }
    }
    tagCache?.retain(Set(tags.map(\.name)))
    tagCache?.save()

    // Drafts and proposals count only with their package's Kptfile, which is looked up in each
    // one's root tree: on a big repository, on both halves of the work at once, as tags are.
    var draftHasKptfile: [String: Bool] = [:]
    let drafts = remoteRefs.compactMap { name, id -> DraftRef? in
      for prefix in ["refs/heads/drafts/", "refs/heads/proposed/"] where name.hasPrefix(prefix) {
        let suffix = name.dropFirst(prefix.count)
        guard let slash = suffix.lastIndex(of: "/"), slash != suffix.startIndex,
          let inside = inDirectory(String(suffix[..<slash])), !inside.isEmpty
        else { return nil }
        return DraftRef(name: name, id: id, fullPath: String(suffix[..<slash]))
      }
      return nil
    }
    if drafts.count >= 64 {
      let halves = [Array(drafts[..<(drafts.count / 2)]), Array(drafts[(drafts.count / 2)...])]
      let checked: [[(String, Bool)]?] = halves.concurrentMap { half in
        // A failure here is left to the listing below, which reports it as it always has.
        guard let clone = try? Repository.open(path) else { return nil }
        let cache = CommitCache(clone: clone)
        return try? half.map {
          ($0.name, try Self.hasKptfile($0.fullPath, in: $0.id, cache: cache))
        }
      }
      for pairs in checked { for (name, found) in pairs ?? [] { draftHasKptfile[name] = found } }
    }

    for (name, id) in remoteRefs {
      if name == "refs/heads/" + registration.branch {
        for revision in try placeholders(head: id, only: package) { add(revision) }
      } else if name.hasPrefix("refs/heads/drafts/") || name.hasPrefix("refs/heads/proposed/") {
        let isDraft = name.hasPrefix("refs/heads/drafts/")
        let suffix = String(
          name.dropFirst(isDraft ? "refs/heads/drafts/".count : "refs/heads/proposed/".count))
        guard let slash = suffix.lastIndex(of: "/"), slash != suffix.startIndex else {
          warnings.append("\(name): invalid draft ref name; missing workspaceName suffix (skipped)")
          continue
        }
        let fullPath = String(suffix[..<slash])
        let workspace = String(suffix[suffix.index(after: slash)...])
        guard let path = inDirectory(fullPath), !path.isEmpty else { continue }
        guard try draftHasKptfile[name] ?? hasKptfile(fullPath, in: id) else {
          warnings.append("\(name): no \(fullPath)/Kptfile in \(id.short) (skipped)")
          continue
        }
        let commit = try cache.commit(id)
        add(
          PackageRevision(
            repository: registration.name, namespace: registration.namespace, path: path,
            fullPath: fullPath,
            workspace: workspace, revision: 0, lifecycle: isDraft ? .draft : .proposed, commit: id,
            ref: name,
            publishedBy: commit.author.email,
            publishedAt: Date(timeIntervalSince1970: TimeInterval(commit.author.time)),
            task: try task(from: id, fullPath: fullPath, workspace: workspace)))
      } else if name.hasPrefix("refs/tags/") {
        switch tagResults[name] {
        case .revision(let revision)?: add(revision)
        case .skipped(let warning)?: warnings.append(warning)
        case nil: break
        }
      }
    }

    // A draft or proposal whose workspace was published is what a killed approve left behind
    // (Porch never lets two revisions of a package share a workspace): list the name once.
    let publishedWorkspaces = Set(
      revisions.filter { $0.revision >= 1 }.map { $0.path + "\u{0}" + $0.workspace })
    revisions.removeAll { revision in
      guard revision.revision == 0,
        publishedWorkspaces.contains(revision.path + "\u{0}" + revision.workspace)
      else { return false }
      warnings.append(
        "\(revision.ref): workspace \"\(revision.workspace)\" is already published (skipped)")
      return true
    }

    // §3.9: the highest published revision of each package is the latest.
    var best: [String: Int] = [:]
    for (i, revision) in revisions.enumerated()
    where revision.revision >= 1
      && (revision.lifecycle == .published || revision.lifecycle == .deletionProposed)
    {
      if let current = best[revision.path], revisions[current].revision >= revision.revision {
        continue
      }
      best[revision.path] = i
    }
    for i in best.values { revisions[i].latest = true }
    // Porch's order: leaf package name, revision, lifecycle, then the name (which holds the path).
    // Each leaf name is cut out once, not at every comparison; positions are sorted, not the
    // revisions themselves (large values to move).
    let leaves = revisions.map { revision in
      revision.path.split(separator: "/").last.map(String.init) ?? revision.path
    }
    let order = revisions.indices.sorted { i, j in
      if leaves[i] != leaves[j] { return leaves[i] < leaves[j] }
      if revisions[i].revision != revisions[j].revision {
        return revisions[i].revision < revisions[j].revision
      }
      if revisions[i].lifecycle != revisions[j].lifecycle {
        return revisions[i].lifecycle.rawValue < revisions[j].lifecycle.rawValue
      }
      let (a, b) = (revisions[i].name, revisions[j].name)
      if a != b { return a < b }
      return revisions[i].path < revisions[j].path
    }
    return order.map { revisions[$0] }
  }

  /// §3.4 for one tag.
  private static func tagRevision(_ tag: TagRef, registration: Registration, cache: CommitCache)
    throws -> TagResult?
  {
    let name = tag.name
    let text = String(name.dropFirst("refs/tags/".count))
    guard let slash = text.lastIndex(of: "/") else { return nil }
    let fullPath = String(text[..<slash])
    let revisionText = String(text[text.index(after: slash)...])
    let directory = registration.directory
    let path: String
    if directory.isEmpty {
      path = fullPath
    } else if fullPath.hasPrefix(directory + "/") {
      path = String(fullPath.dropFirst(directory.count + 1))
    } else {
      return nil
    }
    let target = try cache.clone.peelToCommit(tag.id)
    let commit = try cache.commit(target)
    let annotated = cache.annotations(commit).first {
      $0.package == fullPath && !$0.workspaceName.isEmpty
    }
    let number = parseRevision(revisionText)
    // An approval commit of this very revision holds the package by construction; any other
    // tag target is checked for the Kptfile (reading its root tree is the costly part).
    let isOwnApproval =
      commit.parents.count == 2
      && annotated.map { Int($0.revision) == number && number >= 1 } == true
    guard try isOwnApproval || hasKptfile(fullPath, in: target, cache: cache) else {
      return .skipped("\(name): no \(fullPath)/Kptfile in \(target.short) (skipped)")
    }
    let workspace = number == -1 ? revisionText : annotated?.workspaceName ?? "v\(number)"
    return .revision(
      PackageRevision(
        repository: registration.name, namespace: registration.namespace, path: path,
        fullPath: fullPath,
        workspace: workspace, revision: number, lifecycle: .published, commit: target, ref: name,
        publishedBy: commit.author.email,
        publishedAt: Date(timeIntervalSince1970: TimeInterval(commit.author.time)),
        task: try task(from: target, fullPath: fullPath, workspace: workspace, cache: cache)))
  }

  /// §3.2: packages on the registered branch.
  private func placeholders(head: ObjectID, only package: String? = nil) throws -> [PackageRevision]
  {
    let commit = try cache.commit(head)
    if let package {
      let fullPath =
        registration.directory.isEmpty ? package : registration.directory + "/" + package
      guard let kptfile = try clone.entry(at: fullPath + "/Kptfile", in: commit.tree),
        kptfile.mode != .tree && kptfile.mode != .commit
      else { return [] }
      let number = Self.parseRevision(registration.branch)
      // Its publisher, as the full listing finds it: the newest commit that names the package.
      let published =
        placeholderPublishers
        ? try newestAnnotatedCommits(from: head, packages: [fullPath])[fullPath] : nil
      return [
        PackageRevision(
          repository: registration.name, namespace: registration.namespace, path: package,
          fullPath: fullPath,
          workspace: number == -1 ? registration.branch : "v\(number)", revision: number,
          lifecycle: .published,
          commit: head, ref: "refs/heads/" + registration.branch,
          publishedBy: published?.author.email,
          publishedAt: published.map { Date(timeIntervalSince1970: TimeInterval($0.author.time)) },
          task: nil)
      ]
    }
    var start = commit.tree
    if !registration.directory.isEmpty {
      guard let entry = try clone.entry(at: registration.directory, in: commit.tree),
        entry.mode == .tree
      else {
        return []
      }
      start = entry.id
    }
    var found: [String] = []
    func walk(_ tree: ObjectID, _ prefix: String) throws {
      let entries = try clone.treeEntries(tree)
      if entries.contains(where: { $0.name == "Kptfile" && $0.mode != .tree && $0.mode != .commit })
      {
        found.append(prefix)
        return
      }
      for entry in entries where entry.mode == .tree {
        try walk(entry.id, prefix.isEmpty ? entry.name : prefix + "/" + entry.name)
      }
    }
    try walk(start, "")
    let number = Self.parseRevision(registration.branch)
    var result: [PackageRevision] = []
    let newest = try newestAnnotatedCommits(
      from: head,
      packages: Set(
        found.map {
          registration.directory.isEmpty ? $0 : registration.directory + "/" + $0
        }))
    for path in found {
      if path.isEmpty {
        continue  // A Kptfile at the registered directory itself: unusable, as in Porch.
      }
      let fullPath = registration.directory.isEmpty ? path : registration.directory + "/" + path
      let published = newest[fullPath]
      result.append(
        PackageRevision(
          repository: registration.name, namespace: registration.namespace, path: path,
          fullPath: fullPath,
          workspace: number == -1 ? registration.branch : "v\(number)", revision: number,
          lifecycle: .published,
          commit: head, ref: "refs/heads/" + registration.branch,
          publishedBy: published?.author.email,
          publishedAt: published.map { Date(timeIntervalSince1970: TimeInterval($0.author.time)) },
          task: nil))
    }
    return result
  }

  /// The newest commit on the branch's first-parent history that carries an annotation for
  /// each package, found in one walk (Porch walks per package; the answer is the same for the
  /// histories Porch and stoop write, where every package change lands on the branch).
  private func newestAnnotatedCommits(from head: ObjectID, packages: Set<String>) throws -> [String:
    Commit]
  {
    var found: [String: Commit] = [:]
    var next: ObjectID? = head
    while let id = next, found.count < packages.count {
      let commit = try cache.commit(id)
      for annotation in cache.annotations(commit)
      where packages.contains(annotation.package) && found[annotation.package] == nil {
        found[annotation.package] = commit
      }
      next = commit.parents.first
    }
    return found
  }

  /// §3.8: the creation task of a workspace. Walks the first-parent chain; at an approval commit
  /// of this package it continues on the approved draft (its second parent), which is where
  /// Porch's time-ordered walk finds the task too, without visiting the rest of the branch.
  private func task(from start: ObjectID, fullPath: String, workspace: String) throws -> String? {
    try Self.task(from: start, fullPath: fullPath, workspace: workspace, cache: cache)
  }

  private static func task(
    from start: ObjectID, fullPath: String, workspace: String, cache: CommitCache
  ) throws
    -> String?
  {
    var task: String?
    var next: ObjectID? = start
    var steps = 0
    while let id = next, steps < 10_000 {
      steps += 1
      let commit = try cache.commit(id)
      let annotations = cache.annotations(commit)
      // Past the workspace's own commits nothing older can name it (it was created here).
      if task != nil
        && !annotations.contains(where: { $0.matches(fullPath: fullPath, workspace: workspace) })
      {
        return task
      }
      next = commit.parents.first
      var isApprovalOfThisPackage = false
      for annotation in annotations
      where annotation.matches(fullPath: fullPath, workspace: workspace) {
        if annotation.task == nil, commit.parents.count == 2 {
          isApprovalOfThisPackage = true
          continue
        }
        guard let type = annotation.taskType, ["init", "clone", "edit", "upgrade"].contains(type)
        else { continue }
        task = annotation.task
        if type == "init" || type == "clone" { return task }
      }
      if isApprovalOfThisPackage { next = commit.parents[1] }
      if annotations.isEmpty && commit.parents.count == 2 && task == nil {
        // A merge without annotations (hand-made history): follow the side that was merged.
        next = commit.parents[1]
      }
    }
    return task
  }
}
