import KRM
import Testing

@testable import CaD

/// An apiVersion of only slashes has no group (`split` gave no element to take the first of).
@Test func anApiVersionOfOnlySlashesDoesNotTrap() throws {
  for apiVersion in ["/", "//", "/v1"] {
    let text = "apiVersion: \(apiVersion)\nkind: ConfigMap\nmetadata:\n  name: a\n"
    var document = try YAMLFile(parsing: Array(text.utf8), name: "a.yaml").documents[0]
    #expect(UpstreamRewrite.addMergeKey(to: &document))
    #expect(document.root.entries[2].comments.line == "# kpt-merge: /a")
  }
}
