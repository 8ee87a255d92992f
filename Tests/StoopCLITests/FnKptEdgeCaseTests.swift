import Foundation
import Testing

/// kpt's behaviour at the edges of `fn render` and `fn eval`, each case laid out as kpt's e2e
/// cases are: a package, a command, the exact stderr and exit code, and what changed on disk.
/// The expected texts were taken from kpt 1.0.0-beta.56 running the same packages with the same
/// exec functions.
@Suite struct FnKptEdgeCaseTests {
  static let configMap = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: cm
    data:
      a: b

    """

  /// A package with `files` (a value starting with `-> ` makes a symbolic link) and three exec
  /// functions beside it: `id.sh` (returns its input), `fail.sh` (exit 3), `args.sh` (prints
  /// its arguments on stderr) and `config.sh` (copies its input to stderr).
  struct Case {
    let root: String
    let package: String

    init(_ files: [String: String]) throws {
      root = temporaryDirectory("edge")
      package = root + "/p"
      let scripts = [
        "id.sh": "#!/bin/sh\ncat\n",
        "fail.sh": "#!/bin/sh\necho oops >&2\nexit 3\n",
        "args.sh": "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\" >&2; done\ncat\n",
        "config.sh": "#!/bin/sh\ntee /dev/stderr\n",
      ]
      for (name, text) in scripts {
        try write(root + "/" + name, text)
        chmod(root + "/" + name, 0o755)
      }
      for (path, text) in files {
        let target =
          path.hasPrefix("{root}")
          ? path.replacingOccurrences(of: "{root}", with: root) : package + "/" + path
        if text.hasPrefix("-> ") {
          try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: target).deletingLastPathComponent().path,
            withIntermediateDirectories: true)
          try FileManager.default.createSymbolicLink(
            atPath: target,
            withDestinationPath: String(text.dropFirst(3)).replacingOccurrences(
              of: "{root}", with: root))
        } else {
          try write(target, text.replacingOccurrences(of: "{root}", with: root))
        }
      }
    }

    func write(_ path: String, _ text: String) throws {
      let url = URL(fileURLWithPath: path)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }

    /// Runs stoop in the package directory; stderr with the scratch root shown as `{root}` and
    /// durations as kpt's e2e harness rewrites them.
    func stoop(_ arguments: [String]) throws -> (status: Int32, stderr: String, stdout: String) {
      let result = try run(
        "/bin/sh",
        ["-c", "cd \"$0\" && exec \"$@\"", package, stoopBinary]
          + arguments.map { $0.replacingOccurrences(of: "{root}", with: root) })
      let stderr = result.stderr.replacingOccurrences(of: root, with: "{root}")
        .replacingOccurrences(
          of: #"in [0-9.]+m?s\n"#, with: "in 0s\n", options: .regularExpression)
      return (result.status, stderr, String(decoding: result.stdout, as: UTF8.self))
    }

    func text(_ path: String) -> String {
      String(
        decoding: FileManager.default.contents(atPath: package + "/" + path) ?? Data(),
        as: UTF8.self)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
  }

  static func kptfile(_ pipeline: String, name: String = "p") -> String {
    "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: \(name)\n" + pipeline
  }

  @Test func aDocumentThatIsNotKRMFailsTheFunctionThatWouldSeeIt() throws {
    let c = try Case([
      "Kptfile": Self.kptfile("pipeline:\n  mutators:\n    - exec: {root}/id.sh\n"),
      "cm.yaml": Self.configMap,
      "sub/Kptfile": Self.kptfile("", name: "sub"),
      "sub/notkrm.yaml": "foo: bar\n",
    ])
    defer { c.remove() }
    let before = tree(c.package)
    let render = try c.stoop(["fn", "render", "--allow-exec", "--results-dir", "{root}/res"])
    #expect(render.status == 1)
    // The subpackage has no pipeline, so its check fails before any function runs.
    #expect(
      render.stderr == """
        Package "p/sub": \nError: input resource list must contain only KRM resources: notkrm.yaml: resource must have `apiVersion` \n
        """)
    // No function started: kpt writes no results file.
    #expect(!FileManager.default.fileExists(atPath: c.root + "/res/results.yaml"))

    let eval = try c.stoop(["fn", "eval", "--exec", "{root}/id.sh"])
    #expect(eval.status == 1)
    #expect(
      eval.stderr == """
        [RUNNING] "{root}/id.sh"
        [FAIL] "{root}/id.sh" in 0s
        error: input resource list must contain only KRM resources: sub/notkrm.yaml: resource must have `apiVersion`

