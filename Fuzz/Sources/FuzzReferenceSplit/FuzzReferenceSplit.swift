@testable import DataPipeline

/// libFuzzer entry: the input is a reference split TSV (DataPipeline ReferenceSplitReader); see `FuzzEntryPoints.referenceSplit`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzEntryPoints.referenceSplit(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
