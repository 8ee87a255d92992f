import KRM

/// What a built-in function works on: the selected items (edited in place), its functionConfig
/// and the image tag it was asked for (several functions changed behaviour between releases).
public struct BuiltinContext: Sendable {
  public var items: [FunctionItem]
  public let functionConfig: YAMLNode?
  public let tag: String?
  public var results: [FunctionResultItem] = []
  public var stderr = ""

  public init(items: [FunctionItem], functionConfig: YAMLNode?, tag: String?) {
    self.items = items
    self.functionConfig = functionConfig
    self.tag = tag
  }

  /// The tag's version as numbers (`v0.1.3` → [0, 1, 3]); nil for `latest`, `unstable` or none.
  public var version: [Int]? {
    guard let tag, tag.hasPrefix("v") else { return nil }
    let pieces = tag.dropFirst().split(separator: ".")
    let parts = pieces.compactMap { Int($0) }
    guard !parts.isEmpty, parts.count == pieces.count else { return nil }
    return parts
  }

  /// Whether the tag names a release older than `bound` (`[0, 2]`); `latest`, `unstable` and
  /// no tag mean the newest code.
  public func isBefore(_ bound: [Int]) -> Bool {
    guard let version else { return false }
    for (a, b) in zip(
      version + Array(repeating: 0, count: max(0, bound.count - version.count)), bound)
    where a != b {
      return a < b
    }
    return false
  }

  /// What the kustomize-based releases of 2021 did to every resource they were given: kustomize
  /// takes kpt's bookkeeping annotations out and puts the annotation map back together, so its
  /// strings are written plain again where plain reads the same (kpt restores the order and the
  /// comments).
  mutating func rebuildAnnotationMaps() {
    for i in items.indices {
      guard var annotations = items[i].document.root.node(at: ["metadata", "annotations"]),
        annotations.isMapping
      else { continue }
      annotations.unquoteStrings()
      items[i].document.root.set(annotations, at: ["metadata", "annotations"])
    }
  }

  public mutating func info(_ message: String) {
    results.append(FunctionResultItem(message: message, severity: "info"))
  }

  /// After a function, kpt's reader annotations read back as the function's serialiser wrote
  /// them: plain, or double-quoted where plain would change their type.
  mutating func normaliseReaderAnnotations() {
    for i in items.indices {
      guard var annotations = items[i].document.root.node(at: ["metadata", "annotations"]),
        annotations.isMapping
      else { continue }
      var changed = false
      for j in annotations.entries.indices
      where Annotation.readerKeys.contains(annotations.entries[j].key.value)
        && annotations.entries[j].value.style != .plain
      {
        annotations.entries[j].value = .scalar(annotations.entries[j].value.value)
        changed = true
      }
      if changed { items[i].document.root.set(annotations, at: ["metadata", "annotations"]) }
    }
  }
}

/// A built-in failed: exit code 1 with this on stderr, and these results.
public struct BuiltinFailure: Error, Sendable {
  public var stderr: String
  public var results: [FunctionResultItem] = []
  public init(_ stderr: String) { self.stderr = stderr }

  /// A failure as the 2021 kustomize-based releases report it through their function framework:
  /// an error result, and the result's old one-line form on stderr.
  public init(frameworkError message: String) {
    stderr = "[error] /// : " + message
    results = [FunctionResultItem(message: message, severity: "error")]
  }
}

/// A catalog function stoop runs in process.
public struct BuiltinFunction: Sendable {
  public let name: String
  public let summary: String
  /// The releases stoop answers for, as shown by `fn list`.
  public let versions: String
  /// functionConfig kinds and keys, for `fn doc`.
  public let configuration: String
  public let example: String
  /// Deliberate differences from the catalog, for `fn doc`.
  public let notes: String
  let acceptsVersion: @Sendable ([Int]) -> Bool
  let body: @Sendable (inout BuiltinContext) throws(BuiltinFailure) -> Void

