// swift-tools-version:6.0
import PackageDescription

/// Thin executables composing the packages: `bench` (kernels and models) and `train` (prepare, fit, evaluate …).
let package = Package(
    name: "Tools",
    dependencies: [
        .package(path: "../Packages/Tensor"),
        .package(path: "../Packages/Autograd"),
        .package(path: "../Packages/AdaLayers"),
        .package(path: "../Packages/SeqModels"),
        .package(path: "../Packages/DataPipeline"),
        .package(path: "../Packages/Metrics"),
        .package(path: "../Packages/Trainer"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .executableTarget(name: "bench", dependencies: [
            "Tensor", "Autograd", "AdaLayers", "DataPipeline",
            .product(name: "SeqModels", package: "SeqModels"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "parity", dependencies: [
            .product(name: "ReferenceParity", package: "AdaLayers"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "train", dependencies: [
            "Trainer", "DataPipeline", "Metrics", "AdaLayers",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
