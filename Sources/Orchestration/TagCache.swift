import Foundation
import Git

/// What discovery learned from each tag, kept between listings beside the clone. A tag is
/// identified by its name and the object it points at, so a moved or recreated tag is read
/// again; everything else about a published revision is fixed once its tag exists. Only full
/// listings use it: a lifecycle step reads just its own package's few tags.
struct TagCache {
  static let version = "stoop-tags 1"

  let path: String
  /// The registration's identity: a change of directory, name or namespace changes every entry.
  let header: String
  private(set) var entries: [String: (id: ObjectID, result: TagResult)] = [:]
  private(set) var isDirty = false

  init(path: String, registration: Registration) {
    self.path = path
    header = [
      Self.version, registration.namespace, registration.name, registration.directory,
    ].joined(separator: "\t")
    load(registration)
  }

  func result(for tag: TagRef) -> TagResult? {
    guard let entry = entries[tag.name], entry.id == tag.id else { return nil }
    return entry.result
  }

  mutating func store(_ result: TagResult?, for tag: TagRef) {
    guard let result else { return }
    entries[tag.name] = (tag.id, result)
    isDirty = true
  }

  /// Keeps only the tags the repository still has.
  mutating func retain(_ names: Set<String>) {
    let before = entries.count
    entries = entries.filter { names.contains($0.key) }
    if entries.count != before { isDirty = true }
  }

  /// Writes the cache if it changed; a failure only costs the next listing some time.
  func save() {
    guard isDirty else { return }
    var text = header + "\n"
    for (name, entry) in entries.sorted(by: { $0.key < $1.key }) {
      switch entry.result {
      case .revision(let revision):
        let fields = [
          name, entry.id.hex, "r", revision.commit.hex, revision.workspace,
          String(revision.revision), revision.publishedBy ?? "",
          revision.publishedAt.map { String(Int64($0.timeIntervalSince1970)) } ?? "",
          revision.task ?? "",
        ]
        guard fields.allSatisfy({ !$0.contains("\t") && !$0.contains("\n") }) else { continue }
        text += fields.joined(separator: "\t") + "\n"
      case .skipped(let warning):
        guard !warning.contains("\t") && !warning.contains("\n") else { continue }
        text += [name, entry.id.hex, "s", warning].joined(separator: "\t") + "\n"
      }
    }
    try? Registry.writeAtomically(Array(text.utf8), to: path, mode: 0o644)
  }

  private mutating func load(_ registration: Registration) {
    guard let data = FileManager.default.contents(atPath: path) else { return }
    let bytes = [UInt8](data)
    // Byte-level splitting: this file has a line per tag, and a listing reads all of them.
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    for i in bytes.indices where bytes[i] == 0x0A {
      lines.append(bytes[start..<i])
      start = i + 1
    }
    guard let first = lines.first, String(decoding: first, as: UTF8.self) == header else { return }
    let prefix = registration.directory.isEmpty ? "" : registration.directory + "/"
    entries.reserveCapacity(lines.count)
    for line in lines.dropFirst() {
      let fields = line.split(separator: 0x09, omittingEmptySubsequences: false).map {
        String(decoding: $0, as: UTF8.self)
      }
      guard fields.count >= 4, let id = ObjectID(hex: fields[1]) else { continue }
      let name = fields[0]
      if fields[2] == "s" {
        entries[name] = (id, .skipped(fields[3]))
        continue
      }
      guard fields[2] == "r", fields.count == 9, let commit = ObjectID(hex: fields[3]),
        let number = Int(fields[5]), name.hasPrefix("refs/tags/")
      else { continue }
      let text = name.utf8.dropFirst("refs/tags/".count)
      guard let slash = text.lastIndex(of: UInt8(ascii: "/")) else { continue }
      let fullPath = String(decoding: text[..<slash], as: UTF8.self)
      guard fullPath.hasPrefix(prefix) else { continue }
      entries[name] = (
        id,
        .revision(
          PackageRevision(
            repository: registration.name, namespace: registration.namespace,
            path: String(fullPath.dropFirst(prefix.count)), fullPath: fullPath,
            workspace: fields[4], revision: number, lifecycle: .published,
            commit: commit, ref: name,
            publishedBy: fields[6].isEmpty ? nil : fields[6],
            publishedAt: Int64(fields[7]).map { Date(timeIntervalSince1970: TimeInterval($0)) },
            task: fields[8].isEmpty ? nil : fields[8]))
      )
    }
  }
}
