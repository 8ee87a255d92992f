import Foundation
import Testing

/// The user guide of ../shared/seeds/package-orchestration-design.md, with `kpt alpha` replaced
/// by `stoop`, run as written against two bare remotes and an unregistered upstream.
@Test func theSeedWalkthroughRunsAsWritten() throws {
  let work = temporaryDirectory("walkthrough")
  defer { try? FileManager.default.removeItem(atPath: work) }
  try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
  let env = ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  func stoop(_ arguments: [String], input: [UInt8]? = nil) throws -> (
    status: Int32, out: String, err: String
  ) {
    let result = try run(stoopBinary, arguments, input: input, environment: env)
    return (result.status, String(decoding: result.stdout, as: UTF8.self), result.stderr)
  }
  func ok(_ arguments: [String], input: [UInt8]? = nil) throws -> String {
    let result = try stoop(arguments, input: input)
    #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.err)")
    return result.out
  }
  func git(_ arguments: [String]) throws -> String {
    String(decoding: try run("/usr/bin/env", ["git"] + arguments).stdout, as: UTF8.self)
  }
  for name in ["blueprints", "deployments"] {
    _ = try git(["init", "-q", "--bare", "-b", "main", "\(work)/\(name).git"])
  }
  // An unregistered repository holding catalog/bucket, written with the git CLI.
  let upstream = work + "/gcp-blueprints"
  _ = try git(["init", "-q", "-b", "main", upstream])
  try FileManager.default.createDirectory(
    atPath: upstream + "/catalog/bucket", withIntermediateDirectories: true)
  try """
  apiVersion: kpt.dev/v1
  kind: Kptfile
  metadata:
    name: bucket
  info:
    description: A bucket
  """.write(toFile: upstream + "/catalog/bucket/Kptfile", atomically: false, encoding: .utf8)
  try """
  apiVersion: storage.cnrm.cloud.google.com/v1beta1
  kind: StorageBucket
  metadata:
    name: my-bucket # kpt-set: ${name}
    namespace: config-control

  """.write(toFile: upstream + "/catalog/bucket/bucket.yaml", atomically: false, encoding: .utf8)
  _ = try git(["-C", upstream, "add", "."])
  _ = try git([
    "-C", upstream, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "bucket",
  ])

  // Repository registration.
  _ = try ok([
    "repo", "register", "--namespace", "default", work + "/blueprints.git", "--create-branch",
  ])
  _ = try ok(["repo", "register", work + "/deployments.git", "--deployment", "--create-branch"])
  let repos = try ok(["repo", "get"])
  #expect(repos.contains("blueprints") && repos.contains("deployments"))
  #expect(try ok(["repo", "get", "--output=yaml"]).contains("kind: Repository"))

  // Blueprints to discover: istions v1 and v2, basens v1.
  _ = try ok(["rpkg", "init", "istions", "--repository", "blueprints", "--workspace", "v1"])
  _ = try ok(["rpkg", "propose", "blueprints.istions.v1"])
  _ = try ok(["rpkg", "approve", "blueprints.istions.v1"])
  _ = try ok(["rpkg", "copy", "blueprints.istions.v1", "--workspace", "v2"])
  _ = try ok(["rpkg", "propose", "blueprints.istions.v2"])
  _ = try ok(["rpkg", "approve", "blueprints.istions.v2"])
  _ = try ok(["rpkg", "init", "basens", "--repository", "blueprints", "--workspace", "v1"])
  _ = try ok(["rpkg", "propose", "blueprints.basens.v1"])
  _ = try ok(["rpkg", "approve", "blueprints.basens.v1"])

  // Discovery and introspection.
  let listing = try ok(["rpkg", "get"])
  #expect(listing.contains("blueprints.istions.v2"))
  #expect(
    try ok(["rpkg", "get", "--name", "istions", "--revision=v2"]).split(separator: "\n").count
      == 2)
  let object = try ok(["rpkg", "get", "blueprints.istions.v2", "-ndefault", "-oyaml"])
  #expect(object.contains("kpt.dev/latest-revision: \"true\""))
  #expect(object.contains("packageName: istions") && object.contains("revision: 2"))
  #expect(
    try ok(["rpkg", "pull", "blueprints.istions.v2", "-ndefault"]).hasPrefix(
      "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"))
  _ = try ok(["rpkg", "pull", "blueprints.istions.v2", work + "/istions", "-ndefault"])
  #expect(
    Set(tree(work + "/istions").keys)
      == ["Kptfile", "README.md", "package-context.yaml", ".KptRevisionMetadata"])

  // Authoring: init, clone from a registered revision and from a git URL, edit.
  #expect(
    try ok([
      "rpkg", "init", "new-package", "--repository=deployments", "--revision=v1", "-ndefault",
    ]) == "deployments.new-package.v1 created\n")
  #expect(
    try ok([
      "rpkg", "clone", "blueprints.istions.v2", "istions-clone", "--repository=deployments",
      "-ndefault",
    ]) == "deployments.istions-clone.v1 created\n")
  #expect(
    try ok([
      "rpkg", "clone", upstream, "cloned-bucket", "--directory=catalog/bucket", "--ref=main",
      "--repository=deployments", "--namespace=default",
    ]) == "deployments.cloned-bucket.v1 created\n")
  #expect(
    try ok([
      "rpkg", "edit", "blueprints.istions.v2", "istions", "--repository=blueprints",
      "--revision=v3", "-ndefault",
    ]) == "blueprints.istions.v3 created\n")
  #expect(try ok(["rpkg", "get", "blueprints.istions.v3", "-ndefault"]).contains("Draft"))

  // What the clones hold: upstream and lock, merge keys, the deployment's package context.
  let clone = work + "/istions-clone"
  _ = try ok(["rpkg", "pull", "deployments.istions-clone.v1", clone])
  let kptfile = try String(contentsOfFile: clone + "/Kptfile", encoding: .utf8)
  let tagCommit = try git(["-C", work + "/blueprints.git", "rev-parse", "istions/v2^{commit}"])
  // The Kptfile itself gets no merge key, as kpt leaves it.
  #expect(kptfile.contains("metadata:\n  name: istions-clone\n"))
  #expect(
    kptfile.contains(
      """
      upstream:
        type: git
        git:
          repo: \(work)/blueprints.git
          directory: istions
          ref: istions/v2
      upstreamLock:
        type: git
        git:
          repo: \(work)/blueprints.git
          directory: istions
          ref: istions/v2
          commit: \(tagCommit)
      """))
  let context = try String(contentsOfFile: clone + "/package-context.yaml", encoding: .utf8)
  #expect(context.contains("  name: istions-clone\n  package-path: istions-clone\n"))
  #expect(
    context.contains("internal.kpt.dev/upstream-identifier: '|ConfigMap|default|kptfile.kpt.dev'"))
  #expect(
    try git([
      "-C", work + "/deployments.git", "log", "-1", "--format=%B", "drafts/istions-clone/v1",
    ])
      == "Creating new revision by cloning\n\n\nkpt:{\"package\":\"istions-clone\",\"workspaceName\":\"v1\",\"revision\":\"0\",\"task\":{\"type\":\"clone\",\"clone\":{\"upstreamRef\":{\"upstreamRef\":{\"name\":\"blueprints.istions.v2\"}}}}}\n\n"
  )
  let bucket = work + "/bucket"
  _ = try ok(["rpkg", "pull", "deployments.cloned-bucket.v1", bucket])
  let bucketYAML = try String(contentsOfFile: bucket + "/bucket.yaml", encoding: .utf8)
  #expect(
    bucketYAML == """
      apiVersion: storage.cnrm.cloud.google.com/v1beta1
      kind: StorageBucket
      metadata: # kpt-merge: config-control/my-bucket
        name: my-bucket # kpt-set: ${name}
        namespace: config-control
        annotations:
          internal.kpt.dev/upstream-identifier: 'storage.cnrm.cloud.google.com|StorageBucket|config-control|my-bucket'

      """)
  let bucketKptfile = try String(contentsOfFile: bucket + "/Kptfile", encoding: .utf8)
  let mainCommit = try git(["-C", upstream, "rev-parse", "main"])
  #expect(
    bucketKptfile.contains(
      "    repo: \(upstream).git\n    directory: catalog/bucket\n    ref: main\n"))
  #expect(bucketKptfile.contains("    commit: \(mainCommit)"))
  #expect(bucketKptfile.contains("info:\n  description: A bucket\n"))

  // Push a ConfigMap into the new package, and read it back.
  let newPackage = work + "/new-package"
  _ = try ok(["rpkg", "pull", "deployments.new-package.v1", newPackage, "-ndefault"])
  try """
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: example-config-map
  data:
    color: orange

  """.write(toFile: newPackage + "/config-map.yaml", atomically: false, encoding: .utf8)
  #expect(
    try ok(["rpkg", "push", "deployments.new-package.v1", newPackage, "-ndefault"])
      == "deployments.new-package.v1 pushed\n")
  #expect(
    try ok(["rpkg", "pull", "deployments.new-package.v1", "-ndefault"]).contains(
      "    name: example-config-map\n"))

  // Delete the edit draft.
  #expect(
    try ok(["rpkg", "del", "blueprints.istions.v3", "-ndefault"])
      == "blueprints.istions.v3 deleted\n")

  // The approval flow: propose two, approve one, reject the other.
  #expect(
    try ok([
      "rpkg", "propose", "deployments.istions-clone.v1", "deployments.new-package.v1", "-ndefault",
    ])
      == "deployments.istions-clone.v1 proposed\ndeployments.new-package.v1 proposed\n")
  #expect(
    try ok(["rpkg", "approve", "deployments.istions-clone.v1", "-ndefault"])
      == "deployments.istions-clone.v1 approved\n")
  #expect(
    try ok(["rpkg", "reject", "deployments.new-package.v1", "-ndefault"])
      == "deployments.new-package.v1 no longer proposed for approval\n")
  let final = try ok(["rpkg", "get"])
  for (name, expected) in [
    ("deployments.cloned-bucket.v1", "0          false    Draft       deployments"),
    ("deployments.istions-clone.v1", "1          true     Published   deployments"),
    ("deployments.new-package.v1", "0          false    Draft       deployments"),
  ] {
    let line = final.split(separator: "\n").first { $0.hasPrefix(name + " ") }
    #expect(line?.hasSuffix(expected) == true, "\(name): \(line ?? "missing")")
  }
  #expect(
    try git(["-C", work + "/deployments.git", "for-each-ref", "--format=%(refname)"])
      == """
      refs/heads/drafts/cloned-bucket/v1
      refs/heads/drafts/new-package/v1
      refs/heads/main
      refs/tags/istions-clone/v1

      """)

  // Several names, some failing: porchctl's per-name lines and its closing errors block.
  let mixed = try stoop(["rpkg", "approve", "deployments.new-package.v1", "deployments.nope.v1"])
  #expect(mixed.status != 0)
  #expect(
    mixed.err.contains(
      "deployments.new-package.v1 failed (cannot change approval from Draft to Published; propose it first: stoop rpkg propose deployments.new-package.v1)"
    ))
  #expect(
    mixed.err.contains(
      "Error: errors:\n  cannot change approval from Draft to Published; propose it first: stoop rpkg propose deployments.new-package.v1\n  "
    ))

  // Retiring a published revision: propose-delete, then del.
  #expect(
    try ok(["rpkg", "propose-delete", "deployments.istions-clone.v1"])
      == "deployments.istions-clone.v1 proposed for deletion\n")
  #expect(
    try ok(["rpkg", "del", "deployments.istions-clone.v1"])
      == "deployments.istions-clone.v1 deleted\n")
  #expect(
    try git(["-C", work + "/deployments.git", "for-each-ref", "--format=%(refname)", "refs/tags"])
      .isEmpty)
}

