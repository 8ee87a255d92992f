import Foundation
import Testing

@testable import KRM

private func yaml(_ text: String) throws -> YAMLNode {
  try YAMLFile(parsing: Array(text.utf8), name: "test.yaml").documents[0].root
}

/// A PackageRevision-like object typed the way Porch's API types it.
private let shape = JSONShape.object([
  "metadata": .objectMeta,
  "spec": .object(["workspaceName": .string, "revision": .integer, "deployment": .bool]),
  "status": .object(["conditions": .array(.condition)]),
])

private let object = """
  metadata:
    name: blueprints.app.123
    labels:
      kpt.dev/latest-revision: "true"
  spec:
    workspaceName: 123
    revision: 2
    deployment: true
    free: {a: 1, b: "2", c: yes, d: 1.5, e: ~}
  status:
    conditions:
    - type: Ready
      status: True
  """

@Test func jsonFollowsTheAPITypesNotTheScalarsSpelling() throws {
  let value = JSONValue(try yaml(object), shape: shape)
  #expect(value["metadata"]?["labels"]?["kpt.dev/latest-revision"] == .string("true"))
  #expect(value["spec"]?["workspaceName"] == .string("123"))
  #expect(value["spec"]?["revision"] == .number("2"))
  #expect(value["spec"]?["deployment"] == .bool(true))
  #expect(
    value["status"]?["conditions"]
      == .array([.object(["type": .string("Ready"), "status": .string("True")])]))
  // Fields the shape does not know go by their YAML tags as written.
  #expect(
    value["spec"]?["free"]
      == .object([
        "a": .number("1"), "b": .string("2"), "c": .string("yes"), "d": .number("1.5"), "e": .null,
      ]))
  // An empty string built in memory stays a string (a secretRef with no name).
  let empty = JSONValue(
    .mapping([YAMLEntry(key: .scalar("name"), value: .scalar(""))]),
    shape: .object(["name": .string]))
  #expect(empty.encoded() == #"{"name":""}"#)
}

@Test func jsonIsWrittenAsGoWritesIt() {
  let value = JSONValue.object([
    "b": .array([.number("1"), .string("<x>&")]), "a": .object([:]), "c": .array([]),
  ])
  #expect(value.encoded() == #"{"a":{},"b":[1,"\u003cx\u003e\u0026"],"c":[]}"#)
  #expect(
    value.encoded(indent: 4)
      == "{\n    \"a\": {},\n    \"b\": [\n        1,\n        \"\\u003cx\\u003e\\u0026\"\n    ],\n    \"c\": []\n}"
  )
  #expect(JSONValue.goFloat("1000000") == "1e+06")
  #expect(JSONValue.goFloat("123456") == "123456")
  #expect(JSONValue.goFloat("1234567") == "1.234567e+06")
  #expect(JSONValue.goFloat("0.00001") == "1e-05")
  #expect(JSONValue.goFloat("-2") == "-2")
  #expect(
    JSONValue.object(["m": .object(["k": .string("v")]), "l": .array([.bool(true), .null])])
      .goFormatted() == "map[l:[true <nil>] m:map[k:v]]")
}

@Test func jsonPathReadsKubectlsDialect() throws {
  let value = JSONValue(try yaml(object), shape: shape)
  func render(_ template: String) throws -> String { try JSONPath(template).render(value) }
  #expect(try render("{.metadata.name}") == "blueprints.app.123")
  #expect(try render(#"{.metadata.labels.kpt\.dev/latest-revision}"#) == "true")
  #expect(try render("{.metadata.labels}") == #"{"kpt.dev/latest-revision":"true"}"#)
  #expect(try render(#"{.spec.revision}{"\n"}"#) == "2\n")
  #expect(try render("{.spec.nothing}") == "")
  #expect(try render("{..type}") == "Ready")
  #expect(try render(#"{.status.conditions[?(@.type=="Ready")].status}"#) == "True")
  #expect(try render("{.status.conditions[?(@.reason)].status}") == "")
  #expect(try render("{.spec.free.*}") == "1 2 yes 1.5 <nil>")
  #expect(try render("{range .status.conditions[*]}[{.type}={.status}]{end}") == "[Ready=True]")
  #expect(
    try render("{.status.conditions[-1].type} {.status.conditions[0:1].status}") == "Ready True")
  #expect(try render("{.spec['workspaceName','revision']}") == "123 2")
  var strict = try JSONPath("{.spec.nothing}")
  strict.allowMissingKeys = false
  #expect(
    throws: PrintError.template(
      #"error executing jsonpath "{.spec.nothing}": Error executing template: nothing is not found"#
    )
  ) {
    try strict.render(value)
  }
  #expect(throws: PrintError.self) { try JSONPath("{.status.conditions[5]}").render(value) }
  #expect(throws: PrintError.template("error parsing jsonpath {.a[}, unterminated array")) {
    try JSONPath("{.a[}")
  }
  #expect(throws: PrintError.template("not in range, nothing to end")) { try JSONPath("{end}") }
  #expect(try JSONPath(relaxed: "metadata.name").template == "{.metadata.name}")
  #expect(try JSONPath(relaxed: "{.metadata.name}").template == "{.metadata.name}")
}

