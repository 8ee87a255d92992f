/// kubectl's JSONPath templates (`-o jsonpath=`, custom columns, `--sort-by`): text with `{...}`
/// actions of fields (`.a.b`, `['a']`, `\.` inside a name), indexes and slices (`[0]`, `[-1]`,
/// `[1:3]`, `[*]`), unions (`[0,2]`), recursive descent (`..name`), filters (`[?(@.a=="x")]`,
/// `[?(@.a)]`), string literals (`{"\n"}`) and `{range ...}...{end}`.
public struct JSONPath: Sendable {
  indirect enum Node: Sendable {
    case text(String)
    case field(String)
    case wildcard
    case recursive
    case slice(start: Int?, end: Int?, step: Int?, single: Bool)
    case union([[Node]])
    case filter(left: [Node], op: String, right: [Node])
    case number(Double, integer: Int?)
    case boolean(Bool)
    case identifier(String)
  }

  /// One part of the template: literal text, or an action's chain of nodes.
  enum Part: Sendable {
    case text(String)
    case action([Node])
    case range([Node], body: [Part])
  }

  public let template: String
  let parts: [Part]
  /// A missing field gives nothing instead of an error (`--allow-missing-template-keys`).
  public var allowMissingKeys = true

  public init(_ template: String) throws(PrintError) {
    self.template = template
    var parser = Parser(Array(template.unicodeScalars))
    do {
      let flat = try parser.parseTemplate()
      var index = 0
      parts = try Self.nest(flat, from: &index, inRange: false)
    } catch let error as PrintError {
      throw error
    } catch {
      throw .template("error parsing jsonpath \(template), \(error)")
    }
  }

  /// kubectl's relaxed column and sort-by form: `.a.b`, `a.b`, `{.a.b}` or `{a.b}`.
  public init(relaxed expression: String) throws(PrintError) {
    var body = Substring(expression)
    if body.hasPrefix("{") && body.hasSuffix("}") && body.count >= 2 {
      body = body.dropFirst().dropLast()
    }
    if body.hasPrefix(".") { body = body.dropFirst() }
    guard !expression.isEmpty else {
      try self.init("")
      return
    }
    guard !body.isEmpty, !body.contains("{"), !body.contains("}") else {
      throw .template(
        "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"
      )
    }
    try self.init("{." + body + "}")
  }

  /// Turns the flat list of parts into ranges with bodies.
  private static func nest(_ flat: [Part], from index: inout Int, inRange: Bool) throws -> [Part] {
    var result: [Part] = []
    while index < flat.count {
      let part = flat[index]
      index += 1
      if case .action(let nodes) = part, case .identifier(let name) = nodes.first {
        switch name {
        case "range":
          let body = try nest(flat, from: &index, inRange: true)
          result.append(.range(Array(nodes.dropFirst()), body: body))
          continue
        case "end":
          guard inRange else { throw PrintError.template("not in range, nothing to end") }
          return result
        default:
          throw PrintError.template("unrecognized identifier \(name)")
        }
      }
      result.append(part)
    }
    return result
  }

  // MARK: Evaluation

  /// The results of each part in turn, as kubectl's `FindResults` gives them.
  public func results(in value: JSONValue) throws(PrintError) -> [[JSONValue]] {
    do {
      return try evaluate(parts, on: value)
    } catch let error as PrintError {
      throw error
    } catch {
      throw .template("\(error)")
    }
  }

  /// The template's text for one object, as `-o jsonpath` prints it.
  public func render(_ value: JSONValue) throws(PrintError) -> String {
    let all: [[JSONValue]]
    do {
      all = try evaluate(parts, on: value)
    } catch {
      throw .template(
        "error executing jsonpath \(GoJSON.quote(template)): Error executing template: \(error)")
    }
    return all.map { results in
      results.map { Self.text(of: $0) }.joined(separator: " ")
    }.joined()
  }

  /// A result as kubectl prints it: strings bare, maps and lists as compact JSON.
  public static func text(of value: JSONValue) -> String {
    switch value {
    case .array, .object: return value.encoded()
    default: return value.goFormatted()
    }
  }

  private func evaluate(_ parts: [Part], on root: JSONValue) throws -> [[JSONValue]] {
    var all: [[JSONValue]] = []
    for part in parts {
      switch part {
      case .text(let text): all.append([.string(text)])
      case .action(let nodes): all.append(try walk(nodes, [root]))
      case .range(let nodes, let body):
        for element in try walk(nodes, [root]) { all += try evaluate(body, on: element) }
      }
    }
    return all
  }

