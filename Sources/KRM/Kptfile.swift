/// A package's `Kptfile` (kpt.dev/v1), read and edited through its YAML document so that every
/// comment and the key order survive an edit. Fields stoop sets but the file lacks are inserted
/// where kpt's schema puts them.
public struct Kptfile: Sendable {
  public static let apiVersion = "kpt.dev/v1"
  public static let kind = "Kptfile"
  public static let fileName = "Kptfile"

  public var document: YAMLDocument

  /// A view over a document, without validation (see `parse` for the checked way in).
  public init(document: YAMLDocument) {
    self.document = document
  }

  /// A new Kptfile naming a package.
  public init(name: String) {
    document = YAMLDocument(
      root: .mapping([
        YAMLEntry(key: .scalar("apiVersion"), value: .scalar(Self.apiVersion)),
        YAMLEntry(key: .scalar("kind"), value: .scalar(Self.kind)),
        YAMLEntry(
          key: .scalar("metadata"),
          value: .mapping([YAMLEntry(key: .scalar("name"), value: .scalar(name))])),
      ]))
  }

  /// Whether a package-relative path is a Kptfile (the package's own or a subpackage's).
  public static func isKptfile(path: String) -> Bool {
    path == fileName || path.hasSuffix("/" + fileName)
  }

  /// Parses and validates a Kptfile as kpt does: the version must be kpt.dev/v1 and decoding is
  /// strict, so unknown fields and values of the wrong shape are errors. `file` names it in
  /// messages.
  public static func parse(_ bytes: [UInt8], file: String) throws(KRMError) -> Kptfile {
    let yaml = try YAMLFile(parsing: bytes, name: file)
    guard yaml.documents.count == 1 else {
      throw .invalidKptfile(
        file: file,
        problems: ["expected exactly one YAML document, found \(yaml.documents.count)"])
    }
    let kptfile = Kptfile(document: yaml.documents[0])
    let problems = kptfile.problems
    if !problems.isEmpty { throw .invalidKptfile(file: file, problems: problems) }
    return kptfile
  }

  /// The file's bytes: the original text when nothing changed, else the document emitted in kpt's
  /// style with its own sequence indentation.
  public func bytes() -> [UInt8] { document.text() }

  // MARK: Fields

  public var name: String? {
    get { string(at: ["metadata", "name"]) }
    set { put(newValue, at: ["metadata", "name"]) }
  }

  public var upstream: Upstream? {
    get {
      guard let node = document.root["upstream"], node.isMapping else { return nil }
      return Upstream(
        type: node["type"]?.string ?? "git", repo: node.node(at: ["git", "repo"])?.string ?? "",
        directory: node.node(at: ["git", "directory"])?.string ?? "",
        ref: node.node(at: ["git", "ref"])?.string ?? "",
        updateStrategy: node["updateStrategy"]?.string)
    }
    set {
      guard let newValue else { return remove(["upstream"]) }
      put(newValue.type, at: ["upstream", "type"])
      put(newValue.repo, at: ["upstream", "git", "repo"])
      put(newValue.directory, at: ["upstream", "git", "directory"])
      put(newValue.ref, at: ["upstream", "git", "ref"])
      put(newValue.updateStrategy, at: ["upstream", "updateStrategy"])
    }
  }

  public var upstreamLock: UpstreamLock? {
    get {
      guard let node = document.root["upstreamLock"], node.isMapping else { return nil }
      return UpstreamLock(
        type: node["type"]?.string ?? "git", repo: node.node(at: ["git", "repo"])?.string ?? "",
        directory: node.node(at: ["git", "directory"])?.string ?? "",
        ref: node.node(at: ["git", "ref"])?.string ?? "",
        commit: node.node(at: ["git", "commit"])?.string ?? "")
    }
    set {
      guard let newValue else { return remove(["upstreamLock"]) }
      put(newValue.type, at: ["upstreamLock", "type"])
      put(newValue.repo, at: ["upstreamLock", "git", "repo"])
      put(newValue.directory, at: ["upstreamLock", "git", "directory"])
      put(newValue.ref, at: ["upstreamLock", "git", "ref"])
      put(newValue.commit, at: ["upstreamLock", "git", "commit"])
    }
  }

  public var description: String? {
    get { string(at: ["info", "description"]) }
    set { put(newValue, at: ["info", "description"]) }
  }

  public var site: String? {
    get { string(at: ["info", "site"]) }
    set { put(newValue, at: ["info", "site"]) }
  }

  public var keywords: [String] {
    get { document.root.node(at: ["info", "keywords"])?.items.compactMap(\.node.string) ?? [] }
    set {
      guard keywords != newValue else { return }
      if newValue.isEmpty { return remove(["info", "keywords"]) }
      putNode(.sequence(newValue.map { .scalar($0) }), at: ["info", "keywords"])
    }
  }

  /// `info.readinessGates[].conditionType`, in order.
  public var readinessGates: [String] {
    get {
      document.root.node(at: ["info", "readinessGates"])?.items.compactMap {
        $0.node["conditionType"]?.string
      } ?? []
    }
    set {
      guard readinessGates != newValue else { return }
      if newValue.isEmpty { return remove(["info", "readinessGates"]) }
      putNode(
        .sequence(
          newValue.map { .mapping([YAMLEntry(key: .scalar("conditionType"), value: .scalar($0))]) }
        ), at: ["info", "readinessGates"])
    }
  }

