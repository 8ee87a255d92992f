import KRM

/// One run of catalog master's set-labels (v0.2 and later) over one resource: which label maps
/// of which kinds it visits, whether a visit may add labels or only update them, and the
/// catalog's count of every label at every visit.
struct LabelPass {
  /// The labels, in key order.
  let labels: [(key: String, value: String)]
  var count = 0

  /// Why a resource could not be labelled, in the catalog SDK's words.
  struct Failure: Error {
    let message: String
  }

  /// Labels one resource. A failure leaves the visits before it done, as the catalog does.
  mutating func label(_ item: inout FunctionItem) throws(Failure) {
    let kind = LenientKind(item)
    try update(&item.document.root, ["metadata", "labels"], create: true)
    // Selectors.
    if kind.is("", "v1", "Service") || kind.is("", "v1", "ReplicationController") {
      try update(&item.document.root, ["spec", "selector"], create: true)
    }
    if kind.is("", "", "Deployment") || kind.is("", "", "ReplicaSet")
      || kind.is("", "", "DaemonSet") || kind.is("apps", "", "StatefulSet")
    {
      try update(&item.document.root, ["spec", "selector", "matchLabels"], create: true)
    }
    if kind.is("batch", "", "Job") || kind.is("policy", "", "PodDisruptionBudget") {
      try update(&item.document.root, ["spec", "selector", "matchLabels"], create: false)
    }
    let networkPolicy = kind.is("networking.k8s.io", "", "NetworkPolicy")
    if networkPolicy {
      try update(&item.document.root, ["spec", "podSelector", "matchLabels"], create: false)
    }
    guard let specIndex = item.document.root.mappingIndex(ofKey: "spec") else { return }
    let hasPodTemplate =
      kind.is("", "v1", "ReplicationController") || kind.is("", "", "Deployment")
      || kind.is("", "", "ReplicaSet") || kind.is("", "", "DaemonSet")
      || kind.is("apps", "", "StatefulSet") || kind.is("batch", "", "Job")
    if hasPodTemplate {
      let labelled = Self.withChild(&item.document.root.entries[specIndex].value, "template") {
        (template: inout YAMLNode) throws(Failure) in try labelPodTemplate(&template)
      }
      // The catalog drops a pod template's failure and stops with this resource.
      if case .failure = labelled { return }
    }
    if kind.is("batch", "", "CronJob") {
      try Self.withChild(&item.document.root.entries[specIndex].value, "jobTemplate") {
        (job: inout YAMLNode) throws(Failure) in try labelJobTemplate(&job)
      }.get()
    }
    if kind.is("apps", "", "StatefulSet") {
      try labelVolumeClaimTemplates(&item.document.root.entries[specIndex].value)
    }
    if networkPolicy {
      try labelPeers(&item.document.root.entries[specIndex].value)
    }
  }

  private mutating func labelPodTemplate(_ template: inout YAMLNode) throws(Failure) {
    try update(&template, ["metadata", "labels"], create: true)
    guard let i = template.mappingIndex(ofKey: "spec") else { return }
    try labelPodSpec(&template.entries[i].value)
  }

  private mutating func labelJobTemplate(_ job: inout YAMLNode) throws(Failure) {
    try update(&job, ["metadata", "labels"], create: true)
    guard let i = job.mappingIndex(ofKey: "spec") else { return }
    try update(&job.entries[i].value, ["selector", "matchLabels"], create: false)
    try Self.withChild(&job.entries[i].value, "template") {
      (template: inout YAMLNode) throws(Failure) in try labelPodTemplate(&template)
    }.get()
  }

  /// Topology spread constraints, and the pod (anti-)affinity terms where the catalog looks
  /// for them: directly under `affinity`, once for each of `podAffinity` and `podAntiAffinity`
  /// that is present, so the usual nested terms are never reached.
  private mutating func labelPodSpec(_ spec: inout YAMLNode) throws(Failure) {
    if let i = spec.index(ofKey: "topologySpreadConstraints"), spec.entries[i].value.isSequence {
      for j in spec.entries[i].value.items.indices
      where spec.entries[i].value.items[j].node.isMapping {
        try update(
          &spec.entries[i].value.items[j].node, ["labelSelector", "matchLabels"], create: false)
      }
    }
    guard let a = spec.mappingIndex(ofKey: "affinity") else { return }
    for term in ["podAffinity", "podAntiAffinity"]
    where spec.entries[a].value.mappingIndex(ofKey: term) != nil {
      var affinity = spec.entries[a].value
      defer { spec.entries[a].value = affinity }
      if let p = affinity.index(ofKey: "preferredDuringSchedulingIgnoredDuringExecution"),
        affinity.entries[p].value.isSequence
      {
        for j in affinity.entries[p].value.items.indices {
          guard
            let t = affinity.entries[p].value.items[j].node.mappingIndex(ofKey: "podAffinityTerm")
          else { continue }
          try update(
            &affinity.entries[p].value.items[j].node.entries[t].value,
            ["labelSelector", "matchLabels"], create: false)
        }
      }
      if let r = affinity.index(ofKey: "requiredDuringSchedulingIgnoredDuringExecution"),
        affinity.entries[r].value.isSequence
      {
        for j in affinity.entries[r].value.items.indices
        where affinity.entries[r].value.items[j].node.isMapping {
          try update(
            &affinity.entries[r].value.items[j].node, ["labelSelector", "matchLabels"],
            create: false)
        }
      }
    }
  }

