/// The part of Go's text/template that kubectl's `-o go-template=` users write: text, fields
/// (`.a.b`, `$.a`, `$v.a`), `if`/`else if`/`else`, `range` (with `$v :=` or `$i, $v :=`,
/// and `else`), `with`, variables (`$x := ...`), pipelines (`|`), parentheses, string, number and
/// boolean literals, `{{-`/`-}}` trimming, comments, and the functions `index`, `len`, `eq`, `ne`,
/// `lt`, `le`, `gt`, `ge`, `and`, `or`, `not`, `print`, `printf` (`%s %v %d %q %%`), `println`.
/// Numbers are float64, as kubectl hands the template JSON-decoded data (`1e+06`).
public struct GoTemplate: Sendable {
  indirect enum Node: Sendable {
    case text(String)
    case output(Pipeline)
    case declare([String], Pipeline)
    case conditional(Pipeline, then: [Node], otherwise: [Node])
    case with(Pipeline, then: [Node], otherwise: [Node])
    case range([String], Pipeline, body: [Node], otherwise: [Node])
  }

  struct Pipeline: Sendable {
    var commands: [[Operand]]
    var source: String
  }

  indirect enum Operand: Sendable {
    case dot([String])
    case variable(String, [String])
    case literal(JSONValue)
    case function(String)
    case nested(Pipeline, [String])
  }

  public let template: String
  let nodes: [Node]
  /// A missing map key prints `<no value>` instead of failing (`--allow-missing-template-keys`).
  public var allowMissingKeys = true

  static let functions: Set<String> = [
    "index", "len", "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "print", "printf",
    "println",
  ]

  public init(_ template: String) throws(PrintError) {
    self.template = template
    do {
      var parser = TemplateParser(tokens: try TemplateParser.split(template))
      nodes = try parser.parseList(until: [])
    } catch {
      throw .template("error parsing template \(template), template: output:1: \(error)")
    }
  }

  public func render(_ value: JSONValue) throws(PrintError) -> String {
    var output = ""
    var scope = Scope(variables: [["$": value]])
    do {
      try run(nodes, dot: value, scope: &scope, into: &output)
    } catch {
      throw .template("error executing template \(GoJSON.quote(template)): \(error)")
    }
    return output
  }

  struct Scope {
    var variables: [[String: JSONValue?]]
    func lookup(_ name: String) -> JSONValue?? {
      for frame in variables.reversed() { if let value = frame[name] { return value } }
      return nil
    }
  }

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  private func run(_ nodes: [Node], dot: JSONValue?, scope: inout Scope, into output: inout String)
    throws
  {
    for node in nodes {
      switch node {
      case .text(let text): output += text
      case .output(let pipeline):
        output += Self.printed(try evaluate(pipeline, dot: dot, scope: scope))
      case .declare(let names, let pipeline):
        let value = try evaluate(pipeline, dot: dot, scope: scope)
        if let name = names.first { scope.variables[scope.variables.count - 1][name] = value }
      case .conditional(let pipeline, let then, let otherwise):
        let value = try evaluate(pipeline, dot: dot, scope: scope)
        scope.variables.append([:])
        try run(Self.truth(value) ? then : otherwise, dot: dot, scope: &scope, into: &output)
        scope.variables.removeLast()
      case .with(let pipeline, let then, let otherwise):
        let value = try evaluate(pipeline, dot: dot, scope: scope)
        scope.variables.append([:])
        if Self.truth(value) {
          try run(then, dot: value, scope: &scope, into: &output)
        } else {
          try run(otherwise, dot: dot, scope: &scope, into: &output)
        }
        scope.variables.removeLast()
      case .range(let names, let pipeline, let body, let otherwise):
        let value = try evaluate(pipeline, dot: dot, scope: scope)
        var elements: [(JSONValue, JSONValue)] = []
        switch value {
        case .array(let items)?:
          elements = items.enumerated().map { (.number(String($0.offset)), $0.element) }
        case .object(let members)?:
          elements = JSONValue.sortedKeys(members).compactMap { key in
            members[key].map { (.string(key), $0) }
          }
        case nil, .null?: break
        case let other?:
          throw Failure(description: "range can't iterate over \(Self.printed(other))")
        }
        if elements.isEmpty {
          scope.variables.append([:])
          try run(otherwise, dot: dot, scope: &scope, into: &output)
          scope.variables.removeLast()
        }
        for (key, element) in elements {
          var frame: [String: JSONValue?] = [:]
          if names.count == 1 { frame[names[0]] = element }
          if names.count == 2 {
            frame[names[0]] = key
            frame[names[1]] = element
          }
          scope.variables.append(frame)
          try run(body, dot: element, scope: &scope, into: &output)
          scope.variables.removeLast()
        }
      }
    }
  }

