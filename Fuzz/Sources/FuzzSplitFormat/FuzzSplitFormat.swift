@testable import DataPipeline

/// libFuzzer entry: the input is a binary .split file (DataPipeline BinarySplitFormat); see `FuzzEntryPoints.splitFormat`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzEntryPoints.splitFormat(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
