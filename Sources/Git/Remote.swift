internal import CGit2
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// How to authenticate to a remote. Secrets live only in memory and in the registration's 0600
/// credentials file; they are never part of a message.
public struct Credentials: Sendable, Equatable {
  public var username: String?
  public var password: String?
  /// Sent as `Authorization: Bearer ...` on http(s).
  public var bearerToken: String?
  /// ssh: a private key file; without one the ssh agent is asked.
  public var sshKey: String?

  public init(
    username: String? = nil, password: String? = nil, bearerToken: String? = nil,
    sshKey: String? = nil
  ) {
    self.username = username
    self.password = password
    self.bearerToken = bearerToken
    self.sshKey = sshKey
  }

  public var isEmpty: Bool {
    username == nil && password == nil && bearerToken == nil && sshKey == nil
  }
}

/// One ref of a push with the value the remote must hold before it.
public struct RefUpdate: Sendable, Equatable {
  public enum Expectation: Sendable, Equatable {
    /// The ref must not exist yet.
    case absent
    /// The ref must hold exactly this object (compare-and-swap).
    case value(ObjectID)
    /// Anything; the push itself refuses what is not a fast-forward.
    case fastForward
  }

  /// Full ref name on the remote (`refs/heads/...`, `refs/tags/...`).
  public var name: String
  /// The new value; nil deletes the ref.
  public var target: ObjectID?
  public var expected: Expectation

  public init(name: String, target: ObjectID?, expected: Expectation) {
    self.name = name
    self.target = target
    self.expected = expected
  }
}

extension RefUpdate {
  /// A ref the push only checks and does not move: it must still hold `value` (or not exist, for
  /// nil) when the other refs of the push move, so a step can depend on what it read there.
  public static func unchanged(_ name: String, at value: ObjectID?) -> RefUpdate {
    RefUpdate(name: name, target: value, expected: value.map { .value($0) } ?? .absent)
  }

  /// Whether the update only checks its ref (`unchanged`).
  var isCheckOnly: Bool {
    switch expected {
    case .absent: return target == nil
    case .value(let value): return target == value
    case .fastForward: return false
    }
  }

  /// Refuses the update when the remote's current value is not the one it expects.
  func check(against now: ObjectID?) throws(GitError) {
    switch expected {
    case .absent where now != nil:
      throw GitError(
        .rejected(ref: name), "\(name) already exists on the remote (at \(now?.short ?? ""))")
    case .value(let value) where now != value:
      throw GitError(
        .rejected(ref: name),
        "\(name) moved on the remote (expected \(value.short), found \(now?.short ?? "nothing"))")
    default:
      break
    }
  }
}

/// The local name a remote ref has under Porch's refspecs: branches as `refs/remotes/origin/...`,
/// anything else (tags) as it is.
public func trackingName(_ remoteRef: String) -> String {
  remoteRef.hasPrefix("refs/heads/")
    ? "refs/remotes/origin/" + remoteRef.dropFirst("refs/heads/".count) : remoteRef
}

/// A remote's branches and tags under the local names Porch's refspecs give them.
func porchTracking(_ remoteRefs: [String: ObjectID]) -> [String: ObjectID] {
  var local: [String: ObjectID] = [:]
  for (name, id) in remoteRefs where name.hasPrefix("refs/heads/") || name.hasPrefix("refs/tags/") {
    local[trackingName(name)] = id
  }
  return local
}

/// The refspecs Porch's own cache uses: branches as remote-tracking refs, tags as they are.
public let porchFetchRefspecs = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]

/// State shared with libgit2's C callbacks for one network operation.
private final class CallbackContext {
  let credentials: Credentials
  let showProgress: Bool
  var attempts = 0
  var rejections: [(ref: String, reason: String)] = []
  let receiving: ProgressLine
  let resolving: ProgressLine
  var received = false
  var resolved = false
  var atLineStart = true

