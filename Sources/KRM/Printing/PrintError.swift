/// What can go wrong choosing or running a printer; the messages are kubectl's.
public enum PrintError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A template, column or selector that cannot be parsed or run.
  case template(String)
  /// An `-o` value kubectl would not accept.
  case unknownFormat(String, allowed: [String])
  /// A template file that cannot be read.
  case file(path: String, reason: String)

  public var description: String {
    switch self {
    case .template(let message): return message
    case .unknownFormat(let format, let allowed):
      return
        "unable to match a printer suitable for the output format \(GoJSON.quote(format)), allowed formats are: \(allowed.joined(separator: ","))"
    case .file(let path, let reason): return "error reading \(path): \(reason)"
    }
  }
}