  private func evaluate(_ pipeline: Pipeline, dot: JSONValue?, scope: Scope) throws -> JSONValue? {
    do {
      return try evaluateCommands(pipeline, dot: dot, scope: scope)
    } catch let failure as Failure where !failure.description.hasPrefix("template: ") {
      let located =
        failure.description.hasPrefix("executing ")
        ? failure.description
        : "executing \"output\" at <\(pipeline.source)>: \(failure.description)"
      throw Failure(description: "template: output: " + located)
    }
  }

  private func evaluateCommands(_ pipeline: Pipeline, dot: JSONValue?, scope: Scope) throws
    -> JSONValue?
  {
    var previous: JSONValue?? = .none
    for command in pipeline.commands {
      guard let first = command.first else { continue }
      if case .function(let name) = first {
        var arguments = try command.dropFirst().map {
          try operand($0, dot: dot, scope: scope, in: pipeline)
        }
        if case .some(let value) = previous { arguments.append(value) }
        previous = .some(try call(name, arguments))
      } else {
        guard command.count == 1, case .none = previous else {
          throw Failure(
            description:
              "executing \"output\" at <\(pipeline.source)>: can't give argument to non-function")
        }
        previous = .some(try operand(first, dot: dot, scope: scope, in: pipeline))
      }
    }
    return previous ?? nil
  }

  private func operand(_ operand: Operand, dot: JSONValue?, scope: Scope, in pipeline: Pipeline)
    throws -> JSONValue?
  {
    switch operand {
    case .literal(let value): return value
    case .function(let name): return try call(name, [])
    case .dot(let path): return try fields(path, of: dot, in: pipeline)
    case .variable(let name, let path):
      guard let value = scope.lookup(name) else {
        throw Failure(description: "undefined variable: \(name)")
      }
      return try fields(path, of: value, in: pipeline)
    case .nested(let inner, let path):
      return try fields(path, of: try evaluate(inner, dot: dot, scope: scope), in: pipeline)
    }
  }

  private func fields(_ path: [String], of start: JSONValue?, in pipeline: Pipeline) throws
    -> JSONValue?
  {
    var current = start
    for name in path {
      switch current {
      case .object(let members)?:
        if let member = members[name] {
          current = member
        } else if allowMissingKeys {
          current = nil
        } else {
          throw Failure(
            description:
              "executing \"output\" at <\(pipeline.source)>: map has no entry for key \(GoJSON.quote(name))"
          )
        }
      case nil:
        // A missing key stays missing down the chain, as Go's zero value does.
        return nil
      case .null?:
        throw Failure(
          description:
            "executing \"output\" at <\(pipeline.source)>: nil pointer evaluating interface {}.\(name)"
        )
      case .some:
        throw Failure(
          description:
            "executing \"output\" at <\(pipeline.source)>: can't evaluate field \(name) in type interface {}"
        )
      }
    }
    return current
  }

