import Foundation
import Testing

/// Files a killed command leaves outside git (scratch directories, half-pulled packages) and
/// writers that race for the same name.

@Test func aKilledPullLeavesNoHalfPackageAndTheNextPullCleansUp() throws {
  let world = CrashWorld("pull")
  defer { world.remove() }
  try world.build()
  let target = world.root + "/fresh"
  let killed = try world.stoop(
    ["rpkg", "pull", "blueprints.app.v1", target], environment: ["STOOP_FAULT": "pull.staged"])
  #expect(killed.status == 9)
  #expect(!FileManager.default.fileExists(atPath: target))
  let again = try world.stoop(["rpkg", "pull", "blueprints.app.v1", target])
  #expect(again.status == 0, "\(again.stderr)")
  #expect(
    try FileManager.default.contentsOfDirectory(atPath: target).sorted()
      == [".KptRevisionMetadata", "Kptfile", "README.md", "package-context.yaml"])
  let hidden = try FileManager.default.contentsOfDirectory(atPath: world.root).filter {
    $0.hasPrefix(".")
  }
  #expect(hidden.isEmpty, "\(hidden)")
}

@Test func aKilledRenderLeavesNoScratchBehindTheNextRender() throws {
  let world = CrashWorld("render")
  defer { world.remove() }
  try world.build()
  let kptfile = """
    apiVersion: kpt.dev/v1
    kind: Kptfile
    metadata:
      name: app
      annotations:
        config.kubernetes.io/local-config: "true"
    pipeline:
      mutators:
        - image: set-labels:v0.2.0
          configMap:
            tier: web

    """
  try kptfile.write(toFile: world.checkout + "/Kptfile", atomically: false, encoding: .utf8)
  let push = ["rpkg", "push", "blueprints.app.v2", world.checkout]
  let killed = try world.stoop(push, environment: ["STOOP_FAULT": "render.scratch-written"])
  #expect(killed.status == 9)
  let scratchRoot = world.home + "/tmp"
  #expect(try !FileManager.default.contentsOfDirectory(atPath: scratchRoot).isEmpty)
  let again = try world.stoop(push)
  #expect(again.status == 0, "\(again.stderr)")
  #expect(try FileManager.default.contentsOfDirectory(atPath: scratchRoot).isEmpty)
  let labelled = try world.gitText([
    "--git-dir", world.remote, "show", "refs/heads/drafts/app/v2:app/cm.yaml",
  ])
  #expect(labelled.contains("tier: web"), "\(labelled)")
}

@Test func racingRegistrationsOfOneNameRegisterItOnce() throws {
  let work = temporaryDirectory("race-register")
  defer { try? FileManager.default.removeItem(atPath: work) }
  let remote = try makeBareRemote(in: work)
  let env = ProcessInfo.processInfo.environment.merging([
    "STOOP_HOME": work + "/home", "GIT_CONFIG_GLOBAL": "/dev/null",
  ]) { $1 }
  #expect(
    try run(
      stoopBinary, ["repo", "register", remote, "--create-branch", "--name", "seed"],
      environment: env
    ).status == 0)
  let outputs = (0..<6).map { work + "/err\($0)" }
  let processes = try outputs.map { output -> Process in
    let process = Process()
    process.executableURL = URL(fileURLWithPath: stoopBinary)
    process.arguments = ["repo", "register", remote]
    process.environment = env
    process.standardOutput = FileHandle.nullDevice
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    try process.run()
    return process
  }
  for process in processes { process.waitUntilExit() }
  let statuses = processes.map(\.terminationStatus)
  #expect(statuses.filter { $0 == 0 }.count == 1, "\(statuses)")
  for (process, output) in zip(processes, outputs) where process.terminationStatus != 0 {
    let message = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    #expect(process.terminationStatus == 1)
    #expect(message.contains("is already registered"), "\(message)")
  }
  let namespace = work + "/home/repositories/default"
  #expect(
    try FileManager.default.contentsOfDirectory(atPath: namespace).sorted() == [
      "blueprints", "seed",
    ])
}
