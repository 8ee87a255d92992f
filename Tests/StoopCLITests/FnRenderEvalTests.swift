import Foundation
import Testing

/// `fn render` and `fn eval` on real package directories, through the built binary.
@Suite struct FnRenderEvalTests {
  /// A package: root with a comment-rich resource, an untouched README and a file of
  /// documents no function changes, plus a subpackage with its own pipeline.
  func makePackage(mutators: String, extraFiles: [String: String] = [:]) throws -> String {
    let root = temporaryDirectory("render")
    let files: [String: String] =
      [
        "Kptfile": """
        apiVersion: kpt.dev/v1
        kind: Kptfile
        metadata:
          name: app # the package
        pipeline:
          mutators:
        \(mutators)

        """,
        "deploy.yaml": """
        # the web tier
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web   # keep this comment
        spec:
          replicas: 3
          template:
            spec:
              containers:
                - name: web
                  image: nginx:1.20
        """ + "\n",
        "cluster.yaml": """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: reader}
        rules: []
        """ + "\n",
        "README.md": "not yaml: [\n",
        "db/Kptfile": """
        apiVersion: kpt.dev/v1
        kind: Kptfile
        metadata:
          name: db
        pipeline:
          mutators:
            - image: set-labels:v0.1.5
              configMap:
                tier: db
        """ + "\n",
        "db/db.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: db-config
        data:
          size: "10"
        """ + "\n",
      ].merging(extraFiles) { $1 }
    for (path, text) in files {
      let url = URL(fileURLWithPath: root + "/" + path)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
    return root
  }

  func text(_ path: String) -> String {
    String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
  }

  @Test func renderRunsSubpackagesFirstAndRewritesOnlyChangedDocuments() throws {
    let root = try makePackage(
      mutators: """
            - image: gcr.io/kpt-fn/set-namespace:v0.4.1
              configMap:
                namespace: prod
        """)
    defer { try? FileManager.default.removeItem(atPath: root) }
    let before = tree(root)
    let result = try run(
      stoopBinary, ["fn", "render", root, "--results-dir", root + "/../res-\(UUID())"])
    #expect(result.status == 0, "\(result.stderr)")
    let name = URL(fileURLWithPath: root).lastPathComponent
    // The subpackage's header comes before its parent's.
    let subpackage = try #require(result.stderr.range(of: "Package \"\(name)/db\": \n"))
    let parent = try #require(result.stderr.range(of: "Package \"\(name)\": \n"))
    #expect(subpackage.lowerBound < parent.lowerBound)
    #expect(result.stderr.contains("Successfully executed 2 function(s) in 2 package(s)."))
    #expect(
      result.stderr.contains(
        "[info]: namespace \"default\" updated to \"prod\", 2 value(s) changed"))

    // The changed document keeps its comments; its wide list indentation is kept.
    #expect(
      text(root + "/deploy.yaml") == """
        # the web tier
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web # keep this comment
          namespace: prod
        spec:
          replicas: 3
          template:
            spec:
              containers:
                - name: web
                  image: nginx:1.20

        """)
    // The parent's function saw the subpackage's output: both labelled and namespaced.
    #expect(
      text(root + "/db/db.yaml") == """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: db-config
          labels:
            tier: db
          namespace: prod
        data:
          size: "10"

        """)
    // Cluster-scoped, unknown-scope (the Kptfile) and non-KRM files are untouched, byte for byte.
    let after = tree(root)
    for path in ["cluster.yaml", "README.md", "Kptfile"] {
      #expect(after[path] == before[path], "\(path)")
    }

    // Rendering again changes nothing.
    let again = tree(root)
    #expect(try run(stoopBinary, ["fn", "render", root]).status == 0)
    #expect(tree(root) == again)
  }

  @Test func aFailingStepLeavesThePackageUntouchedAndRecordsResults() throws {
    let script = temporaryDirectory("fail") + ".sh"
    try Data("#!/bin/sh\ncat >/dev/null\necho 'bad thing' >&2\nexit 3\n".utf8).write(
      to: URL(fileURLWithPath: script))
    chmod(script, 0o755)
    defer { try? FileManager.default.removeItem(atPath: script) }
    let root = try makePackage(
      mutators: """
            - image: set-namespace:v0.1.3
              configMap:
                namespace: staging
            - exec: \(script)
        """)
    defer { try? FileManager.default.removeItem(atPath: root) }
    let before = tree(root)
    let refused = try run(stoopBinary, ["fn", "render", root])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("must run with `--allow-exec` option"))
    #expect(tree(root) == before)

    let results = temporaryDirectory("results")
    defer { try? FileManager.default.removeItem(atPath: results) }
    let failed = try run(
      stoopBinary, ["fn", "render", root, "--allow-exec", "--results-dir", results])
    #expect(failed.status == 1)
    #expect(failed.stderr.contains("[FAIL] \"\(script)\""))
    #expect(failed.stderr.contains("    \"bad thing\"\n"))
    #expect(failed.stderr.contains("  Exit code: 3\n"))
    #expect(tree(root) == before)
    let file = text(results + "/results.yaml")
    #expect(file.hasPrefix("apiVersion: kpt.dev/v1\nkind: FunctionResultList\n"))
    #expect(file.contains("exitCode: 1\nitems:\n"))
    #expect(file.contains("  - image: gcr.io/kpt-fn/set-namespace:v0.1.3\n    exitCode: 0\n"))
    #expect(file.contains("  - exec: \(script)\n    stderr: |\n      bad thing\n    exitCode: 3\n"))
  }

  @Test func aFunctionThatReturnsNothingCannotDeleteThePackage() throws {
    let script = temporaryDirectory("empty") + ".sh"
    try Data("#!/bin/sh\ncat >/dev/null\n".utf8).write(to: URL(fileURLWithPath: script))
    chmod(script, 0o755)
    defer { try? FileManager.default.removeItem(atPath: script) }
    let root = try makePackage(mutators: "    - exec: \(script)")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let before = tree(root)
    let result = try run(stoopBinary, ["fn", "render", root, "--allow-exec"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("removed the Kptfile"))
    #expect(tree(root) == before)
  }

  @Test func execFunctionsSeeKptsResourceListAndKeepComments() throws {
    // A function that renames every `web` to `site` with sed: the output is re-parsed and the
    // documents' comments come back.
    let script = temporaryDirectory("sed") + ".sh"
    try Data("#!/bin/sh\nsed -e 's/name: web$/name: site/'\n".utf8).write(
      to: URL(fileURLWithPath: script))
    chmod(script, 0o755)
    defer { try? FileManager.default.removeItem(atPath: script) }
    let root = try makePackage(mutators: "    - exec: \(script)")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let result = try run(stoopBinary, ["fn", "render", root, "--allow-exec"])
    #expect(result.status == 0, "\(result.stderr)")
    let deploy = text(root + "/deploy.yaml")
    #expect(deploy.hasPrefix("# the web tier\napiVersion: apps/v1\n"))
    #expect(deploy.contains("  - name: site\n"))
  }

  @Test func selectorsLimitAStepToTheResourcesTheyMatch() throws {
    let root = try makePackage(
      mutators: """
            - image: set-annotations:v0.1.4
              configMap:
                owner: team-a
              selectors:
                - kind: ConfigMap
                - name: db-config
              exclude:
                - kind: Kptfile
        """)
    defer { try? FileManager.default.removeItem(atPath: root) }
    let before = tree(root)
    let result = try run(stoopBinary, ["fn", "render", root])
    #expect(result.status == 0, "\(result.stderr)")
    // Matched by two selectors, sent once (kpt b56 fails with a duplicate here).
    #expect(
      result.stderr.contains("[RUNNING] \"gcr.io/kpt-fn/set-annotations:v0.1.4\" on 1 resource(s)"))
    #expect(text(root + "/db/db.yaml").contains("  annotations:\n    owner: team-a\n"))
    #expect(tree(root)["deploy.yaml"] == before["deploy.yaml"])
  }

  @Test func evalChainsThroughStdinAndLeavesOtherDocumentsAsTheyWere() throws {
    let root = try makePackage(mutators: "    []")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let source = try run(stoopBinary, ["fn", "source", root])
    #expect(source.status == 0)
    let labelled = try run(
      stoopBinary,
      ["fn", "eval", "-", "-i", "set-labels:v0.2", "--match-kind", "ConfigMap", "--", "app=web"],
      input: source.stdout)
    #expect(labelled.status == 0, "\(labelled.stderr)")
    #expect(labelled.stderr.contains("[info]: set 1 labels in total"))
    let out = temporaryDirectory("sink")
    defer { try? FileManager.default.removeItem(atPath: out) }
    #expect(try run(stoopBinary, ["fn", "sink", out], input: labelled.stdout).status == 0)
    let before = tree(root)
    let after = tree(out)
    for path in ["deploy.yaml", "cluster.yaml", "Kptfile", "db/Kptfile"] {
      #expect(after[path] == before[path], "\(path)")
    }
    #expect(text(out + "/db/db.yaml").contains("  labels:\n    app: web\n"))
  }

  @Test func evalSavesTheFunctionIntoTheKptfile() throws {
    let root = try makePackage(mutators: "    []")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let result = try run(
      stoopBinary,
      [
        "fn", "eval", root, "-s", "-t", "mutator", "-i", "set-namespace:v0.4.1", "--",
        "namespace=qa",
      ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "Added \"gcr.io/kpt-fn/set-namespace:v0.4.1\" as mutator in the Kptfile."))
    let kptfile = text(root + "/Kptfile")
    #expect(
      kptfile.hasSuffix(
        "pipeline:\n  mutators:\n    - image: gcr.io/kpt-fn/set-namespace:v0.4.1\n      configMap:\n        namespace: qa\n"
      ))
    #expect(text(root + "/deploy.yaml").contains("  namespace: qa\n"))
  }

  @Test func badInputGetsOneLineAndTheDocumentedExitCode() throws {
    let root = try makePackage(mutators: "    - image: example.com/not-a-builtin:v1")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let before = tree(root)
    let unknown = try run(
      stoopBinary, ["fn", "render", root], environment: ["PATH": "/nonexistent"])
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("\"example.com/not-a-builtin:v1\" is not built into stoop"))
    #expect(tree(root) == before)

    let neither = try run(stoopBinary, ["fn", "eval", root])
    #expect(neither.status == 1)
    #expect(neither.stderr.contains("must specify --image or --exec"))
    let both = try run(
      stoopBinary,
      ["fn", "eval", root, "-i", "set-labels", "--fn-config", root + "/db/db.yaml", "--", "a=b"])
    #expect(
      both.stderr.contains("function arguments can only be specified without function config file"))
    let missing = try run(stoopBinary, ["fn", "eval", root, "--exec", root + "/nope.sh"])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("does not exist"))
    let labels = try run(stoopBinary, ["fn", "eval", root, "-i", "set-labels:v0.1.5"])
    #expect(labels.status == 1)
    #expect(
      labels.stderr.contains("failed to configure function: input label list cannot be empty"))
    // An imperative run whose selectors match nothing is refused; a pipeline step only warns.
    let nothing = try run(
      stoopBinary, ["fn", "eval", root, "-i", "set-labels", "--match-kind", "Job", "--", "a=b"])
    #expect(nothing.status == 1)
    #expect(
      nothing.stderr
        == "Error: the selectors of \"gcr.io/kpt-fn/set-labels\" match no resource; nothing was run (check the --match-* and --exclude-* flags)\n"
    )
    #expect(tree(root) == before)
  }

  @Test func aPipelineStepWhoseSelectorsMatchNothingWarns() throws {
    let root = try makePackage(
      mutators: """
            - image: set-labels:v0.2.0
              configMap:
                a: b
              selectors:
                - kind: Job
        """)
    defer { try? FileManager.default.removeItem(atPath: root) }
    let result = try run(stoopBinary, ["fn", "render", root])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "[WARN] the selectors of \"gcr.io/kpt-fn/set-labels:v0.2.0\" match no resource in package \".\"\n"
      ))
  }

  @Test func listAndDocDescribeTheBuiltins() throws {
    let list = try run(stoopBinary, ["fn", "list"])
    let names = String(decoding: list.stdout, as: UTF8.self)
    for name in [
      "apply-replacements", "search-replace", "set-annotations", "set-image", "set-labels",
      "set-namespace", "upsert-resource",
    ] {
      #expect(names.contains(name + " "))
    }
    let doc = try run(stoopBinary, ["fn", "doc", "gcr.io/kpt-fn/set-image:v0.1.1"])
    #expect(doc.status == 0)
    #expect(String(decoding: doc.stdout, as: UTF8.self).contains("kept"))
    #expect(try run(stoopBinary, ["fn", "doc", "nope"]).status == 1)
  }
}

/// The pipeline the README promises: pull a draft, change it with a function, push it back.
@Test func pullEvalPushChangesADraftThroughAPipe() throws {
  let work = temporaryDirectory("pipe")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let env = ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  #expect(
    try run(stoopBinary, ["repo", "register", remote, "--create-branch"], environment: env).status
      == 0)
  #expect(
    try run(
      stoopBinary, ["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"],
      environment: env
    ).status == 0)
  let deployment = Array(
    """
    apiVersion: config.kubernetes.io/v1
    kind: ResourceList
    items:
    - apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        annotations:
          config.kubernetes.io/path: web.yaml
      spec:
        replicas: 1

    """.utf8)
  let pulled = try run(stoopBinary, ["rpkg", "pull", "blueprints.app.v1"], environment: env)
  #expect(pulled.status == 0)
  // Add a file to the pulled list, then label everything that is not local configuration.
  var list = String(decoding: pulled.stdout, as: UTF8.self)
  list += String(decoding: deployment, as: UTF8.self).components(separatedBy: "items:\n")[1]
  let labelled = try run(
    stoopBinary, ["fn", "eval", "-", "-i", "set-labels", "--", "app=web"], input: Array(list.utf8),
    environment: env)
  #expect(labelled.status == 0, "\(labelled.stderr)")
  let pushed = try run(
    stoopBinary, ["rpkg", "push", "blueprints.app.v1", "-"], input: labelled.stdout,
    environment: env)
  #expect(pushed.status == 0, "\(pushed.stderr)")
  let file = String(
    decoding: try run("/usr/bin/env", ["git", "-C", remote, "show", "drafts/app/v1:app/web.yaml"])
      .stdout, as: UTF8.self)
  #expect(file.contains("  labels:\n    app: web\n"))
  #expect(file.contains("  replicas: 1\n"))
}
