import Foundation
import Git

/// Passwords typed into URLs (`https://alice:PW@host/x.git`) never reach a file stoop writes:
/// registration moves them into the credentials file, and URLs that would be written into a
/// Kptfile or a commit are refused.
extension Registry {
  /// The URL to register and the credentials to store: a password in the URL (and the user name
  /// beside it) moves into the credentials, unless flags or the environment give a different one.
  static func separatingURLCredentials(_ url: String, _ given: Credentials)
    throws(OrchestrationError) -> (url: String, credentials: Credentials, moved: Bool)
  {
    let split = RemoteURL.splitPassword(url)
    guard let password = split.password else { return (url, given, false) }
    if given.password != nil && given.password != password || given.bearerToken != nil {
      throw .invalidOperation(
        "\(RemoteURL.redacted(url)) carries a password, and so do the flags or STOOP_REPO_PASSWORD/STOOP_REPO_TOKEN; give it once, without the URL: --repo-username USER --repo-password-stdin"
      )
    }
    if let username = split.username, let other = given.username, other != username {
      throw .invalidOperation(
        "\(RemoteURL.redacted(url)) names the user \"\(username)\" and --repo-username (or STOOP_REPO_USERNAME) \"\(other)\"; give one"
      )
    }
    var credentials = given
    credentials.username = given.username ?? split.username
    credentials.password = password
    return (split.url, credentials, true)
  }

  /// The warning a moved password earns: it is safe now, but the command line showed it.
  static let movedPasswordWarning =
    "the password in the URL went into the registration's credentials file (mode 0600), not into its URL; a password on a command line stays in shell history and shows in ps, so next time use --repo-username USER --repo-password-stdin"

  /// Refuses an upstream URL with a password: kpt and Porch write the upstream URL into the
  /// Kptfile and the clone task, where a password would be committed.
  public static func refusePassword(inUpstream url: String) throws(OrchestrationError) {
    guard RemoteURL.splitPassword(url).password != nil else { return }
    throw .invalidOperation(
      "\(RemoteURL.redacted(url)) carries a password, which would be written into the Kptfile's upstream; give the URL without it and the credentials in STOOP_REPO_USERNAME and STOOP_REPO_PASSWORD, or register the repository with stoop repo register URL --repo-username USER --repo-password-stdin"
    )
  }
}

extension Registration {
  /// The registration as shown to people: a password in its URL (registered before stoop moved
  /// them into the credentials file) replaced by `***`.
  public var withoutPassword: Registration {
    var shown = self
    shown.url = RemoteURL.redacted(url)
    shown.status.message = RemoteURL.redacted(status.message)
    return shown
  }
}
