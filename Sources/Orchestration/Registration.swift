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

  /// Why `directory` cannot be where a registration's packages live, if it cannot: it is a path
  /// inside the repository, so `.` and `..` have no place in it.
  public static func problem(directory: String) -> String? {
    let parts = directory.split(separator: "/")
    guard parts.contains("..") || parts.contains(".") else { return nil }
    return
      "invalid --directory \"\(directory)\": it names a directory inside the repository (such as /clusters), without . or .. parts"
  }

  /// A directory without leading, trailing or doubled slashes (`/a//b/` → `a/b`).
  public static func trimmed(_ directory: String) -> String {
    directory.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
  }

  /// RFC 3339 in UTC to the second (`2026-12-01T06:40:00Z`), as Kubernetes writes timestamps.
  /// Written by hand: a Foundation date formatter costs more to build than a listing of
  /// thousands of objects takes to print.
  static func timestamp(_ date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    guard gmtime_r(&seconds, &parts) != nil else { return "1970-01-01T00:00:00Z" }
    func padded(_ value: Int32, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return padded(parts.tm_year + 1900, 4) + "-" + padded(parts.tm_mon + 1, 2) + "-"
      + padded(parts.tm_mday, 2) + "T" + padded(parts.tm_hour, 2) + ":" + padded(parts.tm_min, 2)
      + ":" + padded(parts.tm_sec, 2) + "Z"
  }

  /// An RFC 3339 timestamp (`2026-12-01T06:40:00Z`, fractions and `±hh:mm` offsets read too).
  static func date(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    func number(_ from: Int, _ count: Int) -> Int32? {
      guard from + count <= bytes.count else { return nil }
      var value: Int32 = 0
      for byte in bytes[from..<from + count] {
        guard byte >= 0x30, byte <= 0x39 else { return nil }
        value = value * 10 + Int32(byte - 0x30)
      }
      return value
    }
    guard bytes.count >= 20, bytes[4] == 0x2D, bytes[7] == 0x2D,
      bytes[10] == 0x54 || bytes[10] == 0x74, bytes[13] == 0x3A, bytes[16] == 0x3A,
      let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
      let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
      (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    var index = 19
    var fraction = 0.0
    if bytes[index] == 0x2E {
      var scale = 0.1
      index += 1
      while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
        fraction += Double(bytes[index] - 0x30) * scale
        scale /= 10
        index += 1
      }
    }
    var offset = 0
    guard index < bytes.count else { return nil }
    if bytes[index] == 0x5A || bytes[index] == 0x7A {
      guard index + 1 == bytes.count else { return nil }
    } else if bytes[index] == 0x2B || bytes[index] == 0x2D, index + 6 == bytes.count,
      bytes[index + 3] == 0x3A, let hours = number(index + 1, 2), let minutes = number(index + 4, 2)
    {
      offset = (Int(hours) * 3600 + Int(minutes) * 60) * (bytes[index] == 0x2B ? 1 : -1)
    } else {
      return nil
    }
    var parts = tm()
    parts.tm_year = year - 1900
    parts.tm_mon = month - 1
    parts.tm_mday = day
    parts.tm_hour = hour
    parts.tm_min = minute
    parts.tm_sec = second
    let seconds = timegm(&parts)
    return Date(timeIntervalSince1970: Double(seconds - offset) + fraction)
  }
}

/// Everything that can go wrong managing registrations.
public enum OrchestrationError: Error, Sendable, CustomStringConvertible {
  case invalidName(String, reason: String)
  case invalidBranch(String, reason: String)
  /// A workspace or namespace (`what`) that is not a DNS label.
  case invalidLabel(what: String, value: String, reason: String)
  case alreadyRegistered(name: String, namespace: String)
  /// `nearest`: the registered name the user most likely meant.
  case notRegistered(name: String, namespace: String, nearest: String? = nil)
  /// `nearest`: the package revision name the user most likely meant.
  case packageRevisionNotFound(name: String, namespace: String, nearest: String? = nil)
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
  /// Something named is not there (a directory or file, a sync, a package's revision); the
  /// message says what to do.
  case notFound(String)
  /// The arguments do not say what to do (no target, or two); nothing was written.
  case usage(String)
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
    case .invalidLabel(let what, let value, let reason):
      return "invalid \(what) \"\(value)\": \(reason); pass --\(what) with a lowercase DNS label"
    case .invalidBranch(let branch, let reason):
      return "invalid branch name \"\(branch)\": \(reason)"
    case .alreadyRegistered(let name, let namespace):
      return
        "repository \"\(name)\" is already registered in namespace \"\(namespace)\"; unregister it first or pass another --name"
    case .notRegistered(let name, let namespace, let nearest):
      let hint = nearest.map { " (did you mean \($0)?)" } ?? ""
      return
        "repository \"\(name)\" is not registered in namespace \"\(namespace)\"\(hint); see stoop repo get"
    case .packageRevisionNotFound(let name, let namespace, let nearest):
      // kubectl's and porchctl's words, then where to look.
      let hint = nearest.map { " (did you mean \($0)?)" } ?? ""
      return
        "packagerevisions.porch.kpt.dev \"\(name)\" not found\(hint); see stoop rpkg get -n \(namespace)"
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
    case .validationFailed(let message), .notFound(let message), .usage(let message):
      return message
    case .invalidGuardrails(let problems, let hint):
      return problems.joined(separator: "; ") + (hint.map { " (\($0))" } ?? "")
    case .noGuardrails(let repository, let branch):
      return
        "repository \"\(repository)\" has no guardrails (no \(Guardrails.fileName) on \(branch)); set some with stoop repo guardrails set \(repository) FILE"
    }
  }
}
