import Foundation
import Testing

@testable import Git

func scratch(_ name: String) -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent(
    "stoop-git-\(name)-\(UUID().uuidString)"
  )
  .path
}

let porch = Signature(
  name: "Package Orchestration Service", email: "porch@kpt.dev", time: 1_700_000_000)

/// A bare "remote" with one commit on main holding `pkg/Kptfile` and `README.md`.
func makeRemote() throws -> (path: String, repository: Repository, head: ObjectID) {
  let path = scratch("remote") + ".git"
  let remote = try Repository.createBare(path)
  let tree = try remote.writeTree(files: [
    "README.md": (Array("hello\n".utf8), .blob),
    "pkg/Kptfile": (
      Array("apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n".utf8), .blob
    ),
    "pkg/run.sh": (Array("#!/bin/sh\n".utf8), .executable),
  ])
  let head = try remote.writeCommit(
    tree: tree, parents: [], message: "Initial commit", author: porch, committer: porch)
  try remote.setReference("refs/heads/main", to: head)
  try remote.setReference("refs/tags/pkg/v1", to: head)
  return (path, remote, head)
}

@Test func treesCommitsAndBlobsRoundTripThroughTheObjectDatabase() throws {
  let (path, remote, head) = try makeRemote()
  defer { try? FileManager.default.removeItem(atPath: path) }
  let commit = try remote.commit(head)
  #expect(commit.message == "Initial commit")
  #expect(commit.author == porch)
  let files = try remote.files(in: commit.tree)
  #expect(Set(files.keys) == ["README.md", "pkg/Kptfile", "pkg/run.sh"])
  #expect(files["pkg/run.sh"]?.mode == .executable)
  let kptfile = try #require(try remote.entry(at: "pkg/Kptfile", in: commit.tree))
  #expect(String(decoding: try remote.blob(kptfile.id), as: UTF8.self).contains("name: pkg"))
  #expect(try remote.entry(at: "pkg/missing", in: commit.tree) == nil)

  // Replacing and removing a subtree leaves the rest alone.
  let other = try remote.writeTree(files: ["Kptfile": (Array("x".utf8), .blob)])
  let replaced = try remote.replacingSubtree(in: commit.tree, at: "a/b", with: other)
  #expect(
    Set(try remote.files(in: replaced).keys) == [
      "README.md", "pkg/Kptfile", "pkg/run.sh", "a/b/Kptfile",
    ])
  let removed = try remote.replacingSubtree(in: replaced, at: "a/b", with: nil)
  #expect(removed == commit.tree)
}

@Test func replacingOneFileKeepsItsSiblingsAndRemovingTheLastRemovesItsFolders() throws {
  let (path, remote, head) = try makeRemote()
  defer { try? FileManager.default.removeItem(atPath: path) }
  let base = try remote.commit(head).tree
  let blob = try remote.writeBlob(Array("kind: RootSync\n".utf8))
  let added = try remote.replacingEntry(
    in: base, at: "clusters/prod/a.yaml", with: blob, mode: .blob)
  #expect(
    Set(try remote.files(in: added).keys) == [
      "README.md", "pkg/Kptfile", "pkg/run.sh", "clusters/prod/a.yaml",
    ])
  #expect(try remote.entry(at: "clusters/prod/a.yaml", in: added)?.mode == .blob)
  // A file in a package folder joins its siblings and keeps their modes.
  let beside = try remote.replacingEntry(in: base, at: "pkg/b.yaml", with: blob, mode: .blob)
  #expect(try remote.files(in: beside)["pkg/run.sh"]?.mode == .executable)
  #expect(try remote.files(in: beside)["pkg/b.yaml"]?.id == blob)
  let removed = try remote.replacingEntry(
    in: added, at: "clusters/prod/a.yaml", with: nil, mode: .blob)
  #expect(removed == base)
}

@Test func bareCloneUsesPorchRefspecsAndFetchPrunes() throws {
  let (path, remote, head) = try makeRemote()
  let clonePath = scratch("clone")
  defer {
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.removeItem(atPath: clonePath)
  }
  let clone = try Repository.clone(url: path, into: clonePath, progress: false)
  #expect(
    try clone.references() == ["refs/remotes/origin/main": head, "refs/tags/pkg/v1": head])
  // The remote gains a branch and loses the tag: fetch follows both.
  try remote.setReference("refs/heads/drafts/pkg/ws", to: head)
  try remote.deleteReference("refs/tags/pkg/v1")
  try clone.fetch(progress: false)
  #expect(
    try clone.references() == [
      "refs/remotes/origin/main": head, "refs/remotes/origin/drafts/pkg/ws": head,
    ])
}

