/// Writes YAML trees in kpt's style (specs/kpt.md §6.4): two-space mappings, the document's own
/// sequence indentation, scalars as they were written, flow collections on one line, comments
/// where they were.
struct YAMLEmitter {
  let sequenceIndent: SequenceIndent

  init(sequenceIndent: SequenceIndent) {
    self.sequenceIndent = sequenceIndent
  }

  /// A whole document, ending with a line break.
  func emit(_ document: YAMLDocument) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(document.originalText?.count ?? 256)
    for line in document.headComments where !line.isEmpty { comment(line, indent: 0, &out) }
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
      let body = node.items.map { inlineText($0.node, indent: indent, inFlow: true) }
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

/// Quoting for scalars built in memory.
public enum ScalarFormatter {
  /// A scalar as kpt writes it in `style`; plain falls back to quotes where plain would change
  /// the value's meaning.
  public static func format(_ value: String, style: YAMLScalarStyle, indent: Int) -> String {
    switch style {
    case .singleQuoted:
      if value.contains("\n") { return doubleQuoted(value) }
      return "'"
        + value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''")
        + "'"
    case .doubleQuoted:
      return doubleQuoted(value)
    case .literal, .folded:
      guard !value.isEmpty else { return "\"\"" }
      let chomp = value.hasSuffix("\n") ? (value.hasSuffix("\n\n") ? "+" : "") : "-"
      var body = value
      if body.hasSuffix("\n") { body.removeLast() }
      let pad = String(repeating: " ", count: indent + 2)
      let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map {
        $0.isEmpty ? "" : pad + $0
      }
      let lead = value.first == " " ? "2" : ""
      return "|" + lead + chomp + "\n" + lines.joined(separator: "\n")
    case .plain:
      return isPlainSafe(value) ? value : doubleQuoted(value)
    }
  }

  static func doubleQuoted(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
        } else if (0x80...0x9F).contains(scalar.value) || scalar.value == 0xFEFF
          || scalar.value == 0xFFFE || scalar.value == 0xFFFF || scalar.value == 0x2028
          || scalar.value == 0x2029
        {
          // Not printable for YAML (libyaml refuses them raw, a BOM included).
          out += "\\u" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// Whether `value` reads back as the same string when written plain.
  public static func isPlainSafe(_ value: String) -> Bool {
    guard isPlainSyntax(value), let first = value.utf8.first else { return false }
    let startsLikeNumber =
      first >= 0x30 && first <= 0x39 || first == UInt8(ascii: ".") || first == UInt8(ascii: "+")
      || first == UInt8(ascii: "-") || first == UInt8(ascii: "~")
    if !startsLikeNumber && !ScalarResolver.startsLikeKeyword(first) { return true }
    return !ScalarResolver.isNonString(value)
  }

  /// Whether text at the start of a line would read as `---` or `...` (a marker is followed by a
  /// blank or the end of the line).
  static func startsWithDocumentMarker(_ text: String) -> Bool {
    let utf8 = Array(text.utf8.prefix(4))
    guard utf8.count >= 3, utf8[0] == utf8[1], utf8[1] == utf8[2],
      utf8[0] == UInt8(ascii: "-") || utf8[0] == UInt8(ascii: ".")
    else { return false }
    return utf8.count == 3 || utf8[3] == 0x20 || utf8[3] == 0x09
  }

  /// Whether `value` reads back as one plain scalar in block context, whatever it means: no
  /// indicator where one would be read, no `: ` or ` #`, nothing unprintable, and no document
  /// marker at the start.
  static func isPlainSyntax(_ value: String) -> Bool {
    let utf8 = value.utf8
    guard let first = utf8.first, let last = utf8.last else { return false }
    if first == 0x20 || last == 0x20 || last == UInt8(ascii: ":") { return false }
    switch first {
    case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
      let second = utf8.dropFirst().first
      if second == nil || second == 0x20 { return false }
    case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
      UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"),
      UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
      UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
      return false
    default:
      break
    }
    if startsWithDocumentMarker(value) { return false }
    var previous: UInt8 = 0
    for byte in utf8 {
      if byte < 0x20 || byte == 0x7F { return false }
      if byte == 0x20 && previous == UInt8(ascii: ":") { return false }
      if byte == UInt8(ascii: "#") && previous == 0x20 { return false }
      previous = byte
    }
    // Nothing libyaml would not print raw (a BOM, C1 controls, line separators).
    return !value.unicodeScalars.contains { scalar in
      (0x80...0x9F).contains(scalar.value) || scalar.value == 0xFEFF || scalar.value == 0xFFFE
        || scalar.value == 0xFFFF || scalar.value == 0x2028 || scalar.value == 0x2029
    }
  }
}

/// What a plain scalar means under YAML 1.1 (kyaml's resolution), to know when a string must be
/// quoted to stay a string.
enum ScalarResolver {
  static let keywords: Set<String> = [
    "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes",
    "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", ".inf",
    ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", ".nan", ".NaN", ".NAN", "<<", "=",
  ]

  /// Whether a plain scalar starting with this byte could be a YAML 1.1 keyword.
  static func startsLikeKeyword(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"),
      UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "y"),
      UInt8(ascii: "Y"), UInt8(ascii: "o"), UInt8(ascii: "O"), UInt8(ascii: "."),
      UInt8(ascii: "<"), UInt8(ascii: "="):
      return true
    default:
      return false
    }
  }

  static func isNonString(_ value: String) -> Bool {
    if keywords.contains(value) { return true }
    return looksNumeric(value)
  }

  static func looksNumeric(_ value: String) -> Bool {
    var s = Substring(value)
    if s.first == "+" || s.first == "-" { s = s.dropFirst() }
    guard let first = s.first, first.isNumber || first == "." else { return false }
    if s.hasPrefix("0x") || s.hasPrefix("0o") || s.hasPrefix("0b") {
      return s.count > 2 && s.dropFirst(2).allSatisfy { $0.isHexDigit || $0 == "_" }
    }
    var digits = 0
    var dots = 0
    var exponent = false
    var previous: Character = " "
    for c in s {
      if c.isASCII && c.isNumber {
        digits += 1
      } else if c == "_" || c == ":" {
        // sexagesimal and underscores count as numbers in YAML 1.1
      } else if c == "." {
        dots += 1
      } else if (c == "e" || c == "E") && !exponent && digits > 0 {
        exponent = true
      } else if (c == "+" || c == "-") && (previous == "e" || previous == "E") {
      } else {
        return false
      }
      previous = c
    }
    return digits > 0 && dots <= 1
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
