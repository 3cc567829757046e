// swift-tools-version:6.0
import PackageDescription

/// Ada-Ranker's adaptation: distribution extractor, FiLM input modulation, memory units, adaptive scoring head;
/// and `ReferenceParity`, which checks any model against reference fixtures (AdaLayers README § Reference fixtures).
let package = Package(
    name: "AdaLayers",
    products: [
        .library(name: "AdaLayers", targets: ["AdaLayers"]),
        .library(name: "ReferenceParity", targets: ["ReferenceParity"]),
    ],
    dependencies: [.package(path: "../SeqModels"), .package(path: "../Autograd"), .package(path: "../Tensor")],
    targets: [
        .target(name: "AdaLayers", dependencies: ["SeqModels"]),
        .target(name: "ReferenceParity", dependencies: ["AdaLayers"]),
        .testTarget(name: "AdaLayersTests", dependencies: [
            "AdaLayers", "ReferenceParity", .product(name: "TestSupport", package: "Tensor"),
            .product(name: "AutogradTestSupport", package: "Autograd"),
            .product(name: "SeqModelsTestSupport", package: "SeqModels"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
