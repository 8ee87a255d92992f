import ArgumentParser
import CaD
import Foundation
import Orchestration

/// Shell completion of the names that exist now: package revisions and registered repositories,
/// read from the config directory and the local clones without fetching (fast, and offline),
/// and the built-in functions. Whatever cannot be read offers nothing.
enum LiveCompletion {
  /// Package revision names of the namespace the command line names (`-n`), limited to the
  /// lifecycles a command accepts.
  /// lifecycles a command accepts; `placeholders: false` leaves out the packages as they stand
  /// on the registered branch, which no draft can start from.
  static func packageRevisions(_ lifecycles: Set<Lifecycle>? = nil, placeholders: Bool = true)
    -> CompletionKind
  {
    .custom { words, _, _ in
      let revisions =
        (try? Registry().packageRevisions(namespace: namespace(in: words), offline: true)) ?? []
      return
        revisions
        .filter { revision in
          (lifecycles.map { $0.contains(revision.lifecycle) } ?? true)
            && (placeholders || !revision.isPlaceholder)
        }
        .map(\.name)
    }
  }

  /// Package paths (`rpkg get --name`).
  static let packages = CompletionKind.custom { words, _, _ in
    let revisions =
      (try? Registry().packageRevisions(namespace: namespace(in: words), offline: true)) ?? []
    return Array(Set(revisions.map(\.path))).sorted()
  }

  /// Registered repositories of the namespace the command line names.
  static let repositories = CompletionKind.custom { words, _, _ in
    ((try? Registry().list(namespace: namespace(in: words))) ?? []).map(\.name)
  }

  /// Built-in function names, and each with the tags stoop implements (`set-labels:v0.2`).
  static let functions = CompletionKind.custom { _, _, _ in
    BuiltinFunction.all.flatMap { function in
      [function.name] + function.suggestedTags.map { function.name + ":" + $0 }
    }
  }

  /// `fn render -o` and `fn eval -o`: stdout, unwrap, or a directory to create.
  static let pipelineOutputs = CompletionKind.custom { _, _, prefix in
    ["stdout", "unwrap"] + directories(startingWith: prefix)
  }

  /// The namespace of `-n NS`, `-nNS`, `--namespace NS` or `--namespace=NS`; nil with `-A`.
  static func namespace(in words: [String]) -> String? {
    var namespace = "default"
    var index = 0
    while index < words.count {
      let word = words[index]
      if word == "-A" || word == "--all-namespaces" { return nil }
      if (word == "-n" || word == "--namespace") && index + 1 < words.count {
        namespace = words[index + 1]
        index += 1
      } else if word.hasPrefix("--namespace=") {
        namespace = String(word.dropFirst("--namespace=".count))
      } else if word.hasPrefix("-n") && word.count > 2 {
        namespace = String(word.dropFirst(2))
      }
      index += 1
    }
    return namespace
  }

  static func directories(startingWith prefix: String) -> [String] {
    let slash = prefix.lastIndex(of: "/")
    let parent = slash.map { String(prefix[...$0]) } ?? ""
    let entries =
      (try? FileManager.default.contentsOfDirectory(atPath: parent.isEmpty ? "." : parent)) ?? []
    return entries.sorted().compactMap { entry in
      var isDirectory: ObjCBool = false
      let path = parent + entry
      guard !entry.hasPrefix("."),
        FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
        isDirectory.boolValue
      else { return nil }
      return path + "/"
    }
  }
}
