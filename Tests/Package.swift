// swift-tools-version:6.0
import PackageDescription

/// Cross-package, end-to-end tests: the packages composed the way the `train` tool composes them.
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
    ],
    targets: [
        .testTarget(name: "EndToEndTests", dependencies: [
            "Tensor", "Autograd", "Metrics", "DataPipeline", "SeqModels", "AdaLayers", "Trainer",
            .product(name: "ReferenceParity", package: "AdaLayers"),
            .product(name: "TestSupport", package: "Tensor"),
        ]),
        // kill -9, full disk and concurrent writers against the built `train` executable.
        .testTarget(name: "FaultTests", dependencies: [.product(name: "Trainer", package: "Trainer")]),
    ],
    swiftLanguageModes: [.v5]
)
