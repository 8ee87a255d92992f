import Foundation
import Testing

/// A registered repository `blueprints` with `app` published from workspace `123`, a draft
/// `app-db` and a clone of `app` from its git URL; `stoop` runs the binary on it.
private struct PrintingWorld {
  let work = temporaryDirectory("printing")
  let remote: String
  var env: [String: String] { ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"] }

  init() throws {
    remote = try makeBareRemote(in: work)
    for arguments in [
      ["repo", "register", remote, "--create-branch"],
      ["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "123"],
      ["rpkg", "propose", "blueprints.app.123"], ["rpkg", "approve", "blueprints.app.123"],
      ["rpkg", "init", "app-db", "--repository", "blueprints", "--workspace", "v1"],
      [
        "rpkg", "clone", remote, "web", "--directory", "app", "--ref", "main", "--repository",
        "blueprints", "--workspace", "w1",
      ],
    ] {
      let result = try run(stoopBinary, arguments, environment: env)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }
  }

  func stoop(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let result = try run(stoopBinary, arguments, environment: env)
    return (result.status, String(decoding: result.stdout, as: UTF8.self), result.stderr)
  }

  func json(_ arguments: [String]) throws -> [String: Any] {
    let out = try stoop(arguments + ["-o", "json"] + (arguments[0] == "rpkg" ? ["--offline"] : []))
    let object = try JSONSerialization.jsonObject(with: Data(out.out.utf8)) as? [String: Any]
    return object ?? [:]
  }
}

private func field(_ object: Any?, _ path: String...) -> Any? {
  var current = object
  for key in path {
    if let index = Int(key), let array = current as? [Any] {
      current = array.indices.contains(index) ? array[index] : nil
    } else {
      current = (current as? [String: Any])?[key]
    }
  }
  return current
}

/// Issue 16, item 1: -o json types values as Porch's API does, whatever their YAML spelling.
@Test func jsonKeepsStringsThatLookLikeBooleansOrNumbers() throws {
  let world = try PrintingWorld()
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  let published = try world.json(["rpkg", "get", "blueprints.app.123"])
  #expect(field(published, "metadata", "labels", "kpt.dev/latest-revision") as? String == "true")
  #expect(field(published, "spec", "workspaceName") as? String == "123")
  #expect((field(published, "spec", "revision") as? NSNumber)?.intValue == 1)
  let clone = try world.json(["rpkg", "get", "blueprints.web.w1"])
  #expect(
    field(clone, "spec", "tasks", "0", "clone", "upstreamRef", "git", "secretRef", "name")
      as? String == "")
  let repository = try world.json(["repo", "get", "blueprints"])
  #expect(field(repository, "status", "conditions", "0", "status") as? String == "True")
  // The YAML was right already and stays so.
  let yaml = try world.stoop(["rpkg", "get", "blueprints.app.123", "-o", "yaml", "--offline"]).out
  #expect(yaml.contains("    kpt.dev/latest-revision: \"true\"\n"))
  #expect(yaml.contains("  workspaceName: \"123\"\n"))
}

/// Issue 16, item 2: a list query prints a List whatever its length; one name, the object.
@Test func everyListQueryPrintsAList() throws {
  let world = try PrintingWorld()
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  #expect(try world.json(["repo", "get"])["kind"] as? String == "List")
  #expect((try world.json(["repo", "get"])["items"] as? [Any])?.count == 1)
  #expect(try world.json(["repo", "get", "blueprints"])["kind"] as? String == "Repository")
  let one = try world.json(["rpkg", "get", "--name", "app", "--revision", "1"])
  #expect(one["kind"] as? String == "List" && (one["items"] as? [Any])?.count == 1)
  #expect(
    try world.json(["rpkg", "get", "blueprints.app.123"])["kind"] as? String == "PackageRevision")
  let yaml = try world.stoop(["repo", "get", "-o", "yaml"]).out
  #expect(yaml.hasPrefix("apiVersion: v1\nitems:\n- apiVersion: config.porch.kpt.dev/v1alpha1\n"))
  let path = try world.stoop([
    "rpkg", "get", "-o", "jsonpath={.items[*].metadata.name}", "--offline",
  ])
  #expect(
    path.out == "blueprints.app.main blueprints.app.123 blueprints.app-db.v1 blueprints.web.w1")
  let single = try world.stoop([
    "rpkg", "get", "blueprints.app.123", "-o", "jsonpath={.spec.lifecycle}", "--offline",
  ])
  #expect(single.out == "Published")
}

