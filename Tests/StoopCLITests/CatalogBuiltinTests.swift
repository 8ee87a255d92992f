import Foundation
import Testing

/// Catalog built-ins through the built binary, with the behaviour of the catalog release the
/// image tag names.
@Suite struct CatalogBuiltinTests {
  func makePackage(_ files: [String: String]) throws -> String {
    let root = temporaryDirectory("catalog")
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

  /// set-image's additionalImageFields reach images in custom kinds, and the summary counts
  /// them with the containers.
  @Test func setImageChangesImagesInCustomKindsAndCountsThem() throws {
    let root = try makePackage([
      "Kptfile": """
      apiVersion: kpt.dev/v1
      kind: Kptfile
      metadata:
        name: app
      pipeline:
        mutators:
          - image: set-image:unstable
            configPath: fn-config.yaml

      """,
      "fn-config.yaml": """
      apiVersion: fn.kpt.dev/v1alpha1
      kind: SetImage
      metadata:
        name: config
        annotations:
          config.kubernetes.io/local-config: "true"
      image:
        name: nginx
        newName: bitnami/nginx
        newTag: 1.21.4
      additionalImageFields:
        - kind: Builder
          group: dev.example.com
          path: spec/steps[]/image

      """,
      "resources.yaml": """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: server
          image: nginx:1.20.2 # pinned
      ---
      apiVersion: dev.example.com/v1
      kind: Builder
      metadata:
        name: build
      spec:
        steps:
        - image: nginx:1.20.2
        - image: golang:1.21

      """,
    ])
    defer { try? FileManager.default.removeItem(atPath: root) }
    let results = temporaryDirectory("results")
    defer { try? FileManager.default.removeItem(atPath: results) }
    let rendered = try run(stoopBinary, ["fn", "render", root, "--results-dir", results])
    #expect(rendered.status == 0)
    #expect(
      text(root + "/resources.yaml") == """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
          - name: server
            image: bitnami/nginx:1.21.4 # pinned
        ---
        apiVersion: dev.example.com/v1
        kind: Builder
        metadata:
          name: build
        spec:
          steps:
          - image: bitnami/nginx:1.21.4
          - image: golang:1.21

        """)
    #expect(
      text(results + "/results.yaml").contains(
        "      - message: 'summary: updated a total of 2 image(s)'\n        severity: info\n"))
  }

  /// set-labels from v0.2 on updates a Job's selector only where it has the key; v0.1.x adds
  /// every label to it.
  @Test func setLabelsTreatsJobSelectorsAsTheTaggedReleaseDid() throws {
    let job = """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: pi
      spec:
        selector:
          matchLabels:
            name: pi

      """
    for (tag, spec) in [
      ("v0.2.0", "spec:\n  selector:\n    matchLabels:\n      name: pi\n"),
      (
        "v0.1.5",
        "spec:\n  selector:\n    matchLabels:\n      name: pi\n      app: web\n"
          + "  template:\n    metadata:\n      labels:\n        app: web\n"
      ),
    ] {
      let root = try makePackage(["job.yaml": job])
      defer { try? FileManager.default.removeItem(atPath: root) }
      let evaluated = try run(
        stoopBinary, ["fn", "eval", root, "-i", "set-labels:\(tag)", "--", "app=web"])
      #expect(evaluated.status == 0)
      #expect(text(root + "/job.yaml").hasSuffix("    app: web\n" + spec))
    }
  }
}
