import Foundation
import Git
import Testing

@testable import Orchestration

/// Registers a Porch fixture with `branch` (a copy of its main, as Porch's tests make) and lists it
/// as `path revision workspace lifecycle latest` rows.
private func listing(_ fixtureName: String, branch: String, directory: String = "/") throws
  -> [String]
{
  try discover(fixtureName, branch: branch, directory: directory).map {
    "\($0.path) \($0.revision) \($0.workspace) \($0.lifecycle.rawValue)\($0.latest ? " latest" : "")"
  }
}

private func discover(_ fixtureName: String, branch: String, directory: String = "/") throws
  -> [PackageRevision]
{
  let registry = Registry(home: StoopHome(environment: ["STOOP_HOME": scratch("home")]))
  defer { try? FileManager.default.removeItem(atPath: registry.home.path) }
  let path = try fixture(fixtureName)
  let remote = try Repository.open(path)
  if branch != "main", let main = try remote.reference("refs/heads/main") {
    try remote.setReference("refs/heads/" + branch, to: main)
  }
  var options = Registry.RegisterOptions()
  options.name = fixtureName
  options.branch = branch
  options.directory = directory
  let registration = try registry.register(url: path, options: options)
  let clone = try Repository.open(
    registry.home.repository(namespace: "default", name: fixtureName) + "/clone.git")
  var discovery = Discovery(registration: registration, clone: clone)
  return try discovery.list()
}

private func simpleRows(_ b: String) -> [String] {
  [
    "basens -1 \(b) Published", "basens 1 v1 Published", "basens 2 v2 Published latest",
    "empty -1 \(b) Published", "empty 1 v1 Published latest",
    "istions -1 \(b) Published", "istions 1 v1 Published", "istions 2 v2 Published latest",
  ]
}

@Test(arguments: ["main", "feature", "nested/release"])
func simpleRepositoryListsAsInPorchsTests(branch: String) throws {
  #expect(try listing("simple", branch: branch) == simpleRows(branch))
}

@Test(arguments: ["main", "feature", "nested/release"])
func draftsRepositoryListsAsInPorchsTests(branch: String) throws {
  var expected = simpleRows(branch)
  expected.insert("bucket 0 v1 Draft", at: 3)
  expected.append("none 0 v1 Draft")
  expected.append("pkg-with-history 0 v1 Draft")
  let rows = try listing("drafts", branch: branch)
  #expect(rows == expected, "\(rows)")
}

@Test(arguments: ["main", "feature", "nested/release"])
func nestedRepositoryListsAsInPorchsTests(branch: String) throws {
  let b = branch
  #expect(
    // In Porch's order: by leaf name, then revision and lifecycle.
    try listing("nested", branch: branch) == [
      "catalog/namespace/basens -1 \(b) Published", "catalog/namespace/basens 1 v1 Published",
      "catalog/namespace/basens 2 v2 Published", "catalog/namespace/basens 3 v3 Published latest",
      "catalog/gcp/bucket -1 \(b) Published", "catalog/gcp/bucket 0 v2 Draft",
      "catalog/gcp/bucket 1 v1 Published latest",
      "catalog/gcp/cloud-sql 0 v1 Draft",
      "catalog/empty -1 \(b) Published", "catalog/empty 1 v1 Published latest",
      "catalog/namespace/istions -1 \(b) Published", "catalog/namespace/istions 1 v1 Published",
      "catalog/namespace/istions 2 v2 Published", "catalog/namespace/istions 3 v3 Published latest",
      "sample -1 \(b) Published", "sample 1 v1 Published", "sample 2 v2 Published latest",
      "catalog/gcp/spanner 0 v1 Draft",
    ])
}

@Test func aRegisteredDirectoryFiltersOnItsBoundary() throws {
  #expect(
    try listing("nested", branch: "main", directory: "/catalog/gcp/") == [
      "bucket -1 main Published", "bucket 0 v2 Draft", "bucket 1 v1 Published latest",
      "cloud-sql 0 v1 Draft",
      "spanner 0 v1 Draft",
    ])
}

@Test func emptyAndTrivialRepositoriesHaveNoRevisions() throws {
  #expect(try listing("trivial", branch: "main").isEmpty)
}

@Test func revisionStringsParseAsPorchParsesThem() {
  #expect(Discovery.parseRevision("v3") == 3)
  #expect(Discovery.parseRevision("3") == 3)
  #expect(Discovery.parseRevision("v2.0.0") == -1)
  #expect(Discovery.parseRevision("release") == -1)
  #expect(Discovery.parseRevision("main") == -1)
  #expect(Discovery.parseRevision("vv1") == -1)
}

