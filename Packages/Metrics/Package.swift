// swift-tools-version:6.0
import PackageDescription

/// Ranking metrics over candidate lists: group_auc, ndcg, ndcg@k, hit@k, mrr.
let package = Package(
    name: "Metrics",
    products: [.library(name: "Metrics", targets: ["Metrics"])],
    // Only the tests use Tensor's `TestSupport` (fixture discovery); the library depends on nothing.
    dependencies: [.package(path: "../Tensor")],
    targets: [
        .target(name: "Metrics"),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", .product(name: "TestSupport", package: "Tensor")]),
    ],
    swiftLanguageModes: [.v5]
)