  private func call(_ name: String, _ arguments: [JSONValue?]) throws -> JSONValue? {
    func argument(_ i: Int) throws -> JSONValue? {
      guard i < arguments.count else {
        throw Failure(
          description: "wrong number of args for \(name): want \(i + 1) got \(arguments.count)")
      }
      return arguments[i]
    }
    switch name {
    case "not": return .bool(!Self.truth(try argument(0)))
    case "and":
      for value in arguments where !Self.truth(value) { return value }
      return arguments.last ?? nil
    case "or":
      for value in arguments where Self.truth(value) { return value }
      return arguments.last ?? nil
    case "len":
      switch try argument(0) {
      case .array(let items)?: return .number(String(items.count))
      case .object(let members)?: return .number(String(members.count))
      case .string(let text)?: return .number(String(text.utf8.count))
      default:
        throw Failure(description: "error calling len: len of type \(Self.printed(arguments[0]))")
      }
    case "index":
      var current = try argument(0)
      for key in arguments.dropFirst() {
        switch (current, key) {
        case (.object(let members)?, .string(let name)?): current = members[name] ?? .null
        case (.array(let items)?, .number(let text)?):
          guard let number = Double(text), number == number.rounded(), abs(number) < 1e15,
            items.indices.contains(Int(number))
          else { throw Failure(description: "error calling index: index out of range: \(text)") }
          current = items[Int(number)]
        case (nil, _), (.null?, _):
          throw Failure(description: "error calling index: index of untyped nil")
        default:
          throw Failure(
            description:
              "error calling index: cannot index \(Self.printed(current)) with \(Self.printed(key))"
          )
        }
      }
      return current
    case "eq", "ne", "lt", "le", "gt", "ge":
      let left = try argument(0)
      _ = try argument(1)
      if name == "eq" {
        for right in arguments.dropFirst() where try Self.compare(left, "==", right) {
          return .bool(true)
        }
        return .bool(false)
      }
      let op = ["ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="][name] ?? "=="
      return .bool(try Self.compare(left, op, arguments[1]))
    case "print": return .string(Self.sprint(arguments))
    case "println": return .string(arguments.map(Self.printed).joined(separator: " ") + "\n")
    case "printf":
      guard case .string(let format)? = try argument(0) else {
        throw Failure(description: "error calling printf: format is not a string")
      }
      return .string(Self.sprintf(format, Array(arguments.dropFirst())))
    default:
      throw Failure(description: "function \"\(name)\" not defined")
    }
  }

  static func compare(_ left: JSONValue?, _ op: String, _ right: JSONValue?) throws -> Bool {
    switch (left, right) {
    case (nil, nil), (.null?, .null?), (nil, .null?), (.null?, nil):
      guard op == "==" || op == "!=" else {
        throw Failure(description: "invalid type for comparison")
      }
      return op == "=="
    case (let l?, let r?):
      do {
        return try JSONPath.compare(l, op, r)
      } catch {
        throw Failure(description: "error calling \(op): incompatible types for comparison")
      }
    default:
      throw Failure(description: "error calling \(op): incompatible types for comparison")
    }
  }

  static func truth(_ value: JSONValue?) -> Bool {
    switch value {
    case nil, .null?: return false
    case .bool(let flag)?: return flag
    case .number(let text)?: return Double(text) != 0
    case .string(let text)?: return !text.isEmpty
    case .array(let items)?: return !items.isEmpty
    case .object(let members)?: return !members.isEmpty
    }
  }

  /// A value as the template prints it (`%v` of the JSON-decoded value).
  static func printed(_ value: JSONValue?) -> String {
    guard let value else { return "<no value>" }
    return value.goFormatted(asFloat: true)
  }

  /// fmt.Sprint: a space between operands when neither is a string.
  static func sprint(_ arguments: [JSONValue?]) -> String {
    var out = ""
    for (i, argument) in arguments.enumerated() {
      if i > 0, case .string? = argument {
      } else if i > 0, case .string? = arguments[i - 1] {
      } else if i > 0 {
        out += " "
      }
      out += printed(argument)
    }
    return out
  }

  static func sprintf(_ format: String, _ arguments: [JSONValue?]) -> String {
    var out = ""
    var next = 0
    var characters = format.makeIterator()
    while let c = characters.next() {
      guard c == "%" else {
        out.append(c)
        continue
      }
      guard let verb = characters.next() else {
        out += "%!(NOVERB)"
        break
      }
      if verb == "%" {
        out += "%"
        continue
      }
      guard next < arguments.count else {
        out += "%!\(verb)(MISSING)"
        continue
      }
      let argument = arguments[next]
      next += 1
      switch (verb, argument) {
      case ("q", .string(let text)?): out += GoJSON.quote(text)
      case ("d", .number(let text)?): out += Double(text).map { String(Int($0)) } ?? text
      default: out += printed(argument)
      }
    }
    if next < arguments.count {
      out += "%!(EXTRA " + arguments[next...].map(printed).joined(separator: ", ") + ")"
    }
    return out
  }
}

/// Reads a template into nodes.
private struct TemplateParser {
  enum Token {
    case text(String)
    case action(String)
  }

