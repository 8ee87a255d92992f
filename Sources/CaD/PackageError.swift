import KRM

/// Everything that can go wrong reading or writing a package directory.
public enum PackageError: Error, Equatable, Sendable, CustomStringConvertible {
  case missingDirectory(path: String)
  case notADirectory(path: String)
  case unreadable(path: String, reason: String)
  case yaml(KRMError)
  case targetNotEmpty(path: String)
  case writeFailed(path: String, reason: String)
  case unsupportedOption(String)
  /// A function program that cannot be started, in the words Go's os/exec uses.
  case cannotStart(String)

  public var description: String {
    switch self {
    case .missingDirectory(let path):
      return "directory \"\(path)\" does not exist; pass the path of a package directory"
    case .notADirectory(let path):
      return "\"\(path)\" is not a directory; pass the path of a package directory"
    case .unreadable(let path, let reason):
      return "cannot read \"\(path)\": \(reason)"
    case .yaml(let error):
      return error.description
    case .targetNotEmpty(let path):
      return
        "directory \"\(path)\" already exists and is not empty; delete it or choose another directory"
    case .writeFailed(let path, let reason):
      return "cannot write \"\(path)\": \(reason); nothing was written"
    case .unsupportedOption(let message):
      return message
    case .cannotStart(let reason):
      return "unexpected function error: \(reason)"
    }
  }
}
