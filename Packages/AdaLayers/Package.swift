// swift-tools-version:6.0
import PackageDescription

/// Ada-Ranker's adaptation: distribution extractor, FiLM input modulation, memory units, adaptive scoring head;
/// and `makeRankingModel(config:adaRanker:)`, the one factory choosing between Base and Ada-Ranker.
let package = Package(
    name: "AdaLayers",
    products: [
        .library(name: "AdaLayers", targets: ["AdaLayers"]),
    ],
    dependencies: [.package(path: "../SeqModels"), .package(path: "../Autograd"), .package(path: "../Tensor")],
    targets: [
        .target(name: "AdaLayers", dependencies: ["SeqModels"]),
        .testTarget(name: "AdaLayersTests", dependencies: [
            "AdaLayers", .product(name: "TestSupport", package: "Tensor"),
            .product(name: "AutogradTestSupport", package: "Autograd"),
            .product(name: "SeqModelsTestSupport", package: "SeqModels"),
            .product(name: "ReferenceParity", package: "SeqModels"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
