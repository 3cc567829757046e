import Foundation
import Tensor

/// One entry per reader of untrusted bytes, shared by the libFuzzer targets (`Fuzz/`, `make fuzz`)
/// and the replay of their regression inputs in the package tests, so that both run exactly the
/// same code. Each entry feeds one byte buffer to a reader as if it were the file's content and
/// then touches everything the reader returned. A thrown error is the expected answer to hostile
/// input; a trap, a hang or a huge allocation is a bug.
///
/// Every entry returns whether the reader accepted the bytes (for tests and statistics only).
enum FuzzEntryPoints {
    /// A zip archive: the central directory, then every entry inflated and CRC-checked, and a
    /// `ratings.dat` or `movies.dat` entry read as MovieLens, as `prepare` reads the GroupLens zip.
    static func zip(_ bytes: [UInt8]) -> Bool {
        guard let archive = try? ZipArchive(bytes: bytes, path: "fuzz.zip") else { return false }
        var accepted = true
        for entry in archive.entries {
            guard let source = try? TextSource.zipEntry(entry, of: archive) else {
                accepted = false
                continue
            }
            switch entry.fileName {
            case "ratings.dat": accepted = (try? MovieLensReader.readRatings(source)) != nil && accepted
            case "movies.dat": accepted = (try? MovieLensReader.readMovies(source)) != nil && accepted
            default: break
            }
        }
        return accepted
    }

    /// A safetensors file, then its item-embedding table as the trainer reads it.
    static func safeTensors(_ bytes: [UInt8]) -> Bool {
        guard let file = try? SafeTensorsFile(bytes: Data(bytes), path: "fuzz.safetensors") else { return false }
        for name in file.names {
            _ = try? file.tensor(name)
            _ = try? file.indexTensor(name)
        }
        return (try? file.tensor(ItemEmbeddings.safeTensorsName)) != nil
    }

    /// The generic 4-field TSV (`user_id item_id cate_id timestamp`).
    static func fourFieldTSV(_ bytes: [UInt8]) -> Bool {
        (try? FourFieldTSVReader.read(TextSource(name: "fuzz.tsv", bytes: bytes), source: "fuzz.tsv")) != nil
    }

    /// RecBole atomic files: the same bytes read as a `.inter` and as a `.item` file.
    static func recBole(_ bytes: [UInt8]) -> Bool {
        let interactions = try? RecBoleReader.readInteractions(TextSource(name: "fuzz.inter", bytes: bytes))
        let items = try? RecBoleReader.readItems(TextSource(name: "fuzz.item", bytes: bytes))
        return interactions != nil || items != nil
    }

    /// A reference split TSV (`user_id item_id cate_id item_seq item_seq_len neg_items`), then
    /// every row's history and negatives.
    static func referenceSplit(_ bytes: [UInt8]) -> Bool {
        guard let split = try? ReferenceSplitReader.read(TextSource(name: "fuzz-split.tsv", bytes: bytes)) else { return false }
        touchRows(split)
        return true
    }

    /// A binary `.split` file as given, and again with both CRC-32s recomputed, so that the checks
    /// behind the checksums (counts, sizes, ids, history ranges) are reached too.
    static func splitFormat(_ bytes: [UInt8]) -> Bool {
        var accepted = decodeSplit(bytes)
        let headerSize = BinarySplitFormat.headerSize
        if bytes.count >= headerSize {
            var repaired = bytes
            let payloadCRC = repaired.withUnsafeBufferPointer { ZipArchive.crc32(of: UnsafeBufferPointer(rebasing: $0[headerSize...])) }
            withUnsafeBytes(of: payloadCRC.littleEndian) { repaired.replaceSubrange(48..<52, with: $0) }
            let headerCRC = repaired.withUnsafeBufferPointer { ZipArchive.crc32(of: UnsafeBufferPointer(rebasing: $0[0..<52])) }
            withUnsafeBytes(of: headerCRC.littleEndian) { repaired.replaceSubrange(52..<56, with: $0) }
            accepted = decodeSplit(repaired) || accepted
        }
        return accepted
    }

    private static func decodeSplit(_ bytes: [UInt8]) -> Bool {
        guard let split = try? BinarySplitFormat.decode(bytes, file: "fuzz.split") else { return false }
        touchRows(split)
        return true
    }

    /// Reads every row the way batching does, so that an accepted split with bad offsets traps here.
    private static func touchRows(_ split: Split) {
        var sum: Int32 = 0
        for row in 0..<split.rowCount {
            sum &+= split.history(ofRow: row).reduce(0, &+) &+ split.negatives(ofRow: row).reduce(0, &+)
        }
        _ = (sum, split.largestIds, split.historyLengthSummary)
    }
}
