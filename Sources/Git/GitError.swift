internal import CGit2

/// A failure reported by libgit2 (with its message and error class), or by stoop's git layer.
public struct GitError: Error, Sendable, CustomStringConvertible, Equatable {
  public enum Kind: Sendable, Equatable {
    /// libgit2 returned an error; `code` is its return value.
    case libgit2(code: Int32)
    /// The remote refused the credentials (or asked for some and none were configured).
    case authentication
    /// A ref or object that was asked for does not exist.
    case notFound
    /// A push was refused, or the remote did not hold the value the push expected.
    case rejected(ref: String)
    /// The local object database is damaged.
    case corrupt
    /// A lock file of git's files backend (`refs/heads/main.lock`, `packed-refs.lock`) is
    /// there and stayed there: another process is writing, or one was killed while it wrote.
    case locked(path: String)
    /// The remote stayed silent past the limit (`STOOP_TIMEOUT`).
    case timedOut
    /// An ssh server's host key is not the one known_hosts lists for it, or is not listed.
    case hostKey
    /// A push would move the branch that a non-bare repository has checked out.
    case checkedOut(ref: String)
    /// A setting (an environment variable) holds a value stoop cannot use.
    case invalidSetting(name: String)
  }

  public var kind: Kind
  /// libgit2's error class name (`net`, `odb`, `reference`, ...), when libgit2 reported it.
  public var errorClass: String?
  public var message: String

  /// A password in a URL the message quotes (libgit2 quotes them too) is replaced by `***`.
  public init(_ kind: Kind, _ message: String, errorClass: String? = nil) {
    self.kind = kind
    self.message = RemoteURL.redacted(message)
    self.errorClass = errorClass
  }

  public var description: String { message }

  /// The last libgit2 error for a failed call's return code.
  static func last(_ code: Int32, _ context: String? = nil) -> GitError {
    var message = "libgit2 error \(code)"
    var klass: Int32 = 0
    if let error = git_error_last() {
      klass = error.pointee.klass
      if let text = error.pointee.message { message = String(cString: text) }
    }
    let name = className(klass)
    var kind = Kind.libgit2(code: code)
    if code == GIT_ENOTFOUND.rawValue {
      kind = .notFound
    } else if code == GIT_EAUTH.rawValue || message.contains("authentication")
      || message.contains("401")
      || (klass == Int32(GIT_ERROR_SSH.rawValue) && message.contains("authenticat"))
    {
      kind = .authentication
    } else if ["odb", "zlib", "object", "indexer"].contains(name) {
      kind = .corrupt
    }
    if let context { message = context + ": " + message }
    return GitError(kind, message, errorClass: name)
  }

  private static func className(_ klass: Int32) -> String {
    switch UInt32(klass) {
    case GIT_ERROR_NOMEMORY.rawValue: return "nomemory"
    case GIT_ERROR_OS.rawValue: return "os"
    case GIT_ERROR_INVALID.rawValue: return "invalid"
    case GIT_ERROR_REFERENCE.rawValue: return "reference"
    case GIT_ERROR_ZLIB.rawValue: return "zlib"
    case GIT_ERROR_REPOSITORY.rawValue: return "repository"
    case GIT_ERROR_CONFIG.rawValue: return "config"
    case GIT_ERROR_ODB.rawValue: return "odb"
    case GIT_ERROR_INDEXER.rawValue: return "indexer"
    case GIT_ERROR_OBJECT.rawValue: return "object"
    case GIT_ERROR_NET.rawValue: return "net"
    case GIT_ERROR_TAG.rawValue: return "tag"
    case GIT_ERROR_TREE.rawValue: return "tree"
    case GIT_ERROR_SSL.rawValue: return "ssl"
    case GIT_ERROR_SSH.rawValue: return "ssh"
    case GIT_ERROR_HTTP.rawValue: return "http"
    case GIT_ERROR_CALLBACK.rawValue: return "callback"
    default: return "git"
    }
  }
}

/// Throws the last libgit2 error when `code` is negative.
@discardableResult
func check(_ code: Int32, _ context: String? = nil) throws(GitError) -> Int32 {
  if code < 0 { throw GitError.last(code, context) }
  return code
}
