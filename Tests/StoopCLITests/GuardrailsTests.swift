import Foundation
import Testing

private func git(_ arguments: [String]) throws -> String {
  String(decoding: try run("/usr/bin/env", ["git"] + arguments).stdout, as: UTF8.self)
}

/// A machine with its own config directory, running the built binary.
private struct Machine {
  var home: String

  func stoop(_ arguments: [String], input: [UInt8]? = nil) throws -> Run {
    try run(
      stoopBinary, arguments, input: input,
      environment: ["STOOP_HOME": home, "GIT_CONFIG_GLOBAL": "/dev/null"])
  }

  func out(_ arguments: [String]) throws -> String {
    String(decoding: try stoop(arguments).stdout, as: UTF8.self)
  }
}

/// An exec validator: every ConfigMap named app-config needs `data.team`; it answers with kpt's
/// results (file, resource, field, message) and exit 1.
private let teamValidator = """
  #!/bin/sh
  input=$(cat)
  if printf '%s' "$input" | grep -q 'name: app-config' && ! printf '%s' "$input" | grep -q '^    team: '; then
    cat <<'OUT'
  apiVersion: config.kubernetes.io/v1
  kind: ResourceList
  items: []
  results:
  - message: every ConfigMap needs data.team
    severity: error
    resourceRef:
      apiVersion: v1
      kind: ConfigMap
      name: app-config
    field:
      path: data.team
    file:
      path: cm.yaml
  OUT
    exit 1
  fi
  printf '%s' "$input"

  """

private func guardrails(name: String, mutators: [String], validators: [String]) -> String {
  var text =
    "apiVersion: stoop.dev/v1alpha1\nkind: Guardrails\nmetadata:\n  name: \(name)\npipeline:\n"
  if !mutators.isEmpty { text += "  mutators:\n" + mutators.joined() }
  if !validators.isEmpty { text += "  validators:\n" + validators.joined() }
  return text
}

private func labels(_ owner: String) -> String {
  "  - image: gcr.io/kpt-fn/set-labels:v0.2.0\n    configMap:\n      owner: \(owner)\n"
}

private func configMap(team: String?) -> String {
  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  color: blue\n"
    + (team.map { "  team: \($0)\n" } ?? "")
}

/// Writes `files` into a pulled directory and pushes it.
private func push(
  _ machine: Machine, _ name: String, at directory: String, _ files: [String: String],
  extra: [String] = []
) throws -> Run {
  if !FileManager.default.fileExists(atPath: directory) {
    #expect(try machine.stoop(["rpkg", "pull", name, directory]).status == 0)
  }
  for (path, text) in files {
    try text.write(toFile: directory + "/" + path, atomically: false, encoding: .utf8)
  }
  return try machine.stoop(["rpkg", "push", name, directory] + extra)
}

private func writeExecutable(_ text: String, to path: String) throws {
  try text.write(toFile: path, atomically: false, encoding: .utf8)
  #expect(chmod(path, 0o755) == 0)
}

