import Foundation
import Testing

/// A config directory with one registration `blueprints` holding a Draft (`app`), a Proposed
/// revision (`web`) and a published one (`db`), and `stoop completion bash` saved beside it.
private struct CompletionFixture {
  let work = temporaryDirectory("completion")
  var environment: [String: String] {
    ["STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  }
  var script: String { work + "/stoop.bash" }

  init() throws {
    let remote = try makeBareRemote(in: work)
    for arguments in [
      ["repo", "register", remote, "--create-branch"],
      ["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"],
      ["rpkg", "init", "web", "--repository", "blueprints", "--workspace", "v1"],
      ["rpkg", "propose", "blueprints.web.v1"],
      ["rpkg", "init", "db", "--repository", "blueprints", "--workspace", "v1"],
      ["rpkg", "propose", "blueprints.db.v1"], ["rpkg", "approve", "blueprints.db.v1"],
    ] {
      let result = try run(stoopBinary, arguments, environment: environment)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }
    let generated = try run(stoopBinary, ["completion", "bash"], environment: environment)
    #expect(generated.status == 0)
    try Data(generated.stdout).write(to: URL(fileURLWithPath: script))
  }

  /// What bash offers for the last word, the script sourced and `_stoop` called with COMP_WORDS,
  /// COMP_CWORD, COMP_LINE and COMP_POINT set as bash sets them for a Tab at the end of the line.
  func complete(_ words: String...) throws -> [String] {
    let driver = """
      source "$1"; shift
      COMP_WORDS=("$@")
      COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
      COMP_LINE="${COMP_WORDS[*]}"
      COMP_POINT=${#COMP_LINE}
      _stoop "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
      printf '%s\\n' "${COMPREPLY[@]}"
      """
    let result = try run(
      "/bin/bash", ["-c", driver, "bash", script, stoopBinary] + words, environment: environment)
    #expect(result.status == 0, "\(words): \(result.stderr)")
    return String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
  }
}

@Test func bashCompletesPackageRevisionsEachCommandAccepts() throws {
  let fixture = try CompletionFixture()
  defer { try? FileManager.default.removeItem(atPath: fixture.work) }
  #expect(try fixture.complete("rpkg", "propose", "") == ["blueprints.app.v1"])
  #expect(try fixture.complete("rpkg", "approve", "") == ["blueprints.web.v1"])
  #expect(try fixture.complete("rpkg", "push", "") == ["blueprints.app.v1"])
  #expect(try fixture.complete("rpkg", "copy", "") == ["blueprints.db.v1"])
  #expect(try fixture.complete("rpkg", "upgrade", "") == ["blueprints.db.v1"])
  // The package as it stands on the branch can be proposed for deletion too.
  #expect(
    Set(try fixture.complete("rpkg", "propose-delete", ""))
      == ["blueprints.db.v1", "blueprints.db.main"])
  // pull takes any revision; a prefix narrows it as bash does.
  #expect(try fixture.complete("rpkg", "pull", "blueprints.w") == ["blueprints.web.v1"])
  #expect(
    Set(try fixture.complete("rpkg", "get", ""))
      == ["blueprints.app.v1", "blueprints.web.v1", "blueprints.db.v1", "blueprints.db.main"])
  // Another namespace has nothing.
  #expect(try fixture.complete("rpkg", "pull", "-n", "other", "") == [])
}

@Test func bashCompletesAliasesLikeTheirCommands() throws {
  let fixture = try CompletionFixture()
  defer { try? FileManager.default.removeItem(atPath: fixture.work) }
  #expect(
    Set(try fixture.complete("rpkg", "delete", "")) == ["blueprints.app.v1", "blueprints.web.v1"])
  #expect(try fixture.complete("rpackage", "approve", "") == ["blueprints.web.v1"])
  #expect(try fixture.complete("repository", "ls", "") == ["blueprints"])
  #expect(
    try fixture.complete("rpkg", "update", "--strategy", "")
      == ["resource-merge", "fast-forward", "force-delete-replace", "copy-merge"])
}

@Test func bashCompletesRepositoriesFunctionsAndClosedValues() throws {
  let fixture = try CompletionFixture()
  defer { try? FileManager.default.removeItem(atPath: fixture.work) }
  #expect(try fixture.complete("repo", "sync", "") == ["blueprints"])
  #expect(try fixture.complete("repo", "unregister", "b") == ["blueprints"])
  #expect(try fixture.complete("rpkg", "get", "-r", "") == ["blueprints"])
  #expect(try fixture.complete("rpkg", "init", "x", "--repository", "") == ["blueprints"])
  #expect(
    try fixture.complete("rpkg", "clone", "blueprints.db.v1", "y", "--repository", "") == [
      "blueprints"
    ])
  let images = try fixture.complete("fn", "eval", "-i", "set-la")
  #expect(images.contains("set-labels") && images.contains("set-labels:v0.2"))
  #expect(images.allSatisfy { $0.hasPrefix("set-labels") })
  #expect(try fixture.complete("fn", "doc", "set-namesp").contains("set-namespace:v0.4"))
  #expect(try fixture.complete("fn", "doc", "--image", "upsert").contains("upsert-resource"))
  #expect(
    try fixture.complete("rpkg", "upgrade", "--on-conflict", "") == ["upstream", "local", "fail"])
  #expect(
    try fixture.complete("pkg", "update", "--strategy", "f") == [
      "fast-forward", "force-delete-replace",
    ])
  #expect(try fixture.complete("rpkg", "upgrade", "--discover", "") == ["upstream", "downstream"])
  #expect(
    try fixture.complete("pkg", "diff", "--diff-type", "") == ["local", "remote", "combined"])
  #expect(try fixture.complete("rpkg", "get", "-o", "ya") == ["yaml"])
  #expect(
    try fixture.complete("rpkg", "upgrade", "-o", "") == ["table", "wide", "yaml", "json", "name"])
  #expect(try fixture.complete("fn", "render", "-o", "un") == ["unwrap"])
  #expect(try fixture.complete("fn", "eval", "--type", "") == ["mutator", "validator"])
  #expect(try fixture.complete("completion", "") == ["bash", "zsh", "fish"])
  #expect(try fixture.complete("rpkg", "appr") == ["approve"])
}

