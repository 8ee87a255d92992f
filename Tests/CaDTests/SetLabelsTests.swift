import Foundation
import KRM
import Testing

@testable import CaD

private let selectors = """
  apiVersion: batch/v1
  kind: Job
  metadata:
    name: pi
  spec:
    selector:
      matchLabels:
        name: pi
        app: old
    template:
      metadata:
        labels:
          color: pi
  ---
  apiVersion: batch/v1
  kind: CronJob
  metadata:
    name: hello
  spec:
    jobTemplate:
      spec:
        selector:
          matchLabels:
            name: pi
        template:
          spec:
            containers: []
  ---
  apiVersion: policy/v1
  kind: PodDisruptionBudget
  metadata:
    name: budget
  spec:
    selector:
      matchLabels:
        name: pi
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: policy
  spec:
    podSelector:
      matchLabels:
        role: db
    ingress:
    - from:
      - podSelector:
          matchLabels:
            app: old
            role: web
  """

private let labels = """
  apiVersion: fn.kpt.dev/v1alpha1
  kind: SetLabels
  metadata:
    name: labels
  labels:
    app: new
    color: orange
  """

/// Catalog master (setlabels/transformer.go, kept by every later release): the selectors of
/// Jobs, CronJob job templates, PodDisruptionBudgets and NetworkPolicies are only updated
/// where they already hold the label's key, while pod and job templates get every label.
@Test func masterAddsNoNewKeysToSelectorsItOnlyUpdates() throws {
  let (output, results, failure) = try runBuiltinOutcome(
    "set-labels", selectors, config: labels, tag: "unstable")
  #expect(failure == nil)
  #expect(
    output == """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: pi
        labels:
          app: new
          color: orange
      spec:
        selector:
          matchLabels:
            name: pi
            app: new
        template:
          metadata:
            labels:
              color: orange
              app: new
      ---
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: hello
        labels:
          app: new
          color: orange
      spec:
        jobTemplate:
          spec:
            selector:
              matchLabels:
                name: pi
            template:
              spec:
                containers: []
              metadata:
                labels:
                  app: new
                  color: orange
          metadata:
            labels:
              app: new
              color: orange
      ---
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata:
        name: budget
        labels:
          app: new
          color: orange
      spec:
        selector:
          matchLabels:
            name: pi
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: policy
        labels:
          app: new
          color: orange
      spec:
        podSelector:
          matchLabels:
            role: db
        ingress:
        - from:
          - podSelector:
              matchLabels:
                app: new
                role: web

      """)
  // Every label counts at every map visited, changed or not: Job 3 visits, CronJob 4 (its
  // metadata, job template metadata and selector, pod template), PDB 2, NetworkPolicy 3.
  #expect(results == ["info: set 24 labels in total"])
}

/// v0.1.x runs kustomize's commonLabels field specs: a selector that exists gets every label.
@Test func kustomizeFamilyAddsEveryLabelToTheSelectorsThatExist() throws {
  let (output, _) = try runBuiltin("set-labels", selectors, config: labels, tag: "v0.1.5")
  #expect(
    output.contains(
      """
        selector:
          matchLabels:
            name: pi
            app: new
            color: orange
        template:
      """))
  #expect(
    output.contains(
      """
          - podSelector:
              matchLabels:
                app: new
                role: web
                color: orange
      """))
}

/// The catalog looks for pod (anti-)affinity terms directly under `affinity`, so the usual
/// nested terms stay as they are; topology spread constraints are updated, never added to.
@Test func masterReachesAffinityTermsOnlyWhereTheCatalogLooks() throws {
  let deployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          topologySpreadConstraints:
          - labelSelector:
              matchLabels:
                app: old
                tier: web
          affinity:
            podAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
              - labelSelector:
                  matchLabels:
                    app: old
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector:
                matchLabels:
                  app: old
    """
  let (output, results) = try runBuiltin(
    "set-labels", deployment, config: labels, tag: "v0.2.0")
  #expect(
    output == """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels:
          app: new
          color: orange
      spec:
        template:
          spec:
            topologySpreadConstraints:
            - labelSelector:
                matchLabels:
                  app: new
                  tier: web
            affinity:
              podAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                - labelSelector:
                    matchLabels:
                      app: old
              requiredDuringSchedulingIgnoredDuringExecution:
              - labelSelector:
                  matchLabels:
                    app: new
          metadata:
            labels:
              app: new
              color: orange
        selector:
          matchLabels:
            app: new
            color: orange

      """)
  #expect(results.map(\.message) == ["set 10 labels in total"])
}

/// A label map that is not a map, or a label that is not a string, fails that resource with
/// the catalog SDK's words; the others are labelled, and the function fails at the end.
@Test func aResourceWhoseLabelsAreNotAStringMapFailsAlone() throws {
  let yaml = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: broken
      labels:
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: numbered
      labels:
        app: 1
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: fine
    """
  let (output, results, failure) = try runBuiltinOutcome(
    "set-labels", yaml, config: labels, tag: "latest")
  #expect(
    results == [
      "error: wrong type, got: *internal.scalarVariant",
      "error: node was not a string, was !!int",
      "info: set 2 labels in total",
    ])
  #expect(failure == "failed to evaluate function: error: function failure")
  #expect(output.hasSuffix("  name: fine\n  labels:\n    app: new\n    color: orange\n"))
}

/// v0.1.x reads its config as the catalog's kustomize-based main.go does: exact apiVersions,
/// the deprecated fieldSpecs refused next to additionalLabelFields, failures as error results.
@Test func kustomizeFamilyChecksItsConfigAsTheCatalogDid() throws {
  let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
  let (_, results, failure) = try runBuiltinOutcome(
    "set-labels", yaml,
    config: "apiVersion: fn.kpt.dev/v1beta1\nkind: SetLabels\nlabels:\n  app: web\n",
    tag: "v0.1.5")
  #expect(
    failure
      == "failed to configure function: function config must be a ConfigMap or SetLabelConfig")
  #expect(results == ["error: " + (failure ?? "")])
  let both = builtinFailure(
    "set-labels", yaml,
    config: """
      apiVersion: fn.kpt.dev/v1alpha1
      kind: SetLabels
      labels:
        app: web
      fieldSpecs: []
      additionalLabelFields: []
      """, tag: "v0.1.5")
  #expect(
    both
      == "failed to configure function: fieldSpecs has been deprecated, please rename it to additionalLabelFields"
  )
}
