import Foundation
import KRM

/// What `fn eval` is asked to do.
public struct EvalRequest: Sendable {
  /// A package directory, or `-` for a ResourceList (or plain YAML stream) on stdin.
  public var source = "."
  public var image: String?
  public var exec: String?
  public var functionConfigPath: String?
  /// The words after `--`: `key=value` pairs; a first bare word names the ConfigMap's kind.
  public var arguments: [String] = []
  public var selection = Selection()
  /// `--save`: record the function in the Kptfile as a `mutator` or `validator`.
  public var saveAs: String?
  public var match = ResourceSelector()
  public var exclude = ResourceSelector()

  public init() {}
}

/// `fn eval`: one function, run once on a whole directory (subpackages included, as one flat
/// package) or on a ResourceList read from stdin.
public struct Evaluator {
  public let options: FunctionOptions
  let log: (String) -> Void

  public init(options: FunctionOptions, log: @escaping (String) -> Void) {
    self.options = options
    self.log = log
  }

  public func eval(_ request: EvalRequest, standardInput: () -> [UInt8]) throws(FunctionError)
    -> [UInt8]
  {
    let runner = StepRunner(options: options, log: log)
    do {
      let output = try eval(request, runner: runner, standardInput: standardInput)
      try runner.finish(eval: true)
      return output
    } catch {
      try? runner.finish(eval: true)
      throw error
    }
  }

  private func eval(
    _ request: EvalRequest, runner: StepRunner, standardInput: () -> [UInt8]
  ) throws(FunctionError) -> [UInt8] {
    let runtime: FunctionRuntime
    switch (request.image, request.exec) {
    case (let image?, nil):
      runtime = try FunctionRuntime.forImage(image)
    case (nil, let exec?):
      do {
        runtime = .exec(try ExecFunction(command: exec))
      } catch {
        throw FunctionError(error.description)
      }
    case (nil, nil):
      throw FunctionError("must specify --image or --exec")
    default:
      throw FunctionError("--image and --exec are mutually exclusive; give one of them")
    }
    if request.saveAs != nil && request.source == "-" {
      throw FunctionError("--save needs a package directory, not stdin")
    }
    if let type = request.saveAs, type != "mutator", type != "validator" {
      throw FunctionError(
        "--type must be specified if saving functions to Kptfile (--save=true); use mutator or validator (got \"\(type)\")"
      )
    }
    // kpt finds a missing config file first, what is wrong inside it after reading the package.
    if let given = request.functionConfigPath, !FileManager.default.fileExists(atPath: given) {
      throw FunctionError("missing function config file: \(given)")
    }

    var items: [FunctionItem]
    var originals: [PackageFile] = []
    var verbatim: [Int: [UInt8]] = [:]
    var root: URL? = nil
    if request.source == "-" {
      let input = standardInput()
      let parsed: [(document: YAMLDocument, verbatim: [UInt8]?)]
      do {
        parsed = try ResourceList.readItems(input, name: "stdin")
      } catch {
        throw FunctionError(error.description)
      }
      items = parsed.map { FunctionItem(document: $0.document, original: nil) }
      for (i, entry) in parsed.enumerated() { verbatim[i] = entry.verbatim }
    } else {
      let resolved = Renderer.resolvingLink(request.source, log: log)
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: resolved.path, isDirectory: &isDirectory),
        isDirectory.boolValue
      else {
        throw FunctionError(
          "directory \"\(request.source)\" does not exist; pass a package directory or - for stdin",
          exitCode: 4)
      }
      if case .directory(let out) = options.output, FileManager.default.fileExists(atPath: out) {
        throw FunctionError(
          "directory \"\(out)\" already exists, please delete the directory and retry")
      }
      root = resolved
      originals = try Renderer.readPackageFiles(resolved)
      items = []
      for file in originals {
        for (i, document) in file.yaml.documents.enumerated() {
          items.append(FunctionItem.read(document, path: file.path, index: i))
        }
      }
    }
    let config = try functionConfig(request)
    let output = try runner.run(
      runtime, on: items, functionConfig: config, selection: request.selection, package: "",
      validator: false)

