import Foundation
import KRM

/// `fn render`: runs the Kptfile pipelines of a package and its subpackages, subpackages first
/// (kpt 1.0.0-beta.56's depth-first post-order), and writes the result only when every step
/// succeeded.
public struct Renderer {
  public let options: FunctionOptions
  let log: (String) -> Void

  public init(options: FunctionOptions, log: @escaping (String) -> Void) {
    self.options = options
    self.log = log
  }

  /// One package of the tree: its directory relative to the root and its Kptfile.
  struct Package {
    var path: String
    var kptfile: Kptfile
    var children: [String] = []
  }

  /// Renders the package at `directory`; returns what goes to stdout (`-o stdout|unwrap`).
  public func render(directory: String) throws(FunctionError) -> [UInt8] {
    let runner = StepRunner(options: options, log: log)
    do {
      let output = try render(directory: directory, runner: runner)
      try runner.finish(exitCode: 0)
      return output
    } catch {
      try? runner.finish(exitCode: 1)
      throw error
    }
  }

  private func render(directory: String, runner: StepRunner) throws(FunctionError) -> [UInt8] {
    let root = try Self.resolveRoot(directory, log: log)
    if case .directory(let out) = options.output, FileManager.default.fileExists(atPath: out) {
      throw FunctionError(
        "directory \"\(out)\" already exists, please delete the directory and retry")
    }
    let files = try Self.readPackageFiles(root)
    let packages = try Self.packages(in: files, root: root)
    let rootName = root.lastPathComponent

    // Local resources of each package, in walk order.
    var local: [String: [FunctionItem]] = [:]
    for file in files {
      let package = Self.owner(of: file.path, packages: packages)
      let relative = package.isEmpty ? file.path : String(file.path.dropFirst(package.count + 1))
      for (i, document) in file.yaml.documents.enumerated() {
        local[package, default: []].append(
          FunctionItem.read(document, path: relative, index: i, package: package))
      }
    }

    func renderPackage(_ path: String) throws(FunctionError) -> [FunctionItem] {
      guard let package = packages[path] else { return [] }
      var input: [FunctionItem] = []
      for child in package.children { input += try renderPackage(child) }
      log("Package \"\(path.isEmpty ? rootName : rootName + "/" + path)\": \n")
      input += local[path] ?? []
      let output = try runPipeline(package, items: input, runner: runner)
      return output
    }
    var items = try renderPackage("")
    if options.output == .inPlace {
      log("Successfully executed \(runner.executed) function(s) in \(packages.count) package(s).\n")
    }

    for i in items.indices {
      var resource = items[i].resource
      resource.removeAnnotations([Annotation.packagePath])
      items[i].resource = resource
    }
    switch options.output {
    case .inPlace:
      try PipelineWriter.writeInPlace(items, root: root, originals: files)
      return []
    case .stdout, .unwrap:
      return PipelineWriter.standardOutput(items, unwrap: options.output == .unwrap)
    case .directory(let out):
      var moved = items
      for i in moved.indices where !moved[i].package.isEmpty {
        if let path = moved[i].path {
          moved[i].setLocation(path: moved[i].package + "/" + path, index: moved[i].index)
        }
        moved[i].package = ""
      }
      try PipelineWriter.writeDirectory(moved, directory: out)
      return []
    }
  }

  /// One package's pipeline on its input (rendered subpackages, then its own resources).
  private func runPipeline(
    _ package: Package, items: [FunctionItem], runner: StepRunner
  ) throws(FunctionError) -> [FunctionItem] {
    let mutators = package.kptfile.document.root.node(at: ["pipeline", "mutators"])?.items ?? []
    let validators =
      package.kptfile.document.root.node(at: ["pipeline", "validators"])?.items ?? []
    if mutators.isEmpty && validators.isEmpty {
      try Self.requireKRM(items)
      return items
    }
    let steps =
      try mutators.enumerated().map { i, item throws(FunctionError) in
        try Step(node: item.node, field: "pipeline.mutators[\(i)]", package: package)
      }
      + validators.enumerated().map { i, item throws(FunctionError) in
        try Step(node: item.node, field: "pipeline.validators[\(i)]", package: package)
      }
    // Config files are checked before anything runs.
    for step in steps {
      if let configPath = step.configPath {
        _ = try step.config(from: items, configPath: configPath)
      }
    }
    if !options.allowExec, steps.contains(where: { $0.exec != nil }) {
      throw FunctionError("must run with `--allow-exec` option to allow running function binaries")
    }
    var current = items
    for (i, step) in steps.enumerated() {
      let validator = i >= mutators.count
      let runtime = try step.runtime()
      let config: YAMLDocument? =
        if let configPath = step.configPath {
          try step.config(from: current, configPath: configPath)
        } else if !step.configMap.isEmpty {
          StepRunner.configMap(step.configMap)
        } else {
          nil
        }
      current = try runner.run(
        runtime, on: current, functionConfig: config, selection: step.selection,
        package: package.path, validator: validator)
    }
    log("\n")
    return current
  }

