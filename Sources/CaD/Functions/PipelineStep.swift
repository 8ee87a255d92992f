import Foundation
import KRM

/// Settings shared by `fn render` and `fn eval`.
public struct FunctionOptions: Sendable {
  public var output: PipelineOutput = .inPlace
  public var resultsDirectory: String?
  public var truncateOutput = true
  public var allowExec = false

  public init() {}
}

/// Runs pipeline steps and keeps what kpt reports about them.
final class StepRunner {
  let options: FunctionOptions
  let log: (String) -> Void
  private(set) var records: [FunctionResultRecord] = []
  private(set) var executed = 0
  /// Whether a function was started; kpt writes no results file when none was.
  private(set) var started = false

  init(options: FunctionOptions, log: @escaping (String) -> Void) {
    self.options = options
    self.log = log
  }

  /// Runs one function on the items `selection` picks and merges its output back (kpt's
  /// kpt-resource-id protocol). A validator's output is discarded. Throws when the function
  /// fails; the exit code is 5 for a validator.
  func run(
    _ runtime: FunctionRuntime, on items: [FunctionItem], functionConfig: YAMLDocument?,
    selection: Selection, package: String, validator: Bool = false
  ) throws(FunctionError) -> [FunctionItem] {
    var all = items
    var input: [FunctionItem] = []
    var selected = Set<Int>()
    if selection.isEmpty {
      input = all
    } else {
      for i in all.indices {
        var resource = all[i].resource
        resource.setAnnotation(FunctionItem.resourceID, String(i))
        all[i].resource = resource
        if selection.selects(resource) {
          selected.insert(i)
          input.append(all[i])
        }
      }
    }
    let name = runtime.displayName
    if !selection.isEmpty && input.isEmpty {
      // Almost always a typo; kpt runs the function on nothing all the same, and so does stoop,
      // after saying so.
      log(
        "[WARN] the selectors of \(FunctionReport.goQuoted(name)) match no resource in package \"\(package.isEmpty ? "." : package)\"\n"
      )
    }
    log(
      selection.isEmpty
        ? FunctionReport.running(name)
        : "[RUNNING] \(FunctionReport.goQuoted(name)) on \(input.count) resource(s)\n")
    started = true
    let start = Date()
    // kpt sends functions KRM resources only.
    for item in input {
      if let problem = item.krmProblem {
        log(
          FunctionReport.finished(
            name, success: false, seconds: Date().timeIntervalSince(start), results: [],
            stderr: [], exitCode: nil))
        throw FunctionError(
          "input resource list must contain only KRM resources: \(item.path ?? ""): \(problem)")
      }
    }
    var run = runtime.run(items: input, functionConfig: functionConfig, package: package)
    if run.succeeded, let error = Self.check(run.items, input: input, name: name) {
      run.error = error
    }
    var record = FunctionResultRecord(
      image: nil, exec: nil, exitCode: run.error == nil ? run.exitCode : 1, stderr: run.stderr,
      results: run.results)
    if case .exec = runtime { record.exec = name } else { record.image = name }
    records.append(record)
    let seconds = Date().timeIntervalSince(start)
    if let error = run.error {
      // stoop's own verdict on the run, like kpt's checks of a function's output: the results,
      // then the reason as the command's error.
      log(
        FunctionReport.finished(
          name, success: false, seconds: seconds, results: run.results, stderr: [],
          exitCode: nil, truncate: options.truncateOutput))
      throw FunctionError(error)
    }
    log(
      FunctionReport.finished(
        name, success: run.succeeded, seconds: seconds, results: run.results,
        stderr: run.stderr, exitCode: run.succeeded ? nil : run.exitCode,
        truncate: options.truncateOutput))
    guard run.succeeded else {
      var error = FunctionError(
        "function \"\(name)\" failed with exit code \(run.exitCode)"
          + Self.firstLine(of: run.stderr), exitCode: validator ? 5 : 1, presentation: .shown)
      error.failedFunction = record
      throw error
    }
    executed += 1
    if validator { return items }
    if selection.isEmpty { return run.items }
    // Unselected items stay where they were; selected ones are replaced by the output item with
    // the same id or dropped; items the function made are appended.
    var byID: [String: FunctionItem] = [:]
    var generated: [FunctionItem] = []
    for item in run.items {
      if let id = item.resource.annotation(FunctionItem.resourceID) {
        byID[id] = item
      } else {
        generated.append(item)
      }
    }
    var merged: [FunctionItem] = []
    for (i, item) in all.enumerated() {
      if selected.contains(i) {
        if let replaced = byID[String(i)] { merged.append(replaced) }
      } else {
        merged.append(item)
      }
    }
    merged += generated
    for i in merged.indices {
      var resource = merged[i].resource
      resource.removeAnnotations([FunctionItem.resourceID])
      merged[i].resource = resource
    }
    return merged
  }

