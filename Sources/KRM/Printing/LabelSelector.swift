/// A Kubernetes label selector (`-l`): requirements joined by `,`, each `key`, `!key`,
/// `key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, `key>1`, `key<1`.
public struct LabelSelector: Sendable, Equatable {
  enum Requirement: Sendable, Equatable {
    case exists(String)
    case absent(String)
    case equals(String, String)
    case notEquals(String, String)
    case within(String, Set<String>)
    case notWithin(String, Set<String>)
    case greater(String, Int)
    case less(String, Int)
  }

  let requirements: [Requirement]

  public init(_ text: String) throws(PrintError) {
    var requirements: [Requirement] = []
    var rest = Substring(text)
    func skipSpaces() { rest = rest.drop(while: { $0 == " " }) }
    func fail(_ message: String) -> PrintError {
      .template("unable to parse requirement: \(message)")
    }
    func word() -> String {
      let value = rest.prefix(while: { !" ,=!<>()".contains($0) })
      rest = rest.dropFirst(value.count)
      return String(value)
    }
    skipSpaces()
    while !rest.isEmpty {
      var negated = false
      if rest.first == "!" {
        negated = true
        rest = rest.dropFirst()
        skipSpaces()
      }
      let key = word()
      guard !key.isEmpty else {
        throw fail(
          "found '\(rest.first.map(String.init) ?? "")', expected: !, identifier, or 'end of string'"
        )
      }
      try Self.validate(key: key)
      skipSpaces()
      if negated {
        requirements.append(.absent(key))
      } else if rest.isEmpty || rest.first == "," {
        requirements.append(.exists(key))
      } else if rest.hasPrefix("==") || rest.hasPrefix("=") || rest.hasPrefix("!=") {
        let notEqual = rest.hasPrefix("!=")
        rest = rest.dropFirst(rest.hasPrefix("==") || notEqual ? 2 : 1)
        skipSpaces()
        let value = word()
        try Self.validate(value: value)
        requirements.append(notEqual ? .notEquals(key, value) : .equals(key, value))
      } else if rest.hasPrefix(">") || rest.hasPrefix("<") {
        let greater = rest.hasPrefix(">")
        rest = rest.dropFirst()
        skipSpaces()
        let value = word()
        guard let number = Int(value) else {
          throw fail("for 'Gt', 'Lt' operators, the value must be an integer")
        }
        requirements.append(greater ? .greater(key, number) : .less(key, number))
      } else {
        let op = word()
        guard op == "in" || op == "notin" else {
          throw fail(
            "found '\(op)', expected: '=', '!=', '==', 'in', notin'")
        }
        skipSpaces()
        guard rest.first == "(" else { throw fail("found '\(rest.prefix(1))', expected: '('") }
        rest = rest.dropFirst()
        var values: Set<String> = []
        while true {
          skipSpaces()
          let value = word()
          try Self.validate(value: value)
          values.insert(value)
          skipSpaces()
          if rest.first == "," {
            rest = rest.dropFirst()
            continue
          }
          guard rest.first == ")" else {
            throw fail("found '\(rest.prefix(1))', expected: ',', ')'")
          }
          rest = rest.dropFirst()
          break
        }
        requirements.append(op == "in" ? .within(key, values) : .notWithin(key, values))
      }
      skipSpaces()
      if rest.first == "," {
        rest = rest.dropFirst()
        skipSpaces()
        if rest.isEmpty { throw fail("found '', expected: identifier after ','") }
      } else if !rest.isEmpty {
        throw fail("found '\(rest.prefix(1))', expected: ',' or 'end of string'")
      }
    }
    self.requirements = requirements
  }

  /// A label key: an optional DNS subdomain prefix and `/`, then a name of at most 63 characters
  /// of alphanumerics, `-`, `_` and `.`, starting and ending alphanumeric.
  static func validate(key: String) throws(PrintError) {
    let parts = key.split(separator: "/", omittingEmptySubsequences: false)
    let name = parts.last ?? ""
    guard parts.count <= 2, isName(name), parts.count == 1 || !parts[0].isEmpty else {
      throw .template(
        "unable to parse requirement: key: Invalid value: \(GoJSON.quote(key)): name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
      )
    }
  }

  static func validate(value: String) throws(PrintError) {
    guard value.isEmpty || isName(Substring(value)) else {
      throw .template(
        "unable to parse requirement: values[0][\(value)]: Invalid value: \(GoJSON.quote(value)): a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
      )
    }
  }

  static func isName(_ text: Substring) -> Bool {
    guard !text.isEmpty, text.count <= 63, let first = text.first, let last = text.last,
      first.isASCII && (first.isLetter || first.isNumber),
      last.isASCII && (last.isLetter || last.isNumber)
    else { return false }
    return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
  }

  /// Whether a set of labels satisfies every requirement.
  public func matches(_ labels: [String: String]) -> Bool {
    requirements.allSatisfy { requirement in
      switch requirement {
      case .exists(let key): return labels[key] != nil
      case .absent(let key): return labels[key] == nil
      case .equals(let key, let value): return labels[key] == value
      case .notEquals(let key, let value): return labels[key] != value
      case .within(let key, let values): return labels[key].map(values.contains) ?? false
      case .notWithin(let key, let values): return !(labels[key].map(values.contains) ?? false)
      case .greater(let key, let number):
        return labels[key].flatMap { Int($0) }.map { $0 > number } ?? false
      case .less(let key, let number):
        return labels[key].flatMap { Int($0) }.map { $0 < number } ?? false
      }
    }
  }
}
