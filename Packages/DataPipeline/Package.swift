// swift-tools-version:6.0
import PackageDescription

/// Ingest (MovieLens zip/dat, RecBole, TSV), the reference preprocessing, distribution-mixer sampling,
/// binary split storage, batches and word2vec item-embedding pre-training.
let package = Package(
    name: "DataPipeline",
    products: [.library(name: "DataPipeline", targets: ["DataPipeline"])],
    dependencies: [.package(path: "../Tensor")],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "DataPipeline", dependencies: ["CZlib", "Tensor"]),
        .testTarget(name: "DataPipelineTests", dependencies: [
            "DataPipeline", "CZlib", "Tensor", .product(name: "TestSupport", package: "Tensor"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
