import KRM

extension BuiltinFunction {
  /// set-namespace: the namespace of every namespaced resource, plus the places that refer to
  /// it (Namespace names, CRD and APIService webhook services, RoleBinding subjects, depends-on).
  static let setNamespace = BuiltinFunction(
    name: "set-namespace",
    summary: "Set the namespace of every namespaced resource and of the fields that refer to it.",
    versions: "v0.1.x (kustomize), v0.2-v0.4.x, latest/unstable (catalog master)",
    configuration: """
      ConfigMap (apiVersion v1): data.namespace; data.namespaceMatcher (master). The package
        context ConfigMap kptfile.kpt.dev may give data.name instead.
      SetNamespace (fn.kpt.dev/v1alpha1): namespace; namespaceMatcher (master).
      """,
    example: "stoop fn eval DIR -i set-namespace:v0.4.1 -- namespace=staging",
    notes: """
      Deliberate fixes over catalog master: RoleBinding subjects are updated as v0.4.1 and the \
      README promise; a CustomResourceDefinition or APIService without the webhook service \
      field is left alone instead of having the field created.
      """,
    acceptsVersion: zeroMinor(upTo: 4),
    body: { context throws(BuiltinFailure) in
      if context.isBefore([0, 3]) {
        try SetNamespace.kustomize(&context)
      } else {
        try SetNamespace.run(&context)
      }
    })
}

enum SetNamespace {
  // MARK: Scope

