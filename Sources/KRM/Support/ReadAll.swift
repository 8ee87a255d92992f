import Glibc

/// Reading a whole file or stream into one array, without Foundation's `Data` (which reads a
/// stream 4 KiB at a time and is copied once more into an array).
public enum ReadAll {
  /// Everything left to read from `descriptor`: straight into an array sized from the file when
  /// it is a regular one, doubling as it fills otherwise. A non-blocking pipe is waited on. Nil
  /// on a read error, with `errno` telling which.
  public static func bytes(from descriptor: Int32) -> [UInt8]? {
    var status = stat()
    var capacity = 1 << 16
    if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG {
      capacity = max(Int(status.st_size), 0) + 1
    }
    var bytes = [UInt8](repeating: 0, count: capacity)
    var filled = 0
    while true {
      if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
      let count = bytes.withUnsafeMutableBytes {
        read(descriptor, $0.baseAddress.map { $0 + filled }, $0.count - filled)
      }
      if count > 0 {
        filled += count
      } else if count == 0 {
        break
      } else if errno == EINTR {
        continue
      } else if errno == EAGAIN || errno == EWOULDBLOCK {
        wait(for: descriptor, Int16(POLLIN))
      } else {
        return nil
      }
    }
    bytes.removeLast(bytes.count - filled)
    return bytes
  }

  /// The file at `path`; nil when it cannot be opened or read.
  public static func bytes(atPath path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    return bytes(from: descriptor)
  }

  /// Waits until `descriptor` is ready for `events`: a pipe left non-blocking by another
  /// program answers "try again" instead of waiting.
  public static func wait(for descriptor: Int32, _ events: Int16) {
    var entry = pollfd(fd: descriptor, events: events, revents: 0)
    _ = poll(&entry, 1, -1)
  }
}