  private mutating func labelVolumeClaimTemplates(_ spec: inout YAMLNode) throws(Failure) {
    guard let i = spec.index(ofKey: "volumeClaimTemplates") else { return }
    guard spec.entries[i].value.isSequence else {
      throw Failure(message: "incorrect type, was \(Self.variant(spec.entries[i].value))")
    }
    for j in spec.entries[i].value.items.indices where spec.entries[i].value.items[j].node.isMapping
    {
      try update(&spec.entries[i].value.items[j].node, ["metadata", "labels"], create: true)
      try update(&spec.entries[i].value.items[j].node, ["selector", "matchLabels"], create: false)
    }
  }

  /// `podSelector` of every ingress `from` and egress `to` peer: updated, never added.
  private mutating func labelPeers(_ spec: inout YAMLNode) throws(Failure) {
    for (rules, peers) in [("ingress", "from"), ("egress", "to")] {
      guard let i = spec.index(ofKey: rules), spec.entries[i].value.isSequence else { continue }
      for j in spec.entries[i].value.items.indices {
        guard let k = spec.entries[i].value.items[j].node.index(ofKey: peers),
          spec.entries[i].value.items[j].node.entries[k].value.isSequence
        else { continue }
        for m in spec.entries[i].value.items[j].node.entries[k].value.items.indices
        where spec.entries[i].value.items[j].node.entries[k].value.items[m].node.isMapping {
          try update(
            &spec.entries[i].value.items[j].node.entries[k].value.items[m].node,
            ["podSelector", "matchLabels"], create: false)
        }
      }
    }
  }

  /// Runs `body` on the mapping at `key` of `node`, if there is one.
  private static func withChild(
    _ node: inout YAMLNode, _ key: String,
    _ body: (inout YAMLNode) throws(Failure) -> Void
  ) -> Result<Void, Failure> {
    guard let i = node.mappingIndex(ofKey: key) else { return .success(()) }
    do {
      try body(&node.entries[i].value)
      return .success(())
    } catch {
      return .failure(error)
    }
  }

  /// The catalog's update of one label map: a label whose key is there with another value is
  /// replaced, a missing one is added (with the maps leading to it) only when `create`; every
  /// label counts, changed or not.
  mutating func update(_ node: inout YAMLNode, _ path: [String], create: Bool) throws(Failure) {
    for (key, value) in labels {
      let existing = try Self.string(in: node, at: path + [key])
      if existing.map({ $0 != value }) ?? create {
        node.set(.scalar(value), at: path + [key])
      }
      count += 1
    }
  }

  /// The string at `path`, nil when a field on the way is missing; a field on the way that
  /// is not a mapping, or a final value that is not a string, fails as the catalog's SDK does.
  static func string(in node: YAMLNode, at path: [String]) throws(Failure) -> String? {
    var current = node
    for (i, key) in path.enumerated() {
      guard let next = current[key] else { return nil }
      if i == path.count - 1 {
        guard next.isScalar else {
          throw Failure(message: "incorrect type, was \(variant(next))")
        }
        let type = Setters.type(of: next)
        guard type == "str" else { throw Failure(message: "node was not a string, was !!\(type)") }
        return next.value
      }
      guard next.isMapping else { throw Failure(message: "wrong type, got: \(variant(next))") }
      current = next
    }
    return nil
  }

  /// The Go type name the catalog's SDK gives a node in its errors.
  static func variant(_ node: YAMLNode) -> String {
    switch node.kind {
    case .mapping: return "*internal.MapVariant"
    case .sequence: return "*internal.sliceVariant"
    case .scalar, .alias: return "*internal.scalarVariant"
    }
  }
}

/// The 2022 SDK's kind test: group, version and kind are each compared only when both the
/// resource and the test name one.
private struct LenientKind {
  let group: String
  let version: String
  let kind: String

  init(_ item: FunctionItem) {
    (group, version) = item.groupVersion
    kind = item.kind
  }

  func `is`(_ group: String, _ version: String, _ kind: String) -> Bool {
    (group.isEmpty || self.group.isEmpty || group == self.group)
      && (version.isEmpty || self.version.isEmpty || version == self.version)
      && (kind.isEmpty || self.kind.isEmpty || kind == self.kind)
  }
}

extension YAMLNode {
  /// The index of `key` when its value is a mapping (the catalog SDK's `GetMap`).
  func mappingIndex(ofKey key: String) -> Int? {
    guard isMapping, let i = index(ofKey: key), entries[i].value.isMapping else { return nil }
    return i
  }
}
