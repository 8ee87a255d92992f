// stoop-fuzz: fuzzes the YAML layer and the ResourceList reader (`make fuzz`).
//
// Without libFuzzer it is a seeded mutation runner: a supervisor starts one worker process per
// core; each mutates the corpus (Mutator), checks RoundTripProperty on every input, shrinks and
// saves what breaks a property, and keeps the input it is on in a file, so that when a worker
// dies (a trap, a stack overflow) the supervisor saves that input as a crash. Built with
// `-sanitize=fuzzer -D STOOP_LIBFUZZER`, the same property runs under libFuzzer instead.
import Foundation
import KRM
import StoopFuzzing

struct Options {
  var seconds = 180.0
  var jobs = ProcessInfo.processInfo.activeProcessorCount
  var seed = UInt64(Date().timeIntervalSince1970)
  var corpus = "Tests/Fuzz/corpus"
  var regressions = "Tests/Fuzz/regressions"
  var work = ".build/fuzz"
  var worker: Int? = nil
  var check: [String] = []
  var show: String? = nil
  var shrink: String? = nil

  init(_ arguments: [String]) {
    var i = 0
    func value() -> String {
      i += 1
      return i < arguments.count ? arguments[i] : ""
    }
    while i < arguments.count {
      switch arguments[i] {
      case "--seconds": seconds = Double(value()) ?? seconds
      case "--jobs": jobs = max(1, Int(value()) ?? jobs)
      case "--seed": seed = UInt64(value()) ?? seed
      case "--corpus": corpus = value()
      case "--regressions": regressions = value()
      case "--work": work = value()
      case "--worker": worker = Int(value())
      case "--check": check.append(value())
      case "--show": show = value()
      case "--shrink": shrink = value()
      case "-h", "--help":
        print(
          """
          usage: stoop-fuzz [--seconds N] [--jobs N] [--seed N] [--corpus DIR] [--regressions DIR]
                            [--work DIR]
                 stoop-fuzz --check FILE [--check FILE ...]
                 stoop-fuzz --show FILE   (the list fn source would write without its check)
                 stoop-fuzz --shrink FILE (shrinks a finding further, in place)
          Mutates the corpus and checks that nothing traps, errors are one line, fn source then
          fn sink is byte for byte (or a refusal), and changed documents are emitted as valid YAML.
          Findings are shrunk and saved to the regressions directory; exit 1 when there are any.
          """)
        exit(0)
      default:
        FileHandle.standardError.write(Data("stoop-fuzz: unknown argument \(arguments[i])\n".utf8))
        exit(64)
      }
      i += 1
    }
  }
}

/// A fuzz input: bytes and the extension it is checked under.
struct Input {
  var bytes: [UInt8]
  var ext: String
}

func extensionOf(_ path: String) -> String {
  let ext = (path as NSString).pathExtension
  return ["json", "yml"].contains(ext) ? ext : "yaml"
}

func load(_ directory: String) -> [Input] {
  let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
  return names.sorted().compactMap { name in
    guard !name.hasPrefix("."),
      let data = FileManager.default.contents(atPath: directory + "/" + name)
    else { return nil }
    return Input(bytes: Array(data), ext: extensionOf(name))
  }
}

/// FNV-1a, for stable file names of saved inputs.
func hash(_ bytes: [UInt8]) -> String {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325
  for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
  return String(h, radix: 16)
}

func save(_ input: Input, kind: String, to directory: String) -> String {
  try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  let path = directory + "/\(kind)-\(hash(input.bytes)).\(input.ext)"
  _ = FileManager.default.createFile(atPath: path, contents: Data(input.bytes))
  return path
}

