import Foundation
import Testing

@testable import Git

/// Runs git on a repository and returns its standard output (the test fails on a non-zero exit).
@discardableResult
private func git(_ arguments: [String]) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["git"] + arguments
  process.environment = ProcessInfo.processInfo.environment.merging([
    "GIT_CONFIG_GLOBAL": "/dev/null"
  ]) { $1 }
  let output = Pipe()
  let errors = Pipe()
  process.standardOutput = output
  process.standardError = errors
  try process.run()
  let data = output.fileHandleForReading.readDataToEndOfFile()
  let message = errors.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  #expect(
    process.terminationStatus == 0,
    "git \(arguments): \(String(decoding: message, as: UTF8.self))")
  return String(decoding: data, as: UTF8.self)
}

/// A bare repository whose main has `commits` commits after `base`, each changing one of 40
/// files in `pkg/` (so that every commit brings a new blob, `pkg` tree and root tree).
private func addHistory(to repository: Repository, commits: Int, after base: ObjectID?)
  throws -> ObjectID
{
  var files: [String: (bytes: [UInt8], mode: FileMode)] = [:]
  if let base {
    for (path, entry) in try repository.files(in: try repository.commit(base).tree) {
      files[path] = (try repository.blob(entry.id), entry.mode)
    }
  } else {
    for n in 0..<40 {
      files["pkg/r\(n).yaml"] = (
        Array(
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r\(n)\ndata:\n  n: \"0\"\n".utf8),
        .blob
      )
    }
  }
  var head = base
  for n in 0..<commits {
    let path = "pkg/r\(n % 40).yaml"
    let text = String(decoding: files[path]?.bytes ?? [], as: UTF8.self) + "  c\(n): \"\(n)\"\n"
    files[path] = (Array(text.utf8), .blob)
    let tree = try repository.writeTree(files: files)
    head = try repository.writeCommit(
      tree: tree, parents: head.map { [$0] } ?? [], message: "change \(n)\n", author: porch,
      committer: porch)
  }
  let tip = try #require(head)
  try repository.setReference("refs/heads/main", to: tip)
  return tip
}

@Test func aLocalCloneHoldsEveryRefInOnePackedRefsFileAndOutlivesItsSource() throws {
  let path = scratch("local-source") + ".git"
  let clonePath = scratch("local-clone") + ".git"
  defer {
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.removeItem(atPath: clonePath)
  }
  let source = try Repository.createBare(path)
  let head = try addHistory(to: source, commits: 30, after: nil)
  try source.setReference("refs/tags/pkg/v1", to: head)
  try source.setReference("refs/heads/drafts/pkg/v2", to: head)
  try git(["--git-dir", path, "repack", "-q", "-d"])
  // A loose object next to the pack, as a later write leaves one.
  let later = try addHistory(to: source, commits: 1, after: head)

  let clone = try Repository.clone(url: path, into: clonePath, progress: false)
  #expect(
    try clone.references() == [
      "refs/remotes/origin/main": later, "refs/remotes/origin/drafts/pkg/v2": head,
      "refs/tags/pkg/v1": head,
    ])
  // No loose refs: one file holds them all.
  #expect(
    try git(["--git-dir", clonePath, "for-each-ref", "refs/"]).split(separator: "\n").count == 3)
  let loose = try FileManager.default.subpathsOfDirectory(atPath: clonePath + "/refs").filter {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(
      atPath: clonePath + "/refs/" + $0, isDirectory: &isDirectory) && !isDirectory.boolValue
  }
  #expect(loose.isEmpty, "\(loose)")
  #expect(try clone.remoteURL() == path)

  // The clone stands on its own.
  try FileManager.default.removeItem(atPath: path)
  try git(["--git-dir", clonePath, "fsck", "--no-dangling", "--no-progress"])
  #expect(try clone.commit(later).parents == [head])
}

