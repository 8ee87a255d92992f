import Foundation
import Git
import KRM

/// Kptfiles of many revisions (a listing's), read through clones kept open and a cache by
/// blob, however many revisions share one. What a PackageRevision object shows of its Kptfile is
/// remembered between listings in each clone's `kptfiles.cache` (see `KptfileIndex`).
public final class KptfileReader {
  private let lifecycle: PackageLifecycle
  private var clones: [String: Repository?] = [:]
  private var parsed: [ObjectID: Kptfile?] = [:]
  /// By `namespace/name` of the registration.
  private var indexes: [String: KptfileIndex] = [:]

  init(lifecycle: PackageLifecycle) { self.lifecycle = lifecycle }

  private func directory(of revision: PackageRevision) -> String {
    lifecycle.registry.home.repository(namespace: revision.namespace, name: revision.repository)
  }

  private func clone(in directory: String) -> Repository? {
    if let open = clones[directory] { return open }
    let clone = try? Repository.open(directory + "/clone.git")
    clones[directory] = clone
    return clone
  }

  private func parse(_ id: ObjectID, bytes: [UInt8]) -> Kptfile? {
    if let known = parsed[id] { return known }
    var kptfile: Kptfile? = nil
    if let document = (try? YAMLFile(parsing: bytes, name: Kptfile.fileName))?.documents.first {
      kptfile = Kptfile(document: document)
    }
    parsed[id] = kptfile
    return kptfile
  }

  private func parse(_ id: ObjectID, in clone: Repository) -> Kptfile? {
    if let known = parsed[id] { return known }
    guard let bytes = try? clone.blob(id) else { return nil }
    return parse(id, bytes: bytes)
  }

  /// The revision's root Kptfile, nil when it has no readable one.
  public func kptfile(of revision: PackageRevision) -> Kptfile? {
    guard let clone = clone(in: directory(of: revision)), let id = blob(of: revision, in: clone)
    else { return nil }
    return parse(id, in: clone)
  }

  private func blob(of revision: PackageRevision, in clone: Repository) -> ObjectID? {
    let path = revision.fullPath.isEmpty ? Kptfile.fileName : revision.fullPath + "/Kptfile"
    guard let tree = try? clone.commit(revision.commit).tree,
      let entry = try? clone.entry(at: path, in: tree), entry.mode != .tree
    else { return nil }
    return entry.id
  }

  /// The Kptfile when the revision's PackageRevision object shows some of it (readiness gates,
  /// package labels or annotations, an upstream lock, conditions); nil when it shows none.
  public func objectKptfile(of revision: PackageRevision) -> Kptfile? {
    // Listings ask once per revision: a known answer costs one lookup, no path built.
    let registration = revision.namespace + "/" + revision.repository
    if let known = indexes[registration]?.blob(commit: revision.commit, path: revision.fullPath) {
      guard let id = known else { return nil }
      if let kptfile = parsed[id] { return kptfile }
      guard let clone = clone(in: directory(of: revision)) else { return nil }
      return parse(id, in: clone)
    }
    let directory = directory(of: revision)
    var index = indexes.removeValue(forKey: registration) ?? KptfileIndex(directory: directory)
    defer { indexes[registration] = index }
    if let known = index.blob(commit: revision.commit, path: revision.fullPath) {
      guard let id = known, let clone = clone(in: directory) else { return nil }
      return parse(id, in: clone)
    }
    guard let clone = clone(in: directory) else { return nil }
    var shown: (id: ObjectID, kptfile: Kptfile)?
    if let id = blob(of: revision, in: clone), let bytes = try? clone.blob(id),
      Kptfile.mayAddObjectFields(bytes), let kptfile = parse(id, bytes: bytes),
      kptfile.addsObjectFields
    {
      shown = (id, kptfile)
    }
    index.store(shown?.id, commit: revision.commit, path: revision.fullPath)
    return shown?.kptfile
  }

  /// Writes what this reader learnt for the next listing; a failure only costs that one time.
  public func save() {
    for index in indexes.values { index.save() }
  }
}

/// Which Kptfile blob a revision's object shows, by commit and package path, kept beside a
/// clone in `kptfiles.cache`. A commit's tree never changes, so an entry never goes stale; it
/// spares a listing the walk from each revision's root tree to its Kptfile, which on a big
/// repository is most of `rpkg get -o yaml`.
struct KptfileIndex {
  static let version = "stoop-kptfiles 1"

  struct Key: Hashable {
    var commit: ObjectID
    var path: String
  }

  let path: String
  /// nil: the object shows nothing of the Kptfile (or there is none).
  private var entries: [Key: ObjectID?] = [:]
  private var isDirty = false

  init(directory: String) {
    path = directory + "/kptfiles.cache"
    load()
  }

  /// `.some(nil)` when the object shows nothing of it; nil when not known.
  func blob(commit: ObjectID, path: String) -> ObjectID?? {
    entries[Key(commit: commit, path: path)]
  }

  mutating func store(_ blob: ObjectID?, commit: ObjectID, path: String) {
    entries[Key(commit: commit, path: path)] = .some(blob)
    isDirty = true
  }

  func save() {
    guard isDirty else { return }
    var text: [UInt8] = Array((Self.version + "\n").utf8)
    for (key, blob) in entries.sorted(by: {
      ($0.key.commit, $0.key.path) < ($1.key.commit, $1.key.path)
    })
    where !key.path.utf8.contains(0x0A) {
      text += key.commit.hex.utf8
      text.append(0x09)
      text += (blob?.hex ?? "").utf8
      text.append(0x09)
      text += key.path.utf8
      text.append(0x0A)
    }
    try? Registry.writeAtomically(text, to: path, mode: 0o644)
  }

  private mutating func load() {
    guard let data = FileManager.default.contents(atPath: path) else { return }
    let bytes = [UInt8](data)
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    guard let first = lines.first, first.elementsEqual(Self.version.utf8) else { return }
    if lines.last?.isEmpty == true { lines.removeLast() }
    entries.reserveCapacity(lines.count)
    for line in lines.dropFirst() {
      let fields = line.split(separator: 0x09, maxSplits: 2, omittingEmptySubsequences: false)
      guard fields.count == 3,
        let commit = ObjectID(hex: String(decoding: fields[0], as: UTF8.self))
      else { continue }
      var blob: ObjectID?
      if !fields[1].isEmpty {
        guard let id = ObjectID(hex: String(decoding: fields[1], as: UTF8.self)) else { continue }
        blob = id
      }
      entries[Key(commit: commit, path: String(decoding: fields[2], as: UTF8.self))] = .some(blob)
    }
  }
}