  private func walk(_ nodes: [Node], _ input: [JSONValue]) throws -> [JSONValue] {
    var current = input
    for node in nodes { current = try step(node, current) }
    return current
  }

  private func step(_ node: Node, _ input: [JSONValue]) throws -> [JSONValue] {
    switch node {
    case .text(let text): return [.string(text)]
    case .number(let value, let integer):
      return input.map { _ in .number(integer.map(String.init) ?? "\(value)") }
    case .boolean(let value): return input.map { _ in .bool(value) }
    case .identifier(let name): throw PrintError.template("unrecognized identifier \(name)")
    case .field(let name):
      var results: [JSONValue] = []
      for value in input {
        if case .object(let members) = value, let member = members[name] { results.append(member) }
      }
      if results.isEmpty && !input.isEmpty && !allowMissingKeys {
        throw PrintError.template("\(name) is not found")
      }
      return results
    case .wildcard:
      return input.flatMap(Self.children)
    case .recursive:
      var results: [JSONValue] = []
      func descend(_ value: JSONValue) {
        let children = Self.children(value)
        guard !children.isEmpty else { return }
        results.append(value)
        children.forEach(descend)
      }
      input.forEach(descend)
      return results
    case .union(let alternatives):
      return try alternatives.flatMap { try walk($0, input) }
    case .slice(let start, let end, let step, let single):
      var results: [JSONValue] = []
      for value in input {
        if case .null = value { continue }
        guard case .array(let items) = value else {
          throw PrintError.template("\(Self.typeName(value)) is not array or slice")
        }
        var from = start ?? 0
        if from < 0 { from += items.count }
        var to = end ?? (single ? from + 1 : items.count)
        if let end, end < 0 { to = end + items.count }
        if to == from { continue }
        if from >= items.count || from < 0 {
          throw PrintError.template(
            "array index out of bounds: index \(from), length \(items.count)")
        }
        if to > items.count || to < 0 {
          throw PrintError.template(
            "array index out of bounds: index \(to - 1), length \(items.count)")
        }
        if from > to {
          throw PrintError.template("starting index \(from) is greater than ending index \(to)")
        }
        let stride = step ?? 1
        guard stride > 0 else { throw PrintError.template("step must be > 0") }
        results += Swift.stride(from: from, to: to, by: stride).map { items[$0] }
      }
      return results
    case .filter(let left, let op, let right):
      var results: [JSONValue] = []
      for value in input {
        guard case .array(let items) = value else {
          throw PrintError.template(
            "\(value.encoded()) is not array or slice and cannot be filtered")
        }
        for item in items {
          let lefts = (try? walk(left, [item])) ?? []
          if op == "exists" {
            if !lefts.isEmpty { results.append(item) }
            continue
          }
          guard let l = lefts.first else { continue }
          guard lefts.count == 1 else {
            throw PrintError.template("can only compare one element at a time")
          }
          let rights = try walk(right, [item])
          guard let r = rights.first else { continue }
          guard rights.count == 1 else {
            throw PrintError.template("can only compare one element at a time")
          }
          if try Self.compare(l, op, r) { results.append(item) }
        }
      }
      return results
    }
  }

  static func children(_ value: JSONValue) -> [JSONValue] {
    switch value {
    case .object(let members): return JSONValue.sortedKeys(members).compactMap { members[$0] }
    case .array(let items): return items
    // Go walks a string's bytes, which have no children themselves.
    case .string(let text): return text.utf8.map { .number(String($0)) }
    default: return []
    }
  }

  static func typeName(_ value: JSONValue) -> String {
    switch value {
    case .null: return "<nil>"
    case .bool: return "bool"
    case .number: return "int64"
    case .string: return "string"
    case .array: return "[]interface {}"
    case .object: return "map[string]interface {}"
    }
  }

  /// Go template's comparison rules: numbers with numbers, strings with strings, booleans only
  /// for (in)equality.
  static func compare(_ left: JSONValue, _ op: String, _ right: JSONValue) throws -> Bool {
    let order: Int
    switch (left, right) {
    case (.number(let a), .number(let b)):
      guard let x = Double(a), let y = Double(b) else { return false }
      order = x < y ? -1 : (x > y ? 1 : 0)
    case (.string(let a), .string(let b)):
      order = a < b ? -1 : (a > b ? 1 : 0)
    case (.bool(let a), .bool(let b)):
      guard op == "==" || op == "!=" else {
        throw PrintError.template("invalid type for comparison")
      }
      order = a == b ? 0 : 1
    default:
      throw PrintError.template("incompatible types for comparison")
    }
    switch op {
    case "==": return order == 0
    case "!=": return order != 0
    case "<": return order < 0
    case ">": return order > 0
    case "<=": return order <= 0
    case ">=": return order >= 0
    default: throw PrintError.template("unrecognized filter operator \(op)")
    }
  }
}

