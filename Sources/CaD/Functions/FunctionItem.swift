import KRM

/// One resource travelling through a function pipeline.
///
/// The document carries kpt's reader annotations (path, index, seqindent) in its tree while it is
/// in flight, exactly where kpt puts them, so functions see and order fields as they would under
/// kpt. `original` is the document as read: at write time a document whose tree (reader
/// annotations removed) still equals it is written back byte for byte.
public struct FunctionItem: Sendable {
  public var document: YAMLDocument
  /// The package the resource belongs to, relative to the render root (`""` for the root).
  public var package: String
  /// The document as read from its file, nil for generated resources.
  public var original: YAMLDocument?

  public init(document: YAMLDocument, package: String = "", original: YAMLDocument? = nil) {
    self.document = document
    self.package = package
    self.original = original
  }

  public var resource: Resource {
    get { Resource(document: document) }
    set { document = newValue.document }
  }

  /// The path annotation (internal first), relative to the item's package.
  public var path: String? {
    let resource = self.resource
    return resource.annotation(Annotation.internalPath) ?? resource.annotation(Annotation.path)
  }

  public var index: Int? {
    let resource = self.resource
    return (resource.annotation(Annotation.internalIndex) ?? resource.annotation(Annotation.index))
      .flatMap { Int($0) }
  }

  /// A resource read from `path` (document `index` of the file), with kpt's reader annotations.
  public static func read(
    _ document: YAMLDocument, path: String, index: Int, package: String = ""
  ) -> FunctionItem {
    var item = FunctionItem(document: document, package: package, original: document)
    item.setLocation(path: path, index: index)
    return item
  }

  /// Sets the four path and index annotations and the seqindent one, single-quoted as kpt does.
  public mutating func setLocation(path: String, index: Int?) {
    var resource = self.resource
    if resource.document.root.isSequence {
      resource.document.root = .mapping([
        YAMLEntry(key: .scalar(ResourceList.bareSequenceKey), value: resource.document.root)
      ])
    }
    let style = (original?.sequenceIndent ?? document.sequenceIndent).rawValue
    if let index { resource.setAnnotation(Annotation.index, String(index)) }
    resource.setAnnotation(Annotation.path, path)
    if let index { resource.setAnnotation(Annotation.internalIndex, String(index)) }
    resource.setAnnotation(Annotation.internalPath, path)
    if resource.annotation(Annotation.seqIndent) == nil {
      resource.setAnnotation(Annotation.seqIndent, style)
    }
    document = resource.document
  }

  /// The document as it should be written: reader annotations removed; the original text when
  /// nothing else changed.
  public func documentForWriting() -> YAMLDocument {
    var resource = self.resource
    // kpt writes a document with the sequence indentation its seqindent annotation names (a
    // function's output is parsed afresh, so only the annotation remembers the file's style).
    let indent = resource.annotation(Annotation.seqIndent).flatMap(SequenceIndent.init(rawValue:))
    resource.removeAnnotations(Annotation.writerClears.union(FunctionItem.bookkeeping))
    if let indent { resource.document.sequenceIndent = indent }
    if let bare = resource.document.root[ResourceList.bareSequenceKey],
      resource.document.root.entries.count == 1, bare.isSequence
    {
      resource.document.root = bare
    }
    if let original, original.root.sameContent(as: resource.document.root),
      original.headComments == resource.document.headComments,
      original.footComments == resource.document.footComments
    {
      return original
    }
    return resource.document
  }

  /// Annotations stoop uses while a pipeline runs and never writes.
  static let bookkeeping: Set<String> = [
    Annotation.packagePath, Annotation.id, Annotation.legacyID, FunctionItem.resourceID,
    FunctionItem.migrationID,
  ]
  /// kpt b56's key for selection bookkeeping.
  public static let resourceID = "internal.config.k8s.io/kpt-resource-id"
  static let migrationID = "internal.config.kubernetes.io/annotations-migration-resource-id"

  /// What kpt says when the item is not a KRM resource it must be, or nil. (The exemptions are
  /// weighed only for an item with a problem: this runs for every item before and after every
  /// function.)
  var krmProblem: String? {
    guard let problem = PipelineValidation.shapeProblem(document), !exemptFromKRMCheck else {
      return nil
    }
    return problem
  }

  /// Exempt from kpt's rule that functions see KRM resources only: kustomization files, and the
  /// `.KptRevisionMetadata` that `rpkg pull` sends down a pipe (porchctl's, with an empty
  /// apiVersion).
  var exemptFromKRMCheck: Bool {
    if PipelineValidation.isKustomization(document, path: path) { return true }
    return (path ?? "").split(separator: "/").last == ".KptRevisionMetadata"
  }