@Test func pushChecksEveryExpectationAndMovesNothingOnRejection() throws {
  let (path, remote, head) = try makeRemote()
  let clonePath = scratch("clone")
  defer {
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.removeItem(atPath: clonePath)
  }
  let clone = try Repository.clone(url: "file://" + path, into: clonePath, progress: false)
  let tree = try clone.writeTree(files: ["pkg/Kptfile": (Array("changed\n".utf8), .blob)])
  let next = try clone.writeCommit(
    tree: tree, parents: [head], message: "Intermediate commit", author: porch, committer: porch)

  // Create-only on an existing ref: refused before anything is sent.
  #expect(throws: GitError.self) {
    try clone.push([
      RefUpdate(name: "refs/heads/drafts/pkg/ws", target: next, expected: .absent),
      RefUpdate(name: "refs/heads/main", target: next, expected: .absent),
    ])
  }
  #expect(try remote.reference("refs/heads/drafts/pkg/ws") == nil)
  #expect(try clone.reference("refs/remotes/origin/drafts/pkg/ws") == nil)

  // Compare-and-swap with a stale value: refused, nothing moves.
  let stale = try #require(ObjectID(hex: String(repeating: "a", count: 40)))
  do {
    try clone.push([RefUpdate(name: "refs/heads/main", target: next, expected: .value(stale))])
    Issue.record("a stale compare-and-swap was accepted")
  } catch {
    #expect(error.kind == .rejected(ref: "refs/heads/main"))
    #expect(error.message.contains("refs/heads/main moved on the remote"))
  }
  #expect(try remote.reference("refs/heads/main") == head)

  // Several refs in one push: create, move, delete.
  try clone.push([
    RefUpdate(name: "refs/heads/drafts/pkg/ws", target: next, expected: .absent),
    RefUpdate(name: "refs/heads/main", target: next, expected: .value(head)),
    RefUpdate(name: "refs/tags/pkg/v1", target: nil, expected: .value(head)),
  ])
  #expect(try remote.reference("refs/heads/drafts/pkg/ws") == next)
  #expect(try remote.reference("refs/heads/main") == next)
  #expect(try remote.reference("refs/tags/pkg/v1") == nil)
  #expect(
    try clone.references() == [
      "refs/remotes/origin/main": next, "refs/remotes/origin/drafts/pkg/ws": next,
    ])
}

@Test func libgit2ErrorsCarryTheirMessageAndClass() throws {
  do {
    _ = try Repository.clone(
      url: "/nonexistent/repo.git", into: scratch("missing"), progress: false)
    Issue.record("cloning a missing path worked")
  } catch {
    #expect(!error.message.isEmpty)
    #expect(error.errorClass != nil)
  }
}

/// The files-backend reader agrees with git: loose refs win over packed ones, peeled lines,
/// symbolic refs and lock files are left out, and a prefix selects exactly its refs.
@Test func referencesReadLooseAndPackedRefsAsGitDoes() throws {
  let (path, remote, head) = try makeRemote()
  defer { try? FileManager.default.removeItem(atPath: path) }
  let second = try remote.writeCommit(
    tree: try remote.commit(head).tree, parents: [head], message: "second", author: porch,
    committer: porch)
  for name in ["refs/heads/drafts/pkg/ws", "refs/heads/drafts/pkgx/ws", "refs/tags/pkg/v2"] {
    try remote.setReference(name, to: head)
  }
  func git(_ arguments: [String]) throws -> String { try gitOutput(path, arguments) }
  // An annotated tag (a peeled line in packed-refs), everything packed, then a loose ref that
  // overrides its packed value, a symbolic ref and a stale lock file.
  _ = try git([
    "-c", "user.name=t", "-c", "user.email=t@x", "tag", "-a", "-m", "m", "pkg/v3", head.hex,
  ])
  _ = try git(["pack-refs", "--all"])
  try remote.setReference("refs/heads/drafts/pkg/ws", to: second)
  _ = try git(["symbolic-ref", "refs/heads/alias", "refs/heads/main"])
  try "0000\n".write(toFile: path + "/refs/heads/main.lock", atomically: false, encoding: .utf8)

  func expected(_ prefix: String) throws -> [String: ObjectID] {
    var result: [String: ObjectID] = [:]
    for line in try git(["for-each-ref", "--format=%(objectname) %(refname) %(symref)", prefix])
      .split(separator: "\n")
    {
      let parts = line.split(separator: " ", omittingEmptySubsequences: false)
      if parts.count > 2 && !parts[2].isEmpty { continue }
      result[String(parts[1])] = ObjectID(hex: String(parts[0]))
    }
    return result
  }
  #expect(try remote.references() == expected("refs/"))
  #expect(try remote.references()["refs/heads/drafts/pkg/ws"] == second)
  #expect(
    try remote.references(under: "refs/heads/drafts/pkg/").keys.sorted() == [
      "refs/heads/drafts/pkg/ws"
    ])
  #expect(try remote.references(under: "refs/tags/") == expected("refs/tags/"))
  #expect(try remote.references(under: "refs/heads/ma").keys.sorted() == ["refs/heads/main"])
}

