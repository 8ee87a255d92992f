internal import CGit2

extension Repository {
  /// Copies an object and everything it reaches into `other`, stopping at objects it already
  /// has (so an unchanged subtree or an already pushed parent costs one lookup).
  func copyMissingObjects(from id: ObjectID, to other: Repository) throws(GitError) {
    try copyMissingObjects(from: [id], to: other)
  }

  /// Copies objects and everything they reach into `other`, stopping at objects it already has.
  ///
  /// What `other` lacks is found first. A few objects are written loose, children first: a blob
  /// before the tree that names it, a tree before its commit, parents before their child. Many
  /// are written as one pack, which appears whole or not at all. Killed at any point, `other`
  /// then holds only complete graphs, so "this object is there" keeps meaning "everything it
  /// reaches is there", which is what makes stopping at present objects safe. Each loose object
  /// is itself written to a temporary file and renamed into place by libgit2. One repair goes
  /// beyond that rule: a commit that is present without its tree (left by an older stoop that
  /// wrote parents first) gets its tree copied.
  func copyMissingObjects(
    from ids: [ObjectID], to other: Repository, progress: ProgressLine? = nil
  ) throws(GitError) {
    var source: OpaquePointer?
    try check(git_repository_odb(&source, handle))
    defer { git_odb_free(source) }
    var destination: OpaquePointer?
    try check(git_repository_odb(&destination, other.handle))
    defer { git_odb_free(destination) }
    let missing = try missingObjects(from: ids, source: source, destination: destination)
    if missing.count > Self.looseLimit {
      try other.writePack(
        missing, from: source, progress: progress ?? ProgressLine("Writing objects"))
      FaultInjection.point("pack.written")
      return
    }
    for (id, _) in missing { try copyObject(id, from: source, to: destination) }
  }

  /// Up to this many objects are written loose; more go into a pack.
  static let looseLimit = 64

  /// The objects reachable from `ids` that `destination` lacks, children before parents, each
  /// with the name a tree gives it (empty for commits and root trees).
  private func missingObjects(
    from ids: [ObjectID], source: OpaquePointer?, destination: OpaquePointer?
  ) throws(GitError) -> [(id: ObjectID, name: String)] {
    // One look at the destination's packs up front; each miss would otherwise list them again.
    _ = git_odb_refresh(destination)
    let noRefresh = UInt32(GIT_ODB_LOOKUP_NO_REFRESH.rawValue)
    func present(_ oid: git_oid) -> Bool {
      var oid = oid
      return git_odb_exists_ext(destination, &oid, noRefresh) == 1
    }
    // Depth first; an object is listed when the walk comes back to it, after its children. The
    // type is carried along where the parent object tells it (nil: read it). Raw names, not
    // ObjectIDs: a walk through many versions of a large tree meets hundreds of thousands.
    // `checked`: already found missing (tree entries are looked at on the way
    // in, so that each distinct one costs one look).
    var stack:
      [(oid: git_oid, type: git_object_t?, childrenDone: Bool, checked: Bool, name: String)] =
        ids.reversed().map { ($0.raw, nil, false, false, "") }
    var seen = Set<RawObjectID>()
    var missing: [(id: ObjectID, name: String)] = []
    while let (next, knownType, childrenDone, checked, name) = stack.popLast() {
      if childrenDone {
        missing.append((ObjectID(next), name))
        continue
      }
      // Marked seen when taken, not when stacked: an object stacked by one tree and reached
      // first through another is then listed before both of them.
      guard seen.insert(RawObjectID(next)).inserted else { continue }
      let id = ObjectID(next)
      var type = GIT_OBJECT_INVALID
      if let knownType { type = knownType } else { type = try objectType(id, in: source) }
      if !checked && present(next) {
        // Trusted as complete, except for the one known damage: a commit without its tree.
        if type == GIT_OBJECT_COMMIT, let commit = try? self.commit(id), !present(commit.tree.raw) {
          stack.append((commit.tree.raw, GIT_OBJECT_TREE, false, false, ""))
        }
        continue
      }
      stack.append((next, type, true, true, name))
      switch type {
      case GIT_OBJECT_COMMIT:
        let commit = try self.commit(id)
        for parent in commit.parents.reversed() {
          stack.append((parent.raw, GIT_OBJECT_COMMIT, false, false, ""))
        }
        stack.append((commit.tree.raw, GIT_OBJECT_TREE, false, false, ""))
      case GIT_OBJECT_TREE:
        // Most entries of a changed tree are unchanged: a look at the destination skips them.
        try forEachTreeEntry(id) { oid, type, entryName in
          let raw = RawObjectID(oid.pointee)
          guard !seen.contains(raw) else { return }
          if present(oid.pointee) {
            seen.insert(raw)
            return
          }
          stack.append((oid.pointee, type, false, true, String(cString: entryName)))
        }
      case GIT_OBJECT_TAG:
        // One step at a time: a tag of a tag needs the inner tag object too, and a tag may name
        // a tree or a blob.
        let target = try tagTarget(id)
        stack.append((target.id.raw, target.type, false, false, ""))
      default:
        break
      }
    }
    return missing
  }

