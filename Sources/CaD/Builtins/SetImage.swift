import KRM

extension BuiltinFunction {
  static let setImage = BuiltinFunction(
    name: "set-image",
    summary: "Change the name, tag or digest of container images that match a name.",
    versions: "v0.1.x (kustomize images), latest/unstable (catalog master)",
    configuration: """
      ConfigMap (v1): data.name, data.newName, data.newTag, data.digest.
      SetImage (fn.kpt.dev/v1alpha1): image {name, newName, newTag, digest};
        additionalImageFields (kustomize FieldSpecs: more image fields, in any kind).
      """,
    example: "stoop fn eval DIR -i set-image:v0.1.1 -- name=nginx newTag=1.21",
    notes: """
      With only newName, the old tag or digest is kept (kustomize and v0.1.1 behaviour); catalog \
      master drops the tag's colon in containers, turning nginx:1.20 into <newName>1.20. The \
      name is matched as written; the catalog reads it as a regular expression.
      """,
    acceptsVersion: zeroMinor(upTo: 1),
    body: { context throws(BuiltinFailure) in try SetImage.run(&context) })
}

enum SetImage {
  struct Config {
    var name = ""
    var newName = ""
    var newTag = ""
    var digest = ""
    /// `additionalImageFields` of a SetImage config; nil when the key is absent.
    var additionalFields: [FieldSpec]?
  }

  /// kustomize's image fields, which v0.1.x searches in every kind.
  static let kustomizeFields = [
    FieldSpec("spec/containers[]/image", create: false),
    FieldSpec("spec/initContainers[]/image", create: false),
    FieldSpec("spec/template/spec/containers[]/image", create: false),
    FieldSpec("spec/template/spec/initContainers[]/image", create: false),
  ]

  static func terminate(_ context: inout BuiltinContext, _ message: String) -> BuiltinFailure {
    context.results.append(FunctionResultItem(message: message, severity: "error"))
    context.results.append(
      FunctionResultItem(message: "function is terminated: \(message)", severity: "error"))
    return BuiltinFailure("failed to evaluate function: function is terminated: \(message)")
  }

  static func run(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    var config = Config()
    if let node = context.functionConfig, node.isMapping {
      switch node["kind"]?.string ?? "" {
      case "ConfigMap":
        for (key, value) in node.stringMap(at: ["data"]) {
          switch key {
          case "name": config.name = value
          case "newName": config.newName = value
          case "newTag": config.newTag = value
          case "digest": config.digest = value
          default: throw terminate(&context, "ConfigMap has wrong field name \(key)")
          }
        }
      case "SetImage":
        config.name = node.node(at: ["image", "name"])?.string ?? ""
        config.newName = node.node(at: ["image", "newName"])?.string ?? ""
        config.newTag = node.node(at: ["image", "newTag"])?.string ?? ""
        config.digest = node.node(at: ["image", "digest"])?.string ?? ""
        if let fields = node["additionalImageFields"], !fields.isNull {
          // kustomize's image filter never creates a missing field.
          config.additionalFields = fields.items.compactMap { FieldSpec(node: $0.node) }.map {
            var spec = $0
            spec.create = false
            return spec
          }
        }
      case let kind:
        throw terminate(&context, "unknown FunctionConfig `\(kind)`, expect SetImage")
      }
    } else {
      context.info("`FunctionConfig` is not given")
    }
    if config.name.isEmpty { throw terminate(&context, "must specify `name`") }
    if config.newName.isEmpty && config.newTag.isEmpty && config.digest.isEmpty {
      throw terminate(&context, "must specify one of `newName`, `newTag`, or `digest`")
    }
    if context.isBefore([0, 2]) && context.version != nil {
      kustomize(&context, config)
    } else {
      master(&context, config)
    }
  }

