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
  /// one there is nothing to run and the files are kept as they are.
  static func hasPipeline(_ files: [String: PackageFileContent]) -> Bool {
    for (path, content) in files where path == "Kptfile" || path.hasSuffix("/Kptfile") {
      guard let yaml = try? YAMLFile(parsing: content.bytes, name: path),
        let pipeline = yaml.documents.first?.root["pipeline"]
      else {
        // A Kptfile that does not parse is the renderer's to report.
        if (try? YAMLFile(parsing: content.bytes, name: path)) == nil { return true }
        continue
      }
      for key in ["mutators", "validators"] where !(pipeline[key]?.items.isEmpty ?? true) {
        return true
      }
    }
    return false
  }

  /// Renders `files`, the package named `name` (the last part of its path, as kpt prints it).
  static func render(
    _ files: [String: PackageFileContent], name: String, scratchRoot: String
  ) throws(OrchestrationError) -> Outcome {
    guard hasPipeline(files) else { return Outcome(files: files, log: "", failure: nil) }
    let scratch = scratchRoot + "/render-" + UUID().uuidString.lowercased().prefix(12)
    let directory = scratch + "/" + (name.isEmpty ? "package" : name)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    try PackageTransfer.writeFiles(files, to: directory)
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
    do {
      try FileManager.default.createDirectory(
        atPath: registry.home.path + "/tmp", withIntermediateDirectories: true)
    } catch {
      throw .io(path: registry.home.path + "/tmp", reason: error.localizedDescription)
    }
    let outcome = try PackageRendering.render(
      files, name: String(path.split(separator: "/").last ?? ""),
      scratchRoot: registry.home.path + "/tmp")
    progress(outcome.log)
    if let failure = outcome.failure {
      let reason = failure.description.split(separator: "\n").first.map(String.init) ?? ""
      if allowFailure {
        progress("Package is updated, but failed to render the package.\nError: \(reason)\n")
        return files
      }
      throw .validationFailed("\(refusal): \(reason)")
    }
    return outcome.files
  }

  /// A package tree after rendering: the same tree when nothing changed, else a new one.
  func renderedTree(
    _ tree: ObjectID, package path: String, in clone: Repository, refusal: String
  ) throws -> ObjectID {
    var files: [String: PackageFileContent] = [:]
    for (file, entry) in try clone.files(in: tree) {
      files[file] = PackageFileContent(
        bytes: try clone.blob(entry.id), executable: entry.mode == .executable)
    }
    guard PackageRendering.hasPipeline(files) else { return tree }
    let rendered = try rendered(files, package: path, refusal: refusal)
    if rendered == files { return tree }
    return try clone.writeTree(
      files: rendered.mapValues { ($0.bytes, $0.executable ? FileMode.executable : .blob) })
  }
}
