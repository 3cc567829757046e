// swift-tools-version:6.0
import PackageDescription

/// Configuration, the training loop, early stopping, checkpoints and run logging.
let package = Package(
    name: "Trainer",
    products: [.library(name: "Trainer", targets: ["Trainer"])],
    dependencies: [
        .package(path: "../AdaLayers"),
        .package(path: "../DataPipeline"),
        .package(path: "../Metrics"),
        .package(path: "../Tensor"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Open MPI (Debian's libopenmpi-dev) for distributed training; used only when `mpirun` starts the process.
        .target(name: "CMPI", linkerSettings: [.linkedLibrary("mpi")]),
        .target(name: "Trainer", dependencies: [
            "AdaLayers", "CMPI", "DataPipeline", "Metrics",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "TrainerTests", dependencies: ["Trainer", .product(name: "TestSupport", package: "Tensor")]),
    ],
    swiftLanguageModes: [.v5]
)
