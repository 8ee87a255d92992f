import Foundation
import Git
import KRM
import Testing

@testable import Orchestration

/// Issue 21: what `rpkg get` writes straight from a revision's fields is what its tree prints.

private let tasks = [
  #"{"type":"init","init":{"description":"d"}}"#,
  #"{"type":"edit","edit":{"sourceRef":{"name":"bench.pkg0000.v10"}}}"#,
  #"{"type":"clone","clone":{"upstreamRef":{"type":"git","git":{"repo":"https://h/r.git","directory":"a/b","ref":"main","secretRef":{"name":""}}},"strategy":"resource-merge"}}"#,
  #"{"type":"init","init":{"keywords":["a","true","null","3"],"description":"line\nbreak \"q\" \/ \\"}}"#,
  #"{"type":"eval","eval":{"image":"x","config":{"data":{"replicas":"3","on":"true"}}}}"#,
  #"{"type":"edit","edit":null}"#,
  #"{"type":"init","init":{}}"#,
  #"{"type":"init","init":{"keywords":[]}}"#,
  #"{"type":"x","x":[["a"],{"k":"v"}]}"#,
  #"{"type":"init","init":{"description":"null","site":"~"}}"#,
  #"{"type":"init","init":{"description":"\u00e9"}}"#,
  #"{"type":5,"init":{"keywords":[true,1.5,-0]}}"#,
  #"{"b":"1","a":"2","B":"3","é":"4","e":"5","a b":"6","yes":"no"}"#,
  #" { "type" : "init" , "init" : { "description" : "" } } "#,
  #"{"type":"init","type":"edit"}"#,
  #"{"type":"init""#,
  #"["a"]"#,
]

private func revision(
  _ path: String, workspace: String, number: Int, lifecycle: Lifecycle, task: String?,
  latest: Bool = false, publishedBy: String? = "porch@kpt.dev"
) -> PackageRevision {
  var revision = PackageRevision(
    repository: "catalog", namespace: "default", path: path, fullPath: "root/" + path,
    workspace: workspace, revision: number, lifecycle: lifecycle,
    commit: ObjectID(hex: "53657d97dfa51d9826df0c83a9748c82eed455cc")!,
    ref: number >= 1 ? "refs/tags/root/\(path)/v\(number)" : "refs/heads/drafts/root/\(path)/x",
    publishedBy: publishedBy,
    publishedAt: publishedBy == nil ? nil : Date(timeIntervalSince1970: 1_700_000_000),
    task: task)
  revision.latest = latest
  return revision
}

@Test func taskJSONReadsAsJSONSerializationDoes() throws {
  for text in tasks {
    let expected = (try? JSONSerialization.jsonObject(with: Data(text.utf8))).map(TaskJSON.node)
    #expect(TaskJSON.node(text) == expected, "\(text)")
    if let value = TaskJSON.value(text) { #expect(value.node == expected, "\(text)") }
  }
}

@Test func revisionsWrittenDirectlyAreTheirTreesBytes() throws {
  var revisions: [PackageRevision] = []
  for (i, task) in (tasks.map { Optional($0) } + [nil]).enumerated() {
    revisions.append(
      revision("pkg\(i)", workspace: "v\(i)", number: i % 3, lifecycle: .published, task: task))
  }
  for workspace in ["null", "~", "true", "123", "", "a: b", "ws\"q", "日本"] {
    revisions.append(revision("a/b", workspace: workspace, number: 0, lifecycle: .draft, task: nil))
  }
  revisions.append(
    revision("p", workspace: "w", number: -1, lifecycle: .deletionProposed, task: nil, latest: true)
  )
  revisions.append(
    revision("p", workspace: "w", number: 4, lifecycle: .published, task: nil, publishedBy: nil))
  revisions.append(
    revision("p", workspace: "w", number: 0, lifecycle: .proposed, task: nil, publishedBy: "~"))
  let kptfiles: [Kptfile?] = try [
    nil,
    """
    apiVersion: kpt.dev/v1
    kind: Kptfile
    metadata:
      name: app
      labels: {tier: db, "count": 3, on: "yes"}
      annotations:
        # why
        a.b/c: |
          multi
          line
    upstream:
      type: git
      git: {repo: "https://h/r.git", directory: /a, ref: main}
    upstreamLock:
      type: git
      git:
        repo: https://h/r.git # the same
        directory: /a
        ref: main
        commit: 53657d97dfa51d9826df0c83a9748c82eed455cc
    info:
      readinessGates:
      - conditionType: ready
      - conditionType: "true"
    status:
      conditions:
      - type: Rendered
        status: "True"
        reason: RenderSuccess
      - type: ready
        status: "False"
        message: "two\nlines"
    """,
    """
    apiVersion: kpt.dev/v1
    kind: Kptfile
    metadata:
      name: app
    upstreamLock: {type: git}
    status:
      conditions:
      - type: Rendered
        status: "True"
    """,
  ].map { text in
    try text.map {
      Kptfile(document: try YAMLFile(parsing: Array($0.utf8), name: "Kptfile").documents[0])
    }
  }
  for revision in revisions {
    for (url, deployment, kptfile) in [
      ("https://u@h/r.git", true, kptfiles[0]), ("null", false, kptfiles[1]),
      ("", false, kptfiles[2]), ("/tmp/r.git", true, kptfiles[1]),
    ] {
      let object = PackageRevisionObject(
        revision: revision, repositoryURL: url, deployment: deployment, kptfile: kptfile)
      var yaml: [UInt8] = []
      object.writeYAMLItem(into: &yaml)
      #expect(
        String(decoding: yaml, as: UTF8.self)
          == String(
            decoding: YAMLDocument(root: .sequence([object.node])).text(sequenceIndent: .compact),
            as: UTF8.self), "\(revision.name) \(revision.task ?? "")")
      var json: [UInt8] = []
      object.writeJSON(level: 2, into: &json)
      var expected: [UInt8] = []
      JSONValue(object.node, shape: PackageRevision.shape).write(
        into: &expected, indent: 4, level: 2)
      #expect(
        String(decoding: json, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
        "\(revision.name) \(revision.task ?? "")")
    }
  }
}

@Test func uuidsAreVersion5OfPorchsNamespace() {
  // Porch's UID of default/catalog.pkg0000.main, as the listing of the bench repository shows.
  #expect(
    UUIDv5.make(
      namespace: "aac71d91-5c67-456f-8fd2-902ef6da820e",
      name: "packagerevision:porch.kpt.dev/v1alpha1/default/catalog.pkg0000.main")
      == "e439a450-f4c0-5935-ad4e-211fc631cf8a")
}
