import Foundation
import KRM
import Testing

@testable import CaD

private func files(_ map: [String: String]) -> [String: [UInt8]] {
  map.mapValues { Array($0.utf8) }
}

private func text(_ result: PackageMergeResult, _ path: String) -> String? {
  result.files[path].map { String(decoding: $0, as: UTF8.self) }
}

private let originDeploy = """
  # top comment
  apiVersion: apps/v1
  kind: Deployment
  metadata: # kpt-merge: ns1/web
    name: web # line comment
    namespace: ns1
  spec:
    replicas: 1
    template:
      spec:
        containers:
          - name: app
            image: nginx:1.0
            ports:
              - containerPort: 80
            env:
              - name: A
                value: "1"
          - name: sidecar
            image: busybox:1.0

  """

private let kptfile = """
  apiVersion: kpt.dev/v1
  kind: Kptfile
  metadata:
    name: basic
  upstream:
    type: git
    git:
      repo: up.git
      directory: basic
      ref: v1
  pipeline:
    mutators:
      - image: set-namespace:v1
        configMap:
          namespace: up-ns

  """

/// kpt.md §3.10 scenario 1, resource by resource: upstream's changes arrive, local edits stay,
/// containers and env merge by name, a new container is appended, the comment of the chosen
/// node travels with it.
@Test func resourceMergeFollowsKptsRecordedScenario() throws {
  let local =
    originDeploy
    .replacingOccurrences(of: "  replicas: 1", with: "  replicas: 5")
    .replacingOccurrences(
      of: "              value: \"1\"\n",
      with: "              value: \"1\"\n            - name: LOCAL\n              value: \"yes\"\n"
    )
    .replacingOccurrences(
      of: "          image: busybox:1.0\n",
      with: "          image: busybox:1.0\n          args: [\"--local\"]\n")
  let updated =
    originDeploy
    .replacingOccurrences(of: "# top comment", with: "# top comment (v2)")
    .replacingOccurrences(of: "  replicas: 1", with: "  replicas: 3 # upstream replicas")
    .replacingOccurrences(of: "nginx:1.0", with: "nginx:2.0")
    .replacingOccurrences(
      of: "            - containerPort: 80\n",
      with: "            - containerPort: 80\n            - containerPort: 443\n"
    )
    .replacingOccurrences(
      of: "              value: \"1\"\n",
      with: "              value: \"2\"\n            - name: B\n              value: \"b\"\n"
    )
    .replacingOccurrences(
      of: "          image: busybox:1.0\n",
      with:
        "          image: busybox:1.0\n          args: [\"--upstream\"]\n        - name: logger\n          image: fluentd:1\n"
    )
  let merge = PackageMerge(
    origin: files(["Kptfile": kptfile, "deploy.yaml": originDeploy, "README.md": "v1\n"]),
    updated: files([
      "Kptfile": kptfile, "deploy.yaml": updated, "README.md": "v2\n",
      "new.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: new\n",
    ]),
    local: files([
      "Kptfile": kptfile, "deploy.yaml": local, "README.md": "v1\n", "NOTES.txt": "mine\n",
    ]))
  let result = try merge.run()
  let deploy = try #require(text(result, "deploy.yaml"))
  #expect(deploy.hasPrefix("# top comment (v2)\n"))
  #expect(deploy.contains("  name: web # line comment\n"))
  #expect(deploy.contains("  replicas: 3 # upstream replicas\n"))
  #expect(deploy.contains("image: nginx:2.0"))
  #expect(deploy.contains("- containerPort: 80\n") && deploy.contains("- containerPort: 443\n"))
  #expect(deploy.contains("- name: A\n              value: \"2\"\n"))
  #expect(deploy.contains("- name: LOCAL\n              value: \"yes\"\n"))
  #expect(deploy.contains("- name: B\n              value: \"b\"\n"))
  #expect(deploy.contains("args: [\"--upstream\"]"))
  #expect(deploy.contains("- name: logger\n          image: fluentd:1\n"))
  #expect(
    text(result, "new.yaml") == "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: new\n")
  #expect(text(result, "README.md") == "v2\n")
  #expect(text(result, "NOTES.txt") == "mine\n")
  #expect(text(result, "Kptfile") == kptfile)

  // Both sides changed replicas and the sidecar's args: two conflicts, upstream's values won.
  #expect(
    result.conflicts.map(\.field).sorted() == [
      "spec.replicas",
      "spec.template.spec.containers[name=sidecar].args",
    ])
  let replicas = try #require(result.conflicts.first { $0.field == "spec.replicas" })
  #expect(replicas.origin == "1" && replicas.updated == "3" && replicas.local == "5")
  #expect(replicas.resource == "Deployment ns1/web" && replicas.file == "deploy.yaml")

  // --on-conflict=local keeps local values; fail writes nothing.
  var keeping = merge
  keeping.policy = .local
  let kept = try #require(text(try keeping.run(), "deploy.yaml"))
  #expect(kept.contains("  replicas: 5\n") && kept.contains("args: [\"--local\"]"))
  #expect(kept.contains("image: nginx:2.0"))
  var failing = merge
  failing.policy = .fail
  #expect(throws: PackageMergeError.self) { try failing.run() }
}

