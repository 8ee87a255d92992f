import Foundation
import Testing

private func git(_ arguments: [String]) throws -> String {
  String(decoding: try run("/usr/bin/env", ["git"] + arguments).stdout, as: UTF8.self)
}

private let pipelineKptfile = """
  apiVersion: kpt.dev/v1
  kind: Kptfile
  metadata:
    name: web
    annotations:
      config.kubernetes.io/local-config: "true"
  pipeline:
    mutators:
      - image: set-namespace:v0.4.1
        configMap:
          namespace: shop
      - image: gcr.io/kpt-fn/set-labels:v0.2.0
        configMap:
          app: web

  """

/// A failing step: ensure-name-substring takes exactly one ConfigMap entry.
private let failingKptfile = """
  apiVersion: kpt.dev/v1
  kind: Kptfile
  metadata:
    name: web
    annotations:
      config.kubernetes.io/local-config: "true"
  pipeline:
    mutators:
      - image: ensure-name-substring:v0.2.0
        configMap:
          prepend: a-
          append: -b

  """

private let deployment = """
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web # the front end
  spec:
    replicas: 1

  """

/// Push renders the Kptfile pipeline into one `Rendering package` commit; a failing pipeline
/// refuses the push and leaves the draft where it was, unless the revision allows pushing on
/// render failure; propose re-renders and refuses to move a draft that does not render.
@Test func pushAndProposeRenderAsPorchDoes() throws {
  let work = temporaryDirectory("render-push")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let env = ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  func stoop(_ arguments: [String], input: [UInt8]? = nil) throws -> Run {
    try run(stoopBinary, arguments, input: input, environment: env)
  }
  func draftHead() throws -> String {
    try git(["-C", remote, "rev-parse", "drafts/web/v1"]).trimmingCharacters(in: .newlines)
  }
  #expect(try stoop(["repo", "register", remote, "--create-branch"]).status == 0)
  #expect(
    try stoop(["rpkg", "init", "web", "--repository", "blueprints", "--workspace", "v1"]).status
      == 0)

  let checkout = work + "/web"
  #expect(try stoop(["rpkg", "pull", "blueprints.web.v1", checkout]).status == 0)
  try pipelineKptfile.write(toFile: checkout + "/Kptfile", atomically: false, encoding: .utf8)
  try deployment.write(toFile: checkout + "/deployment.yaml", atomically: false, encoding: .utf8)
  let before = try draftHead()
  let pushed = try stoop(["rpkg", "push", "blueprints.web.v1", checkout])
  #expect(pushed.status == 0, "\(pushed.stderr)")
  #expect(String(decoding: pushed.stdout, as: UTF8.self) == "blueprints.web.v1 pushed\n")
  #expect(pushed.stderr.contains("[PASS] \"gcr.io/kpt-fn/set-labels:v0.2.0\""))

  // One commit on the old head, with the rendered files.
  let head = try draftHead()
  #expect(try git(["-C", remote, "rev-parse", head + "^"]).hasPrefix(before))
  #expect(try git(["-C", remote, "log", "-1", "--format=%s", head]) == "Rendering package\n")
  let rendered = try git(["-C", remote, "show", head + ":web/deployment.yaml"])
  #expect(rendered.contains("  name: web # the front end\n"))
  #expect(rendered.contains("  namespace: shop\n") && rendered.contains("    app: web\n"))
  // The checkout now holds the new head: the rendered files and its resourceVersion.
  #expect(try String(contentsOfFile: checkout + "/deployment.yaml", encoding: .utf8) == rendered)
  #expect(
    try String(contentsOfFile: checkout + "/.KptRevisionMetadata", encoding: .utf8).contains(
      "resourceVersion: \(head)\n"))

  // A pipeline that fails: nothing is pushed, exit 5, the draft stays.
  let second = work + "/second"
  #expect(try stoop(["rpkg", "pull", "blueprints.web.v1", second]).status == 0)
  try failingKptfile.write(toFile: second + "/Kptfile", atomically: false, encoding: .utf8)
  let refused = try stoop(["rpkg", "push", "blueprints.web.v1", second])
  #expect(refused.status == 5)
  #expect(refused.stderr.contains("Error: Package NOT pushed to remote"), "\(refused.stderr)")
  #expect(refused.stderr.contains("only 1 entry is allowed in the ConfigMap"))
  #expect(try draftHead() == head)

  // The annotation in the pulled metadata lets it through, unrendered, and says so.
  let metadataPath = second + "/.KptRevisionMetadata"
  let metadata = try String(contentsOfFile: metadataPath, encoding: .utf8)
  try metadata.replacingOccurrences(
    of: "  uid:",
    with: "  annotations:\n    porch.kpt.dev/push-on-render-failure: \"true\"\n  uid:"
  ).write(toFile: metadataPath, atomically: false, encoding: .utf8)
  let forced = try stoop(["rpkg", "push", "blueprints.web.v1", second])
  #expect(forced.status == 0, "\(forced.stderr)")
  #expect(forced.stderr.contains("Package is updated, but failed to render the package."))
  let forcedHead = try draftHead()
  #expect(forcedHead != head)
  // Committed as given, with the failure recorded as Porch records it.
  let forcedKptfile = try git(["-C", remote, "show", forcedHead + ":web/Kptfile"])
  #expect(forcedKptfile.hasPrefix(failingKptfile), "\(forcedKptfile)")
  #expect(
    forcedKptfile.contains(
      "status:\n  conditions:\n    - type: Rendered\n      status: \"False\"\n      reason: RenderFailed\n      message: "
    ), "\(forcedKptfile)")

  // Propose renders again: it fails, so nothing moves.
  let proposeFailed = try stoop(["rpkg", "propose", "blueprints.web.v1"])
  #expect(proposeFailed.status == 5)
  #expect(proposeFailed.stderr.contains("cannot propose blueprints.web.v1: rendering failed"))
  #expect(try draftHead() == forcedHead)
  #expect(!(try git(["-C", remote, "for-each-ref"])).contains("proposed/"))

  // Fixed with --push-on-render-failure unneeded; propose then adds one render commit with the
  // same rendered tree.
  let third = work + "/third"
  #expect(try stoop(["rpkg", "pull", "blueprints.web.v1", third]).status == 0)
  try pipelineKptfile.write(toFile: third + "/Kptfile", atomically: false, encoding: .utf8)
  #expect(try stoop(["rpkg", "push", "blueprints.web.v1", third]).status == 0)
  let fixed = try draftHead()
  #expect(try stoop(["rpkg", "propose", "blueprints.web.v1"]).status == 0)
  let proposed = try git(["-C", remote, "rev-parse", "proposed/web/v1"]).trimmingCharacters(
    in: .newlines)
  #expect(try git(["-C", remote, "rev-parse", proposed + "^"]).hasPrefix(fixed))
  #expect(
    try git(["-C", remote, "rev-parse", proposed + "^{tree}"])
      == (try git(["-C", remote, "rev-parse", fixed + "^{tree}"])))
}