/// Ref writes follow git's files backend: exclusive `.lock`, the condition checked under it,
/// packed refs removed from `packed-refs`, and git reads every result back the same.
@Test func referenceWritesAreCompareAndSwapUnderGitsLocks() throws {
  let (path, remote, head) = try makeRemote()
  defer { try? FileManager.default.removeItem(atPath: path) }
  func git(_ arguments: [String]) throws -> String { try gitOutput(path, arguments) }
  func rejected(_ body: () throws -> Void) -> Bool {
    do {
      try body()
      return false
    } catch let error as GitError {
      if case .rejected = error.kind { return true }
      return false
    } catch {
      return false
    }
  }
  let second = try remote.writeCommit(
    tree: try remote.commit(head).tree, parents: [head], message: "second", author: porch,
    committer: porch)
  let name = "refs/heads/drafts/pkg/ws"
  try remote.writeReference(name, to: head, if: .absent)
  #expect(rejected { try remote.writeReference(name, to: second, if: .absent) })
  #expect(rejected { try remote.writeReference(name, to: second, if: .value(second)) })
  try remote.writeReference(name, to: second, if: .value(head))
  #expect(try git(["rev-parse", name]) == second.hex + "\n")

  // Another writer's lock refuses the write (after a short wait), is named, and is left alone.
  let lock = path + "/" + name + ".lock"
  try "".write(toFile: lock, atomically: false, encoding: .utf8)
  do {
    try remote.writeReference(name, to: head, if: .any)
    Issue.record("a held lock did not refuse the write")
  } catch {
    #expect(error.kind == .locked(path: lock))
    #expect(error.message.contains("if no other process is running, remove \(lock)"))
  }
  #expect(FileManager.default.fileExists(atPath: lock))
  try FileManager.default.removeItem(atPath: lock)

  // A ref and a directory of refs cannot share a name.
  #expect(rejected { try remote.writeReference("refs/heads/drafts/pkg", to: head, if: .absent) })
  #expect(rejected { try remote.writeReference(name + "/x", to: head, if: .absent) })

  // Deleting a packed ref rewrites packed-refs without it (and its peeled line).
  _ = try git([
    "-c", "user.name=t", "-c", "user.email=t@x", "tag", "-a", "-m", "m", "pkg/v9", head.hex,
  ])
  _ = try git(["pack-refs", "--all"])
  try remote.writeReference("refs/tags/pkg/v9", to: nil, if: .any)
  try remote.writeReference(name, to: nil, if: .value(second))
  #expect(
    try git(["for-each-ref", "--format=%(refname)"]) == "refs/heads/main\nrefs/tags/pkg/v1\n")
  #expect(
    !(try String(contentsOfFile: path + "/packed-refs", encoding: .utf8)).contains("pkg/v9"))
  let fsck = try git(["fsck", "--no-progress"])
  #expect(!fsck.contains("error") && !fsck.contains("broken"), "\(fsck)")
}

/// What `git -C repository ARGUMENTS` prints on stdout.
func gitOutput(_ repository: String, _ arguments: [String]) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["git", "-C", repository] + arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(decoding: data, as: UTF8.self)
}
