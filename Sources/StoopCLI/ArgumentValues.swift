import ArgumentParser
import CaD
import Orchestration

// The closed value sets of stoop's options. Each is an enum, so a wrong value is a usage error
// (exit 64) that lists the allowed ones, `--help` shows them, and the shells complete them.

// Each set's help names what its values do: argument-parser lists the values after it in
// --help, but the man pages show only this text.

extension ConflictPolicy: ExpressibleByArgument {
  static let help = ArgumentHelp(
    "Who wins a conflict.",
    discussion:
      "upstream: upstream's value (kpt's behaviour); local: yours; fail: nothing is written and the command exits 5."
  )
}

extension UpdateStrategy: ExpressibleByArgument {
  static let values =
    "resource-merge: merge upstream's changes with local edits, three ways; fast-forward: take upstream's only when nothing changed locally; force-delete-replace: replace the package with upstream's; copy-merge: copy upstream's files over the local ones, keeping local-only files."
}

extension LocalPackages.DiffType: ExpressibleByArgument {
  static let help = ArgumentHelp(
    "What to compare.",
    discussion:
      "local: your changes since the upstream the lock names; remote: what an update to VERSION brings; combined: upstream at VERSION against your package."
  )
}

/// `rpkg upgrade --discover`: which way to look for packages that can move.
enum DiscoverDirection: String, CaseIterable, ExpressibleByArgument {
  case upstream, downstream

  static let help = ArgumentHelp(
    "List what can be upgraded instead.",
    discussion:
      "upstream: the newer upstream revisions each revision could move to; downstream: the downstream revisions that could move to each upstream revision."
  )
}

/// `fn eval --type`: where `--save` puts the function in the Kptfile pipeline.
enum FunctionType: String, CaseIterable, ExpressibleByArgument {
  case mutator, validator

  static let help = ArgumentHelp("With --save: add it to the pipeline's mutators or validators.")
}

/// kpt's `--image-pull-policy`, whose values kpt reads in any case.
enum ImagePullPolicy: String, CaseIterable, ExpressibleByArgument {
  case always = "Always"
  case ifNotPresent = "IfNotPresent"
  case never = "Never"

  static let help = ArgumentHelp(
    "Always, IfNotPresent or Never: when to pull a container function's image (built-ins never pull)."
  )

  init?(argument: String) {
    guard
      let value = Self.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased() })
    else { return nil }
    self = value
  }
}
