import ArgumentParser
import Foundation
import KRM

/// kubectl's printer flags, as `porchctl rpkg get` and `repo get` take them.
struct PrintFlags: ParsableArguments {
  @Option(
    name: [.customShort("o", allowingJoined: true), .long],
    help: ArgumentHelp(
      "Output format: one of \(KRM.OutputFormat.allowed.joined(separator: ", ")).",
      discussion: "jsonpath=, go-template=, custom-columns= and the -file forms take a value.",
      valueName: "format"),
    completion: .list(KRM.OutputFormat.allowed))
  var output: String?

  @Option(help: "The template of -o jsonpath or -o go-template (go-template when -o is absent).")
  var template: String?

  @Flag(help: "Without the header line (tables and custom columns).")
  var noHeaders = false

  @Flag(help: "Add a LABELS column with every label.")
  var showLabels = false

  @Option(
    name: [.customShort("L"), .customLong("label-columns")],
    help: ArgumentHelp(
      "Add a column per label key (comma separated, repeatable).", valueName: "keys"))
  var labelColumns: [String] = []

  @Flag(help: "Prefix names with their resource (packagerevision.porch.kpt.dev/...).")
  var showKind = false

  @Option(
    help: ArgumentHelp("Sort by the value at this JSONPath (.metadata.name).", valueName: "path"))
  var sortBy: String?

  @Option(
    help: ArgumentHelp(
      "Print nothing (true) or fail (false) when a template names a missing field.",
      valueName: "bool"))
  var allowMissingTemplateKeys = true

  @Flag(help: .hidden) var showManagedFields = false

  func validate() throws {
    do {
      _ = try KRM.OutputFormat(parsing: output, template: template)
      if let sortBy { _ = try JSONPath(relaxed: sortBy) }
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// The format, its file (if any) read.
  func format() throws -> KRM.OutputFormat {
    try KRM.OutputFormat(parsing: output, template: template).loaded { path in
      FileManager.default.contents(atPath: path).map { Array($0) }
    }
  }

  func options(withNamespace: Bool) -> PrintOptions {
    var options = PrintOptions()
    options.noHeaders = noHeaders
    options.showLabels = showLabels
    options.labelColumns = labelColumns.flatMap { $0.split(separator: ",").map(String.init) }
    options.showKind = showKind
    options.withNamespace = withNamespace
    options.sortBy = sortBy
    options.allowMissingTemplateKeys = allowMissingTemplateKeys
    return options
  }
}

extension KRM.OutputFormat {
  /// Whether an empty listing prints nothing at all in this format (tables, names, columns):
  /// then the command says on stderr that there was nothing to list, as kubectl does.
  var isSilentWhenEmpty: Bool {
    switch self {
    case .table, .wide, .name, .customColumns: return true
    case .file(let kind, _): return kind == .customColumns
    default: return false
    }
  }
}

/// `-l/--selector`, as `kubectl get` takes it.
struct SelectorOption: ParsableArguments {
  @Option(
    name: [.customShort("l"), .long],
    help: ArgumentHelp(
      "Only objects whose labels match (key=value, key!=value, key in (a,b), key, !key; comma means and).",
      valueName: "selector"))
  var selector: String?

  func validate() throws {
    guard let selector else { return }
    do {
      _ = try LabelSelector(selector)
    } catch {
      throw ValidationError(error.description)
    }
  }

  func matches(_ object: PrintableObject) -> Bool {
    guard let selector, let parsed = try? LabelSelector(selector) else { return true }
    return parsed.matches(object.labels)
  }
}

/// The kubectl client flags porchctl takes: accepted so that porchctl scripts run unchanged,
/// and ignored, because stoop talks to git, not to a cluster.
struct KubectlClientOptions: ParsableArguments {
  @Option(
    help:
      "Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl's other client flags."
  )
  var kubeconfig: String?
  @Option(help: .hidden) var context: String?
  @Option(help: .hidden) var cluster: String?
  @Option(help: .hidden) var user: String?
  @Option(name: [.customShort("s"), .long], help: .hidden) var server: String?
  @Option(help: .hidden) var asUid: String?
  @Option(name: .customLong("as"), help: .hidden) var asUser: String?
  @Option(help: .hidden) var asGroup: [String] = []
  @Option(help: .hidden) var tlsServerName: String?
  @Option(help: .hidden) var disableCompression: Bool?
  @Option(help: .hidden) var cacheDir: String?
  @Option(help: .hidden) var certificateAuthority: String?
  @Option(help: .hidden) var clientCertificate: String?
  @Option(help: .hidden) var clientKey: String?
  @Option(help: .hidden) var insecureSkipTlsVerify: Bool?
  @Option(help: .hidden) var matchServerVersion: Bool?
  @Option(help: .hidden) var password: String?
  @Option(help: .hidden) var username: String?
  @Option(help: .hidden) var token: String?
  @Option(help: .hidden) var requestTimeout: String?
  @Option(help: .hidden) var truncateOutput: Bool?
}
