import Foundation
import KRM
import Testing

@testable import CaD

private let workloads = """
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
    namespace: shop
  ---
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
    namespace: other
  ---
  apiVersion: v1
  kind: Secret
  metadata:
    name: tls # the certificate
    namespace: shop
  ---
  apiVersion: v1
  kind: ServiceAccount
  metadata:
    name: runner
    namespace: shop
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
  spec:
    template:
      spec:
        serviceAccountName: runner
        imagePullSecrets:
          - name: tls
        containers:
          - name: app
            envFrom:
              - configMapRef:
                  name: settings
            env:
              - name: KEY
                valueFrom:
                  secretKeyRef:
                    name: tls
                    key: key
        volumes:
          - name: config
            configMap:
              name: settings
          - name: elsewhere
            configMap:
              name: not-in-package
  ---
  apiVersion: autoscaling/v2
  kind: HorizontalPodAutoscaler
  metadata:
    name: web
    namespace: shop
  spec:
    scaleTargetRef:
      apiVersion: apps/v1
      kind: Deployment
      name: web
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata:
    name: runner
    namespace: shop
  roleRef:
    apiGroup: rbac.authorization.k8s.io
    kind: ClusterRole
    name: runner
  subjects:
    - kind: ServiceAccount
      name: runner
      namespace: shop
    - kind: User
      name: runner
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    name: runner
  ---
  apiVersion: v1
  kind: Namespace
  metadata:
    name: shop

  """