@Test func manyNewObjectsFromALocalRemoteArriveAsOnePackThatGitReads() throws {
  let path = scratch("pack-source") + ".git"
  let clonePath = scratch("pack-clone") + ".git"
  defer {
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.removeItem(atPath: clonePath)
  }
  let source = try Repository.createBare(path)
  let base = try addHistory(to: source, commits: 5, after: nil)
  let clone = try Repository.clone(url: path, into: clonePath, progress: false)
  let packs = { () -> [String] in
    ((try? FileManager.default.contentsOfDirectory(atPath: clonePath + "/objects/pack")) ?? [])
      .filter { $0.hasSuffix(".pack") }
  }
  let packsBefore = packs()
  let looseObjects = {
    Set(
      (FileManager.default.enumerator(atPath: clonePath + "/objects")?.allObjects ?? []).compactMap
      {
        ($0 as? String).flatMap { $0.hasPrefix("pack") || $0.hasPrefix("info") ? nil : $0 }
      })
  }
  let looseBefore = looseObjects()

  // 200 commits: 600 new objects, far more than are written loose.
  let head = try addHistory(to: source, commits: 200, after: base)
  try clone.fetch(progress: false)
  #expect(try clone.reference("refs/remotes/origin/main") == head)
  #expect(packs().count == packsBefore.count + 1)
  #expect(looseObjects() == looseBefore)
  try git(["--git-dir", clonePath, "fsck", "--no-dangling", "--no-progress"])
  let newPack = try #require(packs().first { !packsBefore.contains($0) })
  let verified = try git([
    "--git-dir", clonePath, "verify-pack", "-v", clonePath + "/objects/pack/" + newPack,
  ])
  // Versions of one tree or file travel as deltas against each other.
  #expect(verified.contains("chain length = 1"))
  let newest = try #require(try clone.entry(at: "pkg/r39.yaml", in: try clone.commit(head).tree))
  #expect(String(decoding: try clone.blob(newest.id), as: UTF8.self).contains("c199: \"199\""))
}

@Test func fetchingOneRefBringsThatRefAndItsHistoryOnly() throws {
  let path = scratch("one-ref-source") + ".git"
  let clonePath = scratch("one-ref-clone") + ".git"
  defer {
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.removeItem(atPath: clonePath)
  }
  let source = try Repository.createBare(path)
  let head = try addHistory(to: source, commits: 3, after: nil)
  try source.setReference("refs/tags/pkg/v1", to: head)
  // Another branch with history of its own, which the fetch must leave behind.
  let unrelated = try source.writeTree(files: ["big.bin": (Array(repeating: 7, count: 4096), .blob)]
  )
  let other = try source.writeCommit(
    tree: unrelated, parents: [], message: "other\n", author: porch, committer: porch)
  try source.setReference("refs/heads/other", to: other)

  // (libgit2's own transport would send every ref's objects from a repository on this disk.)
  let clone = try Repository.prepareClone(url: "file://" + path, into: clonePath)
  #expect(try clone.references().isEmpty)
  try clone.fetch(["refs/tags/pkg/v1"], progress: false)
  #expect(try clone.references() == ["refs/tags/pkg/v1": head])
  #expect(try clone.commit(head).parents.count == 1)
  #expect(throws: GitError.self) { try clone.commit(other) }
  #expect(throws: GitError.self) { try clone.treeEntries(unrelated) }
}

@Test func progressIsOneLineRewrittenInPlaceAndNothingWhenStandardErrorIsNoTerminal() {
  #expect(ProgressLine.text("Receiving objects", 450, 1000) == "Receiving objects:  45% (450/1000)")
  #expect(ProgressLine.text("Receiving objects", 7, 7) == "Receiving objects: 100% (7/7)")
  #expect(ProgressLine.text("Counting", 12, 0) == "Counting: 12")
  #expect(!ProgressLine("Copying objects", enabled: false).enabled)
}

@Test func aSourceThatBorrowsItsObjectsIsClonedByCopyingWhatItsRefsReach() throws {
  let path = scratch("lender") + ".git"
  let borrower = scratch("borrower") + ".git"
  let clonePath = scratch("borrower-clone") + ".git"
  defer {
    for directory in [path, borrower, clonePath] {
      try? FileManager.default.removeItem(atPath: directory)
    }
  }
  let source = try Repository.createBare(path)
  let head = try addHistory(to: source, commits: 80, after: nil)
  // `git clone --shared` keeps no objects of its own: objects/info/alternates names the lender's.
  try git(["clone", "-q", "--bare", "--shared", path, borrower])
  let clone = try Repository.clone(url: borrower, into: clonePath, progress: false)
  #expect(try clone.reference("refs/remotes/origin/main") == head)
  #expect(!FileManager.default.fileExists(atPath: clonePath + "/objects/info/alternates"))
  try FileManager.default.removeItem(atPath: path)
  try git(["--git-dir", clonePath, "fsck", "--no-dangling", "--no-progress"])
}
