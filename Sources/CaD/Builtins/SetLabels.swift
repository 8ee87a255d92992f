import KRM

extension BuiltinFunction {
  /// set-labels: labels on every resource and on the selectors and templates that must match.
  static let setLabels = BuiltinFunction(
    name: "set-labels",
    summary:
      "Add or update labels on every resource and on the selectors and templates that must match them.",
    versions: "v0.1.x (kustomize commonLabels), v0.2.x, latest/unstable (catalog master)",
    configuration: """
      ConfigMap: every data entry is a label.
      SetLabels (fn.kpt.dev, master) / SetLabelConfig (fn.kpt.dev/v1alpha1, v0.1.x): labels;
        v0.1.x also additionalLabelFields (kustomize FieldSpecs).
      """,
    example: "stoop fn eval DIR -i set-labels:v0.1.5 -- app=web tier=backend",
    notes: """
      From v0.2 on, resources annotated config.kubernetes.io/local-config are left alone, as in \
      the catalog; v0.1.x labels them too. From v0.2 on, the selectors of Jobs, CronJob job \
      templates, PodDisruptionBudgets and NetworkPolicies (and topology spread and affinity \
      selectors) only have labels updated whose keys they already hold, as in the catalog; \
      v0.1.x adds every label to them.
      """,
    acceptsVersion: zeroMinor(upTo: 2),
    body: { context throws(BuiltinFailure) in
      if context.isBefore([0, 2]) {
        try SetLabels.kustomize(&context)
      } else {
        try SetLabels.run(&context)
      }
    })
}

