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
}
