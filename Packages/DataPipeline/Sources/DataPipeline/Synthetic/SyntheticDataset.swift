import Foundation
import Tensor

/// A seeded generator of MovieLens-like interaction data with real structure, for benchmarks
/// (ML-10M shape) and the demo (a few thousand users) — MovieLens itself cannot be shipped.
///
/// Model:
/// - **Categories** `c = 1...C` have Zipf-distributed sizes: an item picks its primary category
///   with probability ∝ `1 / c^categoryExponent`, plus 0–2 further distinct categories drawn the
///   same way (1, 2 or 3 categories with probabilities 0.5, 0.35, 0.15).
/// - **Popularity** is Zipf: item `i` gets weight `1 / rank(i)^popularityExponent` for a random
///   rank permutation, so a few items collect most interactions.
/// - **Users** have a heavy-tailed (log-normal) number of interactions, at least
///   `minInteractionsPerUser`, scaled so that the total is about `interactions`; each user has
///   three favourite categories (weights 0.6, 0.3, 0.1).
/// - **Sequential signal**: each step stays in the current category with probability
///   `stayProbability`, otherwise moves to one of the user's favourites; with probability
///   `driftProbability` a favourite is replaced by a new category, so tastes drift over time.
///   Within the category, with probability `neighbourProbability` the next item is one of the
///   `neighbourhood` items that follow the previous item in its category's list, ordered by
///   popularity (a "series" effect), else an item drawn by popularity. A user never repeats an item.
/// - **Time**: each user starts at a random moment and advances by exponential gaps.
///
/// Users are numbered 1...U, items 1...I, categories 1...C; interactions are listed user by user
/// in time order. The same configuration always yields the same data.
public enum SyntheticDataset {
    public struct Configuration: Sendable, Equatable {
        public var users = 3_000
        public var items = 1_500
        public var categories = 12
        /// Target total number of interactions (the result is within a few percent).
        public var interactions = 150_000
        public var minInteractionsPerUser = 20
        public var popularityExponent = 1.1
        public var categoryExponent = 0.7
        public var stayProbability = 0.7
        public var driftProbability = 0.02
        public var neighbourProbability = 0.5
        public var neighbourhood = 8
        public var seed: UInt64 = 1

        public init() {}

        /// The shape of MovieLens-10M: 69,878 users, 10,677 items, 20 genres, 10,000,054 ratings.
        public static var ml10mShape: Configuration {
            var configuration = Configuration()
            configuration.users = 69_878
            configuration.items = 10_677
            configuration.categories = 20
            configuration.interactions = 10_000_054
            return configuration
        }

        /// A small dataset for the demo: 3,000 users, 1,500 items, 12 categories, ~150k interactions.
        public static var demo: Configuration { Configuration() }
    }

    /// Generates the dataset described by `configuration`.
    public static func generate(_ configuration: Configuration) -> RawDataset {
        precondition(configuration.users > 0 && configuration.items > 1 && configuration.categories > 0,
                     "need users, at least two items and categories")
        var rng = SeededGenerator(seed: configuration.seed)
        let catalogue = Catalogue(configuration, rng: &rng)
        let lengths = userLengths(configuration, rng: &rng)

        var interactions: [RawDataset.Interaction] = []
        interactions.reserveCapacity(lengths.reduce(0, +))
        var seenBy = [Int32](repeating: 0, count: configuration.items + 1)
        let favouriteWeights = CategoricalSampler(weights: [0.6, 0.3, 0.1])
        for user in 1...configuration.users {
            var favourites = distinctCategories(3, catalogue: catalogue, rng: &rng)
            var category = favourites[favouriteWeights.sample(using: &rng)]
            var previous = 0
            var time = Int64(946_684_800 + rng.nextInt(below: 300_000_000))
            for _ in 0..<lengths[user - 1] {
                if rng.bernoulli(configuration.driftProbability) {
                    let replacement = catalogue.categorySampler.sample(using: &rng) + 1
                    if !favourites.contains(replacement) { favourites[rng.nextInt(below: 3)] = replacement }
                }
                if !rng.bernoulli(configuration.stayProbability) {
                    category = favourites[favouriteWeights.sample(using: &rng)]
                }
                var item = 0
                for _ in 0..<10 {
                    let candidate = catalogue.nextItem(after: previous, in: category, configuration: configuration, rng: &rng)
                    if seenBy[candidate] != Int32(user) { item = candidate; break }
                }
                if item == 0 {
                    for _ in 0..<10 {
                        let candidate = catalogue.popularity.sample(using: &rng) + 1
                        if seenBy[candidate] != Int32(user) { item = candidate; break }
                    }
                }
                guard item != 0 else { continue }
                seenBy[item] = Int32(user)
                time += 1 + Int64(-log(1 - rng.nextDouble()) * 86_400)
                interactions.append(.init(user: user, item: item, timestamp: time))
                previous = item
                category = catalogue.primaryCategory[item]
            }
        }
        var itemCategories: [Int: [Int]] = [:]
        for item in 1...configuration.items { itemCategories[item] = catalogue.categoriesOfItem[item] }
        var names: [Int: String] = [:]
        for category in 1...configuration.categories { names[category] = "category-\(category)" }
        return RawDataset(interactions: interactions, itemCategories: itemCategories, categoryNames: names,
                          source: "synthetic(seed: \(configuration.seed), users: \(configuration.users), items: \(configuration.items))")
    }

