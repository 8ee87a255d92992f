import ArgumentParser
import CaD

/// `stoop fn`: KRM functions and the ResourceList plumbing around them.
struct Fn: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fn",
    abstract: "Work with KRM functions and ResourceLists.",
    subcommands: [
      RenderCommand.self, EvalCommand.self, SourceCommand.self, SinkCommand.self,
      ListCommand.self, DocCommand.self,
    ]
  )
}

extension Source.Output: ExpressibleByArgument {}

struct SourceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "source",
    abstract: "Print a package's resources as a ResourceList on stdout.",
    discussion: """
      Reads Kptfile, *.yaml, *.yml and *.json files of DIR and its subpackages, honouring \
      .krmignore. Documents are printed as kpt prints them; a document kpt would reformat is \
      carried with its own layout, so `stoop fn source DIR | stoop fn sink OUT` gives back every \
      file byte for byte.
      """
  )

  @Argument(help: "The package directory.", completion: .directory)
  var directory: String = "."

  @Option(
    name: .customLong("fn-config"), help: "A file holding the functionConfig to include.",
    completion: .file())
  var functionConfig: String?

  @Option(
    name: [.customShort("o", allowingJoined: true), .long],
    help: "stdout: a ResourceList; unwrap: plain YAML documents.")
  var output: Source.Output = .stdout

  @Flag(
    name: [.customShort("m"), .customLong("include-meta-resources")],
    help: "Accepted for kpt compatibility; meta resources are always included.")
  var includeMetaResources = false

  func run() throws {
    try ErrorReporter.run {
      if includeMetaResources {
        throw PackageError.unsupportedOption(
          "--include-meta-resources is no longer necessary because meta resources are included by default"
        )
      }
      Terminal.standardOutput(
        try Source.run(directory: directory, functionConfig: functionConfig, output: output))
    }
  }
}

struct SinkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sink",
    abstract: "Write a ResourceList from stdin into a new package directory.",
    discussion: """
      DIR must not exist, or be an empty directory. Each resource goes to the file its path \
      annotation names; the reader annotations are removed. On any error nothing is written.
      """
  )

  @Argument(help: "The directory to create.", completion: .directory)
  var directory: String

  func run() throws {
    try ErrorReporter.run {
      let input = Terminal.readStandardInput(
        waitingFor:
          "a ResourceList for \(directory) (pipe one in: stoop fn source DIR | stoop fn sink \(directory))"
      )
      try Sink.run(input: input, directory: directory)
    }
  }
}

/// Flags `fn render` and `fn eval` share with kpt.
struct FunctionRunOptions: ParsableArguments {
  @Option(
    name: [.customShort("o", allowingJoined: true), .long],
    help: "stdout: a ResourceList; unwrap: plain YAML; DIR: a new directory. Default: in place.",
    completion: LiveCompletion.pipelineOutputs)
  var output: String?

  @Option(help: "Write results.yaml into this directory.", completion: .directory)
  var resultsDir: String?

  @Option(help: "Show at most 4 lines of a function's stderr (true or false).")
  var truncateOutput = true

  @Option(help: ImagePullPolicy.help)
  var imagePullPolicy = ImagePullPolicy.ifNotPresent

  @Flag(help: "Accepted for kpt compatibility: container functions run without network.")
  var allowNetwork = false

  @Flag(
    name: .customLong("allow-alpha-wasm"),
    help: "Accepted for kpt compatibility; wasm functions are not supported.")
  var allowWasm = false

  func functionOptions(allowExec: Bool) -> FunctionOptions {
    var options = FunctionOptions()
    options.output = output.map(PipelineOutput.init(argument:)) ?? .inPlace
    options.resultsDirectory = resultsDir
    options.truncateOutput = truncateOutput
    options.allowExec = allowExec
    return options
  }
}

struct RenderCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Run the Kptfile pipelines of a package and its subpackages.",
    discussion: """
      Subpackages are rendered first, then their parent, which sees their output (kpt's \
      depth-first order). Mutators run in order, then validators. Catalog functions stoop knows \
      run in process (see `stoop fn list`); `exec:` functions need --allow-exec; other images \
      need docker or podman. Only documents a function changed are rewritten, and on any \
      failure nothing is written. A failed mutator exits 1, a failed validator 5.
      """
  )

  @Argument(help: "The package directory.", completion: .directory)
  var directory: String = "."

  @Flag(help: "Allow `exec:` functions to run local programs.")
  var allowExec = false

  @OptionGroup var runOptions: FunctionRunOptions

  func run() throws {
    try FunctionErrorReporter.run {
      let renderer = Renderer(
        options: runOptions.functionOptions(allowExec: allowExec), log: Terminal.standardError)
      Terminal.standardOutput(try renderer.render(directory: directory))
    }
  }
}

struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Run one function on a package directory or on a ResourceList from stdin.",
    discussion: """
      DIR is read as one flat package (subpackages and Kptfiles included); `-` reads a \
      ResourceList or plain YAML from stdin and writes the result to stdout, so evals chain: \
      `stoop rpkg pull X | stoop fn eval - -i set-labels -- app=web | stoop rpkg push X`. \
      The functionConfig is --fn-config FILE or a ConfigMap built from `-- key=value ...`.
      """
  )

  @Argument(help: "The package directory, or - for stdin.", completion: .directory)
  var source: String = "."

  @Option(
    name: [.customShort("i"), .long], help: "The function image.",
    completion: LiveCompletion.functions)
  var image: String?

  @Option(name: .customLong("exec"), help: "A local program to run as the function.")
  var exec: String?

  @Option(
    name: .customLong("fn-config"), help: "A file holding the functionConfig.", completion: .file())
  var functionConfig: String?

  @Flag(name: [.customShort("s"), .long], help: "Add the function to the Kptfile pipeline.")
  var save = false

  @Option(name: [.customShort("t"), .long], help: FunctionType.help)
  var type: FunctionType?

  @Option(name: .customLong("match-api-version")) var matchAPIVersion: String?
  @Option(name: .customLong("match-kind")) var matchKind: String?
  @Option(name: .customLong("match-name")) var matchName: String?
  @Option(name: .customLong("match-namespace")) var matchNamespace: String?
  @Option(name: .customLong("match-labels"), help: "key=value; repeatable.") var matchLabels:
    [String] = []
  @Option(name: .customLong("match-annotations"), help: "key=value; repeatable.")
  var matchAnnotations: [String] = []
  @Option(name: .customLong("exclude-api-version")) var excludeAPIVersion: String?
  @Option(name: .customLong("exclude-kind")) var excludeKind: String?
  @Option(name: .customLong("exclude-name")) var excludeName: String?
  @Option(name: .customLong("exclude-namespace")) var excludeNamespace: String?
  @Option(name: .customLong("exclude-labels"), help: "key=value; repeatable.") var excludeLabels:
    [String] = []
  @Option(name: .customLong("exclude-annotations"), help: "key=value; repeatable.")
  var excludeAnnotations: [String] = []

  @Flag(
    name: [.customShort("m"), .customLong("include-meta-resources")],
    help: "Accepted for kpt compatibility; meta resources are always included.")
  var includeMetaResources = false

  @Flag(help: "Container functions only: allow network access.")
  var network = false

  @Option(name: [.customShort("e"), .long], help: "Container functions only: environment.")
  var env: [String] = []

  @Option(help: "Container functions only: mounts.")
  var mount: [String] = []

  @Flag(help: "Container functions only: run as the current user.")
  var asCurrentUser = false

  @OptionGroup var runOptions: FunctionRunOptions

  @Argument(parsing: .postTerminator, help: "key=value pairs for the function's ConfigMap.")
  var functionArguments: [String] = []

  static func selector(
    apiVersion: String?, kind: String?, name: String?, namespace: String?, labels: [String],
    annotations: [String]
  ) throws -> ResourceSelector {
    var selector = ResourceSelector()
    selector.apiVersion = apiVersion ?? ""
    selector.kind = kind ?? ""
    selector.name = name ?? ""
    selector.namespace = namespace ?? ""
    func pairs(_ words: [String], _ flag: String) throws -> [(String, String)] {
      try words.map { word in
        guard let equals = word.firstIndex(of: "=") else {
          throw FunctionError("\(flag) takes key=value (got \"\(word)\")")
        }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
      }
    }
    selector.labels = try pairs(labels, "labels")
    selector.annotations = try pairs(annotations, "annotations")
    return selector
  }

  func run() throws {
    try FunctionErrorReporter.run(eval: true) {
      if includeMetaResources {
        throw FunctionError(
          "--include-meta-resources is no longer necessary because meta resources are included by default"
        )
      }
      if exec != nil && (asCurrentUser || network || !env.isEmpty || !mount.isEmpty) {
        throw FunctionError(
          "--as-current-user, --network, --env and --mount are for container functions, not --exec")
      }
      if save && type == nil {
        throw FunctionError("--type must be specified if saving functions to Kptfile (--save=true)")
      }
      var request = EvalRequest()
      request.source = source
      request.image = image
      request.exec = exec
      request.functionConfigPath = functionConfig
      request.arguments = functionArguments
      request.match = try Self.selector(
        apiVersion: matchAPIVersion, kind: matchKind, name: matchName, namespace: matchNamespace,
        labels: matchLabels, annotations: matchAnnotations)
      request.exclude = try Self.selector(
        apiVersion: excludeAPIVersion, kind: excludeKind, name: excludeName,
        namespace: excludeNamespace, labels: excludeLabels, annotations: excludeAnnotations)
      request.selection = Selection(selectors: [request.match], exclude: [request.exclude])
      request.saveAs = save ? type?.rawValue : nil
      let evaluator = Evaluator(
        options: runOptions.functionOptions(allowExec: true), log: Terminal.standardError)
      Terminal.standardOutput(
        try evaluator.eval(
          request,
          standardInput: {
            Terminal.readStandardInput(waitingFor: "a ResourceList or YAML documents for fn eval -")
          }))
    }
  }
}

