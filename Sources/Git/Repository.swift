internal import CGit2
import Foundation

/// A git repository opened through libgit2; the handle is freed with the object.
///
/// stoop works on bare repositories only: everything is read from and written to the object
/// database and refs, never a work tree.
public final class Repository: @unchecked Sendable {
  let handle: OpaquePointer
  public let path: String
  /// `packed-refs` as last read, reused while the file is unchanged.
  private var packed: PackedReferences?

  private init(handle: OpaquePointer, path: String) {
    self.handle = handle
    self.path = path
  }

  deinit { git_repository_free(handle) }

  /// Opens an existing repository (bare, or the `.git` of a work tree) at `path`.
  public static func open(_ path: String) throws(GitError) -> Repository {
    _ = LibGit2.initialised
    var handle: OpaquePointer?
    try check(
      git_repository_open_ext(&handle, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil))
    guard let handle else { throw GitError(.notFound, "no repository at \(path)") }
    return Repository(handle: handle, path: path)
  }

  /// The branch a work tree has checked out (`refs/heads/main`); nil for a bare repository, a
  /// detached HEAD, or a work tree with no file in it (a `.git` directory on its own).
  public var checkedOutBranch: String? {
    guard git_repository_is_bare(handle) == 0,
      let workdir = git_repository_workdir(handle).map({ String(cString: $0) }),
      let entries = try? FileManager.default.contentsOfDirectory(atPath: workdir),
      entries.contains(where: { $0 != ".git" })
    else { return nil }
    var head: OpaquePointer?
    guard git_reference_lookup(&head, handle, "HEAD") == 0, let head else { return nil }
    defer { git_reference_free(head) }
    return git_reference_symbolic_target(head).map { String(cString: $0) }
  }

