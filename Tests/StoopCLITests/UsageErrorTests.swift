import Foundation
import Testing

/// A temporary config directory with `blueprints` registered and a Draft `blueprints.app.v1`.
private struct Sandbox {
  let work = temporaryDirectory("first-contact")
  var environment: [String: String] {
    ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  }

  init(withPackage: Bool = true) throws {
    let remote = try makeBareRemote(in: work)
    #expect(try stoop("repo", "register", remote, "--create-branch").status == 0)
    if withPackage {
      #expect(
        try stoop("rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1").status
          == 0)
    }
  }

  func stoop(_ arguments: String...) throws -> (status: Int32, out: String, err: String) {
    let result = try run(stoopBinary, arguments, environment: environment)
    return (result.status, String(decoding: result.stdout, as: UTF8.self), result.stderr)
  }
}

@Test func aMistypedCommandGetsTheNearestOne() throws {
  let typo = try run(stoopBinary, ["rpkg", "aprove", "blueprints.app.v1"])
  #expect(typo.status == 64)
  #expect(
    typo.stderr == """
      Error: unknown command "aprove" for "stoop rpkg"; did you mean "approve"?
      Usage: stoop rpkg <subcommand>
        See 'stoop rpkg --help' for more information.

      """)
  let root = try run(stoopBinary, ["rpgk", "get"])
  #expect(
    root.status == 64
      && root.stderr.hasPrefix(
        "Error: unknown command \"rpgk\" for \"stoop\"; did you mean \"rpkg\"?\n")
  )
  // Nothing near: no guess, the usage still.
  let far = try run(stoopBinary, ["fn", "xyzzy"])
  #expect(
    far.status == 64
      && far.stderr.hasPrefix(
        "Error: unknown command \"xyzzy\" for \"stoop fn\"\nUsage: stoop fn <subcommand>\n")
  )
  // An alias is a command, not a typo.
  #expect(try run(stoopBinary, ["rpackage", "--help"]).status == 0)
}

@Test func aMistypedNameGetsTheNearestExistingOne() throws {
  let sandbox = try Sandbox()
  defer { try? FileManager.default.removeItem(atPath: sandbox.work) }
  let wrongPackage = try sandbox.stoop("rpkg", "pull", "blueprints.ap.v1")
  #expect(wrongPackage.status == 4)
  #expect(
    wrongPackage.err
      == "Error: packagerevisions.porch.kpt.dev \"blueprints.ap.v1\" not found (did you mean blueprints.app.v1?); see stoop rpkg get -n default\n"
  )
  // A repository that is not registered, in a package revision name.
  let wrongRepository = try sandbox.stoop("rpkg", "propose", "blueprint.app.v1")
  #expect(wrongRepository.status == 4)
  #expect(wrongRepository.err.contains("(did you mean blueprints.app.v1?)"))
  let sync = try sandbox.stoop("repo", "sync", "blueprint")
  #expect(
    sync.status == 4
      && sync.err
        == "Error: repository \"blueprint\" is not registered in namespace \"default\" (did you mean blueprints?); see stoop repo get\n"
  )
  let doc = try sandbox.stoop("fn", "doc", "set-namepsace")
  #expect(doc.status == 1)
  #expect(
    doc.err
      == "Error: \"set-namepsace\" is not a built-in function (did you mean set-namespace?); `stoop fn list` shows them\n"
  )
  // Far from everything: no guess.
  let far = try sandbox.stoop("rpkg", "pull", "nothing.like.it")
  #expect(far.status == 4 && !far.err.contains("did you mean"))
}

@Test func porchctlAndKptSpellingsWork() throws {
  let sandbox = try Sandbox(withPackage: false)
  defer { try? FileManager.default.removeItem(atPath: sandbox.work) }
  // porchctl's older name for upgrade.
  let update = try sandbox.stoop("rpkg", "update", "--discover=upstream")
  #expect(update.status == 0, "\(update.err)")
  #expect(try sandbox.stoop("rpkg", "update", "--help").out.contains("USAGE: stoop rpkg upgrade"))
  // kpt fn doc --image.
  let doc = try sandbox.stoop("fn", "doc", "--image", "gcr.io/kpt-fn/set-labels:v0.1")
  #expect(doc.status == 0 && doc.out.hasPrefix("set-labels: "))
  #expect(try sandbox.stoop("fn", "doc", "set-labels").out == doc.out)
  #expect(try sandbox.stoop("fn", "doc").status == 64)
  // version and completion as subcommands.
  let version = try sandbox.stoop("version")
  let flag = try sandbox.stoop("--version")
  #expect(version.status == 0 && version.out == flag.out)
  #expect(version.out.hasPrefix("stoop 0.1.0 (libgit2 "))
  let completion = try sandbox.stoop("completion", "zsh")
  #expect(completion.status == 0 && completion.out.hasPrefix("#compdef stoop\n"))
  #expect(try sandbox.stoop("completion", "tcsh").status == 64)
}

@Test func validationErrorsFoundWhileRunningShowTheCommandsOwnUsage() throws {
  let copy = try run(stoopBinary, ["rpkg", "copy", "blueprints.app.v1"])
  #expect(copy.status == 64)
  #expect(copy.stderr.hasPrefix("Error: --workspace is required\nUsage: stoop rpkg copy <source>"))
  #expect(copy.stderr.hasSuffix("\n  See 'stoop rpkg copy --help' for more information.\n"))
  // Every usage error: one Error line, then the usage and where the help is.
  for arguments in [
    ["rpkg", "copy", "x"], ["rpkg", "aprove", "x"], ["repo", "sync"], ["rpkg", "init"],
    ["rpkg", "upgrade", "x"], ["rpkg", "get", "-o", "bad"], ["fn", "eval", "--bogus"],
  ] {
    let result = try run(stoopBinary, arguments)
    #expect(result.status == 64, "\(arguments)")
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first?.hasPrefix("Error: ") == true, "\(arguments)")
    #expect(
      lines.contains { $0.hasPrefix("Usage: stoop ") }
        && lines.contains { $0.hasPrefix("  See 'stoop ") }, "\(arguments): \(result.stderr)")
    #expect(lines.filter { $0.hasPrefix("Error") }.count == 1, "\(arguments)")
  }
}