/// The repository validator blocks propose and approve with exit 5 and kpt's report, records
/// why on the draft (which may still be pushed), and lets the fixed draft through; its exec
/// function never runs, and is never skipped, without --allow-exec.
@Test func guardrailValidatorsGateProposeAndApprove() throws {
  let work = temporaryDirectory("guardrails-gate")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let me = Machine(home: work + "/home")
  let validator = work + "/team.sh"
  try writeExecutable(teamValidator, to: validator)
  func refs() throws -> String { try git(["-C", remote, "for-each-ref", "--format=%(refname)"]) }
  #expect(try me.stoop(["repo", "register", remote, "--create-branch"]).status == 0)
  let rules = work + "/guardrails.yaml"
  try guardrails(
    name: "shop", mutators: [labels("platform")], validators: ["  - exec: \(validator)\n"]
  ).write(toFile: rules, atomically: false, encoding: .utf8)
  let set = try me.stoop(["repo", "guardrails", "set", "blueprints", rules])
  #expect(set.status == 0, "\(set.stderr)")
  #expect(String(decoding: set.stdout, as: UTF8.self) == "blueprints guardrails set\n")
  #expect(
    try git(["-C", remote, "show", "main:guardrails.yaml"])
      == (try String(contentsOfFile: rules, encoding: .utf8)))
  #expect(try me.out(["repo", "guardrails", "get", "blueprints"]).contains("name: shop\n"))

  // Without --allow-exec the step is refused in one line; nothing is skipped or written.
  let refused = try me.stoop([
    "rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1",
  ])
  #expect(refused.status == 1)
  #expect(
    refused.stderr
      == "Error: the guardrails of repository \"blueprints\" run the exec function \"\(validator)\" (main:guardrails.yaml, pipeline.validators[0]); give --allow-exec to run programs from the guardrails on this machine\n"
  )
  #expect(!(try refs()).contains("drafts/"))
  #expect(
    try me.stoop([
      "rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1", "--allow-exec",
    ]).status == 0)

  // A failing draft may be pushed: the report is printed and the condition recorded.
  let checkout = work + "/app"
  let pushed = try push(
    me, "blueprints.app.v1", at: checkout, ["cm.yaml": configMap(team: nil)],
    extra: ["--allow-exec"])
  #expect(pushed.status == 0, "\(pushed.stderr)")
  #expect(pushed.stderr.contains("[FAIL] \"\(validator)\""))
  #expect(
    pushed.stderr.contains(
      "Package is updated, but it fails the guardrails of repository \"blueprints\"; it cannot be proposed until they pass."
    ))
  let kptfile = try git(["-C", remote, "show", "drafts/app/v1:app/Kptfile"])
  #expect(
    kptfile.contains(
      "  - type: stoop.dev/Guardrails\n    status: \"False\"\n    reason: ValidationFailed\n    message: \"function \\\"\(validator)\\\" failed: [error] v1/ConfigMap/app-config data.team: every ConfigMap needs data.team (cm.yaml)\"\n"
    ), "\(kptfile)")
  // The built-in mutator ran after the package's (empty) pipeline.
  #expect(
    try git(["-C", remote, "show", "drafts/app/v1:app/cm.yaml"]).contains(
      "  labels:\n    owner: platform\n"))
  let shown = try me.out(["rpkg", "get", "blueprints.app.v1", "-o", "yaml"])
  #expect(shown.contains("reason: ValidationFailed"), "\(shown)")

  // propose: exit 5, kpt's [FAIL] report with the results, nothing moved.
  let draft = try git(["-C", remote, "rev-parse", "drafts/app/v1"])
  let proposeFailed = try me.stoop(["rpkg", "propose", "blueprints.app.v1", "--allow-exec"])
  #expect(proposeFailed.status == 5)
  #expect(
    proposeFailed.stderr.contains(
      "s\n  Results:\n    [error] v1/ConfigMap/app-config data.team: every ConfigMap needs data.team\n  Exit code: 1\n"
    ) && proposeFailed.stderr.contains("[FAIL] \"\(validator)\" in "), "\(proposeFailed.stderr)")
  #expect(
    proposeFailed.stderr.contains(
      "cannot propose blueprints.app.v1: it fails the guardrails of repository \"blueprints\": function \"\(validator)\" failed: [error] v1/ConfigMap/app-config data.team: every ConfigMap needs data.team (cm.yaml); nothing was moved"
    ))
  #expect(try git(["-C", remote, "rev-parse", "drafts/app/v1"]) == draft)
  #expect(!(try refs()).contains("proposed/"))

  // The fixed draft passes, and the condition says so.
  let fixed = try push(
    me, "blueprints.app.v1", at: checkout, ["cm.yaml": configMap(team: "shop")],
    extra: ["--allow-exec"])
  #expect(fixed.status == 0, "\(fixed.stderr)")
  #expect(
    try git(["-C", remote, "show", "drafts/app/v1:app/Kptfile"]).contains(
      "  - type: stoop.dev/Guardrails\n    status: \"True\"\n    reason: GuardrailsPassed\n"))
  let proposed = try me.stoop(["rpkg", "propose", "blueprints.app.v1", "--allow-exec"])
  #expect(proposed.status == 0, "\(proposed.stderr)")
  #expect(try refs().contains("refs/heads/proposed/app/v1"))

  // Stricter guardrails land before approval: approve runs them on the proposed tree and
  // refuses; nothing is published.
  let strict = work + "/strict.sh"
  try writeExecutable(
    "#!/bin/sh\ninput=$(cat)\nif printf '%s' \"$input\" | grep -q '^    team: web'; then printf '%s' \"$input\"; exit 0; fi\necho 'the team must be web' >&2\nexit 1\n",
    to: strict)
  try guardrails(
    name: "stricter", mutators: [labels("platform")],
    validators: ["  - exec: \(validator)\n", "  - exec: \(strict)\n"]
  ).write(toFile: rules, atomically: false, encoding: .utf8)
  #expect(try me.stoop(["repo", "guardrails", "set", "blueprints", rules]).status == 0)
  let main = try git(["-C", remote, "rev-parse", "main"])
  let withoutExec = try me.stoop(["rpkg", "approve", "blueprints.app.v1"])
  #expect(withoutExec.status == 1 && withoutExec.stderr.contains("give --allow-exec"))
  let approveFailed = try me.stoop(["rpkg", "approve", "blueprints.app.v1", "--allow-exec"])
  #expect(approveFailed.status == 5)
  #expect(
    approveFailed.stderr.contains(
      "s\n  Stderr:\n    \"the team must be web\"\n")
      && approveFailed.stderr.contains("[FAIL] \"\(strict)\" in "),
    "\(approveFailed.stderr)")
  #expect(
    approveFailed.stderr.contains(
      "cannot approve blueprints.app.v1: it fails the guardrails of repository \"blueprints\": function \"\(strict)\" failed: the team must be web; nothing was published"
    ))
  #expect(try git(["-C", remote, "rev-parse", "main"]) == main)
  #expect(!(try refs()).contains("refs/tags/"))
  #expect(try refs().contains("refs/heads/proposed/app/v1"))

  // Back to the rules it passes: approved.
  try guardrails(
    name: "shop", mutators: [labels("platform")], validators: ["  - exec: \(validator)\n"]
  ).write(toFile: rules, atomically: false, encoding: .utf8)
  #expect(try me.stoop(["repo", "guardrails", "set", "blueprints", rules]).status == 0)
  let approved = try me.stoop(["rpkg", "approve", "blueprints.app.v1", "--allow-exec"])
  #expect(approved.status == 0, "\(approved.stderr)")
  #expect(approved.stderr.contains("[PASS] \"\(validator)\""))
  #expect(try refs().contains("refs/tags/app/v1"))
}