/// Resources untouched on both sides keep their bytes; deletions and local edits of deleted
/// resources; a file moved upstream keeps the resource's identity; a subpackage added upstream.
@Test func resourceMergeHandlesDeletionsMovesAndSubpackages() throws {
  let cm = { (name: String, value: String) in
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\ndata:\n  k: \(value)\n"
  }
  let untouched = "# keep   these bytes\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
  let origin = files([
    "Kptfile": kptfile, "cms.yaml": cm("gone", "1") + "---\n" + cm("edited", "1"),
    "moved.yaml": cm("mover", "1"), "secret.yaml": untouched,
  ])
  let updated = files([
    "Kptfile": kptfile, "cms.yaml": "", "elsewhere.yaml": cm("mover", "2"),
    "secret.yaml": untouched,
    "sub/Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: sub\n",
    "sub/cm.yaml": cm("sub", "1"),
  ])
  let local = files([
    "Kptfile": kptfile, "cms.yaml": cm("gone", "1") + "---\n" + cm("edited", "local"),
    "moved.yaml": cm("mover", "1"), "secret.yaml": untouched,
  ])
  let result = try PackageMerge(origin: origin, updated: updated, local: local).run()
  // `gone` was unchanged locally and deleted upstream; `edited` was changed locally: kept and
  // reported.
  #expect(text(result, "cms.yaml") == cm("edited", "local"))
  #expect(
    result.conflicts.map(\.description) == [
      "cms.yaml: ConfigMap edited: .: origin \"present\", upstream (absent), local \"changed\""
    ])
  // Upstream moved `mover` to another file: one copy, in the new file, with upstream's change.
  #expect(text(result, "moved.yaml") == nil)
  #expect(text(result, "elsewhere.yaml") == cm("mover", "2"))
  #expect(text(result, "secret.yaml") == untouched)
  #expect(text(result, "sub/cm.yaml") == cm("sub", "1"))
  #expect(text(result, "sub/Kptfile") != nil)

  // A subpackage both sides added is refused.
  var both = local
  both["sub/Kptfile"] = Array("apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: s\n".utf8)
  let refused = #expect(throws: PackageMergeError.self) {
    try PackageMerge(origin: origin, updated: updated, local: both).run()
  }
  #expect(refused?.description.contains("subpackage \"sub\" added in both") == true)
}