  init(credentials: Credentials, showProgress: Bool) {
    self.credentials = credentials
    self.showProgress = showProgress
    receiving = ProgressLine("Receiving objects", enabled: showProgress)
    resolving = ProgressLine("Resolving deltas", enabled: showProgress)
  }

  /// git's two lines: objects as they arrive, then deltas as the index resolves them.
  func transfer(_ stats: git_indexer_progress) {
    let total = Int(stats.total_objects)
    guard total > 0 else { return }
    let count = Int(stats.received_objects)
    if !received {
      receiving.update(count, of: total)
      guard count == total else { return }
      receiving.finish(count, of: total)
      received = true
    }
    let deltas = Int(stats.total_deltas)
    guard deltas > 0, !resolved else { return }
    resolving.update(Int(stats.indexed_deltas), of: deltas)
    if Int(stats.indexed_deltas) == deltas {
      resolving.finish(deltas, of: deltas)
      resolved = true
    }
  }
}

private func context(_ payload: UnsafeMutableRawPointer?) -> CallbackContext? {
  payload.map { Unmanaged<CallbackContext>.fromOpaque($0).takeUnretainedValue() }
}

private let credentialCallback: git_credential_acquire_cb = {
  out, _, usernameFromURL, allowed, payload in
  guard let context = context(payload), let out else { return -1 }
  NetworkCall.noteProgress()
  context.attempts += 1
  // libgit2 asks again after a refusal: one try per kind of credential, then give up.
  guard context.attempts <= 2 else {
    let refused =
      allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0
      ? "the server refused the ssh key" : "the server refused the credentials"
    git_error_set_str(Int32(GIT_ERROR_HTTP.rawValue), refused)
    return GIT_EAUTH.rawValue
  }
  let credentials = context.credentials
  if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0, let password = credentials.password
  {
    let user = credentials.username ?? usernameFromURL.map { String(cString: $0) } ?? "git"
    return git_credential_userpass_plaintext_new(out, user, password)
  }
  if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
    let user = credentials.username ?? usernameFromURL.map { String(cString: $0) } ?? "git"
    if let key = credentials.sshKey {
      return git_credential_ssh_key_new(out, user, nil, key, credentials.password)
    }
    return git_credential_ssh_key_from_agent(out, user)
  }
  if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
    return git_credential_username_new(out, credentials.username ?? "git")
  }
  git_error_set_str(
    Int32(GIT_ERROR_HTTP.rawValue), "authentication required and no credentials are configured")
  return GIT_EAUTH.rawValue
}

private let progressCallback: git_indexer_progress_cb = { stats, payload in
  NetworkCall.noteProgress()
  guard let context = context(payload), context.showProgress, let stats else { return 0 }
  context.transfer(stats.pointee)
  return 0
}

/// The server's own progress (`Counting objects`, `Compressing objects`), shown as git shows it,
/// so that a large fetch says something from its first second.
private let sidebandCallback: git_transport_message_cb = { text, length, payload in
  NetworkCall.noteProgress()
  guard let context = context(payload), context.showProgress, let text, length > 0 else {
    return 0
  }
  // Each line (ended by \r or \n) gets the prefix once, however the server split its messages.
  var shown: [UInt8] = []
  for byte in UnsafeRawBufferPointer(start: text, count: Int(length)) {
    if context.atLineStart { shown += Array("remote: ".utf8) }
    shown.append(byte)
    context.atLineStart = byte == 0x0A || byte == 0x0D
  }
  writeStandardError(String(decoding: shown, as: UTF8.self))
  return 0
}

private let pushStatusCallback: git_push_update_reference_cb = { refname, status, payload in
  guard let context = context(payload), let refname, let status else { return 0 }
  context.rejections.append((String(cString: refname), String(cString: status)))
  return 0
}

private func headers(_ credentials: Credentials) -> [String] {
  credentials.bearerToken.map { ["Authorization: Bearer \($0)"] } ?? []
}

/// Runs `body` with a git_strarray over `strings`.
private func withStrArray<R>(_ strings: [String], _ body: (inout git_strarray) -> R) -> R {
  var pointers = strings.map { strdup($0) }
  defer { for pointer in pointers { free(pointer) } }
  return pointers.withUnsafeMutableBufferPointer { buffer in
    var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
    return body(&array)
  }
}