/// The repository's mutators run after the package's own pipeline on every draft write: init,
/// clone, copy, push, upgrade and propose.
@Test func guardrailMutatorsApplyOnEveryDraftWrite() throws {
  let work = temporaryDirectory("guardrails-mutators")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let blueprints = try makeBareRemote(in: work)
  let deployments = try makeDeploymentRemote(in: work)
  let me = Machine(home: work + "/home")
  #expect(try me.stoop(["repo", "register", blueprints, "--create-branch"]).status == 0)
  #expect(
    try me.stoop(["repo", "register", deployments, "--create-branch", "--deployment"]).status
      == 0)
  func publish(_ name: String, _ files: [String: String], at directory: String) throws {
    #expect(try push(me, name, at: directory, files).status == 0)
    #expect(try me.stoop(["rpkg", "propose", name]).status == 0)
    #expect(try me.stoop(["rpkg", "approve", name]).status == 0)
  }
  func setRules(_ owner: String) throws {
    let file = work + "/rules-\(owner).yaml"
    try guardrails(name: owner, mutators: [labels(owner)], validators: []).write(
      toFile: file, atomically: false, encoding: .utf8)
    #expect(try me.stoop(["repo", "guardrails", "set", "deployments", file]).status == 0)
  }
  func owner(_ ref: String, _ path: String) throws -> String? {
    let text = try git(["-C", deployments, "show", "\(ref):\(path)"])
    return text.components(separatedBy: "    owner: ").dropFirst().first?.split(separator: "\n")
      .first.map(String.init)
  }

  // The blueprint, v1 and v2, without guardrails.
  #expect(
    try me.stoop(["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"]).status
      == 0)
  try publish("blueprints.app.v1", ["cm.yaml": configMap(team: nil)], at: work + "/bp1")
  #expect(try me.stoop(["rpkg", "copy", "blueprints.app.v1", "--workspace", "v2"]).status == 0)
  try publish("blueprints.app.v2", ["cm.yaml": configMap(team: "web")], at: work + "/bp2")

  try setRules("platform")
  // init: the mutator runs (the new package has no resource it labels).
  let initialized = try me.stoop([
    "rpkg", "init", "empty", "--repository", "deployments", "--workspace", "v1",
  ])
  #expect(initialized.status == 0)
  #expect(
    initialized.stderr.contains(
      "Guardrails of repository \"deployments\":\n[RUNNING] \"gcr.io/kpt-fn/set-labels:v0.2.0\"\n[PASS]"
    ), "\(initialized.stderr)")
  // clone
  #expect(
    try me.stoop(["rpkg", "clone", "blueprints.app.v1", "web", "--repository", "deployments"])
      .status == 0)
  #expect(try owner("drafts/web/v1", "web/cm.yaml") == "platform")
  // push: a label removed by hand comes back
  let pushed = try push(
    me, "deployments.web.v1", at: work + "/web", ["cm.yaml": configMap(team: "web")])
  #expect(pushed.status == 0)
  #expect(try owner("drafts/web/v1", "web/cm.yaml") == "platform")
  // propose renders with the guardrails of now
  try setRules("shop")
  #expect(try me.stoop(["rpkg", "propose", "deployments.web.v1"]).status == 0)
  #expect(try owner("proposed/web/v1", "web/cm.yaml") == "shop")
  #expect(try me.stoop(["rpkg", "approve", "deployments.web.v1"]).status == 0)
  // copy and upgrade
  try setRules("ops")
  #expect(try me.stoop(["rpkg", "copy", "deployments.web.v1", "--workspace", "v2"]).status == 0)
  #expect(try owner("drafts/web/v2", "web/cm.yaml") == "ops")
  let upgraded = try me.stoop(["rpkg", "upgrade", "deployments/web@v1", "--workspace", "v3"])
  #expect(upgraded.status == 0, "\(upgraded.stderr)")
  #expect(try owner("drafts/web/v3", "web/cm.yaml") == "ops")
  #expect(try git(["-C", deployments, "show", "drafts/web/v3:web/cm.yaml"]).contains("team: web"))
  // The blueprints repository has no guardrails: nothing is added there.
  #expect(!(try git(["-C", blueprints, "show", "app/v2:app/cm.yaml"])).contains("owner"))
}

