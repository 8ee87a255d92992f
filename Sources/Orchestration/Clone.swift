import CaD
import Foundation
import Git
import KRM

/// Where `rpkg clone` takes a package from.
public enum CloneSource: Sendable, Equatable {
  /// A registered package revision (never a placeholder).
  case revision(PackageRevision)
  /// A package in any git repository: `directory` in it at `ref` (a tag, branch or commit).
  case git(url: String, directory: String, ref: String)

  /// porchctl's reading of a SOURCE argument: a URL (or a path on this disk) is a git
  /// repository, in kpt's `<repo>.git[/<directory>][@<ref>]` form when it has `.git`; anything
  /// else names a registered package revision.
  public static func isGitURL(_ source: String) -> Bool {
    source.contains("://") || source.hasPrefix("/") || source.hasPrefix("./")
      || source.hasPrefix("../") || source.hasPrefix("git@")
      || source.range(of: #"\.git(/|@|$)"#, options: .regularExpression) != nil
  }

  /// Splits kpt's `<repo>.git[/<directory>][@<ref>]` (keeping `.git` on the repository, as
  /// Porch records it); other URLs come back whole.
  public static func splitKptURL(_ source: String) -> (
    url: String, directory: String?, ref: String?
  ) {
    guard let parsed = try? KptPackageURL.parse(source) else { return (source, nil, nil) }
    let directory = Registration.trimmed(parsed.directory)
    return (parsed.repo + ".git", directory.isEmpty ? nil : directory, parsed.ref)
  }
}

extension PackageLifecycle {
  /// A Draft of a new package cloned from an upstream (`rpkg clone`, porch-git.md §4.2): the
  /// upstream's files with Porch's Kptfile rewrite and merge keys, one `Creating new revision by
  /// cloning` commit on `drafts/<path>/<workspace>`.
  public func clone(
    from source: CloneSource, package path: String, repository: String, workspace: String,
    namespace: String = "default", strategy: String? = nil
  ) throws(OrchestrationError) -> PackageRevision {
    let repository = ResourceName.repositoryName(repository)
    try Self.validate(packagePath: path)
    try Registry.validate(workspace: workspace)
    if let strategy, !UpstreamRewrite.strategies.contains(strategy) {
      throw .lifecycle(
        "unknown update strategy \"\(strategy)\"; use one of "
          + UpstreamRewrite.strategies.joined(separator: ", "))
    }
    let target = try registry.get(repository, namespace: namespace)
    let upstream = try fetchUpstream(source, namespace: namespace)
    // The ref as the user named it; the lock records what it resolved to (`nginx/v2` for v2).
    let upstreamField = Upstream(
      type: "git", repo: upstream.lock.repo, directory: upstream.lock.directory,
      ref: upstream.ref, updateStrategy: strategy)
    let rewritten: [String: [UInt8]]
    do {
      rewritten = try UpstreamRewrite.cloned(
        upstream.files.mapValues(\.bytes), name: path, upstream: upstreamField, lock: upstream.lock,
        deployment: target.deployment)
    } catch {
      throw .lifecycle("cannot clone \(upstream.description): \(error)")
    }
    return try withSession(repository, namespace: namespace, package: path) { session in
      try Self.refuseClash(
        path, in: session,
        exists:
          "`clone` cannot create a new revision for package \"\(path)\" that already exists in repo \"\(repository)\"; make subsequent revisions using `copy`"
      )
      let files = rewritten.map { key, bytes in
        (key, PackageFileContent(bytes: bytes, executable: upstream.files[key]?.executable == true))
      }
      let packageTree = try renderedTree(
        files: Dictionary(uniqueKeysWithValues: files), package: path, in: session,
        refusal: "cannot clone \(upstream.description): rendering failed")
      return try Self.createDraft(
        path: path, workspace: workspace, packageTree: packageTree,
        subject: "Creating new revision by cloning", task: upstream.task, in: session)
    }
  }

  /// An upstream's files, its lock, and the clone task that names it.
  struct FetchedUpstream {
    var files: [String: PackageFileContent]
    var lock: UpstreamLock
    /// The ref as given (a registered revision's own tag name).
    var ref: String
    var task: String
    var description: String
  }

