import Foundation
import KRM

extension BuiltinFunction {
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
