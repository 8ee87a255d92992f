import Foundation
import Testing

/// What Porch writes and porchctl prints, where scripts and Porch read stoop's results.
private struct PorchWorld {
  let work = temporaryDirectory("porch-parity")
  var remote: String { work + "/blueprints.git" }
  var environment: [String: String] {
    ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  }

  init() throws {
    _ = try makeBareRemote(in: work)
  }

  func stoop(_ arguments: [String], input: [UInt8]? = nil) throws -> Run {
    try run(stoopBinary, arguments, input: input, environment: environment)
  }

  @discardableResult
  func expectOK(_ arguments: [String]) throws -> String {
    let result = try stoop(arguments)
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
    return String(decoding: result.stdout, as: UTF8.self)
  }

  func git(_ arguments: [String]) throws -> String {
    String(
      decoding: try run("/usr/bin/env", ["git", "--git-dir", remote] + arguments).stdout,
      as: UTF8.self)
  }

  func publish(_ package: String, _ workspace: String) throws {
    try expectOK(["rpkg", "propose", "blueprints.\(package).\(workspace)"])
    try expectOK(["rpkg", "approve", "blueprints.\(package).\(workspace)"])
  }

  func remove() { try? FileManager.default.removeItem(atPath: work) }
}

@Test func approvalNumbersCountPublishedRevisionsOnlyAsPorchDoes() throws {
  let world = try PorchWorld()
  defer { world.remove() }
  try world.expectOK(["repo", "register", world.remote, "--create-branch"])
  try world.expectOK(["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"])
  try world.publish("app", "v1")
  try world.expectOK(["rpkg", "copy", "blueprints.app.v1", "--workspace", "w2"])
  try world.expectOK(["rpkg", "propose-delete", "blueprints.app.v1"])
  try world.expectOK(["rpkg", "del", "blueprints.app.v1"])
  // No published revision left (the placeholder does not count): the next one is v1 again.
  try world.publish("app", "w2")
  #expect(try world.git(["tag"]) == "app/v1\n")
  #expect(
    try world.git(["log", "-1", "--format=%s", "main"]) == "Approving package revision app/1\n")
  let latest = try world.expectOK(["rpkg", "get", "blueprints/app@v1", "-o", "name"])
  #expect(latest == "packagerevision.porch.kpt.dev/blueprints.app.w2\n")
  let listing = try world.expectOK(["rpkg", "get", "blueprints.app.w2"])
  #expect(listing.contains("   1          true     Published"), "\(listing)")
  // The placeholder fetched by name has the publisher the full listing gives it.
  let byName = try world.expectOK(["rpkg", "get", "blueprints.app.main", "-o", "yaml"])
  let all = try world.expectOK(["rpkg", "get", "-o", "yaml"])
  let publisher = try #require(
    byName.split(separator: "\n").first { $0.contains("publishedBy:") })
  let stamp = try #require(
    byName.split(separator: "\n").first { $0.contains("publishTimestamp:") })
  #expect(all.contains("  " + publisher + "\n") && all.contains("  " + stamp + "\n"), "\(byName)")
}

