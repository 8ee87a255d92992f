import Foundation
import KRM

/// Functions a package gets from outside its Kptfiles (stoop's repository guardrails), run after
/// the root package's own pipeline: entries in the Kptfile pipeline's format, whose `configPath`
/// files the caller has read already.
public struct AppendedPipeline: Sendable {
  /// One `mutators[]` or `validators[]` entry.
  public struct Function: Sendable {
    public var entry: YAMLNode
    /// Where the entry is, for messages (`pipeline.validators[0]`).
    public var field: String
    /// The resource its `configPath` names, read by the caller.
    public var config: YAMLDocument?

    public init(entry: YAMLNode, field: String, config: YAMLDocument? = nil) {
      self.entry = entry
      self.field = field
      self.config = config
    }

    /// The exec command, when the entry runs a local program.
    public var exec: String? { entry["exec"]?.string.flatMap { $0.isEmpty ? nil : $0 } }

    /// The image or exec command, as kpt names the function.
    public var displayName: String {
      exec ?? entry["image"]?.string.map { FunctionImage($0).reference } ?? ""
    }
  }

  /// Names the functions' source in messages (`guardrails.yaml of repository "blueprints"`).
  public var name: String
  /// Printed before the functions run, as kpt prints `Package "name":` before a package's.
  public var heading: String
  public var mutators: [Function]
  public var validators: [Function]
  /// Whether exec functions may run (kpt's `--allow-exec`, for these functions alone).
  public var allowExec = false

  public init(
    name: String, heading: String, mutators: [Function] = [], validators: [Function] = [],
    allowExec: Bool = false
  ) {
    self.name = name
    self.heading = heading
    self.mutators = mutators
    self.validators = validators
    self.allowExec = allowExec
  }

  /// What kpt refuses in one pipeline entry, apart from whether its `configPath` file exists:
  /// nil when it is fine.
  public static func problem(inEntry node: YAMLNode, field: String) -> (
    field: String, reason: String
  )? {
    PipelineValidation.entryProblem(node, field: field).map { problem in
      (
        problem.field,
        problem.value.isEmpty
          ? problem.reason : "\(FunctionReport.goQuoted(problem.value)): \(problem.reason)"
      )
    }
  }

  /// The one KRM resource of a function config file, as kpt reads a `configPath`.
  public static func readConfig(_ bytes: [UInt8], name: String) throws(FunctionError)
    -> YAMLDocument
  {
    let config = try PipelineValidation.readConfig(Data(bytes), name: name)
    if let problem = PipelineValidation.krmProblem(config, path: name) {
      throw FunctionError("functionConfig \"\(name)\": \(problem)")
    }
    return config
  }
}
