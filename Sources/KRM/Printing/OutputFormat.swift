/// kubectl's `-o` formats (`kubectl get`'s printer flags): the closed names, and the forms that
/// carry a template, a column spec or a file (`jsonpath=...`, `custom-columns-file=...`).
public enum OutputFormat: Sendable, Equatable {
  case table
  case wide
  case yaml
  case json
  case name
  case jsonpath(String)
  case jsonpathAsJSON(String)
  case customColumns(String)
  case goTemplate(String)
  /// A file named by `jsonpath-file=`, `go-template-file=`/`templatefile=` or
  /// `custom-columns-file=`, read by `loaded()`.
  case file(Kind, path: String)

  public enum Kind: Sendable, Equatable { case jsonpath, goTemplate, customColumns }

  /// The formats kubectl lists when it rejects one, in its order.
  public static let allowed = [
    "custom-columns", "custom-columns-file", "go-template", "go-template-file", "json", "jsonpath",
    "jsonpath-as-json", "jsonpath-file", "name", "template", "templatefile", "wide", "yaml",
  ]

  /// Reads `-o` as kubectl does; `template` is `--template`, which supplies the template of a
  /// bare `-o jsonpath`/`-o go-template` (and means go-template when `-o` is absent).
  public init(parsing text: String?, template: String? = nil) throws(PrintError) {
    guard var format = text, !format.isEmpty else {
      if let template, !template.isEmpty {
        self = .goTemplate(template)
      } else {
        self = .table
      }
      return
    }
    var value = template ?? ""
    if value.isEmpty, let equals = format.firstIndex(of: "=") {
      let name = String(format[..<equals])
      if Self.allowed.contains(name) && !["json", "yaml", "name", "wide"].contains(name) {
        value = String(format[format.index(after: equals)...])
        format = name
      }
    }
    switch format {
    case "table", "": self = .table
    case "wide": self = .wide
    case "yaml": self = .yaml
    case "json": self = .json
    case "name": self = .name
    case "custom-columns", "custom-columns-file":
      guard !value.isEmpty else {
        throw .template("custom-columns format specified but no custom columns given")
      }
      self = format == "custom-columns" ? .customColumns(value) : .file(.customColumns, path: value)
    case "jsonpath", "jsonpath-as-json", "jsonpath-file", "go-template", "template",
      "go-template-file", "templatefile":
      guard !value.isEmpty else {
        throw .template("template format specified but no template given")
      }
      switch format {
      case "jsonpath": self = .jsonpath(value)
      case "jsonpath-as-json": self = .jsonpathAsJSON(value)
      case "jsonpath-file": self = .file(.jsonpath, path: value)
      case "go-template", "template": self = .goTemplate(value)
      default: self = .file(.goTemplate, path: value)
      }
    default:
      throw .unknownFormat(format, allowed: Self.allowed)
    }
  }

  /// The format with a file form's contents read (`read` returns nil when it cannot).
  public func loaded(_ read: (String) -> [UInt8]?) throws(PrintError) -> OutputFormat {
    guard case .file(let kind, let path) = self else { return self }
    guard let bytes = read(path) else {
      throw .file(path: path, reason: "no such file, or it cannot be read")
    }
    let text = String(decoding: bytes, as: UTF8.self)
    switch kind {
    case .jsonpath: return .jsonpath(text)
    case .goTemplate: return .goTemplate(text)
    case .customColumns:
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      let words = { (i: Int) -> [Substring] in
        i < lines.count
          ? lines[i].split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }) : []
      }
      guard lines.count >= 1, !(lines.count == 1 && lines[0].isEmpty) else {
        throw .template(
          "invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs."
        )
      }
      guard lines.count >= 2 else {
        throw .template(
          "invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs."
        )
      }
      let headers = words(0)
      let specs = words(1)
      guard headers.count == specs.count else {
        throw .template(
          "number of headers (\(headers.count)) and field specifications (\(specs.count)) don't match"
        )
      }
      return .customColumns(zip(headers, specs).map { "\($0):\($1)" }.joined(separator: ","))
    }
  }
}
