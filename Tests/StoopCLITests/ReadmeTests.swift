import Foundation
import Testing

private let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().path

/// One ```sh block of the README and what the text before it has set up: the state a reader
/// following the README has when they reach it.
struct ReadmeBlock: CustomTestStringConvertible, Sendable {
  /// The block's first line starts with this.
  let start: String
  /// bash run before the block, in the same sandbox (helpers: `empty_bare`, `branch_bare`,
  /// `package_repo`).
  let setup: String
  var input = ""

  var testDescription: String { start }

  static let registered = """
    empty_bare ../blueprints.git && stoop repo register ../blueprints.git --create-branch
    """
  static let published = """
    \(registered)
    stoop rpkg init nginx --repository blueprints
    stoop rpkg propose blueprints.nginx.v1 && stoop rpkg approve blueprints.nginx.v1
    """
  static let downstream = """
    \(published)
    stoop rpkg copy blueprints.nginx.v1 --workspace v2
    stoop rpkg propose blueprints.nginx.v2 && stoop rpkg approve blueprints.nginx.v2
    empty_bare ../deployments.git && stoop repo register ../deployments.git --create-branch
    stoop rpkg clone blueprints/nginx@v1 web --repository deployments
    stoop rpkg propose deployments.web.v1 && stoop rpkg approve deployments.web.v1
    """

  static let all = [
    ReadmeBlock(start: "stoop fn source examples/blueprint ", setup: ""),
    ReadmeBlock(
      start: "cp -r examples/blueprint web",
      setup: registered + "\nstoop rpkg init app --repository blueprints"),
    ReadmeBlock(
      start: "stoop repo register https://git.example.com/",
      setup: """
        branch_bare ../hosts/git.example.com/org/blueprints.git
        branch_bare ../deploy.git
        empty_bare ../srv/git/new.git
        """,
      input: "s3cret\n"),
    ReadmeBlock(start: "stoop rpkg init nginx ", setup: registered),
    ReadmeBlock(
      start: "stoop rpkg clone blueprints/nginx@v1 web",
      setup: """
        \(published)
        empty_bare ../deployments.git && stoop repo register ../deployments.git --create-branch
        package_repo ../hosts/github.com/org/blueprints.git catalog/bucket
        package_repo ../srv/git/blueprints.git catalog/bucket v1 v2
        """),
    ReadmeBlock(start: "stoop rpkg upgrade deployments/web@v1 ", setup: downstream),
    ReadmeBlock(start: "stoop rpkg upgrade --discover=upstream", setup: downstream),
    ReadmeBlock(
      start: "stoop rpkg get -o custom-columns=",
      setup: published + "\nstoop rpkg copy blueprints.nginx.v1 --workspace v2"),
    ReadmeBlock(
      start: "stoop pkg init ./nginx",
      setup: "package_repo ../hosts/example.com/org/blueprints.git nginx v1 v2"),
    ReadmeBlock(start: "source <(stoop completion bash)", setup: ""),
  ]
}

/// The README's ```sh blocks, in order.
private func readmeBlocks() throws -> [String] {
  let text = try String(contentsOfFile: checkout + "/README.md", encoding: .utf8)
  var blocks: [String] = []
  var current: [Substring]?
  for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
    if line == "```sh" {
      current = []
    } else if line == "```", let lines = current {
      blocks.append(lines.joined(separator: "\n"))
      current = nil
    } else {
      current?.append(line)
    }
  }
  return blocks
}