    switch options.output {
    case .inPlace, .stdout:
      if let root, options.output == .inPlace {
        try PipelineWriter.writeInPlace(output, root: root, originals: originals)
        if let type = request.saveAs {
          try save(request, type: type, runtime: runtime, config: config, root: root)
        }
        return []
      }
      if request.source == "-" {
        // An item the function left alone goes out exactly as it came in.
        var byLocation: [String: Int] = [:]
        for (i, item) in items.enumerated() {
          byLocation[(item.path ?? "") + "\u{0}" + String(item.index ?? -1)] = i
        }
        let texts = output.enumerated().map { i, item -> [UInt8]? in
          let position =
            i < items.count && items[i].document.root.sameContent(as: item.document.root)
            ? i : byLocation[(item.path ?? "") + "\u{0}" + String(item.index ?? -1)]
          guard let position, let text = verbatim[position],
            items[position].document.root.sameContent(as: item.document.root)
          else { return nil }
          return text
        }
        return ResourceList.encode(items: output.map(\.document), verbatim: texts)
      }
      return PipelineWriter.standardOutput(output, unwrap: false)
    case .unwrap:
      return PipelineWriter.standardOutput(output, unwrap: true)
    case .directory(let out):
      try PipelineWriter.writeDirectory(output, directory: out)
      return []
    }
  }

  /// `--fn-config FILE` (exactly one KRM document) or the ConfigMap of the `--` arguments.
  func functionConfig(_ request: EvalRequest) throws(FunctionError) -> YAMLDocument? {
    if let given = request.functionConfigPath {
      if !request.arguments.isEmpty {
        throw FunctionError(
          "function arguments can only be specified without function config file")
      }
      // kpt names the file by its absolute path.
      let path = URL(fileURLWithPath: given).standardizedFileURL.path
      guard let data = FileManager.default.contents(atPath: path) else {
        throw FunctionError("missing function config file: \(given)")
      }
      let file: YAMLFile
      do {
        file = try YAMLFile(parsing: Array(data), name: path)
      } catch {
        if case .parse(_, _, _, let goYAML) = error, !goYAML.isEmpty {
          throw FunctionError("\(path): MalformedYAMLError: yaml: \(goYAML)")
        }
        throw FunctionError(error.description)
      }
      let documents = file.documents.filter { !$0.root.isNull }
      if documents.count != 1 {
        throw FunctionError(
          "functionConfig \"\(path)\" must not contain more than one config, got \(documents.count)"
        )
      }
      if documents[0].root.isScalar {
        throw FunctionError(
          "failed to read functionConfig \"\(path)\": wrong node kind: expected MappingNode but got ScalarNode: node contents:\n"
            + String(decoding: YAMLDocument(root: documents[0].root).text(), as: UTF8.self))
      }
      if let problem = PipelineValidation.krmProblem(documents[0], path: nil) {
        throw FunctionError("functionConfig \"\(path)\": \(problem)")
      }
      return documents[0]
    }
    // With no arguments kpt still sends an empty ConfigMap.
    var kind = "ConfigMap"
    var data: [(String, String)] = []
    for (i, word) in request.arguments.enumerated() {
      guard let equals = word.firstIndex(of: "=") else {
        if i == 0 {
          kind = word
          continue
        }
        throw FunctionError(
          "args must have keys and values separated by = (\"\(word)\" has none)")
      }
      data.append((String(word[..<equals]), String(word[word.index(after: equals)...])))
    }
    return StepRunner.configMap(data, kind: kind, evalOrder: true)
  }

  /// `--save`: the function goes into the Kptfile pipeline, replacing an entry for the same image
  /// or command.
  private func save(
    _ request: EvalRequest, type: String, runtime: FunctionRuntime, config: YAMLDocument?,
    root: URL
  ) throws(FunctionError) {
    let url = root.appendingPathComponent("Kptfile")
    guard let data = FileManager.default.contents(atPath: url.path) else {
      // kpt keeps the function's changes and only says the function was not saved.
      log("function not added: Kptfile not exists\n")
      return
    }
    var kptfile: Kptfile
    do {
      kptfile = try Kptfile.parse(Array(data), file: url.path)
    } catch {
      throw FunctionError(error.description)
    }
    var entry = YAMLNode.mapping()
    if case .exec(let function) = runtime {
      entry["exec"] = .scalar(function.command)
    } else {
      entry["image"] = .scalar(runtime.displayName)
    }
    if let path = request.functionConfigPath {
      let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
      var relative = absolute
      if absolute.hasPrefix(root.path + "/") {
        relative = String(absolute.dropFirst(root.path.count + 1))
      }
      entry["configPath"] = .scalar(relative)
    } else if let data = config?.root["data"], !data.entries.isEmpty {
      var block = data
      block.isFlow = false
      entry["configMap"] = block
    }
    if !request.match.isEmpty { entry["selectors"] = .sequence([request.match.node]) }
    if !request.exclude.isEmpty { entry["exclude"] = .sequence([request.exclude.node]) }
    let key = type == "validator" ? "validators" : "mutators"
    var list = kptfile.document.root.node(at: ["pipeline", key]) ?? .sequence()
    let name = runtime.displayName
    let existing = list.items.firstIndex {
      $0.node["image"]?.string.map { FunctionImage($0).reference } == name
        || $0.node["exec"]?.string == name
    }
    if let existing {
      list.items[existing] = YAMLItem(entry)
    } else {
      list.items.append(YAMLItem(entry))
    }
    list.isFlow = false
    kptfile.document.root.set(list, at: ["pipeline", key])
    // kpt writes the Kptfile back through go-yaml: strings lose quotes they do not need.
    kptfile.document.root.unquoteStrings()
    do {
      try Data(kptfile.document.text(sequenceIndent: .wide)).write(to: url, options: .atomic)
    } catch {
      throw FunctionError("cannot write \"\(url.path)\": \(error.localizedDescription)")
    }
    log(
      "\(existing == nil ? "Added" : "Updated") \(FunctionReport.goQuoted(name)) as \(type) in the Kptfile.\n"
    )
  }
}
