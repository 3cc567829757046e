import Foundation

/// Checks that the files of a prepared folder belong together (issue 15: a folder mixing files of
/// two prepare runs, or hand-edited, must be refused rather than trained on).
extension PreparedDataset {
    /// Each split's row count in `stats.json` must equal the rows of its split file.
    /// - Parameter splitFiles: the train, valid and test files, in `Split.Name.allCases` order.
    func checkRowCounts(statsFile: String, splitFiles: [String]) throws {
        for (name, file) in zip(Split.Name.allCases, splitFiles) {
            let declared = stats.split(name).rows, actual = split(name).rowCount
            guard declared == actual else {
                throw DataPipelineError(.inconsistentData, file: statsFile,
                                        "field '\(name.rawValue).rows' is \(declared) but \(file) holds \(actual) rows; the folder mixes files of different prepare runs — prepare it again")
            }
        }
    }

    /// Every non-empty split must have the same number of negatives per row as the first
    /// non-empty one (normally train), and, when `statsFile` is given, as its `neg_items_num`:
    /// valid and test rows are ranked among `1 + neg_items_num` candidates like training rows.
    /// - Parameter splitFiles: the train, valid and test files, in `Split.Name.allCases` order.
    func checkNegativesPerRow(splitFiles: [String], statsFile: String?) throws {
        let filled = zip(Split.Name.allCases, splitFiles).filter { split($0.0).rowCount > 0 }
        guard let (firstName, firstFile) = filled.first else { return }
        let expected = split(firstName).negativesPerRow
        if let statsFile, stats.negItemsNum != expected {
            throw DataPipelineError(.inconsistentData, file: statsFile,
                                    "field 'neg_items_num' is \(stats.negItemsNum) but \(firstFile) has \(expected) negatives per row")
        }
        for (name, file) in filled.dropFirst() where split(name).negativesPerRow != expected {
            throw DataPipelineError(.inconsistentData, file: file,
                                    "\(split(name).negativesPerRow) negatives per row, but \(firstFile) has \(expected); every split needs the same number of negatives per row")
        }
    }
}