  /// The object an annotated tag names, and its type.
  private func tagTarget(_ id: ObjectID) throws(GitError) -> (id: ObjectID, type: git_object_t) {
    var oid = id.raw
    var tag: OpaquePointer?
    try check(git_tag_lookup(&tag, handle, &oid), "cannot read tag \(id)")
    defer { git_tag_free(tag) }
    guard let target = git_tag_target_id(tag) else {
      throw GitError(.corrupt, "tag \(id) names no object", errorClass: "odb")
    }
    return (ObjectID(target.pointee), git_tag_target_type(tag))
  }

  /// The id and type of each entry of a tree, submodule commits left out (they live elsewhere).
  private func forEachTreeEntry(
    _ tree: ObjectID,
    _ body: (UnsafePointer<git_oid>, git_object_t, UnsafePointer<CChar>) -> Void
  ) throws(GitError) {
    var oid = tree.raw
    var handleTree: OpaquePointer?
    try check(git_tree_lookup(&handleTree, handle, &oid), "cannot read tree \(tree)")
    defer { git_tree_free(handleTree) }
    for i in 0..<git_tree_entrycount(handleTree) {
      guard let entry = git_tree_entry_byindex(handleTree, i) else { continue }
      let type = git_tree_entry_type(entry)
      if type == GIT_OBJECT_BLOB || type == GIT_OBJECT_TREE {
        if let id = git_tree_entry_id(entry), let name = git_tree_entry_name(entry) {
          body(id, type, name)
        }
      }
    }
  }

  private func objectType(_ id: ObjectID, in odb: OpaquePointer?) throws(GitError) -> git_object_t {
    var oid = id.raw
    var size = 0
    var type = GIT_OBJECT_INVALID
    try check(git_odb_read_header(&size, &type, odb, &oid), "cannot read object \(id)")
    return type
  }

  private func copyObject(
    _ id: ObjectID, from source: OpaquePointer?, to destination: OpaquePointer?
  )
    throws(GitError)
  {
    var oid = id.raw
    var object: OpaquePointer?
    try check(git_odb_read(&object, source, &oid), "cannot read object \(id)")
    defer { git_odb_object_free(object) }
    var written = git_oid()
    try check(
      git_odb_write(
        &written, destination, git_odb_object_data(object), git_odb_object_size(object),
        git_odb_object_type(object)),
      "cannot write object \(id)")
    FaultInjection.point("object.written")
  }
}

/// An object name as its 20 bytes, hashed without building its hex form.
private struct RawObjectID: Hashable {
  let high: UInt64
  let middle: UInt64
  let low: UInt32

  init(_ oid: git_oid) {
    (high, middle, low) = withUnsafeBytes(of: oid.id) { bytes in
      (
        bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
        bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
        bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
      )
    }
  }
}
