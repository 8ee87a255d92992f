import KRM

/// Something both sides changed differently, or a local change to what upstream deleted.
public struct MergeConflict: Sendable, Equatable, CustomStringConvertible {
  public var file: String
  /// `Deployment ns1/web` (no namespace for cluster-scoped objects), or `Kptfile`.
  public var resource: String
  /// `spec.template.spec.containers[name=app].image`; `.` for the whole resource.
  public var field: String
  /// The three values as YAML text; nil where the side does not have the field.
  public var origin: String?
  public var updated: String?
  public var local: String?

  public var description: String {
    func show(_ value: String?) -> String { value.map { "\"\($0)\"" } ?? "(absent)" }
    return
      "\(file): \(resource): \(field): origin \(show(origin)), upstream \(show(updated)), local \(show(local))"
  }
}

/// Who wins a conflict.
public enum ConflictPolicy: String, Sendable, CaseIterable {
  /// kpt's behaviour: upstream's value (a resource edited locally and deleted upstream is kept).
  case upstream
  /// Keep the local value.
  case local
  /// Refuse the whole update.
  case fail
}

/// The field-level three-way merge of one resource (kpt.md §3.5, with values compared as data,
/// not text): local is edited in place toward upstream's changes since origin; conflicts are
/// recorded as they are resolved.
struct FieldMerge {
  var policy: ConflictPolicy
  var file: String
  var resource: String
  /// Whether lists of built-in kinds merge by their Kubernetes merge keys.
  var builtin: Bool
  /// The Kptfile: pipeline functions match by name, else by image without tag, or exec.
  var kptfile = false
  /// A kustomization file (`kustomize.config.k8s.io` Kustomization): generators merge by name.
  var kustomization = false
  var conflicts: [MergeConflict] = []

  /// Merges a whole resource; returns the merged root, or nil when it did not change.
  mutating func merge(local: YAMLNode, origin: YAMLNode?, updated: YAMLNode?) -> YAMLNode? {
    let merged = value(local: local, origin: origin, updated: updated, path: [])
    guard let merged else { return nil }
    return merged.sameContent(as: local) ? nil : merged
  }

  // MARK: Values

  /// The merged value of one field; nil removes it.
  mutating func value(
    local: YAMLNode?, origin: YAMLNode?, updated: YAMLNode?, path: [String]
  ) -> YAMLNode? {
    let originNull = origin?.isNull ?? false
    if let updated, updated.isNull, !originNull, origin != nil || local != nil {
      if let local, !local.isNull, let origin, !Self.same(local, origin) {
        conflict(path, origin, nil, local)
        if policy == .local { return local }
      }
      return nil
    }
    if let local, local.isNull, !originNull, origin != nil { return nil }

    // Both mappings (or a map upstream changed that local deleted): key by key.
    if (local?.isMapping ?? true) && (origin?.isMapping ?? true) && (updated?.isMapping ?? true)
      && (local != nil || (origin != nil && updated != nil))
      && [local, origin, updated].contains(where: { $0?.isMapping == true })
    {
      if local == nil, let origin, let updated, Self.same(origin, updated) { return nil }
      return mapping(local: local ?? .mapping(), origin: origin, updated: updated, path: path)
    }
    if let key = listKey(path), [local, origin, updated].allSatisfy({ $0?.isSequence ?? true }),
      local?.isSequence == true || updated?.isSequence == true
    {
      if let origin, updated == nil {
        // Removed upstream.
        if let local, !Self.same(local, origin) {
          conflict(path, origin, nil, local)
          if policy == .local { return local }
        }
        return nil
      }
      return list(local: local, origin: origin, updated: updated, key: key, path: path)
    }
    return scalar(local: local, origin: origin, updated: updated, path: path)
  }

  /// Scalars, and lists without merge keys, taken whole.
  mutating func scalar(
    local: YAMLNode?, origin: YAMLNode?, updated: YAMLNode?, path: [String]
  ) -> YAMLNode? {
    switch (origin, updated) {
    case (nil, nil):
      return local
    case (nil, let updated?):
      // Added upstream.
      if let local, !Self.same(local, updated) {
        conflict(path, nil, updated, local)
        return policy == .local ? local : updated
      }
      return local ?? updated
    case (let origin?, nil):
      // Deleted upstream.
      if let local, !Self.same(local, origin) {
        conflict(path, origin, nil, local)
        return policy == .local ? local : nil
      }
      return nil
    case (let origin?, let updated?):
      if Self.same(origin, updated) { return local }
      guard let local else {
        // Deleted locally, changed upstream: kpt brings upstream's value back.
        conflict(path, origin, updated, nil)
        return policy == .local ? nil : updated
      }
      if Self.same(local, origin) || Self.same(local, updated) { return updated }
      conflict(path, origin, updated, local)
      return policy == .local ? local : updated
    }
  }

