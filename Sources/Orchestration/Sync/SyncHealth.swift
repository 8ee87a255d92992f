import Foundation
import KRM

/// How a RootSync or RepoSync is doing, read from its status the way `nomos status` reads it.
///
/// The order of the checks is the contract (sync spec §2.3): an unobserved spec change first,
/// then Stalled, Reconciling, a missing Syncing condition, errors, a sync in progress, and
/// otherwise Synced at the Syncing condition's commit.
public struct SyncHealth: Sendable, Equatable {
  /// The one word `sync get` shows.
  public enum Status: String, Sendable, CaseIterable {
    case synced = "Synced"
    case pending = "Pending"
    case reconciling = "Reconciling"
    case stalled = "Stalled"
    case error = "Error"
  }

  public var status: Status
  /// Why, on one line: a condition's reason and message, the errors, or what is awaited.
  public var message: String
  /// The commit being synced or last synced: the Syncing condition's, else `status.sync.commit`,
  /// else `status.lastSyncedCommit`.
  public var commit: String?
  /// The messages of the errors in `status.source`, `status.rendering` and `status.sync` (and on
  /// the Syncing condition when those carry none), each on one line.
  public var errors: [String]
  /// How many errors Config Sync counted; more than `errors.count` when it truncated the list.
  public var errorCount: Int

  /// The commits the stricter check of `isSyncedAt(_:)` compares.
  public var sourceCommit: String?
  public var renderingCommit: String?
  public var syncCommit: String?
  public var lastSyncedCommit: String?
  /// `status.rendering.message`: "Rendering succeeded" or "Rendering skipped" when all went well.
  public var renderingMessage: String?

  /// The two values of `status.rendering.message` that mean the source was usable as is.
  public static let renderingSuccessMessages: Set<String> = [
    "Rendering succeeded", "Rendering skipped",
  ]

  /// Classifies a RootSync or RepoSync object (as read from the cluster, or from a file).
  public init(object: YAMLNode) {
    let status = object["status"] ?? .mapping()
    sourceCommit = status.node(at: ["source", "commit"])?.nonEmptyString
    renderingCommit = status.node(at: ["rendering", "commit"])?.nonEmptyString
    syncCommit = status.node(at: ["sync", "commit"])?.nonEmptyString
    lastSyncedCommit = status["lastSyncedCommit"]?.nonEmptyString
    renderingMessage = status.node(at: ["rendering", "message"])?.nonEmptyString

    let conditions = status["conditions"]?.items.map(\.node) ?? []
    func condition(_ type: String) -> YAMLNode? {
      conditions.first { $0["type"]?.string == type }
    }
    func isTrue(_ condition: YAMLNode?) -> Bool { condition?["status"]?.string == "True" }
    let syncing = condition("Syncing")

    var errors: [String] = []
    var counted = 0
    for block in ["source", "rendering", "sync"] {
      errors += Self.messages(status.node(at: [block, "errors"]))
      counted += Self.count(status.node(at: [block, "errorSummary"]))
    }
    if errors.isEmpty { errors = Self.messages(syncing?["errors"]) }
    self.errors = errors
    errorCount = max(errors.count, counted, Self.count(syncing?["errorSummary"]))
    commit = syncing?["commit"]?.nonEmptyString ?? syncCommit ?? lastSyncedCommit

    let generation = object.node(at: ["metadata", "generation"])?.nonEmptyString
    let observed = status["observedGeneration"]?.nonEmptyString
    if let generation, generation != observed {
      self.status = .pending
      message =
        observed.map {
          "Config Sync has not observed generation \(generation) of the spec yet (it saw \($0))"
        } ?? "Config Sync has not observed the spec yet (generation \(generation))"
    } else if let stalled = condition("Stalled"), isTrue(stalled) {
      self.status = .stalled
      message = Self.describe(stalled, otherwise: "the reconciler is stalled")
    } else if let reconciling = condition("Reconciling"), isTrue(reconciling) {
      self.status = .reconciling
      message = Self.describe(reconciling, otherwise: "the reconciler is being set up")
    } else if let syncing {
      if errorCount > 0 {
        self.status = .error
        let shown =
          errors.isEmpty
          ? "see status.source, rendering and sync"
          : errors.joined(
            separator: "; ")
        message = "\(errorCount) error\(errorCount == 1 ? "" : "s"): \(shown)"
      } else if isTrue(syncing) {
        self.status = .pending
        let what = commit.map { "syncing commit \(Self.short($0))" } ?? "syncing"
        let detail = Self.oneLine(syncing["message"]?.string ?? "")
        message = detail.isEmpty ? what : "\(what): \(detail)"
      } else {
        self.status = .synced
        message = commit.map { "synced at commit \(Self.short($0))" } ?? "synced"
      }
    } else {
      self.status = .pending
      message = "the reconciler has not reported a Syncing condition yet"
    }
  }

