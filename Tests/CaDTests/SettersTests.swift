import Foundation
import KRM
import Testing

@testable import CaD

private let twoDocuments = """
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: first
  ---
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: second
  data:
    greeting: say "hi" # kpt-set: say "${word}"
  """

/// apply-setters, create-setters and search-replace name the file of a field but not the
/// document's index in it (their main.go files set only the path).
@Test func setterResultsNameTheFileWithoutAnIndex() throws {
  let (_, applied) = try runBuiltin(
    "apply-setters", twoDocuments, config: "kind: ConfigMap\ndata:\n  word: hello\n")
  #expect(applied.map(\.message) == [#"set field value to "say \"hello\"""#])
  #expect(applied.map(\.filePath) == ["resources.yaml"] && applied.map(\.fileIndex) == [0])
  let (_, matched) = try runBuiltin(
    "search-replace", twoDocuments, config: "kind: ConfigMap\ndata:\n  by-path: data.greeting\n")
  #expect(matched.map(\.filePath) == ["resources.yaml"] && matched.map(\.fileIndex) == [0])
}

/// create-setters quotes both parts of its message as Go's %q does, and a failure is an error
/// result with the bare message on stderr.
@Test func createSettersQuotesItsResultsAndReportsFailures() throws {
  let (_, created) = try runBuiltin(
    "create-setters", twoDocuments, config: "kind: ConfigMap\ndata:\n  name: second\n")
  #expect(
    created.map(\.message) == [
      #"Added line comment "kpt-set: ${name}" for field with value "second""#
    ])
  let (_, results, failure) = try runBuiltinOutcome(
    "create-setters", twoDocuments, config: "kind: ConfigMap\ndata:\n  name: third\n")
  #expect(failure == "no matches for the input list of setters")
  #expect(results == ["error: failed to create setters: no matches for the input list of setters"])
}

/// apply-setters' failure: an error result with the message, the bare message on stderr.
@Test func applySettersReportsAMissingSetterValue() throws {
  let yaml = "kind: ConfigMap\nmetadata:\n  name: a # kpt-set: ${x}-${y}\n"
  let (_, results, failure) = try runBuiltinOutcome(
    "apply-setters", yaml, config: "kind: ConfigMap\ndata:\n  x: one\n")
  #expect(failure == "values for setters [${y}] must be provided")
  #expect(results == ["error: failed to apply setters: values for setters [${y}] must be provided"])
}
