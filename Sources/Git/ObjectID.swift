internal import CGit2

/// A git object name (SHA-1), as 40 lowercase hex digits.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible, Comparable {
  public let hex: String

  public init?(hex: String) {
    guard hex.utf8.count == 40,
      hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
    else { return nil }
    self.hex = hex
  }

  init(_ oid: git_oid) {
    var oid = oid
    // Formatted straight into the string's storage: object walks make hundreds of thousands.
    hex = String(unsafeUninitializedCapacity: 40) { buffer in
      buffer.withMemoryRebound(to: CChar.self) { _ = git_oid_fmt($0.baseAddress, &oid) }
      return 40
    }
  }

  init(_ pointer: UnsafePointer<git_oid>) { self.init(pointer.pointee) }

  var raw: git_oid {
    var oid = git_oid()
    git_oid_fromstr(&oid, hex)
    return oid
  }

  public var description: String { hex }
  public var short: String { String(hex.prefix(7)) }

  public static func < (a: ObjectID, b: ObjectID) -> Bool { a.hex < b.hex }
}
