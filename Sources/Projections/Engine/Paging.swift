/// The first `limit` of `items`, which were read with one more than `limit` to learn whether more follow, and the
/// cursor after the last of them when more do (the list queries' pages: the queue, a site's candidates, the trail).
func firstPage<Item, Cursor>(of items: [Item], limit: Int, cursor: (Item) -> Cursor) -> (items: [Item], next: Cursor?) {
    guard items.count > limit, limit > 0 else { return (items, nil) }
    let page = Array(items.prefix(limit))
    return (page, cursor(page[page.count - 1]))
}
