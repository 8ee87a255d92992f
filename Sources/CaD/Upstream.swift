import Foundation
import KRM

/// How `pkg update` and `rpkg upgrade` bring upstream changes into a package (kpt.md §3).
public enum UpdateStrategy: String, Sendable, CaseIterable {
  case resourceMerge = "resource-merge"
  case fastForward = "fast-forward"
  case forceDeleteReplace = "force-delete-replace"
  case copyMerge = "copy-merge"
}

/// What kpt and Porch do to a package's files when it is cloned from an upstream: the Kptfile
/// names the new package and records where it came from, deployment packages get their
/// package context, and every object gets the merge key that lets a later update find it again.
/// Edits go through the YAML layer, so files nothing changed keep their bytes.
public enum UpstreamRewrite {
  public static let identifierAnnotation = "internal.kpt.dev/upstream-identifier"
  static let mergeCommentPrefix = "kpt-merge:"

  /// The update strategies kpt and Porch know.
  public static let strategies = UpdateStrategy.allCases.map(\.rawValue)

  /// Porch's clone rewrite (porch-git.md §4.2): Kptfile name, `upstream` and `upstreamLock`,
  /// package context when `deployment`, then merge keys on every object.
  public static func cloned(
    _ files: [String: [UInt8]], name: String, upstream: Upstream, lock: UpstreamLock,
    deployment: Bool
  ) throws(KRMError) -> [String: [UInt8]] {
    guard let bytes = files[Kptfile.fileName] else {
      throw .invalidKptfile(
        file: Kptfile.fileName, problems: ["the upstream package has no Kptfile at its root"])
    }
    var kptfile = try Kptfile.parse(bytes, file: Kptfile.fileName)
    kptfile.name = name
    kptfile.upstream = upstream
    kptfile.upstreamLock = lock
    var result = files
    result[Kptfile.fileName] = kptfile.bytes()
    if deployment { result = packageContexts(result, packagePath: name) }
    return ensureMergeKeys(result)
  }

  /// The lock's repository as Porch writes it: with `.git` at the end.
  public static func lockRepository(_ url: String) -> String {
    url.hasSuffix(".git") ? url : url + ".git"
  }

  // MARK: Merge keys

  /// Adds `# kpt-merge: <namespace>/<name>` to each object's `metadata:` key (unless one is
  /// there) and the `internal.kpt.dev/upstream-identifier` annotation, in every YAML file and
  /// Kptfile. Best effort, as in kpt: a file that does not parse stays as it is.
  public static func ensureMergeKeys(_ files: [String: [UInt8]]) -> [String: [UInt8]] {
    var result = files
    for (path, bytes) in files
    where isYAML(path) && !Kptfile.isKptfile(path: path) && !looksKeyed(bytes) {
      guard var file = try? YAMLFile(parsing: bytes, name: path) else { continue }
      var changed = false
      for index in file.documents.indices {
        changed = addMergeKey(to: &file.documents[index]) || changed
      }
      if changed { result[path] = file.bytes(keepingHeadApart: true) }
    }
    return result
  }

  /// A look at the text, without parsing: every top-level `metadata:` line carries its
  /// `kpt-merge:` comment and the identifier annotation is there as often, so keying the file
  /// would change nothing. (A file this cannot vouch for is parsed and keyed.)
  static func looksKeyed(_ bytes: [UInt8]) -> Bool {
    let metadata = Array("metadata:".utf8)
    var objects = 0
    var keyed = 0
    var identifiers = 0
    var start = 0
    while start < bytes.count {
      var end = start
      while end < bytes.count && bytes[end] != 0x0A { end += 1 }
      let line = bytes[start..<end]
      if line.starts(with: metadata) {
        objects += 1
        if contains(line, "kpt-merge:") { keyed += 1 }
      }
      if contains(line, "upstream-identifier") { identifiers += 1 }
      start = end + 1
    }
    return objects > 0 && keyed == objects && identifiers >= objects
  }