@Test func goTemplatesRunTheCommonSubset() throws {
  let value = JSONValue(try yaml(object), shape: shape)
  func render(_ template: String) throws -> String { try GoTemplate(template).render(value) }
  #expect(try render("{{.metadata.name}} {{.spec.revision}}") == "blueprints.app.123 2")
  #expect(try render(#"{{index .metadata.labels "kpt.dev/latest-revision"}}"#) == "true")
  #expect(try render("{{.spec.nothing}}|{{.spec.nothing.deeper}}") == "<no value>|<no value>")
  #expect(try render("{{range .status.conditions}}{{.type}}={{.status}}{{end}}") == "Ready=True")
  #expect(try render("{{range $k, $v := .spec.free}}{{$k}};{{end}}") == "a;b;c;d;e;")
  #expect(try render("{{range .nothing}}x{{else}}none{{end}}") == "none")
  #expect(try render(#"{{if eq .spec.workspaceName "123"}}yes{{else if .spec}}no{{end}}"#) == "yes")
  #expect(try render("{{with .spec}}{{.revision}}{{end}} {{len .status.conditions}}") == "2 1")
  #expect(
    try render(#"{{printf "%s/%d %q" .metadata.name .spec.revision .spec.workspaceName}}"#)
      == #"blueprints.app.123/2 "123""#)
  #expect(try render("{{- \" a \" -}}   \n {{ .spec.revision }}") == " a 2")
  #expect(try render("{{.spec.free}}") == "map[a:1 b:2 c:yes d:1.5 e:<nil>]")
  #expect(try render("{{$x := .spec.revision}}{{$x}}{{$.metadata.name}}") == "2blueprints.app.123")
  #expect(try GoTemplate("{{.n}}").render(.object(["n": .number("1000000")])) == "1e+06")
  var strict = try GoTemplate("{{.spec.nothing}}")
  strict.allowMissingKeys = false
  #expect(throws: PrintError.self) { try strict.render(value) }
  #expect(throws: PrintError.self) { try GoTemplate("{{nosuch .x}}") }
  #expect(throws: PrintError.self) { try GoTemplate("{{if .x}}") }
}

@Test func labelSelectorsMatchAsKubernetesDoes() throws {
  let labels = ["kpt.dev/latest-revision": "true", "tier": "web", "n": "3"]
  let cases: [(String, Bool)] = [
    ("kpt.dev/latest-revision=true", true), ("kpt.dev/latest-revision==true", true),
    ("tier!=web", false), ("tier!=db", true), ("missing!=x", true), ("tier in (db, web)", true),
    ("tier notin (web)", false), ("tier", true), ("!tier", false), ("!missing", true),
    ("tier=web,n>2", true), ("n<3", false), ("tier=web, missing", false),
  ]
  for (text, expected) in cases {
    #expect(try LabelSelector(text).matches(labels) == expected, "\(text)")
  }
  for bad in ["=x", "a in b", "a in (b", "a=b c", "a=b,", "-a=b"] {
    #expect(throws: PrintError.self, "\(bad)") { try LabelSelector(bad) }
  }
}

@Test func outputFormatsParseAsKubectlsDo() throws {
  #expect(try OutputFormat(parsing: nil) == .table)
  #expect(try OutputFormat(parsing: "jsonpath={.a}") == .jsonpath("{.a}"))
  #expect(try OutputFormat(parsing: "jsonpath", template: "{.b}") == .jsonpath("{.b}"))
  #expect(try OutputFormat(parsing: nil, template: "{{.c}}") == .goTemplate("{{.c}}"))
  #expect(try OutputFormat(parsing: "template={{.c}}") == .goTemplate("{{.c}}"))
  #expect(try OutputFormat(parsing: "custom-columns=A:.a") == .customColumns("A:.a"))
  #expect(try OutputFormat(parsing: "jsonpath-file=/x") == .file(.jsonpath, path: "/x"))
  #expect(
    throws: PrintError.unknownFormat("bogus", allowed: OutputFormat.allowed),
    performing: { try OutputFormat(parsing: "bogus") })
  #expect(
    PrintError.unknownFormat("bogus", allowed: OutputFormat.allowed).description
      == #"unable to match a printer suitable for the output format "bogus", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"#
  )
  #expect(throws: PrintError.template("template format specified but no template given")) {
    try OutputFormat(parsing: "jsonpath")
  }
  #expect(
    throws: PrintError.template("custom-columns format specified but no custom columns given")
  ) {
    try OutputFormat(parsing: "custom-columns=")
  }
  let file = try OutputFormat(parsing: "custom-columns-file=f").loaded { _ in
    Array("NAME   REV\n.metadata.name {.spec.revision}\n".utf8)
  }
  #expect(file == .customColumns("NAME:.metadata.name,REV:{.spec.revision}"))
  #expect(throws: PrintError.self) {
    try OutputFormat(parsing: "custom-columns-file=f").loaded { _ in Array("A B\n.a\n".utf8) }
  }
}

