import Foundation
import KRM

/// The deployments `sync create` made to directories, sync repositories and clusters,
/// remembered in the config directory (`$STOOP_HOME/syncs/`, one small file each), so that
/// `sync get` lists them and `sync del NAME` finds them without flags. The targets themselves
/// stay the truth: a remembered deployment its target no longer holds is shown as Missing until
/// `del` forgets it.
struct SyncMemory {
  let home: StoopHome

  /// One remembered deployment.
  struct Entry: Equatable {
    var name: String
    var target: SyncTarget
    /// The sync object's kind (sync repository and cluster targets).
    var kind: SyncKind?
    /// Where a sync object lives on a cluster.
    var namespace: String?
    /// The namespace of the package's registration, for comparing the deployed revision with
    /// its repository (a cluster's objects do not record it).
    var registrations: String?

    init(
      name: String, target: SyncTarget, kind: SyncKind? = nil, namespace: String? = nil,
      registrations: String? = nil
    ) {
      self.name = name
      self.target = target
      self.kind = kind
      self.namespace = namespace
      self.registrations = registrations
    }

    /// Whether `other` is the same deployment: the same name and target, and the same kind and
    /// namespace where both say.
    func isSame(as other: Entry) -> Bool {
      name == other.name && target == other.target
        && (kind == nil || other.kind == nil || kind == other.kind)
        && (namespace == nil || other.namespace == nil || namespace == other.namespace)
    }
  }

  var folder: String { home.path + "/syncs" }

  /// Remembers `entry` in place of what was remembered of the same deployment.
  func remember(_ entry: Entry) throws(OrchestrationError) {
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw .io(path: folder, reason: error.localizedDescription)
    }
    let path = path(entry)
    try Registry.writeAtomically(SyncYAML.documents([object(entry)]), to: path, mode: 0o644)
    for (other, file) in files() where file != path && other.isSame(as: entry) {
      unlink(file)
    }
  }

  /// Forgets every deployment that is the same as `entry` (a kind or namespace left out matches
  /// all).
  func forget(_ entry: Entry) {
    for (other, file) in files() where other.isSame(as: entry) {
      unlink(file)
    }
  }

  /// Every remembered deployment, by name then file; unreadable files are skipped.
  func entries() -> [Entry] {
    files().map(\.entry)
  }

  private func files() -> [(entry: Entry, path: String)] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    return names.filter { $0.hasSuffix(".yaml") }.compactMap { name in
      let path = folder + "/" + name
      guard let data = FileManager.default.contents(atPath: path),
        let root = try? YAMLFile(parsing: Array(data), name: name).documents.first?.root,
        let entry = entry(root)
      else { return nil }
      return (entry, path)
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
    case .cluster(let cluster):
      pairs += [("context", cluster.context ?? "")]
      if let kubeconfig = cluster.kubeconfig { pairs.append(("kubeconfig", kubeconfig)) }
      pairs += [
        ("kind", entry.kind?.rawValue ?? ""), ("syncNamespace", entry.namespace ?? ""),
        ("namespace", entry.registrations ?? "default"),
      ]
    case .file:
      break
    }
    return SyncYAML.strings(pairs)
  }

  private func entry(_ root: YAMLNode) -> Entry? {
    guard let name = root["name"]?.string else { return nil }
    let kind = root["kind"]?.string.flatMap { SyncKind(rawValue: $0) }
    if let directory = root["directory"]?.string {
      return Entry(name: name, target: .directory(.init(path: directory)))
    }
    if let context = root["context"]?.string, !context.isEmpty {
      return Entry(
        name: name,
        target: .cluster(.init(kubeconfig: root["kubeconfig"]?.string, context: context)),
        kind: kind, namespace: root["syncNamespace"]?.string.flatMap { $0.isEmpty ? nil : $0 },
        registrations: root["namespace"]?.string)
    }
    guard let repository = root["repository"]?.string, let path = root["path"]?.string else {
      return nil
    }
    return Entry(
      name: name,
      target: .repository(
        .init(name: repository, namespace: root["namespace"]?.string ?? "default", path: path)),
      kind: kind)
  }
}