  private static func firstLine(of stderr: [UInt8]) -> String {
    let text = String(decoding: stderr, as: UTF8.self).split(separator: "\n").first.map(String.init)
    return text.map { ": " + $0 } ?? ""
  }

  /// kpt's checks on a function's output: every item a KRM resource, and no package may lose its
  /// Kptfile (kpt would delete the whole package; stoop refuses).
  static func check(_ output: [FunctionItem], input: [FunctionItem], name: String) -> String? {
    for item in output {
      if let problem = item.krmProblem {
        return
          "output resource list must contain only KRM resources: \(item.path ?? ""): \(problem)"
      }
    }
    let kept = Set(output.filter(\.isKptfile).map { $0.package + "/" + ($0.path ?? "") })
    for item in input where item.isKptfile && item.original != nil {
      if !kept.contains(item.package + "/" + (item.path ?? "")) {
        let package = item.package.isEmpty ? "." : item.package
        return
          "function \"\(name)\" removed the Kptfile of package \"\(package)\" (it returned \(output.count) resource(s)); nothing was written"
      }
    }
    return nil
  }

  /// The functionConfig for `-- key=value` arguments or a Kptfile `configMap`: a ConfigMap named
  /// `function-input` whose data values are all strings, in flow style. A first bare word sets
  /// the kind. kpt builds `fn eval`'s with its keys in another order; a function reading the
  /// bytes sees what kpt would send.
  static func configMap(
    _ data: [(String, String)], kind: String = "ConfigMap", evalOrder: Bool = false
  ) -> YAMLDocument {
    var values = YAMLNode.mapping(data.map { YAMLEntry(key: .scalar($0.0), value: .scalar($0.1)) })
    values.isFlow = true
    let metadata = YAMLEntry(
      key: .scalar("metadata"),
      value: .mapping([YAMLEntry(key: .scalar("name"), value: .scalar("function-input"))]))
    let apiVersion = YAMLEntry(key: .scalar("apiVersion"), value: .scalar("v1"))
    let kindEntry = YAMLEntry(key: .scalar("kind"), value: .scalar(kind))
    let dataEntry = YAMLEntry(key: .scalar("data"), value: values)
    return YAMLDocument(
      root: .mapping(
        evalOrder
          ? [metadata, dataEntry, kindEntry, apiVersion]
          : [apiVersion, kindEntry, metadata, dataEntry]))
  }

  /// The results file, when asked for and a function was started, and the hint pointing at
  /// it (after a blank line in `fn eval`). Its exit code is 1 when a function failed.
  func finish(eval: Bool = false) throws(FunctionError) {
    guard let directory = options.resultsDirectory, started else { return }
    let failed = records.contains { $0.exitCode != 0 }
    try PipelineWriter.writeResults(records, exitCode: failed ? 1 : 0, directory: directory)
    log((eval ? "\n" : "") + "For complete results, see \(directory)/results.yaml\n")
  }
}
