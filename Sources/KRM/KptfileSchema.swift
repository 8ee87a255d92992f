/// The shape of a kpt.dev/v1 Kptfile, as kpt's Go types decode it. It orders new fields and lets
/// `Kptfile.problems` reject what kpt's strict decoding rejects, naming the same Go types.
indirect enum KptfileSchema: Sendable {
  /// A scalar field, with the Go type named in messages.
  case scalar(String)
  /// `[]string`
  case strings
  /// `map[string]string`
  case stringMap
  /// A struct: Go type name and fields in declaration order.
  case object(String, [(String, KptfileSchema)])
  /// A list of structs.
  case list(KptfileSchema)
  /// Not checked.
  case any

  var goName: String {
    switch self {
    case .scalar(let name): return name
    case .strings: return "[]string"
    case .stringMap: return "map[string]string"
    case .object(let name, _): return name
    case .list(let element): return "[]" + element.goName
    case .any: return "interface {}"
    }
  }

  func field(_ key: String) -> KptfileSchema? {
    guard case .object(_, let fields) = self else { return nil }
    return fields.first { $0.0 == key }?.1
  }

  var fieldOrder: [String] {
    guard case .object(_, let fields) = self else { return [] }
    return fields.map(\.0)
  }

  private static let string = KptfileSchema.scalar("string")

  private static let selector = KptfileSchema.object(
    "v1.Selector",
    [
      ("apiVersion", string), ("kind", string), ("name", string), ("namespace", string),
      ("labels", .stringMap), ("annotations", .stringMap),
    ])

  private static let function = KptfileSchema.object(
    "v1.Function",
    [
      ("image", string), ("exec", string), ("configPath", string), ("configMap", .stringMap),
      ("name", string), ("selectors", .list(selector)), ("exclude", .list(selector)),
      // Newer kpt (and Porch built on it) writes a semver constraint here.
      ("tag", string),
    ])

  static let root = KptfileSchema.object(
    "v1.KptFile",
    [
      ("apiVersion", string), ("kind", string),
      (
        "metadata",
        .object(
          "yaml.ObjectMeta",
          [
            ("name", string), ("namespace", string), ("labels", .stringMap),
            ("annotations", .stringMap),
          ])
      ),
      (
        "upstream",
        .object(
          "v1.Upstream",
          [
            ("type", .scalar("v1.OriginType")),
            (
              "git",
              .object("v1.Git", [("repo", string), ("directory", string), ("ref", string)])
            ),
            ("updateStrategy", .scalar("v1.UpdateStrategyType")),
          ])
      ),
      (
        "upstreamLock",
        .object(
          "v1.UpstreamLock",
          [
            ("type", .scalar("v1.OriginType")),
            (
              "git",
              .object(
                "v1.GitLock",
                [("repo", string), ("directory", string), ("ref", string), ("commit", string)])
            ),
          ])
      ),
      (
        "info",
        .object(
          "v1.PackageInfo",
          [
            ("site", string), ("emails", .strings), ("license", string), ("licenseFile", string),
            ("description", string), ("keywords", .strings), ("man", string),
            (
              "readinessGates",
              .list(.object("v1.ReadinessGate", [("conditionType", string)]))
            ),
          ])
      ),
      (
        "pipeline",
        .object("v1.Pipeline", [("mutators", .list(function)), ("validators", .list(function))])
      ),
      (
        "inventory",
        .object(
          "v1.Inventory",
          [
            ("namespace", string), ("name", string), ("inventoryID", string),
            ("labels", .stringMap), ("annotations", .stringMap),
          ])
      ),
      (
        "status",
        .object(
          "v1.Status",
          [
            (
              "conditions",
              .list(
                .object(
                  "v1.Condition",
                  [
                    ("type", string), ("status", .scalar("v1.ConditionStatus")),
                    ("reason", string), ("message", string),
                  ]))
            ),
            // Written by newer kpt's render; its inner shape is not ours to police.
            ("renderStatus", .any),
          ])
      ),
    ])
}