  /// Whether the resource is a Kptfile.
  public var isKptfile: Bool {
    let root = document.root
    return root["kind"]?.string == Kptfile.kind
      && (root["apiVersion"]?.string ?? "").hasPrefix("kpt.dev/")
  }
}

extension YAMLNode {
  /// Equal as YAML content and layout (values, styles, comments, order), ignoring where the
  /// nodes came from and how a scalar was spelled when its value and style are the same.
  public func sameContent(as other: YAMLNode) -> Bool {
    guard kind == other.kind, tag == other.tag, anchor == other.anchor, isFlow == other.isFlow,
      footComments == other.footComments
    else { return false }
    switch kind {
    case .scalar, .alias:
      return value == other.value && style == other.style
    case .mapping:
      guard entries.count == other.entries.count else { return false }
      for (a, b) in zip(entries, other.entries) {
        guard a.comments == b.comments, a.key.sameContent(as: b.key),
          a.value.sameContent(as: b.value)
        else { return false }
      }
      return true
    case .sequence:
      guard items.count == other.items.count else { return false }
      for (a, b) in zip(items, other.items) {
        guard a.comments == b.comments, a.node.sameContent(as: b.node) else { return false }
      }
      return true
    }
  }
}

/// kpt's Selector: every non-empty field must match exactly; labels and annotations as subsets.
public struct ResourceSelector: Sendable, Equatable {
  public var apiVersion = ""
  public var kind = ""
  public var name = ""
  public var namespace = ""
  public var labels: [(String, String)] = []
  public var annotations: [(String, String)] = []

  public init() {}

  public static func == (a: ResourceSelector, b: ResourceSelector) -> Bool {
    a.apiVersion == b.apiVersion && a.kind == b.kind && a.name == b.name
      && a.namespace == b.namespace && a.labels.elementsEqual(b.labels, by: ==)
      && a.annotations.elementsEqual(b.annotations, by: ==)
  }

  public var isEmpty: Bool {
    apiVersion.isEmpty && kind.isEmpty && name.isEmpty && namespace.isEmpty && labels.isEmpty
      && annotations.isEmpty
  }

  /// A selector as written in a Kptfile (`selectors:` / `exclude:` entries).
  public init(node: YAMLNode) {
    apiVersion = node["apiVersion"]?.string ?? ""
    kind = node["kind"]?.string ?? ""
    name = node["name"]?.string ?? ""
    namespace = node["namespace"]?.string ?? ""
    labels = node["labels"]?.entries.map { ($0.key.value, $0.value.value) } ?? []
    annotations = node["annotations"]?.entries.map { ($0.key.value, $0.value.value) } ?? []
  }

  public func matches(_ resource: Resource) -> Bool {
    if !apiVersion.isEmpty && resource.apiVersion != apiVersion { return false }
    if !kind.isEmpty && resource.kind != kind { return false }
    if !name.isEmpty && resource.name != name { return false }
    if !namespace.isEmpty && (resource.namespace ?? "") != namespace { return false }
    if !labels.isEmpty {
      let have = resource.labels
      for (key, value) in labels where !have.contains(where: { $0.key == key && $0.value == value })
      {
        return false
      }
    }
    if !annotations.isEmpty {
      let have = resource.annotations
      for (key, value) in annotations
      where !have.contains(where: { $0.key == key && $0.value == value }) {
        return false
      }
    }
    return true
  }

  /// The selector as a Kptfile mapping, fields in kpt's order.
  public var node: YAMLNode {
    var node = YAMLNode.mapping()
    for (key, value) in [
      ("apiVersion", apiVersion), ("kind", kind), ("name", name), ("namespace", namespace),
    ] where !value.isEmpty {
      node[key] = .scalar(value)
    }
    if !labels.isEmpty {
      node["labels"] = .mapping(labels.map { YAMLEntry(key: .scalar($0.0), value: .scalar($0.1)) })
    }
    if !annotations.isEmpty {
      node["annotations"] = .mapping(
        annotations.map { YAMLEntry(key: .scalar($0.0), value: .scalar($0.1)) })
    }
    return node
  }
}

/// Which items a step sees: kpt's selectors (OR) minus its excludes. Unlike kpt b56, an item
/// that two selectors match is sent once.
public struct Selection: Sendable {
  public var selectors: [ResourceSelector]
  public var exclude: [ResourceSelector]

  public init(selectors: [ResourceSelector] = [], exclude: [ResourceSelector] = []) {
    self.selectors = selectors.filter { !$0.isEmpty }
    self.exclude = exclude.filter { !$0.isEmpty }
  }

  public var isEmpty: Bool { selectors.isEmpty && exclude.isEmpty }

  public func selects(_ resource: Resource) -> Bool {
    if !selectors.isEmpty && !selectors.contains(where: { $0.matches(resource) }) { return false }
    return !exclude.contains { $0.matches(resource) }
  }
}
