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
  case usage = 64
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
      case .notRegistered, .packageRevisionNotFound, .notFound, .noGuardrails: return .notFound
      case .locked, .conflict: return .conflict
      case .validationFailed: return .validation
      case .usage: return .usage
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
    case let error as FunctionError:
      return StoopExitCode(rawValue: error.exitCode) ?? .failure
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
    case let error as FunctionError: return error.description
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
    // Written as it is: a `Data` of it would be one more copy of a list of megabytes.
    bytes.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      var offset = 0
      while offset < raw.count {
        let count = write(STDOUT_FILENO, base + offset, raw.count - offset)
        if count > 0 {
          offset += count
        } else if count < 0 && errno == EINTR {
          continue
        } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
          ReadAll.wait(for: STDOUT_FILENO, Int16(POLLOUT))
        } else {
          fail("cannot write the output to standard output")
        }
      }
    }
  }

  /// Ends the command as a failure (exit 1), naming what failed and the system's reason: a
  /// stream cut short must not pass for a whole one.
  private static func fail(_ what: String) -> Never {
    let reason = String(cString: strerror(errno))
    standardError("Error: \(what): \(reason)\n")
    Foundation.exit(1)
  }

  /// Errors, warnings and progress, with the password of any URL in them replaced by `***`.
  static func standardError(_ text: String) {
    FileHandle.standardError.write(Data(RemoteURL.redacted(text).utf8))
  }

  /// Everything on stdin. When stdin is a terminal, a line on stderr first says what the
  /// command waits for (`what`) and how to end it, so a forgotten pipe does not look like a hang.
  static func readStandardInput(waitingFor what: String) -> [UInt8] {
    if isatty(STDIN_FILENO) == 1 {
      standardError("Reading \(what) from standard input; end it with Ctrl-D (Ctrl-C cancels).\n")
    }
    // (A read error ends the command: a list cut short must not be taken for a whole one.)
    guard let bytes = ReadAll.bytes(from: STDIN_FILENO) else { fail("cannot read standard input") }
    return bytes
  }

  /// A secret from stdin: on a terminal, one line typed after `prompt` and not echoed; from a
  /// pipe, everything, without its final line break.
  static func readSecret(prompt: String) -> String {
    guard isatty(STDIN_FILENO) == 1 else {
      return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        .trimmingCharacters(in: .newlines)
    }
    standardError(prompt)
    var saved = termios()
    let hidden = tcgetattr(STDIN_FILENO, &saved) == 0
    if hidden {
      var quiet = saved
      quiet.c_lflag &= ~tcflag_t(ECHO)
      tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
    }
    defer {
      if hidden { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
      standardError("\n")
    }
    return readLine(strippingNewline: true) ?? ""
  }
}
