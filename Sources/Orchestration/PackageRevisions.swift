import Foundation
import Git
import KRM

extension Registry {
  /// The package revisions of a namespace's registrations (every namespace when nil), fetched
  /// first unless `offline`, in `rpkg get` order: repository, path, revision, lifecycle, name.
  public func packageRevisions(namespace: String?, offline: Bool = false) throws(OrchestrationError)
    -> [PackageRevision]
  {
    var result: [PackageRevision] = []
    for registration in try list(namespace: namespace) {
      if !offline { _ = try sync(registration.name, namespace: registration.namespace) }
      let directory = home.repository(namespace: registration.namespace, name: registration.name)
      do {
        let clone = try Repository.open(directory + "/clone.git")
        var discovery = Discovery(registration: registration, clone: clone)
        discovery.tagCachePath = directory + "/tags.cache"
        result += try discovery.list()
        // A few lines say what was skipped; thousands would bury the listing.
        for warning in discovery.warnings.prefix(3) { warn("\(registration.name): \(warning)") }
        if discovery.warnings.count > 3 {
          warn(
            "\(registration.name): \(discovery.warnings.count - 3) more refs skipped for the same reasons"
          )
        }
      } catch let error as GitError {
        throw .git(error, url: registration.url)
      } catch let error as OrchestrationError {
        throw error
      } catch {
        throw .io(path: directory, reason: "\(error)")
      }
    }
    return result
  }
}

extension PackageRevision {
  /// The ref without `refs/heads/` or `refs/tags/`: a tag name, `drafts/…`, `proposed/…` or the
  /// registered branch (what Porch's selfLock records).
  public var shortRef: String {
    ref.hasPrefix("refs/heads/")
      ? String(ref.dropFirst("refs/heads/".count)) : String(ref.dropFirst("refs/tags/".count))
  }

  /// A package as it stands on the registered branch (§3.2), not a revision of its own.
  public var isPlaceholder: Bool {
    ref.hasPrefix("refs/heads/") && !ref.hasPrefix("refs/heads/drafts/")
      && !ref.hasPrefix("refs/heads/proposed/")
  }

  /// Whether a name the user typed denotes this revision: the Porch name
  /// (`repo.path.workspace`), or the short forms `repo/path@v3` (revision), `repo/path:ws`
  /// (workspace) and `repo/path` (the latest published revision).
  public func isNamed(_ reference: String) -> Bool {
    let reference = ResourceName.packageRevisionName(reference)
    if reference == name { return true }
    let prefix = repository + "/" + path
    if reference == prefix { return latest }
    if reference.hasPrefix(prefix + "@") {
      let revisionText = reference.dropFirst(prefix.count + 1)
      return revision >= 1 && Discovery.parseRevision(String(revisionText)) == revision
    }
    if reference.hasPrefix(prefix + ":") {
      return reference.dropFirst(prefix.count + 1) == workspace
    }
    return false
  }

  /// Porch's UID: a version 5 UUID over `packagerevision:porch.kpt.dev/v1alpha1/<ns>/<name>`.
  public var uid: String {
    UUIDv5.make(
      namespace: "aac71d91-5c67-456f-8fd2-902ef6da820e",
      name: "packagerevision:porch.kpt.dev/v1alpha1/\(namespace.lowercased())/\(name.lowercased())")
  }

  /// The Porch-shaped PackageRevision object (porch.kpt.dev/v1alpha1).
  public func object(repositoryURL: String, deployment: Bool, kptfile: Kptfile? = nil) -> YAMLNode {
    func entry(_ key: String, _ value: YAMLNode) -> YAMLEntry {
      YAMLEntry(key: .scalar(key), value: value)
    }
    var metadata = [
      entry("name", .scalar(name)), entry("namespace", .scalar(namespace)),
      entry("uid", .scalar(uid)),
      entry("resourceVersion", .scalar(commit.hex)),
      // Porch's creation time: its commit's (what it was read from); null when unknown.
      entry(
        "creationTimestamp",
        publishedAt.map { .scalar(Registration.timestamp($0)) } ?? .literal("null")),
    ]
    if latest {
      metadata.append(
        entry("labels", .mapping([entry("kpt.dev/latest-revision", .scalar("true"))])))
    }
    var spec = [
      entry("packageName", .scalar(path)), entry("repository", .scalar(repository)),
      entry("workspaceName", .scalar(workspace)),
    ]
    if revision != 0 { spec.append(entry("revision", .literal(String(revision)))) }
    spec.append(entry("lifecycle", .scalar(lifecycle.rawValue)))
    if let task, let node = TaskJSON.node(task) {
      spec.append(entry("tasks", .sequence([node])))
    }
    let fields = KptfileFields(kptfile)
    spec += fields.spec
    var status = [
      entry(
        "selfLock",
        .mapping([
          entry("type", .scalar("git")),
          entry(
            "git",
            .mapping([
              entry("repo", .scalar(repositoryURL)), entry("directory", .scalar(path)),
              entry("ref", .scalar(shortRef)),
              entry("commit", .scalar(commit.hex)),
            ])),
        ]))
    ]
    // Porch's status always has a publish time (null until published) and an upstream lock
    // (empty for a package with no upstream).
    if lifecycle == .published || lifecycle == .deletionProposed, let publishedBy {
      status.append(entry("publishedBy", .scalar(publishedBy)))
      status.append(
        entry(
          "publishTimestamp",
          publishedAt.map { .scalar(Registration.timestamp($0)) } ?? .literal("null")))
    } else {
      status.append(entry("publishTimestamp", .literal("null")))
    }
    status.insert(entry("upstreamLock", fields.upstreamLock ?? .mapping([])), at: 0)
    if deployment { status.append(entry("deployment", .literal("true"))) }
    if let conditions = fields.conditions { status.append(entry("conditions", conditions)) }
    return .mapping([
      entry("apiVersion", .scalar("porch.kpt.dev/v1alpha1")),
      entry("kind", .scalar("PackageRevision")),
      entry("metadata", .mapping(metadata)), entry("spec", .mapping(spec)),
      entry("status", .mapping(status)),
    ])
  }
}

