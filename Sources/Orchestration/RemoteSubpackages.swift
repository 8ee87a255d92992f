import CaD
import Foundation
import KRM

/// Remote subpackages (nested packages whose Kptfile names an upstream of their own) during an
/// update of the package that holds them, as kpt updates them: first as part of the parent's
/// upstream, by whether each of origin, local and upstream has the package, then against their
/// own upstream.
extension LocalPackages {
  /// The files below `directory/` with the prefix taken off.
  static func subtree(_ files: [String: PackageFileContent], _ directory: String)
    -> [String: PackageFileContent]
  {
    var result: [String: PackageFileContent] = [:]
    let prefix = directory + "/"
    for (path, content) in files where path.hasPrefix(prefix) {
      result[String(path.dropFirst(prefix.count))] = content
    }
    return result
  }

  /// Files without those below any of `directories`.
  static func outside(_ directories: [String], _ files: [String: PackageFileContent])
    -> [String: PackageFileContent]
  {
    files.filter { entry in !directories.contains { entry.key.hasPrefix($0 + "/") } }
  }

  /// The outermost remote subpackages of any of the three versions.
  static func remoteSubpackages(
    of versions: [[String: PackageFileContent]]
  ) -> [String] {
    let all = Set(versions.flatMap(remoteSubpackages(in:)))
    return all.filter { directory in !all.contains { directory.hasPrefix($0 + "/") } }.sorted()
  }

  /// A remote subpackage as a part of its parent's upstream (`name` is its path from the
  /// updated package, for messages and conflicts): local's new files for it, nil when it goes.
  ///
  /// Added upstream: copied. Added on both sides: refused. Deleted locally: stays deleted.
  /// Deleted upstream: goes if local left it as it was, else stays. On all three sides: when
  /// upstream has it unfetched (an upstream but no lock), only its Kptfile merges and takes
  /// upstream's upstream; otherwise it merges with its own strategy against the parent's
  /// versions of it and takes upstream's upstream and lock.
  static func mergeAsPartOfParent(
    _ name: String, origin: [String: PackageFileContent], updated: [String: PackageFileContent],
    local: [String: PackageFileContent], policy: ConflictPolicy, conflicts: inout [MergeConflict]
  ) throws(OrchestrationError) -> [String: PackageFileContent]? {
    let kptfile = Kptfile.fileName
    switch (origin[kptfile] != nil, local[kptfile] != nil, updated[kptfile] != nil) {
    case (false, true, true):
      throw .invalidOperation(
        "subpackage \"\(name)\" added in both upstream and local; rename or remove the local one and retry"
      )
    case (false, false, true):
      return updated
    case (true, true, false):
      return PackageMerge.sameTree(origin.mapValues(\.bytes), local.mapValues(\.bytes))
        ? nil : local
    case (true, true, true):
      break
    default:
      return local
    }
    let (originKptfile, localKptfile, updatedKptfile) = (
      try parse(origin, name), try parse(local, name), try parse(updated, name)
    )
    if updatedKptfile.upstreamLock == nil {
      // Unfetched upstream: nothing but its Kptfile can have changed.
      var result = local
      let merged = try merge(
        name, origin: origin.filter { $0.key == kptfile },
        updated: updated.filter { $0.key == kptfile }, local: local.filter { $0.key == kptfile },
        strategy: "resource-merge", policy: policy, conflicts: &conflicts)
      result[kptfile] = merged[kptfile] ?? local[kptfile]
      try takeUpstream(of: updatedKptfile, into: &result, name)
      return result
    }
    guard originKptfile.upstreamLock != nil else {
      throw .invalidOperation(
        "cannot update subpackage \"\(name)\": no origin available for package (it was unfetched when this package was fetched)"
      )
    }
    let strategy = localKptfile.upstream?.updateStrategy ?? "resource-merge"
    if strategy == "resource-merge", !sameSource(localKptfile.upstream, originKptfile.upstream) {
      // Moved to another upstream locally: the user's choice stands.
      return local
    }
    let nested = remoteSubpackages(of: [origin, updated, local])
    var result = try merge(
      name, origin: outside(nested, origin), updated: outside(nested, updated),
      local: outside(nested, local), strategy: strategy, policy: policy, conflicts: &conflicts)
    if strategy == "resource-merge" {
      // kpt writes nothing for a package whose merge leaves no resource at all: its local
      // resource files stay (its own upstream still provides them).
      func isResource(_ path: String) -> Bool {
        UpstreamRewrite.isYAML(path) && !Kptfile.isKptfile(path: path)
      }
      if !result.keys.contains(where: isResource) {
        for (path, content) in outside(nested, local) where isResource(path) {
          result[path] = content
        }
      }
    } else {
      // The other strategies replace the subpackage, Kptfile included.
      result[kptfile] = updated[kptfile]
    }
    try takeUpstream(of: updatedKptfile, into: &result, name)
    for directory in nested {
      let inner = try mergeAsPartOfParent(
        name + "/" + directory, origin: subtree(origin, directory),
        updated: subtree(updated, directory), local: subtree(local, directory), policy: policy,
        conflicts: &conflicts)
      for (path, content) in inner ?? [:] { result[directory + "/" + path] = content }
    }
    return result
  }

  private static func parse(_ files: [String: PackageFileContent], _ name: String)
    throws(OrchestrationError) -> Kptfile
  {
    guard let bytes = files[Kptfile.fileName]?.bytes else {
      throw .invalidOperation("subpackage \"\(name)\" has no Kptfile")
    }
    do {
      return try Kptfile.parse(bytes, file: name + "/Kptfile")
    } catch {
      throw .invalidOperation("\(name)/Kptfile: \(error)")
    }
  }

  /// kpt's test for a subpackage the user pointed elsewhere: repository, directory or ref.
  private static func sameSource(_ a: Upstream?, _ b: Upstream?) -> Bool {
    a?.repo == b?.repo && a?.directory == b?.directory && a?.ref == b?.ref
  }

  private static func merge(
    _ name: String, origin: [String: PackageFileContent], updated: [String: PackageFileContent],
    local: [String: PackageFileContent], strategy: String, policy: ConflictPolicy,
    conflicts: inout [MergeConflict]
  ) throws(OrchestrationError) -> [String: PackageFileContent] {
    let merged = try PackageFileContent.mergeFiles(
      origin: origin, updated: updated, local: local, strategy: strategy, policy: policy,
      refusal: "cannot update subpackage \"\(name)\"")
    conflicts += merged.conflicts.map {
      var conflict = $0
      conflict.file = name + "/" + conflict.file
      return conflict
    }
    return merged.files
  }

  /// The subpackage's Kptfile with upstream's `upstream`, and its `upstreamLock` when it has one.
  private static func takeUpstream(
    of updated: Kptfile, into files: inout [String: PackageFileContent], _ name: String
  ) throws(OrchestrationError) {
    var kptfile = try parse(files, name)
    if let upstream = updated.upstream { kptfile.upstream = upstream }
    if let lock = updated.upstreamLock { kptfile.upstreamLock = lock }
    files[Kptfile.fileName] = PackageFileContent(bytes: kptfile.bytes())
  }
}
