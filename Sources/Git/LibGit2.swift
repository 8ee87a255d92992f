internal import CGit2
import Foundation

/// libgit2 as one process-wide library: initialised once, on first use.
public enum LibGit2 {
  static let initialised: Bool = {
    git_libgit2_init()
    // Objects are read far more often than written, and git does not re-hash on read either.
    _ = stoop_git_set_strict_hash_verification(0)
    return true
  }()

  /// Starts libgit2's set-up on a thread of its own, for a command that is about to use it. The
  /// set-up reads and parses every system CA certificate (libgit2's TLS set-up runs at init,
  /// whether or not a remote is ever contacted): 7-9 ms on a 2-core machine, which can pass
  /// while the arguments are parsed and the command gets ready. The first use waits for it.
  public static func warmUp() {
    Thread.detachNewThread { _ = initialised }
  }

  /// The linked libgit2's version, `major.minor.patch`.
  public static var version: String {
    var major: Int32 = 0
    var minor: Int32 = 0
    var patch: Int32 = 0
    git_libgit2_version(&major, &minor, &patch)
    return "\(major).\(minor).\(patch)"
  }
}
