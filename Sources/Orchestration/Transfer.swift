import CaD
import Foundation
import Git
import KRM

/// How `rpkg pull` and `rpkg push` move a package revision's files in and out: a directory on
/// disk, or a ResourceList on a pipe. Files that are not YAML ride in the list as stoop `File`
/// items, so a pull | push round trip keeps every file.
public enum PackageTransfer {
  static let fileKind = "File"
  static let fileAPIVersion = "stoop.dev/v1alpha1"

  static func isYAMLPath(_ path: String) -> Bool {
    let base = path.split(separator: "/").last.map(String.init) ?? path
    return base == "Kptfile" || base == RevisionMetadata.fileName || base.hasSuffix(".yaml")
      || base.hasSuffix(".yml")
  }

  /// The files and metadata as one ResourceList.
  public static func resourceList(files: [String: PackageFileContent], metadata: [UInt8])
    throws(KRMError) -> [UInt8]
  {
    var all = files
    all[RevisionMetadata.fileName] = PackageFileContent(bytes: metadata)
    var packageFiles: [PackageFile] = []
    for path in all.keys.sorted() {
      guard let content = all[path] else { continue }
      // A YAML file is parsed once; anything else (YAML that does not parse, or that the list
      // could not give back byte for byte) rides as a File.
      var yaml = isYAMLPath(path) ? (try? YAMLFile(parsing: content.bytes, name: path)) : nil
      if let parsed = yaml, !ResourceList.carries(PackageFile(path: path, yaml: parsed)) {
        yaml = nil
      }
      if yaml == nil {
        yaml = try YAMLFile(
          parsing: YAMLDocument(root: fileItem(path: path, content: content)).text(), name: path)
      }
      if let yaml { packageFiles.append(PackageFile(path: path, yaml: yaml)) }
    }
    return ResourceList.write(files: packageFiles)
  }

  private static func fileItem(path: String, content: PackageFileContent) -> YAMLNode {
    func entry(_ key: String, _ value: YAMLNode) -> YAMLEntry {
      YAMLEntry(key: .scalar(key), value: value)
    }
    var annotations = [entry("config.kubernetes.io/local-config", .scalar("true"))]
    if content.executable { annotations.append(entry("stoop.dev/executable", .scalar("true"))) }
    let text = String(validating: content.bytes, as: UTF8.self)
    return .mapping([
      entry("apiVersion", .scalar(fileAPIVersion)), entry("kind", .scalar(fileKind)),
      entry(
        "metadata",
        .mapping([entry("name", .scalar(path)), entry("annotations", .mapping(annotations))])),
      text.map { entry("data", .scalar($0, style: .doubleQuoted)) }
        ?? entry("binaryData", .scalar(Data(content.bytes).base64EncodedString())),
    ])
  }

  /// The files of a ResourceList (File items turned back into their bytes) and the
  /// resourceVersion of its `.KptRevisionMetadata`.
  public static func files(fromResourceList input: [UInt8]) throws(KRMError) -> (
    files: [String: PackageFileContent], resourceVersion: String?, annotations: [String: String]
  ) {
    var files: [String: PackageFileContent] = [:]
    var version: String?
    var annotations: [String: String] = [:]
    for (path, bytes) in try Sink.files(from: input) {
      if path == RevisionMetadata.fileName {
        (version, annotations) = RevisionMetadata.read(bytes)
        continue
      }
      if let yaml = try? YAMLFile(parsing: bytes, name: path), yaml.documents.count == 1,
        let root = yaml.documents.first?.root, root["kind"]?.string == fileKind,
        root["apiVersion"]?.string == fileAPIVersion
      {
        let executable =
          root.node(at: ["metadata", "annotations", "stoop.dev/executable"])?.string == "true"
        if let data = root["data"]?.string {
          files[path] = PackageFileContent(bytes: Array(data.utf8), executable: executable)
        } else if let encoded = root["binaryData"]?.string, let data = Data(base64Encoded: encoded)
        {
          files[path] = PackageFileContent(bytes: Array(data), executable: executable)
        }
        continue
      }
      files[path] = PackageFileContent(bytes: bytes)
    }
    return (files, version, annotations)
  }

