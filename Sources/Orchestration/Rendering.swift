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
  }

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
    guard let content = files[Kptfile.fileName],
      var kptfile = try? Kptfile.parse(content.bytes, file: Kptfile.fileName)
    else { return files }
    let condition =
      failure.map {
        KptCondition(type: "Rendered", status: "False", reason: "RenderFailed", message: $0)
      } ?? KptCondition(type: "Rendered", status: "True", reason: "RenderSuccess")
    var conditions = kptfile.conditions
    if let index = conditions.firstIndex(where: { $0.type == "Rendered" }) {
      conditions[index] = condition
    } else {
      conditions.append(condition)
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

  /// Renders `files`, the package named `name` (the last part of its path, as kpt prints it).
  static func render(
    _ files: [String: PackageFileContent], name: String, scratchRoot: String
  ) throws(OrchestrationError) -> Outcome {
    Scratch.removeAbandoned(in: scratchRoot)
    let scratch = scratchRoot + "/" + Scratch.name("package", "render")
    let directory = scratch + "/" + (name.isEmpty ? "package" : name)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    try PackageTransfer.writeFiles(files, to: directory)
    FaultInjection.point("render.scratch-written")
    final class Log: @unchecked Sendable { var text = "" }
    let log = Log()
    let renderer = Renderer(options: FunctionOptions(), log: { log.text += $0 })
    do {
      _ = try renderer.render(directory: directory)
    } catch {
      return Outcome(files: files, log: log.text, failure: error)
    }
    let rendered = try PackageTransfer.read(directory: directory).files
    return Outcome(files: rendered, log: log.text, failure: nil)
  }
}

extension PackageLifecycle {
  /// Renders a draft's files before they are committed. A failure refuses the write with
  /// `refusal` and the failing step (exit 5) unless `allowFailure`, in which case the files go in
  /// as given and the failure is reported as porchctl reports it.
  func rendered(
    _ files: [String: PackageFileContent], package path: String, refusal: String,
    allowFailure: Bool = false
  ) throws(OrchestrationError) -> [String: PackageFileContent] {
    guard PackageRendering.hasPipeline(files) else {
      return PackageRendering.recordingRender(of: files, failure: nil)
    }
    return try renderPipeline(files, package: path, refusal: refusal, allowFailure: allowFailure)
  }

  /// `rendered` for files known to have a pipeline.
  private func renderPipeline(
    _ files: [String: PackageFileContent], package path: String, refusal: String,
    allowFailure: Bool
  ) throws(OrchestrationError) -> [String: PackageFileContent] {
    let scratchRoot = registry.home.path + "/tmp"
    do {
      try FileManager.default.createDirectory(
        atPath: scratchRoot, withIntermediateDirectories: true)
    } catch {
      throw .io(path: scratchRoot, reason: error.localizedDescription)
    }
    let outcome = try PackageRendering.render(
      files, name: String(path.split(separator: "/").last ?? ""), scratchRoot: scratchRoot)
    progress(outcome.log)
    if let failure = outcome.failure {
      let reason = failure.description.split(separator: "\n").first.map(String.init) ?? ""
      if allowFailure {
        progress("Package is updated, but failed to render the package.\nError: \(reason)\n")
        return PackageRendering.recordingRender(of: files, failure: reason)
      }
      throw .validationFailed("\(refusal): \(reason)")
    }
    return PackageRendering.recordingRender(of: outcome.files, failure: nil)
  }

  /// The tree of `files` after rendering.
  func renderedTree(
    files: [String: PackageFileContent], package path: String, in clone: Repository,
    refusal: String
  ) throws -> ObjectID {
    try clone.writeTree(package: try rendered(files, package: path, refusal: refusal))
  }

  /// A package tree after rendering: the same tree when there is no pipeline or nothing changed,
  /// else a new one. Only the Kptfiles are read unless there is something to run.
  func renderedTree(
    _ tree: ObjectID, package path: String, in clone: Repository, refusal: String
  ) throws -> ObjectID {
    let entries = try clone.files(in: tree)
    let kptfiles = try entries.filter { Kptfile.isKptfile(path: $0.key) }.map {
      (path: $0.key, bytes: try clone.blob($0.value.id))
    }
    let hasPipeline = PackageRendering.hasPipeline(kptfiles: kptfiles)
    if !hasPipeline, let root = kptfiles.first(where: { $0.path == Kptfile.fileName }),
      PackageRendering.recordsRender(root.bytes)
    {
      return tree  // nothing to run, and the Kptfile already says it rendered
    }
    var files: [String: PackageFileContent] = [:]
    for (file, entry) in entries {
      files[file] = PackageFileContent(
        bytes: try clone.blob(entry.id), executable: entry.mode == .executable)
    }
    let rendered =
      hasPipeline
      ? try renderPipeline(files, package: path, refusal: refusal, allowFailure: false)
      : PackageRendering.recordingRender(of: files, failure: nil)
    return rendered == files ? tree : try clone.writeTree(package: rendered)
  }
}

extension Repository {
  /// A tree of package files; executables get mode 100755.
  func writeTree(package files: [String: PackageFileContent]) throws -> ObjectID {
    try writeTree(files: files.mapValues { ($0.bytes, $0.executable ? .executable : .blob) })
  }
}
