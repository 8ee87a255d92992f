/// Annotation keys kpt and stoop put on resources while they travel in a ResourceList.
public enum Annotation {
  public static let path = "config.kubernetes.io/path"
  public static let index = "config.kubernetes.io/index"
  public static let internalPath = "internal.config.kubernetes.io/path"
  public static let internalIndex = "internal.config.kubernetes.io/index"
  public static let seqIndent = "internal.config.kubernetes.io/seqindent"
  public static let packagePath = "internal.config.kubernetes.io/package-path"
  public static let id = "internal.config.kubernetes.io/id"
  public static let legacyID = "config.k8s.io/id"
  public static let localConfig = "config.kubernetes.io/local-config"
  /// stoop only: the exact text before this document in its file, when it is not kpt's default
  /// (nothing before the first document, `---` between documents).
  public static let leading = "internal.stoop.dev/leading"
  /// stoop only: the exact text after the last document of a file, when it is not one line break.
  public static let trailing = "internal.stoop.dev/trailing"
  /// stoop only: on a document carried as its own text, which `fn sink` writes back as it is
  /// (a `.json` file too, instead of in kpt's JSON layout); on a flow document, where the
  /// reader's annotations went into that text (`'verbatim'`, `'verbatim-annotations'`,
  /// `'verbatim-metadata'`).
  public static let json = "internal.stoop.dev/json"

  /// The annotations a reader adds and a writer removes, in the order kpt writes them.
  public static let readerKeys = [index, path, internalIndex, internalPath, seqIndent]
  /// Everything `fn sink` clears before writing a file.
  public static let writerClears: Set<String> = [
    path, index, internalPath, internalIndex, seqIndent, leading, trailing, json,
  ]
}

/// A KRM resource: one YAML document read through apiVersion, kind and metadata.
public struct Resource: Sendable {
  public var document: YAMLDocument

  public init(document: YAMLDocument) {
    self.document = document
  }

  public var apiVersion: String? { document.root["apiVersion"]?.string }
  public var kind: String? { document.root["kind"]?.string }
  public var name: String? { document.root.node(at: ["metadata", "name"])?.string }
  public var namespace: String? { document.root.node(at: ["metadata", "namespace"])?.string }

  public var labels: [(key: String, value: String)] { pairs(at: ["metadata", "labels"]) }
  public var annotations: [(key: String, value: String)] { pairs(at: ["metadata", "annotations"]) }

  public func annotation(_ key: String) -> String? {
    document.root.node(at: ["metadata", "annotations", key])?.string
  }

  /// Sets an annotation, creating `metadata.annotations` as needed; an existing key keeps its place.
  public mutating func setAnnotation(
    _ key: String, _ value: String, style: YAMLScalarStyle = .singleQuoted
  ) {
    document.root.set(.scalar(value, style: style), at: ["metadata", "annotations", key])
  }

  /// Removes annotations, then an `annotations` or `metadata` mapping left empty, as kpt does.
  public mutating func removeAnnotations(_ keys: Set<String>) {
    guard let annotations = document.root.node(at: ["metadata", "annotations"]),
      annotations.entries.contains(where: { keys.contains($0.key.value) })
    else { return }
    var trimmed = annotations
    trimmed.entries.removeAll { keys.contains($0.key.value) }
    if trimmed.entries.isEmpty {
      document.root.remove(at: ["metadata", "annotations"])
      if let metadata = document.root["metadata"], metadata.isMapping, metadata.entries.isEmpty {
        document.root.remove(at: ["metadata"])
      }
    } else {
      document.root.set(trimmed, at: ["metadata", "annotations"])
    }
  }

  /// The first missing KRM field (`apiVersion`, `kind`, `metadata.name`), if any.
  public var missingKRMField: String? {
    if apiVersion?.isEmpty ?? true { return "apiVersion" }
    if kind?.isEmpty ?? true { return "kind" }
    if name?.isEmpty ?? true { return "metadata.name" }
    return nil
  }

  private func pairs(at path: [String]) -> [(key: String, value: String)] {
    guard let node = document.root.node(at: path), node.isMapping else { return [] }
    return node.entries.map { ($0.key.value, $0.value.value) }
  }
}