  /// Kinds the catalog's table knows as cluster-scoped, by apiVersion.
  static let clusterScoped: Set<String> = {
    var keys: Set<String> = []
    let table: [(String, [String])] = [
      ("v1", ["Namespace", "Node", "PersistentVolume", "ComponentStatus", "NodeProxyOptions"]),
      ("apiextensions.k8s.io/v1", ["CustomResourceDefinition"]),
      ("apiextensions.k8s.io/v1beta1", ["CustomResourceDefinition"]),
      ("apiregistration.k8s.io/v1", ["APIService"]),
      ("apiregistration.k8s.io/v1beta1", ["APIService"]),
      ("rbac.authorization.k8s.io/v1", ["ClusterRole", "ClusterRoleBinding"]),
      ("rbac.authorization.k8s.io/v1beta1", ["ClusterRole", "ClusterRoleBinding"]),
      (
        "admissionregistration.k8s.io/v1",
        ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]
      ),
      (
        "admissionregistration.k8s.io/v1beta1",
        ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]
      ),
      ("certificates.k8s.io/v1", ["CertificateSigningRequest"]),
      ("certificates.k8s.io/v1beta1", ["CertificateSigningRequest"]),
      ("storage.k8s.io/v1", ["StorageClass", "VolumeAttachment", "CSIDriver", "CSINode"]),
      ("storage.k8s.io/v1beta1", ["StorageClass", "VolumeAttachment", "CSIDriver", "CSINode"]),
      ("scheduling.k8s.io/v1", ["PriorityClass"]),
      ("scheduling.k8s.io/v1beta1", ["PriorityClass"]),
      ("node.k8s.io/v1", ["RuntimeClass"]),
      ("node.k8s.io/v1beta1", ["RuntimeClass"]),
      ("networking.k8s.io/v1", ["IngressClass"]),
      ("networking.k8s.io/v1beta1", ["IngressClass"]),
      ("policy/v1beta1", ["PodSecurityPolicy"]),
      ("flowcontrol.apiserver.k8s.io/v1beta1", ["FlowSchema", "PriorityLevelConfiguration"]),
    ]
    for (apiVersion, kinds) in table { for kind in kinds { keys.insert(apiVersion + "|" + kind) } }
    return keys
  }()

  /// Kinds the table knows as namespaced, by apiVersion.
  static let namespaced: Set<String> = {
    var keys: Set<String> = []
    let table: [(String, [String])] = [
      (
        "v1",
        [
          "Binding", "ConfigMap", "Endpoints", "Event", "LimitRange", "PersistentVolumeClaim",
          "Pod", "PodTemplate", "ReplicationController", "ResourceQuota", "Secret", "Service",
          "ServiceAccount",
        ]
      ),
      ("apps/v1", ["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"]),
      ("apps/v1beta1", ["ControllerRevision", "Deployment", "StatefulSet"]),
      (
        "apps/v1beta2",
        ["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"]
      ),
      (
        "extensions/v1beta1", ["DaemonSet", "Deployment", "Ingress", "NetworkPolicy", "ReplicaSet"]
      ),
      ("batch/v1", ["CronJob", "Job"]),
      ("batch/v1beta1", ["CronJob"]),
      ("autoscaling/v1", ["HorizontalPodAutoscaler"]),
      ("autoscaling/v2", ["HorizontalPodAutoscaler"]),
      ("autoscaling/v2beta1", ["HorizontalPodAutoscaler"]),
      ("autoscaling/v2beta2", ["HorizontalPodAutoscaler"]),
      ("rbac.authorization.k8s.io/v1", ["Role", "RoleBinding"]),
      ("rbac.authorization.k8s.io/v1beta1", ["Role", "RoleBinding"]),
      ("networking.k8s.io/v1", ["Ingress", "NetworkPolicy"]),
      ("networking.k8s.io/v1beta1", ["Ingress"]),
      ("policy/v1", ["PodDisruptionBudget"]),
      ("policy/v1beta1", ["PodDisruptionBudget"]),
      ("coordination.k8s.io/v1", ["Lease"]),
      ("coordination.k8s.io/v1beta1", ["Lease"]),
      ("discovery.k8s.io/v1", ["EndpointSlice"]),
      ("discovery.k8s.io/v1beta1", ["EndpointSlice"]),
      ("events.k8s.io/v1", ["Event"]),
      ("events.k8s.io/v1beta1", ["Event"]),
      ("storage.k8s.io/v1beta1", ["CSIStorageCapacity"]),
    ]
    for (apiVersion, kinds) in table { for kind in kinds { keys.insert(apiVersion + "|" + kind) } }
    return keys
  }()

  /// The cluster-scoped kinds whatever their apiVersion (kustomize's v0.1 rule).
  static let clusterKinds = Set(clusterScoped.map { String($0.split(separator: "|")[1]) })

  enum Scope { case cluster, namespaced, unknown }

  static func scope(of item: FunctionItem) -> Scope {
    let key = (item.document.root["apiVersion"]?.string ?? "") + "|" + item.kind
    if clusterScoped.contains(key) { return .cluster }
    if namespaced.contains(key) { return .namespaced }
    return item.namespace.map { $0.isEmpty ? .unknown : .namespaced } ?? .unknown
  }

  // MARK: Configuration

  struct Config {
    var namespace: String
    var matcher: String
  }

  /// A configuration problem, reported as an error result.
  struct ConfigProblem: Error {
    var result: FunctionResultItem
  }

  static let expectedKinds = "expect `ConfigMap.v1` or `SetNamespace.v1alpha1.fn.kpt.dev`"

  /// The config, or the error result the catalog reports (and succeeds with).
  static func config(_ node: YAMLNode?) -> Result<Config, ConfigProblem> {
    guard let node, node.isMapping, !(node["kind"]?.string ?? "").isEmpty else {
      var result = FunctionResultItem(
        message: "FunctionConfig is missing. \(expectedKinds)", severity: "error")
      result.fileIndex = -1
      return .failure(ConfigProblem(result: result))
    }
    let kind = node["kind"]?.string ?? ""
    let apiVersion = node["apiVersion"]?.string ?? ""
    if kind == "ConfigMap" && apiVersion == "v1" {
      var namespace = node.node(at: ["data", "namespace"])?.string ?? ""
      if namespace.isEmpty, node.node(at: ["metadata", "name"])?.string == "kptfile.kpt.dev" {
        namespace = node.node(at: ["data", "name"])?.string ?? ""
      }
      if namespace.isEmpty {
        return .failure(
          ConfigProblem(
            result: FunctionResultItem(
              message: "`data.namespace` should not be empty", severity: "error")))
      }
      return .success(
        Config(
          namespace: namespace,
          matcher: node.node(at: ["data", "namespaceMatcher"])?.string ?? ""))
    }
    if kind == "SetNamespace" && apiVersion == "fn.kpt.dev/v1alpha1" {
      let namespace = node["namespace"]?.string ?? ""
      if namespace.isEmpty {
        return .failure(
          ConfigProblem(
            result: FunctionResultItem(
              message: "`namespace` should not be empty", severity: "error")))
      }
      return .success(
        Config(namespace: namespace, matcher: node["namespaceMatcher"]?.string ?? ""))
    }
    return .failure(
      ConfigProblem(
        result: FunctionResultItem(
          message: "unknown functionConfig Kind=\(kind) ApiVersion=\(apiVersion), \(expectedKinds)",
          severity: "error")))
  }

  static func describe(_ item: FunctionItem) -> String {
    "Resource(apiVersion=\(item.document.root["apiVersion"]?.string ?? ""), kind=\(item.kind), namespace=\(item.namespace ?? ""), name=\(item.name))"
  }

  // MARK: v0.2 and later

  static func run(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    let legacy = context.isBefore([0, 5])
    let config: Config
    switch Self.config(context.functionConfig) {
    case .success(let value): config = value
    case .failure(let problem):
      if legacy { throw BuiltinFailure("failed to evaluate function: \(problem.result.message)") }
      context.results.append(problem.result)
      return
    }
    let new = config.namespace
    let candidates = context.items.indices.filter { !context.items[$0].isLocalConfig }

    // Origins from upstream identifiers (master only).
    var origins: [Int: String] = [:]
    if !legacy {
      var originNamespaces: Set<String> = []
      for i in candidates {
        let item = context.items[i]
        guard let identifier = item.resource.annotation("internal.kpt.dev/upstream-identifier")
        else {
          context.results.append(
            FunctionResultItem(
              message: "\(describe(item)) does not have upstream origin.", severity: "warning"))
          continue
        }
        let parts = identifier.split(separator: "|", omittingEmptySubsequences: false).map(
          String.init)
        guard parts.count == 4 else { continue }
        if item.kind == "Namespace" && item.groupVersion.group.isEmpty {
          origins[i] = parts[3]
          continue
        }
        guard scope(of: item) == .namespaced else { continue }
        if parts[2] == "~C" {
          context.results.append(
            FunctionResultItem(
              message:
                "\(describe(item)) is namespace-scoped, but has cluster-scoped or unknown scoepd origin \(identifier)",
              severity: "error"))
          return
        }
        origins[i] = parts[2]
        originNamespaces.insert(parts[2])
      }
      if config.matcher.isEmpty && originNamespaces.count > 1 {
        context.results.append(
          FunctionResultItem(
            message:
              "unable to use origin `namespace` to match. expect a single upstream namespace, found \(goList(originNamespaces.sorted())). please switch to use `namespaceMatcher`to specify the namespace value you want to change",
            severity: "error"))
        return
      }
    }

    // depends-on targets as they are before any change.
    var known: Set<String> = []
    for i in candidates {
      let item = context.items[i]
      let scope = scope(of: item)
      guard scope == .namespaced else { continue }
      let namespace = (item.namespace ?? "").isEmpty ? "default" : item.namespace ?? ""
      known.insert(
        "\(item.groupVersion.group)/namespaces/\(namespace)/\(item.kind)/\(item.name)")
    }

    var changed: Set<String> = []
    var count = 0
    func visit(_ item: inout FunctionItem, _ path: [String], origin: String?, create: Bool) {
      if origin == "~C" { return }
      let existing = item.document.root.node(at: path)
      if existing == nil && !create { return }
      var current = existing?.string ?? ""
      if current.isEmpty { current = "default" }
      if current == new { return }
      if !config.matcher.isEmpty {
        if origin == config.matcher {
          context.info("[\(describe(item))] has matching origin \(origin ?? "")")
        }
        guard current == config.matcher || origin == config.matcher else { return }
      }
      changed.insert(current)
      count += 1
      item.document.root.setString(new, at: path)
    }
    for i in candidates {
      var item = context.items[i]
      let origin = origins[i]
      switch scope(of: item) {
      case .cluster:
        let apiVersion = item.document.root["apiVersion"]?.string ?? ""
        switch (apiVersion, item.kind) {
        case ("v1", "Namespace"):
          visit(&item, ["metadata", "name"], origin: origin, create: false)
        case (_, "CustomResourceDefinition") where item.groupVersion.group == "apiextensions.k8s.io":
          visit(
            &item, ["spec", "conversion", "webhook", "clientConfig", "service", "namespace"],
            origin: nil, create: false)
        case (_, "APIService") where item.groupVersion.group == "apiregistration.k8s.io":
          visit(&item, ["spec", "service", "namespace"], origin: nil, create: false)
        case (_, "ClusterRoleBinding"):
          visitSubjects(&item, visit)
        default:
          break
        }
      case .namespaced:
        if item.kind == "RoleBinding" { visitSubjects(&item, visit) }
        visit(&item, ["metadata", "namespace"], origin: origin, create: true)
      case .unknown:
        break
      }
      context.items[i] = item
    }
    let old = goList(changed.sorted())
    if legacy {
      context.info(
        count == 0
          ? "all namespaces are already \"\(new)\". no value changed"
          : "namespace \(changed.sorted().map { "\"\($0)\"" }.joined(separator: ",")) updated to \"\(new)\", \(count) value(s) changed"
      )
    } else {
      context.info(
        count == 0
          ? "all matching namespaces are already \"\(new)\". no value changed"
          : "namespace \(old) updated to \"\(new)\", \(count) value(s) changed")
    }

    // depends-on annotations naming one namespaced resource of the package.
    var dependsChanged: Set<String> = []
    var dependsCount = 0
    for i in candidates {
      let resource = context.items[i].resource
      guard let value = resource.annotation("config.kubernetes.io/depends-on") else { continue }
      let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
      guard parts.count == 5, parts[1] == "namespaces", known.contains(value), parts[2] != new
      else { continue }
      if !config.matcher.isEmpty && parts[2] != config.matcher { continue }
      if legacy && !changed.contains(parts[2]) { continue }
      dependsChanged.insert(parts[2])
      dependsCount += 1
      let updated = [parts[0], "namespaces", new, parts[3], parts[4]].joined(separator: "/")
      context.items[i].document.root.setString(
        updated, at: ["metadata", "annotations", "config.kubernetes.io/depends-on"])
    }
    if !legacy {
      context.info(
        dependsCount == 0
          ? "all `depends-on` annotations are up-to-date. no `namespace` changed"
          : "`depends-on` annotation namespace \(goList(dependsChanged.sorted())) updated to \"\(new)\", \(dependsCount) value(s) changed"
      )
    }
  }

  /// Every present `subjects[].namespace`.
  static func visitSubjects(
    _ item: inout FunctionItem,
    _ visit: (inout FunctionItem, [String], String?, Bool) -> Void
  ) {
    let subjects = item.document.root["subjects"]?.items ?? []
    for (j, subject) in subjects.enumerated() where subject.node["namespace"] != nil {
      visit(&item, ["subjects", String(j), "namespace"], nil, false)
    }
  }

  // MARK: v0.1.x and v0.2.x

  /// v0.1.x and v0.2.x: kustomize's namespace transformer. Every resource not known to be
  /// cluster-scoped gets `metadata.namespace` (local config and unknown kinds included);
  /// RoleBinding and ClusterRoleBinding subjects named `default` too, and from v0.2 subjects
  /// naming a ServiceAccount of the input. A `SetNamespace` config may name
  /// `additionalNamespaceFields` (or the older `fieldSpecs`) to set as well.
  static func kustomize(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    let mustBe =
      "failed to configure function: `functionConfig` must be a `ConfigMap` or `SetNamespace`"
    guard let node = context.functionConfig, node.isMapping else {
      throw BuiltinFailure(frameworkError: mustBe)
    }
    let namespace: String
    var extra: [FieldSpec] = []
    switch node["kind"]?.string {
    case "ConfigMap": namespace = node.node(at: ["data", "namespace"])?.string ?? ""
    case "SetNamespace":
      namespace = node["namespace"]?.string ?? ""
      if node["additionalNamespaceFields"] != nil && node["fieldSpecs"] != nil {
        // The catalog's message names the labels field (sic).
        throw BuiltinFailure(
          frameworkError:
            "failed to configure function: `fieldSpecs` has been deprecated, please rename it to `additionalLabelFields`"
        )
      }
      let fields = node["additionalNamespaceFields"] ?? node["fieldSpecs"]
      extra = fields?.items.compactMap { FieldSpec(node: $0.node) } ?? []
    default:
      throw BuiltinFailure(frameworkError: mustBe)
    }
    if namespace.isEmpty {
      throw BuiltinFailure(
        frameworkError: "failed to configure function: input namespace cannot be empty")
    }
    context.rebuildAnnotationMaps()
    let serviceAccounts =
      context.isBefore([0, 2])
      ? [] : Set(context.items.filter { $0.kind == "ServiceAccount" }.map(\.name))
    for i in context.items.indices {
      var item = context.items[i]
      if item.kind == "RoleBinding" || item.kind == "ClusterRoleBinding" {
        for (j, subject) in (item.document.root["subjects"]?.items ?? []).enumerated() {
          let name = subject.node["name"]?.string ?? ""
          let account =
            subject.node["kind"]?.string == "ServiceAccount" && serviceAccounts.contains(name)
          if name == "default" || account {
            item.document.root.setString(namespace, at: ["subjects", String(j), "namespace"])
          }
        }
      }
      if !clusterKinds.contains(item.kind) {
        item.document.root.setString(namespace, at: ["metadata", "namespace"])
        for spec in extra where spec.selects(item) {
          spec.apply(to: &item.document.root) { node, _ in
            if !(node.isScalar && node.value == namespace) { node = .scalar(namespace) }
          }
        }
      }
      context.items[i] = item
    }
  }
}