@Test func annotationsAreReadInEveryFormAndBadOnesSkipped() {
  let message = """
    Intermediate commit: eval

      kpt:{"package":"pkg-with-history","revision":"v1","task":{"type":"eval","eval":{"image":"x"}}}
    kpt:{not json}
    kpt:{"package":"a/b","workspaceName":"ws","revision":"0","task":{"type":"init","init":{"description":"d"}}}
    """
  let annotations = CommitAnnotation.parse(message)
  #expect(annotations.count == 2)
  #expect(annotations[0].matches(fullPath: "pkg-with-history", workspace: "v1"))
  #expect(annotations[0].taskType == "eval")
  #expect(annotations[1].matches(fullPath: "a/b", workspace: "ws"))
  #expect(!annotations[1].matches(fullPath: "a/b", workspace: "0"))
  #expect(annotations[1].task == #"{"type":"init","init":{"description":"d"}}"#)
}

@Test func tasksNamesAndPublishersFollowPorch() throws {
  let revisions = try discover("drafts", branch: "main")
  let history = try #require(revisions.first { $0.path == "pkg-with-history" })
  #expect(history.name == "drafts.pkg-with-history.v1")
  #expect(history.task?.contains(#""type":"init""#) == true)
  #expect(revisions.first { $0.path == "bucket" }?.task == nil)
  let tag = try #require(revisions.first { $0.path == "basens" && $0.revision == 2 })
  #expect(tag.publishedBy == "porch@kpt.dev")
  #expect(tag.ref == "refs/tags/basens/v2")
  #expect(tag.commit.hex.hasPrefix("c93d417"))
  let placeholder = try #require(revisions.first { $0.path == "basens" && $0.revision == -1 })
  #expect(placeholder.name == "drafts.basens.main")
  #expect(placeholder.publishedBy == nil)
}

@Test func uidsAreTheVersion5UUIDsPorchComputes() {
  #expect(
    UUIDv5.make(
      namespace: "aac71d91-5c67-456f-8fd2-902ef6da820e",
      name: "packagerevision:porch.kpt.dev/v1alpha1/my-namespace/my-repo.my-package.my-workspace")
      == "7007e8aa-0928-50f9-b980-92a44942f055")
  #expect(
    SHA1.hash(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined()
      == "a9993e364706816aba3e25717850c26c9cd0d89d")
}

@Test func shortNamesResolveToTheRevisionTheyMean() throws {
  let revisions = try discover("nested", branch: "main")
  func named(_ reference: String) -> [String] {
    revisions.filter { $0.isNamed(reference) }.map(\.name)
  }
  #expect(named("nested.catalog.gcp.bucket.v2") == ["nested.catalog.gcp.bucket.v2"])
  #expect(named("nested/catalog/namespace/basens") == ["nested.catalog.namespace.basens.v3"])
  #expect(named("nested/catalog/namespace/basens@v2") == ["nested.catalog.namespace.basens.v2"])
  #expect(named("nested/catalog/namespace/basens@2") == ["nested.catalog.namespace.basens.v2"])
  #expect(named("nested/catalog/gcp/bucket:v2") == ["nested.catalog.gcp.bucket.v2"])
  #expect(named("nested/catalog/gcp/bucket@v7").isEmpty)
}

@Test func revisionNamesSayWhichRepositoryAndPackageTheyMean() {
  #expect(PackageLifecycle.repositoryAndPath(of: "blueprints.nginx.v1")! == ("blueprints", "nginx"))
  #expect(
    PackageLifecycle.repositoryAndPath(of: "nested.catalog.gcp.bucket.v2")! == (
      "nested", "catalog/gcp/bucket"
    ))
  #expect(
    PackageLifecycle.repositoryAndPath(of: "catalog.oai.ran.v2.0.0")! == ("catalog", "oai/ran"))
  #expect(
    PackageLifecycle.repositoryAndPath(of: "blueprints.nginx.main")! == ("blueprints", "nginx"))
  #expect(
    PackageLifecycle.repositoryAndPath(of: "nested/catalog/gcp/bucket@v2")! == (
      "nested", "catalog/gcp/bucket"
    ))
  #expect(
    PackageLifecycle.repositoryAndPath(of: "nested/catalog/gcp/bucket:ws")! == (
      "nested", "catalog/gcp/bucket"
    ))
  #expect(PackageLifecycle.repositoryAndPath(of: "nonsense") == nil)
}
