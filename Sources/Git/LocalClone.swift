internal import CGit2
import Foundation

extension Repository {
  /// A clone of a repository on this disk made the way `git clone --local` makes one: the
  /// source's pack files and loose objects are hard-linked (copied when the file system refuses
  /// a link), and its branches and tags are written as one `packed-refs` under Porch's refspecs.
  /// Objects never change once written and git replaces rather than rewrites its files, so a
  /// link is as independent as a copy. libgit2's local transport would instead build a new pack
  /// of every object, computing deltas, which cost seconds per thousand refs.
  ///
  /// The refs are read first and written last, so a source written meanwhile yields the refs as
  /// they were, each with its objects; a clone killed before the refs are written holds nothing
  /// anyone reads. Returns nil, leaving `path` untouched, when the source cannot be cloned this
  /// way (it borrows objects from elsewhere, or is shallow): a fetch then copies the objects
  /// each ref reaches.
  static func cloneLocally(from source: Repository, into path: String, progress: Bool?)
    throws(GitError) -> Repository?
  {
    let common = String(cString: git_repository_commondir(source.handle))
    let objects = common + "objects"
    for borrowed in ["/info/alternates", "/info/http-alternates"]
    where FileManager.default.fileExists(atPath: objects + borrowed) {
      return nil
    }
    if FileManager.default.fileExists(atPath: common + "shallow") { return nil }
    // A partial clone's missing objects live on its promisor remote: a fetch says so.
    let config = (try? String(contentsOfFile: common + "config", encoding: .utf8)) ?? ""
    let keys = config.lowercased().split(separator: "\n").map {
      $0.drop(while: { $0 == " " || $0 == "\t" })
    }
    if keys.contains(where: { $0.hasPrefix("promisor") || $0.hasPrefix("partialclone") }) {
      return nil
    }
    let refs = porchTracking(try source.references())

    // Loose objects are listed before packs: git only ever moves objects from loose into packs,
    // so an object a repack moves meanwhile is in one list or the other.
    var loose: [String] = []
    for directory in (try? FileManager.default.contentsOfDirectory(atPath: objects)) ?? []
    where directory.utf8.count == 2 && directory.allSatisfy(\.isHexDigit) {
      for name in (try? FileManager.default.contentsOfDirectory(atPath: objects + "/" + directory))
        ?? [] where name.utf8.count == 38 && name.allSatisfy(\.isHexDigit)
      {
        loose.append(directory + "/" + name)
      }
    }
    var files: [String] = []
    let packs = (try? FileManager.default.contentsOfDirectory(atPath: objects + "/pack")) ?? []
    if packs.contains(where: { $0.hasSuffix(".promisor") }) { return nil }
    // Each pack before its index: libgit2 and git find packs by their index.
    for pack in packs.sorted() where pack.hasSuffix(".pack") {
      let index = String(pack.dropLast(".pack".count)) + ".idx"
      if packs.contains(index) { files += ["pack/" + pack, "pack/" + index] }
    }
    files += loose

    let clone = try createBare(path)
    let target = clone.gitDirectory + "objects"
    let line = ProgressLine("Copying objects", enabled: progress)
    var madeDirectories = Set<String>()
    for (index, file) in files.enumerated() {
      let directory = (file as NSString).deletingLastPathComponent
      if madeDirectories.insert(directory).inserted {
        mkdir(target + "/" + directory, 0o755)
      }
      try linkOrCopy(objects + "/" + file, to: target + "/" + file)
      line.update(index + 1, of: files.count)
    }
    if !files.isEmpty { line.finish(files.count, of: files.count) }

    // Every ref's object must have come along (a repack of the source between reading its refs
    // and linking its packs could have moved one): else a fetch makes the clone.
    var odb: OpaquePointer?
    try check(git_repository_odb(&odb, clone.handle))
    defer { git_odb_free(odb) }
    _ = git_odb_refresh(odb)
    for id in Set(refs.values) {
      var oid = id.raw
      guard git_odb_exists(odb, &oid) == 1 else {
        throw GitError(.corrupt, "object \(id) did not come along", errorClass: "odb")
      }
    }
    FaultInjection.point("clone.objects-linked")
    try clone.writePackedReferences(refs)
    return clone
  }

  /// A hard link to `source` at `destination`, else a copy written beside it and renamed in.
  private static func linkOrCopy(_ source: String, to destination: String) throws(GitError) {
    if link(source, destination) == 0 || errno == EEXIST { return }
    if errno == ENOENT {
      // Repacked or pruned away meanwhile: a fetch clones what is there now.
      throw GitError(.corrupt, "\(source) went away while cloning", errorClass: "odb")
    }
    let temporary = destination + ".tmp-\(getpid())"
    unlink(temporary)
    do {
      try FileManager.default.copyItem(atPath: source, toPath: temporary)
    } catch {
      unlink(temporary)
      throw GitError(.libgit2(code: -1), "cannot copy \(source): \(error.localizedDescription)")
    }
    guard rename(temporary, destination) == 0 else {
      unlink(temporary)
      throw GitError(
        .libgit2(code: -1), "cannot copy \(source): \(String(cString: strerror(errno)))")
    }
  }

  /// Writes `refs` as the repository's `packed-refs` (sorted, as git writes it), replacing the
  /// file through its lock. For a repository that has no refs yet: loose refs are not looked at.
  func writePackedReferences(_ refs: [String: ObjectID]) throws(GitError) {
    let file = gitDirectory + "packed-refs"
    var text = Array("# pack-refs with: sorted \n".utf8)
    let sorted = refs.map { (Array($0.key.utf8), $0.value) }.sorted {
      $0.0.lexicographicallyPrecedes($1.0)
    }
    text.reserveCapacity(text.count + sorted.count * 80)
    for (name, id) in sorted {
      text += Array(id.hex.utf8)
      text.append(0x20)
      text += name
      text.append(0x0A)
    }
    let lockPath = file + ".lock"
    let descriptor = Glibc.open(lockPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      if errno == EEXIST { throw GitError.lockHeld(lockPath, updating: "packed-refs") }
      throw GitError(
        .libgit2(code: -1), "cannot lock \(lockPath): \(String(cString: strerror(errno)))")
    }
    let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    let closed = close(descriptor)
    guard written == text.count, closed == 0, rename(lockPath, file) == 0 else {
      unlink(lockPath)
      throw GitError(
        .libgit2(code: -1), "cannot write packed-refs: \(String(cString: strerror(errno)))")
    }
  }
}