/// The Kptfile merge: functions match by image without tag, local settings stay, upstream's new
/// functions are appended; upstream and upstreamLock stay the caller's.
@Test func kptfilePipelinesMergeByFunction() throws {
  let local =
    kptfile.replacingOccurrences(of: "namespace: up-ns", with: "namespace: local-ns")
    + "    - image: local-fn:v1\n"
  let updated =
    kptfile.replacingOccurrences(of: "set-namespace:v1", with: "set-namespace:v2")
    .replacingOccurrences(of: "ref: v1", with: "ref: v9")
    + "    - image: upstream-new:v1\n  validators:\n    - image: kubeval:v1\n"
  let result = try PackageMerge(
    origin: files(["Kptfile": kptfile]), updated: files(["Kptfile": updated]),
    local: files(["Kptfile": local])
  ).run()
  let merged = try #require(text(result, "Kptfile"))
  #expect(merged.contains("    ref: v1\n"))
  #expect(
    merged.contains(
      "  mutators:\n    - image: set-namespace:v2\n      configMap:\n        namespace: local-ns\n    - image: local-fn:v1\n    - image: upstream-new:v1\n"
    ), "\(merged)")
  #expect(merged.hasSuffix("  validators:\n    - image: kubeval:v1\n"))
}

@Test func fastForwardRefusesLocalChanges() throws {
  let origin = files([
    "Kptfile": kptfile, "a.yaml": "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n",
  ])
  var local = origin
  local["extra.txt"] = Array("x\n".utf8)
  let updated = files([
    "Kptfile": kptfile, "b.yaml": "apiVersion: v1\nkind: B\nmetadata:\n  name: b\n",
  ])
  let refused = #expect(throws: PackageMergeError.self) {
    try PackageMerge(origin: origin, updated: updated, local: local, strategy: "fast-forward").run()
  }
  #expect(
    refused?.description.hasPrefix("local package files have been modified: [extra.txt]") == true)
  let replaced = try PackageMerge(
    origin: origin, updated: updated, local: local, strategy: "force-delete-replace"
  ).run()
  #expect(Set(replaced.files.keys) == ["Kptfile", "b.yaml"])
}

@Test func anElementUpstreamDeletedLeavesItsKeyedListWhole() throws {
  func service(_ ports: String) -> String {
    "apiVersion: v1\nkind: Service\nmetadata: # kpt-merge: /web\n  name: web\nspec:\n  ports:\n"
      + ports
  }
  let origin = files(["svc.yaml": service("    - port: 8080\n      targetPort: 8080\n")])
  let updated = files(["svc.yaml": service("    - port: 80\n      targetPort: 80\n")])
  // Local left the element alone: it goes, with no `- {}` in its place.
  let untouched = try PackageMerge(origin: origin, updated: updated, local: origin).run()
  #expect(
    text(untouched, "svc.yaml") == service("    - port: 80\n      targetPort: 80\n"),
    "\(text(untouched, "svc.yaml") ?? "")")
  // Local added a field to it: what local added stays, under the element's key.
  let local = files([
    "svc.yaml": service("    - port: 8080\n      targetPort: 8080\n      name: http\n")
  ])
  let edited = try PackageMerge(origin: origin, updated: updated, local: local).run()
  let merged = text(edited, "svc.yaml") ?? ""
  #expect(merged.contains("    - port: 8080\n      name: http\n"), "\(merged)")
  #expect(merged.contains("    - port: 80\n      targetPort: 80\n"), "\(merged)")
  #expect(!merged.contains("{}"))
  // The same for containers matched by name and env matched by name.
  let pod = { (env: String) in
    "apiVersion: v1\nkind: Pod\nmetadata: # kpt-merge: /p\n  name: p\nspec:\n  containers:\n    - name: app\n      env:\n"
      + env
  }
  let result = try PackageMerge(
    origin: files(["p.yaml": pod("        - name: A\n          value: \"1\"\n")]),
    updated: files(["p.yaml": pod("        - name: B\n          value: \"2\"\n")]),
    local: files(["p.yaml": pod("        - name: A\n          value: \"1\"\n")])
  ).run()
  #expect(text(result, "p.yaml") == pod("        - name: B\n          value: \"2\"\n"))
}