  // MARK: Reading

  /// The package root with symlinks resolved (kpt warns when the path given is a link).
  static func resolveRoot(_ directory: String, log: (String) -> Void) throws(FunctionError) -> URL {
    let given = URL(fileURLWithPath: directory).standardizedFileURL
    if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: given.path) {
      let shown = URL(fileURLWithPath: target, relativeTo: URL(fileURLWithPath: "/x/"))
        .standardizedFileURL.path
      let cleaned = shown == "/x" ? "." : String(shown.dropFirst(3))
      log(
        "[WARN] resolved symlink \"\(directory)\" to \"\(target.hasPrefix("/") ? target : cleaned)\", please note that the symlinks within the package are ignored\n"
      )
    }
    let root = given.resolvingSymlinksInPath()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw FunctionError("No Kptfile found at \"\(root.path)\".")
    }
    guard FileManager.default.fileExists(atPath: root.appendingPathComponent("Kptfile").path)
    else {
      throw FunctionError("No Kptfile found at \"\(root.path)\".")
    }
    return root
  }

  /// Every resource file under `root`; a Kptfile that does not parse is reported as kpt does.
  static func readPackageFiles(_ root: URL) throws(FunctionError) -> [PackageFile] {
    do {
      return try PackageReader(directory: root.path).read()
    } catch {
      if case .yaml(.parse(let file, _, _, let goYAML)) = error,
        file == root.path + "/Kptfile" || file.hasSuffix("/Kptfile")
      {
        let directory = String(file.dropLast("/Kptfile".count))
        throw FunctionError(
          "Kptfile at \"\(directory)\" can't be read.\n\nDetails:\nyaml: \(goYAML)")
      }
      throw FunctionError(error.description)
    }
  }

  /// Packages by directory (relative to the root), each Kptfile validated, children sorted.
  static func packages(in files: [PackageFile], root: URL) throws(FunctionError) -> [String:
    Package]
  {
    var packages: [String: Package] = [:]
    for file in files where Kptfile.isKptfile(path: file.path) {
      let directory = file.path == "Kptfile" ? "" : String(file.path.dropLast("/Kptfile".count))
      let absolute = directory.isEmpty ? root.path : root.path + "/" + directory
      guard file.yaml.documents.count == 1 else {
        throw FunctionError(
          "Kptfile at \"\(absolute)\" can't be read.\n\nDetails:\nexpected exactly one YAML document, found \(file.yaml.documents.count)"
        )
      }
      let kptfile = Kptfile(document: file.yaml.documents[0])
      let apiVersion = kptfile.document.root["apiVersion"]?.string ?? ""
      if apiVersion == "kpt.dev/v1alpha1" || apiVersion == "kpt.dev/v1alpha2" {
        throw FunctionError(
          "Kptfile at \"\(absolute)\" has an old version (\"\(apiVersion.dropFirst(8))\") of the Kptfile schema.\nPlease run \"kpt fn eval <PKG_PATH> -i gcr.io/kpt-fn/fix:v0.2 --include-meta-resources\" to upgrade the package and retry."
        )
      }
      let problems = kptfile.problems
      if !problems.isEmpty {
        throw FunctionError(
          "Kptfile at \"\(absolute)\" can't be read.\n\nDetails:\n"
            + problems.joined(separator: "\n"))
      }
      packages[directory] = Package(path: directory, kptfile: kptfile)
    }
    for path in packages.keys.sorted() where !path.isEmpty {
      let parent = owner(of: path + "/x", packages: packages, excluding: path)
      packages[parent]?.children.append(path)
    }
    return packages
  }

  /// The deepest package directory containing `path`.
  static func owner(of path: String, packages: [String: Package], excluding: String? = nil)
    -> String
  {
    var components = path.split(separator: "/").dropLast()
    while !components.isEmpty {
      let candidate = components.joined(separator: "/")
      if candidate != excluding, packages[candidate] != nil { return candidate }
      components = components.dropLast()
    }
    return ""
  }

  /// kustomization files are exempt from kpt's KRM checks.
  static func isKustomization(_ item: FunctionItem) -> Bool {
    let path = item.path ?? ""
    let name = path.split(separator: "/").last.map(String.init) ?? path
    if ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains(name) { return true }
    return (item.document.root["apiVersion"]?.string ?? "").hasPrefix("kustomize.config.k8s.io/")
  }

  /// With no functions, kpt still insists that every input is a KRM resource.
  static func requireKRM(_ items: [FunctionItem]) throws(FunctionError) {
    for item in items where !isKustomization(item) {
      let path = item.path ?? ""
      if let missing = item.resource.missingKRMField {
        throw FunctionError(
          "input resource list must contain only KRM resources: \(path): resource must have `\(missing)`"
        )
      }
    }
  }
}

