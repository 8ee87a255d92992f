import Foundation
import Testing

// Repositories on this disk are cloned by linking their object files and fetched from by copying
// objects directly: the shapes of source below are the ones that path must not get wrong.

private func sh(_ script: String, in directory: String) throws -> String {
  let result = try run(
    "/bin/sh", ["-c", "cd '\(directory)' && \(script)"],
    environment: [
      "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
      "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    ])
  #expect(result.status == 0, "\(script): \(result.stderr)")
  return String(decoding: result.stdout, as: UTF8.self)
}

/// Every tree in the bare repository at `path` (reachable or not) has every entry it names.
private func everyTreeIsWhole(_ path: String) throws -> [String] {
  let trees = try sh(
    "git cat-file --batch-all-objects --batch-check='%(objecttype) %(objectname)' | sed -n 's/^tree //p'",
    in: path
  ).split(separator: "\n")
  var broken: [String] = []
  for tree in trees {
    for line in try sh("git ls-tree \(tree)", in: path).split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count >= 3, fields[1] != "commit" else { continue }
      let id = String(fields[2].prefix(40))
      let exists = try run(
        "/usr/bin/env", ["git", "-C", path, "cat-file", "-e", id],
        environment: ["GIT_CONFIG_GLOBAL": "/dev/null"])
      if exists.status != 0 { broken.append("tree \(tree) names missing \(id)") }
    }
  }
  return broken
}

/// A scratch directory holding `src.git`, pushed from `work/` after `commits` (a shell line run
/// there), and registered as `o`; and the environment that reaches that registration.
private func registeredSource(_ label: String, commits: String) throws -> (
  root: String, env: [String: String]
) {
  let root = temporaryDirectory(label)
  try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  _ = try sh(
    "git init -q --bare -b main src.git && git init -q -b main work && cd work && \(commits) && git push -q ../src.git main",
    in: root)
  let env = ["STOOP_HOME": root + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  #expect(
    try run(stoopBinary, ["repo", "register", root + "/src.git", "--name", "o"], environment: env)
      .status == 0)
  return (root, env)
}

@Test func aFetchKilledMidwayNeverLeavesATreeWithoutAnObjectItNames() throws {
  let (root, env) = try registeredSource(
    "tree-order", commits: "echo 0 > f && git add f && git commit -qm c0")
  defer { try? FileManager.default.removeItem(atPath: root) }
  // Two paths with the same content: the blob is met through the root tree and through `sub`.
  _ = try sh(
    "cd work && mkdir sub && echo same > a.txt && echo same > sub/a.txt && echo other > sub/other.txt && git add -A && git commit -qm c1 && git push -q ../src.git main",
    in: root)
  // Killed after each object in turn, each time from the same start.
  for kill in 1...4 {
    let home = root + "/home-\(kill)"
    _ = try sh("cp -a home '\(home)'", in: root)
    var faulty = env
    faulty["STOOP_HOME"] = home
    faulty["STOOP_FAULT"] = "object.written:\(kill)"
    _ = try run(stoopBinary, ["repo", "sync", "o"], environment: faulty)
    let clone = home + "/repositories/default/o/clone.git"
    #expect(try everyTreeIsWhole(clone) == [], "killed after object \(kill)")
    faulty["STOOP_FAULT"] = nil
    #expect(try run(stoopBinary, ["repo", "sync", "o"], environment: faulty).status == 0)
    #expect(try sh("git fsck --strict 2>&1", in: clone).contains("broken") == false)
  }
}

@Test func aLinkedWorkTreeIsClonedWithTheRefsItShares() throws {
  let root = temporaryDirectory("worktree-source")
  defer { try? FileManager.default.removeItem(atPath: root) }
  try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  _ = try sh(
    "git init -q -b main work && cd work && mkdir p && printf 'apiVersion: kpt.dev/v1\\nkind: Kptfile\\nmetadata:\\n  name: p\\n' > p/Kptfile && git add -A && git commit -qm c0 && git branch blueprints && git worktree add -q ../linked blueprints",
    in: root)
  let env = ["STOOP_HOME": root + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  let registered = try run(
    stoopBinary, ["repo", "register", root + "/linked", "--name", "wt", "--branch", "main"],
    environment: env)
  #expect(registered.status == 0, "\(registered.stderr)")
  let refs = try sh(
    "git for-each-ref --format='%(refname)'", in: root + "/home/repositories/default/wt/clone.git")
  #expect(refs.contains("refs/remotes/origin/main"), "\(refs)")
  // A sync reads the same shared refs: nothing is pruned away.
  #expect(try run(stoopBinary, ["repo", "sync", "wt"], environment: env).status == 0)
  let after = try sh(
    "git for-each-ref --format='%(refname)'", in: root + "/home/repositories/default/wt/clone.git")
  #expect(after == refs)
}

@Test func aPartialCloneIsNeverRegisteredWithObjectsMissing() throws {
  let root = temporaryDirectory("partial-source")
  defer { try? FileManager.default.removeItem(atPath: root) }
  try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  _ = try sh(
    "git init -q --bare -b main src.git && git -C src.git config uploadpack.allowFilter true && git init -q -b main work && cd work && echo a > f && git add f && git commit -qm c0 && echo b > f && git commit -qam c1 && git push -q ../src.git main && cd .. && git clone -q --bare --filter=blob:none file://$PWD/src.git partial.git",
    in: root)
  let env = ["STOOP_HOME": root + "/home", "GIT_CONFIG_GLOBAL": "/dev/null"]
  let registered = try run(
    stoopBinary, ["repo", "register", root + "/partial.git", "--name", "p"], environment: env)
  // Either refused, or registered whole: never a clone with blobs missing.
  if registered.status == 0 {
    let fsck = try run(
      "/usr/bin/env", ["git", "-C", root + "/home/repositories/default/p/clone.git", "fsck"],
      environment: ["GIT_CONFIG_GLOBAL": "/dev/null"])
    #expect(fsck.status == 0, "\(fsck.stdout) \(fsck.stderr)")
  } else {
    #expect(!FileManager.default.fileExists(atPath: root + "/home/repositories/default/p"))
  }
}

@Test func tagsOfTagsAndOfTreesArriveWhole() throws {
  let (root, env) = try registeredSource(
    "tag-shapes", commits: "for i in 1 2 3 4; do echo $i > f; git add f; git commit -qm c$i; done")
  defer { try? FileManager.default.removeItem(atPath: root) }
  // The inner tag is named by no ref once deleted; the other tag names a tree.
  _ = try sh(
    "cd work && git -c advice.nestedTag=false tag -a inner -m x HEAD~2 && git tag -a outer -m y inner && git tag -d inner && git tag -a treetag -m t 'HEAD^{tree}' && git push -q ../src.git outer treetag",
    in: root)
  let synced = try run(stoopBinary, ["repo", "sync", "o"], environment: env)
  #expect(synced.status == 0 && !synced.stderr.contains("damaged"), "\(synced.stderr)")
  let clone = root + "/home/repositories/default/o/clone.git"
  let fsck = try run(
    "/usr/bin/env", ["git", "-C", clone, "fsck", "--strict"],
    environment: ["GIT_CONFIG_GLOBAL": "/dev/null"])
  let report = String(decoding: fsck.stdout, as: UTF8.self) + fsck.stderr
  #expect(fsck.status == 0 && !report.contains("missing"), "\(report)")
  let again = try run(stoopBinary, ["repo", "sync", "o"], environment: env)
  #expect(String(decoding: again.stdout, as: UTF8.self).contains("up to date"), "\(again.stderr)")
}
