/// Moving a document's block sequences between kpt's two indentations as text: every line of a
/// sequence that is a key's value (its items' head comments included, from the line after the
/// key to the sequence's last content line) moves two columns, once for each such sequence
/// around it. The emitter's compact and wide forms of a tree differ in exactly that, so a
/// canonical document converts to what the emitter would write, and any other keeps its own
/// layout; the move back gives the original bytes, as it touches the same lines.
///
/// `fn source` carries a wide document compact this way, and `fn sink` writes it back wide,
/// without a tree of it.
enum SequenceIndentText {
  /// The document `text` with its sequences moved to `target` (they must all stand in the other
  /// form), with the outline of the result; nil when the text is not of the outline's shape
  /// (one block mapping document), a sequence is not in the other form, or the result would
  /// not read as the same nodes.
  static func convert(_ text: [UInt8], to target: SequenceIndent) -> (
    text: [UInt8], outline: YAMLOutline
  )? {
    guard let outline = YAMLOutline(text, maxDepth: YAMLParser.maxDepth),
      outline.documents.count == 1
    else { return nil }
    let root = outline.documents[0].root
    guard outline.nodes[root].kind == .mapping, !outline.nodes[root].isFlow else { return nil }
    var lineStarts = [0]
    for (i, byte) in text.enumerated() where byte == 0x0A { lineStarts.append(i + 1) }
    func line(of offset: Int) -> Int {
      var low = 0
      var high = lineStarts.count - 1
      while low < high {
        let middle = (low + high + 1) / 2
        if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
      }
      return low
    }
    // Column offset of the sequences in the source form relative to their key.
    let sourceOffset = target == .compact ? 2 : 0
    let step = target == .compact ? -2 : 2
    var shift = [Int](repeating: 0, count: lineStarts.count + 1)
    var moved = false
    for index in root..<outline.nodes[root].end {
      let node = outline.nodes[index]
      switch node.kind {
      case .scalar:
        // A block scalar that keeps its final line breaks may own lines past the text (a
        // document's text ends at its last content): the general way weighs that.
        if node.style == .literal || node.style == .folded, let span = node.span {
          var i = span.lowerBound
          while i < span.upperBound && i < text.count && text[i] != 0x0A {
            if text[i] == UInt8(ascii: "+") { return nil }
            i += 1
          }
        }
        continue
      case .sequence:
        // A block sequence directly in a sequence: its dash shares a line with its parent's.
        if !node.isFlow {
          for child in outline.children(of: index)
          where outline.nodes[child].kind == .sequence && !outline.nodes[child].isFlow {
            return nil
          }
        }
        continue
      case .mapping:
        guard !node.isFlow else { continue }
        let children = outline.children(of: index)
        for i in stride(from: 0, to: children.count - 1, by: 2) {
          let value = outline.nodes[children[i + 1]]
          guard value.kind == .sequence, !value.isFlow else { continue }
          guard let keySpan = outline.nodes[children[i]].span, let span = value.span,
            span.lowerBound < text.count, text[span.lowerBound] == UInt8(ascii: "-")
          else { return nil }
          let keyLine = line(of: keySpan.lowerBound)
          let dashLine = line(of: span.lowerBound)
          let keyColumn = keySpan.lowerBound - lineStarts[keyLine]
          let dashColumn = span.lowerBound - lineStarts[dashLine]
          guard dashLine > keyLine, dashColumn == keyColumn + sourceOffset else { return nil }
          let lastLine = line(of: max(span.upperBound - 1, span.lowerBound))
          shift[keyLine + 1] += step
          shift[lastLine + 1] -= step
          moved = true
        }
      }
    }
    guard moved else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(text.count + (step > 0 ? text.count / 8 : 0))
    var current = 0
    for (number, start) in lineStarts.enumerated() {
      current += shift[number]
      let end = number + 1 < lineStarts.count ? lineStarts[number + 1] : text.count
      var content = start
      while content < end && text[content] == 0x20 { content += 1 }
      let blank = content == end || text[content] == 0x0A
      if current == 0 || blank {
        out.append(contentsOf: text[start..<end])
      } else if current > 0 {
        out.append(contentsOf: repeatElement(0x20, count: current))
        out.append(contentsOf: text[start..<end])
      } else {
        guard content - start >= -current else { return nil }
        out.append(contentsOf: text[(start - current)..<end])
      }
    }
    // kpt's detection must read the result as the target (a quoted scalar's lines can fool it),
    // or `fn sink` would not move the lines back.
    guard SequenceIndent.detect(in: out) == target else { return nil }
    // The same nodes, or the text is left to the emitter.
    guard let converted = YAMLOutline(out, maxDepth: YAMLParser.maxDepth),
      converted.documents.count == 1, converted.nodes.count == outline.nodes.count
    else { return nil }
    for (a, b) in zip(outline.nodes, converted.nodes) {
      guard a.kind == b.kind, a.isFlow == b.isFlow, a.style == b.style, a.end == b.end,
        a.value == b.value
      else { return nil }
    }
    return (out, converted)
  }
}
