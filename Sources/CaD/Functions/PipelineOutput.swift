import Foundation
import KRM

/// Where `fn render` and `fn eval` put their result.
public enum PipelineOutput: Sendable, Equatable {
  /// Back into the package: changed documents rewritten, emptied files removed.
  case inPlace
  /// A ResourceList on stdout, reader annotations kept.
  case stdout
  /// Plain `---`-separated documents on stdout.
  case unwrap
  /// A new directory, written like `fn sink`.
  case directory(String)

  /// kpt's `-o` values: `stdout`, `unwrap`, or a directory.
  public init(argument: String) {
    switch argument {
    case "stdout": self = .stdout
    case "unwrap": self = .unwrap
    default: self = .directory(argument)
    }
  }
}

/// One function's entry in `results.yaml`.
public struct FunctionResultRecord: Sendable {
  public var image: String?
  public var exec: String?
  public var exitCode: Int32
  public var stderr: [UInt8]
  public var results: [FunctionResultItem]

  /// The image or exec command, as kpt names the function.
  public var name: String { exec ?? image ?? "" }
}

/// Writing pipeline output: the package in place, stdout, or a new directory.
enum PipelineWriter {
  /// The file path an item is written to, relative to the root: its package plus its path
  /// annotation, or kpt's `<namespace>/<kind>_<name>.yaml` for a generated resource.
  static func filePath(of item: FunctionItem) -> String {
    let relative = item.path ?? Sink.defaultPath(for: item.resource)
    return item.package.isEmpty ? relative : item.package + "/" + relative
  }

  /// Checks every item's path before anything is written.
  static func validate(_ items: [FunctionItem]) throws(FunctionError) {
    var seen = Set<String>()
    for item in items {
      if let path = item.path {
        if path.hasPrefix("/") || path.split(separator: "/").contains("..") {
          throw FunctionError(
            "function must not modify resources outside of package: resource has path \(path)")
        }
        if let index = item.index,
          !seen.insert(filePath(of: item) + "\u{0}" + String(index)).inserted
        {
          throw FunctionError(
            "resource at path \"\(filePath(of: item))\" and index \"\(index)\" already exists")
        }
      }
    }
  }

  /// The files the items make, in first-appearance order; documents sorted by index, generated
  /// ones after the rest.
  static func files(_ items: [FunctionItem]) -> [(path: String, items: [FunctionItem])] {
    var order: [String] = []
    var byPath: [String: [FunctionItem]] = [:]
    for item in items {
      let path = filePath(of: item)
      if byPath[path] == nil { order.append(path) }
      byPath[path, default: []].append(item)
    }
    return order.map { path in
      let sorted = byPath[path, default: []].enumerated().sorted {
        ($0.element.index ?? Int.max, $0.offset) < ($1.element.index ?? Int.max, $1.offset)
      }.map(\.element)
      return (path, sorted)
    }
  }

