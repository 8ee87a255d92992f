import CaD
import Foundation
import Git
import KRM

/// A repository's guardrails: mutators and validators that every package of the repository must
/// pass before it is published. They live in the repository itself, in `guardrails.yaml` at the
/// top of the registered branch and directory, so they are reviewed and versioned in git and every
/// clone on every machine enforces the same ones. Discovery finds packages by their Kptfile, so
/// neither stoop nor Porch takes the file (or the function configs beside it) for a package.
public struct Guardrails: Sendable {
  public static let fileName = "guardrails.yaml"
  public static let apiVersion = "stoop.dev/v1alpha1"
  public static let kind = "Guardrails"
  /// The condition a draft's Kptfile gets when the repository has validators (as Porch records
  /// `Rendered`).
  static let conditionType = "stoop.dev/Guardrails"

  /// `metadata.name`.
  public var name: String
  /// Where it was read from, for messages (`main:guardrails.yaml`, or a path).
  public var file: String
  /// The file as it was read.
  public var bytes: [UInt8]
  /// The files its `configPath` entries name, beside it, by name.
  public var configs: [String: [UInt8]]
  var mutators: [AppendedPipeline.Function]
  var validators: [AppendedPipeline.Function]

  public var isEmpty: Bool { mutators.isEmpty && validators.isEmpty }
  public var hasValidators: Bool { !validators.isEmpty }

  /// Reads and checks a guardrails file as a whole, reporting every problem at once. `file`
  /// names it in messages; `config` reads a file beside it (nil when there is none).
  public static func parse(
    _ bytes: [UInt8], file: String, hint: String? = nil, config: (String) -> [UInt8]?
  ) throws(OrchestrationError) -> Guardrails {
    func refuse(_ problems: [(line: Int, message: String)]) -> OrchestrationError {
      .invalidGuardrails(problems: problems.map { "\(file):\($0.line): \($0.message)" }, hint: hint)
    }
    let yaml: YAMLFile
    do {
      yaml = try YAMLFile(parsing: bytes, name: file)
    } catch {
      // The YAML layer names the file and line itself.
      throw .invalidGuardrails(problems: [error.description], hint: hint)
    }
    let documents = yaml.documents.filter { !$0.root.isNull }
    guard documents.count == 1, let document = documents.first else {
      throw refuse([
        (documents.dropFirst().first?.line ?? 1, "holds \(documents.count) objects; give it one")
      ])
    }
    let root = document.root
    guard root.isMapping else {
      throw refuse([(document.line, "not a mapping; give it a \(kind) object")])
    }
    var problems: [(line: Int, message: String)] = []
    func line(_ node: YAMLNode?) -> Int { node.map(document.line(of:)) ?? document.line }
    for (key, expected) in [("apiVersion", apiVersion), ("kind", kind)]
    where root[key]?.string != expected {
      let found = root[key]?.string.map { " (found \"\($0)\")" } ?? ""
      problems.append((line(root[key]), "\(key) must be \(expected)\(found)"))
    }
    let name = root.node(at: ["metadata", "name"])?.string ?? ""
    if name.isEmpty {
      problems.append((line(root["metadata"]), "metadata.name is missing; name the guardrails"))
    }
    for entry in root.entries
    where !["apiVersion", "kind", "metadata", "pipeline"].contains(entry.key.value) {
      problems.append(
        (
          document.line(of: entry.key),
          "unknown field \(entry.key.value); a \(kind) object has apiVersion, kind, metadata and pipeline"
        ))
    }
    var functions: [String: [AppendedPipeline.Function]] = [:]
    var configs: [String: [UInt8]] = [:]
    if let pipeline = root["pipeline"] {
      problems += Kptfile.pipelineProblems(pipeline, in: document)
      if pipeline.isMapping {
        for key in ["mutators", "validators"] {
          for (i, item) in (pipeline[key]?.items ?? []).enumerated() where item.node.isMapping {
            let field = "pipeline.\(key)[\(i)]"
            var function = AppendedPipeline.Function(entry: item.node, field: field)
            if let problem = AppendedPipeline.problem(inEntry: item.node, field: field) {
              problems.append((line(item.node), "\(problem.field): \(problem.reason)"))
            } else if let path = item.node["configPath"]?.string, !path.isEmpty {
              let at = line(item.node["configPath"])
              switch readConfig(path, field: field + ".configPath", reader: config) {
              case .success(let (document, bytes)):
                function.config = document
                configs[path] = bytes
              case .failure(let message):
                problems.append((at, message.message))
              }
            }
            functions[key, default: []].append(function)
          }
        }
      }
    }
    if !problems.isEmpty { throw refuse(problems.sorted { $0.line < $1.line }) }
    return Guardrails(
      name: name, file: file, bytes: bytes, configs: configs,
      mutators: functions["mutators"] ?? [], validators: functions["validators"] ?? [])
  }

