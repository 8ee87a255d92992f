import Foundation

/// Where stoop keeps registered repositories: `$STOOP_HOME`, else `$XDG_CONFIG_HOME/stoop`,
/// else `~/.config/stoop`.
public struct StoopHome: Sendable, Equatable {
  public let path: String

  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    if let home = environment["STOOP_HOME"], !home.isEmpty {
      path = home
    } else if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
      path = config + "/stoop"
    } else {
      let user = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
      path = user + "/.config/stoop"
    }
  }

  /// The directory of one registration.
  public func repository(namespace: String, name: String) -> String {
    path + "/repositories/" + namespace + "/" + name
  }
}
