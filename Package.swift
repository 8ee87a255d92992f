// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "stoop",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "stoop", targets: ["stoop"]),
    .library(name: "KRM", targets: ["KRM"]),
    .library(name: "CaD", targets: ["CaD"]),
    .library(name: "Orchestration", targets: ["Orchestration"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    .systemLibrary(
      name: "CYAML", pkgConfig: "yaml-0.1",
      providers: [.apt(["libyaml-dev"])]),
    .systemLibrary(
      name: "CGit2", pkgConfig: "libgit2",
      providers: [.apt(["libgit2-dev"])]),
    .target(name: "KRM", dependencies: ["CYAML"]),
    .target(name: "Git", dependencies: ["CGit2"]),
    .target(name: "CaD", dependencies: ["KRM"]),
    .target(name: "Orchestration", dependencies: ["CaD", "Git"]),
    .target(
      name: "StoopCLI",
      dependencies: [
        "Orchestration", "CaD", "KRM", "Git",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "stoop", dependencies: ["StoopCLI"]),
    // `make fuzz`: the YAML layer's properties (StoopFuzzing) and the runner (stoop-fuzz).
    .target(name: "StoopFuzzing", dependencies: ["CaD", "KRM"]),
    .executableTarget(name: "stoop-fuzz", dependencies: ["StoopFuzzing", "KRM"]),
    .testTarget(name: "KRMTests", dependencies: ["KRM"]),
    .testTarget(name: "CaDTests", dependencies: ["CaD", "KRM"]),
    .testTarget(name: "GitTests", dependencies: ["Git"]),
    .testTarget(name: "OrchestrationTests", dependencies: ["Orchestration"]),
    .testTarget(name: "StoopCLITests", dependencies: ["StoopCLI"]),
    .testTarget(name: "FuzzTests", dependencies: ["StoopFuzzing"]),
  ]
)