/// `check` runs a proposed guardrails file on the latest published revision of every package and
/// lists those that would fail, and why; it writes nothing.
@Test func guardrailsCheckListsThePackagesANewValidatorWouldFail() throws {
  let work = temporaryDirectory("guardrails-check")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let me = Machine(home: work + "/home")
  let validator = work + "/team.sh"
  try writeExecutable(teamValidator, to: validator)
  #expect(try me.stoop(["repo", "register", remote, "--create-branch"]).status == 0)
  for (package, team) in [("api", "core"), ("shop", nil), ("web", "front")] {
    let name = "blueprints.\(package).v1"
    #expect(
      try me.stoop(["rpkg", "init", package, "--repository", "blueprints", "--workspace", "v1"])
        .status == 0)
    #expect(
      try push(me, name, at: work + "/" + package, ["cm.yaml": configMap(team: team)]).status == 0)
    #expect(try me.stoop(["rpkg", "propose", name]).status == 0)
    #expect(try me.stoop(["rpkg", "approve", name]).status == 0)
  }
  let none = try me.stoop(["repo", "guardrails", "check", "blueprints"])
  #expect(none.status == 4 && none.stderr.contains("has no guardrails"))

  let proposed = work + "/proposed"
  try FileManager.default.createDirectory(atPath: proposed, withIntermediateDirectories: true)
  try guardrails(
    name: "teams", mutators: ["  - image: set-labels:v0.2.0\n    configPath: labels.yaml\n"],
    validators: ["  - exec: \(validator)\n"]
  ).write(toFile: proposed + "/guardrails.yaml", atomically: false, encoding: .utf8)
  try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: labels\ndata:\n  owner: platform\n"
    .write(toFile: proposed + "/labels.yaml", atomically: false, encoding: .utf8)
  let before = try git(["-C", remote, "for-each-ref", "--format=%(refname) %(objectname)"])
  let checked = try me.stoop([
    "repo", "guardrails", "check", "blueprints", "--with", proposed + "/guardrails.yaml",
    "--allow-exec",
  ])
  #expect(checked.status == 5)
  #expect(
    String(decoding: checked.stdout, as: UTF8.self)
      == """
      NAME                 PACKAGE   REVISION   RESULT   REASON
      blueprints.api.v1    api       1          PASS
      blueprints.shop.v1   shop      1          FAIL     function "\(validator)" failed: [error] v1/ConfigMap/app-config data.team: every ConfigMap needs data.team (cm.yaml)
      blueprints.web.v1    web       1          PASS

      """)
  #expect(
    checked.stderr
      == "Error: 1 of 3 package(s) would fail the guardrails of repository \"blueprints\"\n")
  let json = try me.stoop([
    "repo", "guardrails", "check", "blueprints", "--with", proposed + "/guardrails.yaml",
    "--allow-exec", "-o", "json",
  ])
  #expect(json.status == 5)
  let list = try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any]
  let items = list?["items"] as? [[String: Any]] ?? []
  #expect(items.map { $0["passed"] as? Bool } == [true, false, true])
  let failed = items[1]["results"] as? [[String: Any]]
  #expect(failed?.first?["message"] as? String == "every ConfigMap needs data.team")
  #expect((failed?.first?["file"] as? [String: Any])?["path"] as? String == "cm.yaml")
  #expect(
    try git(["-C", remote, "for-each-ref", "--format=%(refname) %(objectname)"]) == before)

  // Set, the current guardrails are checked the same way (exec still needs --allow-exec).
  #expect(
    try me.stoop(["repo", "guardrails", "set", "blueprints", proposed + "/guardrails.yaml"])
      .status == 0)
  #expect(try git(["-C", remote, "show", "main:labels.yaml"]).contains("owner: platform"))
  #expect(try me.stoop(["repo", "guardrails", "check", "blueprints"]).status == 1)
  #expect(
    try me.stoop(["repo", "guardrails", "check", "blueprints", "--allow-exec"]).status == 5)
}

