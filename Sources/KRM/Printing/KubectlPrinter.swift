/// Prints an `ObjectListing` the way `kubectl get` does for each `-o` format and printer flag.
public enum KubectlPrinter {
  public static func render(
    _ listing: ObjectListing, as format: OutputFormat, options: PrintOptions
  )
    throws(PrintError) -> String
  {
    var listing = listing
    if let sortBy = options.sortBy, !sortBy.isEmpty {
      listing.items = try sorted(listing.items, by: sortBy)
    }
    switch format {
    case .table, .wide:
      return table(listing, options: options)
    case .name:
      return listing.items.map { "\(listing.resource)/\($0.name)\n" }.joined()
    case .yaml:
      return String(
        decoding: YAMLDocument(root: yamlObject(listing)).text(sequenceIndent: .compact),
        as: UTF8.self)
    case .json:
      return jsonObject(listing).encoded(indent: 4) + "\n"
    case .jsonpath(let template):
      var path = try JSONPath(template)
      path.allowMissingKeys = options.allowMissingTemplateKeys
      return try path.render(jsonObject(listing))
    case .jsonpathAsJSON(let template):
      var path = try JSONPath(template)
      path.allowMissingKeys = options.allowMissingTemplateKeys
      return try path.results(in: jsonObject(listing)).map {
        JSONValue.array($0).encoded(indent: 4) + "\n"
      }.joined()
    case .goTemplate(let text):
      var template = try GoTemplate(text)
      template.allowMissingKeys = options.allowMissingTemplateKeys
      return try template.render(jsonObject(listing))
    case .customColumns(let spec):
      return try customColumns(listing, spec: spec, noHeaders: options.noHeaders)
    case .file:
      throw .template("internal: a file format must be loaded before printing")
    }
  }

  /// What `render` returns, handed to `output` in pieces of about `chunk` bytes: a List's items
  /// in `-o yaml` and `-o json` are written one at a time, so a long listing is never held as
  /// one tree or one string.
  public static func write(
    _ listing: ObjectListing, as format: OutputFormat, options: PrintOptions,
    chunk: Int = 1 << 16, to output: ([UInt8]) -> Void
  ) throws(PrintError) {
    var listing = listing
    var options = options
    if let sortBy = options.sortBy, !sortBy.isEmpty {
      listing.items = try sorted(listing.items, by: sortBy)
      options.sortBy = nil
    }
    guard format == .yaml || format == .json, !listing.items.isEmpty,
      !(listing.singleItem && listing.items.count == 1)
    else {
      return output(Array(try render(listing, as: format, options: options).utf8))
    }
    var out: [UInt8] = []
    out.reserveCapacity(chunk + chunk / 2)
    func flush(at least: Int) {
      guard out.count >= least else { return }
      output(out)
      out.removeAll(keepingCapacity: true)
    }
    if format == .yaml {
      out += "apiVersion: v1\nitems:\n".utf8
      for item in listing.items {
        item.writeYAMLItem(into: &out)
        flush(at: chunk)
      }
      out += "kind: List\nmetadata:\n  resourceVersion: \"\"\n".utf8
    } else {
      out += "{\n    \"apiVersion\": \"v1\",\n    \"items\": [".utf8
      for (i, item) in listing.items.enumerated() {
        out += (i == 0 ? "\n        " : ",\n        ").utf8
        item.writeJSON(level: 2, into: &out)
        flush(at: chunk)
      }
      out += "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n".utf8
      out += "        \"resourceVersion\": \"\"\n    }\n}\n".utf8
    }
    flush(at: 1)
  }

  /// The object itself when one name was asked for, else a `List` (as `kubectl get`).
  static func jsonObject(_ listing: ObjectListing) -> JSONValue {
    if listing.singleItem, listing.items.count == 1 { return listing.items[0].value }
    return .object([
      "apiVersion": .string("v1"), "kind": .string("List"),
      "items": .array(listing.items.map(\.value)),
      "metadata": .object(["resourceVersion": .string("")]),
    ])
  }

  static func yamlObject(_ listing: ObjectListing) -> YAMLNode {
    if listing.singleItem, listing.items.count == 1 { return listing.items[0].node }
    return .mapping([
      YAMLEntry(key: .scalar("apiVersion"), value: .scalar("v1")),
      YAMLEntry(key: .scalar("items"), value: .sequence(listing.items.map(\.node))),
      YAMLEntry(key: .scalar("kind"), value: .scalar("List")),
      YAMLEntry(
        key: .scalar("metadata"),
        value: .mapping([
          YAMLEntry(key: .scalar("resourceVersion"), value: .scalar("", style: .doubleQuoted))
        ])),
    ])
  }

  // MARK: Tables

