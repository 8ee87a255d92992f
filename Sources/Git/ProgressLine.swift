import Foundation

/// One line of progress on standard error, rewritten in place the way git writes
/// `Receiving objects:  45% (450/1000)`, and finished with `, done.`. Shown only when standard
/// error is a terminal (or when asked for): a pipe or a log file gets nothing.
public final class ProgressLine {
  let title: String
  let enabled: Bool
  private var shown = ""
  private var lastWrite = 0.0

  /// `enabled` nil: when standard error is a terminal.
  public init(_ title: String, enabled: Bool? = nil) {
    self.title = title
    self.enabled = enabled ?? (isatty(2) == 1)
  }

  /// Shows `done` of `total` (a count alone when the total is not known yet, 0).
  public func update(_ done: Int, of total: Int) {
    guard enabled else { return }
    let text = Self.text(title, done, total)
    // A terminal needs no more than a few redraws a second.
    let now = Date.timeIntervalSinceReferenceDate
    guard text != shown, now - lastWrite >= 0.05 || done == total else { return }
    lastWrite = now
    shown = text
    Self.write("\r" + text)
  }

  /// Ends the line with its final count.
  public func finish(_ done: Int, of total: Int) {
    guard enabled else { return }
    Self.write("\r" + Self.text(title, done, total) + ", done.\n")
    shown = ""
  }

  static func text(_ title: String, _ done: Int, _ total: Int) -> String {
    guard total > 0 else { return "\(title): \(done)" }
    let percent = String(done * 100 / total)
    return
      "\(title): \(String(repeating: " ", count: max(0, 3 - percent.count)))\(percent)% (\(done)/\(total))"
  }

  private static func write(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
  }
}

/// A count that several threads advance, shown as a `ProgressLine` only once the work has taken
/// longer than `delay` seconds (as git delays its progress), so quick runs print nothing. The
/// delay defaults to one second, or to `STOOP_PROGRESS_DELAY` seconds when that is set.
public final class SharedProgress: @unchecked Sendable {
  private let lock = NSLock()
  private let line: ProgressLine
  private let total: Int
  private let start = Date.timeIntervalSinceReferenceDate
  private let delay: Double
  private var done = 0
  private var shown = false

  public init(_ title: String, total: Int, delay: Double? = nil, enabled: Bool? = nil) {
    line = ProgressLine(title, enabled: enabled)
    self.total = total
    self.delay =
      delay ?? ProcessInfo.processInfo.environment["STOOP_PROGRESS_DELAY"].flatMap(Double.init) ?? 1
  }

  public func advance(by count: Int = 1) {
    lock.lock()
    defer { lock.unlock() }
    done += count
    guard line.enabled else { return }
    if !shown, Date.timeIntervalSinceReferenceDate - start < delay { return }
    shown = true
    line.update(done, of: total)
  }

  /// Ends the line if it was ever shown.
  public func finish() {
    lock.lock()
    defer { lock.unlock() }
    if shown { line.finish(done, of: total) }
  }
}
