// swift-tools-version:6.0
import PackageDescription

/// Cross-package, end-to-end tests: the packages composed the way the `train` tool composes them.
///
/// The Tools dependency (for `train serve`'s server) brings swift-metrics, whose `Metrics` module
/// shares its name with this project's: as in Tools/Package.swift, the project's is renamed
/// `RankingMetricsModule` (sources still `import Metrics`) and every dependency names its package,
/// which SwiftPM needs to apply the rename reliably.
let package = Package(
    name: "CrossPackageTests",
    dependencies: [
        .package(path: "../Packages/Tensor"),
        .package(path: "../Packages/Autograd"),
        .package(path: "../Packages/Metrics"),
        .package(path: "../Packages/DataPipeline"),
        .package(path: "../Packages/SeqModels"),
        .package(path: "../Packages/AdaLayers"),
        .package(path: "../Packages/Trainer"),
        .package(path: "../Tools"),
    ],
    targets: [
        .testTarget(name: "EndToEndTests", dependencies: [
            .product(name: "Tensor", package: "Tensor"),
            .product(name: "Autograd", package: "Autograd"),
            .product(name: "Metrics", package: "Metrics", moduleAliases: ["Metrics": "RankingMetricsModule"]),
            .product(name: "DataPipeline", package: "DataPipeline"),
            .product(name: "SeqModels", package: "SeqModels"),
            .product(name: "AdaLayers", package: "AdaLayers"),
            .product(name: "Trainer", package: "Trainer"),
            .product(name: "ReferenceParity", package: "SeqModels"),
            .product(name: "TestSupport", package: "Tensor"),
        ]),
        // `train serve`'s HTTP service, on an ephemeral loopback port.
        .testTarget(name: "ServingTests", dependencies: [
            .product(name: "DataPipeline", package: "DataPipeline"),
            .product(name: "SeqModels", package: "SeqModels"),
            .product(name: "Trainer", package: "Trainer"),
            .product(name: "RankingServer", package: "Tools"),
            .product(name: "TestSupport", package: "Tensor"),
        ]),
        // kill -9, full disk and concurrent writers against the built `train` executable.
        .testTarget(name: "FaultTests", dependencies: [
            .product(name: "Trainer", package: "Trainer"),
            .product(name: "TestSupport", package: "Tensor"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
