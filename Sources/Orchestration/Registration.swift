import Foundation
import Git
import KRM

/// A registered repository: what `repository.yaml` holds, shaped like Porch's Repository object
/// (config.porch.kpt.dev/v1alpha1). Secrets never appear here.
public struct Registration: Sendable, Equatable {
  public var name: String
  public var namespace: String
  public var url: String
  public var branch: String
  /// Trimmed of `/` on both ends; empty for the repository root.
  public var directory: String
  /// `spec.git.directory` as it was given (`/sub/`), which the object shows as Porch keeps it.
  public var directoryAsGiven: String?
  public var deployment: Bool
  public var description: String?
  public var createBranch: Bool
  /// Name of the credentials "secret" (`<name>-auth`) when credentials were given.
  public var secretName: String?
  /// `spec.git.author` and `spec.git.email`: who the commits stoop writes here are by.
  public var author: String?
  public var email: String?
  public var created: Date
  public var status: Status

  public struct Status: Sendable, Equatable {
    public var ready: Bool
    public var reason: String
    public var message: String
    public var lastSync: Date?
    /// Head of the registered branch at the last fetch.
    public var branchCommit: String?

    public init(
      ready: Bool, reason: String, message: String, lastSync: Date? = nil,
      branchCommit: String? = nil
    ) {
      self.ready = ready
      self.reason = reason
      self.message = message
      self.lastSync = lastSync
      self.branchCommit = branchCommit
    }
  }

  public static let apiVersion = "config.porch.kpt.dev/v1alpha1"
  public static let kind = "Repository"

  /// The Porch-shaped object.
  public var object: YAMLNode {
    func entry(_ key: String, _ value: YAMLNode) -> YAMLEntry {
      YAMLEntry(key: .scalar(key), value: value)
    }
    var git = [
      entry("repo", .scalar(url)), entry("branch", .scalar(branch)),
      entry("directory", .scalar(directoryAsGiven ?? "/" + directory)),
    ]
    if createBranch { git.append(entry("createBranch", .literal("true"))) }
    if let secretName {
      git.append(entry("secretRef", .mapping([entry("name", .scalar(secretName))])))
    }
    if let author { git.append(entry("author", .scalar(author))) }
    if let email { git.append(entry("email", .scalar(email))) }
    var spec: [YAMLEntry] = []
    if let description { spec.append(entry("description", .scalar(description))) }
    spec.append(entry("type", .scalar("git")))
    spec.append(entry("content", .scalar("Package")))
    if deployment { spec.append(entry("deployment", .literal("true"))) }
    spec.append(entry("git", .mapping(git)))
    var condition = [
      entry("type", .scalar("Ready")), entry("status", .scalar(status.ready ? "True" : "False")),
      entry("reason", .scalar(status.reason)), entry("message", .scalar(status.message)),
    ]
    if let time = status.lastSync {
      condition.append(entry("lastTransitionTime", .scalar(Self.timestamp(time))))
    }
    var statusEntries = [entry("conditions", .sequence([.mapping(condition)]))]
    if let time = status.lastSync {
      statusEntries.append(entry("lastFullSyncTime", .scalar(Self.timestamp(time))))
    }
    if let commit = status.branchCommit {
      statusEntries.append(entry("gitCommitHash", .scalar(commit)))
    }
    return .mapping([
      entry("apiVersion", .scalar(Self.apiVersion)), entry("kind", .scalar(Self.kind)),
      entry(
        "metadata",
        .mapping([
          entry("name", .scalar(name)), entry("namespace", .scalar(namespace)),
          entry("creationTimestamp", .scalar(Self.timestamp(created))),
        ])),
      entry("spec", .mapping(spec)),
      entry("status", .mapping(statusEntries)),
    ])
  }

  /// Reads a registration back from its object.
  init(object root: YAMLNode, file: String) throws(OrchestrationError) {
    func string(_ path: [String]) -> String? { root.node(at: path)?.string }
    guard root["kind"]?.string == Self.kind, let name = string(["metadata", "name"]),
      let url = string(["spec", "git", "repo"])
    else { throw .corruptRegistration(path: file, reason: "not a Repository object") }
    self.name = name
    namespace = string(["metadata", "namespace"]) ?? "default"
    self.url = url
    branch = string(["spec", "git", "branch"]) ?? "main"
    directory = Self.trimmed(string(["spec", "git", "directory"]) ?? "")
    directoryAsGiven = string(["spec", "git", "directory"])
    deployment = string(["spec", "deployment"]) == "true"
    description = string(["spec", "description"])
    createBranch = string(["spec", "git", "createBranch"]) == "true"
    secretName = string(["spec", "git", "secretRef", "name"])
    author = string(["spec", "git", "author"])
    email = string(["spec", "git", "email"])
    created =
      string(["metadata", "creationTimestamp"]).flatMap(Self.date) ?? Date(timeIntervalSince1970: 0)
    let condition = root.node(at: ["status", "conditions", "0"])
    status = Status(
      ready: condition?["status"]?.string == "True",
      reason: condition?["reason"]?.string ?? "Unknown",
      message: condition?["message"]?.string ?? "",
      lastSync: string(["status", "lastFullSyncTime"]).flatMap(Self.date),
      branchCommit: string(["status", "gitCommitHash"]))
  }