  var tokens: [Token]
  var index = 0

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// Text and `{{...}}` actions, with `{{-`/`-}}` trimming applied and comments dropped.
  static func split(_ template: String) throws -> [Token] {
    var tokens: [Token] = []
    var rest = Substring(template)
    var trimNext = false
    while let open = rest.firstRange(of: "{{") {
      var text = String(rest[..<open.lowerBound])
      if trimNext { text = String(text.drop(while: { $0.isWhitespace })) }
      var inside = rest[open.upperBound...]
      if inside.hasPrefix("- ") || inside.hasPrefix("-\t") || inside.hasPrefix("-\n") {
        text = String(text.reversed().drop(while: { $0.isWhitespace }).reversed())
        inside = inside.dropFirst()
      }
      if !text.isEmpty { tokens.append(.text(text)) }
      guard let close = Self.closing(in: inside) else {
        throw Failure(description: "unclosed action")
      }
      var body = inside[..<close.lowerBound]
      trimNext = false
      if body.hasSuffix(" -") || body.hasSuffix("\t-") || body.hasSuffix("\n-") {
        body = body.dropLast()
        trimNext = true
      }
      let trimmed = body.trimmingCharacters
      if !(trimmed.hasPrefix("/*") && trimmed.hasSuffix("*/")) { tokens.append(.action(trimmed)) }
      rest = inside[close.upperBound...]
    }
    var text = String(rest)
    if trimNext { text = String(text.drop(while: { $0.isWhitespace })) }
    if !text.isEmpty { tokens.append(.text(text)) }
    return tokens
  }

  /// The `}}` that ends an action, skipping quoted strings.
  static func closing(in text: Substring) -> Range<Substring.Index>? {
    var quote: Character?
    var i = text.startIndex
    while i < text.endIndex {
      let c = text[i]
      if let q = quote {
        if c == "\\" && q == "\"" {
          i = text.index(after: i)
        } else if c == q {
          quote = nil
        }
      } else if c == "\"" || c == "`" {
        quote = c
      } else if text[i...].hasPrefix("}}") {
        return i..<text.index(i, offsetBy: 2)
      }
      if i < text.endIndex { i = text.index(after: i) }
    }
    return nil
  }

  /// Nodes up to one of the `stops` keywords (`end`, `else`), which is left for the caller.
  mutating func parseList(until stops: Set<String>) throws -> [GoTemplate.Node] {
    var nodes: [GoTemplate.Node] = []
    while index < tokens.count {
      switch tokens[index] {
      case .text(let text):
        index += 1
        nodes.append(.text(text))
      case .action(let body):
        let keyword = body.prefix(while: { !$0.isWhitespace })
        if stops.contains(String(keyword)) { return nodes }
        if keyword == "end" || keyword == "else" {
          throw Failure(description: "unexpected {{\(keyword)}}")
        }
        index += 1
        nodes.append(try parseAction(body, keyword: String(keyword)))
      }
    }
    guard stops.isEmpty else { throw Failure(description: "unexpected EOF") }
    return nodes
  }

  mutating func parseAction(_ body: String, keyword: String) throws -> GoTemplate.Node {
    let rest = String(body.dropFirst(keyword.count)).trimmingCharacters
    switch keyword {
    case "if", "with":
      let pipeline = try Self.pipeline(rest)
      let then = try parseList(until: ["end", "else"])
      let otherwise = try parseElse()
      return keyword == "if"
        ? .conditional(pipeline, then: then, otherwise: otherwise)
        : .with(pipeline, then: then, otherwise: otherwise)
    case "range":
      var names: [String] = []
      var source = rest
      if let declaration = rest.firstRange(of: ":="), rest.hasPrefix("$") {
        names = rest[..<declaration.lowerBound].split(separator: ",").map {
          String($0).trimmingCharacters
        }
        source = String(rest[declaration.upperBound...]).trimmingCharacters
      }
      let pipeline = try Self.pipeline(source)
      let body = try parseList(until: ["end", "else"])
      return .range(names, pipeline, body: body, otherwise: try parseElse())
    case "define", "template", "block", "break", "continue":
      throw Failure(description: "{{\(keyword)}} is not supported by stoop's go-template")
    default:
      if body.hasPrefix("$"), let declaration = body.firstRange(of: ":=") {
        let name = String(body[..<declaration.lowerBound]).trimmingCharacters
        if !name.contains(" ") && !name.contains(".") {
          return .declare(
            [name], try Self.pipeline(String(body[declaration.upperBound...]).trimmingCharacters))
        }
      }
      return .output(try Self.pipeline(body))
    }
  }

