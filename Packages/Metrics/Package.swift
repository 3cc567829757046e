// swift-tools-version:6.0
import PackageDescription

/// Ranking metrics over candidate lists: group_auc, ndcg, ndcg@k, hit@k, mrr.
let package = Package(
    name: "Metrics",
    products: [.library(name: "Metrics", targets: ["Metrics"])],
    targets: [
        .target(name: "Metrics"),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"]),
    ],
    swiftLanguageModes: [.v5]
)