  init(
    name: String, namespace: String, url: String, branch: String, directory: String,
    deployment: Bool,
    description: String?, createBranch: Bool, secretName: String?, created: Date, status: Status
  ) {
    self.name = name
    self.namespace = namespace
    self.url = url
    self.branch = branch
    self.directory = Self.trimmed(directory)
    self.directoryAsGiven = directory.isEmpty ? nil : directory
    self.deployment = deployment
    self.description = description
    self.createBranch = createBranch
    self.secretName = secretName
    self.created = created
    self.status = status
  }

  /// The author of the commits written here, as Porch picks it: the registration's author and
  /// email when either is set (the name falls back to the email; the email stays empty without
  /// one), else nil (the caller falls back to the local git identity).
  public var commitAuthor: Signature? {
    let name = author.flatMap { $0.isEmpty ? nil : $0 }
    let address = email.flatMap { $0.isEmpty ? nil : $0 }
    guard name != nil || address != nil else { return nil }
    return Signature(name: name ?? address ?? "", email: address ?? "")
  }

  /// A directory without leading, trailing or doubled slashes (`/a//b/` → `a/b`).
  public static func trimmed(_ directory: String) -> String {
    directory.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
  }

  static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  static func date(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)
  }
}

/// Everything that can go wrong managing registrations.
public enum OrchestrationError: Error, Sendable, CustomStringConvertible {
  case invalidName(String, reason: String)
  case invalidBranch(String, reason: String)
  case alreadyRegistered(name: String, namespace: String)
  case notRegistered(name: String, namespace: String)
  case packageRevisionNotFound(name: String, namespace: String)
  /// The operation is not allowed in the revision's state.
  case invalidOperation(String)
  /// Someone else changed the remote first; fetch and retry.
  case conflict(String)
  case branchMissing(branch: String, url: String)
  case corruptRegistration(path: String, reason: String)
  case locked(name: String)
  case io(path: String, reason: String)
  case git(GitError, url: String)
  /// A function, a render or a merge guardrail refused the operation; nothing was written.
  case validationFailed(String)
  /// A guardrails file that cannot be used: every problem as `FILE:LINE: what is wrong`.
  case invalidGuardrails(problems: [String], hint: String?)
  /// The registered branch has no guardrails.yaml.
  case noGuardrails(repository: String, branch: String)

  /// The message, with the password of any URL in it replaced by `***`.
  public var description: String { RemoteURL.redacted(message) }

  private var message: String {
    switch self {
    case .invalidName(let name, let reason):
      return
        "invalid repository name \"\(name)\": \(reason); pass --name with a lowercase DNS label"
    case .invalidBranch(let branch, let reason):
      return "invalid branch name \"\(branch)\": \(reason)"
    case .alreadyRegistered(let name, let namespace):
      return
        "repository \"\(name)\" is already registered in namespace \"\(namespace)\"; unregister it first or pass another --name"
    case .notRegistered(let name, let namespace):
      return
        "repository \"\(name)\" is not registered in namespace \"\(namespace)\"; see stoop repo get"
    case .packageRevisionNotFound(let name, let namespace):
      // kubectl's and porchctl's words, then where to look.
      return
        "packagerevisions.porch.kpt.dev \"\(name)\" not found; see stoop rpkg get -n \(namespace)"
    case .invalidOperation(let message):
      return message
    case .conflict(let message):
      return message
    case .branchMissing(let branch, let url):
      return "branch \"\(branch)\" doesn't exist in \(url); pass --create-branch to create it"
    case .corruptRegistration(let path, let reason):
      return "\(path): \(reason); unregister and register the repository again"
    case .locked(let name):
      return "repository \"\(name)\" is locked by another stoop process; retry when it has finished"
    case .io(let path, let reason):
      return "\(path): \(reason)"
    case .git(let error, let url):
      switch error.kind {
      case .authentication:
        // libgit2's "cannot reach URL: " prefix would name the URL twice.
        let reason = error.message.replacingOccurrences(
          of: #"^cannot (reach|fetch|push to) \S+: "#, with: "", options: .regularExpression)
        if RemoteURL.isSSH(url) {
          return
            "authentication to \(url) failed: \(reason); check --repo-ssh-key (without one, the ssh agent's keys) and that its public key is in the server's authorized_keys for the URL's user (git when the URL names none)"
        }
        return
          "authentication to \(url) failed: \(reason); check the username and password or token"
      default:
        if error.message.contains("non-bare") {
          return error.message
            + "; register a bare repository (git clone --bare), or serve it over http or ssh"
        }
        return error.message
      }
    case .validationFailed(let message):
      return message
    case .invalidGuardrails(let problems, let hint):
      return problems.joined(separator: "; ") + (hint.map { " (\($0))" } ?? "")
    case .noGuardrails(let repository, let branch):
      return
        "repository \"\(repository)\" has no guardrails (no \(Guardrails.fileName) on \(branch)); set some with stoop repo guardrails set \(repository) FILE"
    }
  }
}
