@testable import DataPipeline

/// libFuzzer entry: the input is RecBole .inter and .item files (DataPipeline RecBoleReader); see `FuzzEntryPoints.recBole`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzEntryPoints.recBole(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