  /// A mapping: local's keys in local order, then keys new upstream in upstream's order.
  mutating func mapping(
    local: YAMLNode, origin: YAMLNode?, updated: YAMLNode?, path: [String]
  ) -> YAMLNode {
    var result = local
    var entries: [YAMLEntry] = []
    for entry in local.entries {
      let key = entry.key.value
      let originValue = origin?[key]
      let updatedValue = updated?[key]
      guard
        let merged = value(
          local: entry.value, origin: originValue, updated: updatedValue, path: path + [key])
      else { continue }
      var kept = entry
      if !merged.sameContent(as: entry.value) {
        kept.value = merged
        // The chosen node brings its comments (`replicas: 3 # upstream replicas`).
        if let updatedValue, merged.sameContent(as: updatedValue),
          let index = updated?.index(ofKey: key), let comments = updated?.entries[index].comments
        {
          kept.comments = comments
        }
      }
      entries.append(kept)
    }
    for entry in updated?.entries ?? [] where local.index(ofKey: entry.key.value) == nil {
      let key = entry.key.value
      guard
        let merged = value(
          local: nil, origin: origin?[key], updated: entry.value, path: path + [key])
      else { continue }
      entries.append(YAMLEntry(key: entry.key, value: merged, comments: entry.comments))
    }
    result.entries = entries
    return result
  }

  // MARK: Lists

  enum ListKey {
    /// Elements are maps matched by these fields (with defaults for absent ones).
    case fields([String], defaults: [String: String])
    /// Elements are scalars: a set.
    case set
  }

  /// The merge key of the list at `path`, for the lists Kubernetes merges by key.
  func listKey(_ path: [String]) -> ListKey? {
    guard let field = path.last.map(Self.fieldName) else { return nil }
    if kptfile {
      return path.count == 2 && path[0] == "pipeline"
        && (field == "mutators" || field == "validators")
        ? .fields(["name"], defaults: [:]) : nil
    }
    if kustomization && path.count == 1
      && (field == "configMapGenerator" || field == "secretGenerator")
    {
      return .fields(["name"], defaults: [:])
    }
    guard builtin else { return nil }
    let parent = path.dropLast().last.map(Self.fieldName) ?? ""
    switch field {
    case "containers", "initContainers", "ephemeralContainers", "imagePullSecrets", "volumes",
      "env", "webhooks", "drivers":
      return .fields(["name"], defaults: [:])
    case "secrets" where path.count == 1:
      return .fields(["name"], defaults: [:])
    case "volumeMounts": return .fields(["mountPath"], defaults: [:])
    case "volumeDevices": return .fields(["devicePath"], defaults: [:])
    case "hostAliases": return .fields(["ip"], defaults: [:])
    case "topologySpreadConstraints":
      return .fields(["topologyKey", "whenUnsatisfiable"], defaults: [:])
    case "ports" where ["containers", "initContainers"].contains(parent):
      return .fields(["containerPort", "protocol"], defaults: ["protocol": "TCP"])
    case "ports" where parent == "spec" && path.count == 2:
      return .fields(["port", "protocol"], defaults: ["protocol": "TCP"])
    case "finalizers" where parent == "metadata": return .set
    case "ownerReferences" where parent == "metadata": return .fields(["uid"], defaults: [:])
    case "conditions" where parent == "status": return .fields(["type"], defaults: [:])
    default: return nil
    }
  }

  /// `containers[name=app]` → `containers`.
  static func fieldName(_ segment: String) -> String {
    segment.firstIndex(of: "[").map { String(segment[..<$0]) } ?? segment
  }

  /// The identity of a list element; nil when it has none (then the list is taken whole).
  func identity(of node: YAMLNode, _ key: ListKey) -> String? {
    switch key {
    case .set:
      return node.isScalar ? node.value : nil
    case .fields(let fields, let defaults):
      guard node.isMapping else { return nil }
      if kptfile {
        if let name = node["name"]?.string, !name.isEmpty { return "name=" + name }
        if let image = node["image"]?.string { return "image=" + FunctionImage(image).name }
        return node["exec"]?.string.map { "exec=" + $0 }
      }
      var parts: [String] = []
      for field in fields {
        guard let value = node[field]?.string ?? defaults[field] else { return nil }
        parts.append(field + "=" + value)
      }
      return parts.joined(separator: ",")
    }
  }

