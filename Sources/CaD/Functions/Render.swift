import Foundation
import KRM

/// `fn render`: runs the Kptfile pipelines of a package and its subpackages, subpackages first
/// (kpt 1.0.0-beta.56's depth-first post-order), and writes the result only when every step
/// succeeded.
public struct Renderer {
  public let options: FunctionOptions
  let log: (String) -> Void
  /// Functions from outside the package run after the root package's pipeline: its mutators by
  /// `render`, its validators by `validate`.
  public var appended: AppendedPipeline?
  /// Whether `render` runs the packages' own Kptfile pipelines; without them only `appended`'s
  /// mutators run, on the package as it is.
  public var ownPipelines = true

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
    try withRunner { runner throws(FunctionError) in
      try render(directory: directory, runner: runner)
    }
  }

  /// Runs `appended`'s validators on the package at `directory` as it is (its own pipelines do
  /// not run), as the root package's pipeline would see it; writes nothing. A failing validator
  /// throws with exit code 5 after its `[FAIL]` block.
  public func validate(directory: String) throws(FunctionError) {
    guard let appended, !appended.validators.isEmpty else { return }
    try withRunner { runner throws(FunctionError) in
      let root = try Self.resolveRoot(directory, log: log)
      let tree = try walk(root, entries: try Self.readEntries(root), runner: runner, runOwn: false)
      _ = try run(appended, validators: true, on: tree.items, root: root, runner: runner)
    }
  }

  /// Runs `appended`'s mutators and then its validators on a package held in memory (files by
  /// relative path, as read from git) named `name`, as the root package's pipeline would see it
  /// (its own pipelines do not run); nothing is written anywhere. A failing function throws
  /// after its `[FAIL]` block, with exit code 5 for a validator.
  public func check(files: [String: [UInt8]], name: String) throws(FunctionError) {
    guard let appended, !appended.mutators.isEmpty || !appended.validators.isEmpty else { return }
    try withRunner { runner throws(FunctionError) in
      let root = URL(fileURLWithPath: "/").appendingPathComponent(name.isEmpty ? "package" : name)
      let entries = PackageReader.readEach(files: files, display: root.path)
      let tree = try walk(root, entries: entries, runner: runner, runOwn: false)
      let mutated = try run(appended, validators: false, on: tree.items, root: root, runner: runner)
      _ = try run(appended, validators: true, on: mutated, root: root, runner: runner)
    }
  }

  /// Runs `body` with a step runner, and then writes the results file if one was asked for.
  private func withRunner<T>(_ body: (StepRunner) throws(FunctionError) -> T)
    throws(FunctionError) -> T
  {
    let runner = StepRunner(options: options, log: log)
    do {
      let output = try body(runner)
      try runner.finish()
      return output
    } catch {
      try? runner.finish()
      throw error
    }
  }

  private func render(directory: String, runner: StepRunner) throws(FunctionError) -> [UInt8] {
    let root = try Self.resolveRoot(directory, log: log)
    if case .directory(let out) = options.output, FileManager.default.fileExists(atPath: out) {
      throw FunctionError(
        "directory \"\(out)\" already exists, please delete the directory and retry")
    }
    let tree = try walk(
      root, entries: try Self.readEntries(root), runner: runner, runOwn: ownPipelines)
    var items = tree.items
    if let appended {
      items = try run(appended, validators: false, on: items, root: root, runner: runner)
    }
    if options.output == .inPlace {
      log(
        "Successfully executed \(runner.executed) function(s) in \(tree.packageCount) package(s).\n"
      )
    }

    for i in items.indices {
      var resource = items[i].resource
      resource.removeAnnotations([Annotation.packagePath])
      items[i].resource = resource
    }
    switch options.output {
    case .inPlace:
      try PipelineWriter.writeInPlace(items, root: root, originals: tree.files)
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

  /// What walking a package tree gave: the root pipeline's output (or, without running, its
  /// input), the files as read, and how many packages there were.
  private struct Walk {
    var items: [FunctionItem]
    var files: [PackageFile]
    var packageCount: Int
  }

  /// The files of the package at `root`, each parsed or with the reason it could not be.
  private static func readEntries(_ root: URL) throws(FunctionError) -> [(
    path: String, yaml: Result<YAMLFile, PackageError>
  )] {
    do {
      return try PackageReader(directory: root.path).readEach()
    } catch {
      throw FunctionError(error.description)
    }
  }

  /// Walks the package tree at `root` (its files read as `entries`) and, with `runOwn`, runs
  /// each package's pipeline on its rendered subpackages and its own resources.
  private func walk(
    _ root: URL, entries: [(path: String, yaml: Result<YAMLFile, PackageError>)],
    runner: StepRunner, runOwn: Bool
  ) throws(FunctionError) -> Walk {
    // Each package's Kptfile entry, by the package's directory.
    var kptfiles: [String: Int] = [:]
    for (i, entry) in entries.enumerated() where Kptfile.isKptfile(path: entry.path) {
      kptfiles[entry.path == "Kptfile" ? "" : String(entry.path.dropLast("/Kptfile".count))] = i
    }
    let directories = Set(kptfiles.keys)
    var children: [String: [String]] = [:]
    for path in directories.sorted() where !path.isEmpty {
      children[Self.owner(of: path + "/x", packages: directories, excluding: path), default: []]
        .append(path)
    }
    var filesOf: [String: [Int]] = [:]
    for (i, entry) in entries.enumerated() {
      filesOf[Self.owner(of: entry.path, packages: directories), default: []].append(i)
    }
    let rootName = root.lastPathComponent

    // As kpt does, a package is loaded and its pipeline checked when the walk reaches it (the
    // root before anything runs, a subpackage before its own subpackages render), and its own
    // files are read after its subpackages rendered.
    var packages: [String: Package] = [:]
    var files: [PackageFile] = []
    func load(_ path: String) throws(FunctionError) -> Package {
      let absolute = path.isEmpty ? root : root.appendingPathComponent(path)
      guard let index = kptfiles[path] else {
        throw FunctionError("No Kptfile found at \"\(absolute.path)\".")
      }
      let yaml = try Self.parsed(entries[index].yaml, root: root)
      var package = try Self.package(yaml, directory: path, root: root)
      package.children = children[path] ?? []
      if runOwn { try PipelineValidation.check(package.kptfile, directory: absolute) }
      packages[path] = package
      return package
    }
    func localItems(_ path: String) throws(FunctionError) -> [FunctionItem] {
      var items: [FunctionItem] = []
      for i in filesOf[path] ?? [] {
        let entry = entries[i]
        let yaml = try Self.parsed(entry.yaml, root: root)
        files.append(PackageFile(path: entry.path, yaml: yaml))
        let relative = path.isEmpty ? entry.path : String(entry.path.dropFirst(path.count + 1))
        for (i, document) in yaml.documents.enumerated() {
          items.append(FunctionItem.read(document, path: relative, index: i, package: path))
        }
      }
      return items
    }
    func renderPackage(_ package: Package) throws(FunctionError) -> [FunctionItem] {
      var input: [FunctionItem] = []
      for child in package.children {
        input += try renderPackage(try load(child))
      }
      input += try localItems(package.path)
      guard runOwn else { return input }
      let path = package.path
      log("Package \"\(path.isEmpty ? rootName : rootName + "/" + path)\": \n")
      return try runPipeline(package, items: input, root: root, runner: runner)
    }
    let items = try renderPackage(try load(""))
    return Walk(items: items, files: files, packageCount: packages.count)
  }

  /// One package's pipeline on its input (rendered subpackages, then its own resources).
  private func runPipeline(
    _ package: Package, items: [FunctionItem], root: URL, runner: StepRunner
  ) throws(FunctionError) -> [FunctionItem] {
    let mutators = package.kptfile.document.root.node(at: ["pipeline", "mutators"])?.items ?? []
    let validators =
      package.kptfile.document.root.node(at: ["pipeline", "validators"])?.items ?? []
    if mutators.isEmpty && validators.isEmpty {
      try Self.requireKRM(items)
      return items
    }
    let steps =
      mutators.enumerated().map { i, item in
        Step(node: item.node, field: "pipeline.mutators[\(i)]", package: package.path)
      }
      + validators.enumerated().map { i, item in
        Step(node: item.node, field: "pipeline.validators[\(i)]", package: package.path)
      }
    if !options.allowExec, steps.contains(where: { $0.exec != nil }) {
      throw FunctionError("must run with `--allow-exec` option to allow running function binaries")
    }
    let current = try run(
      steps, validatorsFrom: mutators.count, on: items, root: root, runner: runner)
    log("\n")
    return current
  }

  /// The mutators or the validators of `appended`, after its heading.
  private func run(
    _ appended: AppendedPipeline, validators: Bool, on items: [FunctionItem], root: URL,
    runner: StepRunner
  ) throws(FunctionError) -> [FunctionItem] {
    let functions = validators ? appended.validators : appended.mutators
    guard !functions.isEmpty else { return items }
    var steps: [Step] = []
    for function in functions {
      var step = Step(node: function.entry, field: function.field, package: "")
      step.fixedConfig = function.config
      steps.append(step)
    }
    if !appended.allowExec, let exec = steps.first(where: { $0.exec != nil })?.exec {
      throw FunctionError(
        "\(appended.name) runs the exec function \(FunctionReport.goQuoted(exec)); give --allow-exec to run it"
      )
    }
    log(appended.heading)
    let current = try run(
      steps, validatorsFrom: validators ? 0 : steps.count, on: items, root: root, runner: runner)
    log("\n")
    return current
  }

  /// Runs `steps` in order on `items`; those from index `validatorsFrom` on are validators.
  private func run(
    _ steps: [Step], validatorsFrom: Int, on items: [FunctionItem], root: URL, runner: StepRunner
  ) throws(FunctionError) -> [FunctionItem] {
    var current = items
    for (i, step) in steps.enumerated() {
      let runtime = try step.runtime()
      let config: YAMLDocument? =
        if let fixed = step.fixedConfig {
          fixed
        } else if let configPath = step.configPath {
          try step.config(from: current, configPath: configPath, root: root)
        } else if !step.configMap.isEmpty {
          StepRunner.configMap(step.configMap)
        } else {
          nil
        }
      current = try runner.run(
        runtime, on: current, functionConfig: config, selection: step.selection,
        package: step.package, validator: i >= validatorsFrom)
    }
    return current
  }

  // MARK: Reading

  /// The directory with symbolic links resolved, warning as kpt does when the path given is a
  /// link.
  static func resolvingLink(_ directory: String, log: (String) -> Void) -> URL {
    let given = URL(fileURLWithPath: directory).standardizedFileURL
    if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: given.path) {
      let shown = URL(fileURLWithPath: target, relativeTo: URL(fileURLWithPath: "/x/"))
        .standardizedFileURL.path
      let cleaned = shown == "/x" ? "." : String(shown.dropFirst(3))
      log(
        "[WARN] resolved symlink \"\(directory)\" to \"\(target.hasPrefix("/") ? target : cleaned)\", please note that the symlinks within the package are ignored\n"
      )
    }
    return given.resolvingSymlinksInPath()
  }

  /// The package root with symlinks resolved (kpt warns when the path given is a link).
  static func resolveRoot(_ directory: String, log: (String) -> Void) throws(FunctionError) -> URL {
    let root = resolvingLink(directory, log: log)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      // kpt's words; the exit code is stoop's for a package directory that is not there.
      throw FunctionError("No Kptfile found at \"\(root.path)\".", exitCode: 4)
    }
    guard FileManager.default.fileExists(atPath: root.appendingPathComponent("Kptfile").path)
    else {
      throw FunctionError("No Kptfile found at \"\(root.path)\".")
    }
    return root
  }

  /// A file as read, or the error kpt reports for it: a Kptfile that does not parse as one that
  /// can't be read (when `kptfiles` are packages), another file as malformed YAML.
  static func parsed(_ result: Result<YAMLFile, PackageError>, root: URL, kptfiles: Bool = true)
    throws(FunctionError) -> YAMLFile
  {
    switch result {
    case .success(let yaml): return yaml
    case .failure(let error):
      guard case .yaml(.parse(let file, _, _, let goYAML)) = error, !goYAML.isEmpty else {
        throw FunctionError(error.description)
      }
      if !kptfiles || !(file == root.path + "/Kptfile" || file.hasSuffix("/Kptfile")) {
        throw FunctionError("\(file): MalformedYAMLError: yaml: \(goYAML)")
      }
      let directory = String(file.dropLast("/Kptfile".count))
      throw FunctionError(
        "Kptfile at \"\(directory)\" can't be read.\n\nDetails:\nyaml: \(goYAML)")
    }
  }

  /// Every resource file under `root` as `fn eval` reads them (subpackages are plain
  /// directories there), the first that cannot be read reported as kpt does.
  static func readPackageFiles(_ root: URL) throws(FunctionError) -> [PackageFile] {
    let entries: [(path: String, yaml: Result<YAMLFile, PackageError>)]
    do {
      entries = try PackageReader(directory: root.path).readEach()
    } catch {
      throw FunctionError(error.description)
    }
    return try entries.map { entry throws(FunctionError) in
      PackageFile(path: entry.path, yaml: try parsed(entry.yaml, root: root, kptfiles: false))
    }
  }

  /// The package whose Kptfile is `yaml`, checked as kpt checks it when it loads a package.
  static func package(_ yaml: YAMLFile, directory: String, root: URL) throws(FunctionError)
    -> Package
  {
    let absolute = directory.isEmpty ? root.path : root.path + "/" + directory
    guard yaml.documents.count == 1 else {
      throw FunctionError(
        "Kptfile at \"\(absolute)\" can't be read.\n\nDetails:\nexpected exactly one YAML document, found \(yaml.documents.count)"
      )
    }
    let kptfile = Kptfile(document: yaml.documents[0])
    let apiVersion = kptfile.document.root["apiVersion"]?.string ?? ""
    if apiVersion == "kpt.dev/v1alpha1" || apiVersion == "kpt.dev/v1alpha2" {
      throw FunctionError(
        "Kptfile at \"\(absolute)\" has an old version (\"\(apiVersion.dropFirst(8))\") of the Kptfile schema.\nPlease run \"kpt fn eval <PKG_PATH> -i gcr.io/kpt-fn/fix:v0.2 --include-meta-resources\" to upgrade the package and retry."
      )
    }
    let problems = kptfile.problems
    if let first = problems.first, first.hasPrefix("unknown resource type") {
      let kind = kptfile.document.root["kind"]?.string ?? ""
      throw FunctionError(
        "Kptfile at \"\(absolute)\" has an unknown resource type (\"\(apiVersion), Kind=\(kind)\")."
      )
    }
    if !problems.isEmpty {
      throw FunctionError(
        "Kptfile at \"\(absolute)\" can't be read.\n\nDetails:\nyaml: unmarshal errors:\n"
          + problems.map { "  " + $0 }.joined(separator: "\n"))
    }
    return Package(path: directory, kptfile: kptfile)
  }

  /// The deepest package directory containing `path`.
  static func owner(of path: String, packages: Set<String>, excluding: String? = nil)
    -> String
  {
    var components = path.split(separator: "/").dropLast()
    while !components.isEmpty {
      let candidate = components.joined(separator: "/")
      if candidate != excluding, packages.contains(candidate) { return candidate }
      components = components.dropLast()
    }
    return ""
  }

  /// With no functions, kpt still insists that every input is a KRM resource.
  static func requireKRM(_ items: [FunctionItem]) throws(FunctionError) {
    for item in items {
      if let problem = item.krmProblem {
        throw FunctionError(
          "input resource list must contain only KRM resources: \(item.path ?? ""): \(problem)")
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
  /// The package whose pipeline holds the entry, relative to the render root.
  let package: String
  /// A config read by whoever gave the entry (for an appended pipeline), used as it is.
  var fixedConfig: YAMLDocument?

  /// An entry PipelineValidation has checked.
  init(node: YAMLNode, field: String, package: String) {
    self.field = field
    self.package = package
    image = node["image"]?.string.flatMap { $0.isEmpty ? nil : $0 }
    exec = node["exec"]?.string.flatMap { $0.isEmpty ? nil : $0 }
    configPath = node["configPath"]?.string.flatMap { $0.isEmpty ? nil : $0 }
    configMap = node["configMap"]?.entries.map { ($0.key.value, $0.value.value) } ?? []
    selection = Selection(
      selectors: node["selectors"]?.items.map { ResourceSelector(node: $0.node) } ?? [],
      exclude: node["exclude"]?.items.map { ResourceSelector(node: $0.node) } ?? [])
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

  /// The function config at `configPath`: the package's own resource of that path as the
  /// pipeline has left it so far (kpt matches the path as written), else the file as it is on
  /// disk (a file `.krmignore` hides, or a path spelled differently).
  func config(from items: [FunctionItem], configPath: String, root: URL) throws(FunctionError)
    -> YAMLDocument
  {
    if let match = items.last(where: { $0.package == package && $0.path == configPath }) {
      return match.document
    }
    let directory = package.isEmpty ? root : root.appendingPathComponent(package)
    let url = directory.appendingPathComponent(PipelineValidation.cleaned(configPath))
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw PipelineValidation.invalid(
        field: field + ".configPath", value: configPath,
        reason: "functionConfig must exist in the current package")
    }
    return try PipelineValidation.readConfig(data, name: configPath)
  }
}
