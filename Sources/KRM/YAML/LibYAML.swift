internal import CYAML

/// Facts about the linked libyaml.
public enum LibYAML {
  public static var version: String {
    String(cString: yaml_get_version_string())
  }
}
