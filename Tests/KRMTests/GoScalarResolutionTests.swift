import Testing

@testable import KRM

/// Each value as kpt 1.0.0-beta.56 writes it in a Kptfile (`kpt fn eval --save -- key=VALUE`,
/// which marshals the strings with go-yaml): quoted exactly where Go's YAML would read the plain
/// text as something other than a string.
private let kptQuoting: [(value: String, quoted: Bool)] = [
  ("0b949d968e586336399429f8f26ac2be91e8e75f", false),  // a commit hash: not binary
  ("018", true),  // not octal, but a float by yaml's pattern
  ("0b101", true),
  ("1e999", false),  // past float64: Go reads a string
  ("1234567890123456789012345678901234567890", true),  // past uint64: a float
  ("2001-12-14", true),
  ("2001-02-30", false),  // no such day
  ("2001-12-14T21:59:43.10-05:00", true),
  ("2001-12-14t21:59:43Z", true),
  ("2001-12-14 21:59:43.10", true),
  ("2001-12-14T21:59:43", false),  // a T needs a zone
  ("1:20", true),  // sexagesimal, for YAML 1.1 readers
  ("1:60", false),
  ("1.", true),
  (".5", true),
  ("0o17", true),
  ("0x", false),
  ("1_000", true),
  ("2001-1-2", true),
  ("2001-12-14T21:59:43.1234567891234Z", true),
  ("+.Inf", true),
  ("yes", true),
  ("0x_1F", true),
  ("3fa8c2e1d", false),
  ("12e4", true),
  ("12e4a", false),
]

@Test func plainScalarsAreQuotedWhereKptQuotesThem() {
  for (value, quoted) in kptQuoting {
    let written = ScalarFormatter.format(value, style: .plain, indent: 0)
    #expect(written == (quoted ? "\"\(value)\"" : value), "\(value)")
    #expect(ScalarFormatter.plainText(value) == written, "\(value)")
  }
}

@Test func goReadsIntegersInEveryBaseAndFloatsInRange() {
  let cases: [(String, GoScalarResolution.Kind)] = [
    ("0x1F", .integer("31")), ("+0x1F", .integer("31")), ("017", .integer("15")),
    ("0o17", .integer("15")), ("-0b101", .integer("-5")), ("1_000", .integer("1000")),
    ("-0", .integer("0")), ("18446744073709551615", .integer("18446744073709551615")),
    ("-9223372036854775808", .integer("-9223372036854775808")),
    ("-9223372036854775809", .float(-9.223_372_036_854_775_808e18)), ("018", .float(18)),
    ("1e-400", .float(0)), ("1e400", .string), ("0b102", .string), ("_1", .string),
    ("2001-12-14", .timestamp), ("1:20:30.5", .base60), ("1:2:", .string), ("-", .string),
  ]
  for (text, kind) in cases {
    #expect(GoScalarResolution.kind(text) == kind, "\(text)")
  }
}

@Test func jsonNumbersAreWhatGosEncoderWrites() {
  let cases: [(String, String?)] = [
    ("0x1F", "31"), ("1.50", "1.5"), ("1e3", "1000"), ("1.0", "1"), ("-0.0", "-0"),
    ("1e21", "1e+21"), ("1.5e-7", "1.5e-7"), ("0.000001", "0.000001"), ("1e-10", "1e-10"),
    ("123456789012345678901", "123456789012345680000"), ("2.5e300", "2.5e+300"),
    ("2001-12-14", nil), ("1:20", nil), ("0b949d", nil), ("12", "12"),
  ]
  for (text, json) in cases {
    #expect(GoScalarResolution.jsonNumber(text) == json, "\(text)")
  }
}
