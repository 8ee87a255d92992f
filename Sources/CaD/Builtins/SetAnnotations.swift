import KRM

extension BuiltinFunction {
  /// set-annotations: annotations on every resource and on pod templates.
  static let setAnnotations = BuiltinFunction(
    name: "set-annotations",
    summary: "Add or update annotations on every resource and on its pod templates.",
    versions: "v0.1.x, latest/unstable (catalog master)",
    configuration: """
      ConfigMap (apiVersion v1): every data entry is an annotation.
      SetAnnotations / SetAnnotationConfig (fn.kpt.dev/v1alpha1): annotations;
        additionalAnnotationFields (kustomize FieldSpecs; fieldSpecs is the deprecated name).
      """,
    example: "stoop fn eval DIR -i set-annotations:v0.1.4 -- owner=team-a",
    notes: "Local configuration resources are annotated too, as in the catalog.",
    acceptsVersion: zeroMinor(upTo: 1),
    body: { context throws(BuiltinFailure) in try SetAnnotations.run(&context) })
}

enum SetAnnotations {
  static let defaults: [FieldSpec] = {
    var specs = [FieldSpec("metadata/annotations", create: true)]
    for (group, version, kind) in [
      ("", "v1", "ReplicationController"), ("", "", "Deployment"), ("", "", "ReplicaSet"),
      ("", "", "DaemonSet"), ("", "", "StatefulSet"), ("batch", "", "Job"),
    ] {
      specs.append(
        FieldSpec(
          "spec/template/metadata/annotations", group: group, version: version, kind: kind,
          create: true))
    }
    specs.append(
      FieldSpec(
        "spec/jobTemplate/metadata/annotations", group: "batch", kind: "CronJob", create: true))
    specs.append(
      FieldSpec(
        "spec/jobTemplate/spec/template/metadata/annotations", group: "batch", kind: "CronJob",
        create: true))
    return specs
  }()

  static func run(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    // v0.1.x: kustomize's transformer behind the 2021 function framework.
    let legacy = context.isBefore([0, 2])
    func failure(_ message: String) -> BuiltinFailure {
      legacy
        ? BuiltinFailure(frameworkError: "failed to configure function: " + message)
        : BuiltinFailure("[error]: failed to configure function: " + message)
    }
    let mustBe =
      legacy
      ? "function config must be a ConfigMap or SetAnnotationConfig"
      : "`functionConfig` must be a `ConfigMap` or `SetAnnotations`"
    guard let node = context.functionConfig, node.isMapping else { throw failure(mustBe) }
    var annotations: [(key: String, value: String)]
    var extra: [FieldSpec] = []
    switch (node["apiVersion"]?.string, node["kind"]?.string) {
    case ("v1", "ConfigMap"):
      annotations = node.stringMap(at: ["data"])
    case ("fn.kpt.dev/v1alpha1", "SetAnnotationConfig"),
      ("fn.kpt.dev/v1alpha1", "SetAnnotations") where !legacy:
      annotations = node.stringMap(at: ["annotations"])
      if node["additionalAnnotationFields"] != nil && node["fieldSpecs"] != nil {
        throw failure(
          "`fieldSpecs` has been deprecated, please rename it to `additionalAnnotationFields`")
      }
      let fields = node["additionalAnnotationFields"] ?? node["fieldSpecs"]
      extra = fields?.items.compactMap { FieldSpec(node: $0.node) } ?? []
    default:
      throw failure(mustBe)
    }
    if annotations.isEmpty { throw failure("input annotation list cannot be empty") }
    if legacy { context.rebuildAnnotationMaps() }
    annotations.sort { $0.key < $1.key }
    let summary =
      "set annotations: {"
      + annotations.map { GoJSON.quote($0.key) + ":" + GoJSON.quote($0.value) }.joined(
        separator: ",")
      + "}"
    var results: [(path: String, index: Int, field: String)] = []
    for i in context.items.indices {
      var item = context.items[i]
      let (path, index) = item.fileReference
      for spec in extra + defaults where spec.selects(item) {
        spec.apply(to: &item.document.root) { map, trail in
          for (key, value) in annotations { map.setMapValue(key, value) }
          results.append((path, index, trail.joined(separator: ".")))
        }
      }
      context.items[i] = item
    }
    // Releases before catalog master report nothing.
    guard context.version == nil else { return }
    if results.isEmpty {
      context.results.append(FunctionResultItem(message: "no annotations applied"))
      return
    }
    results.sort { ($0.path, $0.index, $0.field) < ($1.path, $1.index, $1.field) }
    for entry in results {
      var result = FunctionResultItem(message: summary)
      result.fieldPath = entry.field
      result.filePath = entry.path
      result.fileIndex = entry.index
      context.results.append(result)
    }
  }
}
