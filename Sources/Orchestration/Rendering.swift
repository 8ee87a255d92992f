import CaD
import Foundation
import Git
import KRM

/// Porch renders a package whenever it writes a draft (init, clone, copy, push, propose;
/// porch-git.md §4). stoop runs the same Kptfile pipelines in process, on a scratch copy of the
/// package under the config directory, and reads the result back.
struct PackageRendering {
  /// The rendered files, what the renderer printed, and the failure when a step failed (then
  /// `files` are the files as given: stoop's renderer writes nothing on failure).
  struct Outcome {
    var files: [String: PackageFileContent]
    var log: String
    var failure: FunctionError?
    /// Why the appended validators refused the rendered files, when they did.
    var validation: FunctionError?
  }

  /// What the renderer prints, collected to be shown once it is done.
  final class Log: @unchecked Sendable { var text = "" }

  /// Annotation on a revision (in its pulled `.KptRevisionMetadata`) that lets a push through
  /// when rendering fails.
  static let pushOnRenderFailure = "porch.kpt.dev/push-on-render-failure"

  /// Whether any Kptfile of the package (its own or a subpackage's) has a pipeline step; without
  /// one there is nothing to run and the files are kept as they are. A Kptfile that does not
  /// parse counts, so that the renderer reports it.
  static func hasPipeline(kptfiles: [(path: String, bytes: [UInt8])]) -> Bool {
    kptfiles.contains { path, bytes in
      guard let yaml = try? YAMLFile(parsing: bytes, name: path) else { return true }
      let pipeline = yaml.documents.first?.root["pipeline"]
      return ["mutators", "validators"].contains { !(pipeline?[$0]?.items.isEmpty ?? true) }
    }
  }

  /// The files with the root Kptfile's `Rendered` condition set as Porch sets it after each
  /// render: `True`/`RenderSuccess`, or `False`/`RenderFailed` with the error when a failed
  /// render was let through. A Kptfile that does not parse is left as it is.
  static func recordingRender(of files: [String: PackageFileContent], failure: String?)
    -> [String: PackageFileContent]
  {
    recording(
      failure.map {
        KptCondition(type: "Rendered", status: "False", reason: "RenderFailed", message: $0)
      } ?? KptCondition(type: "Rendered", status: "True", reason: "RenderSuccess"),
      type: "Rendered", in: files)
  }

  /// The files with the root Kptfile's condition of `type` set to `condition`, or removed when
  /// it is nil. A Kptfile that does not parse, or that would not change, is left as it is.
  static func recording(
    _ condition: KptCondition?, type: String, in files: [String: PackageFileContent]
  ) -> [String: PackageFileContent] {
    guard let content = files[Kptfile.fileName],
      var kptfile = try? Kptfile.parse(content.bytes, file: Kptfile.fileName)
    else { return files }
    var conditions = kptfile.conditions
    let index = conditions.firstIndex { $0.type == type }
    switch (condition, index) {
    case (let condition?, let index?):
      guard conditions[index] != condition else { return files }
      conditions[index] = condition
    case (let condition?, nil): conditions.append(condition)
    case (nil, let index?): conditions.remove(at: index)
    case (nil, nil): return files
    }
    kptfile.conditions = conditions
    var result = files
    result[Kptfile.fileName] = PackageFileContent(
      bytes: kptfile.bytes(), executable: content.executable)
    return result
  }

  /// Whether a Kptfile already records a successful render.
  static func recordsRender(_ bytes: [UInt8]) -> Bool {
    (try? Kptfile.parse(bytes, file: Kptfile.fileName))?.conditions.contains {
      $0 == KptCondition(type: "Rendered", status: "True", reason: "RenderSuccess")
    } == true
  }

  static func hasPipeline(_ files: [String: PackageFileContent]) -> Bool {
    hasPipeline(
      kptfiles: files.filter { Kptfile.isKptfile(path: $0.key) }.map { ($0.key, $0.value.bytes) })
  }

