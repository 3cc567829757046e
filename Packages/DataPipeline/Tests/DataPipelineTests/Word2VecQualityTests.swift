import DataPipeline
import Foundation
import TestSupport
import Tensor
import XCTest

/// Next-item signal of the default word2vec vectors on MovieLens-100K (issue 4's quality bar).
final class Word2VecQualityTests: XCTestCase {
    private func movieLensFolder() throws -> String {
        try TestDatasets.movieLens100K().path
    }

    /// Users' item sequences as the reference's `user_item_cate_time.tsv` orders them: rows of
    /// `ml-100k.inter` stably sorted by (user, timestamp), users with more than 10 interactions,
    /// repeated (user, item) pairs reduced to their last occurrence, items numbered from 1 in
    /// order of first appearance. Returns one sentence per user (ascending user id) and the item count.
    private func referenceSequences(_ path: String) throws -> (sentences: [[Int32]], itemCount: Int) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var rows: [(user: Int, item: Int, time: Double, order: Int)] = []
        for (number, line) in text.split(separator: "\n").enumerated() where number > 0 && !line.isEmpty {
            let fields = line.split(separator: "\t")
            guard fields.count == 4, let user = Int(fields[0]), let item = Int(fields[1]), let time = Double(fields[3]) else {
                throw NSError(domain: "\(path):\(number + 1): expected 'user<TAB>item<TAB>rating<TAB>timestamp'", code: 1)
            }
            rows.append((user, item, time, number))
        }
        rows.sort { ($0.user, $0.time, $0.order) < ($1.user, $1.time, $1.order) }
        var sentences: [[Int32]] = []
        var newId: [Int: Int32] = [:]
        var start = 0
        while start < rows.count {
            var end = start
            while end < rows.count && rows[end].user == rows[start].user { end += 1 }
            defer { start = end }
            guard end - start > 10 else { continue }
            var lastPosition: [Int: Int] = [:]
            for k in start..<end { lastPosition[rows[k].item] = k }
            sentences.append((start..<end).filter { lastPosition[rows[$0].item] == $0 }.map { k in
                let item = rows[k].item
                if let id = newId[item] { return id }
                let id = Int32(newId.count + 1)
                newId[item] = id
                return id
            })
        }
        return (sentences, newId.count)
    }

    /// Share of users whose last item is among the 10 items most cosine-similar to their
    /// second-last item (that item excluded; items without a vector are not ranked, as in
    /// gensim's `most_similar`; a second-last item without a vector counts as a miss).
    private func lastItemHitRate(_ sentences: [[Int32]], _ embeddings: ItemEmbeddings) -> Double {
        let size = embeddings.vectorSize, rows = embeddings.itemCount + 1
        var unit = embeddings.values
        var trained = [Bool](repeating: false, count: rows)
        for item in 1..<rows {
            let norm = embeddings.vector(item).reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { continue }
            trained[item] = true
            for d in 0..<size { unit[item * size + d] /= norm }
        }
        let units = Tensor(shape: [rows, size], scalars: unit)
        // Cosine similarities of every item to every item: [I + 1, I + 1].
        let similarity = Tensor.matmul(units, units, transposeB: true).scalars
        var hits = 0
        for sentence in sentences where sentence.count >= 2 {
            let query = Int(sentence[sentence.count - 2]), target = Int(sentence[sentence.count - 1])
            guard trained[query], trained[target], query != target else { continue }
            let row = query * rows
            let targetSimilarity = similarity[row + target]
            var better = 0
            for item in 1..<rows where trained[item] && item != query && item != target {
                if similarity[row + item] > targetSimilarity { better += 1 }
            }
            if better < 10 { hits += 1 }
        }
        return Double(hits) / Double(sentences.count)
    }

    func testDefaultVectorsPutTheLastItemInTheTopTenOfTheSecondLast() throws {
        let folder = try movieLensFolder()
        let (sentences, itemCount) = try referenceSequences(folder + "/ml-100k.inter")
        XCTAssertEqual(sentences.count, 943)
        XCTAssertEqual(itemCount, 1682)
        var rates: [Double] = []
        for seed: UInt64 in [1, 2, 3] {
            var options = Word2VecOptions()
            options.seed = seed
            let embeddings = try Word2Vec.train(sentences: sentences, itemCount: itemCount, options: options)
            rates.append(lastItemHitRate(sentences, embeddings))
        }
        let mean = rates.reduce(0, +) / Double(rates.count)
        print(String(format: "word2vec ML-100K last-item hit@10: %@ (mean %.2f%%; gensim 7.4%%, chance 0.6%%)",
                     rates.map { String(format: "%.2f%%", 100 * $0) }.joined(separator: ", "), 100 * mean))
        XCTAssertGreaterThanOrEqual(mean, 0.06, "mean hit@10 \(100 * mean)% over seeds 1, 2, 3")
        XCTAssertTrue(rates.allSatisfy { $0 >= 0.05 }, "hit@10 per seed: \(rates)")
    }
}