  mutating func list(
    local: YAMLNode?, origin: YAMLNode?, updated: YAMLNode?, key: ListKey, path: [String]
  ) -> YAMLNode? {
    func keyed(_ node: YAMLNode?) -> [(id: String, item: YAMLItem)]? {
      guard let node else { return [] }
      var result: [(String, YAMLItem)] = []
      var seen: Set<String> = []
      for item in node.items {
        guard let id = identity(of: item.node, key), seen.insert(id).inserted else { return nil }
        result.append((id, item))
      }
      return result
    }
    guard let localItems = keyed(local), let originItems = keyed(origin),
      let updatedItems = keyed(updated)
    else {
      return scalar(local: local, origin: origin, updated: updated, path: path)
    }
    let originByID = Dictionary(uniqueKeysWithValues: originItems.map { ($0.id, $0.item) })
    let updatedByID = Dictionary(uniqueKeysWithValues: updatedItems.map { ($0.id, $0.item) })
    let localIDs = Set(localItems.map(\.id))
    let field = path.last ?? ""
    var items: [YAMLItem] = []
    for (id, item) in localItems {
      let elementPath = Array(path.dropLast()) + ["\(field)[\(id)]"]
      if case .set = key {
        if originByID[id] != nil && updatedByID[id] == nil { continue }
        items.append(item)
        continue
      }
      guard
        let merged = value(
          local: item.node, origin: originByID[id]?.node, updated: updatedByID[id]?.node,
          path: elementPath),
        !isEmptyElement(merged)
      else { continue }
      var kept = item
      // Pipeline functions are matched by name or image and need no key back.
      kept.node =
        kptfile
        ? merged
        : restoringKey(
          merged, key: key, from: [item.node, originByID[id]?.node, updatedByID[id]?.node])
      items.append(kept)
    }
    // Elements local does not have: upstream additions, and (re-created with upstream's
    // changes) elements local deleted that upstream changed.
    var added: Set<String> = []
    for (id, item) in originItems + updatedItems where !localIDs.contains(id) {
      guard added.insert(id).inserted else { continue }
      if case .set = key {
        if updatedByID[id] != nil && originByID[id] == nil { items.append(item) }
        continue
      }
      let elementPath = Array(path.dropLast()) + ["\(field)[\(id)]"]
      guard
        let merged = value(
          local: nil, origin: originByID[id]?.node, updated: updatedByID[id]?.node,
          path: elementPath),
        !isEmptyElement(merged)
      else { continue }
      // A re-created element needs its key.
      let element =
        originByID[id] == nil
        ? merged : restoringKey(merged, key: key, from: [updatedByID[id]?.node])
      items.append(YAMLItem(element, comments: updatedByID[id]?.comments ?? item.comments))
    }
    var result = local ?? updated ?? .sequence()
    result.items = items
    if local == nil && items.isEmpty { return nil }
    return result
  }

  /// An element whose fields the merge removed (upstream deleted it and local changed nothing
  /// that survives): it goes, rather than staying as `- {}`, which Kubernetes refuses.
  private func isEmptyElement(_ node: YAMLNode) -> Bool {
    node.isMapping && node.entries.isEmpty
  }

  /// An element of a keyed list with the key fields the merge dropped put back first (an
  /// element upstream deleted that keeps a field local added still needs its identity).
  private func restoringKey(_ node: YAMLNode, key: ListKey, from sources: [YAMLNode?])
    -> YAMLNode
  {
    guard node.isMapping, case .fields(let fields, _) = key else { return node }
    var element = node
    for name in fields.reversed() where element.index(ofKey: name) == nil {
      if let value = sources.lazy.compactMap({ $0?[name] }).first {
        element.entries.insert(YAMLEntry(key: .scalar(name), value: value), at: 0)
      }
    }
    return element
  }

  // MARK: Helpers

  /// Equal as data: scalars by value, maps by keys regardless of order, lists in order;
  /// comments and quoting ignored.
  static func same(_ a: YAMLNode, _ b: YAMLNode) -> Bool {
    guard a.kind == b.kind else { return a.isNull && b.isNull }
    switch a.kind {
    case .scalar, .alias:
      return a.value == b.value
    case .mapping:
      guard a.entries.count == b.entries.count else { return false }
      for entry in a.entries {
        guard let other = b[entry.key.value], same(entry.value, other) else { return false }
      }
      return true
    case .sequence:
      guard a.items.count == b.items.count else { return false }
      return zip(a.items, b.items).allSatisfy { same($0.node, $1.node) }
    }
  }

  mutating func conflict(
    _ path: [String], _ origin: YAMLNode?, _ updated: YAMLNode?, _ local: YAMLNode?
  ) {
    conflicts.append(
      MergeConflict(
        file: file, resource: resource, field: path.isEmpty ? "." : path.joined(separator: "."),
        origin: origin.map(Self.show), updated: updated.map(Self.show), local: local.map(Self.show))
    )
  }

  /// A value as one line of text.
  static func show(_ node: YAMLNode) -> String {
    if node.isScalar { return node.value }
    let text = String(decoding: YAMLDocument(root: node).text(), as: UTF8.self)
    let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    let joined = lines.joined(separator: " ")
    return joined.count > 80 ? String(joined.prefix(77)) + "..." : joined
  }
}
