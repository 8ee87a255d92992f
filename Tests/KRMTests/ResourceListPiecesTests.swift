import Testing

@testable import KRM

/// A package of `count` files, each holding a compact and a wide document, written as `fn
/// source` writes it.
private func sourcedList(files count: Int) throws -> (list: [UInt8], files: [String: [UInt8]]) {
  var files: [ResourceList.SourceFile] = []
  var texts: [String: [UInt8]] = [:]
  for i in 0..<count {
    let text = """
      # file \(i)
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: app-\(i)
        annotations:
          example.com/note: "\(i)"
      spec:
        template:
          spec:
            containers:
            - name: main
              args: ["--port", "80"]
              env:
              - name: A
                value: "quoted
                  over lines"
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: svc-\(i)}
      spec:
        ports:
          - port: 80 # public
            protocol: TCP
          - port: 443
        selector:
          app: app-\(i)

      """
    let path = "group-\(i % 7)/file-\(i).yaml"
    texts[path] = Array(text.utf8)
    files.append(try ResourceList.sourceFile(path: path, bytes: Array(text.utf8), name: path))
  }
  return (try ResourceList.writeLossless(files), texts)
}

/// The general reader's files for a list: one tree of the whole list.
private func readWhole(_ list: [UInt8]) throws -> [String: [UInt8]] {
  var files: [String: [UInt8]] = [:]
  for file in try ResourceList.files(from: ResourceList.read(list, name: "list")) {
    files[file.path] = file.bytes
  }
  return files
}

/// A list of several hundred kilobytes is read in pieces side by side, and gives back every
/// file byte for byte, as the general reader does.
@Test func aLargeListReadInPiecesGivesBackEveryFile() throws {
  let (list, texts) = try sourcedList(files: 400)
  #expect(list.count > 4 << 16)
  let starts = try #require(ResourceList.itemStarts(list))
  #expect(starts.count == 800)
  var files: [String: [UInt8]] = [:]
  for file in try #require(ResourceList.filesFromOutline(list, name: "list")) {
    files[file.path] = file.bytes
  }
  #expect(files == texts)
  #expect(try readWhole(list) == texts)
}

/// Lists whose items are not all dashes at the first column up to the end are not cut into
/// pieces; the whole list is read in one, with the same result as the general reader.
@Test func listsOfAnotherShapeAreReadWhole() throws {
  let item = """
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: a
        annotations:
          config.kubernetes.io/path: 'a.yaml'
      data:
        k: v

    """
  let other = item.replacingOccurrences(of: "name: a", with: "name: b")
    .replacingOccurrences(of: "'a.yaml'", with: "'b.yaml'")
  let head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
  let shapes: [(String, Bool)] = [
    (head + item + other, true),
    // A comment at the first column between items, and blank lines.
    (head + item + "# between\n\n" + other, true),
    // A key after the items.
    (head + item + other + "functionConfig:\n  kind: X\n", false),
    // The items on the same line as their key, or a second document.
    ("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n", false),
    (head + item + "---\n" + other, false),
    // `items:` indented, in another mapping.
    ("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nx:\n  items:\n" + item, false),
  ]
  for (text, cut) in shapes {
    let bytes = Array(text.utf8)
    #expect((ResourceList.itemStarts(bytes) != nil) == cut, "\(text)")
    let quick = try? ResourceList.files(fromList: bytes, name: "list")
    let whole = try? ResourceList.files(from: ResourceList.read(bytes, name: "list"))
    #expect(quick?.map(\.path) == whole?.map(\.path), "\(text)")
    #expect(quick?.map(\.bytes) == whole?.map(\.bytes), "\(text)")
  }
}

/// A quoted scalar whose second line is a dash at the first column, just where the list would
/// be cut: the piece before it does not read, so the list is read whole, and the scalar stays
/// one value.
@Test func aPieceCutInsideAQuotedScalarSendsTheListToTheWholeReading() throws {
  let head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
  func filler(_ name: String, _ size: Int) -> String {
    """
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: \(name)
        annotations:
          config.kubernetes.io/path: '\(name).yaml'
      data:
        filler: "\(String(repeating: "x", count: size))"

    """
  }
  let quoted = """
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: q
        annotations:
          config.kubernetes.io/path: 'q.yaml'
      data:
        k: "one
    - two"

    """
  // The filler takes the quoted item's second line just past the first piece's 64 KiB.
  let size = (1 << 16) - filler("f", 0).utf8.count - quoted.utf8.count + 10
  let text = head + filler("f", size) + quoted + filler("g", 10)
  let bytes = Array(text.utf8)
  let starts = try #require(ResourceList.itemStarts(bytes))
  #expect(starts.count == 4)
  #expect(starts[1] - starts[0] < 1 << 16 && starts[2] - starts[0] >= 1 << 16)
  #expect(String(decoding: bytes[starts[2]...].prefix(6), as: UTF8.self) == "- two\"")
  let files = try ResourceList.files(fromList: bytes, name: "list")
  #expect(files.map(\.path) == ["f.yaml", "q.yaml", "g.yaml"])
  let q = try #require(files.first { $0.path == "q.yaml" })
  #expect(String(decoding: q.bytes, as: UTF8.self).contains("k: \"one\n- two\""))
}

/// The reader's annotations come off each item as the general reader takes them off, whether
/// `metadata` and the annotations are block or flow mappings, and whatever else they hold.
@Test func readerAnnotationsComeOffAsTheGeneralReaderTakesThemOff() throws {
  let path = "config.kubernetes.io/path: 'p.yaml'"
  let metadatas = [
    // Only reader annotations, beside a name: the `annotations:` entry goes.
    "  metadata:\n    name: a\n    annotations:\n      \(path)\n      config.kubernetes.io/index: '0'\n",
    // Only annotations: `metadata:` goes.
    "  metadata:\n    annotations:\n      \(path)\n",
    // A user annotation stays, before and after the reader's.
    "  metadata:\n    annotations:\n      a.example/x: '1'\n      \(path)\n      b.example/y: |\n        two\n        lines\n",
    // Flow collections, for the tree.
    "  metadata:\n    name: a\n    annotations: {a.example/x: '1', \(path)}\n",
    "  metadata: {name: a, annotations: {\(path)}}\n",
    // A second `metadata` key: the first decides.
    "  metadata:\n    annotations:\n      \(path)\n  metadata:\n    name: b\n",
  ]
  for metadata in metadatas {
    let text =
      "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: A\n"
      + metadata + "  spec:\n    list:\n    - 1\n"
    let bytes = Array(text.utf8)
    let quick = try? ResourceList.files(fromList: bytes, name: "list")
    let whole = try? ResourceList.files(from: ResourceList.read(bytes, name: "list"))
    #expect(quick != nil, "\(text)")
    #expect(quick?.map(\.path) == whole?.map(\.path), "\(text)")
    #expect(quick?.map(\.bytes) == whole?.map(\.bytes), "\(text)")
  }
}
