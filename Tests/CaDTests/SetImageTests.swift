import Foundation
import KRM
import Testing

@testable import CaD

private let customKinds = """
  apiVersion: v1
  kind: Pod
  metadata:
    name: the-pod
  spec:
    containers:
    - name: server
      image: nginx:1.20.2
    initContainers:
    - name: init
      image: nginx:1.20.2
  ---
  apiVersion: dev.example.com/v1
  kind: MyKind
  metadata:
    name: the-resource
  spec:
    manifest:
      images:
      - image: nginx:1.20.2
      - image: nginx:1.21.4
      - image: postgres:14.1
  ---
  apiVersion: dev.example.com/v1
  kind: MyKind
  metadata:
    name: no-manifest
  spec: {}
  ---
  apiVersion: apiextensions.k8s.io/v1
  kind: CustomResourceDefinition
  metadata:
    name: mykinds.dev.example.com
  spec:
    manifest:
      images:
      - image: nginx:1.20.2
  """

private let newTag = """
  apiVersion: fn.kpt.dev/v1alpha1
  kind: SetImage
  metadata:
    name: config
  image:
    name: nginx
    newTag: 1.21.4
  additionalImageFields:
  - group: dev.example.com
    kind: MyKind
    path: spec/manifest/images[]/image
    create: true
  - kind: CustomResourceDefinition
    path: spec/manifest/images[]/image
  """

/// Catalog master (transformer/images_transformer.go and custom/custom.go): the extra fields
/// go through kustomize's image filter, which counts every image it matches, changed or not,
/// never creates a field, and skips CustomResourceDefinitions; init containers are not
/// reached (the catalog looks for `iniContainers`).
@Test func masterCountsEveryImageMatchedInAdditionalFields() throws {
  let (output, results) = try runBuiltin("set-image", customKinds, config: newTag, tag: "latest")
  #expect(
    output == """
      apiVersion: v1
      kind: Pod
      metadata:
        name: the-pod
      spec:
        containers:
        - name: server
          image: nginx:1.21.4
        initContainers:
        - name: init
          image: nginx:1.20.2
      ---
      apiVersion: dev.example.com/v1
      kind: MyKind
      metadata:
        name: the-resource
      spec:
        manifest:
          images:
          - image: nginx:1.21.4
          - image: nginx:1.21.4
          - image: postgres:14.1
      ---
      apiVersion: dev.example.com/v1
      kind: MyKind
      metadata:
        name: no-manifest
      spec: {}
      ---
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: mykinds.dev.example.com
      spec:
        manifest:
          images:
          - image: nginx:1.20.2

      """)
  #expect(results.map(\.message) == ["summary: updated a total of 3 image(s)"])
}

/// v0.1.x runs the same filter over the user's fields and kustomize's container and init
/// container fields in every kind, and reports each change.
@Test func kustomizeFamilyUsesAdditionalFieldsAndInitContainers() throws {
  let (output, results) = try runBuiltin("set-image", customKinds, config: newTag, tag: "v0.1.1")
  #expect(!output.contains("image: nginx:1.20.2\n---"))
  #expect(output.hasSuffix("    - image: nginx:1.20.2\n"))
  #expect(
    results.map(\.message) == [
      "set image from nginx:1.20.2 to nginx:1.21.4",
      "set image from nginx:1.20.2 to nginx:1.21.4",
      "set image from nginx:1.20.2 to nginx:1.21.4",
    ])
}

/// Master finds pod templates by kind alone, PodTemplate included, at spec.template.spec.
@Test func masterChangesPodTemplatesOfTheKindsItKnows() throws {
  let yaml = """
    apiVersion: v1
    kind: PodTemplate
    metadata:
      name: template
    spec:
      template:
        spec:
          containers:
          - image: nginx
    ---
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: job
    spec:
      template:
        spec:
          containers:
          - image: nginx
    """
  let (output, results) = try runBuiltin(
    "set-image", yaml, config: "kind: ConfigMap\ndata:\n  name: nginx\n  newTag: '2'\n",
    tag: "unstable")
  #expect(output.components(separatedBy: "image: nginx:2").count == 2)
  #expect(output.contains("- image: nginx\n"))
  #expect(results.map(\.message) == ["summary: updated a total of 1 image(s)"])
}

/// kustomize's image reference rule: the name, then an optional tag and an optional sha256
/// digest, both of `[A-Za-z0-9_.{}-]`; a new tag or digest replaces both.
@Test func imagesMatchTheNameWithATagAndADigest() {
  var config = SetImage.Config()
  config.name = "registry.local:5000/app"
  config.newTag = "v2"
  #expect(SetImage.update("registry.local:5000/app", config) == "registry.local:5000/app:v2")
  #expect(
    SetImage.update("registry.local:5000/app:v1@sha256:abc", config)
      == "registry.local:5000/app:v2")
  #expect(SetImage.update("registry.local:5000/app@sha512:abc", config) == nil)
  #expect(SetImage.update("registry.local:5000/app:v1+build", config) == nil)
  #expect(SetImage.update("registry.local:5000/application:v1", config) == nil)
  #expect(SetImage.update("registryXlocal:5000/app:v1", config) == nil)
  config.newTag = ""
  config.newName = "mirror/app"
  #expect(
    SetImage.update("registry.local:5000/app:v1@sha256:abc", config) == "mirror/app:v1@sha256:abc")
  config.digest = "sha256:def"
  #expect(SetImage.update("registry.local:5000/app:v1", config) == "mirror/app@sha256:def")
}
