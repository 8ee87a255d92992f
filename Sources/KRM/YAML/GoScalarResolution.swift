/// How Go's YAML libraries (gopkg.in/yaml.v2 and v3, which kyaml, kpt and kubectl use) read a plain
/// scalar that starts with a digit, a sign or a dot: as an integer, a float, a timestamp, or a
/// string. A string that would read as anything else is quoted when written, so these rules decide
/// the quotes in every file stoop writes; guessing them loosely quotes values kpt leaves plain (a
/// commit hash starting `0b`) or leaves plain values kpt quotes (`2024-01-02`).
enum GoScalarResolution {
  enum Kind: Equatable {
    case string
    /// An integer, in base 10 (hexadecimal, octal and binary forms converted).
    case integer(String)
    case float(Double)
    case timestamp
    /// A sexagesimal number: YAML 1.1 only; Go reads it as a string but quotes it when writing.
    case base60
  }

  static func kind(_ text: String) -> Kind {
    var text = text
    return text.withUTF8 { kind($0) }
  }

  static func kind(_ s: UnsafeBufferPointer<UInt8>) -> Kind {
    guard let first = s.first else { return .string }
    if first == UInt8(ascii: ".") {
      // yaml's '.' hint: Go's ParseFloat on the text as it is.
      if let value = decimalFloat(Array(s)) { return .float(value) }
      return .string
    }
    guard isDigit(first) || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") else {
      return .string
    }
    if isTimestamp(s) { return .timestamp }
    let plain = s.filter { $0 != UInt8(ascii: "_") }
    if let integer = goInteger(plain) { return .integer(integer) }
    if let value = decimalFloat(plain) { return .float(value) }
    if isBase60(s) { return .base60 }
    return .string
  }

  /// Whether a plain scalar of this text reads as anything but a string (or must be quoted for
  /// YAML 1.1 readers).
  static func isNonString(_ s: UnsafeBufferPointer<UInt8>) -> Bool { kind(s) != .string }

  /// The JSON number Go's encoder writes for a plain scalar that Go's YAML reads as a number
  /// (`0x1F` is 31, `1.50` is 1.5), or nil for anything else.
  static func jsonNumber(_ text: String) -> String? {
    switch kind(text) {
    case .integer(let decimal): return decimal
    case .float(let value): return goJSON(value)
    case .string, .timestamp, .base60: return nil
    }
  }

  /// A float64 as encoding/json writes it: the shortest digits that read back, in plain decimal
  /// unless the magnitude is below 1e-6 or from 1e21.
  static func goJSON(_ value: Double) -> String {
    if value == 0 { return value.sign == .minus ? "-0" : "0" }
    let sign = value < 0 ? "-" : ""
    // Swift's description gives the same shortest round-trip digits as strconv's -1 precision.
    let text = "\(value.magnitude)"
    var mantissa = Substring(text)
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = text[..<e]
      exponent = Int(text[text.index(after: e)...]) ?? 0
    }
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    let integerPart = parts.first ?? ""
    let fractionPart = parts.count > 1 ? parts[1] : ""
    var digits = Array(integerPart + fractionPart)
    var point = integerPart.count + exponent
    while digits.first == "0" {
      digits.removeFirst()
      point -= 1
    }
    while digits.last == "0" { digits.removeLast() }
    guard !digits.isEmpty else { return "0" }
    if value.magnitude < 1e-6 || value.magnitude >= 1e21 {
      let power = point - 1
      var out = sign + String(digits[0])
      if digits.count > 1 { out += "." + String(digits[1...]) }
      let magnitude = String(abs(power))
      out += power < 0 ? "e-" + magnitude : "e+" + (magnitude.count < 2 ? "0" : "") + magnitude
      return out
    }
    if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + String(digits) }
    if point >= digits.count {
      return sign + String(digits) + String(repeating: "0", count: point - digits.count)
    }
    return sign + String(digits[..<point]) + "." + String(digits[point...])
  }

  // MARK: Integers: strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64)

  private static func goInteger(_ s: [UInt8]) -> String? {
    var digits = s[...]
    var negative = false
    if let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
      negative = sign == UInt8(ascii: "-")
      digits = digits.dropFirst()
    }
    guard !digits.isEmpty else { return nil }
    var base: UInt64 = 10
    if digits.first == UInt8(ascii: "0") {
      let letter = digits.count >= 3 ? digits[digits.startIndex + 1] | 0x20 : 0
      switch letter {
      case UInt8(ascii: "b"): base = 2
      case UInt8(ascii: "o"): base = 8
      case UInt8(ascii: "x"): base = 16
      default: base = 8
      }
      digits = digits.dropFirst(base == 8 && letter != UInt8(ascii: "o") ? 1 : 2)
    }
    var magnitude: UInt64 = 0
    for byte in digits {
      let digit: UInt64
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = UInt64(byte - UInt8(ascii: "a")) + 10
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = UInt64(byte - UInt8(ascii: "A")) + 10
      default: return nil
      }
      guard digit < base else { return nil }
      let (times, overflow) = magnitude.multipliedReportingOverflow(by: base)
      let (sum, carry) = times.addingReportingOverflow(digit)
      guard !overflow, !carry else { return nil }
      magnitude = sum
    }
    let signed = s.first == UInt8(ascii: "+") || negative
    // ParseInt takes a sign and int64's range; ParseUint no sign and uint64's.
    if signed {
      guard magnitude <= (negative ? UInt64(1) << 63 : UInt64(Int64.max)) else { return nil }
    }
    return (negative && magnitude != 0 ? "-" : "") + String(magnitude)
  }

  // MARK: Floats: yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, finite

  private static func decimalFloat(_ s: [UInt8]) -> Double? {
    var i = 0
    if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
    let integerStart = i
    while i < s.count, isDigit(s[i]) { i += 1 }
    let integerDigits = i - integerStart
    if i < s.count, s[i] == UInt8(ascii: ".") {
      i += 1
      let fractionStart = i
      while i < s.count, isDigit(s[i]) { i += 1 }
      if integerDigits == 0 && i == fractionStart { return nil }
    } else if integerDigits == 0 {
      return nil
    }
    if i < s.count, s[i] | 0x20 == UInt8(ascii: "e") {
      i += 1
      if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
      let exponentStart = i
      while i < s.count, isDigit(s[i]) { i += 1 }
      if i == exponentStart { return nil }
    }
    guard i == s.count, let value = Double(String(decoding: s, as: UTF8.self)) else { return nil }
    // ParseFloat fails past float64's range (Go then reads a string); it rounds below it to 0.
    return value.isFinite ? value : nil
  }

  // MARK: Sexagesimal: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`

  private static func isBase60(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
    guard i < s.count, isDigit(s[i]) else { return false }
    while i < s.count, isDigit(s[i]) || s[i] == UInt8(ascii: "_") { i += 1 }
    var groups = 0
    while i < s.count, s[i] == UInt8(ascii: ":") {
      i += 1
      guard i < s.count, isDigit(s[i]) else { return false }
      if i + 1 < s.count, isDigit(s[i + 1]) {
        guard s[i] <= UInt8(ascii: "5") else { return false }
        i += 2
      } else {
        i += 1
      }
      groups += 1
    }
    guard groups > 0 else { return false }
    if i < s.count, s[i] == UInt8(ascii: ".") {
      i += 1
      while i < s.count, isDigit(s[i]) || s[i] == UInt8(ascii: "_") { i += 1 }
    }
    return i == s.count
  }

  // MARK: Timestamps: time.Parse with yaml's four layouts

  /// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), `2006-1-2 15:4:5.999999999` or
  /// `2006-1-2`, with Go's range checks (a 30 February is a string).
  private static func isTimestamp(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
    guard s.count >= 8, (0..<4).allSatisfy({ isDigit(s[$0]) }), s[4] == UInt8(ascii: "-") else {
      return false
    }
    var i = 5
    func number() -> Int? {
      guard i < s.count, isDigit(s[i]) else { return nil }
      var value = Int(s[i] - UInt8(ascii: "0"))
      i += 1
      if i < s.count, isDigit(s[i]) {
        value = value * 10 + Int(s[i] - UInt8(ascii: "0"))
        i += 1
      }
      return value
    }
    func take(_ byte: UInt8) -> Bool {
      guard i < s.count, s[i] == byte else { return false }
      i += 1
      return true
    }
    let year = (0..<4).reduce(0) { $0 * 10 + Int(s[$1] - UInt8(ascii: "0")) }
    guard let month = number(), (1...12).contains(month), take(UInt8(ascii: "-")),
      let day = number(), day >= 1, day <= daysIn(month: month, year: year)
    else { return false }
    if i == s.count { return true }
    let separator = s[i]
    guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == 0x20
    else { return false }
    i += 1
    guard let hour = number(), hour < 24, take(UInt8(ascii: ":")), let minute = number(),
      minute < 60, take(UInt8(ascii: ":")), let second = number(), second < 60
    else { return false }
    if i + 1 < s.count, s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: ","), isDigit(s[i + 1]) {
      // (Any number of digits, as time.Parse takes.)
      i += 1
      while i < s.count, isDigit(s[i]) { i += 1 }
    }
    if separator == 0x20 { return i == s.count }
    if take(UInt8(ascii: "Z")) { return i == s.count }
    // ±hh:mm
    guard s.count - i == 6, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"),
      isDigit(s[i + 1]), isDigit(s[i + 2]), s[i + 3] == UInt8(ascii: ":"), isDigit(s[i + 4]),
      isDigit(s[i + 5])
    else { return false }
    let zoneHour = Int(s[i + 1] - UInt8(ascii: "0")) * 10 + Int(s[i + 2] - UInt8(ascii: "0"))
    let zoneMinute = Int(s[i + 4] - UInt8(ascii: "0")) * 10 + Int(s[i + 5] - UInt8(ascii: "0"))
    return zoneHour <= 24 && zoneMinute <= 60
  }

  private static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }
}
