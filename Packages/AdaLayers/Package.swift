// swift-tools-version:6.0
import PackageDescription

/// Ada-Ranker's adaptation: distribution extractor, FiLM input modulation, memory units, adaptive scoring head.
let package = Package(
    name: "AdaLayers",
    products: [.library(name: "AdaLayers", targets: ["AdaLayers"])],
    dependencies: [.package(path: "../SeqModels")],
    targets: [
        .target(name: "AdaLayers", dependencies: ["SeqModels"]),
        .testTarget(name: "AdaLayersTests", dependencies: ["AdaLayers"]),
    ],
    swiftLanguageModes: [.v5]
)