@Test func fastForwardAcceptsTheKptfilePkgGetMadeForAnUpstreamWithoutOne() throws {
  let resource = "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n"
  let origin = files(["a.yaml": resource])
  let updated = files([
    "a.yaml": resource, "b.yaml": resource.replacingOccurrences(of: "a\n", with: "b\n"),
  ])
  // What pkg get wrote: a name, the upstream (its strategy changed locally) and the lock.
  let made = """
    apiVersion: kpt.dev/v1
    kind: Kptfile
    metadata:
      name: web
    upstream:
      type: git
      git:
        repo: up.git
        directory: /
        ref: main
      updateStrategy: fast-forward
    upstreamLock:
      type: git
      git:
        repo: up.git
        directory: /
        ref: main
        commit: 0123456789012345678901234567890123456789

    """
  var local = origin
  local["Kptfile"] = Array(made.utf8)
  let result = try PackageMerge(
    origin: origin, updated: updated, local: local, strategy: "fast-forward"
  ).run()
  #expect(Set(result.files.keys) == ["Kptfile", "a.yaml", "b.yaml"])
  // A Kptfile with anything more than that is a local change.
  local["Kptfile"] = Array((made + "info:\n  description: mine\n").utf8)
  #expect(throws: PackageMergeError.self) {
    try PackageMerge(origin: origin, updated: updated, local: local, strategy: "fast-forward")
      .run()
  }
}

@Test func aLocalSubpackageUpstreamDeletedGoesOrStaysWhole() throws {
  let sub = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: bar\n"
  let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: # kpt-merge: /d\n  name: d\n"
  let origin = files(["Kptfile": kptfile, "bar/Kptfile": sub, "bar/d.yaml": deploy])
  let updated = files(["Kptfile": kptfile])
  // Untouched locally: the whole subpackage goes.
  let untouched = try PackageMerge(origin: origin, updated: updated, local: origin).run()
  #expect(Set(untouched.files.keys) == ["Kptfile"])
  // Edited locally: the whole subpackage stays, its Kptfile included.
  var local = origin
  local["bar/d.yaml"] = Array((deploy + "spec:\n  replicas: 3\n").utf8)
  let edited = try PackageMerge(origin: origin, updated: updated, local: local).run()
  #expect(Set(edited.files.keys) == ["Kptfile", "bar/Kptfile", "bar/d.yaml"])
  #expect(edited.files["bar/d.yaml"] == local["bar/d.yaml"])
  // Upstream keeps the directory but drops its Kptfile: the local Kptfile stays, as in kpt.
  let unpackaged = try PackageMerge(
    origin: origin, updated: files(["Kptfile": kptfile, "bar/d.yaml": deploy]), local: origin
  ).run()
  #expect(Set(unpackaged.files.keys) == ["Kptfile", "bar/Kptfile", "bar/d.yaml"])
}

@Test func yamlWithoutApiVersionOrKindMergesAsPlainYAML() throws {
  let values = { (replicas: String, image: String) in
    "# values for the chart\nreplicas: \(replicas)\nimage:\n  tag: \(image)\n"
  }
  let origin = files(["Kptfile": kptfile, "values.yaml": values("1", "v1")])
  let updated = files(["Kptfile": kptfile, "values.yaml": values("1", "v2")])
  let local = files(["Kptfile": kptfile, "values.yaml": values("3", "v1")])
  let result = try PackageMerge(origin: origin, updated: updated, local: local).run()
  #expect(text(result, "values.yaml") == values("3", "v2"), "\(text(result, "values.yaml") ?? "")")
  // Upstream deletes the file: an untouched copy goes, an edited one stays and is reported.
  let gone = try PackageMerge(origin: origin, updated: files(["Kptfile": kptfile]), local: origin)
    .run()
  #expect(gone.files["values.yaml"] == nil)
  let kept = try PackageMerge(origin: origin, updated: files(["Kptfile": kptfile]), local: local)
    .run()
  #expect(kept.files["values.yaml"] == local["values.yaml"])
  #expect(kept.conflicts.map(\.file) == ["values.yaml"])
}

