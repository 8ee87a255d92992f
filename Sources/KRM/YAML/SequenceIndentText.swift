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
    return convert(text[...], outline, root: outline.documents[0].root, to: target)
  }

  /// `convert` for the document at `root` of an outline already read, whose spans index `text`
  /// (a slice of the outline's input holding just that document).
  static func convert(
    _ text: ArraySlice<UInt8>, _ outline: YAMLOutline, root: Int, to target: SequenceIndent
  ) -> (text: [UInt8], outline: YAMLOutline)? {
    guard let plan = plan(text, outline, root: root, to: target),
      let moved = apply(plan, to: text),
      // kpt's detection must read the result as the target (a quoted scalar's lines can fool
      // it), or `fn sink` would not move the lines back.
      SequenceIndent.detect(in: moved.text) == target
    else { return nil }
    if plan.isSafe,
      let result = outline.document(
        at: root,
        offset: { offset in
          let number = plan.line(of: offset)
          let column = offset - plan.lineStarts[number]
          guard column > 0 else { return moved.lineStarts[number] }
          let place = column + moved.lineShift[number]
          return place >= 0 ? moved.lineStarts[number] + place : nil
        })
    {
      return (moved.text, result)
    }
    // The same nodes, or the text is left to the emitter.
    guard let converted = YAMLOutline(moved.text, maxDepth: YAMLParser.maxDepth),
      converted.documents.count == 1,
      converted.nodes.count == outline.nodes[root].end - root
    else { return nil }
    for (a, b) in zip(outline.nodes[root...], converted.nodes) {
      guard a.kind == b.kind, a.isFlow == b.isFlow, a.style == b.style, a.end - root == b.end,
        a.value == b.value
      else { return nil }
    }
    return (moved.text, converted)
  }

  /// Which lines of a text move, and how far.
  struct Plan {
    /// Where each line of the text starts (indices of the text).
    var lineStarts: [Int]
    /// How far each line moves (a blank line is left as it is).
    var lineShift: [Int]
    /// Whether the moved text reads as the same nodes without reading it: no moved line holds
    /// part of a node spread over lines, or of an explicit key (`? key`, its `:` on a later
    /// line). Each moved line then belongs to a block sequence that keeps its place as its
    /// key's value, and keeps its columns relative to the lines around it.
    var isSafe: Bool

    /// The line an index of the text lies on.
    func line(of offset: Int) -> Int {
      var low = 0
      var high = lineStarts.count - 1
      while low < high {
        let middle = (low + high + 1) / 2
        if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
      }
      return low
    }
  }

  /// The move of every block sequence under the mapping at `root` (a key's value) to `target`,
  /// for `text`, whose indices the outline's spans use; nil when the mapping is not a block one,
  /// a sequence is not in the other form, sits directly in a sequence, or a block scalar keeps
  /// its final line breaks.
  static func plan(
    _ text: ArraySlice<UInt8>, _ outline: YAMLOutline, root: Int, to target: SequenceIndent
  ) -> Plan? {
    guard outline.nodes[root].kind == .mapping, !outline.nodes[root].isFlow else { return nil }
    var plan = Plan(lineStarts: [text.startIndex], lineShift: [], isSafe: true)
    for i in text.indices where text[i] == 0x0A { plan.lineStarts.append(i + 1) }
    let lineStarts = plan.lineStarts
    // Column offset of the sequences in the source form relative to their key.
    let sourceOffset = target == .compact ? 2 : 0
    let step = target == .compact ? -2 : 2
    var shift = [Int](repeating: 0, count: lineStarts.count + 1)
    var moved = false
    var spread: [Range<Int>] = []
    for index in root..<outline.nodes[root].end {
      let node = outline.nodes[index]
      if let span = node.span, node.isFlow || node.kind == .scalar,
        node.style == .literal || node.style == .folded
          || text[span.clamped(to: text.indices)].contains(0x0A)
      {
        spread.append(span)
      }
      switch node.kind {
      case .scalar:
        // A block scalar that keeps its final line breaks may own lines past the text (a
        // document's text ends at its last content): the general way weighs that.
        if node.style == .literal || node.style == .folded, let span = node.span {
          var i = span.lowerBound
          while i < span.upperBound && i < text.endIndex && text[i] != 0x0A {
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
            span.lowerBound >= text.startIndex, span.lowerBound < text.endIndex,
            text[span.lowerBound] == UInt8(ascii: "-")
          else { return nil }
          let keyLine = plan.line(of: keySpan.lowerBound)
          let dashLine = plan.line(of: span.lowerBound)
          let keyColumn = keySpan.lowerBound - lineStarts[keyLine]
          let dashColumn = span.lowerBound - lineStarts[dashLine]
          guard dashLine > keyLine, dashColumn == keyColumn + sourceOffset else { return nil }
          var colon = keySpan.upperBound
          while colon < text.endIndex && text[colon] == 0x20 { colon += 1 }
          if colon >= text.endIndex || text[colon] != UInt8(ascii: ":") { plan.isSafe = false }
          let lastLine = plan.line(of: max(span.upperBound - 1, span.lowerBound))
          shift[keyLine + 1] += step
          shift[lastLine + 1] -= step
          moved = true
        }
      }
    }
    guard moved else { return nil }
    var current = 0
    plan.lineShift.reserveCapacity(lineStarts.count)
    for number in lineStarts.indices {
      current += shift[number]
      plan.lineShift.append(current)
    }
    if spread.contains(where: { span in
      (plan.line(of: span.lowerBound)...plan.line(of: span.upperBound)).contains {
        plan.lineShift[$0] != 0
      }
    }) {
      plan.isSafe = false
    }
    return plan
  }

  /// The text with the plan's moves made, where each line starts in it and how far it moved;
  /// nil when a line would have to lose more than its indentation.
  static func apply(_ plan: Plan, to text: ArraySlice<UInt8>) -> (
    text: [UInt8], lineStarts: [Int], lineShift: [Int]
  )? {
    var out: [UInt8] = []
    out.reserveCapacity(text.count + text.count / 8)
    var lineShift = [Int](repeating: 0, count: plan.lineStarts.count)
    var outStarts = [Int](repeating: 0, count: plan.lineStarts.count)
    for (number, start) in plan.lineStarts.enumerated() {
      let current = plan.lineShift[number]
      outStarts[number] = out.count
      let end = number + 1 < plan.lineStarts.count ? plan.lineStarts[number + 1] : text.endIndex
      var content = start
      while content < end && text[content] == 0x20 { content += 1 }
      let blank = content == end || text[content] == 0x0A
      if current == 0 || blank {
        out.append(contentsOf: text[start..<end])
      } else if current > 0 {
        lineShift[number] = current
        out.append(contentsOf: repeatElement(0x20, count: current))
        out.append(contentsOf: text[start..<end])
      } else {
        guard content - start >= -current else { return nil }
        lineShift[number] = current
        out.append(contentsOf: text[(start - current)..<end])
      }
    }
    return (out, outStarts, lineShift)
  }
}
