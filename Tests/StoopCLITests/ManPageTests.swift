import Foundation
import Testing

private let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().path

/// `man` renders a page only with a `.Dd` line; the pages carry the release's date, the same
/// in every page, so `make check-generated` can compare them.
@Test func manPagesCarryTheReleaseDateAndRender() throws {
  let pages = try FileManager.default.contentsOfDirectory(atPath: checkout + "/man")
    .filter { $0.hasSuffix(".1") }.sorted()
  #expect(pages.contains("stoop.rpkg.approve.1") && pages.contains("stoop.completion.1"))
  let stoopSwift = try String(
    contentsOfFile: checkout + "/Sources/StoopCLI/Stoop.swift", encoding: .utf8)
  let release = try #require(
    stoopSwift.firstMatch(of: /releaseDate = "(\d{4})-(\d{2})-(\d{2})"/))
  let months = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
  ]
  let date = "\(months[Int(release.2)! - 1]) \(Int(release.3)!), \(release.1)"
  for page in pages {
    let text = try String(contentsOfFile: checkout + "/man/" + page, encoding: .utf8)
    #expect(text.contains("\n.Dd \(date)\n"), "\(page)")
  }
  guard FileManager.default.isExecutableFile(atPath: "/usr/bin/man") else { return }
  for page in ["stoop.rpkg.approve.1", "stoop.1", "stoop.fn.eval.1"] {
    let shown = try run(
      "/usr/bin/man", ["-l", checkout + "/man/" + page],
      environment: ["MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "80"])
    let text = String(decoding: shown.stdout, as: UTF8.self)
    #expect(shown.status == 0, "\(page): \(shown.stderr)")
    #expect(text.contains("NAME\n") && text.contains("SYNOPSIS\n"), "\(page): \(text.prefix(300))")
  }
}