  static func table(_ listing: ObjectListing, options: PrintOptions) -> String {
    guard !listing.items.isEmpty else { return "" }
    var header = listing.columns
    header += options.labelColumns.map { key in
      String(key.split(separator: "/", omittingEmptySubsequences: false).last ?? "").uppercased()
    }
    if options.showLabels { header.append("LABELS") }
    if options.withNamespace { header.insert("NAMESPACE", at: 0) }
    var rows = options.noHeaders ? [] : [header]
    for item in listing.items {
      var row = item.cells
      if options.showKind, !row.isEmpty { row[0] = listing.resource + "/" + row[0] }
      let labels = item.labels
      row += options.labelColumns.map { labels[$0] ?? "" }
      if options.showLabels {
        row.append(
          labels.isEmpty
            ? "<none>"
            : labels.keys.sorted().map { "\($0)=\(labels[$0] ?? "")" }.joined(separator: ","))
      }
      if options.withNamespace { row.insert(item.namespace, at: 0) }
      rows.append(row)
    }
    return align(rows)
  }

  /// Columns as kubectl's tab writer pads them: each at least 6 wide and 3 spaces past its
  /// widest cell; no blanks at the end of a line.
  public static func align(_ rows: [[String]]) -> String {
    guard let first = rows.first else { return "" }
    var widths = [Int](repeating: 0, count: first.count)
    var total = 0
    for row in rows {
      for (i, cell) in row.enumerated() where i < widths.count {
        widths[i] = max(widths[i], width(cell))
      }
    }
    for width in widths { total += max(width + 3, 6) }
    var out: [UInt8] = []
    out.reserveCapacity(rows.count * (total + 1))
    for row in rows {
      let start = out.count
      for (i, cell) in row.enumerated() {
        out += cell.utf8
        if i < row.count - 1, i < widths.count {
          out.append(contentsOf: repeatElement(0x20, count: max(widths[i] + 3, 6) - width(cell)))
        }
      }
      while out.count > start, out.last == 0x20 { out.removeLast() }
      out.append(0x0A)
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// A cell's width in Unicode scalars, as kubectl's tab writer counts it.
  private static func width(_ cell: String) -> Int {
    var cell = cell
    return cell.withUTF8 { bytes in
      // Every scalar has one byte that is not a continuation byte (10xxxxxx).
      var count = 0
      for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
      return count
    }
  }

  static func customColumns(_ listing: ObjectListing, spec: String, noHeaders: Bool)
    throws(PrintError) -> String
  {
    var headers: [String] = []
    var paths: [JSONPath] = []
    for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
      guard let colon = part.firstIndex(of: ":") else {
        throw .template(
          "unexpected custom-columns spec: \(part), expected <header>:<json-path-expr>")
      }
      headers.append(String(part[..<colon]))
      paths.append(try JSONPath(relaxed: String(part[part.index(after: colon)...])))
    }
    guard !listing.items.isEmpty else { return "" }
    var rows = noHeaders ? [] : [headers]
    for item in listing.items {
      var row: [String] = []
      for path in paths {
        let results = try path.results(in: item.value)
        let values = results.flatMap { $0 }
        row.append(
          results.first?.isEmpty ?? true
            ? "<none>" : values.map { $0.goFormatted() }.joined(separator: ","))
      }
      rows.append(row)
    }
    return align(rows)
  }

  // MARK: Sorting

  /// `--sort-by`: by the value at a JSONPath, numbers by value and strings in natural order;
  /// objects without the field first.
  public static func sorted(_ items: [PrintableObject], by expression: String) throws(PrintError)
    -> [PrintableObject]
  {
    let path = try JSONPath(relaxed: expression)
    var keyed: [(item: PrintableObject, key: JSONValue?)] = []
    for item in items {
      keyed.append((item, try path.results(in: item.value).first?.first))
    }
    guard items.isEmpty || keyed.contains(where: { $0.key != nil }) else {
      throw .template(
        "couldn't find any field with path \(GoJSON.quote(path.template)) in the list of objects")
    }
    let order = keyed.indices.sorted { a, b in
      switch (keyed[a].key, keyed[b].key) {
      case (nil, nil): return a < b
      case (nil, _): return true
      case (_, nil): return false
      case (let x?, let y?):
        if isLess(x, y) { return true }
        if isLess(y, x) { return false }
        return a < b
      }
    }
    return order.map { keyed[$0].item }
  }

  static func isLess(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.number(let x), .number(let y)): return (Double(x) ?? 0) < (Double(y) ?? 0)
    case (.string(let x), .string(let y)): return naturalLess(x, y)
    case (.bool(let x), .bool(let y)): return !x && y
    default: return naturalLess(JSONPath.text(of: a), JSONPath.text(of: b))
    }
  }

  /// Natural order, as kubectl sorts strings: runs of digits compare by their value (`a2 < a10`).
  static func naturalLess(_ a: String, _ b: String) -> Bool {
    var x = Substring(a)
    var y = Substring(b)
    while let c = x.first, let d = y.first {
      if c.isASCII && c.isNumber && d.isASCII && d.isNumber {
        let left = x.prefix(while: { $0.isASCII && $0.isNumber })
        let right = y.prefix(while: { $0.isASCII && $0.isNumber })
        let l = left.drop(while: { $0 == "0" })
        let r = right.drop(while: { $0 == "0" })
        if l.count != r.count { return l.count < r.count }
        if l != r { return l < r }
        if left.count != right.count { return left.count < right.count }
        x = x.dropFirst(left.count)
        y = y.dropFirst(right.count)
        continue
      }
      if c != d { return c < d }
      x = x.dropFirst()
      y = y.dropFirst()
    }
    return x.isEmpty && !y.isEmpty
  }
}