  /// Writes a pulled revision into a new directory, with the modes `pkg get` and `fn sink` give
  /// (0644 and 0755 less the umask). The files are written beside it first and the directory
  /// appears whole, so an interrupted pull leaves no half package for the next `push` to send.
  public static func write(
    files: [String: PackageFileContent], metadata: [UInt8], to directory: String
  )
    throws(OrchestrationError)
  {
    let target = URL(fileURLWithPath: directory).standardizedFileURL.path
    guard !FileManager.default.fileExists(atPath: target) else {
      throw .invalidOperation("\(directory) already exists; pull into a new directory")
    }
    let parent = (target as NSString).deletingLastPathComponent
    Scratch.removeAbandoned(in: parent)
    let staging =
      parent + "/" + Scratch.name((target as NSString).lastPathComponent, "pulling")
    defer { try? FileManager.default.removeItem(atPath: staging) }
    var all = files
    all[RevisionMetadata.fileName] = PackageFileContent(bytes: metadata)
    try writeFiles(all, to: staging, private: false)
    FaultInjection.point("pull.staged")
    guard rename(staging, target) == 0 else {
      throw .io(path: directory, reason: String(cString: strerror(errno)))
    }
  }

  /// Writes files under `directory`, creating it and any folders: private ones (0750; files
  /// 0600, executables 0700) for scratch copies, or as kpt writes a package (0644 and 0755,
  /// folders too, less the umask). Each file is replaced whole by a rename.
  static func writeFiles(
    _ files: [String: PackageFileContent], to directory: String, private: Bool = true
  )
    throws(OrchestrationError)
  {
    let folders: [FileAttributeKey: Any]? = `private` ? [.posixPermissions: 0o750] : nil
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true, attributes: folders)
      for (path, content) in files.sorted(by: { $0.key < $1.key }) {
        let target = directory + "/" + path
        try FileManager.default.createDirectory(
          atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
          attributes: folders)
        let mode: mode_t =
          `private` ? (content.executable ? 0o700 : 0o600) : (content.executable ? 0o755 : 0o644)
        try Registry.writeAtomically(content.bytes, to: target, mode: mode)
      }
    } catch let error as OrchestrationError {
      throw error
    } catch {
      throw .io(path: directory, reason: error.localizedDescription)
    }
  }

  /// Every regular file under a directory (hidden ones too), and the pulled resourceVersion.
  public static func read(directory: String) throws(OrchestrationError) -> (
    files: [String: PackageFileContent], resourceVersion: String?, annotations: [String: String]
  ) {
    var files = try regularFiles(in: directory)
    guard let metadata = files.removeValue(forKey: RevisionMetadata.fileName) else {
      return (files, nil, [:])
    }
    let (version, annotations) = RevisionMetadata.read(metadata.bytes)
    return (files, version, annotations)
  }

  /// Every regular file under a directory by relative path, with its executable bit; a `.git`
  /// directory is left out when `skippingGit`.
  static func regularFiles(in directory: String, skippingGit: Bool = false)
    throws(OrchestrationError) -> [String: PackageFileContent]
  {
    guard let walker = FileManager.default.enumerator(atPath: directory) else {
      throw .io(path: directory, reason: "no such directory")
    }
    var files: [String: PackageFileContent] = [:]
    while let path = walker.nextObject() as? String {
      if skippingGit && (path == ".git" || path.hasPrefix(".git/")) {
        walker.skipDescendants()
        continue
      }
      let full = directory + "/" + path
      guard let attributes = try? FileManager.default.attributesOfItem(atPath: full),
        attributes[.type] as? FileAttributeType == .typeRegular,
        let data = FileManager.default.contents(atPath: full)
      else { continue }
      let permissions = attributes[.posixPermissions] as? Int ?? 0
      files[path] = PackageFileContent(bytes: Array(data), executable: permissions & 0o100 != 0)
    }
    return files
  }
}