        """)
    #expect(tree(c.package) == before)

    // With a pipeline of its own, the subpackage's function is the one that fails.
    try c.write(
      c.package + "/sub/Kptfile",
      Self.kptfile("pipeline:\n  mutators:\n    - exec: \(c.root)/id.sh\n", name: "sub"))
    let piped = try c.stoop(["fn", "render", "--allow-exec", "--results-dir", "{root}/res"])
    #expect(piped.status == 1)
    #expect(
      piped.stderr == """
        Package "p/sub": 
        [RUNNING] "{root}/id.sh"
        [FAIL] "{root}/id.sh" in 0s
        For complete results, see {root}/res/results.yaml
        Error: input resource list must contain only KRM resources: notkrm.yaml: resource must have `apiVersion` \n
        """)
    let results = String(
      decoding: FileManager.default.contents(atPath: c.root + "/res/results.yaml") ?? Data(),
      as: UTF8.self)
    #expect(results.contains("exitCode: 0\n") && !results.contains("items:"))
    // A kustomization is exempt, by file name or by API group.
    try FileManager.default.removeItem(atPath: c.package + "/sub/notkrm.yaml")
    try c.write(c.package + "/sub/kustomization.yaml", "resources:\n  - a.yaml\n")
    #expect(try c.stoop(["fn", "render", "--allow-exec"]).status == 0)
  }

  @Test func functionConfigProblemsAreReportedAsKptReportsThem() throws {
    let cases: [(config: String, reason: String)] = [
      ("foo: bar\n", #"functionConfig "cfg.yaml": resource must have `apiVersion`"#),
      (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: x\n",
        #"functionConfig "cfg.yaml": resource must have `metadata.name`"#
      ),
      ("- a\n- b\n", #"functionConfig "cfg.yaml": resource must have `apiVersion`"#),
      (
        Self.configMap + "---\n" + Self.configMap,
        #"functionConfig "cfg.yaml" must not contain more than one config, got 2"#
      ),
      (
        "a: [\n",
        #"failed to read functionConfig "cfg.yaml": MalformedYAMLError: yaml: line 1: did not find expected node content"#
      ),
    ]
    for (config, reason) in cases {
      let c = try Case([
        "Kptfile": Self.kptfile(
          "pipeline:\n  mutators:\n    - exec: {root}/id.sh\n      configPath: cfg.yaml\n"),
        "cm.yaml": Self.configMap,
        "cfg.yaml": config,
      ])
      defer { c.remove() }
      let before = tree(c.package)
      let result = try c.stoop(["fn", "render", "--allow-exec"])
      #expect(result.status == 1)
      #expect(
        result.stderr == """
          Kptfile is invalid:
          Field: `pipeline.mutators[0].configPath`
          Value: "cfg.yaml"
          Reason: \(reason)
           \n
          """)
      #expect(tree(c.package) == before)
    }
  }

  @Test func pipelineEntriesAreCheckedBeforeAnythingRuns() throws {
    let cases: [(entries: String, report: String)] = [
      (
        "    - configMap:\n        a: b\n",
        "Field: `pipeline.mutators[0]`\nReason: must specify a functon (`image` or `exec`) to execute"
      ),
      (
        "    - exec: x\n      image: y\n",
        "Field: `pipeline.mutators[0]`\nReason: must not specify both `image` and `exec` at the same time"
      ),
      (
        "    - image: Foo/Bar\n",
        "Field: `pipeline.mutators[0].image`\nValue: \"Foo/Bar\"\nReason: function name \"Foo/Bar\" is invalid"
      ),
      (
        "    - exec: {root}/id.sh\n      configPath: a/../cm.yaml\n    - exec: {root}/id.sh\n      configPath: \"  \"\n",
        "Field: `pipeline.mutators[1].configPath`\nValue: \"  \"\nReason: path must not be empty"
      ),
      (
        "    - exec: {root}/id.sh\n      configPath: ../cm.yaml\n",
        "Field: `pipeline.mutators[0].configPath`\nValue: \"../cm.yaml\"\nReason: path must not be outside the package"
      ),
      (
        "    - exec: {root}/id.sh\n      configPath: nope.yaml\n",
        "Field: `pipeline.mutators[0].configPath`\nValue: \"nope.yaml\"\nReason: functionConfig must exist in the current package"
      ),
    ]
    for (entries, report) in cases {
      let c = try Case([
        "Kptfile": Self.kptfile("pipeline:\n  mutators:\n" + entries),
        "cm.yaml": Self.configMap,
      ])
      defer { c.remove() }
      let result = try c.stoop(["fn", "render", "--allow-exec"])
      #expect(result.status == 1)
      // No `Package` line: the Kptfile is checked when the package is loaded.
      #expect(result.stderr == "Kptfile is invalid:\n" + report + "\n \n")
    }
  }

  @Test func kptfileDecodingErrorsComeAsGoYAMLWordsThem() throws {
    let c = try Case([
      "Kptfile": Self.kptfile(
        "foo: bar\npipeline:\n  mutators:\n    - exec: {root}/id.sh\n      bogus: 1\n"),
      "cm.yaml": Self.configMap,
    ])
    defer { c.remove() }
    let result = try c.stoop(["fn", "render", "--allow-exec"])
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        Error: Kptfile at "{root}/p" can't be read.

        Details:
        yaml: unmarshal errors:
          line 5: field foo not found in type v1.KptFile
          line 9: field bogus not found in type v1.Function \n
        """)
    try c.write(
      c.package + "/Kptfile", "apiVersion: kpt.dev/v2\nkind: Kptfile\nmetadata:\n  name: p\n")
    #expect(
      try c.stoop(["fn", "render"]).stderr
        == "Error: Kptfile at \"{root}/p\" has an unknown resource type (\"kpt.dev/v2, Kind=Kptfile\"). \n"
    )
    // A resource that does not parse is named with go-yaml's line.
    try c.write(c.package + "/Kptfile", Self.kptfile(""))
    try c.write(c.package + "/bad.yaml", "a: b\n  c: d\n")
    #expect(
      try c.stoop(["fn", "render"]).stderr
        == "Error: {root}/p/bad.yaml: MalformedYAMLError: yaml: line 2: mapping values are not allowed in this context \n"
    )
  }

  @Test func symbolicLinksToFilesAreReadAndWrittenThroughInsideThePackage() throws {
    let c = try Case([
      "Kptfile": Self.kptfile(
        "pipeline:\n  mutators:\n    - image: set-labels:v0.1.5\n      configPath: link.yaml\n"),
      "cm.yaml": Self.configMap,
      "fn-config.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: labels\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\ndata:\n  app: web\n",
      "link.yaml": "-> fn-config.yaml",
      "alias.yaml": "-> cm.yaml",
      "dir": "-> {root}/elsewhere",
      "{root}/elsewhere/x.yaml": Self.configMap,
    ])
    defer { c.remove() }
    let result = try c.stoop(["fn", "render"])
    #expect(result.status == 0, "\(result.stderr)")
    // The link is still a link, and the file it names was changed (once, as both names carry the
    // same change); the linked directory was not walked.
    #expect(
      (try? FileManager.default.destinationOfSymbolicLink(atPath: c.package + "/alias.yaml"))
        == "cm.yaml")
    #expect(c.text("cm.yaml").contains("labels:\n    app: web\n"))
    #expect(!c.text("../elsewhere/x.yaml").contains("app: web"))

    // A link that would take a write outside the package is refused, and nothing is written.
    let outside = try Case([
      "Kptfile": Self.kptfile(
        "pipeline:\n  mutators:\n    - image: set-labels:v0.1.5\n      configMap:\n        app: web\n"
      ),
      "cm.yaml": Self.configMap,
      "out.yaml": "-> {root}/elsewhere/x.yaml",
      "{root}/elsewhere/x.yaml": Self.configMap,
    ])
    defer { outside.remove() }
    let refused = try outside.stoop(["fn", "render"])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("cannot write \"out.yaml\": a symbolic link takes it to"))
    #expect(outside.text("cm.yaml") == Self.configMap)
    #expect(outside.text("out.yaml") == Self.configMap)

    // A dangling link is an error, as kpt's reader makes it.
    try FileManager.default.createSymbolicLink(
      atPath: outside.package + "/gone.yaml", withDestinationPath: "/nonexistent.yaml")
    let dangling = try outside.stoop(["fn", "eval", "--exec", "{root}/id.sh"])
    #expect(dangling.status == 1)
    #expect(dangling.stderr.contains("gone.yaml"))
  }

  @Test func execCommandsSplitAsKptSplitsThem() throws {
    let c = try Case([
      "Kptfile": Self.kptfile(
        "pipeline:\n  mutators:\n    - exec: \"{root}/args.sh 'a b' c\\\"d e\\\" f\\\\ g h#i #j\"\n"
      ),
      "cm.yaml": Self.configMap,
    ])
    defer { c.remove() }
    let result = try c.stoop(["fn", "render", "--allow-exec", "--truncate-output=false"])
    #expect(result.status == 0)
    #expect(
      result.stderr == """
        Package "p": 
        [RUNNING] "{root}/args.sh 'a b' c\\"d e\\" f\\\\ g h#i #j"
        [PASS] "{root}/args.sh 'a b' c\\"d e\\" f\\\\ g h#i #j" in 0s
          Stderr:
            "[a b]"
            "[cd e]"
            "[f g]"
            "[h#i]"
            ""

        Successfully executed 1 function(s) in 1 package(s).

        """)
    try c.write(
      c.package + "/Kptfile",
      Self.kptfile(
        "pipeline:\n  mutators:\n    - exec: \"{root}/args.sh 'open\"\n".replacingOccurrences(
          of: "{root}", with: c.root)))
    let open = try c.stoop(["fn", "render", "--allow-exec"])
    #expect(
      open.stderr.hasSuffix(
        "Error: exec command \"{root}/args.sh 'open\" must be valid: EOF found when expecting closing quote \n"
      ))
    let missing = try c.stoop(["fn", "eval", "--exec", "{root}/nope.sh"])
    #expect(missing.status == 1)
    #expect(
      missing.stderr == """
        [RUNNING] "{root}/nope.sh"
        [FAIL] "{root}/nope.sh" in 0s
        error: unexpected function error: fork/exec {root}/nope.sh: no such file or directory

        """)
  }

  @Test func aFailedFunctionSaysSoInItsBlockAndNothingIsWritten() throws {
    let c = try Case([
      "Kptfile": Self.kptfile(
        "pipeline:\n  mutators:\n    - exec: {root}/id.sh\n  validators:\n    - exec: {root}/fail.sh\n"
      ),
      "cm.yaml": Self.configMap,
    ])
    defer { c.remove() }
    let before = tree(c.package)
    let render = try c.stoop(["fn", "render", "--allow-exec", "--results-dir", "{root}/res"])
    // A failed validator exits 5 (stoop's code for validation); kpt exits 1.
    #expect(render.status == 5)
    #expect(
      render.stderr == """
        Package "p": 
        [RUNNING] "{root}/id.sh"
        [PASS] "{root}/id.sh" in 0s
        [RUNNING] "{root}/fail.sh"
        [FAIL] "{root}/fail.sh" in 0s
          Stderr:
            "oops"
            ""
          Exit code: 3

        For complete results, see {root}/res/results.yaml

        """)
    #expect(
      String(
        decoding: FileManager.default.contents(atPath: c.root + "/res/results.yaml") ?? Data(),
        as: UTF8.self)
          == """
          apiVersion: kpt.dev/v1
          kind: FunctionResultList
          metadata:
            name: fnresults
          exitCode: 1
          items:
            - exec: {root}/id.sh
              exitCode: 0
            - exec: {root}/fail.sh
              stderr: |
                oops
              exitCode: 3

          """.replacingOccurrences(of: "{root}", with: c.root))
    let eval = try c.stoop([
      "fn", "eval", "--exec", "{root}/fail.sh", "--results-dir", "{root}/res2", "-s", "-t",
      "mutator",
    ])
    #expect(eval.status == 1)
    #expect(
      eval.stderr == """
        [RUNNING] "{root}/fail.sh"
        [FAIL] "{root}/fail.sh" in 0s
          Stderr:
            "oops"
            ""
          Exit code: 3


        For complete results, see {root}/res2/results.yaml

        """)
    // --save with a failed function leaves the Kptfile alone.
    #expect(tree(c.package) == before)
  }

  @Test func evalSendsAConfigMapEvenWithoutArgumentsAndSaveRewritesAsKpt() throws {
    let c = try Case([
      "Kptfile": """
      # top comment
      apiVersion: kpt.dev/v1
      kind: Kptfile
      metadata: # meta
        name: p
        annotations:
          config.kubernetes.io/local-config: "true"
      info:
        description: "hello"
      pipeline:
        validators:
        - exec: "{root}/id.sh"  # trailing

      """,
      "cm.yaml": Self.configMap,
    ])
    defer { c.remove() }
    let seen = try c.stoop(["fn", "eval", "--exec", "{root}/config.sh", "--truncate-output=false"])
    #expect(seen.stderr.contains(#""functionConfig:""#))
    #expect(seen.stderr.contains(#""  data: {}""#))
    let saved = try c.stoop(["fn", "eval", "--exec", "{root}/id.sh a b", "-s", "-t", "mutator"])
    #expect(saved.status == 0)
    #expect(saved.stderr.hasSuffix("Added \"{root}/id.sh a b\" as mutator in the Kptfile.\n"))
    #expect(
      c.text("Kptfile")
        == """
        # top comment
        apiVersion: kpt.dev/v1
        kind: Kptfile
        metadata: # meta
          name: p
          annotations:
            config.kubernetes.io/local-config: "true"
        info:
          description: hello
        pipeline:
          validators:
            - exec: {root}/id.sh # trailing
          mutators:
            - exec: {root}/id.sh a b

        """.replacingOccurrences(of: "{root}", with: c.root))
  }

  @Test func evalConfigFilesSymlinkedPathsAndSavingWithoutAKptfile() throws {
    let c = try Case([
      "cm.yaml": Self.configMap,
      "{root}/scalar.yaml": "# a comment\nI am not a config\n",
      "{root}/two.yaml": Self.configMap + "---\n" + Self.configMap,
    ])
    defer { c.remove() }
    let scalar = try c.stoop([
      "fn", "eval", "--exec", "{root}/id.sh", "--fn-config", "{root}/scalar.yaml",
    ])
    #expect(scalar.status == 1)
    #expect(
      scalar.stderr
        == "error: failed to read functionConfig \"{root}/scalar.yaml\": wrong node kind: expected MappingNode but got ScalarNode: node contents:\nI am not a config\n"
    )
    let two = try c.stoop([
      "fn", "eval", "--exec", "{root}/id.sh", "--fn-config", "{root}/two.yaml",
    ])
    #expect(
      two.stderr
        == "error: functionConfig \"{root}/two.yaml\" must not contain more than one config, got 2\n"
    )
    #expect(
      try c.stoop(["fn", "eval", "--exec", "{root}/id.sh", "--fn-config", "gone.yaml"]).stderr
        == "error: missing function config file: gone.yaml\n")

    // A package named through a link is resolved with kpt's warning.
    try FileManager.default.createSymbolicLink(
      atPath: c.package + "/here", withDestinationPath: ".")
    let linked = try c.stoop(["fn", "eval", "here", "--exec", "{root}/id.sh"])
    #expect(linked.status == 0)
    #expect(
      linked.stderr.hasPrefix(
        "[WARN] resolved symlink \"here\" to \".\", please note that the symlinks within the package are ignored\n"
      ))

    // --save with no Kptfile: the function's changes stay, the function is not saved.
    let saved = try c.stoop([
      "fn", "eval", "-s", "-t", "mutator", "-i", "set-namespace:v0.4.1", "--", "namespace=qa",
    ])
    #expect(saved.status == 0)
    #expect(saved.stderr.hasSuffix("function not added: Kptfile not exists\n"))
    #expect(c.text("cm.yaml").contains("namespace: qa"))
  }

  @Test func aConfigPathIntoASubpackageIsNotThePackagesOwn() throws {
    let c = try Case([
      "Kptfile": Self.kptfile(
        "pipeline:\n  mutators:\n    - exec: {root}/id.sh\n      configPath: db/cfg.yaml\n"),
      "db/Kptfile": Self.kptfile("", name: "db"),
      "db/cfg.yaml": Self.configMap,
    ])
    defer { c.remove() }
    let result = try c.stoop(["fn", "render", "--allow-exec"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("Reason: functionConfig must exist in the current package\n"))
  }

  @Test func execOutputKeepsTheFilesSequenceIndentation() throws {
    let c = try Case([
      "Kptfile": Self.kptfile("pipeline:\n  mutators:\n    - exec: \"sed -e 's/foo/bar/'\"\n"),
      "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: foo\nlist:\n  - a\n",
    ])
    defer { c.remove() }
    #expect(try c.stoop(["fn", "render", "--allow-exec"]).status == 0)
    // sed rewrote both documents; each is written back with its own wide indentation.
    #expect(c.text("Kptfile").hasSuffix("  mutators:\n    - exec: \"sed -e 's/bar/bar/'\"\n"))
    #expect(
      c.text("cm.yaml")
        == "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bar\nlist:\n  - a\n")
  }

  @Test func resultsKeepEveryFieldKptRecords() throws {
    let c = try Case([
      "cm.yaml": Self.configMap,
      "{root}/results.sh": """
      #!/bin/sh
      cat >/dev/null
      cat <<'END'
      apiVersion: config.kubernetes.io/v1
      kind: ResourceList
      items: []
      results:
        - message: bad thing
          severity: error
          resourceRef: {apiVersion: v1, kind: ConfigMap, name: cm, namespace: ns}
          field: {path: data.a, currentValue: b, proposedValue: [c, d]}
          file: {path: cm.yaml, index: 0}
        - message: 'tagged: yes'
          tags: {x: y, a: "1.0"}
      END

      """,
    ])
    defer { c.remove() }
    chmod(c.root + "/results.sh", 0o755)
    let result = try c.stoop([
      "fn", "eval", "--exec", "{root}/results.sh", "--results-dir", "{root}/res", "-o", "stdout",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "  Results:\n    [error] v1/ConfigMap/ns/cm data.a: bad thing\n    [info]: tagged: yes\n"))
    #expect(
      String(
        decoding: FileManager.default.contents(atPath: c.root + "/res/results.yaml") ?? Data(),
        as: UTF8.self
      ).hasSuffix(
        """
            results:
              - message: bad thing
                severity: error
                resourceRef:
                  apiVersion: v1
                  kind: ConfigMap
                  name: cm
                  namespace: ns
                field:
                  path: data.a
                  currentValue: b
                  proposedValue:
                    - c
                    - d
                file:
                  path: cm.yaml
              - message: 'tagged: yes'
                tags:
                  a: "1.0"
                  x: "y"

        """))
  }

  @Test func kustomizeEraReleasesBehaveAsTheyDid() throws {
    let c = try Case([
      "Kptfile": Self.kptfile("pipeline:\n  mutators:\n    - image: gcr.io/kpt-functions/no-op\n"),
      "cm.yaml": Self.configMap,
      "local.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n",
      "rbac.yaml": """
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: robot
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata:
        name: rb
      subjects:
        - kind: ServiceAccount
          name: robot
        - kind: User
          name: alice

      """,
      "{root}/ns.yaml": """
      apiVersion: fn.kpt.dev/v1alpha1
      kind: SetNamespace
      metadata:
        name: ns
      namespace: qa
      additionalNamespaceFields:
        - path: data/where
          kind: ConfigMap
          create: true

      """,
    ])
    defer { c.remove() }
    // kpt's test function no-op is built in.
    let noOp = try c.stoop(["fn", "render"])
    #expect(noOp.status == 0, "\(noOp.stderr)")
    #expect(noOp.stderr.contains("[PASS] \"gcr.io/kpt-functions/no-op\" in 0s\n"))

    // v0.2.x is still kustomize's transformer: local config, the Kptfile and unknown kinds get
    // the namespace, extra fields are set, and subjects naming a ServiceAccount of the input.
    let v02 = try c.stoop([
      "fn", "eval", "-i", "set-namespace:v0.2.0", "--fn-config", "{root}/ns.yaml",
    ])
    #expect(v02.status == 0, "\(v02.stderr)")
    #expect(c.text("Kptfile").contains("  name: p\n  namespace: qa\n"))
    #expect(c.text("local.yaml").contains("  namespace: qa\n"))
    #expect(c.text("cm.yaml").contains("  a: b\n  where: qa\n"))
    #expect(
      c.text("rbac.yaml").contains("  - kind: ServiceAccount\n    name: robot\n    namespace: qa\n")
    )
    #expect(c.text("rbac.yaml").hasSuffix("  - kind: User\n    name: alice\n"))

    // Their configuration errors come as an error result, with the result's old line on stderr.
    let empty = try c.stoop([
      "fn", "eval", "-i", "set-namespace:v0.1.3", "--results-dir", "{root}/res",
    ])
    #expect(empty.status == 1)
    #expect(
      empty.stderr.hasPrefix(
        """
        [RUNNING] "gcr.io/kpt-fn/set-namespace:v0.1.3"
        [FAIL] "gcr.io/kpt-fn/set-namespace:v0.1.3" in 0s
          Results:
            [error]: failed to configure function: input namespace cannot be empty
          Stderr:
            "[error] /// : failed to configure function: input namespace cannot be empty"
          Exit code: 1

        """))
    #expect(
      String(
        decoding: FileManager.default.contents(atPath: c.root + "/res/results.yaml") ?? Data(),
        as: UTF8.self
      ).hasSuffix(
        """
          - image: gcr.io/kpt-fn/set-namespace:v0.1.3
            stderr: '[error] /// : failed to configure function: input namespace cannot be empty'
            exitCode: 1
            results:
              - message: 'failed to configure function: input namespace cannot be empty'
                severity: error

        """))
  }

  @Test func setAnnotationsV01RebuildsTheAnnotationMaps() throws {
    let c = try Case([
      "Kptfile": Self.kptfile(
        "pipeline:\n  mutators:\n    - image: gcr.io/kpt-fn/set-annotations:v0.1.3\n      configMap:\n        abc: def\n"
      ),
      "cm.yaml": """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm
        annotations:
          projectId: 'PROJECT_ID' # kpt-set: ${project}
          enabled: "true"
      data:
        quoted: 'kept'

      """,
    ])
    defer { c.remove() }
    let result = try c.stoop(["fn", "render"])
    #expect(result.status == 0, "\(result.stderr)")
    // Quotes plain can do without go; quotes a string needs stay; comments and the rest of the
    // resource are untouched.
    #expect(
      c.text("cm.yaml") == """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cm
          annotations:
            projectId: PROJECT_ID # kpt-set: ${project}
            enabled: "true"
            abc: def
        data:
          quoted: 'kept'

        """)
    let wrongKind = try c.stoop([
      "fn", "eval", "-i", "set-annotations:v0.1.3", "--fn-config", "{root}/p/Kptfile",
    ])
    #expect(wrongKind.status == 1)
    #expect(
      wrongKind.stderr.contains(
        "\"[error] /// : failed to configure function: function config must be a ConfigMap or SetAnnotationConfig\""
      ))
  }
}
