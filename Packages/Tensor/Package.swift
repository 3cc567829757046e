// swift-tools-version:6.0
import PackageDescription

/// n-dimensional Float tensors on OpenBLAS, integer index tensors, a seeded RNG and safetensors I/O.
let package = Package(
    name: "Tensor",
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
        // For the tests of every package: fixture discovery, the ML-100K location, temporary folders.
        .library(name: "TestSupport", targets: ["TestSupport"]),
        // The C kernels' run-time CPU dispatch (`adr_tensor_kernels_use_avx2`) and eight-lane helpers
        // (`tensor_vector8.h`), shared with Autograd's C kernels.
        .library(name: "CTensorKernels", targets: ["CTensorKernels"]),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        // Small C kernels (one-row matrix products, last-axis softmax) that use AVX2 + FMA when the CPU has them.
        .target(name: "CTensorKernels"),
        .target(name: "Tensor", dependencies: ["CBLAS", "CTensorKernels"]),
        .target(name: "TestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
