/// SHA-1 over a byte stream (libgit2 keeps its own hash functions private): the checksum that
/// ends a pack file, HMAC-SHA1 to read hashed known_hosts names, and name-based UUIDs. Not used
/// to name objects: libgit2 does that.
public struct SHA1 {
  private var state: (UInt32, UInt32, UInt32, UInt32, UInt32) = (
    0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0
  )
  private var pending: [UInt8] = []
  private var length: UInt64 = 0

  init() { pending.reserveCapacity(64) }

  public static func hash(_ message: [UInt8]) -> [UInt8] {
    var sha = SHA1()
    sha.update(message)
    return sha.finish()
  }

  static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
    var block = key.count > 64 ? hash(key) : key
    block += [UInt8](repeating: 0, count: 64 - block.count)
    let inner = hash(block.map { $0 ^ 0x36 } + message)
    return hash(block.map { $0 ^ 0x5C } + inner)
  }

  mutating func update(_ bytes: UnsafeRawBufferPointer) {
    length += UInt64(bytes.count)
    var index = 0
    if !pending.isEmpty {
      let take = min(64 - pending.count, bytes.count)
      pending.append(contentsOf: bytes[0..<take])
      index = take
      guard pending.count == 64 else { return }
      pending.withUnsafeBytes { block($0, 0) }
      pending.removeAll(keepingCapacity: true)
    }
    while index + 64 <= bytes.count {
      block(bytes, index)
      index += 64
    }
    if index < bytes.count { pending.append(contentsOf: bytes[index...]) }
  }

  mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// The 20-byte digest; the hash is finished (further updates are meaningless).
  mutating func finish() -> [UInt8] {
    let bits = length &* 8
    var tail: [UInt8] = [0x80]
    let padding = (55 &- Int(length % 64) + 64) % 64
    tail.append(contentsOf: repeatElement(0, count: padding))
    for shift in stride(from: 56, through: 0, by: -8) {
      tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
    }
    let saved = length
    update(tail)
    length = saved
    var digest: [UInt8] = []
    for word in [state.0, state.1, state.2, state.3, state.4] {
      for shift in stride(from: 24, through: 0, by: -8) {
        digest.append(UInt8(truncatingIfNeeded: word >> UInt32(shift)))
      }
    }
    return digest
  }

  private mutating func block(_ bytes: UnsafeRawBufferPointer, _ offset: Int) {
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
      compress(bytes, offset, w)
    }
  }

  private mutating func compress(
    _ bytes: UnsafeRawBufferPointer, _ offset: Int, _ w: UnsafeMutableBufferPointer<UInt32>
  ) {
    for i in 0..<16 {
      let base = offset + i * 4
      w[i] =
        UInt32(bytes[base]) << 24 | UInt32(bytes[base + 1]) << 16 | UInt32(bytes[base + 2]) << 8
        | UInt32(bytes[base + 3])
    }
    for i in 16..<80 {
      let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
      w[i] = x << 1 | x >> 31
    }
    var (a, b, c, d, e) = state
    for i in 0..<80 {
      let f: UInt32
      let k: UInt32
      switch i {
      case 0..<20:
        f = (b & c) | (~b & d)
        k = 0x5A82_7999
      case 20..<40:
        f = b ^ c ^ d
        k = 0x6ED9_EBA1
      case 40..<60:
        f = (b & c) | (b & d) | (c & d)
        k = 0x8F1B_BCDC
      default:
        f = b ^ c ^ d
        k = 0xCA62_C1D6
      }
      let t = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
      e = d
      d = c
      c = b << 30 | b >> 2
      b = a
      a = t
    }
    state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e)
  }
}