  /// Whether the sync is Synced at `commit` (a full SHA) by the stricter rule of Config Sync's
  /// own end-to-end tests: source, rendering, sync and lastSyncedCommit all at that commit, no
  /// errors anywhere, and rendering either succeeded or was skipped.
  public func isSyncedAt(_ commit: String) -> Bool {
    let expected = commit.lowercased()
    return status == .synced && errorCount == 0
      && [sourceCommit, renderingCommit, syncCommit, lastSyncedCommit].allSatisfy {
        $0?.lowercased() == expected
      }
      && renderingMessage.map(Self.renderingSuccessMessages.contains) == true
  }

  /// What is still missing before `isSyncedAt(commit)` holds, for a message on timeout:
  /// the status and message, then each commit that is not yet the expected one.
  public func pendingDescription(expecting commit: String) -> String {
    var text = "\(status.rawValue): \(message)"
    let expected = commit.lowercased()
    let stages: [(String, String?)] = [
      ("source", sourceCommit), ("rendering", renderingCommit), ("sync", syncCommit),
      ("last synced", lastSyncedCommit),
    ]
    let behind = stages.filter { $0.1?.lowercased() != expected }.map {
      "\($0.0) at \($0.1.map(Self.short) ?? "none")"
    }
    if !behind.isEmpty {
      text += "; \(behind.joined(separator: ", ")) (want \(Self.short(commit)))"
    } else if let renderingMessage, !Self.renderingSuccessMessages.contains(renderingMessage) {
      text += "; rendering: \(Self.oneLine(renderingMessage))"
    } else if renderingMessage == nil {
      text += "; no rendering status yet"
    }
    return text
  }

  // MARK: Reading status

  /// `KNVcode: errorMessage` for each error (the message alone when it already starts with its
  /// code, as Config Sync writes them), on one line.
  private static func messages(_ errors: YAMLNode?) -> [String] {
    (errors?.items ?? []).compactMap { item in
      let code = item.node["code"]?.nonEmptyString
      guard let text = item.node["errorMessage"]?.nonEmptyString.map(oneLine) else {
        return code.map { "error \($0)" }
      }
      guard let code else { return text }
      // Config Sync's codes are four digits, shown as KNV2004.
      let shown = code.allSatisfy(\.isNumber) ? "KNV" + code : code
      return text.hasPrefix(shown) || text.hasPrefix(code) ? text : "\(shown): \(text)"
    }
  }

  private static func count(_ summary: YAMLNode?) -> Int {
    summary?["totalCount"]?.string.flatMap { Int($0) } ?? 0
  }

  private static func describe(_ condition: YAMLNode, otherwise: String) -> String {
    let reason = condition["reason"]?.nonEmptyString
    let message = condition["message"]?.nonEmptyString.map(oneLine)
    switch (reason, message) {
    case (let reason?, let message?): return "\(reason): \(message)"
    case (nil, let message?): return message
    case (let reason?, nil): return "\(reason): \(otherwise)"
    case (nil, nil): return otherwise
    }
  }

  static func short(_ commit: String) -> String { String(commit.prefix(7)) }

  static func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }.joined(separator: " ")
  }
}

extension YAMLNode {
  /// A scalar's value unless it is empty or null.
  fileprivate var nonEmptyString: String? {
    guard let value = string, !isNull else { return nil }
    return value
  }
}
