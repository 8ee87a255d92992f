import Foundation
import KRM

/// A package update refused before anything was written.
public struct PackageMergeError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public var conflicts: [MergeConflict]

  init(_ description: String, conflicts: [MergeConflict] = []) {
    self.description = description
    self.conflicts = conflicts
  }
}

/// What a three-way package update produced.
public struct PackageMergeResult: Sendable {
  public var files: [String: [UInt8]]
  /// What could not be merged cleanly, and how it was resolved (by the policy).
  public var conflicts: [MergeConflict]
}

/// kpt's `pkg update` on file maps (kpt.md §3): local moves from origin to updated with one of
/// kpt's strategies. Everything happens in memory; the caller writes the result or nothing.
///
/// Where stoop differs from kpt on purpose: a resource keeps its identity when a file moves (kpt
/// duplicates it), and what both sides changed is reported as a conflict instead of silently
/// going upstream's way; with `ConflictPolicy.fail` the update is refused.
public struct PackageMerge: Sendable {
  public var origin: [String: [UInt8]]
  public var updated: [String: [UInt8]]
  public var local: [String: [UInt8]]
  public var strategy: String
  public var policy: ConflictPolicy

  public init(
    origin: [String: [UInt8]], updated: [String: [UInt8]], local: [String: [UInt8]],
    strategy: String = "resource-merge", policy: ConflictPolicy = .upstream
  ) {
    self.origin = origin
    self.updated = updated
    self.local = local
    self.strategy = strategy
    self.policy = policy
  }

  /// Merges with the strategy. Objects match by the identity their merge keys record (or, with
  /// none, their metadata), so versions with and without keys merge alike; the caller keys the
  /// result, as kpt re-keys a package after an update.
  public func run() throws(PackageMergeError) -> PackageMergeResult {
    let result = try runStrategy()
    // A merge never writes a YAML file it made that does not parse: it stops instead.
    for (path, bytes) in result.files
    where UpstreamRewrite.isYAML(path) && bytes != local[path] && bytes != updated[path] {
      do {
        _ = try YAMLFile(parsing: bytes, name: path)
      } catch {
        throw PackageMergeError(
          "merging \(path) gave YAML that does not parse (\(error)); nothing was written")
      }
    }
    return result
  }

  private func runStrategy() throws(PackageMergeError) -> PackageMergeResult {
    switch strategy {
    case "resource-merge":
      return try resourceMerge()
    case "fast-forward":
      // Keyed alike first, so a blueprint without merge keys equals its untouched clone.
      let changed = Self.locallyChanged(
        local: UpstreamRewrite.ensureMergeKeys(local),
        origin: UpstreamRewrite.ensureMergeKeys(origin))
      if !changed.isEmpty {
        throw PackageMergeError(
          "local package files have been modified: \(goList(changed)); use a different update --strategy"
        )
      }
      return replaced(mergeKptfile: false)
    case "force-delete-replace":
      return replaced(mergeKptfile: false)
    case "copy-merge":
      return try copyMerge()
    default:
      throw PackageMergeError(
        "unknown update strategy \"\(strategy)\"; use resource-merge, fast-forward, force-delete-replace or copy-merge"
      )
    }
  }

  // MARK: Strategies

  /// Files of local that differ from origin (Kptfile differences in upstream, upstreamLock and
  /// name do not count).
  static func locallyChanged(local: [String: [UInt8]], origin: [String: [UInt8]]) -> [String] {
    var changed: [String] = []
    for path in Set(local.keys).union(origin.keys).sorted() {
      let a = local[path]
      let b = origin[path]
      if a == b { continue }
      if path == Kptfile.fileName, let a, let b, sameIgnoringUpstream(a, b) { continue }
      // An upstream without a Kptfile: the one `pkg get` made up (a name, the upstream and its
      // lock: kpt's default Kptfile) is no local change.
      if path == Kptfile.fileName, let a, b == nil, sameIgnoringUpstream(a, defaultKptfile) {
        continue
      }
      changed.append(path)
    }
    return changed
  }

  /// kpt's default Kptfile: what a package without one is taken to have.
  static let defaultKptfile = Array(
    "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\n".utf8)

