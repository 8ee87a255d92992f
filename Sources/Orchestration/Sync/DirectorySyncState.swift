import Foundation
import KRM

/// What a directory deployment wrote, kept beside the files in `DIR/.stoop-sync.yaml`: the
/// sync's name, where the package came from (repository, package, tag, the commit the tag
/// pointed at) and the SHA-256 of every file, which is how `sync get` tells edits apart and
/// `sync del` knows exactly what to remove.
struct DirectorySyncState: Equatable {
  static let fileName = ".stoop-sync.yaml"
  static let apiVersion = "stoop.dev/v1alpha1"
  static let kind = "DirectorySync"

  var name: String
  var created: Date
  /// The registration, its namespace and URL (no password).
  var repository: String
  var namespace: String
  var url: String
  /// The package's path in the registration, and its revision's name.
  var package: String
  var packageRevision: String
  var tag: String
  var commit: String
  /// SHA-256 by relative path.
  var files: [String: String]

  init(
    name: String, created: Date, source: DeployableRevision, files: [String: PackageFileContent]
  ) {
    self.name = name
    self.created = created
    repository = source.revision.repository
    namespace = source.revision.namespace
    url = source.url
    package = source.revision.path
    packageRevision = source.revision.name
    tag = source.tag
    commit = source.commit.hex
    self.files = files.mapValues { SHA256.hex($0.bytes) }
  }

  var revisionLabel: String { String(tag.split(separator: "/").last ?? Substring(tag)) }

  var object: YAMLNode {
    SyncYAML.mapping([
      ("apiVersion", .scalar(Self.apiVersion)), ("kind", .scalar(Self.kind)),
      (
        "metadata",
        SyncYAML.strings([
          ("name", name), ("creationTimestamp", Registration.timestamp(created)),
        ])
      ),
      (
        "spec",
        SyncYAML.mapping([
          ("repository", .scalar(repository)), ("namespace", .scalar(namespace)),
          ("url", .scalar(url)), ("package", .scalar(package)),
          ("packageRevision", .scalar(packageRevision)), ("revision", .scalar(revisionLabel)),
          ("tag", .scalar(tag)), ("commit", .scalar(commit)),
          (
            "files",
            .sequence(
              files.keys.sorted().map { path in
                SyncYAML.strings([("path", path), ("sha256", files[path] ?? "")])
              })
          ),
        ])
      ),
    ])
  }

  /// The state of `directory`; nil when it has no state file.
  static func read(directory: String) throws(OrchestrationError) -> DirectorySyncState? {
    let path = directory + "/" + fileName
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    func broken(_ why: String) -> OrchestrationError {
      .invalidOperation(
        "\(path): \(why); it is not a state file stoop wrote, so stoop leaves the directory alone")
    }
    let root: YAMLNode
    do {
      guard let parsed = try YAMLFile(parsing: Array(data), name: path).documents.first?.root else {
        throw broken("it is empty")
      }
      root = parsed
    } catch let error as OrchestrationError {
      throw error
    } catch {
      throw broken("\(error)")
    }
    func string(_ keys: String...) -> String? { root.node(at: keys)?.string }
    guard root["kind"]?.string == kind, let name = string("metadata", "name"),
      let repository = string("spec", "repository"), let tag = string("spec", "tag"),
      let commit = string("spec", "commit"), let list = root.node(at: ["spec", "files"]),
      list.isSequence
    else { throw broken("it is not a \(kind)") }
    var files: [String: String] = [:]
    for item in list.items {
      guard let file = item.node["path"]?.string, let hash = item.node["sha256"]?.string,
        Self.isInside(file)
      else { throw broken("a file entry is not a path inside the directory with its sha256") }
      files[file] = hash
    }
    return DirectorySyncState(
      name: name,
      created: string("metadata", "creationTimestamp").flatMap(Registration.date)
        ?? Date(timeIntervalSince1970: 0),
      repository: repository, namespace: string("spec", "namespace") ?? "default",
      url: string("spec", "url") ?? "", package: string("spec", "package") ?? "",
      packageRevision: string("spec", "packageRevision") ?? "", tag: tag, commit: commit,
      files: files)
  }

  private init(
    name: String, created: Date, repository: String, namespace: String, url: String,
    package: String, packageRevision: String, tag: String, commit: String, files: [String: String]
  ) {
    self.name = name
    self.created = created
    self.repository = repository
    self.namespace = namespace
    self.url = url
    self.package = package
    self.packageRevision = packageRevision
    self.tag = tag
    self.commit = commit
    self.files = files
  }

  /// A relative path that stays inside the directory: a state file edited to name `../x` must
  /// not make `sync del` remove files elsewhere.
  static func isInside(_ path: String) -> Bool {
    !path.isEmpty && !path.hasPrefix("/")
      && !path.split(separator: "/", omittingEmptySubsequences: false).contains {
        $0.isEmpty || $0 == "." || $0 == ".."
      }
  }

  func write(to directory: String) throws(OrchestrationError) {
    try Registry.writeAtomically(
      SyncYAML.documents([object]), to: directory + "/" + Self.fileName, mode: 0o644)
  }

  /// How the directory differs from what was written.
  struct Drift: Equatable {
    var edited: [String] = []
    var missing: [String] = []
    var added: [String] = []

    var isEmpty: Bool { edited.isEmpty && missing.isEmpty && added.isEmpty }

    /// `edited a.yaml; missing b.yaml`, for notes and warnings.
    var summary: String {
      [("edited", edited), ("missing", missing), ("added", added)].filter { !$0.1.isEmpty }.map {
        $0.0 + " " + $0.1.joined(separator: ", ")
      }.joined(separator: "; ")
    }
  }

  /// Recorded files that were edited or removed, and files added beside them.
  func drift(in directory: String) throws(OrchestrationError) -> Drift {
    let present = try Self.files(in: directory)
    var drift = Drift()
    for (path, hash) in files.sorted(by: { $0.key < $1.key }) {
      guard let bytes = present[path] else {
        drift.missing.append(path)
        continue
      }
      if SHA256.hex(bytes.bytes) != hash { drift.edited.append(path) }
    }
    drift.added = present.keys.filter { files[$0] == nil }.sorted()
    return drift
  }

  /// The regular files of a directory, the state file (and its temporary copies) left out.
  static func files(in directory: String) throws(OrchestrationError) -> [String:
    PackageFileContent]
  {
    try PackageTransfer.regularFiles(in: directory).filter { !$0.key.hasPrefix(fileName) }
  }
}
