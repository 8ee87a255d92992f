import KRM

/// Where Kubernetes objects name other objects, so that a function renaming an object can
/// follow it everywhere the package refers to it. Built from the Kubernetes API reference (pod
/// specs, RBAC, Ingress, autoscaling, admission and aggregation APIs), the Config Connector and
/// Porch references set-name-prefix knows, and owner references.
enum NameReferences {
  /// An object that was renamed.
  struct Rename {
    var group: String
    var kind: String
    var namespace: String?
    var isClusterScoped: Bool
    var oldName: String
    var newName: String
  }

  /// One reference field: which objects hold it, where, and which kinds it may name.
  struct Field {
    /// The referring objects (kind, and group when not empty) and the path to the reference.
    var holder: FieldSpec
    /// The kinds the reference may name, as (group, kind); empty means the reference names its
    /// own kind (owner references, IAM resource references).
    var targets: [(group: String, kind: String)]
    /// The reference is an object with `name` (and perhaps `kind`, `namespace`), not a string.
    var isObject: Bool
  }

  // MARK: The table

  /// Objects carrying a pod spec, and where it sits.
  static let podSpecHolders: [(kind: String, path: String)] = [
    ("Pod", "spec"), ("PodTemplate", "template/spec"),
    ("ReplicationController", "spec/template/spec"), ("Deployment", "spec/template/spec"),
    ("ReplicaSet", "spec/template/spec"), ("DaemonSet", "spec/template/spec"),
    ("StatefulSet", "spec/template/spec"), ("Job", "spec/template/spec"),
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
  ]

  static let containerLists = ["containers", "initContainers", "ephemeralContainers"]

  /// Pod-spec-relative paths naming each kind.
  static let podSpecReferences: [(target: String, paths: [String])] = [
    (
      "ConfigMap",
      ["volumes/configMap/name", "volumes/projected/sources/configMap/name"]
        + containerLists.flatMap {
          ["\($0)/env/valueFrom/configMapKeyRef/name", "\($0)/envFrom/configMapRef/name"]
        }
    ),
    (
      "Secret",
      [
        "volumes/secret/secretName", "volumes/projected/sources/secret/name",
        "imagePullSecrets/name", "volumes/azureFile/secretName",
        "volumes/csi/nodePublishSecretRef/name",
      ]
        + ["cephfs", "cinder", "flexVolume", "iscsi", "rbd", "scaleIO", "storageos"].map {
          "volumes/\($0)/secretRef/name"
        }
        + containerLists.flatMap {
          ["\($0)/env/valueFrom/secretKeyRef/name", "\($0)/envFrom/secretRef/name"]
        }
    ),
    ("ServiceAccount", ["serviceAccountName", "serviceAccount"]),
    ("PersistentVolumeClaim", ["volumes/persistentVolumeClaim/claimName"]),
    ("PriorityClass", ["priorityClassName"]),
    ("RuntimeClass", ["runtimeClassName"]),
  ]

  static let coreGroups: [String: String] = [
    "ConfigMap": "", "Secret": "", "ServiceAccount": "", "PersistentVolumeClaim": "",
    "PersistentVolume": "", "Service": "", "PriorityClass": "scheduling.k8s.io",
    "RuntimeClass": "node.k8s.io", "StorageClass": "storage.k8s.io",
    "IngressClass": "networking.k8s.io",
  ]

  static let rbac = "rbac.authorization.k8s.io"
  static let cnrm = "cnrm.cloud.google.com"