private func listing(_ objects: [JSONValue], single: Bool = false) -> ObjectListing {
  ObjectListing(
    resource: "packagerevision.porch.kpt.dev", columns: ["NAME", "REV"],
    items: objects.map { value in
      PrintableObject(
        node: .mapping(), value: value,
        cells: [
          value["metadata"]?["name"]?.stringValue ?? "",
          JSONPath.text(of: value["spec"]?["revision"] ?? .null),
        ])
    }, singleItem: single)
}

private func revision(_ name: String, _ number: Int?, latest: Bool = false) -> JSONValue {
  var metadata: [String: JSONValue] = ["name": .string(name), "namespace": .string("default")]
  if latest { metadata["labels"] = .object(["kpt.dev/latest-revision": .string("true")]) }
  return .object([
    "metadata": .object(metadata),
    "spec": .object(number.map { ["revision": .number(String($0))] } ?? [:]),
  ])
}

@Test func printersFormatListsAsKubectlGetDoes() throws {
  let items = listing([
    revision("r.a.v10", 10, latest: true), revision("r.a.v2", 2), revision("r.a.ws", nil),
  ])
  var options = PrintOptions()
  // Porch's e2e expectation: columns at least 6 wide, 3 spaces apart, <none> for a missing field.
  #expect(
    try KubectlPrinter.render(
      items, as: .customColumns("NAME:.metadata.name,REV:.spec.revision,L:.metadata.labels"),
      options: options)
        == """
        NAME      REV      L
        r.a.v10   10       map[kpt.dev/latest-revision:true]
        r.a.v2    2        <none>
        r.a.ws    <none>   <none>

        """)
  options.sortBy = ".spec.revision"
  options.noHeaders = true
  #expect(
    try KubectlPrinter.render(
      items, as: .jsonpath(#"{range .items[*]}{.metadata.name} {end}"#), options: options)
      == "r.a.ws r.a.v2 r.a.v10 ")
  options.sortBy = ".metadata.name"
  options.showLabels = true
  options.labelColumns = ["kpt.dev/latest-revision"]
  options.showKind = true
  #expect(
    try KubectlPrinter.render(items, as: .table, options: options)
      == """
      packagerevision.porch.kpt.dev/r.a.v2    2              <none>
      packagerevision.porch.kpt.dev/r.a.v10   10      true   kpt.dev/latest-revision=true
      packagerevision.porch.kpt.dev/r.a.ws    <nil>          <none>

      """)
  #expect(throws: PrintError.self) {
    var bad = PrintOptions()
    bad.sortBy = ".nothing"
    return try KubectlPrinter.render(items, as: .table, options: bad)
  }
  // A list query prints a List even with one item; one name asked prints the object.
  let one = listing([revision("r.a.v2", 2)])
  #expect(
    try KubectlPrinter.render(one, as: .jsonpath("{.kind}"), options: PrintOptions()) == "List")
  let named = listing([revision("r.a.v2", 2)], single: true)
  #expect(
    try KubectlPrinter.render(named, as: .jsonpath("{.metadata.name}"), options: PrintOptions())
      == "r.a.v2")
  #expect(
    try KubectlPrinter.render(one, as: .name, options: PrintOptions())
      == "packagerevision.porch.kpt.dev/r.a.v2\n")
  #expect(try KubectlPrinter.render(listing([]), as: .table, options: PrintOptions()) == "")
  #expect(
    try KubectlPrinter.render(
      named, as: .jsonpathAsJSON("{.metadata.name}"), options: PrintOptions())
      == "[\n    \"r.a.v2\"\n]\n")
  #expect(KubectlPrinter.naturalLess("a2", "a10") && !KubectlPrinter.naturalLess("a10", "a2"))
}

