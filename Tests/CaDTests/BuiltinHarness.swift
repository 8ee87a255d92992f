import Foundation
import KRM
import Testing

@testable import CaD

/// Runs a built-in on the documents of `yaml` and returns them as YAML again.
func runBuiltin(
  _ name: String, _ yaml: String, config: String?, tag: String? = nil
) throws -> (output: String, results: [FunctionResultItem]) {
  let file = try YAMLFile(parsing: Array(yaml.utf8), name: "resources.yaml")
  let items = file.documents.enumerated().map { i, document in
    FunctionItem.read(document, path: "resources.yaml", index: i)
  }
  let configNode = try config.map {
    try YAMLFile(parsing: Array($0.utf8), name: "fn-config.yaml").documents[0].root
  }
  var context = BuiltinContext(items: items, functionConfig: configNode, tag: tag)
  guard let function = BuiltinFunction.named(name) else {
    Issue.record("no built-in \(name)")
    return ("", [])
  }
  try function.run(&context)
  let out = YAMLFile(documents: context.items.map { $0.documentForWriting() })
  return (String(decoding: out.bytes(), as: UTF8.self), context.results)
}

/// The stderr of a built-in that is expected to fail.
func builtinFailure(
  _ name: String, _ yaml: String, config: String?, tag: String? = nil
) -> String {
  do {
    _ = try runBuiltin(name, yaml, config: config, tag: tag)
    return "no failure"
  } catch let error as BuiltinFailure {
    return error.stderr
  } catch {
    return "\(error)"
  }
}

/// Runs a built-in that may fail: its documents, its results and, when it failed, its stderr.
func runBuiltinOutcome(
  _ name: String, _ yaml: String, config: String?, tag: String? = nil
) throws -> (output: String, results: [String], failure: String?) {
  let file = try YAMLFile(parsing: Array(yaml.utf8), name: "resources.yaml")
  let items = file.documents.enumerated().map { i, document in
    FunctionItem.read(document, path: "resources.yaml", index: i)
  }
  let configNode = try config.map {
    try YAMLFile(parsing: Array($0.utf8), name: "fn-config.yaml").documents[0].root
  }
  var context = BuiltinContext(items: items, functionConfig: configNode, tag: tag)
  guard let function = BuiltinFunction.named(name) else {
    Issue.record("no built-in \(name)")
    return ("", [], nil)
  }
  var failure: String?
  do {
    try function.run(&context)
  } catch {
    failure = error.stderr
  }
  let out = YAMLFile(documents: context.items.map { $0.documentForWriting() })
  let results = context.results.map { "\($0.severity ?? "-"): \($0.message)" }
  return (String(decoding: out.bytes(), as: UTF8.self), results, failure)
}
