extension BuiltinFunction {
  /// kpt's own test function `gcr.io/kpt-functions/no-op`: its input comes back unchanged.
  static let noOp = BuiltinFunction(
    name: "no-op",
    summary: "Return the input unchanged (kpt's test function gcr.io/kpt-functions/no-op).",
    versions: "any tag",
    configuration: "No functionConfig.",
    example: "stoop fn render DIR   # with `- image: gcr.io/kpt-functions/no-op` in the pipeline",
    notes: "",
    acceptsVersion: { _ in true },
    body: { _ throws(BuiltinFailure) in })
}
