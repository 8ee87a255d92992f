import ArgumentParser
import CaD
import Foundation
import Git

extension Stoop {
  /// argument-parser's entry point, plus: completion scripts that know the aliases, the
  /// command's own usage after a validation error found while running, and the nearest command
  /// after a mistyped one.
  public static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let shell = CompletionScript.requestedShell(arguments) {
      print(CompletionScript.generate(for: shell))
      Foundation.exit(0)
    }
    if let group = arguments.first(where: { !$0.hasPrefix("-") }),
      ([Repo.self, Rpkg.self, Pkg.self, SyncGroup.self] as [ParsableCommand.Type]).contains(where: {
        $0.configuration.commandName == group || $0.configuration.aliases.contains(group)
      })
    {
      LibGit2.warmUp()
    }
    var command: ParsableCommand
    do {
      command = try parseAsRoot(arguments)
    } catch {
      UsageError.exit(parsing: error, arguments: arguments)
    }
    do {
      try command.run()
    } catch let error as ValidationError {
      UsageError.exit(error.message, command: CommandNode.node(of: type(of: command)))
    } catch {
      exit(withError: error)
    }
  }
}

/// Usage errors (exit 64): one `Error:` line, then the hint: the command's usage and where its
/// help is, and the nearest command when a word was not one.
enum UsageError {
  static let code: Int32 = 64

  static func exit(parsing error: Error, arguments: [String]) -> Never {
    if Stoop.exitCode(for: error).rawValue == code,
      let (node, word) = unknownCommand(in: arguments)
    {
      let candidates =
        node.children.flatMap { [$0.name] + $0.aliases }
        + (node.path.count == 1 ? ["help"] : [])
      let nearest = Spelling.nearest(to: word, in: candidates)
      exit(
        "unknown command \"\(word)\" for \"\(node.invocation)\""
          + (nearest.map { "; did you mean \"\($0)\"?" } ?? ""), command: node)
    }
    Stoop.exit(withError: error)
  }

  /// The command whose subcommand word is not one of its subcommands, and that word.
  static func unknownCommand(in arguments: [String]) -> (CommandNode, String)? {
    var node = CommandNode.root
    for word in arguments {
      guard !node.children.isEmpty, !word.hasPrefix("-") else { return nil }
      if node.path.count == 1 && word == "help" { return nil }
      guard let child = node.child(named: word) else { return (node, word) }
      node = child
    }
    return nil
  }

  static func exit(_ message: String, command: CommandNode?) -> Never {
    var text = "Error: " + message.split(separator: "\n").joined(separator: " ") + "\n"
    if let command {
      text += "Usage: " + Stoop.usageString(for: command.type) + "\n"
      text += "  See '\(command.invocation) --help' for more information.\n"
    }
    Terminal.standardError(text)
    Foundation.exit(code)
  }
}

/// `stoop version`, as porchctl and kpt have it.
struct VersionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "version", abstract: "Print stoop's version and the libraries it runs on.")

  func run() {
    print(Stoop.configuration.version)
  }
}