  public func run(_ context: inout BuiltinContext) throws(BuiltinFailure) {
    try body(&context)
  }

  /// Whether stoop's implementation stands for this tag: `latest`, `unstable`, no tag, or a
  /// release of a family stoop implements. Digests are never assumed.
  public func accepts(tag: String?, digest: String?) -> Bool {
    if digest != nil { return false }
    guard let tag, tag != "latest", tag != "unstable" else { return true }
    guard tag.hasPrefix("v") else { return false }
    let pieces = tag.dropFirst().split(separator: ".")
    let parts = pieces.compactMap { Int($0) }
    guard !parts.isEmpty, parts.count == pieces.count else { return false }
    return acceptsVersion(parts)
  }

  /// Tags to offer when completing an image: each release family stoop implements (`v0.2`,
  /// which the catalog publishes as a moving tag) and `latest`.
  public var suggestedTags: [String] {
    let families = (0...9).filter { acceptsVersion([0, $0]) }
    guard families.count < 10 else { return ["latest"] }
    // v0.0 is what zeroMinor admits below the first release; offer it only when it is the one.
    let shown = families.count > 1 ? families.filter { $0 > 0 } : families
    return shown.map { "v0.\($0)" } + ["latest"]
  }

  public static func named(_ name: String) -> BuiltinFunction? {
    all.first { $0.name == name }
  }

  /// Every built-in, in `fn list` order.
  public static let all: [BuiltinFunction] = [
    .applyReplacements, .applySetters, .createSetters, .ensureNameSubstring, .listSetters,
    .removeLocalConfigResources, .searchReplace, .setAnnotations, .setImage, .setLabels,
    .setNamePrefix, .setNamespace, .upsertResource, .noOp,
  ]
}

/// `0.x` releases up to and including `0.<maxMinor>`.
func zeroMinor(upTo maxMinor: Int) -> @Sendable ([Int]) -> Bool {
  { version in version.first == 0 && (version.count == 1 || version[1] <= maxMinor) }
}

// MARK: Helpers shared by the built-ins

extension FunctionItem {
  /// kpt SDK's rule: the annotation is present with a value other than empty or `false`.
  var isLocalConfig: Bool {
    guard let value = resource.annotation(Annotation.localConfig) else { return false }
    return !value.isEmpty && value != "false"
  }

  /// apiVersion split into group and version (`apps/v1` → ("apps", "v1"), `v1` → ("", "v1")).
  var groupVersion: (group: String, version: String) {
    let apiVersion = document.root["apiVersion"]?.string ?? ""
    guard let slash = apiVersion.lastIndex(of: "/") else { return ("", apiVersion) }
    return (
      String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...])
    )
  }

  var kind: String { document.root["kind"]?.string ?? "" }
  var name: String { document.root.node(at: ["metadata", "name"])?.string ?? "" }
  var namespace: String? { document.root.node(at: ["metadata", "namespace"])?.string }

  /// The file path and index kpt reports in results.
  var fileReference: (path: String, index: Int) { (path ?? "", index ?? 0) }
}

extension YAMLNode {
  /// Sets a scalar when its value differs (so an unchanged document stays unchanged); a value
  /// that a YAML 1.1 reader would take for something else than a string is double-quoted.
  mutating func setString(_ value: String, at path: [String]) {
    if let existing = node(at: path), existing.isScalar, existing.value == value,
      existing.tag == nil || existing.tag == "!!str"
    {
      return
    }
    set(.scalar(value), at: path)
  }

  /// The string map at `path` (labels, annotations, data), empty when absent.
  func stringMap(at path: [String]) -> [(key: String, value: String)] {
    guard let node = node(at: path), node.isMapping else { return [] }
    return node.entries.map { ($0.key.value, $0.value.value) }
  }
}

/// Go's `fmt` of a string slice: `[a b]`.
func goList(_ values: [String]) -> String {
  "[" + values.joined(separator: " ") + "]"
}