/// Bad clone sources get one line naming what is wrong, and nothing is written.
@Test func cloneRefusesBadSourcesAndWritesNothing() throws {
  let work = temporaryDirectory("clonebad")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let env = ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  func stoop(_ arguments: [String]) throws -> Run {
    try run(stoopBinary, arguments, environment: env)
  }
  #expect(try stoop(["repo", "register", remote, "--create-branch"]).status == 0)
  #expect(
    try stoop(["rpkg", "init", "base", "--repository", "blueprints", "--workspace", "v1"]).status
      == 0)
  #expect(try stoop(["rpkg", "propose", "blueprints.base.v1"]).status == 0)
  #expect(try stoop(["rpkg", "approve", "blueprints.base.v1"]).status == 0)
  let refsBefore = try run("/usr/bin/env", ["git", "-C", remote, "for-each-ref"]).stdout
  for (arguments, message) in [
    (["blueprints.base.main", "x"], "placeholder"),
    ([remote + "/base@v9", "x"], "unknown ref \"v9\""),
    ([remote, "x", "--directory", "nothere"], "path \"/nothere\" does not exist"),
    ([work + "/missing.git", "x"], "no git repository at"),
    (["blueprints.base.v1", "base"], "already exists"),
    (["blueprints.base.v1", "Bad_Name"], "invalid package name"),
    (["blueprints.nothing.v1", "x"], "not found"),
  ] {
    let result = try stoop(["rpkg", "clone"] + arguments + ["--repository", "blueprints"])
    #expect(result.status != 0, "\(arguments)")
    #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
  }
  // A strategy that does not exist is a usage error.
  let strategy = try stoop([
    "rpkg", "clone", "blueprints.base.v1", "x", "--strategy", "sideways", "--repository",
    "blueprints",
  ])
  #expect(
    strategy.status == 64 && strategy.stderr.contains("'sideways' is invalid for '--strategy"))
  #expect(try run("/usr/bin/env", ["git", "-C", remote, "for-each-ref"]).stdout == refsBefore)
}
