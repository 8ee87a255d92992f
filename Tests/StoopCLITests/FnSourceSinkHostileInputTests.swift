import Foundation
import Testing

/// A package directory holding one file, for the hostile-input repros of issue 14.
private func package(_ name: String, _ text: String) throws -> String {
  let directory = temporaryDirectory("hostile")
  try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
  return directory
}

private func nested(_ depth: Int) -> String {
  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  k: "
    + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
}

@Test func deepNestingIsAOneLineErrorNotACrash() throws {
  for depth in [10_000, 40_000] {
    let directory = try package("deploy.yaml", nested(depth))
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let source = try run(stoopBinary, ["fn", "source", directory])
    #expect(source.status == 1)
    #expect(
      source.stderr
        == "Error: \(directory)/deploy.yaml:6: nesting deeper than 1000 levels is not supported\n")
    #expect(source.stdout.isEmpty)

    let before = tree(directory)
    let eval = try run(stoopBinary, ["fn", "eval", directory, "-i", "set-labels", "--", "a=b"])
    #expect(eval.status == 1)
    #expect(eval.stderr.contains("deploy.yaml:6: nesting deeper than 1000 levels is not supported"))
    #expect(tree(directory) == before)

    let sink = temporaryDirectory("deep-sink")
    let list = try run(stoopBinary, ["fn", "sink", sink], input: Array(nested(depth).utf8))
    #expect(list.status == 1)
    #expect(list.stderr == "Error: stdin:6: nesting deeper than 1000 levels is not supported\n")
    #expect(!FileManager.default.fileExists(atPath: sink))
  }
}

/// The inputs issue 14 found: each comes back through source | sink byte for byte, or source
/// refuses it in one line and exit 1.
@Test func sourceThenSinkIsIdentityOrAOneLineRefusal() throws {
  let identity: [(String, String)] = [
    ("question.yaml", " ?"),
    (
      "crlf.yaml",
      "apiVersion: v1\r\nkind: X\r\nmetadata:\r\n  name: x\r\n  annotations:\r\n    a: b\r\n"
    ),
    ("data.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n\n"),
    (
      "cm.json",
      "{\"kind\": \"ConfigMap\", \"apiVersion\": \"v1\", \"data\": {\"b\": \"1\", \"a\": \"2\"}}\n"
    ),
  ]
  for (name, text) in identity {
    let directory = try package(name, text)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let source = try run(stoopBinary, ["fn", "source", directory])
    #expect(source.status == 0, "\(name): \(source.stderr)")
    let output = temporaryDirectory("hostile-sink")
    defer { try? FileManager.default.removeItem(atPath: output) }
    let sink = try run(stoopBinary, ["fn", "sink", output], input: source.stdout)
    #expect(sink.status == 0, "\(name): \(sink.stderr)")
    #expect(tree(output) == [name: Data(text.utf8)], "\(name)")
  }

  let refused: [(String, String, String)] = [
    (
      "two.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: x\n",
      "two.yaml:6: metadata is not a mapping, so the document cannot carry fn source's annotations"
    ),
    (
      "apiver.yaml", "apiVer\n",
      "apiver.yaml:1: not a KRM resource: a document must be a mapping to travel in a ResourceList"
    ),
  ]
  for (name, text, message) in refused {
    let directory = try package(name, text)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let source = try run(stoopBinary, ["fn", "source", directory])
    #expect(source.status == 1)
    #expect(source.stderr == "Error: \(directory)/\(message)\n")
    #expect(source.stdout.isEmpty)
  }
}

/// `rpkg push` of a draft with a pipeline and a file nested 10,000 deep crashed in the render and
/// left its scratch directory behind: now it is refused in one line, the draft stays, and the
/// scratch directory is gone.
@Test func pushOfTooDeepAFileIsRefusedAndLeavesNoScratch() throws {
  let work = temporaryDirectory("deep-push")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let env = ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  func stoop(_ arguments: [String]) throws -> Run {
    try run(stoopBinary, arguments, environment: env)
  }
  #expect(try stoop(["repo", "register", remote, "--create-branch"]).status == 0)
  #expect(
    try stoop(["rpkg", "init", "web", "--repository", "blueprints", "--workspace", "v1"]).status
      == 0)
  let checkout = work + "/web"
  #expect(try stoop(["rpkg", "pull", "blueprints.web.v1", checkout]).status == 0)
  let kptfile = """
    apiVersion: kpt.dev/v1
    kind: Kptfile
    metadata:
      name: web
    pipeline:
      mutators:
        - image: gcr.io/kpt-fn/set-labels:v0.2.0
          configMap:
            app: web

    """
  try kptfile.write(toFile: checkout + "/Kptfile", atomically: false, encoding: .utf8)
  try nested(10_000).write(toFile: checkout + "/deploy.yaml", atomically: false, encoding: .utf8)
  let before = try run("/usr/bin/env", ["git", "-C", remote, "rev-parse", "drafts/web/v1"]).stdout

  let pushed = try stoop(["rpkg", "push", "blueprints.web.v1", checkout])
  #expect(pushed.status != 0)
  #expect(pushed.stderr.contains("deploy.yaml:6: nesting deeper than 1000 levels is not supported"))
  #expect(!pushed.stderr.contains("crashed"))
  #expect(
    try run("/usr/bin/env", ["git", "-C", remote, "rev-parse", "drafts/web/v1"]).stdout == before)
  let scratch = (try? FileManager.default.contentsOfDirectory(atPath: work + "/home/tmp")) ?? []
  #expect(scratch.isEmpty, "\(scratch)")
}
