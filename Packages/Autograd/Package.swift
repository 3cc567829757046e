// swift-tools-version:6.0
import PackageDescription

/// Reverse-mode automatic differentiation over `Tensor`: variables, ops, modules, layers, optimisers.
let package = Package(
    name: "Autograd",
    products: [
        .library(name: "Autograd", targets: ["Autograd"]),
        // For the tests of Autograd, SeqModels and AdaLayers: the finite-difference gradient checker and sample leaves.
        .library(name: "AutogradTestSupport", targets: ["AutogradTestSupport"]),
    ],
    dependencies: [.package(path: "../Tensor")],
    targets: [
        // Element-wise kernels in C (GRU gates, optimiser updates) so that they can use AVX2 + FMA, dispatched at run time.
        .target(name: "CAutogradKernels", dependencies: [.product(name: "CTensorKernels", package: "Tensor")]),
        .target(name: "Autograd", dependencies: ["Tensor", "CAutogradKernels"]),
        .target(name: "AutogradTestSupport", dependencies: ["Autograd", "Tensor"]),
        .testTarget(name: "AutogradTests", dependencies: [
            "Autograd", "AutogradTestSupport", .product(name: "TestSupport", package: "Tensor"), .product(name: "CTensorKernels", package: "Tensor"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
