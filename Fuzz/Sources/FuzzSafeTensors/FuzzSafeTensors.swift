@testable import DataPipeline

/// libFuzzer entry: the input is a safetensors file (Tensor SafeTensorsFile, read as item embeddings); see `FuzzEntryPoints.safeTensors`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzEntryPoints.safeTensors(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