/// A guardrails change that lands while a propose runs its guardrails (here: while the
/// validator runs, from another machine) wins: the propose loses with exit 3 and loses nothing.
/// A branch that moved for another reason (another package published) does not stop it, and an
/// approve that loses the branch to a guardrails change checks the new guardrails.
@Test func aGuardrailsChangeRacingAProposeWins() throws {
  let work = temporaryDirectory("guardrails-race")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let me = Machine(home: work + "/home")
  let other = Machine(home: work + "/other")
  #expect(try me.stoop(["repo", "register", remote, "--create-branch"]).status == 0)
  #expect(try other.stoop(["repo", "register", remote]).status == 0)
  // The validator runs, once, the other machine's command written in the marker file.
  let marker = work + "/race-once"
  let racer = work + "/racer.sh"
  try writeExecutable(
    """
    #!/bin/sh
    input=$(cat)
    if [ -e '\(marker)' ]; then
      command=$(cat '\(marker)')
      rm '\(marker)'
      STOOP_HOME='\(other.home)' GIT_CONFIG_GLOBAL=/dev/null sh -c "$command" >'\(marker).log' 2>&1 || exit 9
    fi
    printf '%s' "$input"

    """, to: racer)
  func race(_ arguments: String) throws {
    try "'\(stoopBinary)' repo sync blueprints && '\(stoopBinary)' \(arguments)".write(
      toFile: marker, atomically: false, encoding: .utf8)
  }
  let oldRules = work + "/old.yaml"
  try guardrails(name: "old", mutators: [labels("old")], validators: ["  - exec: \(racer)\n"])
    .write(toFile: oldRules, atomically: false, encoding: .utf8)
  let newRules = work + "/new.yaml"
  try guardrails(name: "new", mutators: [labels("new")], validators: []).write(
    toFile: newRules, atomically: false, encoding: .utf8)
  #expect(try me.stoop(["repo", "guardrails", "set", "blueprints", oldRules]).status == 0)
  for package in ["app", "db"] {
    #expect(
      try me.stoop([
        "rpkg", "init", package, "--repository", "blueprints", "--workspace", "v1", "--allow-exec",
      ]).status == 0)
  }
  #expect(try me.stoop(["rpkg", "propose", "blueprints.db.v1", "--allow-exec"]).status == 0)
  #expect(
    try push(
      me, "blueprints.app.v1", at: work + "/app", ["cm.yaml": configMap(team: "a")],
      extra: ["--allow-exec"]
    ).status == 0)
  let draft = try git(["-C", remote, "rev-parse", "drafts/app/v1"])

  // Another package is published meanwhile: the propose goes through all the same.
  try race("rpkg approve blueprints.db.v1 --allow-exec")
  let retried = try me.stoop(["rpkg", "propose", "blueprints.app.v1", "--allow-exec"])
  #expect(
    retried.status == 0,
    "\(retried.stderr)\n\((try? String(contentsOfFile: marker + ".log", encoding: .utf8)) ?? "")")
  // Its guardrails ran twice: the branch moved, the guardrails did not, so it tried again.
  #expect(retried.stderr.components(separatedBy: "[RUNNING] \"\(racer)\"").count == 3)
  #expect(
    try git(["-C", remote, "for-each-ref", "--format=%(refname)"]).contains("refs/tags/db/v1"))
  #expect(try me.stoop(["rpkg", "reject", "blueprints.app.v1"]).status == 0)

  // The guardrails change meanwhile: exit 3, nothing lost.
  try race("repo guardrails set blueprints '\(newRules)'")
  let before = try git(["-C", remote, "rev-parse", "drafts/app/v1"])
  #expect(before != draft)  // the proposal's render commit came back with the rejection
  let lost = try me.stoop(["rpkg", "propose", "blueprints.app.v1", "--allow-exec"])
  #expect(lost.status == 3, "\(lost.stderr)")
  #expect(
    lost.stderr.contains(
      "the guardrails of repository \"blueprints\" changed on main while blueprints.app.v1 was being proposed"
    ), "\(lost.stderr)")
  #expect(try git(["-C", remote, "rev-parse", "drafts/app/v1"]) == before)
  #expect(!(try git(["-C", remote, "for-each-ref"])).contains("proposed/"))
  #expect(try git(["-C", remote, "show", "main:guardrails.yaml"]).contains("name: new"))
  // Run again, the proposal meets the new guardrails.
  let again = try me.stoop(["rpkg", "propose", "blueprints.app.v1"])
  #expect(again.status == 0, "\(again.stderr)")
  #expect(
    try git(["-C", remote, "show", "proposed/app/v1:app/cm.yaml"]).contains("    owner: new\n"))

  // approve loses the branch to a guardrails change and is checked against the new ones.
  #expect(try me.stoop(["repo", "guardrails", "set", "blueprints", oldRules]).status == 0)
  let stricter = work + "/stricter.yaml"
  try guardrails(
    name: "stricter", mutators: [], validators: ["  - exec: \(work)/no-such-validator\n"]
  ).write(toFile: stricter, atomically: false, encoding: .utf8)
  try race("repo guardrails set blueprints '\(stricter)'")
  let refused = try me.stoop(["rpkg", "approve", "blueprints.app.v1", "--allow-exec"])
  #expect(refused.status == 5, "\(refused.stderr)")
  #expect(refused.stderr.contains("[PASS] \"\(racer)\""), "\(refused.stderr)")
  #expect(
    refused.stderr.contains(
      "cannot approve blueprints.app.v1: unexpected function error: fork/exec \(work)/no-such-validator: no such file or directory"
    ),
    "\(refused.stderr)")
  #expect(!(try git(["-C", remote, "for-each-ref"])).contains("refs/tags/app/"))
}

