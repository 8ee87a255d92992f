import ArgumentParser
import CaD
import Foundation
import Git
import KRM
import Orchestration

/// Exit codes stoop promises to scripts (ARCHITECTURE.md, "Errors and output").
public enum StoopExitCode: Int32 {
  case failure = 1
  case conflict = 3
  case notFound = 4
  case validation = 5
}

/// Turns every error a command throws into one `Error: ...` line on stderr and an exit code.
enum ErrorReporter {
  static func exitCode(for error: Error) -> StoopExitCode {
    switch error {
    case let error as PackageError:
      switch error {
      case .missingDirectory, .unreadable: return .notFound
      default: return .failure
      }
    case let error as OrchestrationError:
      switch error {
      case .notRegistered, .packageRevisionNotFound, .noGuardrails: return .notFound
      case .locked, .conflict: return .conflict
      case .validationFailed: return .validation
      case .git(let git, _):
        return exitCode(for: git)
      default: return .failure
      }
    case let error as GitError:
      switch error.kind {
      case .rejected, .locked: return .conflict
      case .notFound: return .notFound
      default: return .failure
      }
    case let error as MultipleFailures:
      return exitCode(for: error.first)
    default:
      return .failure
    }
  }

  static func message(for error: Error) -> String {
    switch error {
    case let error as PackageError: return error.description
    case let error as KRMError: return error.description
    case let error as PrintError: return error.description
    case let error as OrchestrationError: return error.description
    case let error as GitError: return error.description
    case let error as MultipleFailures: return error.description
    default: return error.localizedDescription
    }
  }

  /// Runs a command body; errors are reported and become `ExitCode`.
  static func run(_ body: () throws -> Void) throws {
    do {
      try body()
    } catch let error as ExitCode {
      throw error
    } catch let error as ValidationError {
      throw error
    } catch let error as MultipleFailures {
      Terminal.standardError("Error: \(error.description)\n")
      throw ExitCode(exitCode(for: error).rawValue)
    } catch {
      let line = message(for: error).split(separator: "\n").joined(separator: " ")
      Terminal.standardError("Error: \(line)\n")
      throw ExitCode(exitCode(for: error).rawValue)
    }
  }
}

/// stdout carries data only; everything for people goes to stderr.
enum Terminal {
  static func standardOutput(_ bytes: [UInt8]) {
    FileHandle.standardOutput.write(Data(bytes))
  }

  /// Errors, warnings and progress, with the password of any URL in them replaced by `***`.
  static func standardError(_ text: String) {
    FileHandle.standardError.write(Data(RemoteURL.redacted(text).utf8))
  }

  static func readStandardInput() -> [UInt8] {
    Array(FileHandle.standardInput.readDataToEndOfFile())
  }
}