/// Issue 16, item 5: --name is porchctl's exact package name, else a substring (the guide's
/// `--name istio` lists istions); --revision, --workspace and --repository are exact.
@Test func nameFilterIsExactFirstThenASubstring() throws {
  let world = try PrintingWorld()
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  func names(_ arguments: [String]) throws -> String {
    try world.stoop(["rpkg", "get", "-o", "name", "--offline"] + arguments).out
  }
  let prefix = "packagerevision.porch.kpt.dev/"
  #expect(
    try names(["--name", "app"]) == "\(prefix)blueprints.app.main\n\(prefix)blueprints.app.123\n")
  #expect(try names(["--name", "ap"]).split(separator: "\n").count == 3)
  #expect(try names(["--name", "pp-d"]) == "\(prefix)blueprints.app-db.v1\n")
  #expect(try names(["--name", "ap", "--revision", "v1"]) == "\(prefix)blueprints.app.123\n")
  #expect(try names(["--workspace", "w1"]) == "\(prefix)blueprints.web.w1\n")
  #expect(try names(["--ws", "w", "--rev", "-2"]) == "")
  #expect(try names(["-r", "other"]) == "")
  #expect(try names(["blueprints.app.123", "--workspace", "main"]) == "")
}

/// Issue 16, item 11: -o wide has exactly porchctl's columns; the default table and custom
/// columns align as kubectl's tab writer does (Porch's e2e expectation).
@Test func tablesHavePorchctlsColumns() throws {
  let world = try PrintingWorld()
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  let table = try world.stoop(["rpkg", "get", "--offline"]).out
  #expect(try world.stoop(["rpkg", "get", "-o", "wide", "--offline"]).out == table)
  #expect(
    table.hasPrefix(
      "NAME                   PACKAGE   WORKSPACENAME   REVISION   LATEST   LIFECYCLE   REPOSITORY\n"
    ))
  #expect(
    try world.stoop(["repo", "get", "-o", "wide"]).out.split(separator: "\n").first
      == (try world.stoop(["repo", "get"]).out).split(separator: "\n").first)
  let columns = try world.stoop([
    "rpkg", "get", "--offline", "--name", "app",
    "--output=custom-columns=NAME:.metadata.name,PKG:.spec.packageName,REPO:.spec.repository,REV:.spec.revision",
  ])
  #expect(
    columns.out == """
      NAME                  PKG   REPO         REV
      blueprints.app.main   app   blueprints   -1
      blueprints.app.123    app   blueprints   1

      """)
  let drafts = try world.stoop([
    "rpkg", "get", "--offline", "-r", "blueprints", "--name", "app-db", "--no-headers", "-o",
    "custom-columns=NAME:{.metadata.name},REV:spec.revision",
  ])
  #expect(drafts.out == "blueprints.app-db.v1   <none>\n")
}

/// The rest of kubectl's printer flags, the selector, and misuse reported in kubectl's words.
@Test func kubectlPrinterFlagsWorkOnRpkgAndRepoGet() throws {
  let world = try PrintingWorld()
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  let latest = try world.stoop([
    "rpkg", "get", "--offline", "-l", "kpt.dev/latest-revision=true", "--show-labels", "-L",
    "kpt.dev/latest-revision",
  ])
  #expect(
    latest.out == """
      NAME                 PACKAGE   WORKSPACENAME   REVISION   LATEST   LIFECYCLE   REPOSITORY   LATEST-REVISION   LABELS
      blueprints.app.123   app       123             1          true     Published   blueprints   true              kpt.dev/latest-revision=true

      """)
  let sorted = try world.stoop([
    "rpkg", "get", "--offline", "--sort-by", "{.spec.workspaceName}", "-o",
    #"jsonpath={range .items[*]}{.spec.workspaceName},{end}"#,
  ])
  #expect(sorted.out == "123,main,v1,w1,")
  let template = try world.stoop([
    "repo", "get", "-o",
    #"go-template={{range .items}}{{.metadata.name}} {{.spec.git.branch}}{{"\n"}}{{end}}"#,
  ])
  #expect(template.out == "blueprints main\n")
  let file = world.work + "/columns.txt"
  try "NAME   LIFECYCLE\n.metadata.name   .spec.lifecycle\n".write(
    toFile: file, atomically: true, encoding: .utf8)
  let fromFile = try world.stoop([
    "rpkg", "get", "blueprints.app-db.v1", "--offline", "-o", "custom-columns-file=" + file,
  ])
  #expect(fromFile.out == "NAME                   LIFECYCLE\nblueprints.app-db.v1   Draft\n")

  let bad = try world.stoop(["rpkg", "get", "-o", "yml"])
  #expect(bad.status == 64)
  #expect(
    bad.err.hasPrefix(
      #"Error: unable to match a printer suitable for the output format "yml", allowed formats are: custom-columns,custom-columns-file,go-template,"#
    ))
  #expect(
    try world.stoop(["repo", "get", "-o", "jsonpath"]).err.hasPrefix(
      "Error: template format specified but no template given"))
  let selector = try world.stoop(["rpkg", "get", "-l", "a in b"])
  #expect(selector.status == 64 && selector.err.hasPrefix("Error: unable to parse requirement"))
}

