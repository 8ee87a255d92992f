import ArgumentParser
import CaD
import Foundation
import Git
import KRM
import Orchestration

/// `stoop repo`: registered repositories, as porchctl's `repo` group.
struct Repo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repo",
    abstract: "Register, list, sync and unregister git repositories of packages.",
    subcommands: [Register.self, Get.self, Unregister.self, Sync.self, RepoGuardrails.self],
    aliases: ["repository"]
  )
}

struct NamespaceOption: ParsableArguments {
  @Option(
    name: [.customShort("n", allowingJoined: true), .long],
    help: "The namespace of the registration.")
  var namespace: String = "default"

  @OptionGroup var kubectl: KubectlClientOptions
}

extension Registry {
  /// The registry of this environment, with warnings on stderr.
  static func current() -> Registry {
    var registry = Registry()
    registry.warn = { Terminal.standardError("Warning: \($0)\n") }
    return registry
  }
}

struct Register: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "register",
    abstract: "Register a git repository: clone it and check its branch.",
    discussion: """
      REPOSITORY is a local path (a bare repository or a directory with .git), a file://, \
      https:// or ssh:// URL, or scp-like user@host:path. Credentials go to a file of mode 0600 \
      in the config directory; prefer --repo-password-stdin or the STOOP_REPO_PASSWORD \
      environment variable over --repo-password, which other users can see in `ps`. A password \
      in the URL (https://user:password@host/...) moves to that file too and out of the URL. \
      An ssh server's host key must be listed for it in ~/.ssh/known_hosts or \
      /etc/ssh/ssh_known_hosts, as ssh requires with StrictHostKeyChecking.
      """,
    aliases: ["reg"]
  )

  @Argument(help: "The repository URL or path.")
  var repository: String

  @Option(help: "Registration name (default: the URL's last segment without .git).")
  var name: String?

  @Option(help: "A description of the repository.")
  var description: String?

  @Option(help: "The branch holding published packages.")
  var branch: String = "main"

  @Flag(help: "Create the branch when the repository does not have it.")
  var createBranch = false

  @Option(help: "The directory of the repository that holds packages.")
  var directory: String = "/"

  @Option(help: "Author name of the commits stoop writes here (default: git's user.name).")
  var author: String?

  @Option(help: "Author email of the commits stoop writes here (default: git's user.email).")
  var email: String?

  @Flag(help: "Packages of this repository are deployed (deployment repository).")
  var deployment = false

  @Option(
    name: [.customLong("repo-username"), .customLong("repo-basic-username")],
    help: "Username for the remote.")
  var username: String?

  @Option(
    name: [.customLong("repo-password"), .customLong("repo-basic-password")],
    help: "Password or token for the remote.")
  var password: String?

  @Flag(help: "Read the password or token from standard input.")
  var repoPasswordStdin = false

  @Option(help: "A bearer token for an https remote.")
  var repoBearerToken: String?

  @Option(
    help: "A private key file for an ssh remote (default: the ssh agent).", completion: .file())
  var repoSshKey: String?

  @OptionGroup var namespace: NamespaceOption

  func validate() throws {
    if let problem = Registration.problem(directory: directory) { throw ValidationError(problem) }
  }

  func run() throws {
    try ErrorReporter.run {
      var options = Registry.RegisterOptions()
      options.name = name
      options.namespace = namespace.namespace
      options.branch = branch
      options.directory = directory
      options.deployment = deployment
      options.description = description
      options.createBranch = createBranch
      options.author = author
      options.email = email
      var secret = password
      if repoPasswordStdin {
        secret = Terminal.readSecret(prompt: "Password or token for \(repository): ")
      }
      let environment = ProcessInfo.processInfo.environment
      options.credentials = Credentials(
        username: username ?? (secret == nil ? environment["STOOP_REPO_USERNAME"] : nil),
        password: secret ?? environment["STOOP_REPO_PASSWORD"],
        bearerToken: repoBearerToken ?? environment["STOOP_REPO_TOKEN"],
        sshKey: repoSshKey ?? environment["STOOP_REPO_SSH_KEY"])
      let registration = try Registry.current().register(url: repository, options: options)
      Terminal.standardOutput(Array("\(registration.name) registered\n".utf8))
    }
  }
}