@Test func kustomizationGeneratorsMergeByName() throws {
  let kustomization = { (generators: String) in
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator:\n"
      + generators
  }
  let one = "  - name: one\n    files:\n      - a.properties\n"
  let two = "  - name: two\n    files:\n      - b.properties\n"
  let three = "  - name: three\n    literals:\n      - x=1\n"
  let result = try PackageMerge(
    origin: files(["kustomization.yaml": kustomization(one)]),
    updated: files(["kustomization.yaml": kustomization(two)]),
    local: files(["kustomization.yaml": kustomization(one + three)])
  ).run()
  #expect(text(result, "kustomization.yaml") == kustomization(three + two))
  #expect(result.conflicts.isEmpty)
}

@Test func aFileGainsAndLosesDocumentsWithItsSeparatorsInPlace() throws {
  let a = "apiVersion: v1\nkind: ConfigMap\nmetadata: # kpt-merge: /a\n  name: a\n"
  let b = "apiVersion: v1\nkind: ConfigMap\nmetadata: # kpt-merge: /b\n  name: b\n"
  let c = "apiVersion: v1\nkind: ConfigMap\nmetadata: # kpt-merge: /c\n  name: c\n"
  // Upstream appends a document to a one-document file.
  let grown = try PackageMerge(
    origin: files(["f.yaml": a]), updated: files(["f.yaml": a + "---\n" + b]),
    local: files(["f.yaml": a])
  ).run()
  #expect(text(grown, "f.yaml") == a + "---\n" + b)
  // Upstream removes the middle one of three whose separators differ: each survivor keeps
  // the text before it.
  let three = a + "--- # second\n" + b + "---\n# third\n" + c
  let shrunk = try PackageMerge(
    origin: files(["f.yaml": three]), updated: files(["f.yaml": a + "---\n# third\n" + c]),
    local: files(["f.yaml": three])
  ).run()
  #expect(text(shrunk, "f.yaml") == a + "---\n# third\n" + c, "\(text(shrunk, "f.yaml") ?? "")")
  // Upstream renames a resource without keeping its identity while local renamed it too.
  let renamed = try PackageMerge(
    origin: files(["f.yaml": a]),
    updated: files(["f.yaml": c]),
    local: files(["f.yaml": a.replacingOccurrences(of: "  name: a\n", with: "  name: local-a\n")])
  ).run()
  let merged = try #require(text(renamed, "f.yaml"))
  #expect(merged.contains("name: local-a") && merged.contains("name: c"), "\(merged)")
  #expect(try YAMLFile(parsing: Array(merged.utf8), name: "f.yaml").documents.count == 2)
}

@Test func aLicenceHeaderStaysApartWhenAFileIsRekeyedOrMerged() throws {
  let licensed =
    "# Copyright 2021\n# License\n\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
  let keyed = UpstreamRewrite.ensureMergeKeys(["cm.yaml": Array(licensed.utf8)])
  let text = String(decoding: keyed["cm.yaml"] ?? [], as: UTF8.self)
  #expect(text.hasPrefix("# Copyright 2021\n# License\n\napiVersion: v1\n"), "\(text)")
  #expect(text.contains("metadata: # kpt-merge: /x\n"))
  // A comment that belongs to the object stays on it.
  let attached = "# the config\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n"
  let rekeyed = UpstreamRewrite.ensureMergeKeys(["cm.yaml": Array(attached.utf8)])
  #expect(
    String(decoding: rekeyed["cm.yaml"] ?? [], as: UTF8.self).hasPrefix(
      "# the config\napiVersion: v1\n"))
}
