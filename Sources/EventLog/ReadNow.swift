import GRDB

extension DatabaseReader {
    /// Runs a short read on the caller's thread.
    ///
    /// GRDB's `async` read hops to the reader's queue and back (~70–150 µs, and two context switches), more than the
    /// queries behind a page or an API reply take; a blocking read costs ~25 µs on top of the query itself. It also
    /// never holds a connection across a suspension: GRDB's `async` read hands the connection to the task, and under a
    /// burst of writers every reader ended up held by a task waiting for a cooperative thread while those threads
    /// waited, in blocking reads, for a reader (every write of the HTTP surge hung).
    public func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        try read(body)
    }
}

extension DatabaseWriter {
    /// Runs a short write on the caller's thread, for the same reasons as ``DatabaseReader/readNow(_:)``.
    public func writeNow<T>(_ body: (Database) throws -> T) throws -> T {
        try write(body)
    }
}
