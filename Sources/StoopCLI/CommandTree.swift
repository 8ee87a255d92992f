import ArgumentParser

/// One command of stoop's hierarchy by name: what completion scripts, typo hints and usage
/// lines need to know about it.
struct CommandNode {
  let type: ParsableCommand.Type
  /// From the root: `["stoop", "rpkg", "del"]`.
  let path: [String]
  let children: [CommandNode]

  init(_ type: ParsableCommand.Type, parent: [String] = []) {
    self.type = type
    let name = type.configuration.commandName ?? String(describing: type).lowercased()
    path = parent + [name]
    children = type.configuration.subcommands.map { CommandNode($0, parent: parent + [name]) }
  }

  static let root = CommandNode(Stoop.self)

  var name: String { path[path.count - 1] }
  var aliases: [String] { type.configuration.aliases }
  var invocation: String { path.joined(separator: " ") }

  /// The child a word names, by its name or one of its aliases.
  func child(named word: String) -> CommandNode? {
    children.first { $0.name == word || $0.aliases.contains(word) }
  }

  /// Every command below this one, depth first.
  var descendants: [CommandNode] {
    children.flatMap { [$0] + $0.descendants }
  }

  /// The node of a command type.
  static func node(of type: ParsableCommand.Type) -> CommandNode? {
    ([root] + root.descendants).first { ObjectIdentifier($0.type) == ObjectIdentifier(type) }
  }
}