struct ListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the functions built into stoop.")

  func run() throws {
    var text = ""
    let width = BuiltinFunction.all.map(\.name.count).max() ?? 0
    for function in BuiltinFunction.all {
      text += function.name.padding(toLength: width + 2, withPad: " ", startingAt: 0)
      text += function.summary + "\n"
    }
    Terminal.standardOutput(Array(text.utf8))
  }
}

struct DocCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doc", abstract: "Show how to configure a built-in function.")

  @Argument(
    help: "The function name or image (set-namespace, gcr.io/kpt-fn/set-labels:v0.1).",
    completion: LiveCompletion.functions)
  var function: String?

  @Option(
    name: [.customShort("i"), .long], help: "The function image, as kpt fn doc takes it.",
    completion: LiveCompletion.functions)
  var image: String?

  func validate() throws {
    switch (function, image) {
    case (nil, nil): throw ValidationError("name a function: stoop fn doc NAME (or --image IMAGE)")
    case (.some, .some): throw ValidationError("give the function once: NAME or --image, not both")
    default: break
    }
  }

  func run() throws {
    try ErrorReporter.run {
      let wanted = function ?? image ?? ""
      let name = FunctionImage(wanted).name
      guard let builtin = BuiltinFunction.named(name) else {
        let nearest = Spelling.nearest(to: name, in: BuiltinFunction.all.map(\.name))
        throw FunctionError(
          "\"\(wanted)\" is not a built-in function"
            + (nearest.map { " (did you mean \($0)?)" } ?? "") + "; `stoop fn list` shows them")
      }
      var text = "\(builtin.name): \(builtin.summary)\n\n"
      text += "Versions: \(builtin.versions)\n\n"
      text += "Configuration:\n"
      for line in builtin.configuration.split(separator: "\n", omittingEmptySubsequences: false) {
        text += "  \(line)\n"
      }
      text += "\nExample:\n  \(builtin.example)\n"
      if !builtin.notes.isEmpty { text += "\nNotes:\n  \(builtin.notes)\n" }
      Terminal.standardOutput(Array(text.utf8))
    }
  }
}

/// kpt prints pipeline errors with their line breaks kept (a Kptfile problem names field, value
/// and reason on separate lines), `fn eval`'s after `error:`, a failed function's not at all
/// (its `[FAIL]` block said it); the exit code is the error's own.
enum FunctionErrorReporter {
  /// `fn render` ends its messages with kpt's trailing space; `fn eval` prefixes `error:`.
  static func run(eval: Bool = false, _ body: () throws -> Void) throws {
    do {
      try body()
    } catch let error as FunctionError {
      var message = error.description
      while message.hasSuffix("\n") { message.removeLast() }
      switch error.presentation {
      case .error: Terminal.standardError(eval ? "error: \(message)\n" : "Error: \(message) \n")
      case .verbatim: Terminal.standardError(eval ? "\(message)\n" : "\(message)\n \n")
      case .shown: break
      }
      throw ExitCode(error.exitCode)
    }
  }
}