  /// Renders `files`, the package named `name` (the last part of its path, as kpt prints it):
  /// the packages' own pipelines when `ownPipelines`, then `appended`'s mutators; then runs
  /// `appended`'s validators on the result.
  static func render(
    _ files: [String: PackageFileContent], name: String, scratchRoot: String,
    appended: AppendedPipeline? = nil, ownPipelines: Bool = true
  ) throws(OrchestrationError) -> Outcome {
    Scratch.removeAbandoned(in: scratchRoot)
    let scratch = scratchRoot + "/" + Scratch.name("package", "render")
    let directory = scratch + "/" + (name.isEmpty ? "package" : name)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    try PackageTransfer.writeFiles(files, to: directory)
    FaultInjection.point("render.scratch-written")
    let log = Log()
    var renderer = Renderer(options: FunctionOptions(), log: { log.text += $0 })
    renderer.appended = appended
    renderer.ownPipelines = ownPipelines
    let renders = ownPipelines || !(appended?.mutators.isEmpty ?? true)
    if renders {
      do {
        _ = try renderer.render(directory: directory)
      } catch {
        return Outcome(files: files, log: log.text, failure: error)
      }
    }
    var validation: FunctionError?
    do {
      try renderer.validate(directory: directory)
    } catch {
      validation = error
    }
    let rendered = renders ? try PackageTransfer.read(directory: directory).files : files
    return Outcome(files: rendered, log: log.text, failure: nil, validation: validation)
  }
}

/// What a step does when the repository's validators refuse a package.
enum GuardrailGate {
  /// A draft write: the files go in, with the failure reported and recorded in the Kptfile, as
  /// a push on render failure goes in; the draft cannot be proposed until it passes.
  case record
  /// propose and approve: refused (exit 5), nothing written; `step` says what was refused.
  case require(step: String, nothing: String)
}

extension PackageLifecycle {
  /// Renders a draft's files before they are committed: the package's own pipeline, then the
  /// repository's guardrail mutators; then its guardrail validators, whose verdict `gate`
  /// handles. A render failure refuses the write with `refusal` and the failing step (exit 5)
  /// unless `allowFailure`, in which case the files go in as given and the failure is reported
  /// as porchctl reports it.
  func rendered(
    _ files: [String: PackageFileContent], package path: String, guardrails: Guardrails?,
    repository: String, refusal: String, allowFailure: Bool = false,
    gate: GuardrailGate = .record
  ) throws(OrchestrationError) -> [String: PackageFileContent] {
    let own = PackageRendering.hasPipeline(files)
    let guarded = guardrails.flatMap { $0.isEmpty ? nil : $0 }
    guard own || guarded != nil else {
      return PackageRendering.recording(
        nil, type: Guardrails.conditionType,
        in: PackageRendering.recordingRender(of: files, failure: nil))
    }
    try guarded?.requireExec(allowed: allowExec, repository: repository)
    let outcome = try PackageRendering.render(
      files, name: String(path.split(separator: "/").last ?? ""), scratchRoot: try scratchRoot(),
      appended: guarded?.pipeline(repository: repository, allowExec: allowExec),
      ownPipelines: own)
    progress(outcome.log)
    if let failure = outcome.failure {
      let reason = Self.firstLine(failure.description)
      if allowFailure {
        progress("Package is updated, but failed to render the package.\nError: \(reason)\n")
        let unchecked =
          guarded?.hasValidators == true
          ? KptCondition(
            type: Guardrails.conditionType, status: "Unknown", reason: "NotChecked",
            message: "the package did not render")
          : nil
        return PackageRendering.recording(
          unchecked, type: Guardrails.conditionType,
          in: PackageRendering.recordingRender(of: files, failure: reason))
      }
      throw .validationFailed("\(refusal): \(reason)")
    }
    let rendered = PackageRendering.recordingRender(of: outcome.files, failure: nil)
    guard let guarded, guarded.hasValidators else {
      return PackageRendering.recording(nil, type: Guardrails.conditionType, in: rendered)
    }
    let verdict = try verdict(
      outcome.validation, repository: repository, refusal: refusal, gate: gate)
    return PackageRendering.recording(verdict, type: Guardrails.conditionType, in: rendered)
  }