/// A malformed guardrails file is refused in one line naming the file and line: by `set`, and
/// (committed by other means) by every step that would run it; nothing is skipped.
@Test func malformedGuardrailsAreRefusedWithFileAndLine() throws {
  let work = temporaryDirectory("guardrails-malformed")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let me = Machine(home: work + "/home")
  #expect(try me.stoop(["repo", "register", remote, "--create-branch"]).status == 0)
  #expect(
    try me.stoop(["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"]).status
      == 0)
  let main = try git(["-C", remote, "rev-parse", "main"])
  let bad = work + "/bad.yaml"
  try """
  apiVersion: stoop.dev/v1alpha1
  kind: Guardrails
  metadata:
    name: bad
  pipeline:
    validators:
    - image: set-labels:v0.2.0
      exec: ./check.sh
    - image: set-labels:v0.2.0
      confgMap:
        a: b

  """.write(toFile: bad, atomically: false, encoding: .utf8)
  let refused = try me.stoop(["repo", "guardrails", "set", "blueprints", bad])
  #expect(refused.status == 1)
  #expect(
    refused.stderr
      == "Error: \(bad):7: pipeline.validators[0]: must not specify both `image` and `exec` at the same time; \(bad):10: field confgMap not found in type v1.Function\n"
  )
  #expect(try git(["-C", remote, "rev-parse", "main"]) == main)

  // Committed past stoop (plain git): every step that runs guardrails refuses, naming it.
  let clone = work + "/clone"
  #expect(try run("/usr/bin/env", ["git", "clone", "-q", remote, clone]).status == 0)
  try "apiVersion: stoop.dev/v1alpha1\nkind: Guardrails\nmetadata:\n  name: x\npipeline: [\n"
    .write(toFile: clone + "/guardrails.yaml", atomically: false, encoding: .utf8)
  for arguments in [
    ["add", "guardrails.yaml"],
    ["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "g"],
    ["push", "-q", "origin", "main"],
  ] {
    #expect(try run("/usr/bin/env", ["git", "-C", clone] + arguments).status == 0)
  }
  let initRefused = try me.stoop([
    "rpkg", "init", "db", "--repository", "blueprints", "--workspace", "v1",
  ])
  #expect(initRefused.status == 1)
  #expect(initRefused.stderr.hasPrefix("Error: main:guardrails.yaml:6: invalid YAML: "))
  #expect(initRefused.stderr.split(separator: "\n").count == 1)
  let proposeRefused = try me.stoop(["rpkg", "propose", "blueprints.app.v1"])
  #expect(proposeRefused.status == 1 && proposeRefused.stderr.contains("main:guardrails.yaml:6:"))
  #expect(!(try git(["-C", remote, "for-each-ref"])).contains("proposed/"))
  // What does not run guardrails goes on; set replaces the file.
  #expect(try me.out(["repo", "guardrails", "get", "blueprints"]).contains("pipeline: ["))
  let good = work + "/good.yaml"
  try guardrails(name: "good", mutators: [labels("platform")], validators: []).write(
    toFile: good, atomically: false, encoding: .utf8)
  #expect(try me.stoop(["repo", "guardrails", "set", "blueprints", good]).status == 0)
  #expect(try me.stoop(["rpkg", "propose", "blueprints.app.v1"]).status == 0)
}

