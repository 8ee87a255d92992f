import Foundation
import Git

/// An advisory lock (flock) on a registration, held while a command reads then writes it.
///
/// The lock file also says whether its last holder finished: it holds `writing` while a holder
/// has it and is emptied on release. A holder killed with `kill -9` leaves `writing` behind,
/// and the next holder knows that whatever git lock files or temporary files it finds in the
/// registration are that holder's leftovers (no other stoop process can be writing there while
/// the lock is held), so it removes them before it goes on.
final class RepositoryLock {
  private let fd: Int32
  private static let marker = Array("writing\n".utf8)

  init(directory: String, name: String, timeout: TimeInterval = 30) throws(OrchestrationError) {
    fd = open(directory + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw .io(path: directory + "/lock", reason: String(cString: strerror(errno)))
    }
    let deadline = Date().addingTimeInterval(timeout)
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
        close(fd)
        throw .locked(name: name)
      }
      usleep(20_000)
    }
    var previous = [UInt8](repeating: 0, count: Self.marker.count)
    let read = pread(fd, &previous, previous.count, 0)
    if read > 0 {
      Self.removeLeftovers(in: directory)
    }
    _ = Self.marker.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
  }

  func release() {
    ftruncate(fd, 0)
    flock(fd, LOCK_UN)
    close(fd)
  }

  /// What a killed holder can leave in a registration: git's lock files and libgit2's
  /// temporary object and pack files in the clone, half-written registration files, and the
  /// scratch clones of a re-clone.
  static func removeLeftovers(in directory: String) {
    Repository.removeStaleLocks(at: directory + "/clone.git")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    for name in names
    where name.contains(".tmp-") || (name.hasPrefix(".clone-") && name.hasSuffix(".git"))
      || (name.hasPrefix(".old-") && name.hasSuffix(".git"))
    {
      try? FileManager.default.removeItem(atPath: directory + "/" + name)
    }
  }
}
