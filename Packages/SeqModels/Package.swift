// swift-tools-version:6.0
import PackageDescription

/// The seven sequential base rankers (MF, GRU4Rec, SASRec, NARM, NextItNet, SRGNN, SHAN) and the scoring head;
/// and `ReferenceParity`, which checks models against the reference fixtures (SeqModels README § Reference fixtures).
let package = Package(
    name: "SeqModels",
    products: [
        .library(name: "SeqModels", targets: ["SeqModels"]),
        // The one checker against the reference fixtures: Base rankers here, any model through a builder.
        .library(name: "ReferenceParity", targets: ["ReferenceParity"]),
        // For the tests of SeqModels and AdaLayers: tiny configurations and random batches.
        .library(name: "SeqModelsTestSupport", targets: ["SeqModelsTestSupport"]),
    ],
    dependencies: [.package(path: "../Tensor"), .package(path: "../Autograd")],
    targets: [
        .target(name: "SeqModels", dependencies: [
            .product(name: "Tensor", package: "Tensor"),
            .product(name: "Autograd", package: "Autograd"),
        ]),
        .target(name: "ReferenceParity", dependencies: [
            "SeqModels", .product(name: "Tensor", package: "Tensor"),
            .product(name: "Autograd", package: "Autograd"),
        ]),
        .target(name: "SeqModelsTestSupport", dependencies: [
            "SeqModels", .product(name: "Tensor", package: "Tensor"),
        ]),
        .testTarget(name: "SeqModelsTests", dependencies: [
            "SeqModels", "SeqModelsTestSupport", "ReferenceParity",
            .product(name: "Tensor", package: "Tensor"),
            .product(name: "Autograd", package: "Autograd"),
            .product(name: "AutogradTestSupport", package: "Autograd"),
            .product(name: "TestSupport", package: "Tensor"),
        ]),
        // The checker's own behaviour: what it rejects and how it reports it.
        .testTarget(name: "ReferenceParityTests", dependencies: [
            "ReferenceParity", "SeqModels", .product(name: "Tensor", package: "Tensor"),
            .product(name: "TestSupport", package: "Tensor"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
