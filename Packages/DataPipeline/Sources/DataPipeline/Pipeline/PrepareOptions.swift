import Foundation

/// Everything `PreparePipeline.run` needs; the defaults are the values of DataPipeline README
/// § Preprocessing and § Negative sampling.
///
/// The `train prepare` command maps its flags onto these fields:
/// `--input` → `input`, `--format` → `format`, `--out` → `outputFolder`, `--seed` → `seed`,
/// `--sampling leak-free|reference` → `sampling`.
public struct PrepareOptions: Sendable {
    /// The input's layout.
    public enum InputFormat: String, Sendable, CaseIterable {
        /// MovieLens-10M `::` files (folder, parent folder or `ml-10m.zip`).
        case ml10m
        /// MovieLens-1M `::` files (folder, parent folder or `ml-1m.zip`); read like `ml10m`.
        case ml1m
        /// RecBole atomic files (`NAME.inter` + `NAME.item`).
        case recbole
        /// The generic 4-field TSV `user_id item_id cate_id timestamp`.
        case tsv
        /// Decide from the path: a `.zip` or a folder with `ratings.dat` → MovieLens; a `.inter`
        /// file or a folder with one → RecBole; a `.tsv`/`.txt` file → 4-field TSV.
        case auto
    }

    /// Input file or folder.
    public var input: String
    public var format: InputFormat = .auto
    /// Folder that receives the outputs (created if needed).
    public var outputFolder: String
    /// The dataset's name, written to `stats.json` as `name` (e.g. `ML10M`); the trainer selects
    /// `Configs/dataset/<name>.yaml` by it. nil writes no name (the trainer then uses the
    /// folder's name).
    public var datasetName: String?
    /// Seed of all sampling; the same input and seed give byte-identical outputs.
    public var seed: UInt64 = 2020
    /// Which of the user's items are never drawn as negatives.
    public var sampling: SamplingMode = .leakFree
    /// Which part of each sequence the word2vec corpus (`PrepareSummary.word2vecCorpus`) holds;
    /// nil (the default) follows `sampling`: `.beforeValidTargets` for leak-free sampling,
    /// `.wholeSequences` for reference sampling.
    public var word2vecCorpus: Word2VecCorpusRule?

    /// The corpus rule in effect: `word2vecCorpus`, or the one that goes with `sampling`.
    public var effectiveWord2VecCorpus: Word2VecCorpusRule { word2vecCorpus ?? Word2VecCorpusRule(sampling: sampling) }

    /// Categories with at most this many distinct items are merged into one (step 1).
    public var minItemsPerCategory = 200
    /// Users need strictly more interactions than this (step 3).
    public var minUserInteractions = 10
    /// How many of each user's last positions become targets (step 7).
    public var targetItemsUsed = 10
    /// Negatives per row (§ Negative sampling).
    public var negativesPerRow = 19
    /// Rejected draws allowed per negative before falling back to the whole item pool.
    public var maxTriesPerDraw = 100
    /// Worker threads for sampling (the output does not depend on it).
    public var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Also write the reference-compatible `train.tsv`/`valid.tsv`/`test.tsv` (the binary
    /// `.split` files are always written).
    public var writeSplitTSV = true
    /// Draw progress bars on standard error (only when it is a terminal).
    public var showProgress = true
    /// Receives one line per finished stage (name and seconds); nil for silence.
    public var log: (@Sendable (String) -> Void)?

    public init(input: String, outputFolder: String) {
        self.input = input
        self.outputFolder = outputFolder
    }
}