  static let fields: [Field] = {
    var fields: [Field] = []
    func add(
      _ holderKind: String, group: String = "", _ path: String, _ targets: [(String, String)],
      object: Bool = false
    ) {
      fields.append(
        Field(
          holder: FieldSpec(path, group: group, kind: holderKind, create: false),
          targets: targets.map { (group: $0.0, kind: $0.1) }, isObject: object))
    }
    func core(_ kind: String) -> (String, String) { (coreGroups[kind] ?? "", kind) }

    for (holder, base) in podSpecHolders {
      for (target, paths) in podSpecReferences {
        for path in paths { add(holder, base + "/" + path, [core(target)]) }
      }
    }
    add("ServiceAccount", "secrets/name", [core("Secret")])
    add("ServiceAccount", "imagePullSecrets/name", [core("Secret")])
    add("Ingress", "spec/tls/secretName", [core("Secret")])
    add("Ingress", "spec/ingressClassName", [core("IngressClass")])
    for path in [
      "spec/rules/http/paths/backend/service/name", "spec/defaultBackend/service/name",
      "spec/rules/http/paths/backend/serviceName", "spec/backend/serviceName",
    ] {
      add("Ingress", path, [core("Service")])
    }
    add("StatefulSet", "spec/serviceName", [core("Service")])
    add("StatefulSet", "spec/volumeClaimTemplates/spec/storageClassName", [core("StorageClass")])
    add("PersistentVolumeClaim", "spec/volumeName", [core("PersistentVolume")])
    add("PersistentVolumeClaim", "spec/storageClassName", [core("StorageClass")])
    add("PersistentVolume", "spec/storageClassName", [core("StorageClass")])
    add("PersistentVolume", "spec/claimRef", [core("PersistentVolumeClaim")], object: true)
    add(
      "APIService", group: "apiregistration.k8s.io", "spec/service", [core("Service")],
      object: true)
    for kind in ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"] {
      add(
        kind, group: "admissionregistration.k8s.io", "webhooks/clientConfig/service",
        [core("Service")], object: true)
    }
    add(
      "CustomResourceDefinition", group: "apiextensions.k8s.io",
      "spec/conversion/webhook/clientConfig/service", [core("Service")], object: true)
    add(
      "RoleBinding", group: rbac, "roleRef", [(rbac, "Role"), (rbac, "ClusterRole")], object: true)
    add("ClusterRoleBinding", group: rbac, "roleRef", [(rbac, "ClusterRole")], object: true)
    for holder in ["RoleBinding", "ClusterRoleBinding"] {
      add(holder, group: rbac, "subjects", [core("ServiceAccount")], object: true)
    }
    add(
      "HorizontalPodAutoscaler", "spec/scaleTargetRef",
      [
        ("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "ReplicaSet"),
        ("", "ReplicationController"),
      ], object: true)
    add("", "metadata/ownerReferences", [], object: true)

    // Config Connector and Porch references (set-name-prefix's set).
    let container = "container.\(cnrm)"
    let iam = "iam.\(cnrm)"
    let manager = "resourcemanager.\(cnrm)"
    add(
      "ContainerNodePool", group: container, "spec/clusterRef", [(container, "ContainerCluster")],
      object: true)
    add(
      "ContainerNodePool", group: container, "spec/nodeConfig/serviceAccountRef",
      [(iam, "IAMServiceAccount")], object: true)
    add(
      "IAMPolicyMember", group: iam, "spec/memberFrom/serviceAccountRef",
      [(iam, "IAMServiceAccount")], object: true)
    add("IAMPolicyMember", group: iam, "spec/resourceRef", [], object: true)
    add("IAMPartialPolicy", group: iam, "spec/resourceRef", [], object: true)
    add(
      "IAMPartialPolicy", group: iam, "spec/bindings/members/memberFrom/serviceAccountRef",
      [(iam, "IAMServiceAccount")], object: true)
    for holder in ["Folder", "Project"] {
      add(holder, group: manager, "spec/folderRef", [(manager, "Folder")], object: true)
    }
    add(
      "Service", group: "serviceusage.\(cnrm)", "spec/projectRef", [(manager, "Project")],
      object: true)
    add(
      "WorkloadIdentityBinding", group: "config.porch.kpt.dev", "spec/resourceRef",
      [(iam, "IAMServiceAccount")], object: true)
    add(
      "WorkloadIdentityBinding", group: "config.porch.kpt.dev", "spec/serviceAccountRef",
      [core("ServiceAccount")], object: true)
    return fields
  }()

  // MARK: Following renames

  /// Rewrites every reference in `items` that named a renamed object by its old name.
  static func follow(_ renames: [Rename], in items: inout [FunctionItem]) {
    guard !renames.isEmpty else { return }
    let byName = Dictionary(grouping: renames, by: \.oldName)
    for i in items.indices {
      var item = items[i]
      let holderNamespace = normalised(item.namespace)
      let holderIsCluster = SetNamespace.scope(of: item) == .cluster
      for field in fields where field.holder.selects(item) {
        field.holder.apply(to: &item.document.root) { node, _ in
          if field.isObject {
            guard node.isMapping, node["external"] == nil,
              let name = node["name"]?.string, let candidates = byName[name]
            else { return }
            let kind = node["kind"]?.string
            let namespace = node["namespace"]?.string.map(normalised)
            guard
              let rename = candidates.first(where: { rename in
                matches(
                  rename, field: field, kind: kind, namespace: namespace ?? holderNamespace,
                  anyNamespace: namespace == nil && holderIsCluster)
              })
            else { return }
            if let i = node.index(ofKey: "name") {
              node.entries[i].value.renameScalar(rename.newName)
            }
          } else {
            guard node.isScalar, let candidates = byName[node.value],
              let rename = candidates.first(where: { rename in
                matches(
                  rename, field: field, kind: nil, namespace: holderNamespace,
                  anyNamespace: holderIsCluster)
              })
            else { return }
            node.renameScalar(rename.newName)
          }
        }
      }
      items[i] = item
    }
  }

  static func matches(
    _ rename: Rename, field: Field, kind: String?, namespace: String, anyNamespace: Bool
  ) -> Bool {
    if field.targets.isEmpty {
      guard let kind, kind == rename.kind else { return false }
    } else {
      guard field.targets.contains(where: { $0.kind == rename.kind && $0.group == rename.group })
      else { return false }
      if let kind, kind != rename.kind { return false }
    }
    if rename.isClusterScoped || anyNamespace { return true }
    return normalised(rename.namespace) == namespace
  }

  /// An empty or absent namespace is the default one.
  static func normalised(_ namespace: String?) -> String {
    guard let namespace, !namespace.isEmpty else { return "default" }
    return namespace
  }

  static func rename(of item: FunctionItem, to newName: String) -> Rename {
    Rename(
      group: item.groupVersion.group, kind: item.kind, namespace: item.namespace,
      isClusterScoped: SetNamespace.scope(of: item) == .cluster, oldName: item.name,
      newName: newName)
  }
}

extension YAMLNode {
  /// Replaces a name, keeping the scalar's quoting.
  mutating func renameScalar(_ name: String) {
    guard isScalar, value != name else { return }
    value = name
    tag = nil
  }
}
