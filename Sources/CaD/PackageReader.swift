import Foundation
import KRM

/// Reads the KRM files of a package directory the way kpt does: `Kptfile`, `*.yaml`, `*.yml` and
/// `*.json` in lexical walk order, subpackages included, `.krmignore` honoured, `.git` skipped.
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
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
      throw .missingDirectory(path: root.path)
    }
    guard isDirectory.boolValue else { throw .notADirectory(path: root.path) }
    var found: [(path: String, url: URL)] = []
    try walk(directory: root, relative: "", ignores: [], into: &found)
    let display = display
    // Reading and parsing are independent per file; errors still come in walk order.
    return try found.concurrentMap { file throws(PackageError) in
      guard let data = FileManager.default.contents(atPath: file.url.path) else {
        throw .unreadable(path: file.url.path, reason: "cannot read the file")
      }
      do throws(KRMError) {
        return PackageFile(
          path: file.path, yaml: try YAMLFile(parsing: Array(data), name: display + "/" + file.path)
        )
      } catch {
        throw .yaml(error)
      }
    }
  }

  private func walk(
    directory: URL, relative: String, ignores: [KRMIgnore],
    into files: inout [(path: String, url: URL)]
  ) throws(PackageError) {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted {
        Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
      }
    } catch {
      throw .unreadable(path: directory.path, reason: error.localizedDescription)
    }
    var ignores = ignores
    if names.contains("Kptfile") || relative.isEmpty {
      // A package's .krmignore covers its own files only: a subpackage starts afresh.
      ignores = []
      let ignoreFile = directory.appendingPathComponent(".krmignore")
      if let text = try? String(contentsOf: ignoreFile, encoding: .utf8) {
        ignores.append(KRMIgnore(text: text, base: relative))
      }
    }
    for name in names where name != ".git" {
      let path = relative.isEmpty ? name : relative + "/" + name
      let url = directory.appendingPathComponent(name)
      // Symbolic links inside a package are ignored, as kpt does.
      var info = stat()
      guard lstat(url.path, &info) == 0, info.st_mode & S_IFMT != S_IFLNK else { continue }
      let isDirectory = ObjCBool(info.st_mode & S_IFMT == S_IFDIR)
      if ignores.contains(where: { $0.ignores(path, isDirectory: isDirectory.boolValue) }) {
        continue
      }
      if isDirectory.boolValue {
        try walk(directory: url, relative: path, ignores: ignores, into: &files)
      } else if Self.isResourceFile(name) {
        files.append((path, url))
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
