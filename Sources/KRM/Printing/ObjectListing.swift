/// An object that writes its own `-o yaml` and `-o json` text straight from its fields, which
/// for a long listing is much cheaper than building its tree and emitting that. Whatever it
/// writes must be byte for byte what the tree would print.
public protocol SelfPrintingObject: Sendable {
  /// The object's tree: what templates, `--sort-by` and a single object's output read.
  var node: YAMLNode { get }
  /// The object as one item of a List's `items`: `- ` at column 0, in the compact sequence
  /// style, ending with a line break.
  func writeYAMLItem(into out: inout [UInt8])
  /// The object as JSON at `level` (in steps of four spaces), without a line break after it.
  func writeJSON(level: Int, into out: inout [UInt8])
}

/// One object to print: its YAML form (`-o yaml`), its typed JSON (every other format) and its
/// cells in the resource's own table. An object given as a `SelfPrintingObject` is built only
/// when a format asks for its tree, so tables and names of thousands of objects cost little.
public struct PrintableObject: Sendable {
  private enum Source: Sendable {
    case built(YAMLNode, JSONValue)
    case deferred(any SelfPrintingObject, JSONShape)
  }

  private let source: Source
  public var cells: [String]
  public let name: String
  public let namespace: String
  public let labels: [String: String]

  public init(node: YAMLNode, value: JSONValue, cells: [String]) {
    source = .built(node, value)
    self.cells = cells
    name = value["metadata"]?["name"]?.stringValue ?? ""
    namespace = value["metadata"]?["namespace"]?.stringValue ?? ""
    if case .object(let members)? = value["metadata"]?["labels"] {
      labels = members.compactMapValues(\.stringValue)
    } else {
      labels = [:]
    }
  }

  /// An object built on demand; `name`, `namespace` and `labels` are what its metadata holds.
  public init(
    _ object: any SelfPrintingObject, shape: JSONShape, cells: [String], name: String,
    namespace: String, labels: [String: String]
  ) {
    source = .deferred(object, shape)
    self.cells = cells
    self.name = name
    self.namespace = namespace
    self.labels = labels
  }

  public var node: YAMLNode {
    switch source {
    case .built(let node, _): return node
    case .deferred(let object, _): return object.node
    }
  }

  public var value: JSONValue {
    switch source {
    case .built(_, let value): return value
    case .deferred(let object, let shape): return JSONValue(object.node, shape: shape)
    }
  }

  /// The object as an item of a List (see `SelfPrintingObject.writeYAMLItem`).
  func writeYAMLItem(into out: inout [UInt8]) {
    switch source {
    case .built(let node, _):
      out += YAMLDocument(root: .sequence([node])).text(sequenceIndent: .compact)
    case .deferred(let object, _):
      object.writeYAMLItem(into: &out)
    }
  }

  func writeJSON(level: Int, into out: inout [UInt8]) {
    switch source {
    case .built(_, let value): value.write(into: &out, indent: 4, level: level)
    case .deferred(let object, _): object.writeJSON(level: level, into: &out)
    }
  }
}

/// What a `get` found, ready for any of kubectl's printers.
public struct ObjectListing: Sendable {
  /// `packagerevision.porch.kpt.dev`: what `-o name` and `--show-kind` put before a name.
  public var resource: String
  /// The resource's table columns (upper case).
  public var columns: [String]
  public var items: [PrintableObject]
  /// Exactly one name was asked for: `-o yaml|json` and templates get the object, not a List.
  public var singleItem: Bool

  public init(resource: String, columns: [String], items: [PrintableObject], singleItem: Bool) {
    self.resource = resource
    self.columns = columns
    self.items = items
    self.singleItem = singleItem
  }
}

/// kubectl's printer flags besides `-o`.
public struct PrintOptions: Sendable {
  public var noHeaders = false
  public var showLabels = false
  /// `-L`: one column per label key.
  public var labelColumns: [String] = []
  public var showKind = false
  public var withNamespace = false
  public var sortBy: String?
  public var allowMissingTemplateKeys = true

  public init() {}
}
