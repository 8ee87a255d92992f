import ArgumentParser
import CaD
import Foundation
import KRM
import Orchestration

/// `--allow-exec` of the lifecycle steps that run a repository's guardrails.
struct GuardrailsExecOption: ParsableArguments {
  @Flag(
    help:
      "Run the exec functions of the repository's guardrails (programs on this machine); without it a step that needs one is refused."
  )
  var allowExec = false
}

extension PackageLifecycle {
  /// The lifecycle of this environment, reporting progress on stderr.
  static func current(allowExec: Bool = false) -> PackageLifecycle {
    var lifecycle = PackageLifecycle(registry: Registry.current(), progress: Terminal.standardError)
    lifecycle.allowExec = allowExec
    return lifecycle
  }
}

/// `stoop repo guardrails`: the mutators and validators every package of a repository must pass.
struct RepoGuardrails: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "guardrails",
    abstract: "Show, set and try a repository's guardrails (its mutators and validators).",
    discussion: """
      A repository's guardrails live in guardrails.yaml at the top of its registered branch and \
      directory: apiVersion stoop.dev/v1alpha1, kind Guardrails, metadata.name, and a pipeline \
      with mutators and validators in the Kptfile pipeline's format. Mutators run after a \
      package's own pipeline whenever a Draft is written (init, clone, copy, push, upgrade, \
      propose); validators run on every Draft write (a failure is recorded in the Kptfile's \
      stoop.dev/Guardrails condition) and must pass on propose and approve (exit 5 otherwise). \
      Built-in functions always run; exec functions only with --allow-exec; other images only \
      when docker or podman answers.
      """,
    subcommands: [GuardrailsGet.self, GuardrailsSet.self, GuardrailsCheck.self]
  )
}

struct GuardrailsGet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "get",
    abstract: "Print a repository's guardrails.yaml as its registered branch holds it.")

  @Argument(help: "The registration name.") var repository: String
  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      Terminal.standardOutput(
        try PackageLifecycle.current().guardrailsFile(
          repository, namespace: namespace.namespace))
    }
  }
}

struct GuardrailsSet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set",
    abstract: "Check a guardrails file and commit it to a repository's registered branch.",
    discussion: """
      FILE is checked first (every problem is reported with its line; nothing is written if \
      there is one). It is committed as guardrails.yaml, with the files its configPath entries \
      name (each a file beside FILE), in one commit pushed only if the branch has not moved \
      since it was read (exit 3 otherwise: run it again).
      """)

  @Argument(help: "The registration name.") var repository: String
  @Argument(help: "The guardrails file.", completion: .file()) var file: String
  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      let guardrails = try Guardrails.read(contentsOf: file)
      let message = try PackageLifecycle.current().setGuardrails(
        guardrails, repository: repository, namespace: namespace.namespace)
      Terminal.standardOutput(Array((message + "\n").utf8))
    }
  }
}

/// `-o` of `repo guardrails check`.
enum GuardrailsCheckFormat: String, ExpressibleByArgument, CaseIterable {
  case table, yaml, json
}

struct GuardrailsCheck: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Run guardrails on the latest published revision of every package; write nothing.",
    discussion: """
      Runs the repository's guardrails, or those of --with FILE (a change not yet set), on the \
      latest published revision of every package of the repository: the mutators, then the \
      validators, as the package's next revision would meet them. Prints one row per package \
      (PASS or FAIL, and why) and exits 5 when any would fail, so CI can gate a guardrails \
      change on it.
      """)

  @Argument(help: "The registration name.") var repository: String
  @Option(name: .customLong("with"), help: "A guardrails file to check instead of the current one.")
  var proposed: String?
  @Option(
    name: [.customShort("o", allowingJoined: true), .long],
    help: "Output format: table, yaml or json.")
  var output: GuardrailsCheckFormat = .table
  @OptionGroup var guardrails: GuardrailsExecOption
  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      let proposedGuardrails = try proposed.map { path throws in
        try Guardrails.read(contentsOf: path)
      }
      let verdicts = try PackageLifecycle.current(allowExec: guardrails.allowExec)
        .checkGuardrails(
          repository, namespace: namespace.namespace, proposed: proposedGuardrails)
      switch output {
      case .table:
        let rows =
          [["NAME", "PACKAGE", "REVISION", "RESULT", "REASON"]]
          + verdicts.map { verdict in
            [
              verdict.revision.name, verdict.revision.path, String(verdict.revision.revision),
              verdict.passed ? "PASS" : "FAIL", verdict.reason ?? "",
            ]
          }
        Terminal.standardOutput(Array(RepoPrinter.table(rows).utf8))
      case .yaml, .json:
        Terminal.standardOutput(
          Array(
            ObjectPrinter.render(
              verdicts.map(Self.object), json: output == .json, alwaysList: true
            ).utf8))
      }
      let failed = verdicts.filter { !$0.passed }.count
      if failed > 0 {
        throw OrchestrationError.validationFailed(
          "\(failed) of \(verdicts.count) package(s) would fail the guardrails of repository \"\(repository)\""
        )
      }
    }
  }

  /// One verdict for `-o yaml|json`: the revision, the result, and the function's results in
  /// the shape kpt's results file gives them.
  static func object(_ verdict: GuardrailsVerdict) -> YAMLNode {
    func entry(_ key: String, _ value: YAMLNode) -> YAMLEntry {
      YAMLEntry(key: .scalar(key), value: value)
    }
    func text(_ value: String) -> YAMLNode { .scalar(value, style: .doubleQuoted) }
    var entries = [
      entry("name", text(verdict.revision.name)), entry("package", text(verdict.revision.path)),
      entry("revision", .scalar(String(verdict.revision.revision))),
      entry("passed", .scalar(verdict.passed ? "true" : "false")),
    ]
    if let reason = verdict.reason { entries.append(entry("reason", text(reason))) }
    if let failed = verdict.failedFunction {
      entries.append(entry("function", text(failed.name)))
      entries.append(entry("exitCode", .scalar(String(failed.exitCode))))
      entries.append(
        entry(
          "results",
          .sequence(
            failed.results.map { result in
              var fields = [entry("message", text(result.message))]
              if let severity = result.severity { fields.append(entry("severity", text(severity))) }
              let reference = [
                ("apiVersion", result.apiVersion), ("kind", result.kind), ("name", result.name),
                ("namespace", result.namespace),
              ].filter { !$0.1.isEmpty }
              if !reference.isEmpty {
                fields.append(
                  entry("resourceRef", .mapping(reference.map { entry($0.0, text($0.1)) })))
              }
              if !result.fieldPath.isEmpty {
                fields.append(entry("field", .mapping([entry("path", text(result.fieldPath))])))
              }
              if !result.filePath.isEmpty {
                fields.append(
                  entry(
                    "file",
                    .mapping([
                      entry("path", text(result.filePath)),
                      entry("index", .scalar(String(result.fileIndex))),
                    ])))
              }
              return .mapping(fields)
            })))
    }
    return .mapping(entries)
  }
}