  /// Whether two Kptfiles differ in nothing but name, upstream, upstreamLock and status.
  public static func sameIgnoringUpstream(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    func stripped(_ bytes: [UInt8]) -> YAMLNode? {
      guard var root = try? YAMLFile(parsing: bytes, name: Kptfile.fileName).documents.first?.root
      else { return nil }
      // `status` is what tools record (Porch's Rendered condition), not the package.
      root.entries.removeAll { ["upstream", "upstreamLock", "status"].contains($0.key.value) }
      if let i = root.index(ofKey: "metadata") {
        root.entries[i].value.entries.removeAll { $0.key.value == "name" }
      }
      return root
    }
    guard let x = stripped(a), let y = stripped(b) else { return false }
    return FieldMerge.same(x, y)
  }

  /// fast-forward and force-delete-replace: upstream's files, the root Kptfile kept (its
  /// upstream fields are the caller's to set).
  func replaced(mergeKptfile: Bool) -> PackageMergeResult {
    var files = updated
    if let kptfile = local[Kptfile.fileName] { files[Kptfile.fileName] = kptfile }
    return PackageMergeResult(files: files, conflicts: [])
  }

  /// copy-merge: the Kptfile merged, every upstream file copied over, files upstream deleted
  /// removed, local additions kept.
  func copyMerge() throws(PackageMergeError) -> PackageMergeResult {
    var files = local
    var conflicts: [MergeConflict] = []
    for (path, bytes) in updated where path != Kptfile.fileName { files[path] = bytes }
    for path in origin.keys where updated[path] == nil && path != Kptfile.fileName {
      files[path] = nil
    }
    if let merged = try mergeKptfile(path: Kptfile.fileName, root: true, conflicts: &conflicts) {
      files[Kptfile.fileName] = merged
    }
    return PackageMergeResult(files: files, conflicts: conflicts)
  }

  // MARK: resource-merge

