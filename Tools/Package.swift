// swift-tools-version:6.2
import PackageDescription

/// Thin executables composing the packages: `bench` (kernels and models), `train` (prepare, fit,
/// evaluate, serve …) and `parity`; `RankingServer` is the HTTP scoring service behind `train serve`.
///
/// swift-metrics (through Hummingbird and swift-prometheus) has a module named `Metrics`, like this
/// project's ranking metrics, so this package renames the project's one `RankingMetricsModule`
/// (module aliasing: sources keep writing `import Metrics`, and swift-metrics' module, which only
/// Hummingbird imports, keeps its name). Every dependency is named with its package
/// (`.product(name:package:)`, never by name alone): SwiftPM applies module aliases from the root
/// package, which it finds by following these package-to-package links, so a package reached
/// only by name makes the rename apply or not at random.
let package = Package(
    name: "Tools",
    products: [.library(name: "RankingServer", targets: ["RankingServer"])],
    // `swift build --traits MPI` passes the Trainer's MPI trait on: `train fit`/`finetune` started by
    // `mpirun` then train on all its processes (needs Open MPI; the Makefile decides).
    traits: [.trait(name: "MPI", description: "Distributed training over Open MPI (Debian: libopenmpi-dev)")],
    dependencies: [
        .package(path: "../Packages/Tensor"),
        .package(path: "../Packages/Autograd"),
        .package(path: "../Packages/AdaLayers"),
        .package(path: "../Packages/SeqModels"),
        .package(path: "../Packages/DataPipeline"),
        .package(path: "../Packages/Metrics"),
        .package(path: "../Packages/Trainer", traits: [.trait(name: "MPI", condition: .when(traits: ["MPI"]))]),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // No default traits: the server needs neither swift-configuration nor full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(name: "bench", dependencies: [
            .product(name: "Tensor", package: "Tensor"),
            .product(name: "Autograd", package: "Autograd"),
            .product(name: "AdaLayers", package: "AdaLayers"),
            .product(name: "DataPipeline", package: "DataPipeline"),
            .product(name: "SeqModels", package: "SeqModels"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "parity", dependencies: [
            .product(name: "ReferenceParity", package: "SeqModels"),
            .product(name: "AdaLayers", package: "AdaLayers"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "train", dependencies: [
            "RankingServer",
            .product(name: "Trainer", package: "Trainer"),
            .product(name: "DataPipeline", package: "DataPipeline"),
            .product(name: "AdaLayers", package: "AdaLayers"),
            .product(name: "SeqModels", package: "SeqModels"),
            .product(name: "Metrics", package: "Metrics", moduleAliases: ["Metrics": "RankingMetricsModule"]),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "RankingServer", dependencies: [
            .product(name: "Trainer", package: "Trainer"),
            .product(name: "DataPipeline", package: "DataPipeline"),
            .product(name: "SeqModels", package: "SeqModels"),
            .product(name: "Tensor", package: "Tensor"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], resources: [.copy("openapi.yaml")]),
    ],
    swiftLanguageModes: [.v5]
)
