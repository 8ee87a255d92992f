import Foundation
import Git
import KRM

/// kpt's package argument `REPO.git[/DIRECTORY][@REF]`.
public struct KptPackageURL: Sendable, Equatable {
  /// The repository as kpt records it: without the `.git` that marked where it ends.
  public var repo: String
  /// The package's directory with a leading `/` (`/` for the repository root).
  public var directory: String
  /// The ref as typed; nil means the repository's default branch.
  public var ref: String?

  public init(repo: String, directory: String, ref: String?) {
    self.repo = repo
    self.directory = directory
    self.ref = ref
  }

  /// Splits kpt's form at the first `.git` followed by `/`, `@` or the end; anything else is
  /// ambiguous, as kpt says.
  public static func parse(_ argument: String) throws(OrchestrationError) -> KptPackageURL {
    try Registry.refusePassword(inUpstream: argument)
    guard let range = argument.range(of: #"\.git(/|@|$)"#, options: .regularExpression) else {
      throw .invalidOperation(
        "ambiguous repo/dir@version \"\(argument)\": write .git where the repository ends, as in https://example.com/org/repo.git/package@v1"
      )
    }
    let repo = String(argument[..<range.lowerBound])
    var rest = String(argument[argument.index(range.lowerBound, offsetBy: 4)...])
    var ref: String?
    if let at = rest.lastIndex(of: "@") {
      let typed = String(rest[rest.index(after: at)...])
      ref = typed.hasSuffix("/") ? String(typed.dropLast()) : typed
      rest = String(rest[..<at])
      if ref?.isEmpty == true {
        throw .invalidOperation(
          "\"\(argument)\" has an empty ref after @; name a tag, branch or commit")
      }
    }
    let directory = Registration.trimmed(rest)
    guard !repo.isEmpty else {
      throw .invalidOperation("\"\(argument)\" names no repository before .git")
    }
    return KptPackageURL(repo: repo, directory: "/" + directory, ref: ref)
  }
}

/// A package read from an upstream git repository: its files at a resolved ref.
public struct FetchedPackage: Sendable {
  public var files: [String: PackageFileContent]
  /// The ref that resolved (after kpt's directory-scoped tag rule), or the commit given.
  public var ref: String
  public var commit: ObjectID
}

/// An upstream repository from which packages are read at any ref or commit. A repository on
/// this disk is read where it is; any other is cloned into a scratch directory, which is removed
/// by `close()`, fetching only the ref a package is read at (its history included: libgit2
/// cannot fetch shallow), or everything when a commit is asked for that no ref names.
public struct UpstreamCheckout {
  public let url: String
  let clone: Repository
  /// nil when the repository is read in place.
  let scratch: String?
  /// The refs the remote advertised when the scratch clone was made; nil in place.
  let advertised: [String: ObjectID]?
  let credentials: Credentials

  /// Opens `repo`: in place when it is on this disk, else as a scratch clone under `home/tmp`
  /// that has fetched nothing yet. A repository recorded without `.git` (as kpt records it) is
  /// tried with `.git` first, as git's own transports do.
  public static func open(_ repo: String, registry: Registry, namespace: String = "default")
    throws(OrchestrationError) -> UpstreamCheckout
  {
    let normalised = Registry.normalise(repo)
    var candidates = [normalised]
    if !normalised.hasSuffix(".git") { candidates.insert(normalised + ".git", at: 0) }
    if !normalised.contains("://") {
      candidates = candidates.filter { FileManager.default.fileExists(atPath: $0) }
      guard !candidates.isEmpty else {
        throw .lifecycle(
          "no git repository at \(normalised); check the path of the upstream repository")
      }
    }
    let root = registry.home.path + "/tmp"
    var lastError: GitError?
    for url in candidates {
      if let path = Repository.localPath(url), let repository = try? Repository.open(path) {
        return UpstreamCheckout(
          url: url, clone: repository, scratch: nil, advertised: nil, credentials: Credentials())
      }
      let credentials = registry.credentials(forURL: url, namespace: namespace)
      let scratch = root + "/upstream-" + UUID().uuidString.lowercased().prefix(12)
      do {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
      } catch {
        throw .io(path: root, reason: error.localizedDescription)
      }
      do {
        if Repository.localPath(url) != nil {
          // A path that does not open as a repository: cloning it says why.
          let clone = try Repository.clone(url: url, into: scratch, credentials: credentials)
          return UpstreamCheckout(
            url: url, clone: clone, scratch: scratch, advertised: nil, credentials: credentials)
        }
        let clone = try Repository.prepareClone(url: url, into: scratch)
        let advertised = try clone.remoteReferences(credentials: credentials)
        return UpstreamCheckout(
          url: url, clone: clone, scratch: scratch, advertised: advertised,
          credentials: credentials)
      } catch {
        try? FileManager.default.removeItem(atPath: scratch)
        // A silent server or a refused host key answers no differently without `.git`.
        if error.kind == .timedOut || error.kind == .hostKey { throw .git(error, url: url) }
        lastError = error
      }
    }
    throw .git(lastError ?? GitError(.notFound, "no repository"), url: normalised)
  }