  func resourceMerge() throws(PackageMergeError) -> PackageMergeResult {
    try checkSubpackages()
    // A subpackage upstream deleted is a unit, as in kpt: it goes whole when local left it as
    // it was, and stays whole (its Kptfile too) when local changed anything in it; the rest of
    // the package merges as usual.
    var gone: [String] = []
    var keptWhole: [String] = []
    for path in origin.keys.sorted()
    where Kptfile.isKptfile(path: path) && path != Kptfile.fileName && local[path] != nil {
      let directory = String(path.dropLast(Kptfile.fileName.count))
      guard !(gone + keptWhole).contains(where: { directory.hasPrefix($0) }),
        !updated.keys.contains(where: { $0.hasPrefix(directory) })
      else { continue }
      if Self.sameTree(
        origin.filter { $0.key.hasPrefix(directory) }, local.filter { $0.key.hasPrefix(directory) })
      {
        gone.append(directory)
      } else {
        keptWhole.append(directory)
      }
    }
    guard gone.isEmpty && keptWhole.isEmpty else {
      func outside(_ files: [String: [UInt8]]) -> [String: [UInt8]] {
        files.filter { entry in !(gone + keptWhole).contains { entry.key.hasPrefix($0) } }
      }
      var result = try PackageMerge(
        origin: outside(origin), updated: outside(updated), local: outside(local),
        strategy: strategy, policy: policy
      ).resourceMerge()
      for (path, bytes) in local where keptWhole.contains(where: { path.hasPrefix($0) }) {
        result.files[path] = bytes
      }
      return result
    }

    var files = local
    var conflicts: [MergeConflict] = []

    // Kptfiles: the root's and each subpackage's.
    let kptfiles = Set([origin, updated, local].flatMap(\.keys)).filter {
      Kptfile.isKptfile(path: $0)
    }.sorted()
    for path in kptfiles {
      let root = path == Kptfile.fileName
      switch (origin[path] != nil, updated[path] != nil, local[path] != nil) {
      case (_, true, false) where origin[path] == nil:
        files[path] = updated[path]
      case (true, false, true) where !root:
        // Upstream removed the Kptfile but kept the directory: kpt keeps the local Kptfile.
        let directory = String(path.dropLast(Kptfile.fileName.count))
        if local[path] == origin[path], !updated.keys.contains(where: { $0.hasPrefix(directory) }) {
          files[path] = nil
        }
      case (_, true, true):
        if let merged = try mergeKptfile(path: path, root: root, conflicts: &conflicts) {
          files[path] = merged
        }
      default:
        break
      }
    }

    // Resources. A resource file upstream left byte for byte as it was brings no change: the
    // local copy stands as it is, and is not even parsed.
    let untouched = Set(origin.keys).filter {
      ResourceSet.isResourceFile($0) && origin[$0] == updated[$0]
    }
    let sets = try [origin, updated, local].map { files throws(PackageMergeError) in
      try ResourceSet(files: files.filter { !untouched.contains($0.key) })
    }
    let (originSet, updatedSet, localSet) = (sets[0], sets[1], sets[2])
    var documents = localSet.documentsByFile
    var appended: [String: [YAMLDocument]] = [:]
    var handled: Set<String> = []
    for resource in localSet.resources {
      handled.insert(resource.id)
      let o = originSet.find(resource)
      let u = updatedSet.find(resource)
      let description = resource.description
      switch (o, u) {
      case (nil, _) where u == nil:
        continue  // added locally
      case (let o?, nil):
        // Deleted upstream.
        if FieldMerge.same(resource.comparable, o.comparable) {
          documents[resource.file]?[resource.index] = nil
        } else {
          // Changed locally: kept whatever the policy (as kpt does), and reported.
          conflicts.append(
            MergeConflict(
              file: resource.file, resource: description, field: ".",
              origin: "present", updated: nil, local: "changed"))
        }
      case (let o?, let u?)
      where o.file == u.file && o.document.headComments == u.document.headComments
        && o.document.root.isIdentical(to: u.document.root):
        continue  // upstream left it exactly as it was: the local copy stands
      default:
        var merge = FieldMerge(
          policy: policy == .fail ? .upstream : policy, file: resource.file, resource: description,
          builtin: resource.isBuiltin)
        merge.kustomization =
          resource.kind == "Kustomization" && resource.group == "kustomize.config.k8s.io"
        let merged = merge.merge(
          local: resource.document.root, origin: o?.document.root, updated: u?.document.root)
        conflicts += merge.conflicts
        if let merged {
          documents[resource.file]?[resource.index]?.root = merged
        }
        // The comment above the document: upstream's when only upstream changed it.
        if let o, let u, o.document.headComments != u.document.headComments,
          resource.document.headComments == o.document.headComments
        {
          documents[resource.file]?[resource.index]?.headComments = u.document.headComments
        }
        // The resource moved upstream and local still has it where origin had it: it moves.
        if let u, let o, o.file == resource.file, u.file != resource.file,
          let document = documents[resource.file]?[resource.index]
        {
          documents[resource.file]?[resource.index] = nil
          appended[u.file, default: []].append(document)
        }
      }
    }
    for resource in updatedSet.resources {
      if localSet.find(resource) != nil { continue }
      if originSet.find(resource) != nil { continue }  // deleted locally: stays deleted
      guard !handled.contains(resource.id) else { continue }
      appended[resource.file, default: []].append(resource.document)
    }

    // Files made of resources.
    for (path, list) in documents {
      let kept = list.compactMap { $0 }
      let touched = kept.count != list.count || kept.contains { $0.isModified }
      if kept.isEmpty && appended[path] == nil {
        if !list.isEmpty { files[path] = nil }
        continue
      }
      if !touched && appended[path] == nil { continue }
      guard let file = localSet.files[path] else { continue }
      var rebuilt = file
      rebuilt.replaceDocuments(list, adding: appended.removeValue(forKey: path) ?? [])
      files[path] = rebuilt.bytes(keepingHeadApart: true)
    }
    for (path, list) in appended {
      if let existing = files[path], let file = try? YAMLFile(parsing: existing, name: path) {
        var rebuilt = file
        rebuilt.replaceDocuments(file.documents, adding: list)
        files[path] = rebuilt.bytes(keepingHeadApart: true)
      } else {
        files[path] = YAMLFile(documents: list).bytes(keepingHeadApart: true)
      }
    }

    // Everything else, file by file (kpt.md §3.3 step 3).
    let other = Set([origin, updated, local].flatMap(\.keys)).filter {
      !Kptfile.isKptfile(path: $0) && !untouched.contains($0)
        && !(localSet.files[$0] != nil || originSet.files[$0] != nil
          || updatedSet.files[$0] != nil)
    }
    for path in other.sorted() {
      let modified = local[path] != nil && local[path] != origin[path]
      if modified { continue }
      if let bytes = updated[path] {
        files[path] = bytes
      } else if local[path] != nil {
        files[path] = nil
      }
    }

    let kept = conflicts
    if policy == .fail && !kept.isEmpty {
      throw PackageMergeError(
        "\(kept.count) conflict(s) between local changes and upstream; nothing was written",
        conflicts: kept)
    }
    return PackageMergeResult(files: files, conflicts: kept)
  }

