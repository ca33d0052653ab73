import EventLog
import Foundation
import GRDB

/// The log read for a rebuild in batches of whole streams, each batch read in one go and handed to the writer in
/// chunks of whole streams, each decoded and prepared (``Projection/prepare(_:)``) on a thread of its own while the
/// writer folds the chunks before it.
///
/// Reading a batch at once keeps the reads local (a chunk's few streams lie all over the log: read alone, 5,000-event
/// chunks read the pages of a 255,000-event log many times over, and rebuilt it ~25 % slower); handing it over in
/// chunks lets decoding and preparing overlap the writer's folding. The writer folds a batch's chunks in one
/// transaction (``next()`` blocks until the next chunk is ready; a batch's last chunk says so); at most `capacity`
/// chunks wait.
final class ChunkFeed: @unchecked Sendable {
    /// A chunk: its events in position order, and what each projection prepared from them (in projection order).
    struct Chunk {
        let events: [DecodedEvent]
        let prepared: [(any Sendable)?]
        /// The last chunk of its batch: the writer commits after it.
        let endsBatch: Bool
    }

    private let condition = NSCondition()
    private var ready: [Chunk] = []
    private var finished = false
    private var cancelled = false
    private var failure: (any Error)?
    private let capacity: Int

    /// Starts reading `batches` (each a list of runs of whole streams, first and last stream id, see
    /// ``ProjectionEngine/chunkedBatches(of:batchSize:chunkSize:)``) up to position `head`, preparing every chunk for
    /// `projections`.
    init(
        pool: DatabasePool,
        decoder: EventDecoder,
        batches: [[(first: String, last: String)]],
        upTo head: Int64,
        projections: [any Projection],
        capacity: Int = 3
    ) {
        self.capacity = capacity
        let thread = Thread { [self] in
            produce(pool: pool, decoder: decoder, batches: batches, head: head, projections: projections)
        }
        thread.name = "registrar-rebuild-reader"
        thread.start()
    }

    private func produce(
        pool: DatabasePool,
        decoder: EventDecoder,
        batches: [[(first: String, last: String)]],
        head: Int64,
        projections: [any Projection]
    ) {
        do {
            for chunks in batches {
                guard let first = chunks.first, let last = chunks.last else { continue }
                if isCancelled { break }
                let rows = try pool.read { db in try SQLiteEventStore.readStreams(db, from: first.first, through: last.last, upTo: head) }
                // Each row to its chunk (the chunks' streams are consecutive ranges of ids), in position order.
                var parts = [[RecordedEvent]](repeating: [], count: chunks.count)
                let lasts = chunks.map(\.last)
                for row in rows {
                    var low = 0
                    var high = lasts.count - 1
                    while low < high {
                        let middle = (low + high) / 2
                        if row.streamId <= lasts[middle] { high = middle } else { low = middle + 1 }
                    }
                    parts[low].append(row)
                }
                for (index, part) in parts.enumerated() {
                    if isCancelled { break }
                    let events = try decoder.decode(part)
                    parts[index] = []
                    let chunk = Chunk(events: events, prepared: projections.map { $0.prepare(events) }, endsBatch: index == parts.count - 1)
                    condition.lock()
                    while ready.count >= capacity && !cancelled { condition.wait() }
                    ready.append(chunk)
                    condition.broadcast()
                    condition.unlock()
                }
            }
        } catch {
            condition.lock()
            failure = error
            condition.unlock()
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// The next chunk, once it is ready; nil after the last one. Throws the reader's error, or `CancellationError`
    /// after ``cancel()``.
    func next() throws -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished && !cancelled { condition.wait() }
        if cancelled { throw CancellationError() }
        if let failure { throw failure }
        guard !ready.isEmpty else { return nil }
        let chunk = ready.removeFirst()
        condition.broadcast()
        return chunk
    }

    /// Stops the reader (it finishes the chunk in hand) and makes ``next()`` throw.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
