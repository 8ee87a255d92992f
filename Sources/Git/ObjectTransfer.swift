internal import CGit2

extension Repository {
  /// Copies an object and everything it reaches into `other`, stopping at objects it already
  /// has (so an unchanged subtree or an already pushed parent costs one lookup).
  ///
  /// Objects are written children first: a blob before the tree that names it, a tree before
  /// its commit, parents before their child. Killed at any point, `other` then holds only
  /// complete graphs, so "this object is there" keeps meaning "everything it reaches is there",
  /// which is what makes stopping at present objects safe. Each loose object is itself written
  /// to a temporary file and renamed into place by libgit2. One repair goes beyond that rule: a
  /// commit that is present without its tree (left by an older stoop that wrote parents first)
  /// gets its tree copied.
  func copyMissingObjects(from id: ObjectID, to other: Repository) throws(GitError) {
    var source: OpaquePointer?
    try check(git_repository_odb(&source, handle))
    defer { git_odb_free(source) }
    var destination: OpaquePointer?
    try check(git_repository_odb(&destination, other.handle))
    defer { git_odb_free(destination) }
    func present(_ id: ObjectID) -> Bool {
      var oid = id.raw
      return git_odb_exists(destination, &oid) == 1
    }

    // Depth first; an object is written when the walk comes back to it, after its children.
    var stack: [(id: ObjectID, childrenDone: Bool)] = [(id, false)]
    var seen = Set<ObjectID>()
    while let (next, childrenDone) = stack.popLast() {
      if childrenDone {
        try copyObject(next, from: source, to: destination)
        continue
      }
      guard seen.insert(next).inserted else { continue }
      if present(next) {
        // Trusted as complete, except for the one known damage: a commit without its tree.
        if let commit = try? self.commit(next), !present(commit.tree) {
          stack.append((commit.tree, false))
        }
        continue
      }
      stack.append((next, true))
      switch try objectType(next, in: source) {
      case GIT_OBJECT_COMMIT:
        let commit = try self.commit(next)
        for parent in commit.parents.reversed() { stack.append((parent, false)) }
        stack.append((commit.tree, false))
      case GIT_OBJECT_TREE:
        for entry in try treeEntries(next) where entry.mode != .commit {
          stack.append((entry.id, false))
        }
      case GIT_OBJECT_TAG:
        stack.append((try peelToCommit(next), false))
      default:
        break
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
