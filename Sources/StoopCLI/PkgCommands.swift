import ArgumentParser
import CaD
import Foundation
import Orchestration

/// `stoop pkg`: kpt's `pkg` group on package directories of this disk.
struct Pkg: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pkg",
    abstract: "Work with package directories on this disk, as kpt's pkg group does.",
    subcommands: [PkgInit.self, PkgGet.self, PkgUpdate.self, PkgDiff.self]
  )
}

struct PkgInit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Make a directory a kpt package: Kptfile, package-context.yaml and README.md.",
    discussion: """
      DIR (default: the current directory) is created if needed; the package is named after it. \
      Files already there are left alone.
      """)

  @Argument(help: "The package directory.", completion: .directory) var directory = "."
  @Option(help: "The package description.") var description = "sample description"
  @Option(parsing: .upToNextOption, help: "Keywords (space or comma separated).")
  var keywords: [String] = []
  @Option(help: "The package's site.") var site: String?

  func run() throws {
    try ErrorReporter.run {
      let packages = LocalPackages(registry: Registry.current())
      let written = try packages.initialize(
        directory, description: description,
        keywords: keywords.flatMap { $0.split(separator: ",").map(String.init) }, site: site)
      for path in written {
        Terminal.standardError("writing \(directory == "." ? "" : directory + "/")\(path)\n")
      }
    }
  }
}

struct PkgGet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "get",
    abstract: "Fetch a package from a git repository into a new directory.",
    discussion: """
      SOURCE is kpt's REPO.git[/DIRECTORY][@REF]: a URL or a path of this disk, with .git where \
      the repository ends (REF defaults to the default branch; DIRECTORY/REF is tried as a tag \
      before REF). DEST (default: the current directory) must not exist, or be a directory to \
      create the package in, named after DIRECTORY. The Kptfile records upstream and \
      upstreamLock as kpt writes them, and every object gets its merge key, so that stoop pkg \
      update and kpt pkg update can both update it.
      """)

  @Argument(help: "REPO.git[/DIRECTORY][@REF]") var source: String
  @Argument(help: "Where to put the package.", completion: .directory) var destination = "."
  @Option(
    help: ArgumentHelp(
      "The update strategy recorded for later updates.", discussion: UpdateStrategy.values))
  var strategy = UpdateStrategy.resourceMerge
  @Flag(help: "Give every package a package-context.yaml, as for a deployment.")
  var forDeployment = false

  func run() throws {
    try ErrorReporter.run {
      let packages = LocalPackages(registry: Registry.current(), progress: Terminal.standardError)
      _ = try packages.get(
        try KptPackageURL.parse(source), into: destination, strategy: strategy.rawValue,
        forDeployment: forDeployment)
    }
  }
}

/// `PKG_PATH[@VERSION]`, as kpt's update and diff read it.
func splitVersion(_ argument: String) throws -> (path: String, version: String?) {
  let parts = argument.split(separator: "@", omittingEmptySubsequences: false).map(String.init)
  guard parts.count <= 2 else {
    throw ValidationError("at most 1 version permitted in \(argument)")
  }
  if parts.count == 2 && parts[1].isEmpty {
    throw ValidationError("\(argument) has an empty version after @")
  }
  return (parts[0].isEmpty ? "." : parts[0], parts.count == 2 ? parts[1] : nil)
}

struct PkgUpdate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "update",
    abstract: "Merge upstream changes into a local package.",
    discussion: """
      The package (default: the current directory) moves to VERSION, or to the ref its Kptfile \
      records. Its files are merged three ways against the upstream its upstreamLock names. \
      The strategy is --strategy, else the Kptfile's updateStrategy, else resource-merge (kpt \
      resets the Kptfile's strategy to resource-merge when the flag is absent; stoop keeps it). \
      What both sides changed is listed on stderr; --on-conflict says who wins: upstream (kpt's \
      behaviour, the default), local, or fail (exit 5). Nothing is written when anything fails.
      """)

  @Argument(help: "PKG_PATH[@VERSION]", completion: .directory) var package = "."
  @Option(
    help: ArgumentHelp(
      "How upstream changes come in (default: the Kptfile's updateStrategy).",
      discussion: UpdateStrategy.values))
  var strategy: UpdateStrategy?
  @Option(help: ConflictPolicy.help) var onConflict = ConflictPolicy.upstream

  func run() throws {
    try ErrorReporter.run {
      let (path, version) = try splitVersion(package)
      let packages = LocalPackages(registry: Registry.current(), progress: Terminal.standardError)
      let policy = onConflict
      let outcome = try packages.update(
        path, ref: version, strategy: strategy?.rawValue, policy: policy)
      if !outcome.conflicts.isEmpty {
        Terminal.standardError(
          "\(outcome.conflicts.count) conflict(s), resolved for \(policy.rawValue):\n"
            + outcome.conflicts.map { "  \($0)\n" }.joined())
      }
    }
  }
}

struct PkgDiff: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Show how a local package differs from its upstream, as unified diffs.",
    discussion: """
      --diff-type local (default) compares the upstream the Kptfile's lock names with the local \
      package; remote compares it with the upstream at VERSION (default: the Kptfile's ref), \
      which is what an update would bring; combined compares the upstream at VERSION with the \
      local package. The Kptfile is shown only when it differs in more than its name, upstream \
      and lock. Exit 0 whether or not there are differences.
      """)

  @Argument(help: "PKG_PATH[@VERSION]", completion: .directory) var package = "."
  @Option(help: LocalPackages.DiffType.help) var diffType = LocalPackages.DiffType.local

  func run() throws {
    try ErrorReporter.run {
      let (path, version) = try splitVersion(package)
      let packages = LocalPackages(registry: Registry.current())
      Terminal.standardOutput(
        Array(try packages.diff(path, ref: version, type: diffType).utf8))
    }
  }
}