/// What a PackageRevision object shows of its Kptfile (porch-git.md §3.7).
struct KptfileFields {
  /// `spec.readinessGates` and `spec.packageMetadata`, when there are any.
  var spec: [YAMLEntry] = []
  /// `status.upstreamLock` when the package has an upstream; Porch shows `{}` otherwise.
  var upstreamLock: YAMLNode?
  /// `status.conditions`, when there are any.
  var conditions: YAMLNode?

  var isEmpty: Bool { spec.isEmpty && upstreamLock == nil && conditions == nil }

  init(_ kptfile: Kptfile?) {
    guard let kptfile else { return }
    func entry(_ key: String, _ value: YAMLNode) -> YAMLEntry {
      YAMLEntry(key: .scalar(key), value: value)
    }
    let root = kptfile.document.root
    let gates = kptfile.readinessGates
    if !gates.isEmpty {
      spec.append(
        entry(
          "readinessGates",
          .sequence(gates.map { .mapping([entry("conditionType", .scalar($0))]) })))
    }
    var packageMetadata: [YAMLEntry] = []
    for key in ["labels", "annotations"] {
      if let node = root.node(at: ["metadata", key]), node.isMapping, !node.entries.isEmpty {
        packageMetadata.append(entry(key, node))
      }
    }
    if !packageMetadata.isEmpty { spec.append(entry("packageMetadata", .mapping(packageMetadata))) }
    if let upstream = root.node(at: ["upstream", "git"]), upstream.isMapping,
      let lock = root["upstreamLock"], lock.isMapping
    {
      upstreamLock = lock
    }
    let conditions = kptfile.conditions
    if !conditions.isEmpty {
      self.conditions = .sequence(
        conditions.map { condition in
          var fields = [
            entry("type", .scalar(condition.type)), entry("status", .scalar(condition.status)),
          ]
          if let reason = condition.reason { fields.append(entry("reason", .scalar(reason))) }
          if let message = condition.message { fields.append(entry("message", .scalar(message))) }
          return .mapping(fields)
        })
    }
  }
}

extension Kptfile {
  /// Whether `PackageRevision.object` shows anything of this Kptfile; when not, the object is
  /// the same as without a Kptfile.
  var addsObjectFields: Bool { !KptfileFields(self).isEmpty }

  /// Whether a Kptfile's text may hold what `addsObjectFields` looks for: every field it reads
  /// has one of these words in its key, unless a key is written with escapes.
  static func mayAddObjectFields(_ bytes: [UInt8]) -> Bool {
    if bytes.contains(UInt8(ascii: "\\")) { return true }
    let words = ["readinessGates", "conditions", "labels", "annotations", "upstreamLock"].map {
      Array($0.utf8)
    }
    return words.contains { word in
      bytes.withUnsafeBufferPointer { buffer in
        guard buffer.count >= word.count else { return false }
        for start in 0...(buffer.count - word.count)
        where buffer[start] == word[0] && buffer[start..<start + word.count].elementsEqual(word) {
          return true
        }
        return false
      }
    }
  }
}

/// Name-based (SHA-1) UUIDs, RFC 4122 version 5.
enum UUIDv5 {
  /// Porch's namespace, the only one listings use, parsed once.
  private static let porch = (
    text: "aac71d91-5c67-456f-8fd2-902ef6da820e",
    bytes: namespaceBytes("aac71d91-5c67-456f-8fd2-902ef6da820e")
  )

  private static func namespaceBytes(_ namespace: String) -> [UInt8] {
    UUID(uuidString: namespace).map { uuid in withUnsafeBytes(of: uuid.uuid) { Array($0) } } ?? []
  }

  static func make(namespace: String, name: String) -> String {
    var message = namespace == porch.text ? porch.bytes : namespaceBytes(namespace)
    message += name.utf8
    var digest = SHA1.hash(message)
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    let digits: StaticString = "0123456789abcdef"
    return String(unsafeUninitializedCapacity: 36) { text in
      digits.withUTF8Buffer { digits in
        var n = 0
        for i in 0..<16 {
          if i == 4 || i == 6 || i == 8 || i == 10 {
            text[n] = UInt8(ascii: "-")
            n += 1
          }
          text[n] = digits[Int(digest[i] >> 4)]
          text[n + 1] = digits[Int(digest[i] & 0x0F)]
          n += 2
        }
        return n
      }
    }
  }
}
