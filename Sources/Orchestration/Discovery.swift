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
    repository + "." + path.replacingOccurrences(of: "/", with: ".") + "." + workspace
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
    var result: [CommitAnnotation] = []
    for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix("kpt:"),
        let object = try? JSONSerialization.jsonObject(with: Data(trimmed.dropFirst(4).utf8))
          as? [String: Any]
      else { continue }
      var annotation = CommitAnnotation(
        package: object["package"] as? String ?? "",
        workspaceName: object["workspaceName"] as? String ?? "",
        revision: object["revision"] as? String ?? "")
      if let task = object["task"] as? [String: Any],
        let data = try? JSONSerialization.data(withJSONObject: task, options: [.sortedKeys])
      {
        annotation.task = String(decoding: data, as: UTF8.self)
        annotation.taskType = task["type"] as? String
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

/// Lists the package revisions of a registration from its clone, as Porch would.
public struct Discovery {
  public let registration: Registration
  public let clone: Repository
  public private(set) var warnings: [String] = []

  public init(registration: Registration, clone: Repository) {
    self.registration = registration
    self.clone = clone
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

  private func hasKptfile(_ fullPath: String, in commit: ObjectID) throws -> Bool {
    let tree = try clone.commit(commit).tree
    guard let entry = try clone.entry(at: fullPath + "/Kptfile", in: tree) else { return false }
    return entry.mode != .tree && entry.mode != .commit
  }

  /// Every package revision, sorted by path, revision, lifecycle and name (§3.10).
  public mutating func list() throws -> [PackageRevision] {
    let refs = try clone.references()
    var remoteRefs: [(String, ObjectID)] = []
    for (name, id) in refs {
      if name.hasPrefix("refs/remotes/origin/") {
        remoteRefs.append(("refs/heads/" + name.dropFirst("refs/remotes/origin/".count), id))
      } else if name.hasPrefix("refs/tags/") {
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

    for (name, id) in remoteRefs {
      if name == "refs/heads/" + registration.branch {
        for revision in try placeholders(head: id) { add(revision) }
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
        guard try hasKptfile(fullPath, in: id) else {
          warnings.append("\(name): no \(fullPath)/Kptfile in \(id.short) (skipped)")
          continue
        }
        let commit = try clone.commit(id)
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
        let tag = String(name.dropFirst("refs/tags/".count))
        guard let slash = tag.lastIndex(of: "/") else { continue }
        let fullPath = String(tag[..<slash])
        let revisionText = String(tag[tag.index(after: slash)...])
        guard let path = inDirectory(fullPath), !path.isEmpty else { continue }
        let target = try clone.peelToCommit(id)
        guard try hasKptfile(fullPath, in: target) else {
          warnings.append("\(name): no \(fullPath)/Kptfile in \(target.short) (skipped)")
          continue
        }
        let commit = try clone.commit(target)
        let annotated = CommitAnnotation.parse(commit.message).first {
          $0.package == fullPath && !$0.workspaceName.isEmpty
        }
        let number = Self.parseRevision(revisionText)
        let workspace = number == -1 ? revisionText : annotated?.workspaceName ?? "v\(number)"
        add(
          PackageRevision(
            repository: registration.name, namespace: registration.namespace, path: path,
            fullPath: fullPath,
            workspace: workspace, revision: number, lifecycle: .published, commit: target,
            ref: name,
            publishedBy: commit.author.email,
            publishedAt: Date(timeIntervalSince1970: TimeInterval(commit.author.time)),
            task: try task(from: target, fullPath: fullPath, workspace: workspace)))
      }
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
    return revisions.sorted {
      ($0.path, $0.revision, $0.lifecycle.rawValue, $0.name) < (
        $1.path, $1.revision, $1.lifecycle.rawValue, $1.name
      )
    }
  }

  /// §3.2: packages on the registered branch.
  private func placeholders(head: ObjectID) throws -> [PackageRevision] {
    let commit = try clone.commit(head)
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
    for path in found {
      if path.isEmpty {
        continue  // A Kptfile at the registered directory itself: unusable, as in Porch.
      }
      let fullPath = registration.directory.isEmpty ? path : registration.directory + "/" + path
      let published = try newestAnnotatedCommit(from: head, fullPath: fullPath)
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

  /// Commits reachable from `start`, newest committer time first.
  private func history(from start: ObjectID, visit: (Commit) throws -> Bool) throws {
    var queue = [try clone.commit(start)]
    var seen: Set<ObjectID> = [start]
    while !queue.isEmpty {
      let next = queue.indices.max { queue[$0].committer.time < queue[$1].committer.time } ?? 0
      let commit = queue.remove(at: next)
      guard try visit(commit) else { return }
      for parent in commit.parents where seen.insert(parent).inserted {
        queue.append(try clone.commit(parent))
      }
    }
  }

  private func newestAnnotatedCommit(from head: ObjectID, fullPath: String) throws -> Commit? {
    var found: Commit?
    try history(from: head) { commit in
      if CommitAnnotation.parse(commit.message).contains(where: { $0.package == fullPath }) {
        found = commit
        return false
      }
      return true
    }
    return found
  }

  /// §3.8: the creation task of a workspace.
  private func task(from start: ObjectID, fullPath: String, workspace: String) throws -> String? {
    var task: String?
    try history(from: start) { commit in
      for annotation in CommitAnnotation.parse(commit.message)
      where annotation.matches(fullPath: fullPath, workspace: workspace) {
        guard let type = annotation.taskType, ["init", "clone", "edit", "upgrade"].contains(type)
        else { continue }
        task = annotation.task
        if type == "init" || type == "clone" { return false }
      }
      return true
    }
    return task
  }
}