  public func close() {
    if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
  }

  /// The default branch: the only branch, else `main`, else `master`.
  public func defaultBranch() throws(OrchestrationError) -> String {
    var names: [String]
    if let advertised {
      names = Array(advertised.keys)
    } else {
      do throws(GitError) {
        let prefix = scratch == nil ? "refs/heads/" : "refs/remotes/origin/"
        names = try clone.references(under: prefix).keys.map {
          "refs/heads/" + $0.dropFirst(prefix.count)
        }
      } catch {
        throw .git(error, url: url)
      }
    }
    let branches = names.filter { $0.hasPrefix("refs/heads/") }.map {
      String($0.dropFirst("refs/heads/".count))
    }.filter { !$0.hasPrefix("drafts/") && !$0.hasPrefix("proposed/") && $0 != "HEAD" }
    if branches.count == 1, let only = branches.first { return only }
    if let found = ["main", "master"].first(where: branches.contains) { return found }
    throw .lifecycle("\(url) has no main or master branch; name the ref with @REF")
  }

  /// Brings into the scratch clone what resolving `ref` for `directory` needs: the first ref of
  /// kpt's order that the remote has, alone; everything when none is (a commit).
  private func fetch(ref: String, directory: String) throws(GitError) {
    guard let advertised else { return }
    let names = PackageLifecycle.candidates(ref: ref, directory: directory).flatMap(
      PackageLifecycle.remoteNames)
    guard let wanted = names.first(where: { advertised[$0] != nil }) else {
      try fetchEverything()
      return
    }
    if try clone.reference(trackingName(wanted)) == advertised[wanted] { return }
    try clone.fetch([wanted], credentials: credentials)
  }

  /// Every branch and tag, for a commit that no ref names.
  private func fetchEverything() throws(GitError) {
    guard advertised != nil else { return }
    try clone.fetch(credentials: credentials)
  }

  /// The package at `directory` as of `ref` (kpt's and Porch's resolution: directory-scoped
  /// tags `<dir prefix>/<ref>` from the longest prefix, then `<ref>` as tag, branch or commit).
  public func package(directory: String, ref: String) throws(OrchestrationError)
    -> FetchedPackage
  {
    let trimmed = Registration.trimmed(directory)
    let found: (String, ObjectID)?
    do {
      try fetch(ref: ref, directory: trimmed)
      found = try PackageLifecycle.resolve(
        ref: ref, directory: trimmed, in: clone, inPlace: scratch == nil)
    } catch {
      throw .git(error as? GitError ?? GitError(.libgit2(code: -1), "\(error)"), url: url)
    }
    guard let (resolved, commit) = found else {
      throw .lifecycle(
        "unknown ref \"\(ref)\" in \(url) (tried \(trimmed.isEmpty ? "" : "\(trimmed)/\(ref), ")\(ref) as tag, branch and commit); name an existing tag, branch or commit"
      )
    }
    return FetchedPackage(
      files: try files(at: commit, directory: trimmed, described: "\(url)@\(resolved)"),
      ref: resolved, commit: commit)
  }

  /// The package at `directory` as of a commit (an upstreamLock's), full or abbreviated.
  public func package(directory: String, commit hex: String) throws(OrchestrationError)
    -> FetchedPackage
  {
    if clone.commit(abbreviated: hex) == nil {
      do {
        try fetchEverything()
      } catch {
        throw .git(error, url: url)
      }
    }
    guard let commit = clone.commit(abbreviated: hex) else {
      throw .lifecycle(
        "commit \(hex) of the upstreamLock is not in \(url); the upstream history was rewritten, so fix upstreamLock.git.commit by hand"
      )
    }
    let trimmed = Registration.trimmed(directory)
    return FetchedPackage(
      files: try files(at: commit, directory: trimmed, described: "\(url)@\(hex)"), ref: hex,
      commit: commit)
  }

  /// Every file under `directory` at `commit`, with its mode.
  func files(at commit: ObjectID, directory: String, described: String) throws(OrchestrationError)
    -> [String: PackageFileContent]
  {
    do {
      let tree = try clone.commit(commit).tree
      var root = tree
      if !directory.isEmpty {
        guard let entry = try clone.entry(at: directory, in: tree), entry.mode == .tree else {
          throw OrchestrationError.lifecycle(
            "path \"/\(directory)\" does not exist in \(described); check the package directory")
        }
        root = entry.id
      }
      var files: [String: PackageFileContent] = [:]
      for (path, entry) in try clone.files(in: root) where entry.mode != .link {
        files[path] = PackageFileContent(
          bytes: try clone.blob(entry.id), executable: entry.mode == .executable)
      }
      return files
    } catch let error as OrchestrationError {
      throw error
    } catch let error as GitError {
      throw .git(error, url: url)
    } catch {
      throw .io(path: scratch ?? url, reason: "\(error)")
    }
  }
}