  /// Creates an empty bare repository at `path`.
  public static func createBare(_ path: String, initialBranch: String = "main") throws(GitError)
    -> Repository
  {
    _ = LibGit2.initialised
    var options = git_repository_init_options()
    try check(
      git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)))
    options.flags = UInt32(GIT_REPOSITORY_INIT_BARE.rawValue | GIT_REPOSITORY_INIT_MKPATH.rawValue)
    var handle: OpaquePointer?
    let code = initialBranch.withCString { branch in
      options.initial_head = branch
      return git_repository_init_ext(&handle, path, &options)
    }
    try check(code, "cannot create a repository at \(path)")
    guard let handle else { throw GitError(.notFound, "no repository at \(path)") }
    return Repository(handle: handle, path: path)
  }

  // MARK: References

  /// The git directory that holds the repository's refs and objects, ending in `/`: for a
  /// linked work tree (`git worktree add`) the common one it shares, not its private one.
  var gitDirectory: String { String(cString: git_repository_commondir(handle)) }

  /// Every reference under `prefix` (all when empty) with the object it names; symbolic refs
  /// are left out.
  ///
  /// Read straight from the files backend (loose refs, then `packed-refs`, loose ones winning):
  /// libgit2's iterator loads and sorts every packed ref on each call, which made a scoped read
  /// of a few refs cost as much as listing thousands.
  public func references(under prefix: String = "") throws(GitError) -> [String: ObjectID] {
    let gitDirectory = self.gitDirectory
    var result: [String: ObjectID] = [:]
    // Loose refs first: a concurrent `pack-refs` writes packed-refs before removing loose refs,
    // so reading in this order never misses a ref that exists throughout.
    let loose = Self.looseReferences(in: gitDirectory, under: prefix)
    packedReferences(in: gitDirectory).forEach(under: prefix) { name, id in result[name] = id }
    for (name, id) in loose { result[name] = id }
    return result
  }

  /// The packed value of exactly `name`, if `packed-refs` has one.
  func packedReference(_ name: String, in gitDirectory: String) -> ObjectID? {
    var found: ObjectID?
    packedReferences(in: gitDirectory).forEach(under: name) { other, id in
      if other == name { found = id }
    }
    return found
  }

  private func packedReferences(in gitDirectory: String) -> PackedReferences {
    let file = gitDirectory + "packed-refs"
    if let packed, packed.stamp == PackedReferences.Stamp(file) { return packed }
    let fresh = PackedReferences(file: file)
    packed = fresh
    return fresh
  }

  /// Loose refs below the directory that holds `prefix`.
  private static func looseReferences(in gitDirectory: String, under prefix: String) -> [(
    String, ObjectID
  )] {
    let start: String
    if prefix.isEmpty {
      start = "refs"
    } else if prefix.hasSuffix("/") {
      start = String(prefix.dropLast())
    } else {
      start = (prefix as NSString).deletingLastPathComponent
    }
    guard start == "refs" || start.hasPrefix("refs/") else { return [] }
    var found: [(String, ObjectID)] = []
    func file(_ relative: String) {
      if relative.hasPrefix(prefix), !relative.hasSuffix(".lock"),
        let id = readLooseRef(gitDirectory + relative)
      {
        found.append((relative, id))
      }
    }
    func visit(_ relative: String) {
      guard let directory = opendir(gitDirectory + relative) else {
        // A file: a loose ref itself.
        file(relative)
        return
      }
      var children: [(name: String, isFile: Bool)] = []
      while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
          String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        // (The entry's type, where the file system gives it, saves trying a file as a directory.)
        if name != "." && name != ".." {
          children.append((name, entry.pointee.d_type == UInt8(DT_REG)))
        }
      }
      closedir(directory)
      for child in children {
        let path = relative + "/" + child.name
        // Only descend where refs under the prefix can be.
        guard path.hasPrefix(prefix) || prefix.hasPrefix(path + "/") else { continue }
        if child.isFile { file(path) } else { visit(path) }
      }
    }
    visit(start)
    return found
  }

  /// The object name a loose ref file holds (nil for a symbolic ref or a file that is not one),
  /// read without Foundation: a repository can hold thousands of loose refs.
  private static func readLooseRef(_ path: String) -> ObjectID? {
    let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 40)
    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 40) }
    guard count == 40 else { return nil }
    return ObjectID(hex: String(decoding: buffer, as: UTF8.self))
  }

  /// The object a reference names, or nil when there is no such reference.
  /// Symbolic refs (such as `HEAD`) are followed.
  public func reference(_ name: String) throws(GitError) -> ObjectID? {
    if name.hasPrefix("refs/"), let id = try references(under: name)[name] { return id }
    var oid = git_oid()
    let code = git_reference_name_to_id(&oid, handle, name)
    if code == GIT_ENOTFOUND.rawValue { return nil }
    try check(code, "cannot read \(name)")
    return ObjectID(oid)
  }

  /// Moves loose refs into `packed-refs`: with thousands of refs, reading one file beats opening
  /// thousands.
  public func packReferences() throws(GitError) {
    var refdb: OpaquePointer?
    try check(git_repository_refdb(&refdb, handle))
    defer { git_refdb_free(refdb) }
    try check(git_refdb_compress(refdb), "cannot pack the refs of \(path)")
    // Packing leaves the directories of the loose refs behind; libgit2 would walk them all.
    let refs = (String(cString: git_repository_path(handle)) as NSString).appendingPathComponent(
      "refs")
    for top in ["remotes", "tags", "heads"] {
      Self.removeEmptyDirectories(refs + "/" + top, keep: true)
    }
  }

  /// Removes empty directories below `path` (and `path` itself unless `keep`); whether it is gone.
  @discardableResult
  private static func removeEmptyDirectories(_ path: String, keep: Bool = false) -> Bool {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
      return false
    }
    var remaining = names.count
    for name in names {
      var isDirectory: ObjCBool = false
      let child = path + "/" + name
      if FileManager.default.fileExists(atPath: child, isDirectory: &isDirectory),
        isDirectory.boolValue,
        removeEmptyDirectories(child)
      {
        remaining -= 1
      }
    }
    guard remaining == 0, !keep else { return false }
    return rmdir(path) == 0
  }

  /// Points a reference at an object (creating or moving it).
  public func setReference(_ name: String, to id: ObjectID) throws(GitError) {
    try writeReference(name, to: id, if: .any)
  }

  /// Deletes a reference; no error when it does not exist.
  public func deleteReference(_ name: String) throws(GitError) {
    try writeReference(name, to: nil, if: .any)
  }

  /// The commit an object leads to: itself, or the target of an annotated tag (recursively).
  public func peelToCommit(_ id: ObjectID) throws(GitError) -> ObjectID {
    var oid = id.raw
    var object: OpaquePointer?
    try check(git_object_lookup(&object, handle, &oid, GIT_OBJECT_ANY), "cannot read object \(id)")
    defer { git_object_free(object) }
    var peeled: OpaquePointer?
    try check(git_object_peel(&peeled, object, GIT_OBJECT_COMMIT), "\(id) is not a commit")
    defer { git_object_free(peeled) }
    return ObjectID(git_object_id(peeled))
  }

  /// The commit an abbreviated or full hexadecimal object name leads to, if the repository has
  /// exactly one such object and it peels to a commit.
  public func commit(abbreviated hex: String) -> ObjectID? {
    guard hex.count >= 4, hex.count <= 40, hex.allSatisfy(\.isHexDigit) else { return nil }
    var object: OpaquePointer?
    guard git_revparse_single(&object, handle, hex) == 0 else { return nil }
    defer { git_object_free(object) }
    return try? peelToCommit(ObjectID(git_object_id(object)))
  }

  /// Checks that the object of every ref is in the object database; throws a `.corrupt` error
  /// naming the first that is missing.
  public func verifyReferencedObjects() throws(GitError) {
    var odb: OpaquePointer?
    try check(git_repository_odb(&odb, handle))
    defer { git_odb_free(odb) }
    var seen = Set<ObjectID>()
    for (name, id) in try references() where seen.insert(id).inserted {
      var oid = id.raw
      guard git_odb_exists(odb, &oid) == 1 else {
        throw GitError(.corrupt, "object \(id) of \(name) is missing", errorClass: "odb")
      }
    }
  }

  /// The identity git's configuration gives (user.name, user.email), if any.
  public func configuredSignature() -> Signature? {
    var signature: UnsafeMutablePointer<git_signature>?
    guard git_signature_default(&signature, handle) == 0, let signature else { return nil }
    defer { git_signature_free(signature) }
    return Signature(
      name: String(cString: signature.pointee.name), email: String(cString: signature.pointee.email)
    )
  }

  // MARK: Objects

  /// A commit's fields.
  public func commit(_ id: ObjectID) throws(GitError) -> Commit {
    var oid = id.raw
    var commit: OpaquePointer?
    try check(git_commit_lookup(&commit, handle, &oid), "cannot read commit \(id)")
    defer { git_commit_free(commit) }
    var parents: [ObjectID] = []
    for i in 0..<git_commit_parentcount(commit) {
      if let parent = git_commit_parent_id(commit, i) { parents.append(ObjectID(parent)) }
    }
    func person(_ signature: UnsafePointer<git_signature>?) -> Signature {
      guard let signature else { return Signature(name: "", email: "") }
      return Signature(
        name: String(cString: signature.pointee.name),
        email: String(cString: signature.pointee.email),
        time: Int64(signature.pointee.when.time), offsetMinutes: Int(signature.pointee.when.offset))
    }
    return Commit(
      id: id, tree: ObjectID(git_commit_tree_id(commit)), parents: parents,
      message: git_commit_message(commit).map { String(cString: $0) } ?? "",
      author: person(git_commit_author(commit)), committer: person(git_commit_committer(commit)))
  }

  /// The entries of a tree (one level).
  public func treeEntries(_ tree: ObjectID) throws(GitError) -> [TreeEntry] {
    var oid = tree.raw
    var handleTree: OpaquePointer?
    try check(git_tree_lookup(&handleTree, handle, &oid), "cannot read tree \(tree)")
    defer { git_tree_free(handleTree) }
    var entries: [TreeEntry] = []
    for i in 0..<git_tree_entrycount(handleTree) {
      guard let entry = git_tree_entry_byindex(handleTree, i) else { continue }
      entries.append(
        TreeEntry(
          name: String(cString: git_tree_entry_name(entry)), id: ObjectID(git_tree_entry_id(entry)),
          mode: FileMode(rawValue: git_tree_entry_filemode(entry).rawValue) ?? .blob))
    }
    return entries
  }

  /// The entry at a slash-separated path below a tree, or nil when there is none.
  public func entry(at path: String, in tree: ObjectID) throws(GitError) -> TreeEntry? {
    let trimmed = path.split(separator: "/").joined(separator: "/")
    if trimmed.isEmpty { return TreeEntry(name: "", id: tree, mode: .tree) }
    var oid = tree.raw
    var handleTree: OpaquePointer?
    try check(git_tree_lookup(&handleTree, handle, &oid), "cannot read tree \(tree)")
    defer { git_tree_free(handleTree) }
    var entry: OpaquePointer?
    let code = git_tree_entry_bypath(&entry, handleTree, trimmed)
    if code == GIT_ENOTFOUND.rawValue { return nil }
    try check(code, "cannot read \(path) in tree \(tree)")
    defer { git_tree_entry_free(entry) }
    return TreeEntry(
      name: String(cString: git_tree_entry_name(entry)), id: ObjectID(git_tree_entry_id(entry)),
      mode: FileMode(rawValue: git_tree_entry_filemode(entry).rawValue) ?? .blob)
  }

  /// A blob's bytes.
  public func blob(_ id: ObjectID) throws(GitError) -> [UInt8] {
    var oid = id.raw
    var blob: OpaquePointer?
    try check(git_blob_lookup(&blob, handle, &oid), "cannot read blob \(id)")
    defer { git_blob_free(blob) }
    let size = Int(git_blob_rawsize(blob))
    guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
    return Array(UnsafeRawBufferPointer(start: content, count: size))
  }

  /// Every file below a tree, by slash path relative to it.
  public func files(in tree: ObjectID, prefix: String = "") throws(GitError) -> [String: TreeEntry]
  {
    var result: [String: TreeEntry] = [:]
    for entry in try treeEntries(tree) {
      let path = prefix.isEmpty ? entry.name : prefix + "/" + entry.name
      if entry.mode == .tree {
        result.merge(try files(in: entry.id, prefix: path)) { a, _ in a }
      } else if entry.mode != .commit {
        result[path] = entry
      }
    }
    return result
  }

  // MARK: Writing objects

  /// Stores bytes as a blob.
  public func writeBlob(_ bytes: [UInt8]) throws(GitError) -> ObjectID {
    var oid = git_oid()
    let code = bytes.withUnsafeBytes {
      git_blob_create_from_buffer(&oid, handle, $0.baseAddress, $0.count)
    }
    try check(code, "cannot write a blob")
    return ObjectID(oid)
  }

  /// Builds a tree from files (slash paths relative to the tree), writing blobs as needed.
  public func writeTree(files: [String: (bytes: [UInt8], mode: FileMode)]) throws(GitError)
    -> ObjectID
  {
    var entries: [String: TreeEntry] = [:]
    for (path, file) in files {
      entries[path] = TreeEntry(
        name: String(path.split(separator: "/").last ?? ""), id: try writeBlob(file.bytes),
        mode: file.mode)
    }
    return try writeTree(entries: entries)
  }

  /// Builds a tree from entries that already exist in the object database.
  public func writeTree(entries: [String: TreeEntry]) throws(GitError) -> ObjectID {
    var direct: [TreeEntry] = []
    var nested: [String: [String: TreeEntry]] = [:]
    for (path, entry) in entries {
      if let slash = path.firstIndex(of: "/") {
        nested[String(path[..<slash]), default: [:]][String(path[path.index(after: slash)...])] =
          entry
      } else {
        direct.append(TreeEntry(name: path, id: entry.id, mode: entry.mode))
      }
    }
    for (name, children) in nested {
      direct.append(TreeEntry(name: name, id: try writeTree(entries: children), mode: .tree))
    }
    return try buildTree(base: nil, changes: direct.map { ($0.name, $0) })
  }

  /// A copy of `base` (or of the empty tree) with the subtree at `path` replaced by `subtree`, or
  /// removed when `subtree` is nil; trees left empty on the way are removed too.
  public func replacingSubtree(in base: ObjectID?, at path: String, with subtree: ObjectID?)
    throws(GitError) -> ObjectID
  {
    try replacingEntry(in: base, at: path, with: subtree, mode: .tree)
  }

  /// A copy of `base` (or of the empty tree) with the entry at `path` set to `id` with `mode` (a
  /// blob, an executable or a subtree), or removed when `id` is nil; trees left empty on the way
  /// are removed too.
  public func replacingEntry(
    in base: ObjectID?, at path: String, with id: ObjectID?, mode: FileMode
  )
    throws(GitError) -> ObjectID
  {
    let components = path.split(separator: "/").map(String.init)
    guard let first = components.first else {
      if let id, mode == .tree { return id }
      return try buildTree(base: nil, changes: [])
    }
    var replacement = id
    var replacementMode = mode
    if components.count > 1 {
      var existing: ObjectID? = nil
      if let base {
        existing = try treeEntries(base).first { $0.name == first && $0.mode == .tree }?.id
      }
      replacement = try replacingEntry(
        in: existing, at: components.dropFirst().joined(separator: "/"), with: id, mode: mode)
      replacementMode = .tree
      if let replacement, try treeEntries(replacement).isEmpty {
        return try buildTree(base: base, changes: [(first, nil)])
      }
    }
    return try buildTree(
      base: base,
      changes: [
        (first, replacement.map { TreeEntry(name: first, id: $0, mode: replacementMode) })
      ])
  }

  /// A copy of `base` (or of the empty tree) with the named entries of its top level replaced,
  /// added, or removed (nil).
  public func replacingEntries(in base: ObjectID?, _ changes: [(name: String, entry: TreeEntry?)])
    throws(GitError) -> ObjectID
  {
    try buildTree(base: base, changes: changes.map { ($0.name, $0.entry) })
  }

  private func buildTree(base: ObjectID?, changes: [(String, TreeEntry?)]) throws(GitError)
    -> ObjectID
  {
    var baseTree: OpaquePointer?
    if let base {
      var oid = base.raw
      try check(git_tree_lookup(&baseTree, handle, &oid), "cannot read tree \(base)")
    }
    defer { git_tree_free(baseTree) }
    var builder: OpaquePointer?
    try check(git_treebuilder_new(&builder, handle, baseTree))
    defer { git_treebuilder_free(builder) }
    for (name, entry) in changes {
      if let entry {
        var oid = entry.id.raw
        try check(
          git_treebuilder_insert(
            nil, builder, name, &oid, git_filemode_t(rawValue: entry.mode.rawValue)),
          "cannot add \(name) to a tree")
      } else if git_treebuilder_get(builder, name) != nil {
        try check(git_treebuilder_remove(builder, name))
      }
    }
    var oid = git_oid()
    try check(git_treebuilder_write(&oid, builder), "cannot write a tree")
    return ObjectID(oid)
  }

  /// Writes a commit (no ref is moved).
  public func writeCommit(
    tree: ObjectID, parents: [ObjectID], message: String, author: Signature, committer: Signature
  ) throws(GitError) -> ObjectID {
    var treeOID = tree.raw
    var treeHandle: OpaquePointer?
    try check(git_tree_lookup(&treeHandle, handle, &treeOID), "cannot read tree \(tree)")
    defer { git_tree_free(treeHandle) }
    var parentHandles: [OpaquePointer?] = []
    defer { for parent in parentHandles { git_commit_free(parent) } }
    for parent in parents {
      var oid = parent.raw
      var commit: OpaquePointer?
      try check(git_commit_lookup(&commit, handle, &oid), "cannot read commit \(parent)")
      parentHandles.append(commit)
    }
    let authorSignature = try author.make()
    defer { git_signature_free(authorSignature) }
    let committerSignature = try committer.make()
    defer { git_signature_free(committerSignature) }
    var oid = git_oid()
    let code = parentHandles.withUnsafeMutableBufferPointer { buffer in
      git_commit_create(
        &oid, handle, nil, authorSignature, committerSignature, nil, message, treeHandle,
        buffer.count,
        buffer.baseAddress)
    }
    try check(code, "cannot write a commit")
    return ObjectID(oid)
  }
}