private func isTerminal() -> Bool { isatty(2) == 1 }

private func writeStandardError(_ text: String) {
  var bytes = Array(text.utf8)
  _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

extension Repository {
  /// Makes a bare clone of `url` at `path` with Porch's refspecs, and fetches it.
  public static func clone(
    url: String, into path: String, credentials: Credentials = Credentials(), progress: Bool? = nil
  ) throws(GitError) -> Repository {
    if let local = localPath(url), let source = try? Repository.open(local) {
      do throws(GitError) {
        if let clone = try cloneLocally(from: source, into: path, progress: progress) {
          try clone.addOrigin(url)
          return clone
        }
      } catch  where error.kind == .corrupt {
        // Changed under the clone: a fetch copies what each ref reaches now instead.
        try? FileManager.default.removeItem(atPath: path)
      }
    }
    let repository = try createBare(path)
    try repository.addOrigin(url)
    try repository.fetch(credentials: credentials, progress: progress)
    return repository
  }

  /// Adds the `origin` remote with Porch's refspecs.
  private func addOrigin(_ url: String) throws(GitError) {
    var remote: OpaquePointer?
    try check(
      git_remote_create_with_fetchspec(&remote, handle, "origin", url, porchFetchRefspecs[0]),
      "cannot add remote \(url)")
    git_remote_free(remote)
    try check(git_remote_add_fetch(handle, "origin", porchFetchRefspecs[1]))
  }

  /// The URL of the `origin` remote.
  public func remoteURL() throws(GitError) -> String {
    var remote: OpaquePointer?
    try check(git_remote_lookup(&remote, handle, "origin"), "no origin remote")
    defer { git_remote_free(remote) }
    return git_remote_url(remote).map { String(cString: $0) } ?? ""
  }

  /// Fetches `origin` with its configured refspecs, pruning refs the remote no longer has.
  /// `only`: remote ref names or prefixes ending in `/` (`refs/heads/main`, `refs/tags/pkg/`) to
  /// bring up to date, leaving every other ref as it is; honoured for remotes on this disk, where
  /// it keeps a command's cost independent of the repository's size (others fetch everything).
  public func fetch(
    credentials: Credentials = Credentials(), progress: Bool? = nil, only: [String]? = nil
  )
    throws(GitError)
  {
    var remote: OpaquePointer?
    try check(git_remote_lookup(&remote, handle, "origin"), "no origin remote")
    defer { git_remote_free(remote) }
    let url = git_remote_url(remote).map { String(cString: $0) } ?? ""
    if let only, let path = Self.localPath(url), let source = try? Repository.open(path),
      try !references(under: "refs/remotes/origin/").isEmpty
    {
      try fetchLocally(from: source, only: only, progress: progress)
      return
    }
    var local = try references(under: "refs/remotes/origin/")
    local.merge(try references(under: "refs/tags/")) { a, _ in a }
    // A remote on this disk: read its refs and copy the new objects directly, instead of
    // libgit2's transport (which stats every ref of both sides, and packs every object of the
    // remote with a delta search of its own).
    if let path = Self.localPath(url), let source = try? Repository.open(path) {
      try fetchLocally(from: source, local: local, progress: progress)
      return
    }
    if try references().isEmpty {
      try fetchIntoEmpty(remote, credentials: credentials, progress: progress ?? isTerminal())
      return
    }
    // Up to date already (the common case): listing the remote's refs is all it takes.
    let advertised = try listRemote(
      remote, credentials: credentials, direction: GIT_DIRECTION_FETCH)
    let expected = porchTracking(advertised)
    if local == expected { return }

    try transportFetch(
      remote, refspecs: nil, credentials: credentials, progress: progress ?? isTerminal())
    try packReferences()
  }

  /// A new clone's first fetch: one connection lists the remote's refs and downloads their
  /// objects, then the refs are written at once, as one packed-refs (libgit2's fetch writes each
  /// as a file of its own, which takes seconds for thousands). Objects first, refs last.
  private func fetchIntoEmpty(_ remote: OpaquePointer?, credentials: Credentials, progress: Bool)
    throws(GitError)
  {
    let url = git_remote_url(remote).map { String(cString: $0) } ?? ""
    let box = CallbackContext(credentials: credentials, showProgress: progress)
    let payload = Unmanaged.passRetained(box)
    defer { payload.release() }
    var options = git_fetch_options()
    try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)))
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
    options.callbacks.credentials = credentialCallback
    options.callbacks.transfer_progress = progressCallback
    options.callbacks.payload = payload.toOpaque()
    installNetworkCallbacks(&options.callbacks)
    options.callbacks.sideband_progress = sidebandCallback
    let outcome = withStrArray(headers(credentials)) {
      array -> Result<[String: ObjectID], GitError> in
      options.custom_headers = array
      do throws(GitError) {
        let connected = try NetworkCall.run(url: url) {
          git_remote_connect(
            remote, GIT_DIRECTION_FETCH, &options.callbacks, &options.proxy_opts, &array)
        }
        try check(connected, "cannot reach \(url.isEmpty ? "origin" : url)")
        defer { git_remote_disconnect(remote) }
        let advertised = try advertisedReferences(remote)
        if !advertised.isEmpty {
          let code = try NetworkCall.run(url: url) { git_remote_download(remote, nil, &options) }
          try check(code, "cannot fetch \(url.isEmpty ? "origin" : url)")
        }
        return .success(advertised)
      } catch {
        return .failure(error)
      }
    }
    try writePackedReferences(porchTracking(try outcome.get()))
  }

  /// Fetches only the remote refs `names` (`refs/tags/v1`, `refs/heads/main`) from `origin`,
  /// each to its local name under Porch's refspecs; no other ref moves and nothing is pruned.
  /// The objects are those of the refs' history (libgit2 cannot fetch shallow).
  public func fetch(
    _ names: [String], credentials: Credentials = Credentials(), progress: Bool? = nil
  ) throws(GitError) {
    guard !names.isEmpty else { return }
    var remote: OpaquePointer?
    try check(git_remote_lookup(&remote, handle, "origin"), "no origin remote")
    defer { git_remote_free(remote) }
    // libgit2's local transport sends the objects of every ref, whatever was asked for.
    let url = git_remote_url(remote).map { String(cString: $0) } ?? ""
    if let path = Self.localPath(url), let source = try? Repository.open(path) {
      try fetchLocally(from: source, only: names, progress: progress)
      return
    }
    try transportFetch(
      remote, refspecs: names.map { "+\($0):\(trackingName($0))" }, credentials: credentials,
      progress: progress ?? isTerminal())
  }

  /// libgit2's fetch: with `refspecs` nil, the remote's own, pruning what the remote dropped.
  private func transportFetch(
    _ remote: OpaquePointer?, refspecs: [String]?, credentials: Credentials, progress: Bool
  ) throws(GitError) {
    let url = git_remote_url(remote).map { String(cString: $0) } ?? ""
    let box = CallbackContext(credentials: credentials, showProgress: progress)
    let payload = Unmanaged.passRetained(box)
    defer { payload.release() }
    var options = git_fetch_options()
    try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)))
    options.prune = refspecs == nil ? GIT_FETCH_PRUNE : GIT_FETCH_NO_PRUNE
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
    options.callbacks.credentials = credentialCallback
    options.callbacks.transfer_progress = progressCallback
    options.callbacks.payload = payload.toOpaque()
    installNetworkCallbacks(&options.callbacks)
    options.callbacks.sideband_progress = sidebandCallback
    try retryingVanishedRefs { () throws(GitError) in
      let code = try NetworkCall.run(url: url) {
        withStrArray(headers(credentials)) { array in
          options.custom_headers = array
          guard let refspecs else { return git_remote_fetch(remote, nil, &options, "fetch") }
          return withStrArray(refspecs) { specs in
            git_remote_fetch(remote, &specs, &options, "fetch")
          }
        }
      }
      try check(code, "cannot fetch \(url.isEmpty ? "origin" : url)")
    }
  }

  /// An empty bare clone of `url` at `path`, its `origin` set up with Porch's refspecs, that
  /// nothing has been fetched into yet (see `fetch(_:)`).
  public static func prepareClone(url: String, into path: String) throws(GitError) -> Repository {
    let repository = try createBare(path)
    try repository.addOrigin(url)
    return repository
  }

  /// The refs the remote holds now (`refs/heads/...`, `refs/tags/...`, peeled tags left out).
  public func remoteReferences(credentials: Credentials = Credentials()) throws(GitError)
    -> [String: ObjectID]
  {
    var remote: OpaquePointer?
    try check(git_remote_lookup(&remote, handle, "origin"), "no origin remote")
    defer { git_remote_free(remote) }
    return try listRemote(remote, credentials: credentials, direction: GIT_DIRECTION_FETCH)
  }

  /// A ref that vanishes while libgit2 lists a repository another process is writing (a local
  /// remote) fails the listing with "not found"; looking again sees a consistent set.
  private func retryingVanishedRefs<T>(_ body: () throws(GitError) -> T) throws(GitError) -> T {
    var attempt = 0
    while true {
      attempt += 1
      do throws(GitError) {
        return try body()
      } catch
        where attempt < 8
        && (error.kind == .notFound
          || (error.message.contains("reference '") && error.message.contains("not found")))
      {
        usleep(UInt32(10_000 * attempt))
      }
    }
  }

  private func listRemote(
    _ remote: OpaquePointer?, credentials: Credentials, direction: git_direction
  ) throws(GitError) -> [String: ObjectID] {
    try retryingVanishedRefs { () throws(GitError) in
      try listRemoteOnce(remote, credentials: credentials, direction: direction)
    }
  }

  private func listRemoteOnce(
    _ remote: OpaquePointer?, credentials: Credentials, direction: git_direction
  ) throws(GitError) -> [String: ObjectID] {
    let box = CallbackContext(credentials: credentials, showProgress: false)
    let payload = Unmanaged.passRetained(box)
    defer { payload.release() }
    var callbacks = git_remote_callbacks()
    try check(git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION)))
    callbacks.credentials = credentialCallback
    callbacks.payload = payload.toOpaque()
    installNetworkCallbacks(&callbacks)
    let url = git_remote_url(remote).map { String(cString: $0) } ?? ""
    let code = try NetworkCall.run(url: url) {
      withStrArray(headers(credentials)) { array in
        git_remote_connect(remote, direction, &callbacks, nil, &array)
      }
    }
    try check(
      code, "cannot reach \(git_remote_url(remote).map { String(cString: $0) } ?? "origin")")
    defer { git_remote_disconnect(remote) }
    return try advertisedReferences(remote)
  }

  /// The refs a connected remote advertised (`refs/...`, peeled tags left out).
  private func advertisedReferences(_ remote: OpaquePointer?) throws(GitError)
    -> [String: ObjectID]
  {
    var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
    var count = 0
    try check(git_remote_ls(&heads, &count, remote))
    var result: [String: ObjectID] = [:]
    for i in 0..<count {
      guard let head = heads?[i] else { continue }
      let name = String(cString: head.pointee.name)
      guard name.hasPrefix("refs/"), !name.hasSuffix("^{}") else { continue }
      result[name] = ObjectID(head.pointee.oid)
    }
    return result
  }

  /// Pushes several refs in one push. Every expectation is checked against the remote first;
  /// if any fails, or the remote refuses any ref, the error names the ref and no local ref moves.
  /// On success the local remote-tracking refs (and tags) follow what was pushed.
  ///
  /// Nothing is forced: the remote itself refuses to move a branch that is not a fast-forward from
  /// what it holds, or to replace an existing tag, so a writer that lost a race between the check
  /// and the push cannot overwrite the winner. libgit2 has no atomic push, so a remote that accepts
  /// some refs and refuses others keeps what it accepted: callers that need all-or-nothing push the
  /// guarding ref alone first (see approve).
  public func push(_ updates: [RefUpdate], credentials: Credentials = Credentials())
    throws(GitError)
  {
    guard !updates.isEmpty else { return }
    var remote: OpaquePointer?
    try check(git_remote_lookup(&remote, handle, "origin"), "no origin remote")
    defer { git_remote_free(remote) }
    // A remote on this disk gets a true per-ref compare-and-swap, which checks everything.
    let url = git_remote_url(remote).map { String(cString: $0) } ?? ""
    if let path = Self.localPath(url) {
      try pushLocally(updates, to: path, remote: remote, credentials: credentials)
      try followPushed(updates)
      return
    }
    let current = try listRemote(remote, credentials: credentials, direction: GIT_DIRECTION_PUSH)
    for update in updates { try update.check(against: current[update.name]) }
    // libgit2 pushes from local refs only: stage each new value under refs/stoop/push/.
    var refspecs: [String] = []
    var staged: [String] = []
    defer { for name in staged { try? deleteReference(name) } }
    // A ref that is only checked has no refspec: the git protocol cannot compare without moving.
    for (i, update) in updates.enumerated() where !update.isCheckOnly {
      guard let target = update.target else {
        refspecs.append(":" + update.name)
        continue
      }
      let source = "refs/stoop/push/\(i)"
      try setReference(source, to: target)
      staged.append(source)
      refspecs.append(source + ":" + update.name)
    }
    guard !refspecs.isEmpty else { return }
    let box = CallbackContext(credentials: credentials, showProgress: isTerminal())
    let payload = Unmanaged.passRetained(box)
    defer { payload.release() }
    var options = git_push_options()
    try check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)))
    options.callbacks.credentials = credentialCallback
    options.callbacks.push_update_reference = pushStatusCallback
    options.callbacks.payload = payload.toOpaque()
    installNetworkCallbacks(&options.callbacks)
    let code = try NetworkCall.run(url: url) {
      withStrArray(headers(credentials)) { headerArray in
        options.custom_headers = headerArray
        return withStrArray(refspecs) { array in git_remote_push(remote, &array, &options) }
      }
    }
    if code < 0 {
      let error = GitError.last(
        code, "cannot push to \(git_remote_url(remote).map { String(cString: $0) } ?? "origin")")
      // libgit2 refuses a non-fast-forward itself, before the remote sees it.
      if error.message.contains("not present locally") || error.message.contains("non-fast-forward")
      {
        throw GitError(.rejected(ref: updates[0].name), error.message, errorClass: error.errorClass)
      }
      throw error
    }
    if let rejected = box.rejections.first {
      throw GitError(
        .rejected(ref: rejected.ref), "the remote refused \(rejected.ref): \(rejected.reason)")
    }
    try followPushed(updates)
  }

  /// Moves the local remote-tracking refs (and tags) to what a push wrote.
  private func followPushed(_ updates: [RefUpdate]) throws(GitError) {
    for update in updates where !update.isCheckOnly {
      let local = trackingName(update.name)
      if let target = update.target {
        try setReference(local, to: target)
      } else {
        try deleteReference(local)
      }
    }
  }

  /// The directory of a local remote (a path or a file:// URL), nil for network remotes.
  public static func localPath(_ url: String) -> String? {
    if url.hasPrefix("file://") { return String(url.dropFirst("file://".count)) }
    if url.contains("://") { return nil }
    if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") { return nil }
    return url
  }

  /// A push to a repository on this machine with a true compare-and-swap per ref: the objects
  /// travel under throwaway refs, then each ref is created, moved or deleted in the remote only
  /// if it still holds the expected value, under the remote's own ref lock.
  private func pushLocally(
    _ updates: [RefUpdate], to path: String, remote: OpaquePointer?, credentials: Credentials
  ) throws(GitError) {
    let target = try Repository.open(path)
    // git's receive.denyCurrentBranch: moving the branch a work tree has checked out would
    // leave its files and index behind the branch, as if the user had undone the change.
    if let branch = target.checkedOutBranch, updates.contains(where: { $0.name == branch }) {
      throw GitError(
        .checkedOut(ref: branch),
        "refusing to update \(branch) of \(path): a work tree has it checked out; register a bare clone of it (git clone --bare) instead"
      )
    }
    // Every expectation is checked before anything moves; each swap below checks again under
    // the remote's ref lock.
    for update in updates { try update.check(against: try target.reference(update.name)) }
    // Both object databases are on this disk: copy what the remote lacks, directly.
    for update in updates {
      if let id = update.target { try copyMissingObjects(from: id, to: target) }
    }
    FaultInjection.point("push.objects-copied")
    for update in updates {
      try target.compareAndSwap(update)
    }
    FaultInjection.point("push.refs-moved")
  }

  /// Fetch from a repository on this disk with Porch's refspecs and pruning.
  private func fetchLocally(
    from source: Repository, local: [String: ObjectID], progress: Bool?
  ) throws(GitError) {
    let expected = porchTracking(try source.references())
    guard local != expected else { return }
    try updateLocally(from: source, local: local, expected: expected, progress: progress)
    try packReferences()
  }

  /// Brings the refs `local` to `expected`: every object first (in one transfer, so that many new
  /// commits travel as one pack), then the refs.
  private func updateLocally(
    from source: Repository, local: [String: ObjectID], expected: [String: ObjectID],
    progress: Bool?
  ) throws(GitError) {
    let changed = expected.filter { local[$0.key] != $0.value }.sorted { $0.key < $1.key }
    try source.copyMissingObjects(
      from: changed.map(\.value), to: self,
      progress: ProgressLine("Receiving objects", enabled: progress))
    for (name, id) in changed { try setReference(name, to: id) }
    for name in local.keys where expected[name] == nil { try deleteReference(name) }
  }

  /// The scoped form of `fetchLocally`: only the given remote refs and prefixes.
  private func fetchLocally(from source: Repository, only: [String], progress: Bool?)
    throws(GitError)
  {
    var expected: [String: ObjectID] = [:]
    var local: [String: ObjectID] = [:]
    for wanted in only {
      if wanted.hasSuffix("/") {
        for (name, id) in try source.references(under: wanted) { expected[trackingName(name)] = id }
        local.merge(try references(under: trackingName(wanted))) { a, _ in a }
      } else {
        if let id = try source.reference(wanted) { expected[trackingName(wanted)] = id }
        if let id = try reference(trackingName(wanted)) { local[trackingName(wanted)] = id }
      }
    }
    guard local != expected else { return }
    try updateLocally(from: source, local: local, expected: expected, progress: progress)
  }

  /// Applies one ref update here only if the ref still holds what the update expects.
  func compareAndSwap(_ update: RefUpdate) throws(GitError) {
    let name = update.name
    let now = try references(under: name)[name]
    func refuse(_ why: String) -> GitError { GitError(.rejected(ref: name), "\(name) \(why)") }
    switch update.expected {
    case .absent:
      if let now { throw refuse("already exists on the remote (at \(now.short))") }
    case .value(let expected):
      if now != expected {
        throw refuse(
          "moved on the remote (expected \(expected.short), found \(now?.short ?? "nothing"))")
      }
    case .fastForward:
      if let now, let newTarget = update.target {
        var descendant = newTarget.raw
        var ancestor = now.raw
        if now != newTarget && git_graph_descendant_of(handle, &descendant, &ancestor) != 1 {
          throw refuse("is not a fast-forward from \(now.short) on the remote")
        }
      }
    }
    if update.target == now { return }
    do {
      // The value just checked must still be there under the ref's lock.
      try writeReference(name, to: update.target, if: now.map { .value($0) } ?? .absent)
    } catch let error {
      if case .rejected = error.kind { throw refuse("changed on the remote while pushing") }
      throw error
    }
  }
}
