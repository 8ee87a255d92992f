internal import CGit2

extension Repository {
  /// Writes the objects `objects` of the object database `source` into this repository as one
  /// pack. libgit2's indexer writes the pack and then renames its index into place, so the
  /// objects appear all at once: a transfer killed before that leaves none of them.
  ///
  /// A tree or blob is stored as a delta against the last one of the same name written before
  /// it (the previous version of the same directory or file, in a walk through history) when
  /// they share most of their bytes, which is what one changed file makes of every tree above
  /// it; anything else is stored whole. Deflated at zlib's fastest level.
  func writePack(
    _ objects: [(id: ObjectID, name: String)], from source: OpaquePointer?,
    progress: ProgressLine
  ) throws(GitError) {
    var destination: OpaquePointer?
    try check(git_repository_odb(&destination, handle))
    defer { git_odb_free(destination) }
    var pack: UnsafeMutablePointer<git_odb_writepack>?
    try check(git_odb_write_pack(&pack, destination, nil, nil), "cannot write a pack in \(path)")
    guard let pack else { throw GitError(.libgit2(code: -1), "cannot write a pack in \(path)") }
    defer { pack.pointee.free?(pack) }
    var stats = git_indexer_progress()
    var hash = SHA1()
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 20)
    var flushed = 0
    func flush(hashing: Bool = true) throws(GitError) {
      guard !buffer.isEmpty else { return }
      if hashing { hash.update(buffer) }
      let code = buffer.withUnsafeBytes { bytes in
        pack.pointee.append?(pack, bytes.baseAddress, bytes.count, &stats) ?? -1
      }
      try check(code, "cannot write a pack in \(path)")
      flushed += buffer.count
      buffer.removeAll(keepingCapacity: true)
    }

    buffer.append(contentsOf: Array("PACK".utf8) + [0, 0, 0, 2])
    for shift in stride(from: 24, through: 0, by: -8) {
      buffer.append(UInt8(truncatingIfNeeded: objects.count >> shift))
    }
    var deflater = try Deflater()
    var bases: [String: (offset: Int, bytes: [UInt8])] = [:]
    for (index, (id, name)) in objects.enumerated() {
      var oid = id.raw
      var object: OpaquePointer?
      try check(git_odb_read(&object, source, &oid), "cannot read object \(id)")
      defer { git_odb_object_free(object) }
      let type = git_odb_object_type(object)
      let data = UnsafeRawBufferPointer(
        start: git_odb_object_data(object), count: git_odb_object_size(object))
      let offset = flushed + buffer.count
      let key =
        name.isEmpty || (type != GIT_OBJECT_TREE && type != GIT_OBJECT_BLOB)
        ? nil : "\(type.rawValue)/\(name)"
      if let key, let base = bases[key], let delta = PackDelta.make(from: base.bytes, to: data) {
        // OFS_DELTA (6): the distance back to the base, most significant group first, each
        // group but the last biased by one (git's encoding).
        Self.appendEntryHeader(type: 6, size: delta.count, to: &buffer)
        var distance = offset - base.offset
        var groups = [UInt8(distance & 0x7F)]
        distance >>= 7
        while distance > 0 {
          distance -= 1
          groups.append(0x80 | UInt8(distance & 0x7F))
          distance >>= 7
        }
        buffer.append(contentsOf: groups.reversed())
        let deflated = delta.withUnsafeBytes { deflater.deflate($0, into: &buffer) }
        guard deflated else { throw GitError(.libgit2(code: -1), "cannot deflate object \(id)") }
      } else {
        Self.appendEntryHeader(type: Int(type.rawValue), size: data.count, to: &buffer)
        guard deflater.deflate(data, into: &buffer) else {
          throw GitError(.libgit2(code: -1), "cannot deflate object \(id)")
        }
      }
      if let key { bases[key] = (offset, Array(data)) }
      if buffer.count >= 1 << 20 { try flush() }
      progress.update(index + 1, of: objects.count)
    }
    try flush()
    buffer = hash.finish()
    try flush(hashing: false)
    try check(pack.pointee.commit?(pack, &stats) ?? -1, "cannot write a pack in \(path)")
    progress.finish(objects.count, of: objects.count)
  }

  /// A pack entry's header: the type and the size, 4 bits of size in the first byte, then 7 per
  /// byte.
  private static func appendEntryHeader(type: Int, size: Int, to buffer: inout [UInt8]) {
    var rest = size >> 4
    var byte = UInt8(truncatingIfNeeded: type << 4 | size & 0x0F)
    while rest > 0 {
      buffer.append(byte | 0x80)
      byte = UInt8(truncatingIfNeeded: rest & 0x7F)
      rest >>= 7
    }
    buffer.append(byte)
  }
}

