import Foundation
import KRM

/// What one function run produced.
public struct FunctionRun: Sendable {
  public var items: [FunctionItem]
  public var results: [FunctionResultItem]
  public var stderr: [UInt8]
  public var exitCode: Int32
  /// Set when the run failed for a reason of stoop's (bad output, missing program), printed
  /// as the command's error.
  public var error: String?

  public var succeeded: Bool { exitCode == 0 && error == nil }
}

/// How a pipeline step runs: in process, as a local executable, or in a container.
public enum FunctionRuntime: Sendable {
  case builtin(BuiltinFunction, image: FunctionImage)
  case exec(ExecFunction)
  case container(engine: String, image: FunctionImage)

  /// The name kpt prints and records: the image after prefixing, or the exec command as written.
  public var displayName: String {
    switch self {
    case .builtin(_, let image), .container(_, let image): return image.reference
    case .exec(let function): return function.command
    }
  }

  public var isExec: Bool {
    if case .exec = self { return true }
    return false
  }

  /// The runtime for an image: a built-in when stoop has one for its name and tag, else docker
  /// or podman when one is installed, else an error naming the alternatives.
  public static func forImage(_ reference: String) throws(FunctionError) -> FunctionRuntime {
    let image = FunctionImage(reference)
    // kpt's own test registry publishes no-op, which stoop has built in too.
    let kptTest = image.reference.hasPrefix("gcr.io/kpt-functions/") && image.name == "no-op"
    if image.isCatalog || kptTest, let builtin = BuiltinFunction.named(image.name),
      builtin.accepts(tag: image.tag, digest: image.digest)
    {
      return .builtin(builtin, image: image)
    }
    let environment = ProcessInfo.processInfo.environment
    let wanted = environment["KPT_FN_RUNTIME"].map { [$0] } ?? ["docker", "podman"]
    for engine in wanted where ExecFunction.which(engine) != nil && answers(engine) {
      return .container(engine: engine, image: image)
    }
    var hint = "run it with --exec, or install docker or podman"
    if let builtin = BuiltinFunction.named(image.name), image.isCatalog {
      hint = "stoop's built-in \(builtin.name) takes \(builtin.versions); " + hint
    } else if image.isCatalog,
      let nearest = Spelling.nearest(to: image.name, in: BuiltinFunction.all.map(\.name))
    {
      hint = "did you mean \(nearest)? `stoop fn list` shows the built-in functions; " + hint
    } else {
      hint = "`stoop fn list` shows the built-in functions; " + hint
    }
    throw FunctionError(
      "function image \"\(image.reference)\" is not built into stoop and no container runtime (docker or podman) answers: \(hint)"
    )
  }

  /// Whether a container engine is installed and its daemon answers.
  static func answers(_ engine: String) -> Bool {
    guard var probe = try? ExecFunction(command: engine + " version") else { return false }
    probe.timeout = 10
    guard let outcome = try? probe.run(input: []) else { return false }
    return outcome.exitCode == 0
  }

  /// Runs the function on `items` with `functionConfig`. Items keep their annotations; an exec
  /// or container function gets kpt's id annotations so its output can be matched back.
  public func run(
    items: [FunctionItem], functionConfig: YAMLDocument?, package: String
  ) -> FunctionRun {
    switch self {
    case .builtin(let builtin, let image):
      var context = BuiltinContext(
        items: items, functionConfig: functionConfig?.root, tag: image.tag)
      do {
        try builtin.run(&context)
        context.normaliseReaderAnnotations()
        return FunctionRun(
          items: context.items, results: context.results, stderr: Array(context.stderr.utf8),
          exitCode: 0)
      } catch {
        return FunctionRun(
          items: items, results: context.results + error.results,
          stderr: Array(error.stderr.utf8), exitCode: 1)
      }
    case .exec(let function):
      return runProcess(function, items: items, functionConfig: functionConfig, package: package)
    case .container(let engine, let image):
      do {
        let function = try ExecFunction(
          command:
            "\(engine) run --rm -i --network none --user nobody --security-opt=no-new-privileges \(image.reference)"
        )
        return runProcess(function, items: items, functionConfig: functionConfig, package: package)
      } catch {
        return FunctionRun(
          items: items, results: [], stderr: [], exitCode: 1, error: error.description)
      }
    }
  }

