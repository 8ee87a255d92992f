import Foundation
import KRM

/// kpt's checks of a Kptfile pipeline, made when a package is loaded and before any of its
/// functions runs: each `mutators[]`/`validators[]` entry names exactly one function, a valid
/// image, at most one kind of config, and a `configPath` that stays inside the package and holds
/// exactly one KRM resource.
enum PipelineValidation {
  /// kpt's `Kptfile is invalid:` report, printed as it stands.
  static func invalid(field: String, value: String = "", reason: String) -> FunctionError {
    var text = "Kptfile is invalid:\nField: `\(field)`\n"
    if !value.isEmpty { text += "Value: \(FunctionReport.goQuoted(value))\n" }
    text += "Reason: \(reason)\n"
    return FunctionError(text, presentation: .verbatim)
  }

  /// Checks every function of the pipeline of the package in `directory` (absolute).
  static func check(_ kptfile: Kptfile, directory: URL) throws(FunctionError) {
    for key in ["mutators", "validators"] {
      let entries = kptfile.document.root.node(at: ["pipeline", key])?.items ?? []
      for (i, entry) in entries.enumerated() {
        try check(entry.node, field: "pipeline.\(key)[\(i)]", directory: directory)
      }
    }
  }

  static func check(_ node: YAMLNode, field: String, directory: URL) throws(FunctionError) {
    if let problem = entryProblem(node, field: field) {
      throw invalid(field: problem.field, value: problem.value, reason: problem.reason)
    }
    let configPath = node["configPath"]?.string ?? ""
    guard !configPath.isEmpty else { return }
    let pathField = field + ".configPath"
    let url = directory.appendingPathComponent(PipelineValidation.cleaned(configPath))
    guard !insideSubpackage(cleaned(configPath), directory: directory),
      let data = FileManager.default.contents(atPath: url.path)
    else {
      throw invalid(
        field: pathField, value: configPath,
        reason: "functionConfig must exist in the current package")
    }
    let config: YAMLDocument
    do {
      config = try readConfig(data, name: configPath)
    } catch {
      throw invalid(field: pathField, value: configPath, reason: error.description)
    }
    if let problem = krmProblem(config, path: configPath) {
      throw invalid(
        field: pathField, value: configPath,
        reason: "functionConfig \"\(configPath)\": \(problem)")
    }
  }

  /// What is wrong with one entry, found without reading files: it names exactly one function,
  /// a valid image, at most one kind of config, and a `configPath` that is relative and stays
  /// inside the package. nil when nothing is.
  static func entryProblem(_ node: YAMLNode, field: String) -> (
    field: String, value: String, reason: String
  )? {
    let image = node["image"]?.string ?? ""
    let exec = node["exec"]?.string ?? ""
    if image.isEmpty && exec.isEmpty {
      return (field, "", "must specify a functon (`image` or `exec`) to execute")
    }
    if !image.isEmpty && !exec.isEmpty {
      return (field, "", "must not specify both `image` and `exec` at the same time")
    }
    if !image.isEmpty, !isValidImage(image) {
      return (field + ".image", image, "function name \"\(image)\" is invalid")
    }
    let configPath = node["configPath"]?.string ?? ""
    let hasConfigMap = !(node["configMap"]?.entries.isEmpty ?? true)
    if hasConfigMap && !configPath.isEmpty {
      return (
        field, "",
        "functionConfig must not specify both `configMap` and `configPath` at the same time"
      )
    }
    guard !configPath.isEmpty else { return nil }
    let pathField = field + ".configPath"
    if configPath.allSatisfy(\.isWhitespace) {
      return (pathField, configPath, "path must not be empty")
    }
    if configPath.hasPrefix("/") { return (pathField, configPath, "path must be relative") }
    if cleaned(configPath).contains("..") {
      return (pathField, configPath, "path must not be outside the package")
    }
    return nil
  }

  /// The one resource of a function config file, read as kpt reads it: empty documents skipped,
  /// more than one refused.
  static func readConfig(_ data: Data, name: String) throws(FunctionError) -> YAMLDocument {
    let file: YAMLFile
    do {
      file = try YAMLFile(parsing: Array(data), name: name)
    } catch {
      if case .parse(_, _, _, let goYAML) = error, !goYAML.isEmpty {
        throw FunctionError(
          "failed to read functionConfig \"\(name)\": MalformedYAMLError: yaml: \(goYAML)")
      }
      throw FunctionError("failed to read functionConfig \"\(name)\": \(error.description)")
    }
    let documents = file.documents.filter { !$0.root.isNull }
    if documents.count > 1 {
      throw FunctionError(
        "functionConfig \"\(name)\" must not contain more than one config, got \(documents.count)")
    }
    guard let document = documents.first else {
      throw FunctionError("functionConfig \"\(name)\" holds no resource; give it one")
    }
    return document
  }

