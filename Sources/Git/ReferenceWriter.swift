internal import CGit2
import Foundation

extension Repository {
  /// What a reference must hold for a write to go ahead.
  enum ReferenceCondition {
    case any
    case absent
    case value(ObjectID)
  }

  /// Writes (or, with `target` nil, deletes) a reference the way git's files backend does: the
  /// loose ref's `.lock` is created exclusively, the current value is checked against
  /// `condition` while the lock is held, then the new value is renamed into place. A deleted ref
  /// that is also packed is removed from `packed-refs` under that file's own lock.
  ///
  /// Doing this here rather than through libgit2 keeps a write's cost independent of how many
  /// refs the repository holds: libgit2 loads and sorts all of `packed-refs` for every write.
  /// Throws `.rejected` when the condition fails or another writer holds the lock.
  func writeReference(_ name: String, to target: ObjectID?, if condition: ReferenceCondition)
    throws(GitError)
  {
    guard name.hasPrefix("refs/"), !name.hasSuffix("/"), !name.contains(".."),
      !name.hasSuffix(".lock"), !name.contains("//")
    else { throw GitError(.libgit2(code: -1), "invalid reference name \(name)") }
    let gitDirectory = self.gitDirectory
    let path = gitDirectory + name
    let lockPath = path + ".lock"
    func refuse(_ why: String) -> GitError { GitError(.rejected(ref: name), "\(name) \(why)") }

    // A ref cannot also be a directory of refs, nor sit below another ref (git's D/F rule).
    if target != nil {
      if try !references(under: name + "/").isEmpty {
        throw refuse("cannot be created: refs exist below it")
      }
      // Parents of `refs/<kind>/...` below the kind itself: a loose file or a packed entry.
      var parent = (name as NSString).deletingLastPathComponent
      while parent.split(separator: "/").count > 2 {
        var info = stat()
        let isLooseFile =
          stat(gitDirectory + parent, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        if isLooseFile || packedReference(parent, in: gitDirectory) != nil {
          throw refuse("cannot be created: \(parent) is a ref")
        }
        parent = (parent as NSString).deletingLastPathComponent
      }
      do {
        try FileManager.default.createDirectory(
          atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      } catch {
        throw refuse("cannot be created: \(error.localizedDescription)")
      }
    }
    let lock = createLock(lockPath)
    guard lock >= 0 else {
      if errno == EEXIST { throw GitError.lockHeld(lockPath, updating: name) }
      if target == nil && errno == ENOENT {
        // No directory for it: no loose ref; it can only be packed.
        return try deletePacked(name, if: condition, gitDirectory: gitDirectory)
      }
      throw GitError(.libgit2(code: -1), "cannot lock \(name): \(String(cString: strerror(errno)))")
    }
    var committed = false
    defer {
      if !committed {
        close(lock)
        unlink(lockPath)
      }
    }
    FaultInjection.point("ref.locked")
    let current = try references(under: name)[name]
    try check(condition, current: current, refuse: refuse)
    if let target {
      let line = Array((target.hex + "\n").utf8)
      let written = line.withUnsafeBytes { write(lock, $0.baseAddress, $0.count) }
      guard written == line.count, close(lock) == 0 else {
        throw GitError(
          .libgit2(code: -1), "cannot write \(lockPath): \(String(cString: strerror(errno)))")
      }
      committed = true
      guard rename(lockPath, path) == 0 else {
        unlink(lockPath)
        throw GitError(
          .libgit2(code: -1), "cannot update \(name): \(String(cString: strerror(errno)))")
      }
      FaultInjection.point("ref.written")
      return
    }
    // Delete: the packed entry first (under the packed-refs lock), then the loose file.
    if current != nil {
      if packedReference(name, in: gitDirectory) != nil {
        try removePacked(name, gitDirectory: gitDirectory)
      }
      unlink(path)
    }
  }

  private func check(
    _ condition: ReferenceCondition, current: ObjectID?, refuse: (String) -> GitError
  ) throws(GitError) {
    switch condition {
    case .any: break
    case .absent:
      if let current { throw refuse("already exists (at \(current.short))") }
    case .value(let expected):
      if current != expected {
        throw refuse("moved (expected \(expected.short), found \(current?.short ?? "nothing"))")
      }
    }
  }

  private func deletePacked(_ name: String, if condition: ReferenceCondition, gitDirectory: String)
    throws(GitError)
  {
    let current = try references(under: name)[name]
    try check(condition, current: current) { GitError(.rejected(ref: name), "\(name) \($0)") }
    if current != nil && packedReference(name, in: gitDirectory) != nil {
      try removePacked(name, gitDirectory: gitDirectory)
    }
  }

  /// Rewrites `packed-refs` without `name` (and its peeled line), if it is there.
  private func removePacked(_ name: String, gitDirectory: String) throws(GitError) {
    let file = gitDirectory + "packed-refs"
    guard let original = FileManager.default.contents(atPath: file) else { return }
    let data = [UInt8](original)
    let suffix = Array((" " + name).utf8)
    var kept: [UInt8] = []
    kept.reserveCapacity(data.count)
    var found = false
    var start = 0
    var skipPeeled = false
    while start < data.count {
      var end = start
      while end < data.count && data[end] != 0x0A { end += 1 }
      let line = data[start..<end]
      let next = min(end + 1, data.count)
      defer { start = next }
      if skipPeeled && line.first == UInt8(ascii: "^") { continue }
      skipPeeled = false
      if line.count == 40 + suffix.count && line.suffix(suffix.count).elementsEqual(suffix) {
        found = true
        skipPeeled = true
        continue
      }
      kept.append(contentsOf: data[start..<next])
    }
    guard found else { return }
    let lockPath = file + ".lock"
    let descriptor = createLock(lockPath)
    guard descriptor >= 0 else {
      if errno == EEXIST { throw GitError.lockHeld(lockPath, updating: name) }
      throw GitError(
        .libgit2(code: -1), "cannot lock \(lockPath): \(String(cString: strerror(errno)))")
    }
    FaultInjection.point("packed-refs.locked")
    // Re-read under the lock: another writer may have rewritten the file meanwhile.
    if let fresh = FileManager.default.contents(atPath: file), fresh != original {
      close(descriptor)
      unlink(lockPath)
      return try removePacked(name, gitDirectory: gitDirectory)
    }
    let written = kept.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    let closed = close(descriptor)
    guard written == kept.count, closed == 0, rename(lockPath, file) == 0 else {
      unlink(lockPath)
      throw GitError(
        .libgit2(code: -1), "cannot rewrite packed-refs: \(String(cString: strerror(errno)))")
    }
  }
}

/// Creates a lock file, failing with `EEXIST` when it exists (a free function: inside
/// `Repository` the name `open` means `Repository.open`).
private func createExclusively(_ path: String) -> Int32 {
  open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
}

/// Creates a lock file, waiting up to about a second for a writer that holds it (a live writer
/// holds a ref lock for microseconds; git itself waits 100 ms for ref locks and a second for
/// `packed-refs`). Fails with `EEXIST` when the file stays: its writer is stuck or was killed.
private func createLock(_ path: String) -> Int32 {
  var waited: useconds_t = 0
  var pause: useconds_t = 1_000
  while true {
    let descriptor = createExclusively(path)
    if descriptor >= 0 || errno != EEXIST || waited >= 1_000_000 { return descriptor }
    usleep(pause)
    waited += pause
    pause = min(pause * 2, 100_000)
  }
}

extension GitError {
  /// A lock file that stayed, named as git names it, with what to do about it.
  static func lockHeld(_ lockPath: String, updating name: String) -> GitError {
    GitError(
      .locked(path: lockPath),
      "cannot update \(name): \(lockPath) exists; another process is writing it, or one was killed while it did; if no other process is running, remove \(lockPath) and run the command again"
    )
  }
}
