import ArgumentParser
import Foundation

/// `stoop completion bash|zsh|fish`, as porchctl and kpt print their scripts.
struct CompletionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "completion",
    abstract: "Print the shell completion script for bash, zsh or fish.",
    discussion: """
      Completion offers commands, flags and the values of closed flags, and reads what exists \
      right now from the config directory and the local clones, without fetching: package \
      revision names after rpkg propose, approve, pull and the other rpkg commands, registered \
      repositories after --repository and repo sync, built-in functions after fn eval -i and \
      fn doc.

      bash: source <(stoop completion bash), or save it as \
      /etc/bash_completion.d/stoop. zsh: save it as _stoop in a directory of $fpath. fish: \
      stoop completion fish > ~/.config/fish/completions/stoop.fish.
      """)

  enum Shell: String, CaseIterable, ExpressibleByArgument {
    case bash, zsh, fish
  }

  @Argument(help: "The shell.") var shell: Shell

  func run() {
    print(CompletionScript.generate(for: CompletionShell(rawValue: shell.rawValue) ?? .bash))
  }
}

/// argument-parser's completion scripts, with stoop's command aliases (`rpkg delete`,
/// `rpackage`, `repo ls`) completing as the commands they stand for; argument-parser's own
/// generators leave aliases out.
enum CompletionScript {
  /// The shell of `--generate-completion-script SHELL` (argument-parser's flag, which `make
  /// completions` uses), so that it prints the same script as `stoop completion SHELL`.
  static func requestedShell(_ arguments: [String]) -> CompletionShell? {
    let flag = "--generate-completion-script"
    guard let first = arguments.first else { return nil }
    if first == flag, arguments.count == 2 { return CompletionShell(rawValue: arguments[1]) }
    if first.hasPrefix(flag + "="), arguments.count == 1 {
      return CompletionShell(rawValue: String(first.dropFirst(flag.count + 1)))
    }
    return nil
  }

  static func generate(for shell: CompletionShell) -> String {
    let script = Stoop.completionScript(for: shell)
    let aliased = CommandNode.root.descendants.filter { !$0.aliases.isEmpty }
    switch shell {
    case .bash: return shellFunctions(script, aliased, before: "complete -o filenames -F _stoop")
    case .zsh: return shellFunctions(script, aliased, before: "if [[ \"${funcstack[1]}\"")
    case .fish: return fish(script, aliased)
    default: return script
    }
  }

  private static func functionName(_ path: [String]) -> String {
    "_" + path.joined(separator: "_")
  }

  /// bash and zsh dispatch on the subcommand word to `_stoop_<path>`: the aliases join the
  /// parent's `case` pattern, and each gets a function that calls its command's.
  private static func shellFunctions(
    _ script: String, _ aliased: [CommandNode], before anchor: String
  ) -> String {
    var lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var wrappers: [String] = []
    for node in aliased {
      let parent = functionName(Array(node.path.dropLast())) + "() {"
      guard let start = lines.firstIndex(of: parent) else { continue }
      var index = start + 1
      while index < lines.count, lines[index] != "}" {
        let pattern = lines[index].trimmingCharacters(in: .whitespaces)
        if pattern.hasSuffix(")"),
          pattern.dropLast().split(separator: "|").contains(Substring(node.name)),
          pattern.dropLast().allSatisfy({ $0.isLetter || $0.isNumber || "|-_".contains($0) })
        {
          lines[index].removeLast()
          lines[index] += node.aliases.map { "|" + $0 }.joined() + ")"
          break
        }
        index += 1
      }
      for alias in node.aliases {
        wrappers += [
          functionName(Array(node.path.dropLast()) + [alias]) + "() {",
          "    " + functionName(node.path) + " \"${@}\"",
          "}",
          "",
        ]
      }
    }
    let at = lines.firstIndex { $0.hasPrefix(anchor) } ?? lines.count
    lines.insert(contentsOf: wrappers, at: at)
    return lines.joined(separator: "\n")
  }

  /// fish parses the command line with nested `switch` statements on each word and then
  /// compares the words it took as commands with each completion's command path: an alias joins
  /// its command's `case`, and the word is recorded under the command's own name.
  private static func fish(_ script: String, _ aliased: [CommandNode]) -> String {
    var lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var path: [String] = []
    var index = 0
    while index < lines.count {
      let line = lines[index]
      let indent = line.prefix { $0 == " " }.count
      let text = line.dropFirst(indent)
      guard text.hasPrefix("case '"), text.hasSuffix("'"), indent >= 4, indent % 4 == 0 else {
        index += 1
        continue
      }
      let depth = indent / 4 - 1
      let name = String(text.dropFirst("case '".count).dropLast())
      path = Array(path.prefix(depth)) + [name]
      if let node = aliased.first(where: { $0.path == path }) {
        lines[index] += node.aliases.map { " '\($0)'" }.joined()
        // The line after the case parses the command's flags; the command word is renamed
        // after it, before any deeper switch reads the next word.
        lines.insert(
          String(repeating: " ", count: indent + 4) + "set commands[-1] '\(node.name)'",
          at: index + 2)
        index += 1
      }
      index += 1
    }
    return lines.joined(separator: "\n")
  }
}