func say(_ line: String) {
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

// MARK: Worker

func runWorker(_ options: Options, index: Int) -> Int32 {
  let seeds = load(options.corpus) + load(options.regressions)
  var pool = seeds.isEmpty ? [Input(bytes: Array("a: b\n".utf8), ext: "yaml")] : seeds
  var mutator = Mutator(seed: options.seed, corpus: pool.map(\.bytes))
  let current = options.work + "/current-\(index)"
  let fd = open(current, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  defer { close(fd) }
  var lastExt = ""
  let deadline = Date().addingTimeInterval(options.seconds)
  var executions = 0
  var outcomes: [String: Int] = [:]
  var refusals: [String: Int] = [:]
  var savedRefusals = 0
  var findings = 0
  var slowest = 0.0
  while executions % 64 != 0 || Date() < deadline {
    var input = pool[mutator.int(pool.count)]
    input.bytes = mutator.mutate(input.bytes)
    if mutator.chance(8) { input.ext = ["yaml", "json", "yml"][mutator.int(3)] }
    // Keep the input on disk before checking it: if the check kills the process, the
    // supervisor finds it there.
    if input.ext != lastExt {
      _ = FileManager.default.createFile(atPath: current + ".ext", contents: Data(input.ext.utf8))
      lastExt = input.ext
    }
    _ = input.bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    _ = ftruncate(fd, off_t(input.bytes.count))

    let path = RoundTripProperty.path(forExtension: input.ext)
    let started = Date()
    let (outcome, finding) = RoundTripProperty.check(input.bytes, path: path)
    slowest = max(slowest, Date().timeIntervalSince(started))
    executions += 1
    switch outcome {
    case .parseRefused: outcomes["refused by the parser", default: 0] += 1
    case .roundTripped:
      outcomes["round-tripped", default: 0] += 1
      // Accepted inputs make good parents: let mutations pile up on them.
      if pool.count < 4000 && mutator.chance(16) { pool.append(input) }
    case .sourceRefused(let reason):
      outcomes["refused by fn source", default: 0] += 1
      // The reason without the file and line: how often each rule refused.
      let rule = reason.split(separator: ":", maxSplits: 2).last.map(String.init) ?? reason
      refusals[rule.trimmingCharacters(in: CharacterSet.whitespaces), default: 0] += 1
      if rule.contains("byte for byte"), savedRefusals < 50 {
        // Rules the general check had to stand in for: shrunk, for whoever improves them.
        savedRefusals += 1
        let small = minimize(input.bytes, attempts: 500) { candidate in
          if case .sourceRefused(let again) = RoundTripProperty.check(candidate, path: path).0 {
            return again.hasSuffix(rule)
          }
          return false
        }
        _ = save(
          Input(bytes: small, ext: input.ext), kind: "refused", to: options.work + "/refused")
      }
    }
    guard let finding else { continue }
    findings += 1
    // Past twenty, findings are counted, not shrunk and saved: the run goes on.
    guard findings <= 20 else { continue }
    let small = minimize(input.bytes) { candidate in
      RoundTripProperty.check(candidate, path: path).1?.kind == finding.kind
    }
    let shrunk = Input(bytes: small, ext: input.ext)
    let detail = RoundTripProperty.check(small, path: path).1?.description ?? finding.description
    let saved = save(shrunk, kind: finding.kind.rawValue, to: options.regressions)
    say("FINDING \(saved): \(detail)")
  }
  var report = "worker \(index): \(executions) inputs"
  for (key, count) in outcomes.sorted(by: { $0.key < $1.key }) { report += ", \(count) \(key)" }
  report += String(format: ", slowest %.0f ms, %d findings", slowest * 1000, findings)
  say(report)
  for (rule, count) in refusals.sorted(by: { $0.value > $1.value }) {
    say("  fn source refused \(count)×: \(rule)")
  }
  return findings > 0 ? 1 : 0
}

// MARK: Supervisor

func runSupervisor(_ options: Options) -> Int32 {
  try? FileManager.default.createDirectory(atPath: options.work, withIntermediateDirectories: true)
  let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
  let start = Date()
  var failed = false
  var crashes = 0
  var nextSeed = options.seed
  say(
    "stoop-fuzz: \(options.jobs) workers for \(Int(options.seconds)) s, seed \(options.seed), corpus "
      + "\(options.corpus) (\(load(options.corpus).count) inputs), regressions \(options.regressions)"
  )

  func launch(_ index: Int) -> Process? {
    let remaining = options.seconds - Date().timeIntervalSince(start)
    guard remaining > 1 else { return nil }
    let process = Process()
    process.executableURL = executable
    process.arguments = [
      "--worker", String(index), "--seconds", String(Int(remaining)), "--seed", String(nextSeed),
      "--corpus", options.corpus, "--regressions", options.regressions, "--work", options.work,
    ]
    nextSeed &+= 0x9E37_79B9
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_BACKTRACE"] = "enable=no"
    process.environment = environment
    do {
      try process.run()
    } catch {
      say("stoop-fuzz: cannot start a worker: \(error)")
      return nil
    }
    return process
  }

  var running: [Int: Process] = [:]
  for index in 0..<options.jobs { running[index] = launch(index) }
  while !running.isEmpty {
    for (index, process) in running where !process.isRunning {
      running[index] = nil
      if process.terminationReason == .uncaughtSignal {
        let current = options.work + "/current-\(index)"
        let bytes = FileManager.default.contents(atPath: current).map(Array.init) ?? []
        let ext =
          FileManager.default.contents(atPath: current + ".ext").map {
            String(decoding: $0, as: UTF8.self)
          } ?? "yaml"
        let saved = save(Input(bytes: bytes, ext: ext), kind: "crash", to: options.regressions)
        say("FINDING \(saved): the worker died of signal \(process.terminationStatus)")
        crashes += 1
        failed = true
        if crashes < 20 { running[index] = launch(index) }
      } else if process.terminationStatus != 0 {
        failed = true
      }
    }
    Thread.sleep(forTimeInterval: 0.2)
  }
  say(failed ? "stoop-fuzz: findings saved in \(options.regressions)" : "stoop-fuzz: no findings")
  return failed ? 1 : 0
}

// MARK: Replay

func runCheck(_ paths: [String]) -> Int32 {
  var failed = false
  for path in paths {
    var isDirectory: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    var files = [path]
    if isDirectory.boolValue {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
      files = names.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
    }
    for file in files {
      guard let data = FileManager.default.contents(atPath: file) else { continue }
      let (outcome, finding) = RoundTripProperty.check(
        Array(data), path: RoundTripProperty.path(forExtension: extensionOf(file)))
      if let finding {
        failed = true
        say("\(file): \(finding)")
      } else {
        say("\(file): ok (\(outcome))")
      }
    }
  }
  return failed ? 1 : 0
}

// MARK: libFuzzer

#if STOOP_LIBFUZZER
  @_silgen_name("LLVMFuzzerRunDriver")
  func libFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
  ) -> Int32

  func runLibFuzzer() -> Int32 {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    return libFuzzerRunDriver(&argc, &argv) { data, size in
      let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
      let ext = bytes.first == UInt8(ascii: "{") ? "json" : "yaml"
      if let finding = RoundTripProperty.check(
        bytes, path: RoundTripProperty.path(forExtension: ext)
      ).1 {
        FileHandle.standardError.write(Data("\(finding)\n".utf8))
        abort()
      }
      return 0
    }
  }
  exit(runLibFuzzer())
#else
  let options = Options(Array(CommandLine.arguments.dropFirst()))
  if let shrink = options.shrink {
    let bytes = FileManager.default.contents(atPath: shrink).map(Array.init) ?? []
    let path = RoundTripProperty.path(forExtension: extensionOf(shrink))
    guard let kind = RoundTripProperty.check(bytes, path: path).1?.kind else {
      say("\(shrink): no finding")
      exit(0)
    }
    let small = minimize(bytes, attempts: 20_000) {
      RoundTripProperty.check($0, path: path).1?.kind == kind
    }
    _ = FileManager.default.createFile(atPath: shrink, contents: Data(small))
    say("\(shrink): \(bytes.count) → \(small.count) bytes")
    exit(0)
  } else if let show = options.show {
    let bytes = FileManager.default.contents(atPath: show).map(Array.init) ?? []
    let path = RoundTripProperty.path(forExtension: extensionOf(show))
    say(RoundTripProperty.unverifiedRoundTrip(bytes, path: path))
    exit(0)
  } else if !options.check.isEmpty {
    exit(runCheck(options.check))
  } else if let index = options.worker {
    exit(runWorker(options, index: index))
  } else {
    exit(runSupervisor(options))
  }
#endif
