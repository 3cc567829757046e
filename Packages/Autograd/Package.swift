// swift-tools-version:6.0
import PackageDescription

/// Reverse-mode automatic differentiation over `Tensor`: variables, ops, modules, layers, optimisers.
let package = Package(
    name: "Autograd",
    products: [.library(name: "Autograd", targets: ["Autograd"])],
    dependencies: [.package(path: "../Tensor")],
    targets: [
        // Element-wise kernels in C (GRU gates, optimiser updates) so that they can use AVX2 + FMA, dispatched at run time.
        .target(name: "CAutogradKernels", dependencies: [.product(name: "CTensorKernels", package: "Tensor")]),
        .target(name: "Autograd", dependencies: ["Tensor", "CAutogradKernels"]),
        .testTarget(name: "AutogradTests", dependencies: [
            "Autograd", .product(name: "TestSupport", package: "Tensor"), .product(name: "CTensorKernels", package: "Tensor"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
