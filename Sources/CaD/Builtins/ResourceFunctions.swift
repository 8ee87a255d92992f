import Foundation
import KRM

extension BuiltinFunction {
  static let setImage = BuiltinFunction(
    name: "set-image",
    summary: "Change the name, tag or digest of container images that match a name.",
    versions: "v0.1.x (kustomize images), latest/unstable (catalog master)",
    configuration: """
      ConfigMap (v1): data.name, data.newName, data.newTag, data.digest.
      SetImage (fn.kpt.dev/v1alpha1): image {name, newName, newTag, digest}.
      """,
    example: "stoop fn eval DIR -i set-image:v0.1.1 -- name=nginx newTag=1.21",
    notes: """
      With only newName, the old tag or digest is kept (kustomize and v0.1.1 behaviour); catalog \
      master drops the tag's colon, turning nginx:1.20 into <newName>1.20.
      """,
    acceptsVersion: zeroMinor(upTo: 1),
    body: { context throws(BuiltinFailure) in try SetImage.run(&context) })

  static let upsertResource = BuiltinFunction(
    name: "upsert-resource",
    summary:
      "Insert a resource, or replace the resources with the same group, kind, name and namespace.",
    versions: "v0.1.x, v0.2.x, latest/unstable (catalog master)",
    configuration: """
      The functionConfig is the resource to upsert, or a List whose items are upserted in order.
      config.kubernetes.io/target-path on it limits matching to that file and names the file of
        a new resource.
      """,
    example: "stoop fn eval DIR -i upsert-resource:v0.2 --fn-config service.yaml",
    notes: "",
    acceptsVersion: zeroMinor(upTo: 2),
    body: { context throws(BuiltinFailure) in try UpsertResource.run(&context) })

  static let removeLocalConfigResources = BuiltinFunction(
    name: "remove-local-config-resources",
    summary: "Remove resources annotated config.kubernetes.io/local-config: \"true\".",
    versions: "v0.1.x, latest/unstable (catalog master)",
    configuration: "No functionConfig.",
    example: "stoop fn eval DIR -i remove-local-config-resources:v0.1 -o unwrap",
    notes: """
      A Kptfile is never removed: in a render or an in-place eval it would delete the package's \
      own Kptfile, which stoop refuses.
      """,
    acceptsVersion: zeroMinor(upTo: 1),
    body: { context throws(BuiltinFailure) in
      var removed: [FunctionItem] = []
      context.items.removeAll { item in
        guard !item.isKptfile,
          item.resource.annotation(Annotation.localConfig)?.lowercased() == "true"
        else { return false }
        removed.append(item)
        return true
      }
      guard !removed.isEmpty else {
        context.results.append(
          FunctionResultItem(
            message: "Found no resources to prune with the local config annotation",
            severity: "warning"))
        return
      }
      context.info("Number of resources pruned: \(removed.count)")
      for item in removed {
        var result = FunctionResultItem(message: "Resource name: [\(item.name)]", severity: "info")
        result.filePath = item.path ?? ""
        context.results.append(result)
      }
    })
}

enum SetImage {
  struct Config {
    var name = ""
    var newName = ""
    var newTag = ""
    var digest = ""
  }

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
    let legacy = context.isBefore([0, 2]) && context.version != nil
    var count = 0
    for i in context.items.indices {
      var item = context.items[i]
      let paths: [[String]]
      if legacy {
        paths = [
          ["spec", "containers"], ["spec", "initContainers"],
          ["spec", "template", "spec", "containers"],
          ["spec", "template", "spec", "initContainers"],
        ]
      } else if item.kind == "Pod" {
        paths = [["spec", "containers"]]
      } else if ["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet"].contains(item.kind) {
        paths = [["spec", "template", "spec", "containers"]]
      } else {
        paths = []
      }
      for path in paths {
        guard let containers = item.document.root.node(at: path), containers.isSequence else {
          continue
        }
        for j in containers.items.indices {
          guard let image = containers.items[j].node["image"]?.string,
            let updated = update(image, config)
          else { continue }
          if updated == image { continue }
          item.document.root.setString(updated, at: path + [String(j), "image"])
          count += 1
          if legacy { context.info("set image from \(image) to \(updated)") }
        }
      }
      context.items[i] = item
    }
    if legacy {
      if count == 0 { context.info("no images changed") }
    } else {
      context.info("summary: updated a total of \(count) image(s)")
    }
  }

  /// The new image when `image` is `name` with an optional tag and digest; nil when it does not
  /// match.
  static func update(_ image: String, _ config: Config) -> String? {
    var rest = Substring(image)
    var digest = ""
    if let at = rest.firstIndex(of: "@") {
      digest = String(rest[rest.index(after: at)...])
      rest = rest[..<at]
    }
    var tag = ""
    if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
      tag = String(rest[rest.index(after: colon)...])
      rest = rest[..<colon]
    }
    guard rest == config.name else { return nil }
    let name = config.newName.isEmpty ? String(rest) : config.newName
    if !config.digest.isEmpty { return name + "@" + config.digest }
    if !config.newTag.isEmpty { return name + ":" + config.newTag }
    if !digest.isEmpty { return name + (tag.isEmpty ? "" : ":" + tag) + "@" + digest }
    return name + (tag.isEmpty ? "" : ":" + tag)
  }
}

enum UpsertResource {
  static let targetPath = "config.kubernetes.io/target-path"

  static func run(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    guard let config = context.functionConfig, config.isMapping else {
      throw BuiltinFailure("failed to upsert resource: functionConfig is missing")
    }
    let inputs: [YAMLNode] =
      config["kind"]?.string == "List" ? (config["items"]?.items.map(\.node) ?? []) : [config]
    for input in inputs {
      var resource = Resource(document: YAMLDocument(root: input))
      let target = resource.annotation(targetPath)
      resource.removeAnnotations([
        targetPath, "config.kubernetes.io/function", "config.k8s.io/function",
      ])
      let candidate = FunctionItem(document: resource.document)
      var matched = false
      for i in context.items.indices {
        let item = context.items[i]
        guard item.groupVersion.group == candidate.groupVersion.group,
          item.kind == candidate.kind, item.name == candidate.name,
          (item.namespace ?? "") == (candidate.namespace ?? ""),
          target == nil || item.path == target,
          item.resource.annotation("config.kubernetes.io/function") == nil,
          item.resource.annotation("config.k8s.io/function") == nil
        else { continue }
        matched = true
        var replacement = resource
        replacement.document.root.restoreLayout(from: item.document.root)
        for key in Annotation.readerKeys {
          if let value = item.resource.annotation(key) { replacement.setAnnotation(key, value) }
        }
        replacement.document.headComments = item.document.headComments
        context.items[i].document = replacement.document
      }
      if !matched {
        var added = FunctionItem(document: resource.document)
        if let target { added.setLocation(path: target, index: nil) }
        context.items.append(added)
      }
    }
  }
}