  /// Whether two versions of a directory hold the same files (resources compared with their
  /// merge keys ensured, Kptfiles without their name, upstream and lock), as kpt's package diff.
  public static func sameTree(_ a: [String: [UInt8]], _ b: [String: [UInt8]]) -> Bool {
    guard Set(a.keys) == Set(b.keys) else { return false }
    let (x, y) = (UpstreamRewrite.ensureMergeKeys(a), UpstreamRewrite.ensureMergeKeys(b))
    return x.allSatisfy { path, bytes in
      guard let other = y[path] else { return false }
      return bytes == other
        || (Kptfile.isKptfile(path: path) && sameIgnoringUpstream(bytes, other))
    }
  }

  /// kpt refuses a subpackage that local and upstream both added.
  func checkSubpackages() throws(PackageMergeError) {
    for path in updated.keys where Kptfile.isKptfile(path: path) && path != Kptfile.fileName {
      if local[path] != nil && origin[path] == nil {
        let directory = String(path.dropLast(Kptfile.fileName.count + 1))
        throw PackageMergeError(
          "subpackage \"\(directory)\" added in both upstream and local; rename or remove the local one and retry"
        )
      }
    }
  }

  /// The Kptfile merge (kpt.md §3.7): labels, annotations, info, pipeline and the rest merged;
  /// the root keeps its own name, upstream and upstreamLock.
  func mergeKptfile(path: String, root: Bool, conflicts: inout [MergeConflict])
    throws(PackageMergeError) -> [UInt8]?
  {
    guard let localBytes = local[path], let updatedBytes = updated[path] else { return nil }
    let parsed: [YAMLFile?]
    do {
      parsed = [
        try YAMLFile(parsing: localBytes, name: path),
        try origin[path].map { bytes throws(KRMError) in try YAMLFile(parsing: bytes, name: path) },
        try YAMLFile(parsing: updatedBytes, name: path),
      ]
    } catch {
      throw PackageMergeError("cannot merge \(path): \(error.description)")
    }
    guard var file = parsed[0], var document = file.documents.first,
      let updatedRoot = parsed[2]?.documents.first?.root
    else { return nil }
    var originRoot = parsed[1]?.documents.first?.root
    var theirs = updatedRoot
    // Fields the root package keeps as they are: identity and where it came from.
    let keep = root ? ["upstream", "upstreamLock"] : []
    for key in keep {
      theirs.entries.removeAll { $0.key.value == key }
      originRoot?.entries.removeAll { $0.key.value == key }
    }
    // Name and namespace are local's: the other sides get local's before the merge.
    func takeLocalIdentity(_ node: inout YAMLNode) {
      for key in ["name", "namespace"] {
        let path = ["metadata", key]
        if let mine = document.root.node(at: path) {
          node.set(mine, at: path)
        } else {
          node.remove(at: path)
        }
      }
    }
    takeLocalIdentity(&theirs)
    if var base = originRoot {
      takeLocalIdentity(&base)
      originRoot = base
    }
    var mine = document.root
    var kept: [YAMLEntry] = []
    for key in keep {
      if let i = mine.index(ofKey: key) { kept.append(mine.entries[i]) }
      mine.entries.removeAll { $0.key.value == key }
    }
    var merge = FieldMerge(
      policy: policy == .fail ? .upstream : policy, file: path, resource: "Kptfile",
      builtin: false, kptfile: true)
    let merged = merge.merge(local: mine, origin: originRoot, updated: theirs)
    conflicts += merge.conflicts
    guard var result = merged else { return nil }
    // Put upstream and upstreamLock back where they were.
    for entry in kept {
      let before = document.root.entries.firstIndex { $0.key.value == entry.key.value } ?? 0
      result.entries.insert(entry, at: min(before, result.entries.count))
    }
    document.root = result
    file.documents[0] = document
    return file.bytes()
  }
}

