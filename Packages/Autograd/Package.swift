// swift-tools-version:6.0
import PackageDescription

/// Reverse-mode automatic differentiation over `Tensor`: variables, ops, modules, layers, optimisers.
let package = Package(
    name: "Autograd",
    products: [.library(name: "Autograd", targets: ["Autograd"])],
    dependencies: [.package(path: "../Tensor")],
    targets: [
        // The fused GRU's element-wise gate kernels, in C so they can use AVX2 + FMA (dispatched at run time).
        .target(name: "CGRUKernels"),
        .target(name: "Autograd", dependencies: ["Tensor", "CGRUKernels"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
    ],
    swiftLanguageModes: [.v5]
)
