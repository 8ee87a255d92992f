/// Everything that can go wrong reading or writing KRM YAML.
public enum KRMError: Error, Equatable, Sendable, CustomStringConvertible {
  /// libyaml refused the text.
  /// `goYAML` is the message as go-yaml (kpt) words it: `line N: <problem>`.
  case parse(file: String, line: Int, message: String, goYAML: String = "")
  /// The file holds bytes that are not UTF-8.
  case notUTF8(file: String, line: Int)
  /// A document that should be a KRM resource lacks a required field.
  case notKRM(file: String, line: Int, missing: String)
  /// A ResourceList item names a file outside the package.
  case pathEscapesPackage(path: String)
  /// A ResourceList item's path or index annotation cannot be used.
  case invalidAnnotation(key: String, value: String, reason: String)
  /// The input is not a ResourceList or a stream of resources.
  case invalidResourceList(String)
  /// Kptfile problems, reported all at once.
  case invalidKptfile(file: String, problems: [String])
  /// Two resources claim the same file and index.
  case duplicateResource(path: String, index: Int)
  /// Collections nest deeper than stoop follows (every walk over a tree is bounded by this).
  case tooDeep(file: String, line: Int, limit: Int)
  /// A document that a ResourceList cannot carry back to its file byte for byte.
  case cannotCarry(file: String, line: Int, reason: String)

  public var description: String {
    switch self {
    case .parse(let file, let line, let message, _):
      return "\(file):\(line): invalid YAML: \(message)"
    case .notUTF8(let file, let line):
      return "\(file):\(line): not UTF-8 text; convert the file to UTF-8"
    case .notKRM(let file, let line, let missing):
      return "\(file):\(line): not a KRM resource: missing \(missing)"
    case .pathEscapesPackage(let path):
      return
        "resource path \"\(path)\" is outside the package; paths must be relative and stay inside it"
    case .invalidAnnotation(let key, let value, let reason):
      return "annotation \(key): \"\(value)\" \(reason)"
    case .invalidResourceList(let message):
      return message
    case .invalidKptfile(let file, let problems):
      return "\(file): invalid Kptfile: " + problems.joined(separator: "; ")
    case .duplicateResource(let path, let index):
      return
        "two resources have path \"\(path)\" and index \(index); give one another path or index"
    case .tooDeep(let file, let line, let limit):
      return "\(file):\(line): nesting deeper than \(limit) levels is not supported"
    case .cannotCarry(let file, let line, let reason):
      return "\(file):\(line): \(reason)"
    }
  }
}