enum SetLabels {
  /// kustomize's commonLabels field specs, in its order.
  static let kustomizeSpecs: [FieldSpec] = {
    var specs = [
      FieldSpec("metadata/labels", create: true),
      FieldSpec("spec/selector", version: "v1", kind: "Service", create: true),
      FieldSpec("spec/selector", version: "v1", kind: "ReplicationController", create: true),
      FieldSpec(
        "spec/template/metadata/labels", version: "v1", kind: "ReplicationController",
        create: true),
      FieldSpec("spec/selector/matchLabels", kind: "Deployment", create: true),
      FieldSpec("spec/template/metadata/labels", kind: "Deployment", create: true),
    ]
    let affinity = [
      "podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
      "podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
      "podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
      "podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    ]
    for path in affinity {
      specs.append(
        FieldSpec(
          "spec/template/spec/affinity/" + path, group: "apps", kind: "Deployment", create: false))
    }
    specs += [
      FieldSpec(
        "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", group: "apps",
        kind: "Deployment", create: false),
      FieldSpec("spec/selector/matchLabels", kind: "ReplicaSet", create: true),
      FieldSpec("spec/template/metadata/labels", kind: "ReplicaSet", create: true),
      FieldSpec("spec/selector/matchLabels", kind: "DaemonSet", create: true),
      FieldSpec("spec/template/metadata/labels", kind: "DaemonSet", create: true),
      FieldSpec("spec/selector/matchLabels", group: "apps", kind: "StatefulSet", create: true),
      FieldSpec("spec/template/metadata/labels", group: "apps", kind: "StatefulSet", create: true),
    ]
    for path in affinity {
      specs.append(
        FieldSpec(
          "spec/template/spec/affinity/" + path, group: "apps", kind: "StatefulSet", create: false))
    }
    specs += [
      FieldSpec(
        "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", group: "apps",
        kind: "StatefulSet", create: false),
      FieldSpec(
        "spec/volumeClaimTemplates[]/metadata/labels", group: "apps", kind: "StatefulSet",
        create: true),
      FieldSpec("spec/selector/matchLabels", group: "batch", kind: "Job", create: false),
      FieldSpec("spec/template/metadata/labels", group: "batch", kind: "Job", create: true),
      FieldSpec(
        "spec/jobTemplate/spec/selector/matchLabels", group: "batch", kind: "CronJob",
        create: false),
      FieldSpec("spec/jobTemplate/metadata/labels", group: "batch", kind: "CronJob", create: true),
      FieldSpec(
        "spec/jobTemplate/spec/template/metadata/labels", group: "batch", kind: "CronJob",
        create: true),
      FieldSpec(
        "spec/selector/matchLabels", group: "policy", kind: "PodDisruptionBudget", create: false),
      FieldSpec(
        "spec/podSelector/matchLabels", group: "networking.k8s.io", kind: "NetworkPolicy",
        create: false),
      FieldSpec(
        "spec/ingress/from/podSelector/matchLabels", group: "networking.k8s.io",
        kind: "NetworkPolicy", create: false),
      FieldSpec(
        "spec/egress/to/podSelector/matchLabels", group: "networking.k8s.io",
        kind: "NetworkPolicy", create: false),
    ]
    return specs
  }()

  /// v0.1.x: kustomize's commonLabels, on every resource including local configuration.
  static func kustomize(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    func fail(_ message: String) -> BuiltinFailure {
      let text = "failed to configure function: " + message
      context.results.append(FunctionResultItem(message: text, severity: "error"))
      return BuiltinFailure(text)
    }
    // kpt's own e2e cases pin this wording for v0.1.4.
    let mustBe = "function config must be a ConfigMap or SetLabelConfig"
    guard let node = context.functionConfig, node.isMapping else { throw fail(mustBe) }
    var labels: [(key: String, value: String)]
    var extra: [FieldSpec] = []
    switch (node["apiVersion"]?.string, node["kind"]?.string) {
    case ("v1", "ConfigMap"):
      labels = node.stringMap(at: ["data"])
    case ("fn.kpt.dev/v1alpha1", "SetLabelConfig"), ("fn.kpt.dev/v1alpha1", "SetLabels"):
      labels = node.stringMap(at: ["labels"])
      if node["additionalLabelFields"] != nil && node["fieldSpecs"] != nil {
        throw fail("fieldSpecs has been deprecated, please rename it to additionalLabelFields")
      }
      let fields = node["additionalLabelFields"] ?? node["fieldSpecs"]
      extra = fields?.items.compactMap { FieldSpec(node: $0.node) } ?? []
    default:
      throw fail(mustBe)
    }
    if labels.isEmpty { throw fail("input label list cannot be empty") }
    labels.sort { $0.key < $1.key }
    for i in context.items.indices {
      var item = context.items[i]
      for spec in extra + kustomizeSpecs where spec.selects(item) {
        spec.apply(to: &item.document.root) { map, _ in
          for (key, value) in labels { map.setMapValue(key, value) }
        }
      }
      context.items[i] = item
    }
  }

  /// v0.2.x and master.
  static func run(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    var labels: [(key: String, value: String)] = []
    var given = false
    if let node = context.functionConfig, node.isMapping {
      let kind = node["kind"]?.string ?? ""
      let group = (node["apiVersion"]?.string ?? "").split(separator: "/").dropLast().joined(
        separator: "/")
      if kind == "ConfigMap" && group.isEmpty {
        labels = node.stringMap(at: ["data"])
        given = !labels.isEmpty || node.node(at: ["metadata", "name"])?.string != "function-input"
      } else if kind == "SetLabels" && group == "fn.kpt.dev" {
        if let map = node["labels"], !map.isNull, !map.isMapping {
          throw BuiltinFailure(
            "failed to evaluate function: unable to convert object to *setlabels.SetLabels with error: json: cannot unmarshal array into Go struct field SetLabels.labels of type map[string]string"
          )
        }
        labels = node.stringMap(at: ["labels"])
        given = true
      } else {
        throw BuiltinFailure(
          "failed to evaluate function: unknown FunctionConfig `\(kind).\(group)`, expect `SetLabels.fn.kpt.dev` or `ConfigMap.v1`"
        )
      }
    }
    let targets = context.items.indices.filter { !context.items[$0].isLocalConfig }
    if targets.isEmpty {
      context.info("no input resources")
      return
    }
    guard given else {
      context.info("`FunctionConfig` is not given")
      throw BuiltinFailure("failed to evaluate function: error: function failure")
    }
    if labels.isEmpty {
      context.results.append(
        FunctionResultItem(
          message: "no `labels` arguments are given in FunctionConfig", severity: "warning"))
      return
    }
    labels.sort { $0.key < $1.key }
    var pass = LabelPass(labels: labels)
    var failed = false
    for i in targets {
      do {
        try pass.label(&context.items[i])
      } catch {
        context.results.append(FunctionResultItem(message: error.message, severity: "error"))
        failed = true
      }
    }
    context.info("set \(pass.count) labels in total")
    if failed { throw BuiltinFailure("failed to evaluate function: error: function failure") }
  }
}
