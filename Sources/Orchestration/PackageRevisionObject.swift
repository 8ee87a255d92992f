import Foundation
import KRM

/// One PackageRevision as `rpkg get` prints it. Its tree is built only when asked for; in a
/// List, `-o yaml` and `-o json` are written straight from the revision's fields, the same
/// bytes the tree prints. What comes from the Kptfile (or a task the direct writers do not
/// take) is printed by the emitter and `JSONValue`, each part where it stands in the object.
struct PackageRevisionObject: SelfPrintingObject {
  let revision: PackageRevision
  let repositoryURL: String
  let deployment: Bool
  /// The Kptfile, when the object shows some of it.
  let kptfile: Kptfile?

  var node: YAMLNode {
    revision.object(repositoryURL: repositoryURL, deployment: deployment, kptfile: kptfile)
  }

  private var timestamp: String? { revision.publishedAt.map(Registration.timestamp) }

  /// Who published it, for the lifecycles that are published.
  private var publishedBy: String? {
    revision.lifecycle == .published || revision.lifecycle == .deletionProposed
      ? revision.publishedBy : nil
  }

  // MARK: YAML

  /// Entries of the item's `key` mapping (`spec` or `status`) as the emitter writes them there.
  private static func emitted(_ entries: [YAMLEntry], under key: String) -> ArraySlice<UInt8> {
    let text = YAMLDocument(
      root: .sequence([.mapping([YAMLEntry(key: .scalar(key), value: .mapping(entries))])])
    ).text(sequenceIndent: .compact)
    guard let lineEnd = text.firstIndex(of: 0x0A) else { return [] }
    return text[(lineEnd + 1)...]
  }

  func writeYAMLItem(into out: inout [UInt8]) {
    func field(_ indent: String, _ key: String, _ text: String) {
      out += indent.utf8
      out += key.utf8
      out += ": ".utf8
      out += text.utf8
      out.append(0x0A)
    }
    func string(_ value: String) -> String { ScalarFormatter.plainText(value) }
    let timestamp = self.timestamp
    let fields = KptfileFields(kptfile)
    out += "- apiVersion: porch.kpt.dev/v1alpha1\n  kind: PackageRevision\n  metadata:\n".utf8
    field("    ", "name", string(revision.name))
    field("    ", "namespace", string(revision.namespace))
    field("    ", "uid", string(revision.uid))
    field("    ", "resourceVersion", string(revision.commit.hex))
    field("    ", "creationTimestamp", timestamp.map(string) ?? "null")
    if revision.latest { out += "    labels:\n      kpt.dev/latest-revision: \"true\"\n".utf8 }
    out += "  spec:\n".utf8
    field("    ", "packageName", string(revision.path))
    field("    ", "repository", string(revision.repository))
    field("    ", "workspaceName", string(revision.workspace))
    if revision.revision != 0 { field("    ", "revision", String(revision.revision)) }
    field("    ", "lifecycle", string(revision.lifecycle.rawValue))
    if let task = revision.task, !(TaskJSON.value(task)?.writeYAMLTasks(into: &out) ?? false),
      let node = TaskJSON.node(task)
    {
      out += Self.emitted(
        [YAMLEntry(key: .scalar("tasks"), value: .sequence([node]))], under: "spec")
    }
    if !fields.spec.isEmpty { out += Self.emitted(fields.spec, under: "spec") }
    out += "  status:\n".utf8
    if let lock = fields.upstreamLock {
      out += Self.emitted([YAMLEntry(key: .scalar("upstreamLock"), value: lock)], under: "status")
    } else {
      out += "    upstreamLock: {}\n".utf8
    }
    out += "    selfLock:\n      type: git\n      git:\n".utf8
    field("        ", "repo", string(repositoryURL))
    field("        ", "directory", string(revision.path))
    field("        ", "ref", string(revision.shortRef))
    field("        ", "commit", string(revision.commit.hex))
    if let publishedBy = publishedBy {
      field("    ", "publishedBy", string(publishedBy))
      field("    ", "publishTimestamp", timestamp.map(string) ?? "null")
    } else {
      field("    ", "publishTimestamp", "null")
    }
    if deployment { field("    ", "deployment", "true") }
    if let conditions = fields.conditions {
      out += Self.emitted(
        [YAMLEntry(key: .scalar("conditions"), value: conditions)], under: "status")
    }
  }

