/// DataPipeline README § Preprocessing, step 1: categories with few items are merged into one.
///
/// With `n_c` = number of distinct items listing category `c`, a category is *large* when
/// `n_c > minItemsPerCategory` (200 by default). Large categories get ids 1...K in the order in
/// which they first appear in the input rows (scanning each row's category list left to right);
/// every small category maps to the merged id K+1. An item's list is mapped entry by entry, so an
/// item in two small categories lists K+1 twice — step 7 then makes one row per entry.
struct CategoryMerge: Equatable {
    /// Number of large categories K.
    let largeCategoryCount: Int
    /// Number of distinct merged ids C: K, plus 1 when at least one category was merged away.
    let categoryCount: Int
    /// Original category id → merged id in 1...C.
    let mergedId: [Int: Int]
    /// Original category id → number of distinct items listing it.
    let itemsPerCategory: [Int: Int]

    /// Merges the categories of `itemCategories`, given in the order in which the items first
    /// appear in the input rows (an item's first row is the first row that can introduce its categories).
    init(itemCategoriesInFirstAppearanceOrder itemCategories: [[Int]], minItemsPerCategory: Int) {
        var itemsPerCategory: [Int: Int] = [:]
        for categories in itemCategories {
            var seen: [Int] = []
            for category in categories where !seen.contains(category) {
                seen.append(category)
                itemsPerCategory[category, default: 0] += 1
            }
        }
        var mergedId: [Int: Int] = [:]
        var large = 0
        for categories in itemCategories {
            for category in categories where mergedId[category] == nil && itemsPerCategory[category]! > minItemsPerCategory {
                large += 1
                mergedId[category] = large
            }
        }
        let hasSmall = itemsPerCategory.count > large
        for category in itemsPerCategory.keys where mergedId[category] == nil { mergedId[category] = large + 1 }
        self.largeCategoryCount = large
        self.categoryCount = large + (hasSmall ? 1 : 0)
        self.mergedId = mergedId
        self.itemsPerCategory = itemsPerCategory
    }

    /// `categories` mapped entry by entry (duplicates kept).
    func map(_ categories: [Int]) -> [Int32] { categories.map { Int32(mergedId[$0]!) } }
}
