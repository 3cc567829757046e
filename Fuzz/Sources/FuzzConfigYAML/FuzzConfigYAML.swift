@testable import Trainer

/// libFuzzer entry: the input is a YAML configuration file; see `ConfigFuzzEntryPoint.yaml`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = ConfigFuzzEntryPoint.yaml(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