/// Issue 21: `-o yaml` and `-o json` Lists are written item by item; the bytes are those of the
/// whole List printed as one document.
@Test func streamedListsAreTheWholeListsBytes() throws {
  let odd = [
    "", "true", "null", "~", "3", "-1", "1e5", "0x1F", "12:30", "v1", "a: b", "#x", "- x",
    "line\nbreak", "tab\there", "quote\"d", "<&>", "é", "\u{2028}", "trailing ", " leading",
  ]
  var objects: [PrintableObject] = []
  for (i, text) in odd.enumerated() {
    let node = try yaml(
      """
      apiVersion: v1
      kind: Thing
      metadata:
        name: thing-\(i)
        labels:
          a: "x"
      spec:
        empty: {}
        none: []
        list:
        - one
        - nested:
            deeper: [1, 2]
        text: |
          two
          lines
      """)
    var copy = node
    _ = copy.set(.scalar(text), at: ["spec", "odd"])
    _ = copy.set(.sequence([.scalar(text), .mapping([])]), at: ["spec", "odds"])
    objects.append(
      PrintableObject(node: copy, value: JSONValue(copy, shape: .free), cells: ["thing-\(i)"]))
  }
  let listing = ObjectListing(
    resource: "thing", columns: ["NAME"], items: objects, singleItem: false)
  for format in [OutputFormat.yaml, .json] {
    var streamed: [UInt8] = []
    var pieces = 0
    try KubectlPrinter.write(listing, as: format, options: PrintOptions(), chunk: 100) {
      streamed += $0
      pieces += 1
    }
    let whole = try KubectlPrinter.render(listing, as: format, options: PrintOptions())
    #expect(String(decoding: streamed, as: UTF8.self) == whole)
    #expect(pieces > 1)
  }
}

@Test func quickPlainScalarsAreWhatTheFormatterWrites() {
  let samples = [
    "", "a", "y", "Y", "n", "on", "off", "No", "null", "nullable", "true", "trueish", "v1",
    "catalog.pkg0000.v10", "0", "01", "1.5", "1.2.3", "1e5", "1e", "e5", "12:30", "1_000",
    "0x1F", "0x", "0xg", "0o17", "0b101", "2023-11-15T03:13:23Z", "e439a450-f4c0-5935-ad4e",
    "53657d97dfa51d9826df0c83a9748c82eed455cc", "1234567", "1e+5", "1e-5", "1-5", "1+5",
    "a:", "a:b", "http://x/y", "/tmp/x.git", "porch@kpt.dev", "@x", "a b", "-x", ".x", "~",
    "a#b", "a,b", "=", "a=b", "%x", "x%", "ü", "drafts/pkg/v11", "1.", ".5", "1..2",
  ]
  for sample in samples {
    #expect(
      ScalarFormatter.plainText(sample)
        == ScalarFormatter.format(sample, style: .plain, indent: 0), "\(sample)")
  }
}

@Test func jsonStringsAreQuotedAsGoQuotesThem() {
  for sample in [
    "", "plain", "quote\"", "back\\slash", "<tag>&", "line\nbreak\r\t", "\u{1}\u{1F}",
    "é ü 日本", "\u{2028}\u{2029}", "\u{7F}", "emoji 🎉", "\u{E2}",
  ] {
    var out: [UInt8] = []
    JSONValue.quote(sample, into: &out)
    #expect(String(decoding: out, as: UTF8.self) == GoJSON.quote(sample), "\(sample)")
  }
}