/// Cloning a blueprint into a deployment repository renders it with the new package context, so
/// a set-namespace step reading `package-context.yaml` gives every object the package's name.
@Test func cloneRendersWithTheNewPackageContext() throws {
  let work = temporaryDirectory("render-clone")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let blueprints = try makeBareRemote(in: work)
  let deployments = try makeDeploymentRemote(in: work)
  let env = ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  func stoop(_ arguments: [String], input: [UInt8]? = nil) throws -> Run {
    try run(stoopBinary, arguments, input: input, environment: env)
  }
  #expect(try stoop(["repo", "register", blueprints, "--create-branch"]).status == 0)
  #expect(
    try stoop(["repo", "register", deployments, "--create-branch", "--deployment"]).status == 0)
  #expect(
    try stoop(["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"]).status
      == 0)
  let checkout = work + "/app"
  #expect(try stoop(["rpkg", "pull", "blueprints.app.v1", checkout]).status == 0)
  let kptfile = try String(contentsOfFile: checkout + "/Kptfile", encoding: .utf8)
  try
    (kptfile
    + "pipeline:\n  mutators:\n    - image: set-namespace:v0.4.1\n      configPath: package-context.yaml\n")
    .write(toFile: checkout + "/Kptfile", atomically: false, encoding: .utf8)
  try deployment.write(toFile: checkout + "/deployment.yaml", atomically: false, encoding: .utf8)
  let pushed = try stoop(["rpkg", "push", "blueprints.app.v1", checkout])
  #expect(pushed.status == 0, "\(pushed.stderr)")
  // In the blueprint the context says `example`.
  #expect(
    try git(["-C", blueprints, "show", "drafts/app/v1:app/deployment.yaml"]).contains(
      "  namespace: example\n"))
  #expect(try stoop(["rpkg", "propose", "blueprints.app.v1"]).status == 0)
  #expect(try stoop(["rpkg", "approve", "blueprints.app.v1"]).status == 0)

  let cloned = try stoop([
    "rpkg", "clone", "blueprints.app.v1", "shop-frontend", "--repository", "deployments",
    "--workspace", "v1",
  ])
  #expect(cloned.status == 0, "\(cloned.stderr)")
  let head = "drafts/shop-frontend/v1"
  #expect(
    try git(["-C", deployments, "log", "-1", "--format=%s", head])
      == "Creating new revision by cloning\n")
  let file = try git(["-C", deployments, "show", head + ":shop-frontend/deployment.yaml"])
  #expect(file.contains("  namespace: shop-frontend\n"), "\(file)")

  // copy of the published blueprint renders too; nothing changes, so the tree is the source's.
  let copied = try stoop(["rpkg", "copy", "blueprints.app.v1", "--workspace", "v2"])
  #expect(copied.status == 0, "\(copied.stderr)")
  #expect(
    try git(["-C", blueprints, "rev-parse", "drafts/app/v2:app"])
      == (try git(["-C", blueprints, "rev-parse", "app/v1:app"])))
}