  /// After a block's body: `{{end}}`, or `{{else}}...{{end}}`, or `{{else if ...}}...`.
  mutating func parseElse() throws -> [GoTemplate.Node] {
    guard index < tokens.count, case .action(let body) = tokens[index] else {
      throw Failure(description: "unexpected EOF")
    }
    index += 1
    if body == "end" { return [] }
    let rest = String(body.dropFirst("else".count)).trimmingCharacters
    if rest.isEmpty {
      let otherwise = try parseList(until: ["end"])
      index += 1
      return otherwise
    }
    let keyword = rest.prefix(while: { !$0.isWhitespace })
    guard keyword == "if" || keyword == "with" else {
      throw Failure(description: "unexpected \"\(rest)\" in else")
    }
    // `else if` closes with the outer block's single `{{end}}`.
    return [try parseAction(rest, keyword: String(keyword))]
  }

  // MARK: Pipelines

  static func pipeline(_ text: String) throws -> GoTemplate.Pipeline {
    var lexer = Lexer(Array(text))
    let pipeline = try lexer.pipeline(until: nil)
    return GoTemplate.Pipeline(commands: pipeline, source: text)
  }

  struct Lexer {
    let characters: [Character]
    var position = 0
    init(_ characters: [Character]) { self.characters = characters }

    mutating func skipSpaces() {
      while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    mutating func pipeline(until close: Character?) throws -> [[GoTemplate.Operand]] {
      var commands: [[GoTemplate.Operand]] = [[]]
      while true {
        skipSpaces()
        guard position < characters.count else {
          if close != nil { throw Failure(description: "unclosed left paren") }
          break
        }
        let c = characters[position]
        if c == close {
          position += 1
          break
        }
        if c == "|" {
          position += 1
          guard commands.last?.isEmpty == false else {
            throw Failure(description: "missing value for command")
          }
          commands.append([])
          continue
        }
        commands[commands.count - 1].append(try operand())
      }
      guard commands.allSatisfy({ !$0.isEmpty }) else {
        throw Failure(description: "missing value for command")
      }
      return commands
    }

    mutating func path() -> [String] {
      var names: [String] = []
      while position < characters.count, characters[position] == "." {
        position += 1
        var name = ""
        while position < characters.count,
          characters[position].isLetter || characters[position].isNumber
            || characters[position] == "_"
        {
          name.append(characters[position])
          position += 1
        }
        if name.isEmpty { break }
        names.append(name)
      }
      return names
    }

    mutating func operand() throws -> GoTemplate.Operand {
      let c = characters[position]
      switch c {
      case ".":
        return .dot(path())
      case "$":
        position += 1
        var name = "$"
        while position < characters.count,
          characters[position].isLetter || characters[position].isNumber
            || characters[position] == "_"
        {
          name.append(characters[position])
          position += 1
        }
        return .variable(name, path())
      case "(":
        position += 1
        let inner = try pipeline(until: ")")
        return .nested(GoTemplate.Pipeline(commands: inner, source: String(characters)), path())
      case "\"", "`":
        position += 1
        var value = ""
        while true {
          guard position < characters.count else {
            throw Failure(description: "unterminated quoted string")
          }
          let d = characters[position]
          position += 1
          if d == c { break }
          if d == "\\" && c == "\"" && position < characters.count {
            let e = characters[position]
            position += 1
            switch e {
            case "n": value += "\n"
            case "t": value += "\t"
            case "r": value += "\r"
            default: value.append(e)
            }
            continue
          }
          value.append(d)
        }
        return .literal(.string(value))
      default:
        var word = ""
        while position < characters.count, !characters[position].isWhitespace,
          !"|()".contains(characters[position])
        {
          word.append(characters[position])
          position += 1
        }
        switch word {
        case "true", "false": return .literal(.bool(word == "true"))
        case "nil": return .literal(.null)
        default: break
        }
        if let number = Double(word),
          word.first.map({ $0.isNumber || $0 == "-" || $0 == "+" }) ?? false
        {
          return .literal(
            .number(number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : word))
        }
        guard GoTemplate.functions.contains(word) else {
          throw Failure(description: "function \"\(word)\" not defined")
        }
        return .function(word)
      }
    }
  }
}

extension StringProtocol {
  fileprivate var trimmingCharacters: String {
    String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
  }
}