  public var mutators: [KptFunction] { functions("mutators") }
  public var validators: [KptFunction] { functions("validators") }

  /// `status.conditions`, in order.
  public var conditions: [KptCondition] {
    get {
      document.root.node(at: ["status", "conditions"])?.items.compactMap { item in
        guard item.node.isMapping else { return nil }
        return KptCondition(
          type: item.node["type"]?.string ?? "", status: item.node["status"]?.string ?? "",
          reason: item.node["reason"]?.string, message: item.node["message"]?.string)
      } ?? []
    }
    set {
      guard conditions != newValue else { return }
      if newValue.isEmpty { return remove(["status", "conditions"]) }
      putNode(
        .sequence(
          newValue.map { condition in
            var entries = [
              YAMLEntry(key: .scalar("type"), value: .scalar(condition.type)),
              YAMLEntry(key: .scalar("status"), value: .scalar(condition.status)),
            ]
            if let reason = condition.reason {
              entries.append(YAMLEntry(key: .scalar("reason"), value: .scalar(reason)))
            }
            if let message = condition.message {
              entries.append(YAMLEntry(key: .scalar("message"), value: .scalar(message)))
            }
            return .mapping(entries)
          }), at: ["status", "conditions"])
    }
  }

  private func functions(_ key: String) -> [KptFunction] {
    document.root.node(at: ["pipeline", key])?.items.compactMap { item in
      guard item.node.isMapping else { return nil }
      let node = item.node
      return KptFunction(
        image: node["image"]?.string, exec: node["exec"]?.string,
        configPath: node["configPath"]?.string,
        configMap: node["configMap"]?.entries.map { ($0.key.value, $0.value.value) } ?? [],
        name: node["name"]?.string)
    } ?? []
  }

  // MARK: Editing in place

  private func string(at path: [String]) -> String? {
    guard let node = document.root.node(at: path), node.isScalar, !node.isNull else { return nil }
    return node.value
  }

  /// Sets a scalar, leaving the node (and its quoting) alone when the value is already there;
  /// nil removes it.
  private mutating func put(_ value: String?, at path: [String]) {
    guard let value else { return remove(path) }
    if let existing = document.root.node(at: path), existing.isScalar, existing.value == value {
      return
    }
    putNode(.scalar(value), at: path)
  }

  /// Sets a node; missing mappings on the way are created, and new keys go where kpt's schema
  /// orders them among the keys already there.
  private mutating func putNode(_ node: YAMLNode, at path: [String]) {
    var root = document.root
    Self.insert(node, at: path[...], into: &root, shape: KptfileSchema.root)
    document.root = root
  }

  private static func insert(
    _ node: YAMLNode, at path: ArraySlice<String>, into parent: inout YAMLNode, shape: KptfileSchema
  ) {
    guard let key = path.first else {
      parent = node
      return
    }
    if !parent.isMapping { parent = .mapping() }
    let childShape = shape.field(key) ?? .any
    if let i = parent.index(ofKey: key) {
      insert(node, at: path.dropFirst(), into: &parent.entries[i].value, shape: childShape)
      return
    }
    var child = YAMLNode.mapping()
    insert(node, at: path.dropFirst(), into: &child, shape: childShape)
    let order = shape.fieldOrder
    let rank = order.firstIndex(of: key) ?? order.count
    // After the last existing key that the schema puts before this one.
    var position = 0
    for (i, entry) in parent.entries.enumerated() {
      if let r = order.firstIndex(of: entry.key.value), r < rank { position = i + 1 }
    }
    parent.entries.insert(YAMLEntry(key: .scalar(key), value: child), at: position)
  }

  /// Removes a field, then any mapping it leaves empty.
  private mutating func remove(_ path: [String]) {
    guard document.root.node(at: path) != nil else { return }
    var root = document.root
    root.remove(at: path)
    var parent = Array(path.dropLast())
    while !parent.isEmpty, let node = root.node(at: parent), node.isMapping, node.entries.isEmpty {
      root.remove(at: parent)
      parent.removeLast()
    }
    document.root = root
  }
}

/// `upstream`: where the package is updated from.
public struct Upstream: Sendable, Equatable {
  public var type: String
  public var repo: String
  public var directory: String
  public var ref: String
  public var updateStrategy: String?

  public init(
    type: String = "git", repo: String, directory: String, ref: String,
    updateStrategy: String? = nil
  ) {
    self.type = type
    self.repo = repo
    self.directory = directory
    self.ref = ref
    self.updateStrategy = updateStrategy
  }
}

/// `upstreamLock`: what the last fetch resolved.
public struct UpstreamLock: Sendable, Equatable {
  public var type: String
  public var repo: String
  public var directory: String
  public var ref: String
  public var commit: String

  public init(type: String = "git", repo: String, directory: String, ref: String, commit: String) {
    self.type = type
    self.repo = repo
    self.directory = directory
    self.ref = ref
    self.commit = commit
  }
}

/// One function of a Kptfile pipeline.
public struct KptFunction: Sendable {
  public var image: String?
  public var exec: String?
  public var configPath: String?
  public var configMap: [(key: String, value: String)]
  public var name: String?
}

/// One of `status.conditions`.
public struct KptCondition: Sendable, Equatable {
  public var type: String
  public var status: String
  public var reason: String?
  public var message: String?

  public init(type: String, status: String, reason: String? = nil, message: String? = nil) {
    self.type = type
    self.status = status
    self.reason = reason
    self.message = message
  }
}