@Test func everyWayOfAskingForAScriptGivesTheSameOne() throws {
  for shell in ["bash", "zsh", "fish"] {
    let command = try run(stoopBinary, ["completion", shell])
    let flag = try run(stoopBinary, ["--generate-completion-script", shell])
    #expect(command.status == 0 && flag.status == 0)
    #expect(command.stdout == flag.stdout, "\(shell)")
    let text = String(decoding: command.stdout, as: UTF8.self)
    switch shell {
    case "bash", "zsh":
      // Aliases join their parent's dispatch and call their command's function.
      #expect(text.contains("|propose-del|delete)"))
      #expect(text.contains("_stoop_rpkg_delete() {\n    _stoop_rpkg_del \"${@}\"\n}"))
      #expect(text.contains("_stoop_rpackage() {\n    _stoop_rpkg \"${@}\"\n}"))
    default:
      #expect(text.contains("case 'del' 'delete'\n"))
      #expect(text.contains("set commands[-1] 'del'"))
    }
  }
}

@Test func badValuesOfClosedOptionsAreUsageErrorsListingTheAllowedOnes() throws {
  for (arguments, allowed) in [
    (["rpkg", "upgrade", "x", "--workspace", "w", "--strategy", "bad"], "'copy-merge'"),
    (["pkg", "update", "--on-conflict", "bad"], "'fail'"),
    (["pkg", "get", "x.git", "--strategy", "bad"], "'resource-merge'"),
    (["rpkg", "clone", "a", "b", "--repository", "r", "--strategy", "bad"], "'fast-forward'"),
    (["rpkg", "upgrade", "--discover", "sideways"], "'downstream'"),
    (["pkg", "diff", "--diff-type", "bad"], "'combined'"),
    (["fn", "eval", "--image-pull-policy", "sometimes", "-i", "no-op"], "'IfNotPresent'"),
    (["fn", "eval", "-s", "-t", "checker", "-i", "no-op"], "'validator'"),
  ] {
    let result = try run(stoopBinary, arguments)
    #expect(result.status == 64, "\(arguments): \(result.stderr)")
    #expect(result.stderr.hasPrefix("Error: The value '"), "\(arguments)")
    #expect(result.stderr.contains(allowed), "\(arguments): \(result.stderr)")
  }
  // kpt reads the pull policy in any case.
  let policy = try run(
    stoopBinary, ["fn", "eval", "-", "--image-pull-policy", "never", "-i", "no-op"],
    input: Array("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n".utf8))
  #expect(policy.status == 0, "\(policy.stderr)")
}

private func installed(_ shell: String) -> Bool {
  FileManager.default.isExecutableFile(atPath: "/usr/bin/" + shell)
}

/// zsh and fish read their scripts; fish also completes through an alias, as its completions
/// are keyed by the command path the alias stands for. (Their live-name completions call the
/// same `---completion` entry that the bash tests exercise.)
@Test(.enabled(if: installed("zsh") || installed("fish"), "neither zsh nor fish is installed"))
func zshAndFishScriptsParseAndFishCompletesThroughAliases() throws {
  let work = temporaryDirectory("shells")
  try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: work) }
  for (shell, file) in [("zsh", "_stoop"), ("fish", "stoop.fish")] where installed(shell) {
    let script = try run(stoopBinary, ["completion", shell]).stdout
    try Data(script).write(to: URL(fileURLWithPath: work + "/" + file))
    let parsed = try run("/usr/bin/" + shell, ["-n", work + "/" + file])
    #expect(parsed.status == 0, "\(shell): \(parsed.stderr)")
  }
  guard installed("fish") else { return }
  for line in ["stoop rpkg update --strategy ", "stoop rpackage upgrade --strategy "] {
    let offered = try run(
      "/usr/bin/fish", ["-c", "source \(work)/stoop.fish; complete -C '\(line)'"])
    let values = String(decoding: offered.stdout, as: UTF8.self).split(separator: "\n")
      .map { $0.split(separator: "\t").first.map(String.init) ?? "" }
    #expect(
      values == ["resource-merge", "fast-forward", "force-delete-replace", "copy-merge"], "\(line)")
  }
}
