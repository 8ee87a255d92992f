import Foundation

/// Named points where a test can have the process killed, as `kill -9` would kill it, to prove
/// that whatever a command leaves behind is finished or explained by the next one.
///
/// `STOOP_FAULT=NAME` kills at the first pass through the point NAME, `NAME:N` at the Nth, and
/// `*:N` at the Nth pass through any point. `STOOP_FAULT_TRACE=FILE` appends the name of every
/// point passed to FILE, one per line, so a test can count the points of a command and then
/// kill it at each. Without either variable a point costs one load of a cached value.
///
/// `STOOP_PAUSE=NAME:FILE` stops at the first pass through NAME instead: the process creates FILE
/// and waits (60 s at most) until it is removed, so a test can play a concurrent writer at
/// exactly that moment.
public enum FaultInjection {
  private struct Plan {
    var name: String?
    var remaining: Int
    var trace: Int32
    var pause: (point: String, file: String)?
  }

  private nonisolated(unsafe) static var plan: Plan? = {
    let environment = ProcessInfo.processInfo.environment
    let trace =
      environment["STOOP_FAULT_TRACE"].map {
        open($0, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
      } ?? -1
    var pause: (String, String)?
    if let spec = environment["STOOP_PAUSE"], let colon = spec.firstIndex(of: ":") {
      pause = (String(spec[..<colon]), String(spec[spec.index(after: colon)...]))
    }
    guard let spec = environment["STOOP_FAULT"], !spec.isEmpty else {
      return trace >= 0 || pause != nil
        ? Plan(name: nil, remaining: 0, trace: trace, pause: pause) : nil
    }
    var name = Substring(spec)
    var count = 1
    if let colon = spec.lastIndex(of: ":"), let n = Int(spec[spec.index(after: colon)...]) {
      name = spec[..<colon]
      count = max(n, 1)
    }
    return Plan(
      name: name == "*" ? nil : String(name), remaining: count, trace: trace, pause: pause)
  }()

  /// Marks a point; kills (or pauses) the process here when the plan says so.
  public static func point(_ name: String) {
    guard var current = plan else { return }
    if current.trace >= 0 {
      let line = Array((name + "\n").utf8)
      _ = line.withUnsafeBytes { write(current.trace, $0.baseAddress, $0.count) }
    }
    if let pause = current.pause, pause.point == name {
      current.pause = nil
      plan = current
      wait(while: pause.file)
    }
    guard current.remaining > 0, current.name == nil || current.name == name else { return }
    current.remaining -= 1
    plan = current
    if current.remaining == 0 { kill(getpid(), SIGKILL) }
  }

  /// Creates `file` and waits until someone removes it.
  private static func wait(while file: String) {
    close(open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644))
    var waited = 0
    while access(file, F_OK) == 0, waited < 6000 {
      usleep(10_000)
      waited += 1
    }
  }
}