  /// Writes the items back into the package at `root`: a file is rewritten only when one of its
  /// documents changed or its documents changed, and a file that had resources and has none
  /// left is deleted. `originals` are the files as read.
  static func writeInPlace(
    _ items: [FunctionItem], root: URL, originals: [PackageFile]
  ) throws(FunctionError) {
    try validate(items)
    let originalsByPath = Dictionary(
      originals.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    var writes: [(path: String, bytes: [UInt8])] = []
    var kept = Set<String>()
    for (path, fileItems) in files(items) {
      kept.insert(path)
      let documents = fileItems.map { $0.documentForWriting() }
      if let original = originalsByPath[path], original.yaml.documents.count == documents.count,
        zip(original.yaml.documents, documents).allSatisfy({ sameDocument($0, $1) })
      {
        continue
      }
      writes.append(
        (path, bytes(path: path, documents: documents, original: originalsByPath[path])))
    }
    let manager = FileManager.default
    var targets: [String: URL] = [:]
    for (path, _) in writes {
      let url = root.appendingPathComponent(path)
      var isDirectory: ObjCBool = false
      if manager.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw FunctionError("cannot write \"\(path)\": a directory has that name")
      }
      targets[path] = try target(of: path, root: root)
    }
    for (path, bytes) in writes {
      let url = targets[path] ?? root.appendingPathComponent(path)
      do {
        try manager.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url, options: .atomic)
      } catch {
        throw FunctionError("cannot write \"\(path)\": \(error.localizedDescription)")
      }
    }
    for original in originals
    where !kept.contains(original.path) && !original.yaml.documents.isEmpty {
      try? manager.removeItem(at: root.appendingPathComponent(original.path))
    }
  }

  /// Where the bytes for `path` go: the file itself, or the file a symbolic link names when that
  /// file is inside the package. kpt writes through any link; stoop refuses to write outside the
  /// package, before anything is written.
  static func target(of path: String, root: URL) throws(FunctionError) -> URL {
    let url = root.appendingPathComponent(path)
    // The deepest part of the path that exists decides where the write lands.
    var existing = url
    while existing.path != root.path,
      (try? FileManager.default.attributesOfItem(atPath: existing.path)) == nil
    {
      existing = existing.deletingLastPathComponent()
    }
    let resolved = existing.resolvingSymlinksInPath().path
    guard resolved == root.path || resolved.hasPrefix(root.path + "/") else {
      throw FunctionError(
        "cannot write \"\(path)\": a symbolic link takes it to \"\(resolved)\", outside the package; replace the link with a copy of the file, then run again"
      )
    }
    return existing == url ? URL(fileURLWithPath: resolved) : url
  }

  /// Whether `document` is `original` untouched (the very parsed document).
  static func sameDocument(_ original: YAMLDocument, _ document: YAMLDocument) -> Bool {
    guard !document.isModified, let a = original.originalText, let b = document.originalText
    else { return false }
    return a.startIndex == b.startIndex && a.elementsEqual(b)
  }

  /// A file's bytes: the original file's separators kept when its documents are the same ones
  /// in the same order; a single-document `.json` file in kpt's JSON layout when it changed.
  /// A changed resource keeps the blank lines of its head comment, so a licence header stays
  /// apart (kpt joins them); a kustomization file, which kpt passes along as plain YAML, is
  /// written as kpt writes it.
  static func bytes(path: String, documents: [YAMLDocument], original: PackageFile?) -> [UInt8] {
    if path.hasSuffix(".json"), documents.count == 1, documents[0].isModified {
      return GoJSON.encode(documents[0].root)
    }
    var file = YAMLFile(documents: documents)
    if let original, original.yaml.documents.count == documents.count {
      file.leading = original.yaml.leading
      file.separators = original.yaml.separators
      file.trailing = original.yaml.trailing
    }
    let kustomization = documents.contains {
      PipelineValidation.isKustomization($0, path: path)
    }
    return file.bytes(keepingHeadBlankLines: !kustomization)
  }

  /// `-o DIR`: a new directory holding the items' files, reader annotations removed.
  static func writeDirectory(_ items: [FunctionItem], directory: String) throws(FunctionError) {
    try validate(items)
    let manager = FileManager.default
    if manager.fileExists(atPath: directory) {
      throw FunctionError(
        "directory \"\(directory)\" already exists, please delete the directory and retry")
    }
    let root = URL(fileURLWithPath: directory)
    for (path, fileItems) in files(items) {
      let documents = fileItems.map { $0.documentForWriting() }
      let url = root.appendingPathComponent(path)
      do {
        try manager.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes(path: path, documents: documents, original: nil)).write(to: url)
      } catch {
        throw FunctionError("cannot write \"\(directory)/\(path)\": \(error.localizedDescription)")
      }
    }
  }

  /// `-o stdout`: a ResourceList with paths relative to the root; `-o unwrap`: plain documents.
  static func standardOutput(_ items: [FunctionItem], unwrap: Bool) -> [UInt8] {
    var documents: [YAMLDocument] = []
    for item in items {
      var copy = item
      var resource = copy.resource
      resource.removeAnnotations(FunctionItem.bookkeeping)
      copy.resource = resource
      if !item.package.isEmpty, let path = item.path {
        copy.setLocation(path: item.package + "/" + path, index: item.index)
      }
      if unwrap {
        var resource = copy.resource
        resource.removeAnnotations(Annotation.writerClears)
        documents.append(resource.document)
      } else {
        documents.append(copy.document)
      }
    }
    return unwrap ? ResourceList.unwrap(documents) : ResourceList.encode(items: documents)
  }

  // MARK: Results file

  /// `results.yaml` as kpt writes it (wide sequences).
  static func writeResults(
    _ records: [FunctionResultRecord], exitCode: Int32, directory: String
  ) throws(FunctionError) {
    var text = "apiVersion: kpt.dev/v1\nkind: FunctionResultList\nmetadata:\n  name: fnresults\n"
    text += "exitCode: \(exitCode)\n"
    // kpt leaves `items` out when no function ran to the end.
    if !records.isEmpty { text += "items:\n" }
    for record in records {
      if let image = record.image {
        text += "  - image: \(goScalar(image))\n"
      } else {
        text += "  - exec: \(goScalar(record.exec ?? ""))\n"
      }
      if !record.stderr.isEmpty {
        let stderr = String(decoding: record.stderr, as: UTF8.self)
        // go-yaml writes one line as a scalar, several as a literal block.
        text +=
          "    stderr: "
          + (stderr.contains("\n") ? blockScalar(stderr, indent: 6) : goScalar(stderr)) + "\n"
      }
      text += "    exitCode: \(record.exitCode)\n"
      guard !record.results.isEmpty else { continue }
      text += "    results:\n"
      for result in record.results {
        text += "      - message: \(goScalar(result.message))\n"
        if let severity = result.severity, !severity.isEmpty {
          text += "        severity: \(goScalar(severity))\n"
        }
        let reference = [
          ("apiVersion", result.apiVersion), ("kind", result.kind), ("name", result.name),
          ("namespace", result.namespace),
        ].filter { !$0.1.isEmpty }
        if !reference.isEmpty {
          text += "        resourceRef:\n"
          for (key, value) in reference { text += "          \(key): \(goScalar(value))\n" }
        }
        if !result.fieldPath.isEmpty || result.currentValue != nil || result.proposedValue != nil {
          text += "        field:\n"
          if !result.fieldPath.isEmpty { text += "          path: \(goScalar(result.fieldPath))\n" }
          if let value = result.currentValue {
            text += "          currentValue:" + goValue(value, indent: 12)
          }
          if let value = result.proposedValue {
            text += "          proposedValue:" + goValue(value, indent: 12)
          }
        }
        if !result.filePath.isEmpty {
          text += "        file:\n          path: \(goScalar(result.filePath))\n"
          if result.fileIndex != 0 { text += "          index: \(result.fileIndex)\n" }
        }
        if !result.tags.isEmpty {
          text += "        tags:\n"
          for key in result.tags.keys.sorted() {
            text += "          \(goScalar(key)): \(goScalar(result.tags[key] ?? ""))\n"
          }
        }
      }
    }
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
      try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/results.yaml"))
    } catch {
      throw FunctionError(
        "cannot write results to \"\(directory)\": \(error.localizedDescription)")
    }
  }

  /// A string as go-yaml writes it: plain when it reads back as the same string; double-quoted
  /// when plain would read as another type (`y`, `1.0`) or it holds line breaks or control
  /// characters; else single-quoted.
  static func goScalar(_ value: String) -> String {
    if ScalarFormatter.isPlainSafe(value) { return value }
    if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
      || ScalarFormatter.isPlainSyntax(value)
    {
      return ScalarFormatter.format(value, style: .doubleQuoted, indent: 0)
    }
    return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
  }

  /// Any YAML value after its key: ` scalar` on the same line (as written), or a block below
  /// at `indent`; ends with a line break.
  static func goValue(_ node: YAMLNode, indent: Int) -> String {
    if node.isScalar {
      let text = String(decoding: YAMLDocument(root: node).text(), as: UTF8.self)
      if !text.dropLast().contains("\n") { return " " + text }
    }
    let pad = String(repeating: " ", count: indent)
    func block(_ node: YAMLNode, depth: Int) -> YAMLNode {
      var copy = node
      guard depth < 100 else { return copy }
      copy.isFlow = false
      for i in copy.entries.indices {
        copy.entries[i].value = block(copy.entries[i].value, depth: depth + 1)
      }
      for i in copy.items.indices {
        copy.items[i].node = block(copy.items[i].node, depth: depth + 1)
      }
      return copy
    }
    let body = String(
      decoding: YAMLDocument(root: block(node, depth: 0)).text(sequenceIndent: .wide), as: UTF8.self
    )
    return "\n"
      + body.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
        pad + $0 + "\n"
      }.joined()
  }

  /// A literal block scalar (`|`, `|-` or `|+`) whose lines sit at `indent`.
  static func blockScalar(_ value: String, indent: Int) -> String {
    var lines = value.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var header = "|"
    if value.hasSuffix("\n") {
      lines.removeLast()
      if value.hasSuffix("\n\n") { header = "|+" }
    } else {
      header = "|-"
    }
    if lines.first?.hasPrefix(" ") ?? false { header = "|2" + header.dropFirst() }
    let pad = String(repeating: " ", count: indent)
    return header
      + lines.map { $0.isEmpty ? "\n" : "\n" + pad + $0 }.joined()
  }
}