/// The resources of one version of a package, by identity (kpt.md §3.4: group, kind, and the
/// namespace and name of the merge comment when there is one, else of metadata).
struct ResourceSet {
  struct Entry {
    var file: String
    var index: Int
    var document: YAMLDocument
    var group: String
    var kind: String
    var namespace: String
    var name: String
    /// A YAML document that is not KRM (no apiVersion or kind: a values file, a kustomize
    /// fragment): merged as plain YAML with the document at the same place in the same file,
    /// as kpt merges what has no identity of its own.
    var plain = 0

    var id: String {
      plain > 0
        ? "\u{0}\(file)#\(plain)" : [group, kind, namespace, name].joined(separator: "|")
    }
    var isBuiltin: Bool {
      plain == 0 && (group.isEmpty || !group.contains(".") || group.hasSuffix(".k8s.io"))
    }
    var description: String {
      plain > 0
        ? "document \(index + 1)" : kind + " " + (namespace.isEmpty ? "" : namespace + "/") + name
    }
    /// The document without the annotations kpt ignores when it compares.
    var comparable: YAMLNode {
      var root = document.root
      for key in [
        Annotation.path, Annotation.index, Annotation.internalPath, Annotation.internalIndex,
        "config.k8s.io/merge-source", "config.kubernetes.io/merge-source",
        UpstreamRewrite.identifierAnnotation,
      ] {
        root.remove(at: ["metadata", "annotations", key])
      }
      // A merge key adds the annotations map; without it the object is the same.
      if root.node(at: ["metadata", "annotations"])?.entries.isEmpty == true {
        root.remove(at: ["metadata", "annotations"])
      }
      return root
    }
  }

  var files: [String: YAMLFile] = [:]
  var resources: [Entry] = []
  var byID: [String: [Entry]] = [:]

  /// Each YAML file's documents, by position (nil once removed).
  var documentsByFile: [String: [YAMLDocument?]] {
    files.mapValues { $0.documents.map { Optional($0) } }
  }

  init(files input: [String: [UInt8]]) throws(PackageMergeError) {
    for (path, bytes) in input where Self.isResourceFile(path) {
      let file: YAMLFile
      do {
        file = try YAMLFile(parsing: bytes, name: path)
      } catch {
        throw PackageMergeError("\(error); fix the file and retry")
      }
      files[path] = file
      var plain = 0
      for (index, document) in file.documents.enumerated() {
        let root = document.root
        guard root.isMapping else { continue }
        guard let kind = root["kind"]?.string, let apiVersion = root["apiVersion"]?.string else {
          plain += 1
          let entry = Entry(
            file: path, index: index, document: document, group: "", kind: "", namespace: "",
            name: "", plain: plain)
          byID[entry.id, default: []].append(entry)
          resources.append(entry)
          continue
        }
        let group = apiVersion.contains("/") ? String(apiVersion.prefix { $0 != "/" }) : ""
        var namespace = root.node(at: ["metadata", "namespace"])?.string ?? ""
        var name = root.node(at: ["metadata", "name"])?.string ?? ""
        if let i = root.index(ofKey: "metadata"), let comment = root.entries[i].comments.line,
          let range = comment.range(of: "kpt-merge:")
        {
          let text = comment[range.upperBound...].trimmingCharacters(in: .whitespaces)
          let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
          if parts.count == 2 {
            namespace = String(parts[0])
            name = String(parts[1])
          }
        }
        let entry = Entry(
          file: path, index: index, document: document, group: group, kind: kind,
          namespace: namespace == "default" ? "" : namespace, name: name)
        if byID[entry.id]?.contains(where: { $0.file == path }) == true {
          throw PackageMergeError(
            "found duplicate resources \(entry.description) in file \"\(path)\"; give each object its own name"
          )
        }
        byID[entry.id, default: []].append(entry)
        resources.append(entry)
      }
    }
    resources.sort { ($0.file, $0.index) < ($1.file, $1.index) }
  }

  static func isResourceFile(_ path: String) -> Bool {
    let base = path.split(separator: "/").last.map(String.init) ?? path
    return base != Kptfile.fileName && (base.hasSuffix(".yaml") || base.hasSuffix(".yml"))
  }

  /// The same resource here: in the same file if it is there, else the only one anywhere.
  func find(_ other: Entry) -> Entry? {
    guard let candidates = byID[other.id] else { return nil }
    if let same = candidates.first(where: { $0.file == other.file }) { return same }
    return candidates.count == 1 ? candidates[0] : nil
  }
}