  /// v0.1.x: kustomize's image filter over the user's fields, then kustomize's own.
  static func kustomize(_ context: inout BuiltinContext, _ config: Config) {
    var changes: [String] = []
    for i in context.items.indices where context.items[i].kind != "CustomResourceDefinition" {
      let item = context.items[i]
      for spec in (config.additionalFields ?? []) + kustomizeFields where spec.selects(item) {
        spec.apply(to: &context.items[i].document.root) { node, _ in
          guard node.isScalar, let updated = update(node.value, config), updated != node.value
          else { return }
          changes.append("set image from \(node.value) to \(updated)")
          node = .scalar(updated)
        }
      }
    }
    if changes.isEmpty { changes = ["no images changed"] }
    for change in changes { context.info(change) }
  }

  /// Catalog master: the containers of Pods and of the pod templates of five kinds, by kind
  /// alone, counted when they change; then kustomize's filter over `additionalImageFields`,
  /// which counts every image it matches.
  static func master(_ context: inout BuiltinContext, _ config: Config) {
    var count = 0
    for i in context.items.indices {
      let path: [String]
      switch context.items[i].kind {
      case "Pod": path = ["spec", "containers"]
      case "Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "PodTemplate":
        path = ["spec", "template", "spec", "containers"]
      default: continue
      }
      guard let containers = context.items[i].document.root.node(at: path), containers.isSequence
      else { continue }
      for j in containers.items.indices {
        guard let image = containers.items[j].node["image"]?.string,
          let updated = update(image, config), updated != image
        else { continue }
        context.items[i].document.root.setString(updated, at: path + [String(j), "image"])
        count += 1
      }
    }
    if let fields = config.additionalFields {
      for i in context.items.indices where context.items[i].kind != "CustomResourceDefinition" {
        let item = context.items[i]
        for spec in fields where spec.selects(item) {
          spec.apply(to: &context.items[i].document.root) { node, _ in
            guard node.isScalar, let updated = update(node.value, config) else { return }
            count += 1
            if updated != node.value { node = .scalar(updated) }
          }
        }
      }
    }
    context.info("summary: updated a total of \(count) image(s)")
  }

  /// The new image when `image` is the configured name followed by nothing, a tag, a sha256
  /// digest, or both (kustomize's rule: tags and digests of `[A-Za-z0-9_.{}-]`); nil when it
  /// does not match. A new tag or digest replaces both the old tag and digest.
  static func update(_ image: String, _ config: Config) -> String? {
    guard matches(image, config.name) else { return nil }
    var (name, tag, digest) = split(image)
    if !config.newName.isEmpty { name = config.newName }
    if !config.digest.isEmpty {
      (tag, digest) = ("", config.digest)
    } else if !config.newTag.isEmpty {
      (tag, digest) = (config.newTag, "")
    }
    return name + (tag.isEmpty ? "" : ":" + tag) + (digest.isEmpty ? "" : "@" + digest)
  }

  static func matches(_ image: String, _ name: String) -> Bool {
    guard image.hasPrefix(name) else { return false }
    var rest = Substring(image.dropFirst(name.count))
    func reference(_ text: Substring) -> Bool {
      text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.{}-".contains($0)) }
    }
    if let at = rest.firstIndex(of: "@") {
      guard rest[at...].hasPrefix("@sha256:"),
        reference(rest[rest.index(at, offsetBy: "@sha256:".count)...])
      else { return false }
      rest = rest[..<at]
    }
    return rest.isEmpty || (rest.first == ":" && reference(rest.dropFirst()))
  }

  /// kustomize's split of `[host[:port]/]path[:tag][@digest]`: the first `:` or `@` after the
  /// first `/` ends the name.
  static func split(_ image: String) -> (name: String, tag: String, digest: String) {
    let slash = image.firstIndex(of: "/") ?? image.startIndex
    let search = image[slash...]
    let at = search.firstIndex(of: "@")
    let colon = search.firstIndex(of: ":")
    switch (colon, at) {
    case (nil, nil):
      return (image, "", "")
    case (let colon?, let at?) where colon < at:
      return (
        String(image[..<colon]), String(image[image.index(after: colon)..<at]),
        String(image[image.index(after: at)...])
      )
    case (_, let at?):
      return (String(image[..<at]), "", String(image[image.index(after: at)...]))
    case (let colon?, nil):
      return (String(image[..<colon]), String(image[image.index(after: colon)...]), "")
    }
  }
}