/// Every object but the Namespace gets the prefix, and each reference follows the object it
/// named in the same namespace; references to objects outside the package stay.
@Test func ensureNameSubstringRenamesAndFollowsReferences() throws {
  let (output, results) = try runBuiltin(
    "ensure-name-substring", workloads,
    config: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  prepend: prod-\n")
  #expect(results.isEmpty)
  let expected = workloads.replacingOccurrences(of: "name: settings", with: "name: prod-settings")
    .replacingOccurrences(of: "name: tls", with: "name: prod-tls")
    .replacingOccurrences(of: "name: runner", with: "name: prod-runner")
    .replacingOccurrences(of: "name: web", with: "name: prod-web")
    .replacingOccurrences(of: "serviceAccountName: runner", with: "serviceAccountName: prod-runner")
    // A User subject is not an object of the package.
    .replacingOccurrences(
      of: "  - kind: User\n    name: prod-runner", with: "  - kind: User\n    name: runner")
  #expect(output == expected)

  // Already containing the substring: nothing changes, so the function is idempotent.
  let again = try runBuiltin(
    "ensure-name-substring", output,
    config: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  prepend: prod-\n")
  #expect(again.output == output)
}

/// A reference resolves in its own namespace: renaming shop's ConfigMap leaves a pod in another
/// namespace that names a ConfigMap of the same name alone.
@Test func referencesResolveNamespaceByNamespace() throws {
  let yaml = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings-x
      namespace: shop
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
      namespace: other
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: reader-x
      namespace: shop
    spec:
      volumes:
        - name: a
          configMap:
            name: settings

    """
  // Only `settings` in `other` lacks the suffix; the pod in shop names a ConfigMap that is not
  // in the package for its namespace, so its reference stays.
  let (output, _) = try runBuiltin(
    "ensure-name-substring", yaml,
    config: """
      apiVersion: fn.kpt.dev/v1alpha1
      kind: EnsureNameSubstring
      metadata:
        name: c
      substring: -x
      editMode: append

      """)
  #expect(output.contains("  name: settings-x\n  namespace: other"))
  #expect(output.contains("configMap:\n        name: settings\n"))
}

@Test func ensureNameSubstringFollowsAdditionalFieldsAndDependsOn() throws {
  let yaml = """
    apiVersion: dev.example.com/v1
    kind: MyResource
    metadata:
      name: the-cr
      annotations:
        config.kubernetes.io/depends-on: apps/namespaces/default/StatefulSet/db
    spec:
      name: foo
    ---
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: db
      namespace: default
    ---
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: myresources.dev.example.com
    ---
    apiVersion: kpt.dev/v1
    kind: Kptfile
    metadata:
      name: pkg

    """
  let (output, _) = try runBuiltin(
    "ensure-name-substring", yaml,
    config: """
      apiVersion: fn.kpt.dev/v1alpha1
      kind: EnsureNameSubstring
      metadata:
        name: c
      substring: prod-
      additionalNameFields:
        - group: dev.example.com
          version: v1
          kind: MyResource
          path: spec/name

      """)
  #expect(output.contains("  name: prod-the-cr\n"))
  #expect(output.contains("  name: prod-foo\n"))
  #expect(output.contains("depends-on: apps/namespaces/default/StatefulSet/prod-db\n"))
  #expect(output.contains("  name: prod-db\n"))
  #expect(output.contains("  name: myresources.dev.example.com\n"))
  #expect(output.contains("  name: pkg\n"))
}

/// The catalog (ensure_name_substring.go) looks each additional field up once, segment by
/// segment: a field that holds the substring is left, a missing one is created with `create`,
/// and a list path, which that lookup never finds, gets the substring on every element.
@Test func ensureNameSubstringChecksEachAdditionalFieldAsAWhole() throws {
  let yaml = """
    apiVersion: dev.example.com/v1
    kind: Pipeline
    metadata:
      name: prod-build
    spec:
      owner: prod-team
      steps:
      - name: prod-compile
      - name: test

    """
  let (output, _) = try runBuiltin(
    "ensure-name-substring", yaml,
    config: """
      apiVersion: fn.kpt.dev/v1alpha1
      kind: EnsureNameSubstring
      metadata:
        name: c
      substring: prod-
      additionalNameFields:
        - kind: Pipeline
          path: spec/owner
        - kind: Pipeline
          path: spec/steps[]/name
        - kind: Pipeline
          path: spec/runner/name
          create: true

      """)
  #expect(
    output == """
      apiVersion: dev.example.com/v1
      kind: Pipeline
      metadata:
        name: prod-build
      spec:
        owner: prod-team
        steps:
        - name: prod-prod-compile
        - name: prod-test
        runner:
          name: prod-

      """)
}

@Test func ensureNameSubstringRejectsBadConfiguration() {
  let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
  #expect(
    builtinFailure(
      "ensure-name-substring", yaml,
      config: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n  c: d\n")
      == "failed to load the `functionConfig`: only 1 entry is allowed in the ConfigMap, but got: 2"
  )
  #expect(
    builtinFailure(
      "ensure-name-substring", yaml,
      config: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  middle: x\n")
      == "failed to load the `functionConfig`: unknown editMode: middle, only prepend and append are allowed"
  )
  #expect(
    builtinFailure(
      "ensure-name-substring", yaml,
      config: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: c\n")
      == "failed to load the `functionConfig`: function config must be either /v1, Kind=ConfigMap or fn.kpt.dev/v1alpha1, Kind=EnsureNameSubstring, but we got: apps/v1, Kind=Deployment"
  )
  #expect(
    builtinFailure(
      "ensure-name-substring", yaml,
      config: "apiVersion: fn.kpt.dev/v1alpha1\nkind: EnsureNameSubstring\nmetadata:\n  name: c\n")
      == "failed to load the `functionConfig`: substring must not be empty")
}

@Test func setNamePrefixRenamesFromThePlaceholderToThePackageName() throws {
  let yaml = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: kptfile.kpt.dev
      annotations:
        config.kubernetes.io/local-config: "true"
    data:
      name: billing
    ---
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: packagename-runner
      namespace: billing
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata:
      name: packagename
      namespace: billing
    roleRef:
      apiGroup: rbac.authorization.k8s.io
      kind: Role
      name: packagename-reader
    subjects:
      - kind: ServiceAccount
        name: packagename-runner
        namespace: billing
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata:
      name: packagename-reader
      namespace: billing
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: packagenamed
      namespace: billing

    """
  let (output, results) = try runBuiltin("set-name-prefix", yaml, config: nil)
  #expect(results.isEmpty)
  let expected =
    yaml
    .replacingOccurrences(of: "packagename-runner", with: "billing-runner")
    .replacingOccurrences(of: "packagename-reader", with: "billing-reader")
    .replacingOccurrences(of: "name: packagename\n", with: "name: billing\n")
  #expect(output == expected)

  let custom = try runBuiltin(
    "set-name-prefix", yaml,
    config:
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  prefix: pay\n  oldPrefix: packagename\n"
  )
  #expect(custom.output.contains("name: pay-runner\n") && custom.output.contains("name: pay\n"))

  #expect(
    builtinFailure(
      "set-name-prefix", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n", config: nil)
      == "failed to evaluate function: unable to find package context object")
}
