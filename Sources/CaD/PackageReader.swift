import Foundation
import KRM

/// Reads the KRM files of a package directory the way kpt does: `Kptfile`, `*.yaml`, `*.yml` and
/// `*.json` in lexical walk order, subpackages included, `.krmignore` honoured, `.git` skipped,
/// symbolic links to files read as the file, links to directories not followed.
public struct PackageReader: Sendable {
  public let root: URL
  /// The directory as the user named it, for messages.
  private let display: String

  public init(directory: String) {
    self.display = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    self.root = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath()
  }

  /// Whether kpt treats a file of this name as a resource file.
  public static func isResourceFile(_ name: String) -> Bool {
    name == "Kptfile" || name.hasSuffix(".yaml") || name.hasSuffix(".yml")
      || name.hasSuffix(".json")
  }

  /// Every resource file, parsed, with its path relative to the package.
  public func read() throws(PackageError) -> [PackageFile] {
    try readEach().map { file throws(PackageError) in
      PackageFile(path: file.path, yaml: try file.yaml.get())
    }
  }

  /// Every resource file with its path relative to the package, each parsed or with the reason
  /// it could not be, for callers that report a bad file only when they reach it (as kpt's
  /// render does, package by package).
  public func readEach() throws(PackageError) -> [(
    path: String, yaml: Result<YAMLFile, PackageError>
  )] {
    try readEach(
      { bytes, path, name in (path: path, yaml: Self.parse(bytes, name: name)) },
      unreadable: { path, error in (path: path, yaml: .failure(error)) })
  }

  /// Every resource file on its way into a ResourceList (`ResourceList.sourceFile`: the items
  /// of a file of the common shape written from its text, any other file parsed).
  public func readForList() throws(PackageError) -> [ResourceList.SourceFile] {
    let files = try readEach(
      { bytes, path, name -> Result<ResourceList.SourceFile, PackageError> in
        do throws(KRMError) {
          return .success(try ResourceList.sourceFile(path: path, bytes: bytes, name: name))
        } catch {
          return .failure(.yaml(error))
        }
      }, unreadable: { _, error in .failure(error) })
    return try files.map { file throws(PackageError) in try file.get() }
  }

