@testable import DataPipeline

/// libFuzzer entry: the input is a 4-field interaction TSV (DataPipeline FourFieldTSVReader); see `FuzzEntryPoints.fourFieldTSV`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzEntryPoints.fourFieldTSV(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