  /// kpt's `IsKRM`: nil for a resource with apiVersion, kind and metadata.name (or a
  /// kustomization file), else the words kpt uses.
  static func krmProblem(_ document: YAMLDocument, path: String?) -> String? {
    if isKustomization(document, path: path) { return nil }
    return shapeProblem(document)
  }

  /// `krmProblem` without the kustomization exemption.
  static func shapeProblem(_ document: YAMLDocument) -> String? {
    let root = document.root
    guard root.isMapping else { return "resource must have `apiVersion`" }
    for key in ["apiVersion", "kind"] {
      if let value = root[key], !value.isScalar && !value.isNull {
        return "resource must have `apiVersion`, `kind`, and `name`"
      }
    }
    if let metadata = root["metadata"], !metadata.isNull {
      guard metadata.isMapping else { return "resource must have `apiVersion`, `kind`, and `name`" }
      for key in ["name", "namespace"] {
        if let value = metadata[key], !value.isScalar && !value.isNull {
          return "resource must have `apiVersion`, `kind`, and `name`"
        }
      }
    }
    if (root["apiVersion"]?.string ?? "").isEmpty { return "resource must have `apiVersion`" }
    if (root["kind"]?.string ?? "").isEmpty { return "resource must have `kind`" }
    if (root.node(at: ["metadata", "name"])?.string ?? "").isEmpty {
      return "resource must have `metadata.name`"
    }
    return nil
  }

  /// kustomization files are exempt from kpt's KRM checks: by file name, by the kustomize API
  /// group, or by kind with no apiVersion.
  static func isKustomization(_ document: YAMLDocument, path: String?) -> Bool {
    if let path {
      let name = path.split(separator: "/").last.map(String.init) ?? path
      if ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains(name) {
        return true
      }
    }
    guard document.root.isMapping else { return false }
    let apiVersion = document.root["apiVersion"]?.string ?? ""
    if apiVersion.hasPrefix("kustomize.config.k8s.io") { return true }
    return apiVersion.isEmpty && document.root["kind"]?.string == "Kustomization"
  }

  /// Whether a directory on `path` (below the package `directory`) is a subpackage: its files
  /// are not the package's own.
  static func insideSubpackage(_ path: String, directory: URL) -> Bool {
    var current = directory
    for component in path.split(separator: "/").dropLast() {
      current = current.appendingPathComponent(String(component))
      if FileManager.default.fileExists(atPath: current.appendingPathComponent("Kptfile").path) {
        return true
      }
    }
    return false
  }

  /// `path` with `.` and `x/..` pairs removed, as Go's `filepath.Clean` does.
  static func cleaned(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/") where part != "." {
      if part == "..", let last = parts.last, last != ".." {
        parts.removeLast()
      } else {
        parts.append(part)
      }
    }
    return parts.isEmpty ? "." : parts.joined(separator: "/")
  }

  /// The Docker reference grammar kpt checks image names against:
  /// `[domain[:port]/]path[/path...][:tag|@sha256:hex]`, lower-case path components.
  static func isValidImage(_ name: String) -> Bool {
    guard let pattern = imagePattern else { return true }
    return pattern.firstMatch(in: name, range: NSRange(name.startIndex..<name.endIndex, in: name))
      != nil
  }

  private static let imagePattern: NSRegularExpression? = {
    let pathComponent = "(?:[a-z0-9](?:(?:[_.]|__|[-]*)[a-z0-9]+)*)"
    let domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
    let domain = "\(domainComponent)(?:\\.\(domainComponent))*(?::[0-9]+)?"
    let name = "(?:\(domain)/)?\(pathComponent)(?:/\(pathComponent))*"
    let version = "(?:[\\w][\\w.-]{0,127}|sha256:[a-zA-Z0-9]{64})"
    return try? NSRegularExpression(pattern: "^(?:\(name)(?:[:@]\(version))?)$")
  }()
}