  // MARK: JSON

  func writeJSON(level: Int, into out: inout [UInt8]) {
    var depth = level
    func newline() {
      out.append(0x0A)
      out.append(contentsOf: repeatElement(0x20, count: 4 * depth))
    }
    // Every key here is plain ASCII: nothing to escape.
    func key(_ key: StaticString) {
      newline()
      out.append(UInt8(ascii: "\""))
      key.withUTF8Buffer { out += $0 }
      out += "\": ".utf8
    }
    func open(_ name: StaticString) {
      key(name)
      out.append(UInt8(ascii: "{"))
      depth += 1
    }
    func close(last: Bool) {
      depth -= 1
      newline()
      out += (last ? "}" : "},").utf8
    }
    // A string field read from a plain scalar: `null` and `~` are Go's nil (see JSONShape).
    func string(_ name: StaticString, _ value: String?, last: Bool = false) {
      key(name)
      if let value, value != "null", value != "~" {
        JSONValue.quote(value, into: &out)
      } else {
        out += "null".utf8
      }
      if !last { out.append(UInt8(ascii: ",")) }
    }
    /// A part of the object in its tree form, typed by its shape in the object.
    func tree(_ name: StaticString, _ node: YAMLNode, _ shape: JSONShape) {
      key(name)
      JSONValue(node, shape: shape).write(into: &out, indent: 4, level: depth)
      out.append(UInt8(ascii: ","))
    }
    let timestamp = self.timestamp
    let fields = KptfileFields(kptfile)
    let specShape = PackageRevision.shape[member: "spec"]
    let statusShape = PackageRevision.shape[member: "status"]
    func specField(_ name: StaticString) {
      let text = name.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
      if let entry = fields.spec.first(where: { $0.key.value == text }) {
        tree(name, entry.value, specShape[member: text])
      }
    }
    out.append(UInt8(ascii: "{"))
    depth += 1
    string("apiVersion", "porch.kpt.dev/v1alpha1")
    string("kind", "PackageRevision")
    open("metadata")
    string("creationTimestamp", timestamp)
    if revision.latest {
      open("labels")
      string("kpt.dev/latest-revision", "true", last: true)
      close(last: false)
    }
    string("name", revision.name)
    string("namespace", revision.namespace)
    string("resourceVersion", revision.commit.hex)
    string("uid", revision.uid, last: true)
    close(last: false)
    open("spec")
    string("lifecycle", revision.lifecycle.rawValue)
    specField("packageMetadata")
    string("packageName", revision.path)
    specField("readinessGates")
    string("repository", revision.repository)
    if revision.revision != 0 {
      key("revision")
      out += String(revision.revision).utf8
      out.append(UInt8(ascii: ","))
    }
    if let task = revision.task {
      if let value = TaskJSON.value(task) {
        key("tasks")
        out.append(UInt8(ascii: "["))
        depth += 1
        newline()
        if !value.writeJSON(shape: PackageRevision.taskShape, level: depth, into: &out) {
          JSONValue(value.node, shape: PackageRevision.taskShape)
            .write(into: &out, indent: 4, level: depth)
        }
        depth -= 1
        newline()
        out += "],".utf8
      } else if let node = TaskJSON.node(task) {
        tree("tasks", .sequence([node]), specShape[member: "tasks"])
      }
    }
    string("workspaceName", revision.workspace, last: true)
    close(last: false)
    open("status")
    if let conditions = fields.conditions {
      tree("conditions", conditions, statusShape[member: "conditions"])
    }
    if deployment {
      key("deployment")
      out += "true,".utf8
    }
    if let publishedBy = publishedBy {
      string("publishTimestamp", timestamp)
      string("publishedBy", publishedBy)
    } else {
      string("publishTimestamp", nil)
    }
    open("selfLock")
    open("git")
    string("commit", revision.commit.hex)
    string("directory", revision.path)
    string("ref", revision.shortRef)
    string("repo", repositoryURL, last: true)
    close(last: false)
    string("type", "git", last: true)
    close(last: false)
    key("upstreamLock")
    if let lock = fields.upstreamLock {
      JSONValue(lock, shape: statusShape[member: "upstreamLock"])
        .write(into: &out, indent: 4, level: depth)
    } else {
      out += "{}".utf8
    }
    close(last: true)
    close(last: true)
  }
}
