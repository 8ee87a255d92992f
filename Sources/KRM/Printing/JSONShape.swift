/// The JSON types of an API object's fields, so that YAML scalars become the JSON an API server
/// would return (a label `"true"` stays a string, `spec.revision: 2` a number) instead of whatever
/// their spelling suggests.
public indirect enum JSONShape: Sendable {
  case string
  case bool
  case integer
  /// A struct: known members by name; members not listed are read as `.free`.
  case object([String: JSONShape])
  /// `map[string]T`.
  case map(JSONShape)
  /// `[]T`.
  case array(JSONShape)
  /// Free-form content (an `interface{}` or a field the shape does not know): typed by its YAML
  /// tags as written (core schema), as a YAML-to-JSON conversion does.
  case free

  /// `metav1.ObjectMeta`, the part every object shares.
  public static let objectMeta = JSONShape.object([
    "name": .string, "generateName": .string, "namespace": .string, "uid": .string,
    "resourceVersion": .string, "generation": .integer, "creationTimestamp": .string,
    "deletionTimestamp": .string, "deletionGracePeriodSeconds": .integer,
    "labels": .map(.string), "annotations": .map(.string), "finalizers": .array(.string),
    "ownerReferences": .array(
      .object([
        "apiVersion": .string, "kind": .string, "name": .string, "uid": .string,
        "controller": .bool, "blockOwnerDeletion": .bool,
      ])),
  ])

  /// `metav1.Condition` (and Porch's own Condition, a subset of it).
  public static let condition = JSONShape.object([
    "type": .string, "status": .string, "reason": .string, "message": .string,
    "lastTransitionTime": .string, "observedGeneration": .integer,
  ])
}

extension JSONValue {
  /// The JSON value of a YAML node read by its API type.
  public init(_ node: YAMLNode, shape: JSONShape) {
    switch (shape, node.kind) {
    case (.string, .scalar):
      // A field written as a plain `null` (a time not set yet) is Go's nil; anything else,
      // an empty plain scalar included, is the string.
      self =
        node.isNull && (node.value == "null" || node.value == "~") ? .null : .string(node.value)
    case (.bool, .scalar):
      switch node.value {
      case "true", "True", "TRUE": self = .bool(true)
      case "false", "False", "FALSE": self = .bool(false)
      default: self = JSONValue(node, shape: .free)
      }
    case (.integer, .scalar):
      if let number = Int(node.value) {
        self = .number(String(number))
      } else {
        self = JSONValue(node, shape: .free)
      }
    case (.object(let fields), .mapping):
      var members: [String: JSONValue] = [:]
      for entry in node.entries {
        members[entry.key.value] = JSONValue(entry.value, shape: fields[entry.key.value] ?? .free)
      }
      self = .object(members)
    case (.map(let element), .mapping):
      var members: [String: JSONValue] = [:]
      for entry in node.entries {
        members[entry.key.value] = JSONValue(entry.value, shape: element)
      }
      self = .object(members)
    case (.array(let element), .sequence):
      self = .array(node.items.map { JSONValue($0.node, shape: element) })
    case (_, .mapping):
      self = JSONValue(node, shape: .object([:]))
    case (_, .sequence):
      self = .array(node.items.map { JSONValue($0.node, shape: .free) })
    case (_, .alias):
      self = .null
    case (_, .scalar):
      self = Self.resolved(node)
    }
  }

  /// A scalar typed by YAML's core schema: quoted or `!!str` is a string, plain `null`, `true`,
  /// `3` and `1.5` are what they spell.
  static func resolved(_ node: YAMLNode) -> JSONValue {
    guard node.style == .plain, node.tag == nil || node.tag != "!!str" else {
      return .string(node.value)
    }
    if node.isNull { return .null }
    switch node.value {
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    default: break
    }
    if let number = GoScalarResolution.jsonNumber(node.value) { return .number(number) }
    return .string(node.value)
  }
}

extension JSONShape {
  /// The type of a struct's member, as `JSONValue(_:shape:)` reads it (`.free` when unknown).
  public subscript(member name: String) -> JSONShape {
    if case .object(let fields) = self { return fields[name] ?? .free }
    return .free
  }
}
