import Foundation

/// A snapshot of a repository's `packed-refs`: the file's bytes and where each ref's line is,
/// so that a prefix query is a binary search (git keeps the file sorted and says so in its
/// header) instead of a scan of thousands of lines.
final class PackedReferences {
  /// What identifies one version of the file: rewrites go through a rename, so a new inode, size
  /// or modification time means new contents.
  struct Stamp: Equatable {
    var inode: UInt64 = 0
    var size: Int64 = -1
    var seconds: Int = 0
    var nanoseconds: Int = 0

    /// The stamp of the file at `path` now (the empty stamp when there is none).
    init(_ path: String) {
      var info = stat()
      if stat(path, &info) == 0 { self.init(info) } else { self.init() }
    }

    init() {}

    init(_ info: stat) {
      inode = UInt64(info.st_ino)
      size = Int64(info.st_size)
      seconds = Int(info.st_mtim.tv_sec)
      nanoseconds = Int(info.st_mtim.tv_nsec)
    }
  }

  let stamp: Stamp
  /// The file mapped into memory (read-only, private): no copy of a file that can be megabytes.
  private let bytes: UnsafeBufferPointer<UInt8>
  /// Per ref line: where the object name starts and where the ref name starts and ends.
  private var lines: [(line: Int, nameStart: Int, nameEnd: Int)] = []
  private var sorted = false

  /// Maps the file; the stamp is that of the very file mapped, so a rewrite between checking and
  /// mapping is noticed by the next check.
  init(file: String) {
    (bytes, stamp) = Self.map(file)
    index()
  }

  deinit {
    if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
  }

  private static func map(_ file: String) -> (UnsafeBufferPointer<UInt8>, Stamp) {
    let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    let descriptor = open(file, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return (empty, Stamp()) }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { return (empty, Stamp()) }
    guard info.st_size > 0,
      let address = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, descriptor, 0),
      address != MAP_FAILED
    else { return (empty, Stamp(info)) }
    return (
      UnsafeBufferPointer(
        start: address.assumingMemoryBound(to: UInt8.self), count: Int(info.st_size)),
      Stamp(info)
    )
  }

  private func index() {
    let count = bytes.count
    var lineStart = 0
    do {
      let buffer = bytes
      guard let base = buffer.baseAddress else { return }
      while lineStart < count {
        let found = memchr(base + lineStart, 0x0A, count - lineStart)
        let lineEnd =
          found.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base }
          ?? count
        defer { lineStart = lineEnd + 1 }
        if base[lineStart] == UInt8(ascii: "#") {
          let header = String(decoding: buffer[lineStart..<lineEnd], as: UTF8.self)
          sorted = header.split(separator: " ").contains("sorted")
          continue
        }
        // `<40 hex> <name>`; `^<hex>` lines peel the tag above and are skipped.
        guard lineEnd - lineStart > 41, base[lineStart] != UInt8(ascii: "^"),
          base[lineStart + 40] == 0x20
        else { continue }
        var end = lineEnd
        if base[end - 1] == 0x0D { end -= 1 }
        lines.append((lineStart, lineStart + 41, end))
      }
    }
  }

  /// Calls `body` for each ref whose name starts with `prefix`.
  func forEach(under prefix: String, _ body: (String, ObjectID) -> Void) {
    let wanted = Array(prefix.utf8)
    do {
      let buffer = bytes
      guard let base = buffer.baseAddress else { return }
      func compare(_ i: Int) -> Int32 {
        let entry = lines[i]
        let length = min(wanted.count, entry.nameEnd - entry.nameStart)
        let order = wanted.withUnsafeBufferPointer {
          memcmp(base + entry.nameStart, $0.baseAddress ?? base, length)
        }
        if order != 0 { return order }
        return length < wanted.count ? -1 : 0
      }
      var first = 0
      if sorted && !wanted.isEmpty {
        // The first line not ordered before the prefix.
        var high = lines.count
        while first < high {
          let middle = (first + high) / 2
          if compare(middle) < 0 { first = middle + 1 } else { high = middle }
        }
      }
      for i in first..<lines.count {
        let order = wanted.isEmpty ? 0 : compare(i)
        if order != 0 {
          if sorted && order > 0 { break }
          continue
        }
        let entry = lines[i]
        guard
          let id = ObjectID(
            hex: String(decoding: buffer[entry.line..<entry.line + 40], as: UTF8.self))
        else { continue }
        body(String(decoding: buffer[entry.nameStart..<entry.nameEnd], as: UTF8.self), id)
      }
    }
  }
}
