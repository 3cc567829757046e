import Foundation
import TestSupport
import XCTest

/// Inputs shared by the end-to-end tests.
enum EndToEnd {
    /// The ML-100K folder from `ADARANKER_ML100K`; skips the test when unset, fails under CI.
    static func ml100kFolder() throws -> String {
        try TestDatasets.movieLens100K().path
    }
}
