import Foundation
import StoopFuzzing
import Testing

/// `Tests/Fuzz`: the fuzz corpus and every input fuzzing found (`make fuzz`).
let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("Fuzz").path

func inputs(_ folder: String) -> [String] {
  let directory = fuzzDirectory + "/" + folder
  let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
  return names.filter { !$0.hasPrefix(".") }.sorted().map { folder + "/" + $0 }
}

/// Every crash, loss and invalid emit fuzzing found stays fixed.
@Test(arguments: inputs("regressions") + inputs("corpus"))
func fuzzInputKeepsEveryProperty(_ name: String) throws {
  let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: fuzzDirectory + "/" + name)))
  let ext = (name as NSString).pathExtension
  let (_, finding) = RoundTripProperty.check(bytes, path: RoundTripProperty.path(forExtension: ext))
  #expect(finding == nil, "\(name): \(finding?.description ?? "")")
}

@Test func theCorpusIsThere() {
  #expect(inputs("corpus").count > 20)
}
