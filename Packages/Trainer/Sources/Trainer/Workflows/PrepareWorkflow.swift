import DataPipeline
import Foundation

/// `train prepare` as a library call: ingest (or generate), process, sample, write the prepared
/// folder, then pre-train item vectors with word2vec (`item_emb_<D>.txt` and `.safetensors`).
///
/// The folder appears complete or not at all: everything is written into a hidden sibling folder
/// that is renamed into place at the end (`StagingFolder`), under a lock that stops a second
/// `prepare` into the same folder at once. An existing folder is replaced as a whole, so it may
/// hold only files prepare writes (`isPrepareOutput`).
public enum PrepareWorkflow {
    public static func run(_ request: PrepareRequest) throws -> PrepareSummary {
        let target = URL(fileURLWithPath: request.outputFolder)
        let folder = try StagingFolder(target: target, isReplaceable: isPrepareOutput)
        var staged = request
        staged.outputFolder = folder.staging.path
        let summary = try prepareFiles(staged)
        try folder.commit()
        return summary.relocated(to: request.outputFolder)
    }

    /// The files `prepare` writes into its folder: the splits (binary and TSV), the id maps, the
    /// interactions, `stats.json` and the word2vec vectors `item_emb_<D>.txt` / `.safetensors`.
    static func isPrepareOutput(_ name: String) -> Bool {
        let fixed: Set<String> = ["train.split", "valid.split", "test.split", "train.tsv", "valid.tsv", "test.tsv",
                                  "user_item_cate_time.tsv", "user2idx.tsv", "item2idx.tsv", "merged_cate2idx.tsv",
                                  "item2cate.tsv", "stats.json"]
        return fixed.contains(name) || (name.hasPrefix("item_emb_") && (name.hasSuffix(".txt") || name.hasSuffix(".safetensors")))
    }

    /// Writes every file of the prepared data into `request.outputFolder`.
    private static func prepareFiles(_ request: PrepareRequest) throws -> PrepareSummary {
        var options = PrepareOptions(input: "", outputFolder: request.outputFolder)
        options.seed = request.seed
        options.sampling = request.sampling
        options.datasetName = request.datasetName
        options.threads = request.threads
        options.showProgress = request.showProgress
        options.log = request.log
        if request.pretrainCorpus == .excludingLastTwo { options.word2vecCorpus = .beforeValidTargets }
        let summary: PrepareSummary
        do {
            switch request.source {
            case .path(let path, let format):
                options.input = path
                options.format = format
                summary = try PreparePipeline.run(options)
            case .synthetic(let name):
                options.datasetName = request.datasetName ?? name
                let settings = try SyntheticSettings(name: name, configDirectory: request.configDirectory)
                if let minimum = settings.minItemsPerCategory { options.minItemsPerCategory = minimum }
                let raw = SyntheticDataset.generate(settings.generator)
                request.log?("generated \(raw.interactions.count) synthetic interactions (\(raw.source))")
                summary = try PreparePipeline.run(raw, inputFormat: "synthetic-\(name)", options: options)
            }
        } catch let error as DataPipelineError {
            throw TrainerError.invalidSetting("\(error)")
        }
        if request.pretrain { try pretrainItemVectors(summary, request: request) }
        return summary
    }

    /// Trains word2vec on the users' sequences and writes both embedding files.
    static func pretrainItemVectors(_ summary: PrepareSummary, request: PrepareRequest) throws {
        let started = Date()
        var options = Word2VecOptions()
        options.vectorSize = request.vectorSize
        options.threads = request.word2vecThreads
        options.seed = request.seed
        // DataPipeline already applied the corpus rule (summary.word2vecCorpusRule).
        options.corpusSelection = .fullSequences
        let corpus = summary.word2vecCorpus
        let bar = ProgressBar(title: "word2vec", total: corpus.wordCount * options.epochs, unit: "items",
                              enabled: request.showProgress ? nil : false)
        let embeddings = try Word2Vec.train(corpus: corpus, itemCount: summary.stats.items, options: options) { done, _ in
            bar.update(completed: done)
        }
        bar.finish()
        let folder = URL(fileURLWithPath: request.outputFolder)
        try embeddings.writeText(to: folder.appendingPathComponent(ItemEmbeddings.textFileName(vectorSize: request.vectorSize)).path)
        try embeddings.writeSafeTensors(to: folder.appendingPathComponent(ItemEmbeddings.safeTensorsFileName(vectorSize: request.vectorSize)).path)
        request.log?(String(format: "word2vec (%d items, %@ corpus) in %.2f s", summary.stats.items,
                            summary.word2vecCorpusRule.rawValue, Date().timeIntervalSince(started)))
    }
}
