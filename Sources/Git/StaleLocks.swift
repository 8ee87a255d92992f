import Foundation

extension Repository {
  /// Removes the lock files and temporary files a killed writer left in the repository at
  /// `path`: `*.lock` under `refs/` and at the top (`packed-refs.lock`, `config.lock`,
  /// `HEAD.lock`), and the temporary object and pack files of libgit2 and git under `objects/`.
  ///
  /// Only for a repository the caller owns and has locked by other means (a registration's
  /// clone under its registration lock): in a repository others write, a lock file may be live.
  public static func removeStaleLocks(at path: String) {
    let fileManager = FileManager.default
    for name in (try? fileManager.contentsOfDirectory(atPath: path)) ?? []
    where name.hasSuffix(".lock") {
      unlink(path + "/" + name)
    }
    if let walker = fileManager.enumerator(atPath: path + "/refs") {
      for case let relative as String in walker where relative.hasSuffix(".lock") {
        unlink(path + "/refs/" + relative)
      }
    }
    // libgit2 writes loose objects through `objects/tmp_object_git2_*` and packs through
    // `objects/pack/pack_git2_*`; git uses `tmp_obj_*` and `tmp_pack_*`.
    for directory in [path + "/objects", path + "/objects/pack"] {
      for name in (try? fileManager.contentsOfDirectory(atPath: directory)) ?? []
      where name.hasPrefix("tmp_") || name.contains("_git2_") || name.hasSuffix(".lock") {
        unlink(directory + "/" + name)
      }
    }
  }
}
