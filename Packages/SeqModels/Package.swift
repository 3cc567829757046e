// swift-tools-version:6.0
import PackageDescription

/// The seven sequential base rankers (MF, GRU4Rec, SASRec, NARM, NextItNet, SRGNN, SHAN) and the scoring head.
let package = Package(
    name: "SeqModels",
    products: [
        .library(name: "SeqModels", targets: ["SeqModels"]),
        // For the tests of SeqModels and AdaLayers: tiny configurations and random batches.
        .library(name: "SeqModelsTestSupport", targets: ["SeqModelsTestSupport"]),
    ],
    dependencies: [.package(path: "../Tensor"), .package(path: "../Autograd")],
    targets: [
        .target(name: "SeqModels", dependencies: [
            .product(name: "Tensor", package: "Tensor"),
            .product(name: "Autograd", package: "Autograd"),
        ]),
        .target(name: "SeqModelsTestSupport", dependencies: [
            "SeqModels", .product(name: "Tensor", package: "Tensor"),
        ]),
        .testTarget(name: "SeqModelsTests", dependencies: [
            "SeqModels", "SeqModelsTestSupport",
            .product(name: "Tensor", package: "Tensor"),
            .product(name: "Autograd", package: "Autograd"),
            .product(name: "AutogradTestSupport", package: "Autograd"),
            .product(name: "TestSupport", package: "Tensor"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
