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

/// Splits a command line as a POSIX shell would split words: whitespace separates, single quotes
/// keep everything, double quotes keep everything but `\"` and `\\`, a backslash escapes the next
/// character. kpt splits `exec:` strings and `--exec` this way.
public func shellWords(_ line: String) throws(PackageError) -> [String] {
  var words: [String] = []
  var current = ""
  var inWord = false
  var iterator = Array(line).makeIterator()
  while let character = iterator.next() {
    switch character {
    case " ", "\t", "\n":
      if inWord { words.append(current) }
      current = ""
      inWord = false
    case "'":
      inWord = true
      var closed = false
      while let next = iterator.next() {
        if next == "'" {
          closed = true
          break
        }
        current.append(next)
      }
      if !closed { throw .unsupportedOption("unterminated ' in \"\(line)\"") }
    case "\"":
      inWord = true
      var closed = false
      while let next = iterator.next() {
        if next == "\"" {
          closed = true
          break
        }
        if next == "\\", let escaped = iterator.next() {
          if escaped != "\"" && escaped != "\\" && escaped != "$" && escaped != "`" {
            current.append("\\")
          }
          current.append(escaped)
          continue
        }
        current.append(next)
      }
      if !closed { throw .unsupportedOption("unterminated \" in \"\(line)\"") }
    case "\\":
      inWord = true
      if let escaped = iterator.next() { current.append(escaped) }
    default:
      inWord = true
      current.append(character)
    }
  }
  if inWord { words.append(current) }
  return words
}
