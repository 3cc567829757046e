// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for every reader of untrusted bytes (top README § Development, `make fuzz`).
/// Build with `swift build --sanitize=fuzzer -Xswiftc -enable-testing` (the harnesses reach the
/// readers through `@testable import`); each product is a libFuzzer executable.
let targets: [(name: String, dependencies: [Target.Dependency])] = [
    ("FuzzZip", [.product(name: "DataPipeline", package: "DataPipeline")]),
    ("FuzzSafeTensors", [.product(name: "DataPipeline", package: "DataPipeline")]),
    ("FuzzTSV", [.product(name: "DataPipeline", package: "DataPipeline")]),
    ("FuzzRecBole", [.product(name: "DataPipeline", package: "DataPipeline")]),
    ("FuzzReferenceSplit", [.product(name: "DataPipeline", package: "DataPipeline")]),
    ("FuzzSplitFormat", [.product(name: "DataPipeline", package: "DataPipeline")]),
    ("FuzzConfigYAML", [.product(name: "Trainer", package: "Trainer")]),
]

let package = Package(
    name: "Fuzz",
    products: targets.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: [
        .package(path: "../Packages/DataPipeline"),
        .package(path: "../Packages/Trainer"),
    ],
    targets: targets.map { .executableTarget(name: $0.name, dependencies: $0.dependencies) },
    swiftLanguageModes: [.v5]
)
