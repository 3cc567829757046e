@testable import DataPipeline

/// libFuzzer entry: the input is a zip archive (DataPipeline ZipArchive); see `FuzzEntryPoints.zip`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzEntryPoints.zip(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