  private func runProcess(
    _ function: ExecFunction, items: [FunctionItem], functionConfig: YAMLDocument?,
    package: String
  ) -> FunctionRun {
    var input = items
    for i in input.indices {
      var resource = input[i].resource
      resource.setAnnotation(Annotation.id, String(i + 1))
      resource.setAnnotation(Annotation.legacyID, String(i + 1))
      input[i].resource = resource
    }
    let list = ResourceList.encode(
      items: input.map(\.document), functionConfig: functionConfig)
    let outcome: ExecOutcome
    do {
      outcome = try function.run(input: list)
    } catch {
      return FunctionRun(
        items: items, results: [], stderr: [], exitCode: 1, error: error.description)
    }
    var run = FunctionRun(
      items: items, results: [], stderr: outcome.stderr, exitCode: outcome.exitCode)
    if outcome.timedOut {
      run.error = "function \"\(function.command)\" did not finish within \(Int(function.timeout))s"
      return run
    }
    let parsed: YAMLFile
    do {
      parsed = try YAMLFile(
        parsingResourceList: outcome.stdout, name: "output of \(function.command)")
    } catch {
      if run.exitCode != 0 { return run }
      run.error =
        "MalformedYAMLError: function \"\(function.command)\" wrote invalid YAML: \(error)"
      return run
    }
    let root = parsed.documents.first?.root ?? .mapping()
    run.results = FunctionResultItem.parse(root["results"])
    guard run.exitCode == 0 else { return run }
    guard parsed.documents.count <= 1, root.isMapping || parsed.documents.isEmpty else {
      run.error = "function \"\(function.command)\" must write one ResourceList to stdout"
      return run
    }
    var byID: [String: FunctionItem] = [:]
    for (i, item) in items.enumerated() { byID[String(i + 1)] = item }
    var output: [FunctionItem] = []
    for entry in root["items"]?.items ?? [] {
      guard entry.node.isMapping else {
        run.error = "output resource list must contain only KRM resources: items must be mappings"
        return run
      }
      var document = YAMLDocument(root: entry.node, headComments: entry.comments.head)
      var resource = Resource(document: document)
      let id = resource.annotation(Annotation.legacyID) ?? resource.annotation(Annotation.id)
      var item = FunctionItem(document: document, package: package)
      if let id, let source = byID[id] {
        document.root.restoreLayout(from: source.document.root)
        // A document's head comment travels after the item's dash and comes back on the first
        // key; it belongs to the document again.
        let head = source.document.headComments
        if !head.isEmpty, document.root.isMapping, !document.root.entries.isEmpty,
          document.root.entries[0].comments.head == head
        {
          document.root.entries[0].comments.head = []
          document.headComments = head
        } else if document.headComments.isEmpty
          && (document.root.entries.first?.comments.head.isEmpty ?? true)
        {
          document.headComments = head
        }
        item = FunctionItem(document: document, package: source.package, original: source.original)
        resource = Resource(document: document)
      }
      resource.removeAnnotations([Annotation.id, Annotation.legacyID, FunctionItem.migrationID])
      if let owner = resource.annotation(Annotation.packagePath) { item.package = owner }
      item.document = resource.document
      output.append(item)
    }
    run.items = output
    return run
  }
}

/// A function or pipeline failure, with the message kpt would print.
public struct FunctionError: Error, Sendable, CustomStringConvertible {
  /// How the command line shows the error, as kpt does.
  public enum Presentation: Sendable {
    /// An `Error: ...` line.
    case error
    /// The message as it stands (kpt's `Kptfile is invalid:` report).
    case verbatim
    /// Nothing more: the function's `[FAIL]` block already said what went wrong.
    case shown
  }

  public var description: String
  /// Exit status: 5 when a function or validator failed, 1 otherwise.
  public var exitCode: Int32
  public var presentation: Presentation
  /// The function that ran and failed (exited non-zero), with its results; nil when the
  /// pipeline failed for another reason (a bad entry, a program that cannot start, bad output).
  public var failedFunction: FunctionResultRecord?

  public init(_ message: String, exitCode: Int32 = 1, presentation: Presentation = .error) {
    self.description = message
    self.exitCode = exitCode
    self.presentation = presentation
  }
}

extension ExecFunction {
  /// The path of a program on `PATH`, if any.
  static func which(
    _ program: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String? {
    let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(program)" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }
}

extension YAMLNode {
  /// What kpt does with a function's output item: comments come back from the input node and
  /// mapping keys return to the input's order (new keys after, in the function's order).
  mutating func restoreLayout(from input: YAMLNode) {
    switch (kind, input.kind) {
    case (.mapping, .mapping):
      var reordered: [YAMLEntry] = []
      var rest = entries
      for old in input.entries {
        guard let i = rest.firstIndex(where: { $0.key.value == old.key.value }) else { continue }
        var entry = rest.remove(at: i)
        if entry.comments.isEmpty { entry.comments = old.comments }
        entry.value.restoreLayout(from: old.value)
        reordered.append(entry)
      }
      entries = reordered + rest
      if footComments.isEmpty { footComments = input.footComments }
    case (.sequence, .sequence):
      for i in items.indices where i < input.items.count {
        if items[i].comments.isEmpty { items[i].comments = input.items[i].comments }
        items[i].node.restoreLayout(from: input.items[i].node)
      }
      if footComments.isEmpty { footComments = input.footComments }
    default:
      break
    }
  }
}
