import Foundation
import Testing

@testable import CaD

/// The unified diff agrees with GNU diff -u on separate hunks, a missing final newline, an
/// empty side, and on a larger reordering (compared with the diff binary when it exists).
@Test func unifiedDiffMatchesDiffU() throws {
  let letters = "abcdefghijklm".map { "\($0)\n" }.joined()
  let changed = letters.replacingOccurrences(of: "b\n", with: "B\n") + "n\n"
  #expect(
    TextDiff.unified(Array(letters.utf8), Array(changed.utf8), oldName: "a", newName: "b")
      == "--- a\n+++ b\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -11,3 +11,4 @@\n k\n l\n m\n+n\n"
  )
  #expect(
    TextDiff.unified(Array("x\ny".utf8), Array("x\nz\n".utf8), oldName: "a", newName: "b")
      == "--- a\n+++ b\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+z\n")
  #expect(
    TextDiff.unified([], Array("x\nz\n".utf8), oldName: "/dev/null", newName: "b")
      == "--- /dev/null\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+z\n")
  #expect(
    TextDiff.unified(Array("same\n".utf8), Array("same\n".utf8), oldName: "a", newName: "b") == "")

  // A bigger case against the diff binary: hunk bodies must agree line for line.
  guard FileManager.default.isExecutableFile(atPath: "/usr/bin/diff") else { return }
  let old = (0..<200).map { "line \($0 % 37) \($0)\n" }.joined()
  var newLines = (0..<200).map { "line \($0 % 37) \($0)\n" }
  newLines.remove(at: 150)
  newLines.insert("inserted\n", at: 40)
  newLines[100] = "changed\n"
  newLines.removeSubrange(10..<14)
  let new = newLines.joined()
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "stoop-diff-\(UUID().uuidString)"
  ).path
  try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: directory) }
  try old.write(toFile: directory + "/old", atomically: false, encoding: .utf8)
  try new.write(toFile: directory + "/new", atomically: false, encoding: .utf8)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
  process.arguments = ["-u", directory + "/old", directory + "/new"]
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let output = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let expected = String(decoding: output, as: UTF8.self).split(
    separator: "\n", omittingEmptySubsequences: false
  ).dropFirst(2)
  let ours = TextDiff.unified(Array(old.utf8), Array(new.utf8), oldName: "a", newName: "b")
    .split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2)
  #expect(Array(ours) == Array(expected))
}
