// swift-tools-version:6.0
import PackageDescription

/// n-dimensional Float tensors on OpenBLAS, integer index tensors, a seeded RNG and safetensors I/O.
let package = Package(
    name: "Tensor",
    products: [.library(name: "Tensor", targets: ["Tensor"])],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        // Small C kernels (one-row matrix products) that use AVX2 + FMA when the CPU has them.
        .target(name: "CTensorKernels"),
        .target(name: "Tensor", dependencies: ["CBLAS", "CTensorKernels"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
    ],
    swiftLanguageModes: [.v5]
)
