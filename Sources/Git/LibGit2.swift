internal import CGit2

/// libgit2 as one process-wide library: initialised once, on first use.
public enum LibGit2 {
  static let initialised: Bool = {
    git_libgit2_init()
    // Objects are read far more often than written, and git does not re-hash on read either.
    _ = stoop_git_set_strict_hash_verification(0)
    return true
  }()

  /// The linked libgit2's version, `major.minor.patch`.
  public static var version: String {
    var major: Int32 = 0
    var minor: Int32 = 0
    var patch: Int32 = 0
    git_libgit2_version(&major, &minor, &patch)
    return "\(major).\(minor).\(patch)"
  }
}
