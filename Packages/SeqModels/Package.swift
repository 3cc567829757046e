// swift-tools-version:6.0
import PackageDescription

/// The seven sequential base rankers (MF, GRU4Rec, SASRec, NARM, NextItNet, SRGNN, SHAN) and the scoring head.
let package = Package(
    name: "SeqModels",
    products: [.library(name: "SeqModels", targets: ["SeqModels"])],
    dependencies: [.package(path: "../Autograd")],
    targets: [
        .target(name: "SeqModels", dependencies: ["Autograd"]),
        .testTarget(name: "SeqModelsTests", dependencies: ["SeqModels"]),
    ],
    swiftLanguageModes: [.v5]
)
