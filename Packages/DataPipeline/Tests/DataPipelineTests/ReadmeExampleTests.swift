import DataPipeline
import Foundation
import XCTest

/// The example at the top of the README, kept compiling. Adapted only in its paths: the input is
/// a small 4-field TSV (30 users × 15 interactions over 60 items, like `PipelineTests`) instead of
/// `Datasets/ml-10m.zip`, and the output goes to a temporary folder instead of `Datasets/ML10M`.
/// The checks after it are additions.
final class ReadmeExampleTests: XCTestCase {
    func testReadmeExample() throws {
        let root = try makeTemporaryFolder(self)
        var text = "user_id\titem_id\tcate_id\ttimestamp\n"
        for user in 1...30 {
            for step in 0..<15 {
                let item = (user * 7 + step * 3) % 60 + 1
                text += "\(user)\t\(item)\t[\(item % 3 + 1)\(item % 5 == 0 ? ", 9" : "")]\t\(1_000 + step)\n"
            }
        }
        let input = try writeFile(root, "interactions.tsv", text)
        let folder = root + "/ML10M"
        var seenBatches = 0

        // --- README example (paths adapted) ---
        var options = PrepareOptions(input: input, outputFolder: folder)
        options.format = .auto            // .ml10m, .ml1m, .recbole, .tsv
        options.seed = 2020
        options.sampling = .leakFree      // or .reference (the authors' rule)
        let summary = try PreparePipeline.run(options)          // writes the folder of § Storage format
        print(summary.stats.itemNum, summary.stats.usersDroppedNoNegatives ?? 0)

        // Item vectors from the corpus the sampling rule calls for (§ Item-embedding pre-training).
        let vectors = try Word2Vec.train(corpus: summary.word2vecCorpus, itemCount: summary.stats.items)
        try vectors.writeText(to: folder + "/" + ItemEmbeddings.textFileName(vectorSize: vectors.vectorSize))

        let data = try PreparedDataset.load(from: folder)   // or a folder of reference train/valid/test.tsv
        for epoch in 0..<2 {
            var batches = BatchIterator(split: data.train, batchSize: 1024, maxSeqLen: 50,
                                        order: .shuffled(seed: 2020 &+ UInt64(epoch)))
            while let batch = batches.next() {
                let (candidates, labels) = (batch.candidates, batch.labels)   // [B, 20] each, the positive in column 0
                // … a model scores `candidates` from `batch.itemSeq` [B, L]; the loss compares with `labels` …
                XCTAssertEqual(candidates.shape, [batch.size, 20])
                XCTAssertEqual(labels.shape, [batch.size, 20])
                XCTAssertEqual(batch.itemSeq.shape, [batch.size, 50])
                seenBatches += 1
            }
        }
        // --- end of the README example ---

        XCTAssertEqual(seenBatches, 2)
        XCTAssertEqual(summary.stats.inputFormat, "tsv")
        XCTAssertEqual(summary.stats.word2vecCorpus, "before-valid-targets")
        XCTAssertEqual(summary.stats.usersDroppedNoNegatives, 0)
        XCTAssertEqual(data.stats, summary.stats)
        XCTAssertEqual(try ItemEmbeddings.readText(from: folder + "/item_emb_64.txt").itemCount, summary.stats.items)
        XCTAssertNotNil(data.itemEmbeddingFile)
    }
}