/// guardrails.yaml and its configs sit at the top of the registered directory, where no
/// package can be: discovery lists the packages alone, with no warning.
@Test func discoveryIgnoresGuardrails() throws {
  let work = temporaryDirectory("guardrails-discovery")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let me = Machine(home: work + "/home")
  #expect(
    try me.stoop([
      "repo", "register", remote, "--create-branch", "--directory", "catalog",
    ]).status == 0)
  let rules = work + "/rules"
  try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
  try guardrails(
    name: "labels", mutators: ["  - image: set-labels:v0.2.0\n    configPath: labels.yaml\n"],
    validators: []
  ).write(toFile: rules + "/guardrails.yaml", atomically: false, encoding: .utf8)
  try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: labels\ndata:\n  owner: platform\n"
    .write(toFile: rules + "/labels.yaml", atomically: false, encoding: .utf8)
  #expect(
    try me.stoop(["repo", "guardrails", "set", "blueprints", rules + "/guardrails.yaml"]).status
      == 0)
  #expect(
    try git(["-C", remote, "ls-tree", "-r", "--name-only", "main"])
      == "README.md\ncatalog/guardrails.yaml\ncatalog/labels.yaml\n")
  #expect(
    try me.stoop(["rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1"]).status
      == 0)
  #expect(try me.stoop(["rpkg", "propose", "blueprints.app.v1"]).status == 0)
  #expect(try me.stoop(["rpkg", "approve", "blueprints.app.v1"]).status == 0)
  let listed = try me.stoop(["rpkg", "get"])
  #expect(listed.stderr.isEmpty, "\(listed.stderr)")
  #expect(
    String(decoding: listed.stdout, as: UTF8.self)
      == """
      NAME                  PACKAGE   WORKSPACENAME   REVISION   LATEST   LIFECYCLE   REPOSITORY
      blueprints.app.main   app       main            -1         false    Published   blueprints
      blueprints.app.v1     app       v1              1          true     Published   blueprints

      """)
  // The published tree keeps the guardrails beside the package, untouched.
  #expect(
    try git(["-C", remote, "ls-tree", "-r", "--name-only", "main"]).contains(
      "catalog/guardrails.yaml\ncatalog/labels.yaml\n"))
}

