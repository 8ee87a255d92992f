import ArgumentParser
import CaD

/// `stoop fn`: KRM functions and the ResourceList plumbing around them.
struct Fn: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fn",
    abstract: "Work with KRM functions and ResourceLists.",
    subcommands: [SourceCommand.self, SinkCommand.self]
  )
}

extension Source.Output: ExpressibleByArgument {}

struct SourceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "source",
    abstract: "Print a package's resources as a ResourceList on stdout.",
    discussion: """
      Reads Kptfile, *.yaml, *.yml and *.json files of DIR and its subpackages, honouring \
      .krmignore. Documents are printed as kpt prints them; a document kpt would reformat is \
      carried with its own layout, so `stoop fn source DIR | stoop fn sink OUT` gives back every \
      file byte for byte.
      """
  )

  @Argument(help: "The package directory.", completion: .directory)
  var directory: String = "."

  @Option(
    name: .customLong("fn-config"), help: "A file holding the functionConfig to include.",
    completion: .file())
  var functionConfig: String?

  @Option(
    name: [.customShort("o", allowingJoined: true), .long],
    help: "stdout: a ResourceList; unwrap: plain YAML documents.")
  var output: Source.Output = .stdout

  @Flag(
    name: [.customShort("m"), .customLong("include-meta-resources")],
    help: "Accepted for kpt compatibility; meta resources are always included.")
  var includeMetaResources = false

  func run() throws {
    try ErrorReporter.run {
      if includeMetaResources {
        throw PackageError.unsupportedOption(
          "--include-meta-resources is no longer necessary because meta resources are included by default"
        )
      }
      Terminal.standardOutput(
        try Source.run(directory: directory, functionConfig: functionConfig, output: output))
    }
  }
}

struct SinkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sink",
    abstract: "Write a ResourceList from stdin into a new package directory.",
    discussion: """
      DIR must not exist, or be an empty directory. Each resource goes to the file its path \
      annotation names; the reader annotations are removed. On any error nothing is written.
      """
  )

  @Argument(help: "The directory to create.", completion: .directory)
  var directory: String

  func run() throws {
    try ErrorReporter.run {
      try Sink.run(input: Terminal.readStandardInput(), directory: directory)
    }
  }
}
