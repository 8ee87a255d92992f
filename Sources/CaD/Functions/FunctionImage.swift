/// A function image reference as kpt reads it: a short name (`set-namespace:v0.4.1`) gets kpt's
/// default prefix, and the function's name is the last path segment before its tag or digest.
/// Built-in functions are chosen by this name when the image comes from a catalog registry.
public struct FunctionImage: Sendable, Equatable {
  /// kpt 1.0.0-beta.56's prefix for images named without a registry.
  public static let defaultPrefix = "gcr.io/kpt-fn/"
  /// Registries that publish the kpt functions catalog.
  public static let catalogPrefixes = ["gcr.io/kpt-fn/", "ghcr.io/kptdev/krm-functions-catalog/"]

  /// The image as kpt records it in results and prints it (`gcr.io/kpt-fn/set-namespace:v0.1.3`).
  public let reference: String
  /// The function's name: `set-namespace`.
  public let name: String
  /// The tag, when the image has one and no digest.
  public let tag: String?
  /// The digest (`sha256:…`), when the image is pinned by one.
  public let digest: String?
  /// Whether the image comes from a catalog registry (or was named without one).
  public let isCatalog: Bool

  public init(_ image: String, prefix: String = FunctionImage.defaultPrefix) {
    let normalisedPrefix = prefix.hasSuffix("/") ? prefix : prefix + "/"
    reference = image.contains("/") ? image : normalisedPrefix + image
    var rest = Substring(reference)
    if let at = rest.firstIndex(of: "@") {
      digest = String(rest[rest.index(after: at)...])
      rest = rest[..<at]
    } else {
      digest = nil
    }
    // A colon after the last slash starts the tag (a colon before it belongs to a registry port).
    let lastSlash = rest.lastIndex(of: "/")
    if digest == nil, let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
      tag = String(rest[rest.index(after: colon)...])
      rest = rest[..<colon]
    } else {
      tag = nil
    }
    name = String(lastSlash.map { rest[rest.index(after: $0)...] } ?? rest)
    let repository = String(rest.dropLast(name.count))
    isCatalog = (Self.catalogPrefixes + [normalisedPrefix]).contains(repository)
  }
}

/// Splits an `exec:` command or `--exec` value into words as kpt does (Google's shlex): blanks
/// separate words, single quotes keep everything, a backslash keeps the next character as it is
/// (inside double quotes too), a `#` that starts a word starts a comment that runs to the end of
/// the line. Errors carry shlex's words.
public func shellWords(_ line: String) throws(PackageError) -> [String] {
  enum State { case start, word, escape, single, double, doubleEscape, comment }
  var words: [String] = []
  var current = ""
  var state = State.start
  for character in line.unicodeScalars {
    let blank = character == " " || character == "\t" || character == "\r" || character == "\n"
    switch state {
    case .start:
      switch character {
      case _ where blank: break
      case "\"": state = .double
      case "'": state = .single
      case "\\": state = .escape
      case "#": state = .comment
      default:
        current.unicodeScalars.append(character)
        state = .word
      }
    case .word:
      switch character {
      case _ where blank:
        words.append(current)
        current = ""
        state = .start
      case "\"": state = .double
      case "'": state = .single
      case "\\": state = .escape
      default: current.unicodeScalars.append(character)
      }
    case .escape:
      current.unicodeScalars.append(character)
      state = .word
    case .single:
      if character == "'" { state = .word } else { current.unicodeScalars.append(character) }
    case .double:
      switch character {
      case "\"": state = .word
      case "\\": state = .doubleEscape
      default: current.unicodeScalars.append(character)
      }
    case .doubleEscape:
      current.unicodeScalars.append(character)
      state = .double
    case .comment:
      if character == "\n" { state = .start }
    }
  }
  switch state {
  case .start, .comment: break
  case .word: words.append(current)
  case .escape, .doubleEscape:
    throw .unsupportedOption(
      "exec command \"\(line)\" must be valid: EOF found after escape character")
  case .single, .double:
    throw .unsupportedOption(
      "exec command \"\(line)\" must be valid: EOF found when expecting closing quote")
  }
  return words
}
