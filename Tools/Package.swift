// swift-tools-version:6.0
import PackageDescription

/// Thin executables composing the packages: `bench` (kernels and models) and `train` (prepare, fit, evaluate …).
let package = Package(
    name: "Tools",
    dependencies: [
        .package(path: "../Packages/Tensor"),
        .package(path: "../Packages/Autograd"),
        .package(path: "../Packages/AdaLayers"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .executableTarget(name: "bench", dependencies: [
            "Tensor", "Autograd",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "parity", dependencies: [
            .product(name: "ReferenceParity", package: "AdaLayers"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