  /// Every resource file read and handed to `transform` (bytes, path in the package, name for
  /// messages), in kpt's order; a file that cannot be read is a failure in its place.
  private func readEach<T: Sendable>(
    _ transform: @Sendable ([UInt8], String, String) -> T,
    unreadable: @Sendable (String, PackageError) -> T
  ) throws(PackageError) -> [T] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
      throw .missingDirectory(path: root.path)
    }
    guard isDirectory.boolValue else { throw .notADirectory(path: root.path) }
    var found: [(path: String, full: String)] = []
    try walk(directory: root.path, relative: "", ignores: [], into: &found)
    let display = display
    // Reading and parsing are independent per file.
    return found.concurrentMap { file -> T in
      guard let bytes = ReadAll.bytes(atPath: file.full) else {
        return unreadable(file.path, .unreadable(path: file.full, reason: "cannot read the file"))
      }
      return transform(bytes, file.path, display + "/" + file.path)
    }
  }

  private static func parse(_ bytes: [UInt8], name: String) -> Result<YAMLFile, PackageError> {
    do throws(KRMError) {
      return .success(try YAMLFile(parsing: bytes, name: name))
    } catch {
      return .failure(.yaml(error))
    }
  }

  /// `readEach` for a package held in memory (files by relative path, as read from git): the
  /// same files in the same order, `.krmignore` honoured; `display` names the package.
  public static func readEach(files: [String: [UInt8]], display: String) -> [(
    path: String, yaml: Result<YAMLFile, PackageError>
  )] {
    var children: [String: Set<String>] = [:]
    for path in files.keys {
      var parent = ""
      for component in path.split(separator: "/").map(String.init) {
        children[parent, default: []].insert(component)
        parent = parent.isEmpty ? component : parent + "/" + component
      }
    }
    var found: [String] = []
    func walk(_ relative: String, ignores: [KRMIgnore]) {
      let names = (children[relative] ?? []).sorted {
        $0.utf8.lexicographicallyPrecedes($1.utf8)
      }
      var ignores = ignores
      func path(_ name: String) -> String { relative.isEmpty ? name : relative + "/" + name }
      if names.contains("Kptfile") || relative.isEmpty {
        // A package's .krmignore covers its own files only: a subpackage starts afresh.
        ignores =
          files[path(".krmignore")].map {
            [KRMIgnore(text: String(decoding: $0, as: UTF8.self), base: relative)]
          } ?? []
      }
      for name in names where name != ".git" {
        let isDirectory = children[path(name)] != nil
        if ignores.contains(where: { $0.ignores(path(name), isDirectory: isDirectory) }) {
          continue
        }
        if isDirectory {
          walk(path(name), ignores: ignores)
        } else if isResourceFile(name) {
          found.append(path(name))
        }
      }
    }
    walk("", ignores: [])
    return found.concurrentMap { path in
      (path, parse(files[path] ?? [], name: display + "/" + path))
    }
  }

  static func linkTarget(_ path: String) -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
  }

  private func walk(
    directory: String, relative: String, ignores: [KRMIgnore],
    into files: inout [(path: String, full: String)]
  ) throws(PackageError) {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted {
        $0.utf8.lexicographicallyPrecedes($1.utf8)
      }
    } catch {
      throw .unreadable(path: directory, reason: error.localizedDescription)
    }
    // (Paths as strings: a URL for every entry cost more than the rest of the walk.)
    func child(_ name: String) -> String {
      directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
    var ignores = ignores
    if names.contains("Kptfile") || relative.isEmpty {
      // A package's .krmignore covers its own files only: a subpackage starts afresh.
      ignores = []
      if let text = try? String(contentsOfFile: child(".krmignore"), encoding: .utf8) {
        ignores.append(KRMIgnore(text: text, base: relative))
      }
    }
    for name in names where name != ".git" {
      let path = relative.isEmpty ? name : relative + "/" + name
      let full = child(name)
      var info = stat()
      guard lstat(full, &info) == 0 else { continue }
      if info.st_mode & S_IFMT == S_IFLNK {
        // As kpt does: a link to a file is read as that file; a link to a directory is not
        // walked.
        guard Self.isResourceFile(name),
          !ignores.contains(where: { $0.ignores(path, isDirectory: false) })
        else { continue }
        var target = stat()
        guard stat(full, &target) == 0 else {
          throw .unreadable(
            path: full,
            reason:
              "it is a symbolic link to \"\(Self.linkTarget(full))\", which does not exist; remove the link or restore its target"
          )
        }
        guard target.st_mode & S_IFMT == S_IFREG else {
          throw .unreadable(
            path: full,
            reason:
              "it is a symbolic link to \"\(Self.linkTarget(full))\", which is not a file; remove the link or rename it so it does not end in .yaml, .yml or .json"
          )
        }
        files.append((path, full))
        continue
      }
      let isDirectory = ObjCBool(info.st_mode & S_IFMT == S_IFDIR)
      if ignores.contains(where: { $0.ignores(path, isDirectory: isDirectory.boolValue) }) {
        continue
      }
      if isDirectory.boolValue {
        try walk(directory: full, relative: path, ignores: ignores, into: &files)
      } else if Self.isResourceFile(name) {
        files.append((path, full))
      }
    }
  }
}

/// The gitignore subset kpt supports in `.krmignore`: globs, `/`-anchored and directory-only
/// patterns, `!` negation, comments.
struct KRMIgnore: Sendable {
  private struct Rule: Sendable {
    var pattern: String
    var negated: Bool
    var anchored: Bool
    var directoryOnly: Bool
  }

  private var rules: [Rule] = []
  /// The package's path relative to the walk root; rules match paths relative to the package.
  private let base: String

  init(text: String, base: String) {
    self.base = base
    for rawLine in text.split(whereSeparator: \.isNewline) {
      var line = String(rawLine)
      while line.hasSuffix(" ") { line.removeLast() }
      if line.isEmpty || line.hasPrefix("#") { continue }
      var rule = Rule(pattern: line, negated: false, anchored: false, directoryOnly: false)
      if rule.pattern.hasPrefix("!") {
        rule.negated = true
        rule.pattern.removeFirst()
      }
      if rule.pattern.hasSuffix("/") {
        rule.directoryOnly = true
        rule.pattern.removeLast()
      }
      if rule.pattern.hasPrefix("/") {
        rule.anchored = true
        rule.pattern.removeFirst()
      } else if rule.pattern.contains("/") {
        rule.anchored = true
      }
      rules.append(rule)
    }
  }

  func ignores(_ path: String, isDirectory: Bool) -> Bool {
    var relative = path
    if !base.isEmpty {
      guard path.hasPrefix(base + "/") else { return false }
      relative = String(path.dropFirst(base.count + 1))
    }
    let name = relative.split(separator: "/").last.map(String.init) ?? relative
    var ignored = false
    for rule in rules {
      if rule.directoryOnly && !isDirectory { continue }
      let subject = rule.anchored ? relative : name
      if fnmatch(rule.pattern, subject, 0) == 0 { ignored = !rule.negated }
    }
    return ignored
  }
}