  func fetchUpstream(_ source: CloneSource, namespace: String) throws(OrchestrationError)
    -> FetchedUpstream
  {
    switch source {
    case .revision(let revision):
      if revision.isPlaceholder {
        throw .lifecycle(
          "upstream revision may not be the placeholder package revision \(revision.name); "
            + "name a published revision such as \(revision.repository)/\(revision.path)@v1")
      }
      let registration = try registry.get(revision.repository, namespace: revision.namespace)
      let lock = UpstreamLock(
        type: "git", repo: UpstreamRewrite.lockRepository(registration.url),
        directory: revision.path, ref: revision.shortRef, commit: revision.commit.hex)
      let task =
        "{\"type\":\"clone\",\"clone\":{\"upstreamRef\":{\"upstreamRef\":{\"name\":"
        + GoJSON.quote(revision.name) + "}}}}"
      return FetchedUpstream(
        files: try files(of: revision), lock: lock, ref: lock.ref, task: task,
        description: revision.name)
    case .git(let rawURL, let rawDirectory, let ref):
      try Registry.refusePassword(inUpstream: rawURL)
      let url = Registry.normalise(rawURL)
      let directory = Registration.trimmed(rawDirectory)
      let checkout = try UpstreamCheckout.open(url, registry: registry, namespace: namespace)
      defer { checkout.close() }
      let fetched = try checkout.package(directory: directory, ref: ref)
      let described = url + (directory.isEmpty ? "" : "/" + directory) + "@" + ref
      guard fetched.files[Kptfile.fileName] != nil else {
        throw .lifecycle(
          "\(described) is not a kpt package: it has no Kptfile; check --directory and --ref")
      }
      let lockDirectory = rawDirectory.isEmpty ? "/" : rawDirectory
      let lock = UpstreamLock(
        type: "git", repo: UpstreamRewrite.lockRepository(url),
        directory: directory, ref: fetched.ref, commit: fetched.commit.hex)
      let task =
        "{\"type\":\"clone\",\"clone\":{\"upstreamRef\":{\"type\":\"git\",\"git\":{\"repo\":"
        + GoJSON.quote(url) + ",\"ref\":" + GoJSON.quote(ref) + ",\"directory\":"
        + GoJSON.quote(lockDirectory) + ",\"secretRef\":{\"name\":\"\"}}}}}"
      return FetchedUpstream(
        files: fetched.files, lock: lock, ref: ref, task: task, description: described)
    }
  }

  /// kpt's and Porch's ref resolution: `<directory>/<ref>` first (and, as kpt, the same under
  /// each shorter directory prefix), then `<ref>`, each as a tag, a branch, a full ref name or a
  /// commit. `clone` is a clone with Porch's refspecs, or with `inPlace` the upstream repository
  /// itself.
  static func resolve(
    ref: String, directory: String, in clone: Repository, inPlace: Bool = false
  ) throws -> (String, ObjectID)? {
    for candidate in candidates(ref: ref, directory: directory) {
      for remoteName in remoteNames(candidate) {
        let name = inPlace ? remoteName : trackingName(remoteName)
        if let id = try? clone.reference(name) {
          return (candidate, try clone.peelToCommit(id))
        }
      }
    }
    if let commit = clone.commit(abbreviated: ref) { return (ref, commit) }
    return nil
  }

  /// The names `ref` may have for a package in `directory`, in kpt's order: directory-scoped
  /// tags `a/b/<ref>`, then `a/<ref>`, then `<ref>`.
  static func candidates(ref: String, directory: String) -> [String] {
    var candidates = [ref]
    var prefix = directory
    while !prefix.isEmpty {
      candidates.insert(prefix + "/" + ref, at: candidates.count - 1)
      prefix =
        prefix.contains("/")
        ? String(prefix[..<(prefix.lastIndex(of: "/") ?? prefix.startIndex)]) : ""
    }
    return candidates
  }

  /// The refs on the remote a candidate may be: a full ref name as it is, else a tag, then a
  /// branch.
  static func remoteNames(_ candidate: String) -> [String] {
    candidate.hasPrefix("refs/")
      ? [candidate] : ["refs/tags/" + candidate, "refs/heads/" + candidate]
  }
}

extension Registry {
  /// Credentials for a git URL: those of a registration of the same URL (this namespace's
  /// first), else the environment's.
  public func credentials(forURL url: String, namespace: String) -> Credentials {
    let wanted = Self.normalise(url)
    let matching = ((try? list(namespace: nil)) ?? []).filter { Self.normalise($0.url) == wanted }
    if let registration = matching.first(where: { $0.namespace == namespace }) ?? matching.first {
      return credentials(for: registration)
    }
    return Self.environmentCredentials()
  }
}