    /// Items with their categories, popularity and per-category lists.
    private struct Catalogue {
        let categorySampler: CategoricalSampler
        /// By item id (index 0 unused).
        let categoriesOfItem: [[Int]]
        let primaryCategory: [Int]
        let positionInPrimary: [Int]
        /// Items of each category (index 0 unused), most popular first.
        let members: [[Int]]
        /// Popularity-weighted draws within each category (index into `members[c]`).
        let memberSamplers: [CategoricalSampler?]
        /// Popularity-weighted draws over all items (index = item − 1).
        let popularity: CategoricalSampler

        init(_ configuration: Configuration, rng: inout SeededGenerator) {
            let itemCount = configuration.items, categoryCount = configuration.categories
            categorySampler = CategoricalSampler(weights: (1...categoryCount).map { 1 / pow(Double($0), configuration.categoryExponent) })
            var ranks = Array(1...itemCount)
            rng.shuffle(&ranks)
            let weights = [0] + ranks.map { 1 / pow(Double($0), configuration.popularityExponent) }
            popularity = CategoricalSampler(weights: Array(weights.dropFirst()))
            let sizeDistribution = CategoricalSampler(weights: [0.5, 0.35, 0.15])
            var categoriesOfItem: [[Int]] = [[]]
            var members = [[Int]](repeating: [], count: categoryCount + 1)
            for item in 1...itemCount {
                let size = min(categoryCount, sizeDistribution.sample(using: &rng) + 1)
                var list: [Int] = []
                while list.count < size {
                    let category = categorySampler.sample(using: &rng) + 1
                    if !list.contains(category) { list.append(category) }
                }
                categoriesOfItem.append(list)
                for category in list { members[category].append(item) }
            }
            // Lists run from the most to the least popular item, so an item's followers have
            // similar popularity and the "series" effect keeps the popularity skew.
            for category in 1...categoryCount {
                members[category].sort { (weights[$0], $1) > (weights[$1], $0) }
            }
            var positionInPrimary = [Int](repeating: 0, count: itemCount + 1)
            for category in 1...categoryCount {
                for (position, item) in members[category].enumerated() where categoriesOfItem[item][0] == category {
                    positionInPrimary[item] = position
                }
            }
            self.categoriesOfItem = categoriesOfItem
            self.primaryCategory = categoriesOfItem.map { $0.first ?? 0 }
            self.positionInPrimary = positionInPrimary
            self.members = members
            self.memberSamplers = members.map { list in
                list.isEmpty ? nil : CategoricalSampler(weights: list.map { weights[$0] })
            }
        }

        /// The next item in `category` after `previous` (0 = none): a follower of `previous` in
        /// the category's list, or a popularity-weighted draw.
        func nextItem(after previous: Int, in category: Int, configuration: Configuration, rng: inout SeededGenerator) -> Int {
            let list = members[category]
            guard let sampler = memberSamplers[category] else { return popularity.sample(using: &rng) + 1 }
            if previous != 0, primaryCategory[previous] == category, rng.bernoulli(configuration.neighbourProbability) {
                let position = positionInPrimary[previous] + 1 + rng.nextInt(below: configuration.neighbourhood)
                return list[position % list.count]
            }
            return list[sampler.sample(using: &rng)]
        }
    }

    /// `count` distinct categories drawn by category weight (fewer if there are fewer categories).
    private static func distinctCategories(_ count: Int, catalogue: Catalogue, rng: inout SeededGenerator) -> [Int] {
        let total = catalogue.categorySampler.cumulative.count
        var result: [Int] = []
        while result.count < min(count, total) {
            let category = catalogue.categorySampler.sample(using: &rng) + 1
            if !result.contains(category) { result.append(category) }
        }
        while result.count < count { result.append(result[result.count % max(1, total)]) }
        return result
    }

    /// Per-user interaction counts: `min + extra`, extra ∝ a log-normal draw, summing to about
    /// `interactions`, each capped at 60 % of the catalogue.
    private static func userLengths(_ configuration: Configuration, rng: inout SeededGenerator) -> [Int] {
        let users = configuration.users
        let minimum = configuration.minInteractionsPerUser
        let raw = (0..<users).map { _ in exp(1.1 * rng.normal()) }
        let budget = max(0, configuration.interactions - users * minimum)
        let scale = Double(budget) / raw.reduce(0, +)
        let cap = max(minimum, Int(0.6 * Double(configuration.items)))
        return raw.map { min(cap, minimum + Int(($0 * scale).rounded())) }
    }
}
