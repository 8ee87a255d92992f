import Foundation
import Git
import KRM

extension PackageRevision {
  /// porch.kpt.dev/v1alpha1 PackageRevision's field types, so `-o json` and templates see what
  /// Porch's API serves (labels and workspaces stay strings, `spec.revision` is a number).
  public static let shape: JSONShape = {
    let name = JSONShape.object(["name": .string])
    let gitLock = JSONShape.object([
      "repo": .string, "directory": .string, "ref": .string, "commit": .string,
      "secretRef": name,
    ])
    let locator = JSONShape.object([
      "type": .string, "git": gitLock, "oci": .object(["image": .string]),
    ])
    return .object([
      "apiVersion": .string, "kind": .string, "metadata": JSONShape.objectMeta,
      "spec": .object([
        "packageName": .string, "repository": .string, "workspaceName": .string,
        "revision": .integer, "parent": name, "lifecycle": .string, "tasks": .array(taskShape),
        "readinessGates": .array(.object(["conditionType": .string])),
        "packageMetadata": .object(["labels": .map(.string), "annotations": .map(.string)]),
      ]),
      "status": .object([
        "upstreamLock": locator, "selfLock": locator, "publishedBy": .string,
        "publishTimestamp": .string, "deployment": .bool,
        "conditions": .array(JSONShape.condition),
      ]),
    ])
  }()

  /// A task of `spec.tasks`.
  static let taskShape: JSONShape = {
    let name = JSONShape.object(["name": .string])
    let gitLock = JSONShape.object([
      "repo": .string, "directory": .string, "ref": .string, "commit": .string,
      "secretRef": name,
    ])
    return JSONShape.object([
      "type": .string,
      "init": .object([
        "subpackage": .string, "description": .string, "keywords": .array(.string),
        "site": .string,
      ]),
      "clone": .object([
        "upstreamRef": .object([
          "type": .string, "git": gitLock, "oci": .object(["image": .string]), "upstreamRef": name,
        ]),
        "strategy": .string,
      ]),
      "edit": .object(["sourceRef": name]),
      "upgrade": .object([
        "oldUpstreamRef": name, "newUpstreamRef": name, "localPackageRevisionRef": name,
        "strategy": .string,
      ]),
      "eval": .object(["image": .string, "config": .free, "match": .free]),
      "patch": .object([
        "patches": .array(.object(["file": .string, "contents": .string, "patchType": .string]))
      ]),
    ])
  }()

  /// porchctl's table columns (Porch's table convertor); `-o wide` shows the same ones.
  public static let columns = [
    "NAME", "PACKAGE", "WORKSPACENAME", "REVISION", "LATEST", "LIFECYCLE", "REPOSITORY",
  ]
}

extension Registration {
  /// config.porch.kpt.dev/v1alpha1 Repository's field types.
  public static let shape: JSONShape = {
    let secretRef = JSONShape.object(["name": .string])
    return .object([
      "apiVersion": .string, "kind": .string, "metadata": JSONShape.objectMeta,
      "spec": .object([
        "description": .string, "deployment": .bool, "type": .string, "content": .string,
        "sync": .object(["runOnceAt": .string, "schedule": .string]),
        "git": .object([
          "repo": .string, "branch": .string, "createBranch": .bool, "directory": .string,
          "secretRef": secretRef, "author": .string, "email": .string,
        ]),
        "oci": .object(["registry": .string, "secretRef": secretRef]),
      ]),
      "status": .object([
        "conditions": .array(JSONShape.condition), "lastFullSyncTime": .string,
        "observedGeneration": .integer, "observedRunOnceAt": .string, "packageCount": .integer,
        "gitCommitHash": .string, "nextFullSyncTime": .string,
      ]),
    ])
  }()

  /// The Repository CRD's printer columns; it has no wide-only ones.
  public static let columns = [
    "NAME", "TYPE", "CONTENT", "SYNC SCHEDULE", "DEPLOYMENT", "READY", "ADDRESS", "BRANCH", "AGE",
  ]
}

