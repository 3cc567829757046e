import Tensor

/// Runs `body` with a pointer to the scalars of `tensor`, or `nil` when there is no tensor.
func withOptionalScalars<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.scalars.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Runs `body` with a pointer to the scalars of `tensor`, or `nil` when there is no tensor.
func withOptionalMutableScalars<R>(_ tensor: inout Tensor?, _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
    guard tensor != nil else { return body(nil) }
    return tensor!.scalars.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