struct Get: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "get",
    abstract: "List registered repositories.",
    aliases: ["ls", "list"]
  )

  @Argument(help: "Names to show (default: all).", completion: LiveCompletion.repositories)
  var names: [String] = []

  @Flag(name: [.customShort("A"), .long], help: "List registrations of every namespace.")
  var allNamespaces = false

  @OptionGroup(title: "Printing (kubectl's printer flags)") var printing: PrintFlags

  @OptionGroup var selector: SelectorOption

  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      let format = try printing.format()
      let registry = Registry.current()
      var registrations = try registry.list(namespace: allNamespaces ? nil : namespace.namespace)
      if !names.isEmpty {
        registrations = try names.map { name in
          let wanted = ResourceName.repositoryName(name)
          guard let found = registrations.first(where: { $0.name == wanted }) else {
            throw OrchestrationError.notRegistered(
              name: wanted, namespace: namespace.namespace,
              nearest: Spelling.nearest(to: wanted, in: registrations.map(\.name)))
          }
          return found
        }
      }
      var listing = Listings.repositories(registrations, singleItem: names.count == 1)
      listing.items = listing.items.filter(selector.matches)
      if listing.items.isEmpty && format.isSilentWhenEmpty {
        let scope = allNamespaces ? "" : " in namespace \"\(namespace.namespace)\""
        Terminal.standardError(
          registrations.isEmpty
            ? "No repositories registered\(scope); see stoop repo register --help\n"
            : "No repositories found\(scope) matching \(selector.selector ?? "the selector").\n")
      }
      Terminal.standardOutput(
        Array(
          try KubectlPrinter.render(
            listing, as: format, options: printing.options(withNamespace: allNamespaces)
          ).utf8))
    }
  }
}

/// `-o` of the commands that print their own tables (`rpkg upgrade --discover`, `--all`).
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, wide, yaml, json, name
}

/// A list of plain objects as YAML or JSON (`rpkg upgrade --discover -o json`).
enum ObjectPrinter {
  static func render(_ objects: [YAMLNode], json: Bool, alwaysList: Bool = false) -> String {
    let object: YAMLNode =
      objects.count == 1 && !alwaysList
      ? objects[0]
      : .mapping([
        YAMLEntry(key: .scalar("apiVersion"), value: .scalar("v1")),
        YAMLEntry(key: .scalar("items"), value: .sequence(objects)),
        YAMLEntry(key: .scalar("kind"), value: .scalar("List")),
        YAMLEntry(
          key: .scalar("metadata"),
          value: .mapping([
            YAMLEntry(key: .scalar("resourceVersion"), value: .scalar("", style: .doubleQuoted))
          ])),
      ])
    if json { return String(decoding: GoJSON.encode(object, indentation: 4), as: UTF8.self) }
    return String(
      decoding: YAMLDocument(root: object).text(sequenceIndent: .compact), as: UTF8.self)
  }
}

enum RepoPrinter {
  /// Columns padded as kubectl pads them.
  static func table(_ rows: [[String]]) -> String { KubectlPrinter.align(rows) }
}

struct Unregister: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "unregister",
    abstract: "Remove a registration, its clone and (unless kept) its credentials.",
    aliases: ["unreg"]
  )

  @Argument(help: "The registration name.", completion: LiveCompletion.repositories)
  var repository: String

  @Flag(help: "Keep the credentials (moved to the config directory's credentials/).")
  var keepAuthSecret = false

  @OptionGroup var namespace: NamespaceOption

  func run() throws {
    try ErrorReporter.run {
      try Registry.current().unregister(
        repository, namespace: namespace.namespace, keepCredentials: keepAuthSecret)
      Terminal.standardOutput(
        Array("\(ResourceName.repositoryName(repository)) unregistered\n".utf8))
    }
  }
}

struct Sync: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Fetch registered repositories now and report the refs that changed.",
    aliases: ["reconcile"]
  )

  @Argument(help: "Registration names.", completion: LiveCompletion.repositories)
  var repositories: [String] = []

  @Flag(help: "Sync every registration of the namespace.")
  var all = false

  @OptionGroup var namespace: NamespaceOption

  func validate() throws {
    if repositories.isEmpty && !all {
      throw ValidationError("repository name(s) required unless --all is set")
    }
  }

  func run() throws {
    try ErrorReporter.run {
      let registry = Registry.current()
      var names = repositories.map(ResourceName.repositoryName)
      if all {
        names = try registry.list(namespace: namespace.namespace).map(\.name)
        if names.isEmpty {
          throw OrchestrationError.notRegistered(name: "*", namespace: namespace.namespace)
        }
      }
      var out = ""
      for name in names {
        let report = try registry.sync(name, namespace: namespace.namespace)
        let changes = report.added.count + report.moved.count + report.removed.count
        out +=
          "\(name): \(changes == 0 ? "up to date" : "\(changes) ref\(changes == 1 ? "" : "s") changed")\n"
        for (ref, id) in report.added { out += "  + \(ref) \(id.short)\n" }
        for (ref, from, to) in report.moved { out += "  ~ \(ref) \(from.short)..\(to.short)\n" }
        for (ref, id) in report.removed { out += "  - \(ref) \(id.short)\n" }
      }
      Terminal.standardOutput(Array(out.utf8))
    }
  }
}