/// bash helpers for the setups: repositories as the examples expect them to be.
private let helpers = """
  set -euo pipefail
  commit() { git -C "$1" -c user.name=t -c user.email=t@t commit -q -m "$2"; }
  empty_bare() { mkdir -p "$(dirname "$1")" && git init -q --bare -b main "$1"; }
  # a bare repository with one (empty) commit on main
  branch_bare() {
    empty_bare "$1"
    local tree; tree=$(git -C "$1" mktree </dev/null)
    git -C "$1" update-ref refs/heads/main \\
      "$(git -C "$1" -c user.name=t -c user.email=t@t commit-tree "$tree" -m first)"
  }
  # package_repo BARE DIR [TAG...]: a kpt package at DIR on main; each tag on a new commit
  # that changes the package
  package_repo() {
    local bare=$1 dir=$2 tree size=1; shift 2
    tree=$(mktemp -d)
    git init -q -b main "$tree" && mkdir -p "$tree/$dir"
    printf 'apiVersion: kpt.dev/v1\\nkind: Kptfile\\nmetadata:\\n  name: %s\\n' "${dir##*/}" \\
      >"$tree/$dir/Kptfile"
    printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: settings\\ndata:\\n  size: "0"\\n' \\
      >"$tree/$dir/settings.yaml"
    git -C "$tree" add . && commit "$tree" first
    for tag in "$@"; do
      sed -i "s/size: .*/size: \\"$size\\"/" "$tree/$dir/settings.yaml"
      size=$((size + 1))
      git -C "$tree" add . && commit "$tree" "$tag" && git -C "$tree" tag "$tag"
    done
    empty_bare "$bare" && bare=$(cd "$bare" && pwd)
    git -C "$tree" push -q "$bare" main --tags && rm -rf "$tree"
  }
  """

/// Every example of the README runs as written, block by block, each line under `set -euo
/// pipefail`, in a sandbox holding what the README set up before it. The example hosts and
/// absolute paths are served from the sandbox: `https://git.example.com/org/`,
/// `https://github.com/org/` and `https://example.com/org/` are bare repositories under
/// `hosts/`, and `/srv/git/` and `/tmp/` are directories of the sandbox.
@Test(arguments: ReadmeBlock.all)
func readmeExamplesRunAsWritten(_ block: ReadmeBlock) throws {
  let blocks = try readmeBlocks()
  // The first block is how to build and test; everything else is an example covered here.
  #expect(blocks.first?.hasPrefix("make demo") == true)
  #expect(blocks.count == ReadmeBlock.all.count + 1)
  let matching = blocks.filter { $0.hasPrefix(block.start) }
  try #require(matching.count == 1, "README blocks starting with \(block.start)")
  let sandbox = temporaryDirectory("readme")
  defer { try? FileManager.default.removeItem(atPath: sandbox) }
  for directory in ["work", "tmp", "bin", "srv/git", "hosts", "user"] {
    try FileManager.default.createDirectory(
      atPath: sandbox + "/" + directory, withIntermediateDirectories: true)
  }
  try FileManager.default.copyItem(
    atPath: checkout + "/examples", toPath: sandbox + "/work/examples")
  try FileManager.default.createSymbolicLink(
    atPath: sandbox + "/bin/stoop", withDestinationPath: stoopBinary)
  var example = matching[0]
  // /tmp/ first: the sandbox itself is a directory of /tmp.
  for (written, served) in [
    ("/tmp/", sandbox + "/tmp/"), ("/srv/git/", sandbox + "/srv/git/"),
    ("https://git.example.com/org/", sandbox + "/hosts/git.example.com/org/"),
    ("https://github.com/org/", sandbox + "/hosts/github.com/org/"),
    ("https://example.com/org/", sandbox + "/hosts/example.com/org/"),
  ] {
    example = example.replacingOccurrences(of: written, with: served)
  }
  let script =
    helpers + "\ncd \(sandbox)/work\n(\n:\n" + block.setup
    + "\n) >/dev/null 2>\(sandbox)/setup.log || { cat \(sandbox)/setup.log >&2; exit 99; }\nset -x\n"
    + example + "\n"
  let environment = [
    "STOOP_HOME": sandbox + "/home", "HOME": sandbox + "/user", "GIT_CONFIG_GLOBAL": "/dev/null",
    "PATH": sandbox + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
  ]
  let result = try run(
    "/bin/bash", ["-c", script], input: Array(block.input.utf8), environment: environment)
  #expect(result.status == 0, "\(block.start)\n\(result.stderr)")
}
