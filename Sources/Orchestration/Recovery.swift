import Foundation
import Git

/// Finishes the lifecycle transitions of one package that a killed command left half done.
///
/// Each transition pushes its refs in an order where every prefix reads sensibly (propose:
/// create `proposed/`, then delete `drafts/`; reject: the other way round; approve: the branch,
/// then the tag, then delete `proposed/`; delete: the tag, then the deletion marker). A command
/// killed between two refs leaves a state only that transition produces, recognisable from the
/// commits themselves, so the next lifecycle command on the package rolls it forward before it
/// reads the package. Every repair is a compare-and-swap push: a writer that changed a ref
/// meanwhile wins, and nothing is repaired that is not provably a leftover.
struct Recovery {
  var registration: Registration
  var clone: Repository
  var credentials: Credentials
  /// The package's path from the repository root.
  var fullPath: String

  /// What was repaired, one line each (for `-v` and tests).
  @discardableResult
  func finishTransitions() throws -> [String] {
    let drafts = try clone.references(under: "refs/remotes/origin/drafts/\(fullPath)/")
      .compactMapKeys { workspace(of: $0, after: "refs/remotes/origin/drafts/") }
    let proposed = try clone.references(under: "refs/remotes/origin/proposed/\(fullPath)/")
      .compactMapKeys { workspace(of: $0, after: "refs/remotes/origin/proposed/") }
    let markers = try clone.references(under: "refs/remotes/origin/deletionProposed/\(fullPath)/")
      .compactMapKeys { workspace(of: $0, after: "refs/remotes/origin/deletionProposed/") }
    guard !drafts.isEmpty || !proposed.isEmpty || !markers.isEmpty else { return [] }
    let tags = try clone.references(under: "refs/tags/\(fullPath)/")
      .compactMapKeys { workspace(of: $0, after: "refs/tags/") }

    var updates: [RefUpdate] = []
    var done: [String] = []
    func remove(_ kind: String, _ workspace: String, at id: ObjectID, because why: String) {
      updates.append(
        RefUpdate(
          name: "refs/heads/\(kind)/\(fullPath)/\(workspace)", target: nil, expected: .value(id)))
      done.append("removed \(kind)/\(fullPath)/\(workspace): \(why)")
    }

    // What each published tag approved: the proposed commit (its second parent) and the draft
    // that proposal was made from (the proposed commit's first parent).
    var approved: [ObjectID: String] = [:]
    if !drafts.isEmpty || !proposed.isEmpty {
      for (tag, id) in tags {
        guard let commit = try? clone.commit(try clone.peelToCommit(id)),
          commit.parents.count == 2
        else { continue }
        approved[commit.parents[1]] = tag
        if let draft = try? clone.commit(commit.parents[1]).parents.first {
          approved[draft] = approved[draft] ?? tag
        }
      }
    }

    var proposedLeft = proposed
    for (workspace, id) in proposed {
      if let tag = approved[id] {
        // Approve was killed after the tag: the proposal is published.
        remove("proposed", workspace, at: id, because: "published as \(fullPath)/\(tag)")
        proposedLeft[workspace] = nil
      } else if let draft = drafts[workspace], draft == id {
        // Reject was killed between creating the draft and deleting the proposal.
        remove("proposed", workspace, at: id, because: "rejected back to a draft")
        proposedLeft[workspace] = nil
      }
    }
    for (workspace, id) in drafts {
      if let tag = approved[id] {
        remove("drafts", workspace, at: id, because: "published as \(fullPath)/\(tag)")
      } else if let proposal = proposed[workspace], proposal != id,
        try clone.commit(proposal).parents.first == id
      {
        // Propose was killed between creating the proposal and deleting the draft.
        remove("drafts", workspace, at: id, because: "proposed")
      }
    }
    // Approve killed after moving the branch and before the tag: the branch reserved the
    // number, so the tag is created as approve would have.
    if !proposedLeft.isEmpty,
      let head = try clone.reference(
        "refs/remotes/origin/" + registration.branch)
    {
      for (workspace, id) in proposedLeft {
        guard
          let approval = try PackageLifecycle.findApproval(
            ofProposed: id, fullPath: fullPath, workspace: workspace, from: head, in: clone)
        else { continue }
        let tag = "refs/tags/\(fullPath)/v\(approval.number)"
        guard tags["v\(approval.number)"] == nil else { continue }
        updates.append(RefUpdate(name: tag, target: approval.commit, expected: .absent))
        remove(
          "proposed", workspace, at: id, because: "approved as \(fullPath)/v\(approval.number)")
      }
    }
    // Delete was killed after removing the tag: the deletion marker names nothing.
    for (marker, id) in markers where marker.hasPrefix("v") && tags[marker] == nil {
      if Discovery.parseRevision(marker) >= 1 {
        remove("deletionProposed", marker, at: id, because: "\(fullPath)/\(marker) was deleted")
      }
    }
    guard !updates.isEmpty else { return [] }
    // Tags first, as approve pushes them, then the removals.
    updates.sort { ($0.target != nil ? 0 : 1) < ($1.target != nil ? 0 : 1) }
    try clone.push(updates, credentials: credentials)
    return done
  }

  /// The last path segment of a ref below `prefix` + this package's path.
  private func workspace(of ref: String, after prefix: String) -> String? {
    let rest = ref.dropFirst(prefix.count)
    guard rest.hasPrefix(fullPath + "/") else { return nil }
    let last = rest.dropFirst(fullPath.count + 1)
    return last.isEmpty || last.contains("/") ? nil : String(last)
  }
}

extension Dictionary where Key == String {
  /// The same values under new keys; entries whose new key is nil are dropped.
  fileprivate func compactMapKeys(_ transform: (String) -> String?) -> [String: Value] {
    var result: [String: Value] = [:]
    for (key, value) in self {
      if let newKey = transform(key) { result[newKey] = value }
    }
    return result
  }
}