  /// Runs the repository's validators on a package tree as it is (approve: the exact tree being
  /// published); refuses with exit 5 when one fails.
  func validate(
    _ tree: ObjectID, package path: String, in clone: Repository, guardrails: Guardrails?,
    repository: String, step: String, nothing: String
  ) throws {
    guard let guardrails, guardrails.hasValidators else { return }
    try guardrails.requireExec(allowed: allowExec, mutators: false, repository: repository)
    // In memory: the tree is only read, so nothing needs writing out first.
    var files: [String: [UInt8]] = [:]
    for (file, entry) in try clone.files(in: tree) { files[file] = try clone.blob(entry.id) }
    let log = PackageRendering.Log()
    var renderer = Renderer(options: FunctionOptions(), log: { log.text += $0 })
    renderer.appended = guardrails.pipeline(
      repository: repository, mutators: false, allowExec: allowExec)
    var validation: FunctionError?
    do {
      try renderer.check(files: files, name: String(path.split(separator: "/").last ?? ""))
    } catch {
      validation = error
    }
    progress(log.text)
    _ = try verdict(
      validation, repository: repository, refusal: step,
      gate: .require(step: step, nothing: nothing))
  }

  /// The condition that records the validators' verdict, or the refusal `gate` asks for. A
  /// validator that could not run at all refuses every step.
  private func verdict(
    _ validation: FunctionError?, repository: String, refusal: String, gate: GuardrailGate
  ) throws(OrchestrationError) -> KptCondition {
    guard let validation else {
      return KptCondition(
        type: Guardrails.conditionType, status: "True", reason: "GuardrailsPassed")
    }
    guard let failed = validation.failedFunction else {
      throw .validationFailed("\(refusal): \(Self.firstLine(validation.description))")
    }
    let summary = Guardrails.summary(of: failed)
    switch gate {
    case .record:
      progress(
        "Package is updated, but it fails the guardrails of repository \"\(repository)\"; it cannot be proposed until they pass.\n"
      )
      return KptCondition(
        type: Guardrails.conditionType, status: "False", reason: "ValidationFailed",
        message: summary)
    case .require(let step, let nothing):
      throw .validationFailed(
        "\(step): it fails the guardrails of repository \"\(repository)\": \(summary); \(nothing)")
    }
  }

  private static func firstLine(_ text: String) -> String {
    text.split(separator: "\n").first.map(String.init) ?? ""
  }

  /// The config directory's scratch space for rendering.
  private func scratchRoot() throws(OrchestrationError) -> String {
    let scratchRoot = registry.home.path + "/tmp"
    do {
      try FileManager.default.createDirectory(
        atPath: scratchRoot, withIntermediateDirectories: true)
    } catch {
      throw .io(path: scratchRoot, reason: error.localizedDescription)
    }
    return scratchRoot
  }

  /// The tree of `files` after rendering.
  func renderedTree(
    files: [String: PackageFileContent], package path: String, in session: Session,
    refusal: String
  ) throws -> ObjectID {
    try session.clone.writeTree(
      package: try rendered(
        files, package: path, guardrails: try session.guardrails(),
        repository: session.registration.name, refusal: refusal))
  }

  /// A package tree after rendering: the same tree when there is nothing to run or nothing
  /// changed, else a new one. Only the Kptfiles are read unless there is something to run.
  func renderedTree(
    _ tree: ObjectID, package path: String, in session: Session, refusal: String,
    gate: GuardrailGate = .record
  ) throws -> ObjectID {
    let clone = session.clone
    let guardrails = try session.guardrails()
    let entries = try clone.files(in: tree)
    let kptfiles = try entries.filter { Kptfile.isKptfile(path: $0.key) }.map {
      (path: $0.key, bytes: try clone.blob($0.value.id))
    }
    if guardrails?.isEmpty ?? true, !PackageRendering.hasPipeline(kptfiles: kptfiles),
      let root = kptfiles.first(where: { $0.path == Kptfile.fileName }),
      PackageRendering.recordsRender(root.bytes)
    {
      return tree  // nothing to run, and the Kptfile already says it rendered
    }
    var files: [String: PackageFileContent] = [:]
    for (file, entry) in entries {
      files[file] = PackageFileContent(
        bytes: try clone.blob(entry.id), executable: entry.mode == .executable)
    }
    let rendered = try rendered(
      files, package: path, guardrails: guardrails, repository: session.registration.name,
      refusal: refusal, gate: gate)
    return rendered == files ? tree : try clone.writeTree(package: rendered)
  }
}

extension Repository {
  /// A tree of package files; executables get mode 100755.
  func writeTree(package files: [String: PackageFileContent]) throws -> ObjectID {
    try writeTree(files: files.mapValues { ($0.bytes, $0.executable ? .executable : .blob) })
  }
}