@Test func everyDraftWriteRecordsTheRenderedConditionAsPorchDoes() throws {
  let world = try PorchWorld()
  defer { world.remove() }
  try world.expectOK(["repo", "register", world.remote, "--create-branch"])
  let rendered =
    "status:\n  conditions:\n  - type: Rendered\n    status: \"True\"\n    reason: RenderSuccess\n"
  try world.expectOK(["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"])
  #expect(try world.git(["show", "drafts/app/v1:app/Kptfile"]).hasSuffix(rendered))
  try world.publish("app", "v1")
  try world.expectOK(["rpkg", "copy", "blueprints.app.v1", "--workspace", "v2"])
  try world.expectOK([
    "rpkg", "clone", "blueprints.app.v1", "web", "--repository", "blueprints", "--workspace", "w1",
  ])
  for (ref, path) in [("drafts/app/v2", "app"), ("drafts/web/w1", "web")] {
    let kptfile = try world.git(["show", "\(ref):\(path)/Kptfile"])
    #expect(kptfile.components(separatedBy: "type: Rendered").count == 2, "\(ref): \(kptfile)")
  }
  // A pushed Kptfile without the condition gets it; the object lists it among its conditions.
  let checkout = world.work + "/web"
  try world.expectOK(["rpkg", "pull", "blueprints.web.w1", checkout])
  let kptfile = try String(contentsOfFile: checkout + "/Kptfile", encoding: .utf8)
  let withoutStatus = String(
    kptfile[..<(kptfile.range(of: "status:")?.lowerBound ?? kptfile.endIndex)])
  try withoutStatus.write(toFile: checkout + "/Kptfile", atomically: false, encoding: .utf8)
  try world.expectOK(["rpkg", "push", "blueprints.web.w1", checkout])
  #expect(try world.git(["show", "drafts/web/w1:web/Kptfile"]).contains("reason: RenderSuccess"))
  let object = try world.expectOK(["rpkg", "get", "blueprints.web.w1", "-o", "yaml"])
  #expect(
    object.contains(
      "  conditions:\n  - type: Rendered\n    status: \"True\"\n    reason: RenderSuccess\n"),
    "\(object)")
}

@Test func aGitCloneKeepsTheRefAsTypedAndLocksWhatItResolvedTo() throws {
  let world = try PorchWorld()
  defer { world.remove() }
  try world.expectOK(["repo", "register", world.remote, "--create-branch"])
  // A plain git repository with nginx/ tagged nginx/v2 (kpt's directory-scoped tag).
  let upstream = world.work + "/upstream"
  let tree = world.work + "/tree"
  for arguments in [
    ["init", "-q", "--bare", "-b", "main", upstream], ["init", "-q", "-b", "main", tree],
  ] {
    #expect(try run("/usr/bin/env", ["git"] + arguments).status == 0)
  }
  try FileManager.default.createDirectory(
    atPath: tree + "/nginx", withIntermediateDirectories: true)
  try "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: nginx\n".write(
    toFile: tree + "/nginx/Kptfile", atomically: false, encoding: .utf8)
  for arguments in [
    ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "nginx"],
    ["tag", "nginx/v2"], ["push", "-q", upstream, "main", "--tags"],
  ] {
    #expect(try run("/usr/bin/env", ["git", "-C", tree] + arguments).status == 0)
  }
  try world.expectOK([
    "rpkg", "clone", upstream, "web", "--directory", "nginx", "--ref", "v2", "--repository",
    "blueprints", "--workspace", "w1",
  ])
  let kptfile = try world.git(["show", "drafts/web/w1:web/Kptfile"])
  let upstreamBlock = kptfile.components(separatedBy: "upstreamLock:")
  #expect(upstreamBlock.count == 2, "\(kptfile)")
  #expect(upstreamBlock[0].contains("    ref: v2\n"), "\(kptfile)")
  #expect(upstreamBlock[1].contains("    ref: nginx/v2\n"), "\(kptfile)")
}

@Test func theRegistrationsAuthorSignsTheCommitsAsPorchsRepositoryDoes() throws {
  let world = try PorchWorld()
  defer { world.remove() }
  try world.expectOK([
    "repo", "register", world.remote, "--create-branch", "--author", "Release Bot", "--email",
    "bot@example.com",
  ])
  let object = try world.expectOK(["repo", "get", "blueprints", "-o", "yaml"])
  #expect(object.contains("    author: Release Bot\n    email: bot@example.com\n"), "\(object)")
  try world.expectOK(["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"])
  try world.publish("app", "v1")
  // The approval (the tag's commit) and the draft's commits under it.
  for ref in ["app/v1", "app/v1^2", "app/v1^2^"] {
    #expect(
      try world.git(["log", "-1", "--format=%an <%ae>|%cn <%ce>", ref])
        == "Release Bot <bot@example.com>|Package Orchestration Service <porch@kpt.dev>\n", "\(ref)"
    )
  }
  let published = try world.expectOK(["rpkg", "get", "blueprints.app.v1", "-o", "yaml"])
  #expect(published.contains("publishedBy: bot@example.com"), "\(published)")
  // Only an email: it is the name too (Porch's rule).
  let other = world.work + "/other.git"
  #expect(
    try run("/usr/bin/env", ["git", "init", "-q", "--bare", "-b", "main", other]).status == 0)
  try world.expectOK(["repo", "register", other, "--create-branch", "--email", "ci@example.com"])
  try world.expectOK(["rpkg", "init", "svc", "--repository", "other", "--workspace", "v1"])
  #expect(
    String(
      decoding: try run(
        "/usr/bin/env",
        ["git", "--git-dir", other, "log", "-1", "--format=%an <%ae>", "drafts/svc/v1"]
      ).stdout, as: UTF8.self) == "ci@example.com <ci@example.com>\n")
}

