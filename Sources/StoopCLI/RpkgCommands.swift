import ArgumentParser
import CaD
import Foundation
import Git
import KRM
import Orchestration

/// `stoop rpkg`: package revisions, as porchctl's `rpkg` group.
struct Rpkg: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rpkg",
    abstract: "Work with package revisions stored in registered repositories.",
    subcommands: [
      RpkgGet.self, RpkgPull.self, RpkgPush.self, RpkgInit.self, RpkgClone.self, RpkgCopy.self,
      RpkgUpgrade.self, RpkgPropose.self,
      RpkgApprove.self, RpkgReject.self,
      RpkgProposeDelete.self,
      RpkgDelete.self,
    ],
    aliases: ["rpackage"]
  )
}
