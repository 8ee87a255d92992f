import Foundation
import KRM

/// The directory target (sync.md §5.7): a published revision's files written into a directory
/// with no cluster involved, kept in step by `create` (a rollout or rollback rewrites them),
/// checked by `get` and removed by `del`.
///
/// The files stoop recorded in the state file are stoop's: `create` replaces or removes them and
/// `del` removes them, with a warning when they were edited. Files it did not record are never
/// touched: `create` refuses a directory that holds other files and no sync, or a new file that
/// would overwrite one.
extension SyncDeployer {
  func deploy(_ source: DeployableRevision, name: String, to target: SyncTarget.Directory)
    throws(OrchestrationError) -> String
  {
    var pinned = source.revision
    pinned.commit = source.commit
    let files = try lifecycle.files(of: pinned)
    if files[DirectorySyncState.fileName] != nil {
      throw .invalidOperation(
        "\(source.package)@\(source.revisionLabel) has a file \(DirectorySyncState.fileName) of its own, which a directory deployment cannot hold"
      )
    }
    let directory = target.path
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory)
    if exists && !isDirectory.boolValue {
      throw .invalidOperation("\(directory) is a file; --to-dir needs a directory")
    }
    let previous = exists ? try DirectorySyncState.read(directory: directory) : nil
    if let previous, previous.name != name {
      throw .invalidOperation(
        "\(directory) holds the sync \"\(previous.name)\"; a directory holds one sync: remove it with stoop sync del \(previous.name) --to-dir \(directory), or choose another directory"
      )
    }
    let present = exists ? try DirectorySyncState.files(in: directory) : [:]
    if previous == nil, let other = present.keys.min() {
      throw .invalidOperation(
        "\(directory) is not empty (\(other)) and holds no stoop sync; deploy into a new or empty directory"
      )
    }
    let state = DirectorySyncState(
      name: name, created: previous?.created ?? Date(), source: source, files: files)
    let description =
      "\(source.package)@\(source.revisionLabel) (\(source.tag) at \(source.commit.short))"
    guard exists else {
      try writeNew(directory, files: files, state: state)
      return "\(name) deployed to \(directory): \(description), \(files.count) files"
    }
    let owned = previous?.files ?? [:]
    try refuseOverwrites(of: present, owned: owned, by: files, in: directory)
    let drift = try previous?.drift(in: directory)
    if let previous, let drift, previous == state, drift.edited.isEmpty, drift.missing.isEmpty {
      return "\(name) is up to date in \(directory): \(description)"
    }
    if let edited = drift?.edited, !edited.isEmpty {
      warn(
        "replacing files edited in \(directory) since they were deployed: \(edited.joined(separator: ", "))"
      )
    }
    try replace(owned: owned, with: files, state: state, in: directory)
    guard let previous else {
      return "\(name) deployed to \(directory): \(description), \(files.count) files"
    }
    guard previous.tag != state.tag || previous.commit != state.commit else {
      return "\(name) put back in \(directory): \(description), \(files.count) files"
    }
    return
      "\(name) moved from \(previous.revisionLabel) to \(source.revisionLabel) in \(directory): \(description), \(files.count) files"
  }

  /// A new directory appears whole: written beside it, then renamed into place.
  private func writeNew(
    _ directory: String, files: [String: PackageFileContent], state: DirectorySyncState
  ) throws(OrchestrationError) {
    let staging = try stagingDirectory(for: directory)
    defer { try? FileManager.default.removeItem(atPath: staging) }
    try PackageTransfer.writeFiles(files, to: staging, private: false)
    try state.write(to: staging)
    guard rename(staging, directory) == 0 else {
      throw .io(path: directory, reason: String(cString: strerror(errno)))
    }
  }

  /// A scratch directory beside `directory` (its parents created), removed by a later command
  /// when this one is killed.
  private func stagingDirectory(for directory: String) throws(OrchestrationError) -> String {
    let parent = (directory as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    } catch {
      throw .io(path: parent, reason: error.localizedDescription)
    }
    Scratch.removeAbandoned(in: parent)
    return parent + "/" + Scratch.name((directory as NSString).lastPathComponent, "syncing")
  }

  /// Refuses, before anything is written, a new file (or a folder of one) where the directory
  /// holds a file stoop did not write.
  private func refuseOverwrites(
    of present: [String: PackageFileContent], owned: [String: String],
    by files: [String: PackageFileContent], in directory: String
  ) throws(OrchestrationError) {
    for path in files.keys.sorted() {
      var prefixes = [path]
      var folder = path
      while let slash = folder.lastIndex(of: "/") {
        folder = String(folder[..<slash])
        prefixes.append(folder)
      }
      for prefix in prefixes where present[prefix] != nil && owned[prefix] == nil {
        throw .invalidOperation(
          "\(directory)/\(prefix) was not written by stoop and the new revision needs its place; move it away and run the command again"
        )
      }
    }
  }

  /// Rewrites the directory: the new files staged beside it, the recorded files the new
  /// revision lacks removed, the new files renamed into place one by one, and the state file
  /// last (until then, `get` reports the directory as drifted and `create` finishes the job).
  private func replace(
    owned: [String: String], with files: [String: PackageFileContent], state: DirectorySyncState,
    in directory: String
  ) throws(OrchestrationError) {
    let staging = try stagingDirectory(for: directory)
    defer { try? FileManager.default.removeItem(atPath: staging) }
    try PackageTransfer.writeFiles(files, to: staging, private: false)
    for path in owned.keys.sorted() where files[path] == nil {
      Self.remove(path, in: directory)
    }
    for path in files.keys.sorted() {
      let target = directory + "/" + path
      do {
        try FileManager.default.createDirectory(
          atPath: (target as NSString).deletingLastPathComponent,
          withIntermediateDirectories: true)
      } catch {
        throw .io(path: target, reason: error.localizedDescription)
      }
      guard rename(staging + "/" + path, target) == 0 else {
        throw .io(path: target, reason: String(cString: strerror(errno)))
      }
    }
    try state.write(to: directory)
  }

  /// Removes a file and the folders it leaves empty, up to (not including) `directory`.
  static func remove(_ path: String, in directory: String) {
    unlink(directory + "/" + path)
    var folder = path
    while let slash = folder.lastIndex(of: "/") {
      folder = String(folder[..<slash])
      guard rmdir(directory + "/" + folder) == 0 else { break }
    }
  }

  /// `sync del NAME --to-dir DIR`: exactly the recorded files, then the state file.
  func removeDirectorySync(named name: String, at target: SyncTarget.Directory)
    throws(OrchestrationError) -> String
  {
    let directory = target.path
    guard let state = try DirectorySyncState.read(directory: directory) else {
      throw .notFound(
        "no sync in \(directory) (it has no \(DirectorySyncState.fileName)); see stoop sync get")
    }
    guard state.name == name else {
      throw .notFound("\(directory) holds the sync \"\(state.name)\", not \"\(name)\"")
    }
    let drift = try state.drift(in: directory)
    if !drift.edited.isEmpty {
      warn(
        "removing files edited in \(directory) since they were deployed: \(drift.edited.joined(separator: ", "))"
      )
    }
    for path in state.files.keys.sorted() { Self.remove(path, in: directory) }
    guard unlink(directory + "/" + DirectorySyncState.fileName) == 0 else {
      throw .io(
        path: directory + "/" + DirectorySyncState.fileName,
        reason: String(cString: strerror(errno)))
    }
    let left =
      drift.added.isEmpty
      ? "" : "; left what stoop did not write: " + drift.added.joined(separator: ", ")
    return
      "\(name) removed from \(directory): \(state.files.count - drift.missing.count) files\(left)"
  }

  /// The row `sync get` shows for a directory; nil when it holds no sync.
  func directorySync(at target: SyncTarget.Directory, freshness: inout FreshnessCheck)
    throws(OrchestrationError) -> DeployedSync?
  {
    guard let state = try DirectorySyncState.read(directory: target.path) else { return nil }
    let drift = try state.drift(in: target.path)
    let source = freshness.check(
      repository: state.repository, namespace: state.namespace, package: state.package,
      tag: state.tag, commit: state.commit)
    let status: DeployedSync.Status =
      !drift.isEmpty ? .drifted : source.upToDate == .no ? .outOfDate : .synced
    var object = state.object
    var fields: [(String, YAMLNode?)] = [
      ("status", .scalar(status.rawValue)), ("upToDate", .scalar(source.upToDate.rawValue)),
    ]
    if let latest = source.latest { fields.append(("latestRevision", .scalar(latest))) }
    for (key, paths) in [
      ("edited", drift.edited), ("missing", drift.missing), ("added", drift.added),
    ]
    where !paths.isEmpty {
      fields.append((key, .sequence(paths.map { .scalar($0) })))
    }
    if !source.notes.isEmpty {
      fields.append(("notes", .sequence(source.notes.map { .scalar($0) })))
    }
    object.entries.append(YAMLEntry(key: .scalar("status"), value: SyncYAML.mapping(fields)))
    return DeployedSync(
      name: state.name, kind: DeployedSync.directoryKind, namespace: nil,
      package: state.repository + "/" + state.package, revision: state.revisionLabel,
      commit: state.commit, status: status.rawValue, upToDate: source.upToDate,
      created: state.created, target: target.path, object: object,
      notes: (drift.isEmpty ? [] : [drift.summary]) + source.notes)
  }
}
