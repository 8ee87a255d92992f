import CaD
import KRM

/// What the YAML layer promises for any bytes at all, checked on one input: nothing traps,
/// errors are one line, `fn source` then `fn sink` gives the file back byte for byte (or
/// `fn source` refuses it), and the ResourceList reader takes any input apart or refuses it.
public enum RoundTripProperty {
  /// A broken promise.
  public struct Finding: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
      /// `fn source` accepted the file and `fn sink` wrote other bytes, or refused its list.
      case loss
      /// An error message that is not one line.
      case multilineError
      /// A changed document that the emitter wrote as YAML that does not parse.
      case invalidEmit
    }
    public var kind: Kind
    public var detail: String

    public var description: String { "\(kind.rawValue): \(detail)" }
  }

  /// What one check saw, besides findings: counted by the fuzzer's report.
  public enum Outcome: Sendable, Equatable {
    case parseRefused
    case sourceRefused(reason: String)
    case roundTripped
  }

  /// The file name a fuzz input is checked under: its extension decides JSON or YAML handling.
  public static func path(forExtension ext: String) -> String {
    ext == "json" ? "fuzz.json" : ext == "yml" ? "fuzz.yml" : "fuzz.yaml"
  }

  /// Checks every property on `bytes` as the content of the package file `path`.
  public static func check(_ bytes: [UInt8], path: String) -> (Outcome, Finding?) {
    // The ResourceList reader and sink take any input apart or refuse it in one line.
    do {
      _ = try Sink.files(from: bytes)
    } catch {
      if let finding = multiline(error.description, "fn sink") { return (.parseRefused, finding) }
    }
    if let finding = outlineFinding(bytes) { return (.parseRefused, finding) }
    do {
      _ = try ResourceList.readItems(bytes, name: "stdin")
    } catch {
      if let finding = multiline(error.description, "fn eval reading stdin") {
        return (.parseRefused, finding)
      }
    }

    let file: YAMLFile
    do {
      file = try YAMLFile(parsing: bytes, name: path)
    } catch {
      return (.parseRefused, multiline(error.description, "parsing"))
    }
    if let finding = emitterFinding(file) { return (.parseRefused, finding) }

    let package = PackageFile(path: path, yaml: file)
    let items = Array(
      ResourceList.write(files: [package]).dropFirst(
        ResourceList.header(itemCount: file.documents.count).count))
    if let written = ResourceList.itemsFromOutline(bytes, path: path, name: path),
      written.documents != file.documents.count || written.items != items
    {
      return (
        .roundTripped,
        Finding(kind: .loss, detail: "the outline writer differs on \(quoted(bytes))")
      )
    }
    let list: [UInt8]
    do {
      list = try ResourceList.writeLossless(files: [package])
    } catch {
      return (.sourceRefused(reason: error.description), multiline(error.description, "fn source"))
    }
    if let finding = outlineFinding(list) { return (.roundTripped, finding) }
    let written: [(path: String, bytes: [UInt8])]
    do {
      written = try Sink.files(from: list)
    } catch {
      return (
        .roundTripped,
        Finding(kind: .loss, detail: "fn sink refused what fn source wrote: \(error)")
      )
    }
    if file.documents.isEmpty {
      // A file without documents holds no resource: the list is empty and nothing comes back.
      guard written.isEmpty else {
        return (.roundTripped, Finding(kind: .loss, detail: "a file without documents came back"))
      }
      return (.roundTripped, nil)
    }
    guard written.count == 1, written[0].path == path else {
      let paths = written.map(\.path).joined(separator: ", ")
      return (.roundTripped, Finding(kind: .loss, detail: "came back as files [\(paths)]"))
    }
    guard written[0].bytes == bytes else {
      return (
        .roundTripped,
        Finding(kind: .loss, detail: "came back as \(quoted(written[0].bytes))")
      )
    }
    return (.roundTripped, nil)
  }

  /// A list the sink takes apart by its outline must give the files the general reader gives.
  static func outlineFinding(_ list: [UInt8]) -> Finding? {
    guard let fast = ResourceList.filesFromOutline(list, name: "stdin") else { return nil }
    guard let general = try? ResourceList.files(from: ResourceList.read(list, name: "stdin")) else {
      return Finding(kind: .loss, detail: "the outline reader took apart \(quoted(list))")
    }
    guard fast.map(\.path) == general.map(\.path), fast.map(\.bytes) == general.map(\.bytes) else {
      return Finding(kind: .loss, detail: "the outline reader differs on \(quoted(list))")
    }
    return nil
  }

  /// Every document, once changed, must be emitted as YAML that parses again (what `fn eval`
  /// and `fn render` write), and a list of them must read back.
  static func emitterFinding(_ file: YAMLFile) -> Finding? {
    var changed = file
    for i in changed.documents.indices {
      changed.documents[i].root = changed.documents[i].root  // marks it changed
    }
    let bytes = changed.bytes()
    do {
      _ = try YAMLFile(parsing: bytes, name: "emitted")
    } catch {
      return Finding(kind: .invalidEmit, detail: "\(error) in \(quoted(bytes))")
    }
    let list = ResourceList.encode(items: changed.documents.filter { $0.root.isMapping })
    do {
      _ = try ResourceList.readItems(list, name: "encoded")
    } catch {
      return Finding(kind: .invalidEmit, detail: "\(error) in \(quoted(list))")
    }
    return nil
  }

  /// For a person looking into a refusal: the list `fn source` would write without its check,
  /// and what `fn sink` makes of it.
  public static func unverifiedRoundTrip(_ bytes: [UInt8], path: String) -> String {
    guard let file = try? YAMLFile(parsing: bytes, name: path) else { return "does not parse" }
    let list = ResourceList.write(files: [PackageFile(path: path, yaml: file)])
    var out = "list:\n" + String(decoding: list, as: UTF8.self)
    do {
      for written in try Sink.files(from: list) {
        out += "\nsink wrote \(written.path): \(quoted(written.bytes))"
      }
    } catch {
      out += "\nsink: \(error)"
    }
    return out + "\noriginal: \(quoted(bytes))"
  }

  private static func multiline(_ message: String, _ step: String) -> Finding? {
    guard message.contains("\n") || message.contains("\r") else { return nil }
    return Finding(kind: .multilineError, detail: "\(step): \(quoted(Array(message.utf8)))")
  }

  static func quoted(_ bytes: [UInt8]) -> String {
    let text = String(decoding: bytes.prefix(400), as: UTF8.self)
    return GoJSON.quote(text) + (bytes.count > 400 ? "…" : "")
  }
}
