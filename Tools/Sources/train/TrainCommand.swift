import ArgumentParser
import Tensor

/// `train`: prepare data, train and fine-tune rankers, evaluate and score checkpoints, compute metrics.
@main
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Ada-Ranker in Swift: prepare data, train Base and Ada-Ranker models, evaluate and score them.",
        discussion: """
            A typical session:
              train prepare --input Datasets/ml-100k --format recbole --out \\
                  Datasets/ML100K
              train fit --model GRU4Rec --mode base --data Datasets/ML100K --output \\
                  runs/gru-base
              train fit --model GRU4Rec --mode ada  --data Datasets/ML100K --output \\
                  runs/gru-ada
              train finetune --model GRU4Rec --checkpoint \\
                  runs/gru-base/best.safetensors --freeze 1 --data Datasets/ML100K \\
                  --output runs/gru-ft
              train evaluate --checkpoint runs/gru-ada/best.safetensors --data \\
                  Datasets/ML100K
            Settings come from Configs/overall.yaml, Configs/model/<Model>.yaml,
            Configs/dataset/<Dataset>.yaml and Configs/protocol/<protocol>.yaml
            (--protocol fair, the default, or paper), then --key=value arguments
            (later wins).
            """,
        subcommands: [PrepareCommand.self, FitCommand.self, FinetuneCommand.self, EvaluateCommand.self,
                      InferCommand.self, MetricsCommand.self, DemoCommand.self, ReproduceCommand.self, ServeCommand.self]
    )

    /// Restarts with a huge-page heap where the kernel offers one, tunes the allocator for training
    /// loops (large per-step temporaries stay in the heap), then runs the command.
    static func main() {
        Tensor.restartWithHugePageHeapIfAvailable()
        Tensor.configureAllocatorForTraining()
        main(nil)
    }
}
