import Testing

@testable import Git

@Test func linkedLibgit2ReportsItsVersion() {
  let parts = LibGit2.version.split(separator: ".")
  #expect(parts.count == 3)
  #expect(parts.allSatisfy { Int($0) != nil })
  #expect(LibGit2.initialised)
}