/// Reads a template into parts (a flat list; `range`/`end` are nested afterwards).
private struct Parser {
  let input: [Unicode.Scalar]
  var position = 0

  init(_ input: [Unicode.Scalar]) { self.input = input }

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  var atEnd: Bool { position >= input.count }
  func peek(_ offset: Int = 0) -> Unicode.Scalar? {
    position + offset < input.count ? input[position + offset] : nil
  }
  func hasPrefix(_ text: String) -> Bool {
    let scalars = Array(text.unicodeScalars)
    guard position + scalars.count <= input.count else { return false }
    return Array(input[position..<(position + scalars.count)]) == scalars
  }

  mutating func parseTemplate() throws -> [JSONPath.Part] {
    var parts: [JSONPath.Part] = []
    var text = ""
    while !atEnd {
      if input[position] == "{" {
        if !text.isEmpty { parts.append(.text(text)) }
        text = ""
        position += 1
        parts.append(.action(try parseAction(until: "}")))
      } else {
        text.unicodeScalars.append(input[position])
        position += 1
      }
    }
    if !text.isEmpty { parts.append(.text(text)) }
    return parts
  }

  /// An action's nodes up to `terminator` (consumed); nil terminator: to the end of input.
  mutating func parseAction(until terminator: Unicode.Scalar?) throws -> [JSONPath.Node] {
    var nodes: [JSONPath.Node] = []
    while true {
      guard let c = peek() else {
        if terminator == nil { return nodes }
        throw Failure(description: "unclosed action")
      }
      if c == terminator {
        position += 1
        return nodes
      }
      if hasPrefix("[?(") {
        nodes.append(try parseFilter())
        continue
      }
      if hasPrefix("..") {
        if case .recursive = nodes.last {
          throw Failure(description: "invalid multiple recursive descent")
        }
        position += 2
        nodes.append(.recursive)
        if let next = peek(), Self.isAlphaNumeric(next) { nodes.append(parseField()) }
        continue
      }
      switch c {
      case "\n", "\r": throw Failure(description: "unclosed action")
      case " ", "@", "$": position += 1
      case "[": nodes.append(contentsOf: try parseArray())
      case "\"", "'": nodes.append(.text(try parseQuote()))
      case ".":
        position += 1
        nodes.append(parseField())
      case "+", "-", "0"..."9": nodes.append(try parseNumber())
      default:
        guard Self.isAlphaNumeric(c) else {
          throw Failure(
            description: "unrecognized character in action: U+\(Self.hex(c.value)) '\(c)'")
        }
        let word = parseWord()
        nodes.append(
          word == "true" || word == "false" ? .boolean(word == "true") : .identifier(word))
      }
    }
  }