/// A file mode as git records it in trees.
public enum FileMode: UInt32, Sendable {
  case tree = 0o040000
  case blob = 0o100644
  case executable = 0o100755
  case link = 0o120000
  case commit = 0o160000
}

public struct TreeEntry: Sendable, Equatable {
  public var name: String
  public var id: ObjectID
  public var mode: FileMode

  public init(name: String, id: ObjectID, mode: FileMode) {
    self.name = name
    self.id = id
    self.mode = mode
  }
}

public struct Signature: Sendable, Equatable {
  public var name: String
  public var email: String
  /// Seconds since the epoch.
  public var time: Int64
  public var offsetMinutes: Int

  public init(name: String, email: String, time: Int64? = nil, offsetMinutes: Int = 0) {
    self.name = name
    self.email = email
    self.time = time ?? Int64(git_time_t(currentTime()))
    self.offsetMinutes = offsetMinutes
  }

  func make() throws(GitError) -> UnsafeMutablePointer<git_signature>? {
    var signature: UnsafeMutablePointer<git_signature>?
    try check(git_signature_new(&signature, name, email, git_time_t(time), Int32(offsetMinutes)))
    return signature
  }
}

private func currentTime() -> Int64 {
  var now = timespec()
  clock_gettime(CLOCK_REALTIME, &now)
  return Int64(now.tv_sec)
}

public struct Commit: Sendable, Equatable {
  public var id: ObjectID
  public var tree: ObjectID
  public var parents: [ObjectID]
  public var message: String
  public var author: Signature
  public var committer: Signature
}