@Test func lifecycleStepsSpeakPorchctlsWordsOnPorchctlsStreams() throws {
  let world = try PorchWorld()
  defer { world.remove() }
  try world.expectOK(["repo", "register", world.remote, "--create-branch"])
  try world.expectOK(["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"])
  try world.expectOK(["rpkg", "propose", "blueprints.app.v1"])
  // Nothing to do: a notice on stderr, exit 0, stdout empty.
  let again = try world.stoop(["rpkg", "propose", "blueprints.app.v1"])
  #expect(again.status == 0 && again.stdout.isEmpty)
  #expect(again.stderr == "blueprints.app.v1 is already proposed\n")
  try world.expectOK(["rpkg", "approve", "blueprints.app.v1"])
  // One name that fails: porchctl's per-name line, then its error block; stoop's exit code.
  let missing = try world.stoop(["rpkg", "approve", "blueprints.app.nope"])
  #expect(missing.status == 4)
  let notFound = "packagerevisions.porch.kpt.dev \"blueprints.app.nope\" not found"
  #expect(missing.stderr.hasPrefix("blueprints.app.nope failed (\(notFound)"), "\(missing.stderr)")
  #expect(missing.stderr.contains("\nError: errors:\n  \(notFound)"))
  let published = try world.stoop(["rpkg", "del", "blueprints.app.v1"])
  #expect(published.status == 1)
  #expect(
    published.stderr.contains(
      "failed to delete package revision \"blueprints.app.v1\": published PackageRevisions must be proposed for deletion by setting spec.lifecycle to 'DeletionProposed' prior to deletion"
    ), "\(published.stderr)")
  try world.expectOK(["rpkg", "propose-delete", "blueprints.app.v1"])
  let twice = try world.stoop(["rpkg", "propose-delete", "blueprints.app.v1"])
  #expect(twice.status == 0 && twice.stdout.isEmpty)
  #expect(twice.stderr == "blueprints.app.v1 is already proposed for deletion\n")
}

@Test func objectsHavePorchsShapeWhereScriptsReadThem() throws {
  let world = try PorchWorld()
  defer { world.remove() }
  try world.expectOK(["repo", "register", world.remote, "--create-branch", "--directory", "/sub/"])
  // The directory as given, as Porch keeps it.
  #expect(
    try world.expectOK(["repo", "get", "blueprints", "-o", "yaml"]).contains(
      "    directory: /sub/\n"))
  try world.expectOK(["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"])
  let draft = try world.expectOK(["rpkg", "get", "blueprints.app.v1", "-o", "json"])
  let object = try #require(
    try JSONSerialization.jsonObject(with: Data(draft.utf8)) as? [String: Any])
  let metadata = try #require(object["metadata"] as? [String: Any])
  let status = try #require(object["status"] as? [String: Any])
  #expect((metadata["creationTimestamp"] as? String)?.hasSuffix("Z") == true, "\(draft)")
  #expect(status["publishTimestamp"] is NSNull, "\(draft)")
  #expect((status["upstreamLock"] as? [String: Any])?.isEmpty == true, "\(draft)")
  #expect(status["publishedBy"] == nil)
}
