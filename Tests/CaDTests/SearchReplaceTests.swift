import Foundation
import KRM
import Testing

@testable import CaD

private let settings = """
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
  data:
    quoted: "1.0"
    commented: plain # was set by hand
    hosts: [a.example.com, "b example"]
    none: []
  """

private func arguments(_ pairs: KeyValuePairs<String, String>) -> String {
  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: function-input\ndata:\n"
    + pairs.map { "  \($0.key): \(FunctionReport.goQuoted($0.value))\n" }.joined()
}

/// The catalog (searchreplace/search_replace.go and main.go) reports each field as go-yaml
/// writes it, quotes and line comment included, Go-quoted.
@Test func searchReplaceReportsFieldsAsGoYAMLWritesThem() throws {
  let (_, results) = try runBuiltin(
    "search-replace", settings, config: arguments(["by-path": "data.*"]))
  #expect(
    results.map { "\($0.fieldPath): \($0.message)" } == [
      #"data.quoted: Matched field value "\"1.0\"""#,
      #"data.commented: Matched field value "plain # was set by hand""#,
      "data.hosts[0]: Matched field value \"a.example.com\"",
      #"data.hosts[1]: Matched field value "\"b example\"""#,
    ])
}

/// A list field matched by by-path takes put-comment on its key and turns block style; the
/// result names the by-path pattern and shows the list in flow style; an empty list is left.
@Test func searchReplaceCommentsListKeysAndReportsThePattern() throws {
  let (output, results) = try runBuiltin(
    "search-replace", settings,
    config: arguments(["by-path": "**.hosts", "put-comment": "kpt-set: ${hosts}"]))
  #expect(output.contains("  hosts: # kpt-set: ${hosts}\n  - a.example.com\n  - \"b example\"\n"))
  #expect(
    results.map { "\($0.fieldPath): \($0.message)" } == [
      #"**.hosts # kpt-set: ${hosts}: Mutated field value to "[a.example.com, \"b example\"]""#
    ])
  let (_, empty) = try runBuiltin(
    "search-replace", settings, config: arguments(["by-path": "data.none", "put-comment": "x"]))
  #expect(empty.map(\.message) == ["no matches"])
}

/// A key given an empty value counts as not given: an empty put-value only matches, an empty
/// by-value leaves a by-path match alone.
@Test func searchReplaceIgnoresEmptyArguments() throws {
  let (output, results) = try runBuiltin(
    "search-replace", settings,
    config: arguments(["by-path": "data.quoted", "by-value": "", "put-value": ""]))
  #expect(output.contains("  quoted: \"1.0\"\n"))
  #expect(results.map(\.message) == [#"Matched field value "\"1.0\"""#])
}

/// A failure is an error result quoting the message, and the bare message on stderr.
@Test func searchReplaceFailsWithAQuotedErrorResult() throws {
  let (_, results, failure) = try runBuiltinOutcome(
    "search-replace", settings,
    config: arguments(["by-value": "a", "by-value-regex": "b"]))
  #expect(failure == #"only one of ["by-value", "by-value-regex"] can be provided"#)
  #expect(
    results == [
      #"error: failed to perform search-replace operation: "only one of [\"by-value\", \"by-value-regex\"] can be provided""#
    ])
}
