import Foundation
import KRM

/// The deployments `sync create` made to directories and sync repositories, remembered in the
/// config directory (`$STOOP_HOME/syncs/`, one small file each), so that `sync get` lists them
/// and `sync del NAME` finds them without flags. The targets themselves stay the truth: a
/// remembered deployment its target no longer holds is shown as Missing until `del` forgets it.
struct SyncMemory {
  let home: StoopHome

  /// One remembered deployment.
  struct Entry: Equatable {
    var name: String
    var target: SyncTarget
    /// The sync object's kind (sync repository targets).
    var kind: SyncKind?
  }

  var folder: String { home.path + "/syncs" }

  func remember(_ entry: Entry) throws(OrchestrationError) {
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw .io(path: folder, reason: error.localizedDescription)
    }
    try Registry.writeAtomically(SyncYAML.documents([object(entry)]), to: path(entry), mode: 0o644)
  }

  func forget(_ entry: Entry) {
    unlink(path(entry))
  }

  /// Every remembered deployment, by name then file; unreadable files are skipped.
  func entries() -> [Entry] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    return names.filter { $0.hasSuffix(".yaml") }.compactMap { name in
      guard let data = FileManager.default.contents(atPath: folder + "/" + name),
        let root = try? YAMLFile(parsing: Array(data), name: name).documents.first?.root
      else { return nil }
      return entry(root)
    }
  }

  /// `<name>.<hash of the target>.yaml`: one file per name and target.
  private func path(_ entry: Entry) -> String {
    let identity = SyncYAML.documents([object(entry)])
    return folder + "/" + entry.name + "." + String(SHA256.hex(identity).prefix(12)) + ".yaml"
  }

  private func object(_ entry: Entry) -> YAMLNode {
    var pairs = [("name", entry.name)]
    switch entry.target {
    case .directory(let directory):
      pairs.append(("directory", directory.path))
    case .repository(let repository):
      pairs += [
        ("namespace", repository.namespace), ("repository", repository.name),
        ("path", repository.path), ("kind", entry.kind?.rawValue ?? ""),
      ]
    case .cluster, .file:
      break
    }
    return SyncYAML.strings(pairs)
  }

  private func entry(_ root: YAMLNode) -> Entry? {
    guard let name = root["name"]?.string else { return nil }
    if let directory = root["directory"]?.string {
      return Entry(name: name, target: .directory(.init(path: directory)), kind: nil)
    }
    guard let repository = root["repository"]?.string, let path = root["path"]?.string else {
      return nil
    }
    return Entry(
      name: name,
      target: .repository(
        .init(name: repository, namespace: root["namespace"]?.string ?? "default", path: path)),
      kind: root["kind"]?.string.flatMap { SyncKind(rawValue: $0) })
  }
}
