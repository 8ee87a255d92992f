import Foundation

/// The user info of remote URLs: a password typed into a URL (`https://alice:PW@host/x.git`) is
/// split off before anything is stored, and hidden in everything shown.
public enum RemoteURL {
  /// What stands for a password in text shown to people.
  public static let hiddenPassword = "***"

  /// `url` without a password in its user info, and the user name and password it carried
  /// (percent-decoded, as git and libgit2 decode them). A URL without a password comes back as
  /// it is, user name included: only a password is a secret.
  public static func splitPassword(_ url: String) -> (
    url: String, username: String?, password: String?
  ) {
    guard let userInfo = userInfoRange(in: url, from: url.startIndex),
      let colon = url[userInfo].firstIndex(of: ":")
    else { return (url, nil, nil) }
    let username = String(url[userInfo.lowerBound..<colon])
    let password = String(url[url.index(after: colon)..<userInfo.upperBound])
    // The user info and its `@` go: the user name travels with the password.
    let stripped =
      String(url[..<userInfo.lowerBound]) + url[url.index(after: userInfo.upperBound)...]
    return (stripped, decoded(username), decoded(password))
  }

  /// `text` with the password of every URL in it replaced by `***`
  /// (`http://alice:***@host/x.git`), for messages that quote URLs, libgit2's included.
  public static func redacted(_ text: String) -> String {
    guard text.contains("://") else { return text }
    var result = ""
    var position = text.startIndex
    while let userInfo = userInfoRange(in: text, from: position) {
      if let colon = text[userInfo].firstIndex(of: ":") {
        result += text[position...colon]
        result += hiddenPassword
        result += "@"
      } else {
        result += text[position...userInfo.upperBound]
      }
      position = text.index(after: userInfo.upperBound)
    }
    return result + text[position...]
  }

  /// The user info (between `://` and the last `@` of the authority) of the first URL at or
  /// after `start`; its upper bound is the `@`.
  private static func userInfoRange(in text: String, from start: String.Index) -> Range<
    String.Index
  >? {
    var searchFrom = start
    while let scheme = text.range(of: "://", range: searchFrom..<text.endIndex) {
      let authorityStart = scheme.upperBound
      var end = authorityStart
      var lastAt: String.Index?
      while end < text.endIndex, !isAuthorityEnd(text[end]) {
        if text[end] == "@" { lastAt = end }
        end = text.index(after: end)
      }
      if let lastAt { return authorityStart..<lastAt }
      searchFrom = end
    }
    return nil
  }

  private static func isAuthorityEnd(_ character: Character) -> Bool {
    character == "/" || character == "?" || character == "#" || character.isWhitespace
      || character == "\"" || character == "'" || character == ")" || character == ">"
  }

  private static func decoded(_ text: String) -> String? {
    guard !text.isEmpty else { return nil }
    return text.removingPercentEncoding ?? text
  }

  /// The host and port a network URL connects to (`ssh://git@host:2222/x` → `host`, 2222;
  /// scp-like `git@host:x` → `host`, nil); nil for local paths and file:// URLs.
  public static func endpoint(_ url: String) -> (host: String, port: Int?)? {
    if let scheme = url.range(of: "://") {
      guard !url.hasPrefix("file://") else { return nil }
      let authority = url[scheme.upperBound...].prefix { !isAuthorityEnd($0) }
      let hostPort = authority.split(separator: "@").last.map(String.init) ?? String(authority)
      return splitHostPort(hostPort)
    }
    // scp-like `[user@]host:path` (a colon before any slash).
    guard let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") else { return nil }
    let host = url[..<colon].split(separator: "@").last.map(String.init) ?? ""
    return host.isEmpty ? nil : (host, nil)
  }

  /// Whether git reaches `url` over ssh: `ssh://` (and git's aliases) or scp-like `host:path`.
  public static func isSSH(_ url: String) -> Bool {
    if let scheme = url.range(of: "://") {
      return ["ssh", "ssh+git", "git+ssh"].contains(url[..<scheme.lowerBound].lowercased())
    }
    return endpoint(url) != nil
  }

  private static func splitHostPort(_ text: String) -> (host: String, port: Int?) {
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
      let host = String(text[text.index(after: text.startIndex)..<close])
      let rest = text[text.index(after: close)...]
      return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) : nil)
    }
    if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon {
      return (String(text[..<colon]), Int(text[text.index(after: colon)...]))
    }
    return (text, nil)
  }
}
