// swift-tools-version:6.1
import PackageDescription

/// Configuration, the training loop, early stopping, checkpoints and run logging.
let package = Package(
    name: "Trainer",
    products: [.library(name: "Trainer", targets: ["Trainer"])],
    // Off by default: building and using the package needs no MPI. `swift build --traits MPI`
    // (the Makefile does it when Open MPI's headers are installed) links Open MPI so that
    // `mpirun -np N train fit …` trains on N processes (README § Training on several machines).
    traits: [.trait(name: "MPI", description: "Distributed data-parallel training over Open MPI (Debian: libopenmpi-dev)")],
    dependencies: [
        .package(path: "../AdaLayers"),
        .package(path: "../DataPipeline"),
        .package(path: "../Metrics"),
        .package(path: "../Tensor"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Open MPI's C API for Swift (only with the MPI trait; compiles to nothing without Open MPI's headers).
        .target(name: "CMPI", linkerSettings: [.linkedLibrary("mpi", .when(traits: ["MPI"]))]),
        .target(name: "Trainer", dependencies: [
            "AdaLayers", "DataPipeline", "Metrics",
            .target(name: "CMPI", condition: .when(traits: ["MPI"])),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "TrainerTests", dependencies: ["Trainer", .product(name: "TestSupport", package: "Tensor")]),
    ],
    swiftLanguageModes: [.v5]
)