/// One `pipeline.mutators[]` or `validators[]` entry of a Kptfile.
struct Step {
  var image: String?
  var exec: String?
  var configPath: String?
  var configMap: [(String, String)]
  var selection: Selection
  let field: String
  let package: Renderer.Package

  init(node: YAMLNode, field: String, package: Renderer.Package) throws(FunctionError) {
    self.field = field
    self.package = package
    image = node["image"]?.string
    exec = node["exec"]?.string
    configPath = node["configPath"]?.string
    configMap = node["configMap"]?.entries.map { ($0.key.value, $0.value.value) } ?? []
    selection = Selection(
      selectors: node["selectors"]?.items.map { ResourceSelector(node: $0.node) } ?? [],
      exclude: node["exclude"]?.items.map { ResourceSelector(node: $0.node) } ?? [])
    if (image ?? "").isEmpty == (exec ?? "").isEmpty {
      throw invalid(
        field: field + ".image", value: image ?? "",
        reason: "must specify exactly one of `image` or `exec`")
    }
    if let configPath {
      if configPath.hasPrefix("/") {
        throw invalid(
          field: field + ".configPath", value: configPath, reason: "path must be relative")
      }
      var depth = 0
      for component in configPath.split(separator: "/") {
        if component == ".." { depth -= 1 } else if component != "." { depth += 1 }
        if depth < 0 {
          throw invalid(
            field: field + ".configPath", value: configPath,
            reason: "path must not be outside the package")
        }
      }
      if !configMap.isEmpty {
        throw invalid(
          field: field + ".configMap", value: "",
          reason:
            "functionConfig must not specify both `configMap` and `configPath` at the same time")
      }
    }
  }

  func invalid(field: String, value: String, reason: String) -> FunctionError {
    FunctionError(
      "Kptfile is invalid:\nField: `\(field)`\nValue: \"\(value)\"\nReason: \(reason)\n")
  }

  func runtime() throws(FunctionError) -> FunctionRuntime {
    if let exec {
      do {
        return .exec(try ExecFunction(command: exec))
      } catch {
        throw FunctionError(error.description)
      }
    }
    return try FunctionRuntime.forImage(image ?? "")
  }

  /// The current version of the package's own resource at `configPath`.
  func config(from items: [FunctionItem], configPath: String) throws(FunctionError) -> YAMLDocument
  {
    let wanted = URL(fileURLWithPath: configPath, relativeTo: URL(fileURLWithPath: "/p/"))
      .standardizedFileURL.path.dropFirst(3)
    let matches = items.filter { $0.package == package.path && $0.path == String(wanted) }
    if matches.isEmpty {
      throw invalid(
        field: field + ".configPath", value: configPath,
        reason: "functionConfig must exist in the current package")
    }
    if matches.count > 1 {
      throw invalid(
        field: field + ".configPath", value: configPath,
        reason:
          "functionConfig \"\(configPath)\" must not contain more than one config, got \(matches.count)"
      )
    }
    if let missing = matches[0].resource.missingKRMField {
      throw invalid(
        field: field + ".configPath", value: configPath,
        reason: "functionConfig must be a valid KRM resource with `\(missing)` set")
    }
    return matches[0].document
  }
}