/// `-o name` is accepted back by every command, and kubectl's client flags are accepted.
@Test func nameOutputIsAcceptedBackAndKubeconfigIgnored() throws {
  let world = try PrintingWorld()
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  let draft = try world.stoop(["rpkg", "get", "--name", "app-db", "-o", "name", "--offline"]).out
  #expect(draft == "packagerevision.porch.kpt.dev/blueprints.app-db.v1\n")
  let proposed = try world.stoop([
    "rpkg", "propose", String(draft.dropLast()), "--kubeconfig", "/nonexistent", "--context", "x",
  ])
  #expect(
    proposed.status == 0 && proposed.out == "blueprints.app-db.v1 proposed\n", "\(proposed.err)")
  let repository = try world.stoop(["repo", "get", "-o", "name"]).out
  #expect(repository == "repository.config.porch.kpt.dev/blueprints\n")
  #expect(
    try world.stoop(["repo", "sync", String(repository.dropLast()), "-s", "https://x"]).status == 0)
  #expect(
    try world.stoop([
      "rpkg", "get", "-o", "name", "--offline", "-r", "repository.config.porch.kpt.dev/blueprints",
      "--name", "web",
    ]).out == "packagerevision.porch.kpt.dev/blueprints.web.w1\n")
  let copy = try world.stoop([
    "rpkg", "copy", "packagerevisions.porch.kpt.dev/blueprints.app.123", "--workspace", "v2",
  ])
  #expect(copy.status == 0, "\(copy.err)")
}

/// porchctl's `rpkg get --show-kptfile NAME`: the root Kptfile as stored; misuse in its words.
@Test func showKptfilePrintsTheStoredKptfile() throws {
  let world = try PrintingWorld()
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  let shown = try world.stoop(["rpkg", "get", "--show-kptfile", "blueprints.app.123", "--offline"])
  let stored = try run(
    "/usr/bin/env", ["git", "-C", world.remote, "show", "app/v1:app/Kptfile"])
  #expect(shown.status == 0 && shown.out == String(decoding: stored.stdout, as: UTF8.self))
  let two = try world.stoop(["rpkg", "get", "--show-kptfile", "a", "b"])
  #expect(two.status == 64)
  #expect(
    two.err.hasPrefix(
      "Error: --show-kptfile requires exactly one package revision name as an argument"))
  #expect(
    try world.stoop(["rpkg", "get", "--show-kptfile", "a", "--name", "x"]).err.hasPrefix(
      "Error: --show-kptfile cannot be combined with --name, --revision, or --workspace"))
  #expect(
    try world.stoop(["rpkg", "get", "--show-kptfile", "a", "-A"]).err.hasPrefix(
      "Error: --show-kptfile cannot be combined with --all-namespaces"))
}

/// Issue 21: a List's items, written one by one from each revision's fields, are the objects
/// as `rpkg get NAME` prints them alone (from their trees), Kptfile fields and all; a second
/// listing, which reads what the first kept in kptfiles.cache, prints the same bytes.
@Test func streamedListItemsAreTheObjectsPrintedAlone() throws {
  let world = try PrintingWorld()
  defer { try? FileManager.default.removeItem(atPath: world.work) }
  // A draft whose Kptfile adds package labels, a readiness gate and a condition to its object.
  let checkout = world.work + "/app-db"
  #expect(try world.stoop(["rpkg", "pull", "blueprints.app-db.v1", checkout]).status == 0)
  let kptfile = checkout + "/Kptfile"
  var text = try String(contentsOfFile: kptfile, encoding: .utf8)
  text = text.replacingOccurrences(
    of: "metadata:\n", with: "metadata:\n  labels:\n    tier: \"db\"\n    count: \"3\"\n")
  text = text.replacingOccurrences(
    of: "info:\n", with: "info:\n  readinessGates:\n  - conditionType: ready\n")
  text = text.replacingOccurrences(
    of: "  conditions:\n",
    with:
      "  conditions:\n  - type: ready\n    status: \"True\"\n    message: |\n      two\n      lines\n"
  )
  try text.write(toFile: kptfile, atomically: true, encoding: .utf8)
  let push = try world.stoop(["rpkg", "push", "blueprints.app-db.v1", checkout])
  #expect(push.status == 0, "\(push.err)")

  let names = try world.stoop(["rpkg", "get", "-o", "name", "--offline"]).out
    .split(separator: "\n").compactMap { $0.split(separator: "/").last.map(String.init) }
  #expect(names.count == 4)
  for format in ["yaml", "json"] {
    let list = try world.stoop(["rpkg", "get", "-o", format, "--offline"]).out
    #expect(try world.stoop(["rpkg", "get", "-o", format, "--offline"]).out == list)
    var items: [String] = []
    for name in names {
      let alone = try world.stoop(["rpkg", "get", name, "-o", format, "--offline"]).out
      let lines = alone.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
      if format == "yaml" {
        items.append(
          lines.enumerated().map { i, line in
            (i == 0 ? "- " : line.isEmpty ? "" : "  ") + line + "\n"
          }.joined())
      } else {
        items.append(lines.map { "        " + $0 }.joined(separator: "\n"))
      }
    }
    let expected =
      format == "yaml"
      ? "apiVersion: v1\nitems:\n" + items.joined()
        + "kind: List\nmetadata:\n  resourceVersion: \"\"\n"
      : "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n" + items.joined(separator: ",\n")
        + "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n"
        + "        \"resourceVersion\": \"\"\n    }\n}\n"
    #expect(list == expected)
    #expect(
      list.contains("tier") && list.contains("readinessGates") && list.contains("upstreamLock"))
  }
}
