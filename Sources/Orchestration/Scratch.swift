import Foundation

/// Scratch directories that a command writes before it moves a result into place
/// (`.NAME.registering-PID-UUID`, `.NAME.pulling-PID-UUID`, ...). The name carries the process
/// id, so that a later command can tell one whose process was killed from one still in use.
enum Scratch {
  static let activities: Set<String> = ["registering", "removing", "pulling", "render", "syncing"]

  /// A new scratch name for `activity` on `base` (a hidden name beside the result).
  static func name(_ base: String, _ activity: String) -> String {
    ".\(base).\(activity)-\(getpid())-\(UUID().uuidString)"
  }

  /// Removes the scratch directories in `directory` whose process is gone.
  static func removeAbandoned(in directory: String) {
    for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    where name.hasPrefix(".") {
      // `.BASE.ACTIVITY-PID-` then a UUID of five dash-separated groups.
      let parts = name.split(separator: "-", omittingEmptySubsequences: false)
      guard parts.count >= 7, let pid = pid_t(parts[parts.count - 6]), pid > 0 else { continue }
      let head = parts[..<(parts.count - 6)].joined(separator: "-")
      guard let dot = head.lastIndex(of: "."),
        activities.contains(String(head[head.index(after: dot)...])),
        kill(pid, 0) != 0, errno == ESRCH
      else { continue }
      try? FileManager.default.removeItem(atPath: directory + "/" + name)
    }
  }
}
