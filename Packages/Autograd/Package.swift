// swift-tools-version:6.0
import PackageDescription

/// Reverse-mode automatic differentiation over `Tensor`: variables, ops, modules, layers, optimisers.
let package = Package(
    name: "Autograd",
    products: [.library(name: "Autograd", targets: ["Autograd"])],
    dependencies: [.package(path: "../Tensor")],
    targets: [
        .target(name: "Autograd", dependencies: ["Tensor"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
    ],
    swiftLanguageModes: [.v5]
)