extension Kptfile {
  /// What kpt would refuse in this Kptfile, one message per problem, in document order; empty
  /// when it is valid. Version problems come alone, as kpt checks them before decoding.
  public var problems: [String] {
    let root = document.root
    guard root.isMapping else {
      return ["line \(document.line(of: root)): cannot unmarshal \(Self.tag(root)) into v1.KptFile"]
    }
    let apiVersion = root["apiVersion"]?.string ?? ""
    let kind = root["kind"]?.string ?? ""
    if kind == Self.kind, apiVersion == "kpt.dev/v1alpha1" || apiVersion == "kpt.dev/v1alpha2" {
      let version = apiVersion.dropFirst("kpt.dev/".count)
      return [
        "old version (\"\(version)\") of the Kptfile schema; upgrade the package with the "
          + "fix function (gcr.io/kpt-fn/fix:v0.2) and retry"
      ]
    }
    guard apiVersion == Self.apiVersion, kind == Self.kind else {
      return [
        "unknown resource type (\"\(apiVersion), Kind=\(kind)\"); a Kptfile has apiVersion "
          + "\(Self.apiVersion) and kind \(Self.kind)"
      ]
    }
    var problems: [(line: Int, message: String)] = []
    Self.check(root, against: KptfileSchema.root, in: document, into: &problems)
    return problems.map { "line \($0.line): \($0.message)" }
  }

  /// What kpt would refuse in a `pipeline` mapping kept outside a Kptfile (stoop's repository
  /// guardrails), each problem with its line in `document`.
  public static func pipelineProblems(_ node: YAMLNode, in document: YAMLDocument) -> [(
    line: Int, message: String
  )] {
    var problems: [(line: Int, message: String)] = []
    if let shape = KptfileSchema.root.field("pipeline") {
      check(node, against: shape, in: document, into: &problems)
    }
    return problems
  }

  private static func check(
    _ node: YAMLNode, against shape: KptfileSchema, in document: YAMLDocument,
    into problems: inout [(line: Int, message: String)]
  ) {
    if node.isNull || node.kind == .alias { return }
    func mismatch() {
      problems.append(
        (document.line(of: node), "cannot unmarshal \(tag(node)) into \(shape.goName)"))
    }
    switch shape {
    case .any:
      return
    case .scalar:
      if !node.isScalar { mismatch() }
    case .strings:
      guard node.isSequence else { return mismatch() }
      for item in node.items {
        check(item.node, against: .scalar("string"), in: document, into: &problems)
      }
    case .stringMap:
      guard node.isMapping else { return mismatch() }
      for entry in node.entries {
        check(entry.value, against: .scalar("string"), in: document, into: &problems)
      }
    case .list(let element):
      guard node.isSequence else { return mismatch() }
      for item in node.items { check(item.node, against: element, in: document, into: &problems) }
    case .object(let name, _):
      guard node.isMapping else { return mismatch() }
      for entry in node.entries {
        guard let field = shape.field(entry.key.value) else {
          problems.append(
            (
              document.line(of: entry.key),
              "field \(entry.key.value) not found in type \(name)"
            ))
          continue
        }
        check(entry.value, against: field, in: document, into: &problems)
      }
    }
  }

  /// The YAML tag Go's decoder names in a type mismatch, with the value for scalars.
  private static func tag(_ node: YAMLNode) -> String {
    switch node.kind {
    case .mapping: return "!!map"
    case .sequence: return "!!seq"
    case .alias: return "!!alias"
    case .scalar:
      var tag = "!!str"
      if node.style == .plain {
        if ["true", "false", "True", "False", "TRUE", "FALSE"].contains(node.value) {
          tag = "!!bool"
        } else {
          switch GoScalarResolution.kind(node.value) {
          case .integer: tag = "!!int"
          case .float: tag = "!!float"
          case .timestamp: tag = "!!timestamp"
          case .string, .base60: break
          }
        }
      }
      return "\(tag) `\(node.value)`"
    }
  }
}
