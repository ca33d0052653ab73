import GRDB

extension DatabaseReader {
    /// Runs a short read on the caller's thread.
    ///
    /// GRDB's `async` read hops to the reader's queue and back (~70–150 µs, and two context switches), more than the
    /// queries behind a page or an API reply take; a blocking read costs ~25 µs on top of the query itself.
    public func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        try read(body)
    }
}
