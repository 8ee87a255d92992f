import KRM

extension BuiltinFunction {
  /// ensure-name-substring: every name (and chosen fields) contains a prefix or suffix; the
  /// package's references to renamed objects follow.
  static let ensureNameSubstring = BuiltinFunction(
    name: "ensure-name-substring",
    summary: "Make every object name contain a prefix or suffix, and fix references to them.",
    versions: "v0.1.x, v0.2.x, latest/unstable (catalog master)",
    configuration: """
      ConfigMap (apiVersion v1): exactly one data entry, prepend or append, whose value is the
        substring.
      EnsureNameSubstring (fn.kpt.dev/v1alpha1): substring; editMode (prepend, the default, or
        append); additionalNameFields (kustomize FieldSpecs; fieldSpecs is the deprecated name).
      """,
    example: "stoop fn eval DIR -i ensure-name-substring:v0.2.0 -- prepend=prod-",
    notes: """
      CustomResourceDefinitions, APIServices, Namespaces and the Kptfile keep their names. An \
      additional field that holds the substring is left; a list field (a path with []) gets it \
      on every element, even those that hold it, as in the catalog. References follow stoop's table of Kubernetes name references (pod specs, RBAC, Ingress, \
      autoscaling, webhooks, owner references, Config Connector), namespace by namespace.
      """,
    acceptsVersion: zeroMinor(upTo: 2),
    body: { context throws(BuiltinFailure) in try EnsureNameSubstring.run(&context) })

  /// set-name-prefix: renames objects from a placeholder prefix to the package's name.
  static let setNamePrefix = BuiltinFunction(
    name: "set-name-prefix",
    summary: "Rename objects from a placeholder prefix to the package name, fixing references.",
    versions: "v0.0.x, latest/unstable (catalog master; experimental)",
    configuration: """
      Needs the package context ConfigMap kptfile.kpt.dev (local config, data.name) among the
        resources.
      ConfigMap (apiVersion v1), optional: data.prefix (default: the package name);
        data.oldPrefix (default: packagename).
      """,
    example: "stoop fn eval DIR -i set-name-prefix -- prefix=prod oldPrefix=packagename",
    notes: """
      A name equal to the old prefix becomes the prefix; a name starting with "<old>-" becomes \
      "<new>-<rest>". Local configuration and ResourceGroups are left alone. References follow \
      the same table as ensure-name-substring.
      """,
    acceptsVersion: zeroMinor(upTo: 0),
    body: { context throws(BuiltinFailure) in try SetNamePrefix.run(&context) })
}

enum EnsureNameSubstring {
  struct Config {
    var substring: String
    var append: Bool
    var fields: [FieldSpec]
  }

  /// Go's rendering of a GroupVersionKind (`/v1, Kind=ConfigMap`).
  static func goGVK(_ node: YAMLNode?) -> String {
    let apiVersion = node?["apiVersion"]?.string ?? ""
    let groupVersion = apiVersion.contains("/") ? apiVersion : "/" + apiVersion
    return "\(groupVersion), Kind=\(node?["kind"]?.string ?? "")"
  }

  static func config(_ node: YAMLNode?) throws(BuiltinFailure) -> Config {
    func failure(_ message: String) -> BuiltinFailure {
      BuiltinFailure("failed to load the `functionConfig`: \(message)")
    }
    let apiVersion = node?["apiVersion"]?.string
    let kind = node?["kind"]?.string
    if let node, apiVersion == "v1", kind == "ConfigMap" {
      let data = node.stringMap(at: ["data"])
      guard data.count == 1, let entry = data.first else {
        throw failure("only 1 entry is allowed in the ConfigMap, but got: \(data.count)")
      }
      guard entry.key == "prepend" || entry.key == "append" else {
        throw failure("unknown editMode: \(entry.key), only prepend and append are allowed")
      }
      guard !entry.value.isEmpty else { throw failure("substring must not be empty") }
      return Config(substring: entry.value, append: entry.key == "append", fields: [])
    }
    if let node, apiVersion == "fn.kpt.dev/v1alpha1", kind == "EnsureNameSubstring" {
      let substring = node["substring"]?.string ?? ""
      guard !substring.isEmpty else { throw failure("substring must not be empty") }
      let mode = node["editMode"]?.string ?? ""
      guard ["", "prepend", "append"].contains(mode) else {
        throw failure("unknown editMode: \(mode), only prepend and append are allowed")
      }
      if node["additionalNameFields"] != nil && node["fieldSpecs"] != nil {
        throw failure(
          "`fieldSpecs` has been deprecated, please rename it to `additionalNameFields`")
      }
      let fields = (node["additionalNameFields"] ?? node["fieldSpecs"])?.items.compactMap {
        FieldSpec(node: $0.node)
      }
      return Config(substring: substring, append: mode == "append", fields: fields ?? [])
    }
    throw failure(
      "function config must be either /v1, Kind=ConfigMap or fn.kpt.dev/v1alpha1, Kind=EnsureNameSubstring, but we got: \(goGVK(node))"
    )
  }