  /// A `configPath` file: a name beside guardrails.yaml (no directory, which a package could
  /// take in), holding one KRM resource.
  private static func readConfig(
    _ path: String, field: String, reader: (String) -> [UInt8]?
  ) -> Result<(YAMLDocument, [UInt8]), ConfigProblem> {
    guard !path.contains("/"), path != fileName, path != Kptfile.fileName else {
      return .failure(
        ConfigProblem(
          message:
            "\(field): \"\(path)\": name a file beside \(fileName), without a directory (a package could take one in)"
        ))
    }
    guard let bytes = reader(path) else {
      return .failure(
        ConfigProblem(message: "\(field): \"\(path)\": no such file beside \(fileName)"))
    }
    do {
      return .success((try AppendedPipeline.readConfig(bytes, name: path), bytes))
    } catch {
      return .failure(ConfigProblem(message: "\(field): \(error.description)"))
    }
  }

  private struct ConfigProblem: Error {
    var message: String
  }

  /// A guardrails file on this disk (`repo guardrails set`, `check --with`), with the config
  /// files beside it.
  public static func read(contentsOf path: String) throws(OrchestrationError) -> Guardrails {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .io(path: path, reason: "cannot read the file; give the path of a guardrails file")
    }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    return try parse(Array(data), file: path) { name in
      FileManager.default.contents(atPath: directory + "/" + name).map { Array($0) }
    }
  }

  // MARK: Stored on the registered branch

  /// The tree of the registered directory at `commit`, nil when it has none.
  static func directoryTree(
    at commit: ObjectID?, in clone: Repository, registration: Registration
  ) throws -> ObjectID? {
    guard let commit else { return nil }
    let tree = try clone.commit(commit).tree
    guard !registration.directory.isEmpty else { return tree }
    guard let entry = try clone.entry(at: registration.directory, in: tree), entry.mode == .tree
    else { return nil }
    return entry.id
  }

  /// The guardrails a registered branch holds at `commit`; nil when it has no guardrails.yaml.
  static func stored(
    at commit: ObjectID?, in clone: Repository, registration: Registration
  ) throws -> Guardrails? {
    guard let directory = try directoryTree(at: commit, in: clone, registration: registration)
    else { return nil }
    let entries = try clone.treeEntries(directory)
    guard let file = entries.first(where: { $0.name == fileName && $0.mode != .tree }) else {
      return nil
    }
    let shownPath =
      registration.directory.isEmpty ? fileName : registration.directory + "/" + fileName
    return try parse(
      try clone.blob(file.id), file: "\(registration.branch):\(shownPath)",
      hint:
        "repository \"\(registration.name)\" holds it; replace it with stoop repo guardrails set \(registration.name) FILE"
    ) { name in
      entries.first { $0.name == name && $0.mode != .tree }.flatMap { try? clone.blob($0.id) }
    }
  }

  /// What the guardrails of a branch at `commit` are made of: the files at the top of the
  /// registered directory (guardrails.yaml and the configs beside it). Packages are
  /// directories, so publishing one never changes this.
  static func fingerprint(
    at commit: ObjectID?, in clone: Repository, registration: Registration
  ) throws -> [TreeEntry] {
    guard let directory = try directoryTree(at: commit, in: clone, registration: registration)
    else { return [] }
    return try clone.treeEntries(directory).filter { $0.mode != .tree && $0.mode != .commit }
  }

  // MARK: Running

  /// The functions as a pipeline appended to a package's own, for repository `repository`.
  func pipeline(
    repository: String, mutators runMutators: Bool = true, validators runValidators: Bool = true,
    allowExec: Bool
  ) -> AppendedPipeline {
    AppendedPipeline(
      name: "\(Self.fileName) of repository \"\(repository)\"",
      heading: "Guardrails of repository \"\(repository)\":\n",
      mutators: runMutators ? mutators : [], validators: runValidators ? validators : [],
      allowExec: allowExec)
  }

  /// Refuses, in one line, guardrails that would run a program on this machine without
  /// `--allow-exec`: a guardrail is never skipped.
  func requireExec(allowed: Bool, mutators: Bool = true, repository: String)
    throws(OrchestrationError)
  {
    guard !allowed else { return }
    let functions = (mutators ? self.mutators : []) + validators
    if let function = functions.first(where: { $0.exec != nil }) {
      throw .invalidOperation(
        "the guardrails of repository \"\(repository)\" run the exec function \(FunctionReport.goQuoted(function.exec ?? "")) (\(file), \(function.field)); give --allow-exec to run programs from the guardrails on this machine"
      )
    }
  }

  /// One line saying why a function failed: its results (kpt's lines, with their files), else
  /// its first line of stderr, else its exit code.
  static func summary(of failed: FunctionResultRecord) -> String {
    let kind = "function \(FunctionReport.goQuoted(failed.name)) failed"
    if !failed.results.isEmpty {
      return kind + ": "
        + failed.results.map { result in
          result.line + (result.filePath.isEmpty ? "" : " (\(result.filePath))")
        }.joined(separator: "; ")
    }
    let stderr = String(decoding: failed.stderr, as: UTF8.self).split(separator: "\n").first
    return kind + (stderr.map { ": " + $0 } ?? " with exit code \(failed.exitCode)")
  }
}