/// The README's guardrails example, as written there (its exec program replaced by this test's),
/// sets and gates a package.
@Test func theReadmeGuardrailsExampleWorks() throws {
  let work = temporaryDirectory("guardrails-readme")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  let readme = try String(
    contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
  let section = try #require(readme.components(separatedBy: "## Repository guardrails\n").last)
  let block = try #require(
    section.components(separatedBy: "```yaml\n").dropFirst().first?.components(
      separatedBy: "```"
    ).first)
  let remote = try makeBareRemote(in: work)
  let me = Machine(home: work + "/home")
  let validator = work + "/team.sh"
  try writeExecutable(teamValidator, to: validator)
  let rules = work + "/rules"
  try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
  try block.replacingOccurrences(of: "/usr/local/lib/stoop/require-team.sh", with: validator)
    .write(toFile: rules + "/guardrails.yaml", atomically: false, encoding: .utf8)
  try
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: annotations\ndata:\n  reviewed: \"yes\"\n"
    .write(toFile: rules + "/annotations.yaml", atomically: false, encoding: .utf8)
  #expect(try me.stoop(["repo", "register", remote, "--create-branch"]).status == 0)
  let set = try me.stoop(["repo", "guardrails", "set", "blueprints", rules + "/guardrails.yaml"])
  #expect(set.status == 0, "\(set.stderr)")
  #expect(
    try me.stoop([
      "rpkg", "init", "app", "--repository", "blueprints", "--workspace", "v1", "--allow-exec",
    ]).status == 0)
  #expect(
    try push(
      me, "blueprints.app.v1", at: work + "/app", ["cm.yaml": configMap(team: nil)],
      extra: ["--allow-exec"]
    ).status == 0)
  #expect(try me.stoop(["rpkg", "propose", "blueprints.app.v1", "--allow-exec"]).status == 5)
  #expect(
    try push(
      me, "blueprints.app.v1", at: work + "/app", ["cm.yaml": configMap(team: "shop")],
      extra: ["--allow-exec"]
    ).status == 0)
  #expect(try me.stoop(["rpkg", "propose", "blueprints.app.v1", "--allow-exec"]).status == 0)
  #expect(try me.stoop(["rpkg", "approve", "blueprints.app.v1", "--allow-exec"]).status == 0)
  let published = try git(["-C", remote, "show", "app/v1:app/cm.yaml"])
  #expect(published.contains("    owner: platform\n"), "\(published)")
  #expect(published.contains("    reviewed: \"yes\"\n"), "\(published)")
}