  static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  static func isAlphaNumeric(_ c: Unicode.Scalar) -> Bool {
    c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c)
  }

  static func isTerminator(_ c: Unicode.Scalar?) -> Bool {
    guard let c else { return true }
    return [" ", "\t", "\r", "\n", ".", ",", "[", "]", "$", "@", "{", "}"].contains(c)
  }

  mutating func parseWord() -> String {
    var word = ""
    while let c = peek(), !Self.isTerminator(c) {
      word.unicodeScalars.append(c)
      position += 1
    }
    return word
  }

  /// A field name after `.`; `\` escapes the next character (`kpt\.dev/latest-revision`).
  mutating func parseField() -> JSONPath.Node {
    var name = ""
    while let c = peek() {
      if c == "\\" {
        position += 1
        if let escaped = peek() {
          name.unicodeScalars.append(escaped)
          position += 1
        }
        continue
      }
      if Self.isTerminator(c) { break }
      name.unicodeScalars.append(c)
      position += 1
    }
    return name == "*" ? .wildcard : .field(name)
  }

  mutating func parseNumber() throws -> JSONPath.Node {
    var text = ""
    if let c = peek(), c == "+" || c == "-" {
      text.unicodeScalars.append(c)
      position += 1
    }
    while let c = peek(), c == "." || ("0"..."9").contains(c) {
      text.unicodeScalars.append(c)
      position += 1
    }
    if let integer = Int(text) { return .number(Double(integer), integer: integer) }
    if let value = Double(text) { return .number(value, integer: nil) }
    throw Failure(description: "cannot parse number \(text)")
  }

  mutating func parseQuote() throws -> String {
    guard let quote = peek() else { throw Failure(description: "unterminated quoted string") }
    position += 1
    var value = ""
    while true {
      guard let c = peek(), c != "\n" else {
        throw Failure(description: "unterminated quoted string")
      }
      position += 1
      if c == quote { return value }
      if c == "\\", let next = peek() {
        position += 1
        switch next {
        case "n": value += "\n"
        case "t": value += "\t"
        case "r": value += "\r"
        case "a": value += "\u{07}"
        case "b": value += "\u{08}"
        case "f": value += "\u{0C}"
        case "v": value += "\u{0B}"
        case "0": value += "\0"
        default: value.unicodeScalars.append(next)
        }
        continue
      }
      value.unicodeScalars.append(c)
    }
  }

  mutating func parseArray() throws -> [JSONPath.Node] {
    position += 1
    var text = ""
    while true {
      guard let c = peek(), c != "\n" else { throw Failure(description: "unterminated array") }
      position += 1
      if c == "]" { break }
      text.unicodeScalars.append(c)
    }
    if text == "*" { text = ":" }
    let alternatives = text.split(separator: ",", omittingEmptySubsequences: false)
    if alternatives.count > 1 {
      return [
        .union(
          try alternatives.map { alternative in
            var inner = Parser(Array(("[" + alternative.trimmingSpaces + "]").unicodeScalars))
            return try inner.parseAction(until: nil)
          })
      ]
    }
    if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'"),
      !text.dropFirst().dropLast().contains("'")
    {
      // kubectl reads `['a.b']` as `.a.b`: dots still separate fields.
      var inner = Parser(Array(("." + text.dropFirst().dropLast()).unicodeScalars))
      return try inner.parseAction(until: nil)
    }
    let pieces = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard pieces.count <= 3,
      pieces.allSatisfy({ $0.isEmpty || Int($0) != nil }), !(pieces[0].hasPrefix("+"))
    else { throw Failure(description: "invalid array index \(text)") }
    let numbers = pieces.map { Int($0) }
    if pieces.count == 1 {
      guard let index = numbers[0] else {
        throw Failure(description: "invalid array index \(text)")
      }
      return [.slice(start: index, end: nil, step: nil, single: true)]
    }
    return [
      .slice(
        start: numbers[0], end: numbers[1], step: pieces.count > 2 ? numbers[2] : nil,
        single: false)
    ]
  }

  mutating func parseFilter() throws -> JSONPath.Node {
    position += 3
    var text = ""
    var quote: Unicode.Scalar?
    var closed = false
    while true {
      guard let c = peek(), c != "\n" else { throw Failure(description: "unterminated filter") }
      position += 1
      if c == "\"" || c == "'" {
        if quote == nil {
          quote = c
        } else if c == quote, text.unicodeScalars.last != "\\" {
          closed = true
        }
      } else if c == ")" && (quote == nil || closed) {
        break
      }
      text.unicodeScalars.append(c)
    }
    guard peek() == "]" else { throw Failure(description: "unclosed array expect ]") }
    position += 1
    let scalars = Array(text.unicodeScalars)
    let operators: Set<Unicode.Scalar> = ["!", "<", ">", "=", "~"]
    if let opStart = scalars.firstIndex(where: { operators.contains($0) }), opStart > 0 {
      var opEnd = opStart
      while opEnd < scalars.count, operators.contains(scalars[opEnd]) { opEnd += 1 }
      let op = String(String.UnicodeScalarView(scalars[opStart..<opEnd]))
      var left = Parser(Array(scalars[..<opStart]))
      var right = Parser(Array(scalars[opEnd...]))
      guard opEnd < scalars.count else { throw Failure(description: "invalid filter \(text)") }
      return .filter(
        left: try left.parseAction(until: nil), op: op, right: try right.parseAction(until: nil))
    }
    var inner = Parser(scalars)
    return .filter(left: try inner.parseAction(until: nil), op: "exists", right: [])
  }
}

extension Substring {
  fileprivate var trimmingSpaces: String {
    String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
  }
}