/// A zlib stream reused for every entry of a pack (a fresh one per object costs more than
/// deflating a small one).
private struct Deflater: ~Copyable {
  private let stream: UnsafeMutablePointer<z_stream>
  private var output = [UInt8](repeating: 0, count: 1 << 16)

  init() throws(GitError) {
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    guard stoop_deflate_init(stream, 1) == Z_OK else {
      stream.deallocate()
      throw GitError(.libgit2(code: -1), "cannot start zlib")
    }
  }

  deinit {
    deflateEnd(stream)
    stream.deallocate()
  }

  /// Appends `data` deflated to `buffer`; false when zlib fails. The input goes in pieces zlib's
  /// 32-bit counters can hold, so an object of any size can be written.
  mutating func deflate(_ data: UnsafeRawBufferPointer, into buffer: inout [UInt8]) -> Bool {
    deflateReset(stream)
    let stream = self.stream
    let piece = 1 << 30
    var offset = 0
    var status = Z_OK
    repeat {
      let take = min(piece, data.count - offset)
      let last = offset + take == data.count
      stream.pointee.next_in = UnsafeMutablePointer(
        mutating: data.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) + offset })
      stream.pointee.avail_in = uInt(take)
      repeat {
        let produced = output.withUnsafeMutableBufferPointer { out -> Int in
          stream.pointee.next_out = out.baseAddress
          stream.pointee.avail_out = uInt(out.count)
          status = CGit2.deflate(stream, last ? Z_FINISH : Z_NO_FLUSH)
          return out.count - Int(stream.pointee.avail_out)
        }
        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
          return false
        }
        buffer.append(contentsOf: output[0..<produced])
      } while stream.pointee.avail_out == 0 && status != Z_STREAM_END
      offset += take
    } while offset < data.count
    return status == Z_STREAM_END
  }
}

/// git's delta format, made the simplest way that serves versions of one tree or file: copy the
/// bytes both share at the start and at the end, insert what lies between.
enum PackDelta {
  /// The delta that makes `target` from `base`, or nil when they share too little for one to
  /// pay.
  static func make(from base: [UInt8], to target: UnsafeRawBufferPointer) -> [UInt8]? {
    guard target.count >= 64 else { return nil }
    return base.withUnsafeBytes { base -> [UInt8]? in
      let shorter = min(base.count, target.count)
      var prefix = 0
      while prefix < shorter && base[prefix] == target[prefix] { prefix += 1 }
      var suffix = 0
      while suffix < shorter - prefix
        && base[base.count - 1 - suffix] == target[target.count - 1 - suffix]
      {
        suffix += 1
      }
      guard prefix + suffix >= target.count / 2 else { return nil }
      var delta: [UInt8] = []
      delta.reserveCapacity(target.count - prefix - suffix + 32)
      appendSize(base.count, to: &delta)
      appendSize(target.count, to: &delta)
      appendCopy(offset: 0, count: prefix, to: &delta)
      var start = prefix
      let end = target.count - suffix
      while start < end {
        let count = min(127, end - start)
        delta.append(UInt8(count))
        delta.append(contentsOf: target[start..<start + count])
        start += count
      }
      appendCopy(offset: base.count - suffix, count: suffix, to: &delta)
      return delta
    }
  }

  private static func appendSize(_ size: Int, to delta: inout [UInt8]) {
    var rest = size
    while rest >= 0x80 {
      delta.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    delta.append(UInt8(rest))
  }

  /// Copy instructions, 64 KiB less one at most each: the command byte says which offset and
  /// size bytes follow (zero bytes are left out).
  private static func appendCopy(offset: Int, count: Int, to delta: inout [UInt8]) {
    var offset = offset
    var remaining = count
    while remaining > 0 {
      let size = min(remaining, 0xFFFF)
      var command: UInt8 = 0x80
      var operands: [UInt8] = []
      for i in 0..<4 {
        let byte = UInt8(truncatingIfNeeded: offset >> (8 * i))
        if byte != 0 {
          command |= 1 << i
          operands.append(byte)
        }
      }
      for i in 0..<2 {
        let byte = UInt8(truncatingIfNeeded: size >> (8 * i))
        if byte != 0 {
          command |= 0x10 << i
          operands.append(byte)
        }
      }
      delta.append(command)
      delta.append(contentsOf: operands)
      offset += size
      remaining -= size
    }
  }
}