  /// Kinds whose names are never changed.
  static func keepsName(_ item: FunctionItem) -> Bool {
    let group = item.groupVersion.group
    switch item.kind {
    case "CustomResourceDefinition", "Namespace": return true
    case "APIService": return group == "apiregistration.k8s.io"
    case "Kptfile": return group == "kpt.dev"
    default: return false
    }
  }

  static func run(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    let config = try config(context.functionConfig)
    let nameField = FieldSpec("metadata/name", create: false)
    var renames: [NameReferences.Rename] = []
    var renamedIndices: Set<Int> = []
    for i in context.items.indices where !keepsName(context.items[i]) {
      var item = context.items[i]
      for spec in [nameField] + config.fields where spec.selects(item) {
        // As the catalog does, the whole field is looked up once: when it holds the substring
        // the field spec is done, otherwise every value it reaches gets the substring (a list
        // path is never found this way, so all its elements do).
        if let found = spec.lookup(in: item.document.root), found.isScalar,
          found.value.contains(config.substring)
        {
          continue
        }
        let isName = spec.path == nameField.path
        let before = item
        spec.apply(to: &item.document.root, leaf: .scalar("")) { node, _ in
          guard node.isScalar else { return }
          let text =
            config.append ? node.value + config.substring : config.substring + node.value
          if isName {
            renames.append(NameReferences.rename(of: before, to: text))
            renamedIndices.insert(i)
          }
          node.renameScalar(text)
        }
      }
      context.items[i] = item
    }
    fixDependsOn(&context, renames: renames, renamed: renamedIndices)
    NameReferences.follow(renames, in: &context.items)
  }

  /// A renamed object's single depends-on reference to an object of the input that was renamed
  /// follows that object (group, kind and name; the namespace is not compared).
  static func fixDependsOn(
    _ context: inout BuiltinContext, renames: [NameReferences.Rename], renamed: Set<Int>
  ) {
    let key = "config.kubernetes.io/depends-on"
    for i in renamed.sorted() {
      guard let value = context.items[i].resource.annotation(key), !value.contains(",")
      else { continue }
      var parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
      guard parts.count == 3 || (parts.count == 5 && parts[1] == "namespaces"),
        let name = parts.last,
        let target = renames.first(where: {
          $0.group == parts[0] && $0.kind == parts[parts.count - 2] && $0.oldName == name
        })
      else { continue }
      parts[parts.count - 1] = target.newName
      context.items[i].document.root.setString(
        parts.joined(separator: "/"), at: ["metadata", "annotations", key])
    }
  }
}

enum SetNamePrefix {
  static func run(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    let contexts = context.items.filter {
      $0.isLocalConfig && $0.kind == "ConfigMap" && $0.name == "kptfile.kpt.dev"
    }
    guard let packageContext = contexts.first else {
      throw BuiltinFailure("failed to evaluate function: unable to find package context object")
    }
    guard contexts.count == 1 else {
      throw BuiltinFailure(
        "failed to evaluate function: found multiple matches for package-context object")
    }
    var prefix = packageContext.document.root.node(at: ["data", "name"])?.string ?? ""
    guard !prefix.isEmpty else {
      throw BuiltinFailure(
        "failed to evaluate function: package name (data.name) not set in package context object"
      )
    }
    var oldPrefix = "packagename"
    if let node = context.functionConfig, node.isMapping {
      guard node["apiVersion"]?.string == "v1", node["kind"]?.string == "ConfigMap" else {
        context.results.append(
          FunctionResultItem(
            message: "functionConfig error: unknown functionConfig Kind /, Kind=",
            severity: "error"))
        return
      }
      if let value = node.node(at: ["data", "prefix"])?.string { prefix = value }
      if let value = node.node(at: ["data", "oldPrefix"])?.string { oldPrefix = value }
    }
    guard !prefix.isEmpty else {
      throw BuiltinFailure("failed to evaluate function: `data.prefix` should not be empty")
    }
    var renames: [NameReferences.Rename] = []
    for i in context.items.indices {
      let item = context.items[i]
      if item.isLocalConfig { continue }
      if item.kind == "ResourceGroup" && item.groupVersion.group == "kpt.dev" { continue }
      let name = item.name
      let newName: String
      if name == oldPrefix {
        newName = prefix
      } else if name.hasPrefix(oldPrefix + "-") {
        newName = prefix + "-" + name.dropFirst(oldPrefix.count + 1)
      } else {
        continue
      }
      renames.append(NameReferences.rename(of: item, to: newName))
      FieldSpec("metadata/name", create: false).apply(to: &context.items[i].document.root) {
        node, _ in node.renameScalar(newName)
      }
    }
    NameReferences.follow(renames, in: &context.items)
  }
}
