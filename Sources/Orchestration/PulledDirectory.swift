import CaD
import Foundation
import Git
import KRM

/// `rpkg pull DIR` and `rpkg push DIR`: a directory that holds a revision's files and the
/// `.KptRevisionMetadata` naming the commit they were read at, kept in step with the draft so
/// that it can be edited and pushed again and again.
extension PackageLifecycle {
  /// Writes a revision's files into `directory`. A new directory is written whole (staged and
  /// renamed into place); an existing one must be a pulled copy of the same revision with no
  /// unpushed change, and is replaced by the revision as it is now.
  public func pull(_ revision: PackageRevision, into directory: String)
    throws(OrchestrationError)
  {
    let files = try self.files(of: revision)
    let target = URL(fileURLWithPath: directory).standardizedFileURL.path
    guard FileManager.default.fileExists(atPath: target) else {
      return try PackageTransfer.write(
        files: files, metadata: RevisionMetadata.render(revision), to: directory)
    }
    let pulled = try pulledCopy(at: target, of: revision, directory: directory)
    let metadata = RevisionMetadata.updating(pulled.metadata, resourceVersion: revision.commit)
    try PackageTransfer.replace(target, files: files, metadata: metadata)
  }

  /// Pushes a pulled directory's files to its draft, then brings the directory to the draft's
  /// new head (the rendered files and the new resourceVersion), so it can be pushed again.
  public func push(
    _ revision: PackageRevision, directory: String, pushOnRenderFailure: Bool = false
  ) throws(OrchestrationError) -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw .notFound(
        "\(directory) does not exist; push the directory stoop rpkg pull wrote, or - for stdin")
    }
    let input = try PackageTransfer.read(directory: directory)
    guard let version = input.resourceVersion.flatMap(ObjectID.init(hex:)) else {
      throw .invalidOperation(
        "no .KptRevisionMetadata with a resourceVersion in \(directory); use \"stoop rpkg pull\" to download the package metadata before pushing"
      )
    }
    var annotations = input.annotations
    if pushOnRenderFailure { annotations[PackageRendering.pushOnRenderFailure] = "true" }
    let (message, head) = try pushReturningHead(
      revision, files: input.files, expected: version, annotations: annotations)
    var pushed = revision
    pushed.commit = head
    let files = try self.files(of: pushed)
    let metadataPath = directory + "/" + RevisionMetadata.fileName
    let metadata = FileManager.default.contents(atPath: metadataPath).map { Array($0) } ?? []
    var changes: [String: PackageFileContent] = [:]
    for (path, content) in files where input.files[path] != content { changes[path] = content }
    changes[RevisionMetadata.fileName] = PackageFileContent(
      bytes: RevisionMetadata.updating(metadata, resourceVersion: head))
    try PackageTransfer.writeFiles(changes, to: directory, private: false)
    for path in input.files.keys where files[path] == nil {
      unlink(directory + "/" + path)
    }
    return message
  }

  /// Pushes the files of a ResourceList (`rpkg pull NAME | ... | rpkg push NAME -`).
  public func push(
    _ revision: PackageRevision, resourceList: [UInt8], pushOnRenderFailure: Bool = false
  ) throws(OrchestrationError) -> String {
    let input:
      (
        files: [String: PackageFileContent], resourceVersion: String?, annotations: [String: String]
      )
    do {
      input = try PackageTransfer.files(fromResourceList: resourceList)
    } catch {
      throw .invalidOperation("standard input: \(error)")
    }
    guard let version = input.resourceVersion.flatMap(ObjectID.init(hex:)) else {
      throw .invalidOperation(
        "no .KptRevisionMetadata with a resourceVersion; use \"stoop rpkg pull\" to download the package metadata before pushing"
      )
    }
    var annotations = input.annotations
    if pushOnRenderFailure { annotations[PackageRendering.pushOnRenderFailure] = "true" }
    return try push(revision, files: input.files, expected: version, annotations: annotations)
  }

  /// The metadata of a directory pulled from `revision` that holds nothing unpushed.
  private func pulledCopy(at target: String, of revision: PackageRevision, directory: String)
    throws(OrchestrationError) -> (metadata: [UInt8], version: ObjectID)
  {
    let refusal = "\(directory) already exists; pull into a new directory"
    guard
      let metadata = FileManager.default.contents(
        atPath: target + "/" + RevisionMetadata.fileName
      ).map({ Array($0) }),
      RevisionMetadata.name(metadata) == revision.name,
      let version = RevisionMetadata.read(metadata).resourceVersion.flatMap(ObjectID.init(hex:))
    else { throw .invalidOperation(refusal) }
    let local = try PackageTransfer.read(directory: target).files
    var pulledAt = revision
    pulledAt.commit = version
    guard let original = try? files(of: pulledAt), original == local else {
      throw .invalidOperation(
        "\(directory) holds changes not pushed to \(revision.name); push them, or pull into a new directory"
      )
    }
    return (metadata, version)
  }
}

extension RevisionMetadata {
  /// The package revision a pulled metadata file names.
  static func name(_ bytes: [UInt8]) -> String? {
    (try? YAMLFile(parsing: bytes, name: fileName))?.documents.first?.root.node(at: [
      "metadata", "name",
    ])?.string
  }

  /// The metadata with a new resourceVersion; the rest (annotations a user added) kept.
  static func updating(_ bytes: [UInt8], resourceVersion: ObjectID) -> [UInt8] {
    guard var file = try? YAMLFile(parsing: bytes, name: fileName),
      var root = file.documents.first?.root,
      let metadata = root.index(ofKey: "metadata"), root.entries[metadata].value.isMapping,
      let version = root.entries[metadata].value.index(ofKey: "resourceVersion")
    else { return bytes }
    root.entries[metadata].value.entries[version].value = .scalar(resourceVersion.hex)
    file.documents[0].root = root
    return file.bytes()
  }
}

extension PackageTransfer {
  /// Replaces a directory with new files in one step: the new tree is written beside it and
  /// exchanged with it (renameat2's RENAME_EXCHANGE where the system has it).
  static func replace(_ target: String, files: [String: PackageFileContent], metadata: [UInt8])
    throws(OrchestrationError)
  {
    let parent = (target as NSString).deletingLastPathComponent
    let name = (target as NSString).lastPathComponent
    let staging = parent + "/" + Scratch.name(name, "pulling")
    defer { try? FileManager.default.removeItem(atPath: staging) }
    var all = files
    all[RevisionMetadata.fileName] = PackageFileContent(bytes: metadata)
    try writeFiles(all, to: staging, private: false)
    if exchange(staging, target) { return }
    let old = parent + "/" + Scratch.name(name, "removing")
    guard rename(target, old) == 0, rename(staging, target) == 0 else {
      throw .io(path: target, reason: String(cString: strerror(errno)))
    }
    try? FileManager.default.removeItem(atPath: old)
  }

  /// Swaps two directories atomically; false when the system cannot.
  private static func exchange(_ a: String, _ b: String) -> Bool {
    typealias RenameAt2 =
      @convention(c) (
        Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32
      ) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else {
      return false
    }
    let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
    let exchangeFlag: UInt32 = 2  // RENAME_EXCHANGE
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, exchangeFlag) == 0
  }
}
