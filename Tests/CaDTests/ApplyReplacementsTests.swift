import Foundation
import KRM
import Testing

@testable import CaD

private let configMaps = """
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: source
    namespace: default
  data:
    value: new
  ---
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: web
    labels:
      tier: web
  data:
    value: old
  ---
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: db
    namespace: data
    labels:
      tier: db
  data:
    value: old
  ---
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: cache
    labels:
      tier: cache
      pinned: "true"
  data:
    value: old
  """

private func replacing(target: String) -> String {
  let indented = target.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
  return """
    apiVersion: fn.kpt.dev/v1alpha1
    kind: ApplyReplacements
    metadata:
      name: r
    replacements:
    - source:
        kind: ConfigMap
        name: source
        fieldPath: data.value
      targets:

    """ + indented + "\n      fieldPaths:\n      - data.value\n"
}

/// The names of the ConfigMaps whose value was replaced.
private func replaced(_ target: String) throws -> [String] {
  let (output, _) = try runBuiltin(
    "apply-replacements", configMaps, config: replacing(target: target))
  let file = try YAMLFile(parsing: Array(output.utf8), name: "out.yaml")
  return file.documents.compactMap { document in
    guard document.root.node(at: ["data", "value"])?.string == "new",
      let name = document.root.node(at: ["metadata", "name"])?.string, name != "source"
    else { return nil }
    return name
  }
}

/// kustomize's replacement filter (api v0.10, which the catalog pins): label and annotation
/// selectors are Kubernetes label selectors, with set-based requirements.
@Test func replacementTargetsSelectByFullLabelSelectors() throws {
  #expect(try replaced("- select:\n    labelSelector: tier in (web, db)") == ["web", "db"])
  #expect(try replaced("- select:\n    labelSelector: tier!=web,!pinned") == ["db"])
  #expect(try replaced("- select:\n    annotationSelector: owner") == [])
  #expect(
    try replaced("- select:\n    kind: ConfigMap\n    namespace: default") == ["web", "cache"])
}

/// A reject's id rejects what it selects, and its label selector, on its own, rejects what it
/// matches; a reject that names nothing rejects nothing.
@Test func replacementRejectsByIdAndByLabelsSeparately() throws {
  #expect(
    try replaced(
      "- select:\n    kind: ConfigMap\n  reject:\n  - name: source\n  - name: web\n    labelSelector: tier=db"
    ) == ["cache"])
  #expect(
    try replaced("- select:\n    kind: ConfigMap\n  reject:\n  - {}") == ["web", "db", "cache"])
}

@Test func aLabelSelectorThatCannotBeParsedFailsTheFunction() throws {
  let (_, results, failure) = try runBuiltinOutcome(
    "apply-replacements", configMaps,
    config: replacing(target: "- select:\n    labelSelector: tier in web"))
  #expect(failure == "unable to parse requirement: found 'w', expected: '('")
  #expect(results == ["error: unable to parse requirement: found 'w', expected: '('"])
}
