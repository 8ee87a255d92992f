/// The `TYPE/NAME` forms `kubectl get -o name` prints (`packagerevision.porch.kpt.dev/NAME`,
/// `repository.config.porch.kpt.dev/NAME`), accepted back wherever a name is taken.
public enum ResourceName {
  public static let packageRevision = "packagerevision.porch.kpt.dev"
  public static let repository = "repository.config.porch.kpt.dev"

  /// A package revision name without a `packagerevision(s).[v1alpha1.]porch.kpt.dev/` prefix.
  /// Repository names hold no dot, so no short form (`repo/path`) can look like one.
  public static func packageRevisionName(_ text: String) -> String {
    strip(text, kinds: ["packagerevision", "packagerevisions"], group: "porch.kpt.dev")
  }

  /// A repository name without a `repository|repositories.[v1alpha1.]config.porch.kpt.dev/`
  /// prefix.
  public static func repositoryName(_ text: String) -> String {
    strip(text, kinds: ["repository", "repositories"], group: "config.porch.kpt.dev")
  }

  private static func strip(_ text: String, kinds: [String], group: String) -> String {
    guard let slash = text.firstIndex(of: "/") else { return text }
    let type = text[..<slash]
    for kind in kinds where type == kind + "." + group || type == kind + ".v1alpha1." + group {
      return String(text[text.index(after: slash)...])
    }
    return text
  }
}
