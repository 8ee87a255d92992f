import Foundation
import KRM

/// `fn source`: a package directory as a ResourceList.
public enum Source {
  public enum Output: String, Sendable, CaseIterable {
    case stdout, unwrap
  }

  /// The package at `directory` as a ResourceList, or as plain `---`-separated documents.
  public static func run(
    directory: String, functionConfig: String? = nil, output: Output = .stdout
  ) throws(PackageError) -> [UInt8] {
    let reader = PackageReader(directory: directory)
    // (Only the list needs the files' text; plain documents are written from their trees.)
    let listFiles = output == .stdout ? try reader.readForList() : []
    let files = output == .unwrap ? try reader.read() : []
    var config: (path: String, document: YAMLDocument)? = nil
    if let functionConfig {
      guard let data = FileManager.default.contents(atPath: functionConfig) else {
        throw .unreadable(path: functionConfig, reason: "no such file")
      }
      let parsed: YAMLFile
      do {
        parsed = try YAMLFile(parsing: Array(data), name: functionConfig)
      } catch {
        throw .yaml(error)
      }
      guard parsed.documents.count == 1, parsed.documents[0].root.isMapping else {
        throw .yaml(
          .notKRM(file: functionConfig, line: 1, missing: "exactly one resource in the file"))
      }
      let resource = Resource(document: parsed.documents[0])
      if let missing = resource.missingKRMField {
        throw .yaml(.notKRM(file: functionConfig, line: 1, missing: missing))
      }
      config = (functionConfig, parsed.documents[0])
    }
    switch output {
    case .stdout:
      do {
        return try ResourceList.writeLossless(listFiles, functionConfig: config)
      } catch .cannotCarry(let file, let line, let reason) {
        // Named as the reader names the files it reads: below the directory as given.
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        throw .yaml(.cannotCarry(file: base + "/" + file, line: line, reason: reason))
      } catch {
        throw .yaml(error)
      }
    case .unwrap:
      var out: [UInt8] = []
      var first = true
      for file in files {
        for document in file.yaml.documents {
          if !first { out.append(contentsOf: "---\n".utf8) }
          first = false
          out.append(contentsOf: document.text())
        }
      }
      return out
    }
  }
}

/// `fn sink`: a ResourceList (or a YAML stream) written out as a package directory.
public enum Sink {
  /// The files the list describes, by path, in the order they appear; nothing touches the disk.
  public static func files(from input: [UInt8], name: String = "stdin") throws(KRMError) -> [(
    path: String, bytes: [UInt8]
  )] {
    try ResourceList.files(fromList: input, name: name)
  }

  /// kpt's name for a resource that came without a path: `<namespace>/<kind>_<name>.yaml`.
  static func defaultPath(for resource: Resource) -> String {
    ResourceList.defaultPath(for: resource)
  }

  /// Writes the list into `directory`, which must not exist or be empty; missing parent
  /// directories are created, as kpt creates them. Files are first written to a temporary
  /// directory beside it and moved into place together; a failure removes what was created.
  public static func run(input: [UInt8], directory: String) throws(PackageError) {
    let files: [(path: String, bytes: [UInt8])]
    do {
      files = try Sink.files(from: input)
    } catch {
      throw .yaml(error)
    }
    let manager = FileManager.default
    let target = URL(fileURLWithPath: directory).standardizedFileURL
    var isDirectory: ObjCBool = false
    let exists = manager.fileExists(atPath: target.path, isDirectory: &isDirectory)
    if exists {
      let contents = (try? manager.contentsOfDirectory(atPath: target.path)) ?? ["?"]
      guard isDirectory.boolValue, contents.isEmpty else { throw .targetNotEmpty(path: directory) }
    }
    let parent = target.deletingLastPathComponent()
    // The highest directory this sink creates, removed again when the sink fails.
    var created: URL?
    var existing = parent
    while !manager.fileExists(atPath: existing.path), existing.path != "/" {
      created = existing
      existing = existing.deletingLastPathComponent()
    }
    let staging = parent.appendingPathComponent(
      ".\(target.lastPathComponent).stoop-\(UUID().uuidString)")
    defer {
      if let created, !manager.fileExists(atPath: target.path) {
        try? manager.removeItem(at: created)
      }
    }
    do {
      if created != nil {
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
      }
      try manager.createDirectory(at: staging, withIntermediateDirectories: false)
      var made: Set<String> = [""]
      for file in files {
        let directory = file.path.split(separator: "/").dropLast().joined(separator: "/")
        if made.insert(directory).inserted {
          try manager.createDirectory(
            at: staging.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
      }
      // The files are independent of each other once their directories exist.
      let stagingPath = staging.path
      let failures = files.concurrentMap { file in
        writeFile(stagingPath + "/" + file.path, file.bytes)
      }
      for (file, failure) in zip(files, failures) {
        if let failure {
          throw PackageError.writeFailed(path: directory + "/" + file.path, reason: failure)
        }
      }
      if exists { try manager.removeItem(at: target) }
      try manager.moveItem(at: staging, to: target)
    } catch let error as PackageError {
      try? manager.removeItem(at: staging)
      throw error
    } catch {
      try? manager.removeItem(at: staging)
      throw .writeFailed(path: directory, reason: error.localizedDescription)
    }
  }

  /// Writes a new file with plain POSIX calls (the staging directory is renamed into place
  /// afterwards, so Foundation's per-file synchronisation buys nothing); the failure, if any.
  static func writeFile(_ path: String, _ bytes: [UInt8]) -> String? {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { return String(cString: strerror(errno)) }
    defer { close(fd) }
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return String(cString: strerror(errno)) }
      written += n
    }
    return nil
  }
}
