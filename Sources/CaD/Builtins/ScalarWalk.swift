import KRM

/// A place in a resource: the node, the comments of the entry or item that holds it, and its
/// path as the catalog prints it (`spec.template.spec.containers[0].image`).
struct FieldVisit {
  var segments: [String]
  var path: String { segments.joined(separator: ".") }
}

extension YAMLNode {
  /// Calls `body` for every value of every mapping entry and sequence item below this node, depth
  /// first, with the comments of the entry or item. `skipReaderAnnotations` leaves out kpt's
  /// bookkeeping annotations.
  mutating func walkFields(
    _ segments: [String] = [],
    _ body: (inout YAMLNode, inout YAMLComments, FieldVisit) -> Void
  ) {
    switch kind {
    case .mapping:
      let isAnnotations = segments.count == 2 && segments == ["metadata", "annotations"]
      for i in entries.indices {
        let key = entries[i].key.value
        if isAnnotations && YAMLNode.bookkeepingAnnotation(key) { continue }
        let visit = FieldVisit(segments: segments + [key])
        var entry = entries[i]
        body(&entry.value, &entry.comments, visit)
        entry.value.walkFields(visit.segments, body)
        entries[i] = entry
      }
    case .sequence:
      for i in items.indices {
        var path = segments
        let suffix = "[\(i)]"
        if path.isEmpty { path = [suffix] } else { path[path.count - 1] += suffix }
        let visit = FieldVisit(segments: path)
        var item = items[i]
        body(&item.node, &item.comments, visit)
        item.node.walkFields(path, body)
        items[i] = item
      }
    default:
      break
    }
  }

  static func bookkeepingAnnotation(_ key: String) -> Bool {
    Annotation.readerKeys.contains(key) || key.hasPrefix("internal.config.kubernetes.io/")
      || key == Annotation.legacyID || key.hasPrefix("internal.config.k8s.io/")
      || key.hasPrefix("internal.stoop.dev/")
  }

  /// Replaces a scalar's text, keeping its quoting; a plain scalar is written exactly as given
  /// (so `4` stays a number), and the explicit tag goes.
  mutating func replaceScalarText(_ text: String) {
    if style == .plain {
      var replacement = YAMLNode.literal(text.isEmpty ? "\"\"" : text)
      replacement.anchor = anchor
      self = replacement
    } else {
      value = text
      tag = nil
    }
  }
}