/// What `rpkg get` and `repo get` hand to kubectl's printers.
public enum Listings {
  /// Package revisions as Porch's API shows them; `singleItem` when exactly one name was given.
  /// `kptfile` gives what a revision's object shows of its Kptfile (nil for nothing); objects
  /// are built only when a format needs them.
  public static func packageRevisions(
    _ revisions: [PackageRevision], registrations: [Registration], singleItem: Bool,
    kptfile: (PackageRevision) -> Kptfile? = { _ in nil }
  ) -> ObjectListing {
    var locations: [String: (url: String, deployment: Bool)] = [:]
    for registration in registrations {
      let key = registration.namespace + "/" + registration.name
      if locations[key] == nil {
        locations[key] = (RemoteURL.redacted(registration.url), registration.deployment)
      }
    }
    let latest = ["kpt.dev/latest-revision": "true"]
    let items = revisions.map { revision in
      let location = locations[revision.namespace + "/" + revision.repository]
      let name = revision.name
      let object = PackageRevisionObject(
        revision: revision, repositoryURL: location?.url ?? RemoteURL.redacted(""),
        deployment: location?.deployment ?? false, kptfile: kptfile(revision))
      return PrintableObject(
        object, shape: PackageRevision.shape,
        cells: [
          name, revision.path, revision.workspace, String(revision.revision),
          revision.latest ? "true" : "false", revision.lifecycle.rawValue, revision.repository,
        ], name: name, namespace: revision.namespace, labels: revision.latest ? latest : [:])
    }
    return ObjectListing(
      resource: ResourceName.packageRevision, columns: PackageRevision.columns, items: items,
      singleItem: singleItem)
  }

  /// Registrations as Repository objects (no password in any URL).
  public static func repositories(
    _ registrations: [Registration], singleItem: Bool, now: Date = Date()
  ) -> ObjectListing {
    let items = registrations.map(\.withoutPassword).map { registration in
      let node = registration.object
      return PrintableObject(
        node: node, value: JSONValue(node, shape: Registration.shape),
        cells: [
          registration.name, "git", "Package", "", registration.deployment ? "true" : "",
          registration.status.ready ? "True" : "False", registration.url, registration.branch,
          humanAge(now.timeIntervalSince(registration.created)),
        ])
    }
    return ObjectListing(
      resource: ResourceName.repository, columns: Registration.columns, items: items,
      singleItem: singleItem)
  }

  /// kubectl's age: `45s`, `5m30s`, `42m`, `3h5m`, `20h`, `2d4h`, `30d`, `2y`.
  public static func humanAge(_ seconds: TimeInterval) -> String {
    let s = max(0, Int(seconds))
    let m = s / 60
    let h = m / 60
    let d = h / 24
    switch s {
    case ..<120: return "\(s)s"
    case ..<600: return s % 60 == 0 ? "\(m)m" : "\(m)m\(s % 60)s"
    case ..<(3 * 3600): return "\(m)m"
    case ..<(8 * 3600): return m % 60 == 0 ? "\(h)h" : "\(h)h\(m % 60)m"
    case ..<(48 * 3600): return "\(h)h"
    case ..<(8 * 86400): return h % 24 == 0 ? "\(d)d" : "\(d)d\(h % 24)h"
    case ..<(2 * 365 * 86400): return "\(d)d"
    default: return "\(d / 365)y"
    }
  }
}

/// `rpkg get`'s filters: `--name`, `--revision`, `--workspace`, `--repository`.
public struct PackageRevisionQuery: Sendable {
  /// A package name (its path in the repository): the packages of that exact name, as porchctl
  /// matches it; when no package has that name, the packages whose name contains it, as
  /// porchctl's help and the original user guide describe.
  public var name: String?
  /// A number (`2`) or a tag form (`v2`); `-2` means any.
  public var revision: String?
  public var workspace: String?
  public var repository: String?

  public init(
    name: String? = nil, revision: String? = nil, workspace: String? = nil,
    repository: String? = nil
  ) {
    self.name = name
    self.revision = revision
    self.workspace = workspace
    self.repository = repository
  }

  public var isEmpty: Bool {
    [name, revision, workspace, repository].allSatisfy { $0 == nil || $0 == "" }
  }

  public func filter(_ revisions: [PackageRevision]) -> [PackageRevision] {
    var result = revisions
    if let repository, !repository.isEmpty {
      let wanted = ResourceName.repositoryName(repository)
      result = result.filter { $0.repository == wanted }
    }
    if let name, !name.isEmpty {
      let exact = result.contains { $0.path == name }
      result = result.filter { exact ? $0.path == name : $0.path.contains(name) }
    }
    if let revision, !revision.isEmpty {
      let number = Int(revision) ?? Discovery.parseRevision(revision)
      if number != -2 { result = result.filter { $0.revision == number } }
    }
    if let workspace, !workspace.isEmpty { result = result.filter { $0.workspace == workspace } }
    return result
  }
}
