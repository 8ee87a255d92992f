/// Writes YAML trees in kpt's style (specs/kpt.md §6.4): two-space mappings, the document's own
/// sequence indentation, scalars as they were written, flow collections on one line, comments
/// where they were.
struct YAMLEmitter {
  let sequenceIndent: SequenceIndent
  /// Whether a document's head comment that ends in a blank line keeps one blank line before
  /// the object.
  var keepsHeadApart = false
  /// Whether a document's head comment keeps its blank lines (one for each run of them): a
  /// licence header stays apart from the comment or object below it.
  var keepsHeadBlankLines = false

  init(sequenceIndent: SequenceIndent) {
    self.sequenceIndent = sequenceIndent
  }

  /// A whole document, ending with a line break.
  func emit(_ document: YAMLDocument) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(document.originalText?.count ?? 256)
    if keepsHeadBlankLines {
      var blank = false
      for line in document.headComments {
        if line.isEmpty {
          blank = !out.isEmpty
          continue
        }
        if blank { out.append(0x0A) }
        blank = false
        comment(line, indent: 0, &out)
      }
      if blank { out.append(0x0A) }
    } else {
      for line in document.headComments where !line.isEmpty { comment(line, indent: 0, &out) }
    }
    if keepsHeadApart, !keepsHeadBlankLines, document.headComments.last?.isEmpty == true,
      document.headComments.contains(where: { !$0.isEmpty })
    {
      out.append(0x0A)
    }
    emitValue(Self.withoutLeadingBlankLines(document.root), indent: 0, &out)
    for line in document.footComments { comment(line, indent: 0, &out) }
    return out
  }

  /// A document as an element of a block sequence whose dashes sit at `indent` (the ResourceList
  /// form): the document's head comment follows the dash, as kpt writes it, or comes before
  /// the dash, as kpt writes items a function returned.
  func emitItem(
    _ document: YAMLDocument, indent: Int, headBeforeDash: Bool = false, into out: inout [UInt8]
  ) {
    if headBeforeDash {
      for line in document.headComments where !line.isEmpty { comment(line, indent: indent, &out) }
    }
    spaces(indent, &out)
    out.append(contentsOf: [UInt8(ascii: "-"), 0x20])
    var inline = true
    for line in document.headComments where !line.isEmpty && !headBeforeDash {
      if !inline && !line.isEmpty { spaces(indent + 2, &out) }
      inline = false
      out.append(contentsOf: line.utf8)
      out.append(0x0A)
    }
    let root = Self.withoutLeadingBlankLines(document.root)
    if root.kind == .mapping && !root.isFlow && !root.entries.isEmpty {
      emitMapping(root, indent: indent + 2, inline: inline, &out)
    } else if root.kind == .sequence && !root.isFlow && !root.items.isEmpty {
      if !inline { spaces(indent + 2, &out) }
      emitSequence(root, indent: indent + 2, inline: true, &out)
    } else {
      if !inline { spaces(indent + 2, &out) }
      out.append(contentsOf: inlineText(root, indent: indent + 2).utf8)
      out.append(0x0A)
    }
    for line in document.footComments { comment(line, indent: indent + 2, &out) }
  }

  /// go-yaml joins a document's head comment and its first key's comment without the blank
  /// lines between them.
  static func withoutLeadingBlankLines(_ root: YAMLNode) -> YAMLNode {
    guard root.kind == .mapping, let first = root.entries.first,
      first.comments.head.contains(where: \.isEmpty)
    else { return root }
    var copy = root
    copy.entries[0].comments.head.removeAll { $0.isEmpty }
    return copy
  }

  // MARK: Blocks

  private func spaces(_ n: Int, _ out: inout [UInt8]) {
    if n > 0 { out.append(contentsOf: repeatElement(0x20, count: n)) }
  }

  private func comment(_ line: String, indent: Int, _ out: inout [UInt8]) {
    if !line.isEmpty {
      spaces(indent, &out)
      out.append(contentsOf: line.utf8)
    }
    out.append(0x0A)
  }

  private func isBlockCollection(_ node: YAMLNode) -> Bool {
    switch node.kind {
    case .mapping: return !node.isFlow && !node.entries.isEmpty
    case .sequence: return !node.isFlow && !node.items.isEmpty
    default: return false
    }
  }

  /// A top-level value: block collections start on their own line.
  private func emitValue(_ node: YAMLNode, indent: Int, _ out: inout [UInt8]) {
    if isBlockCollection(node) {
      let properties = propertyPrefix(node)
      if !properties.isEmpty {
        spaces(indent, &out)
        out.append(contentsOf: properties.dropLast().utf8)
        out.append(0x0A)
      }
      if node.kind == .mapping {
        emitMapping(node, indent: indent, inline: false, &out)
      } else {
        emitSequence(node, indent: indent, inline: false, &out)
      }
    } else {
      spaces(indent, &out)
      var text = inlineText(node, indent: indent)
      // A plain scalar alone at the start of a line must not read as a document marker.
      if indent == 0 && node.kind == .scalar && node.style == .plain && node.anchor == nil
        && node.tag == nil && ScalarFormatter.startsWithDocumentMarker(text)
      {
        text = ScalarFormatter.doubleQuoted(node.value)
      }
      out.append(contentsOf: text.utf8)
      out.append(0x0A)
    }
  }

  /// `inline`: the first entry continues a line that already holds `- `.
  private func emitMapping(_ node: YAMLNode, indent: Int, inline: Bool, _ out: inout [UInt8]) {
    var inline = inline
    for entry in node.entries {
      for line in entry.comments.head {
        if inline {
          inline = false
          out.append(contentsOf: line.utf8)
          out.append(0x0A)
        } else {
          comment(line, indent: indent, &out)
        }
      }
      if !inline { spaces(indent, &out) }
      inline = false
      let key = keyText(entry.key, indent: indent)
      // An implicit key is one line of at most 1024 characters, and no block scalar; any other
      // is written `? key`.
      let explicit =
        Self.needsExplicitKey(key) || entry.key.style == .literal || entry.key.style == .folded
      if explicit {
        out.append(contentsOf: ("? " + key + "\n").utf8)
        spaces(indent, &out)
      } else {
        out.append(contentsOf: key.utf8)
      }
      out.append(UInt8(ascii: ":"))
      let value = entry.value
      if isBlockCollection(value) {
        let properties = propertyPrefix(value)
        if !properties.isEmpty {
          out.append(0x20)
          out.append(contentsOf: properties.dropLast().utf8)
        }
        lineComment(entry.comments.line, &out)
        out.append(0x0A)
        if value.kind == .mapping {
          emitMapping(value, indent: indent + 2, inline: false, &out)
        } else {
          let childIndent = sequenceIndent == .wide || explicit ? indent + 2 : indent
          emitSequence(value, indent: childIndent, inline: false, &out)
        }
      } else {
        let text = inlineText(value, indent: indent)
        if !text.isEmpty {
          out.append(0x20)
          out.append(contentsOf: text.utf8)
        }
        lineComment(entry.comments.line, &out)
        out.append(0x0A)
      }
    }
    for line in node.footComments { comment(line, indent: indent, &out) }
  }

  private func emitSequence(_ node: YAMLNode, indent: Int, inline: Bool, _ out: inout [UInt8]) {
    var inline = inline
    for item in node.items {
      for line in item.comments.head { comment(line, indent: indent, &out) }
      if !inline { spaces(indent, &out) }
      inline = false
      out.append(UInt8(ascii: "-"))
      let value = item.node
      if isBlockCollection(value) {
        let properties = propertyPrefix(value)
        out.append(0x20)
        if !properties.isEmpty {
          out.append(contentsOf: properties.dropLast().utf8)
          lineComment(item.comments.line, &out)
          out.append(0x0A)
          if value.kind == .mapping {
            emitMapping(value, indent: indent + 2, inline: false, &out)
          } else {
            emitSequence(value, indent: indent + 2, inline: false, &out)
          }
        } else if value.kind == .mapping {
          emitMapping(value, indent: indent + 2, inline: true, &out)
        } else {
          emitSequence(value, indent: indent + 2, inline: true, &out)
        }
      } else {
        let text = inlineText(value, indent: indent)
        if !text.isEmpty {
          out.append(0x20)
          out.append(contentsOf: text.utf8)
        }
        lineComment(item.comments.line, &out)
        out.append(0x0A)
      }
    }
    for line in node.footComments { comment(line, indent: indent, &out) }
  }

  private func lineComment(_ text: String?, _ out: inout [UInt8]) {
    guard let text else { return }
    out.append(0x20)
    out.append(contentsOf: text.utf8)
  }

  // MARK: Inline text

  private func propertyPrefix(_ node: YAMLNode) -> String {
    var prefix = ""
    if let anchor = node.anchor { prefix += "&" + anchor + " " }
    if let tag = node.tag { prefix += tag + " " }
    return prefix
  }

  /// A scalar, alias or flow collection as it stands after `key: ` or `- `; a block scalar's
  /// following lines are indented under `indent`.
  private func inlineText(_ node: YAMLNode, indent: Int, inFlow: Bool = false) -> String {
    let properties = propertyPrefix(node)
    switch node.kind {
    case .alias:
      return "*" + node.value
    case .mapping:
      let body = node.entries.map { entry in
        let value = inlineText(entry.value, indent: indent, inFlow: true)
        let key = keyText(entry.key, indent: indent, inFlow: true)
        // `{a:}` does not parse: an empty value keeps the space after its colon.
        return (Self.needsExplicitKey(key) ? "? " : "") + key + ": " + value
      }
      return properties + "{" + body.joined(separator: ", ") + "}"
    case .sequence:
      // An empty item needs text of its own there (`[, ]` does not parse): `~`, null as well.
      let body = node.items.map { item in
        let text = inlineText(item.node, indent: indent, inFlow: true)
        return text.isEmpty ? "~" : text
      }
      return properties + "[" + body.joined(separator: ", ") + "]"
    case .scalar:
      var text = scalarText(node, indent: indent)
      // A plain scalar from block context (a block collection written as a flow key, or put
      // into a flow collection) may hold what ends a scalar there.
      // (libyaml reads a `?` or `:` opening a plain scalar in flow as an indicator, and refuses
      // `:?` inside one.)
      if inFlow
        && (node.style == .plain
          && (text.utf8.contains(where: { Self.flowIndicators.contains($0) })
            || text.utf8.first == UInt8(ascii: "?") || text.utf8.first == UInt8(ascii: ":")
            || text.contains(":?"))
          || node.style == .literal || node.style == .folded)
      {
        text = ScalarFormatter.doubleQuoted(node.value)
      }
      if properties.isEmpty { return text }
      // In flow a tag must not touch the `,` or `]` after it: the space stays.
      if text.isEmpty { return inFlow ? properties : String(properties.dropLast()) }
      return properties + text
    }
  }

  private static let flowIndicators: Set<UInt8> = Set(",[]{}".utf8)

  static func needsExplicitKey(_ key: String) -> Bool {
    key.utf8.count > 1000 || key.utf8.contains(0x0A)
  }

  /// A key as it stands before its `:`; an empty key (`? ` with nothing after it) needs text of
  /// its own there: `~` for null, `""` under a tag.
  private func keyText(_ node: YAMLNode, indent: Int, inFlow: Bool = false) -> String {
    guard node.kind == .scalar, scalarText(node, indent: indent).isEmpty else {
      return inlineText(node, indent: indent, inFlow: inFlow)
    }
    return propertyPrefix(node) + (node.tag == nil ? "~" : "\"\"")
  }

  private func scalarText(_ node: YAMLNode, indent: Int) -> String {
    if let raw = node.raw {
      switch node.style {
      case .literal, .folded:
        return reindentBlockScalar(raw, indent: indent + 2)
      case .plain:
        // (A CRLF is one Character: look at the bytes.) Plain text read in one place may not
        // read the same in another (a key `--- {` at the start of a line): quote it then.
        if !raw.utf8.contains(0x0A) && !raw.utf8.contains(0x0D) {
          return raw.isEmpty || ScalarFormatter.isPlainSyntax(raw)
            ? raw : ScalarFormatter.doubleQuoted(node.value)
        }
      default:
        if !raw.utf8.contains(0x0A) && !raw.utf8.contains(0x0D) { return raw }
      }
    }
    return ScalarFormatter.format(node.value, style: node.style, indent: indent)
  }

  /// Moves a block scalar's content lines to `indent`, keeping their relative indentation;
  /// line breaks become LF, as everywhere else in emitted text (the value does not change).
  private func reindentBlockScalar(_ raw: String, indent: Int) -> String {
    let lines = raw.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map {
      line -> Substring.UTF8View.SubSequence in
      var line = line
      while line.last == 0x0D { line = line.dropLast() }
      return line
    }
    guard lines.count > 1 else { return raw }
    let isBlank = { (line: Substring.UTF8View.SubSequence) in line.allSatisfy { $0 == 0x20 } }
    let contentIndent =
      lines.dropFirst().filter { !isBlank($0) }.map { $0.prefix { $0 == 0x20 }.count }.min()
      ?? indent
    var out = String(decoding: lines[0], as: UTF8.self)
    for i in 1..<lines.count {
      out += "\n"
      if !isBlank(lines[i]) {
        out += String(repeating: " ", count: indent)
        out += String(decoding: lines[i].dropFirst(contentIndent), as: UTF8.self)
      }
    }
    return out
  }
}
