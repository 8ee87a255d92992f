import ArgumentParser
import Git
import KRM

/// The root command.
public struct Stoop: ParsableCommand {
  public static let version = "0.1.0"
  /// The release's date, which the man pages carry (the Makefile reads it from here).
  public static let releaseDate = "2026-12-01"

  public static let configuration = CommandConfiguration(
    commandName: "stoop",
    abstract: "Porch's package lifecycle on plain git, with kpt's functions built in.",
    discussion: """
      Exit codes: 0 ok, 1 failure, 3 conflict (pull again or retry), 4 not found, \
      5 validation failed, 64 usage. A remote that stays silent for STOOP_TIMEOUT seconds \
      (default 30) ends the command with exit 1 and nothing written.
      """,
    version:
      "stoop \(version) (libgit2 \(LibGit2.version), \(LibYAML.version == "" ? "libyaml" : "libyaml \(LibYAML.version)"))",
    subcommands: [
      Repo.self, Rpkg.self, Pkg.self, Fn.self, SyncGroup.self, VersionCommand.self,
      CompletionCommand.self,
    ]
  )

  public init() {}
}
