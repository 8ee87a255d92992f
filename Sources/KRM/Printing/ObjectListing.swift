/// One object to print: its YAML form (`-o yaml`), its typed JSON (every other format) and its
/// cells in the resource's own table.
public struct PrintableObject: Sendable {
  public var node: YAMLNode
  public var value: JSONValue
  public var cells: [String]

  public init(node: YAMLNode, value: JSONValue, cells: [String]) {
    self.node = node
    self.value = value
    self.cells = cells
  }

  public var name: String { value["metadata"]?["name"]?.stringValue ?? "" }
  public var namespace: String { value["metadata"]?["namespace"]?.stringValue ?? "" }

  public var labels: [String: String] {
    guard case .object(let members)? = value["metadata"]?["labels"] else { return [:] }
    return members.compactMapValues(\.stringValue)
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