  /// Whether `line` contains `needle` (ASCII), by a plain scan.
  static func contains(_ line: ArraySlice<UInt8>, _ needle: StaticString) -> Bool {
    let count = needle.utf8CodeUnitCount
    guard line.count >= count else { return false }
    return needle.withUTF8Buffer { pattern in
      guard let first = pattern.first else { return true }
      var i = line.startIndex
      let last = line.endIndex - count
      while i <= last {
        if line[i] == first {
          var j = 1
          while j < count && line[i + j] == pattern[j] { j += 1 }
          if j == count { return true }
        }
        i += 1
      }
      return false
    }
  }

  public static func isYAML(_ path: String) -> Bool {
    let base = path.split(separator: "/").last.map(String.init) ?? path
    return base == Kptfile.fileName || base.hasSuffix(".yaml") || base.hasSuffix(".yml")
  }

  /// Returns whether the document changed.
  static func addMergeKey(to document: inout YAMLDocument) -> Bool {
    var root = document.root
    guard root.isMapping, let metadataIndex = root.index(ofKey: "metadata"),
      root.entries[metadataIndex].value.isMapping
    else { return false }
    let metadata = root.entries[metadataIndex].value
    let name = metadata["name"]?.string ?? ""
    let namespace = metadata["namespace"]?.string ?? ""
    let labels = metadata["labels"]?.entries ?? []
    if name.isEmpty && namespace.isEmpty && labels.isEmpty { return false }

    var comment = root.entries[metadataIndex].comments.line ?? ""
    if !comment.contains(mergeCommentPrefix) {
      comment = "# \(mergeCommentPrefix) \(namespace)/\(name)"
      root.entries[metadataIndex].comments.line = comment
    }
    // The identity comes from the comment when there is one: it survives renames downstream.
    var identityNamespace = namespace
    var identityName = name
    if let range = comment.range(of: mergeCommentPrefix) {
      let text = comment[range.upperBound...].trimmingCharacters(in: .whitespaces)
      let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
      if parts.count == 2 {
        identityNamespace = String(parts[0])
        identityName = String(parts[1])
      } else {
        identityName = text
      }
    }
    let apiVersion = root["apiVersion"]?.string ?? ""
    let group = apiVersion.contains("/") ? String(apiVersion.prefix { $0 != "/" }) : ""
    let kind = root["kind"]?.string ?? ""
    let value = [
      group, kind, identityNamespace.isEmpty ? "default" : identityNamespace, identityName,
    ].joined(separator: "|")
    let path = ["metadata", "annotations", identifierAnnotation]
    if root.node(at: path)?.string != value {
      // Single-quoted, as kpt writes it, so that files stoop and kpt key compare equal.
      root.set(.scalar(value, style: .singleQuoted), at: path)
    }
    guard root != document.root else { return false }
    document.root = root
    return true
  }

  // MARK: Package context

  /// kpt's package-context generator: a `kptfile.kpt.dev` ConfigMap beside every Kptfile, naming
  /// the package (and its path, for the root), replacing any there was.
  public static func packageContexts(_ files: [String: [UInt8]], packagePath: String)
    -> [String: [UInt8]]
  {
    var result = files
    for (path, bytes) in files where Kptfile.isKptfile(path: path) {
      guard let kptfile = try? Kptfile.parse(bytes, file: path) else { continue }
      let directory = String(path.dropLast(Kptfile.fileName.count))
      let text = packageContext(
        name: kptfile.name ?? "", packagePath: directory.isEmpty ? packagePath : nil)
      result[directory + "package-context.yaml"] = Array(text.utf8)
    }
    return result
  }

  /// The `kptfile.kpt.dev` ConfigMap of `package-context.yaml`; `kpt pkg init` writes it with
  /// the name `example`.
  public static func packageContext(name: String, packagePath: String? = nil) -> String {
    var text = """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: kptfile.kpt.dev
        annotations:
          config.kubernetes.io/local-config: "true"
      data:

      """
    text += "  name: \(ScalarFormatter.format(name, style: .plain, indent: 2))\n"
    if let packagePath {
      text += "  package-path: \(ScalarFormatter.format(packagePath, style: .plain, indent: 2))\n"
    }
    return text
  }
}
