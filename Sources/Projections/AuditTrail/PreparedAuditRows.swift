import EventLog
import Foundation

/// The audit rows of a rebuild's chunk, computed ahead of the writer (``AuditTrailProjection/prepare(_:)``) and
/// packed for it: every text of the chunk's rows as UTF-8 in one buffer, and the rows as offsets into it.
///
/// The writer binds the texts in place (no copy, no reference counting per value): binding ~150,000 Swift strings for
/// a 2,000-candidate season cost more than SQLite's inserts themselves.
final class PreparedAuditRows: @unchecked Sendable {
    /// A text of a row: `count` bytes at `start` in ``bytes``; a negative count is NULL.
    struct Text {
        let start: Int32
        let count: Int32
    }

    /// An event's row of `audit_events`: its texts are ``eventTextColumns`` entries of ``texts`` from
    /// `index * eventTextColumns`, its changed fields ``changes`` entries from `firstChange`.
    struct Event {
        let position: Int64
        let firstChange: Int32
        let changeCount: Int32
    }

    /// `subject_id`, `recorded_at`, `actor_id`, `role`, `channel`, `event_type`, `action`, `reason`, `request_id`,
    /// `correlation_id`, `hash`: the columns of `audit_events` after `position`, in order.
    static let eventTextColumns = 11
    /// `field`, `field_kind`, `before`, `after`: the columns of `audit_trail` after `position` and `seq`.
    static let changeTextColumns = 4

    let firstPosition: Int64
    let lastPosition: Int64
    /// The events (rows of `audit_events`).
    let eventCount: Int
    let bytes: UnsafeMutableBufferPointer<UInt8>
    let texts: UnsafeMutableBufferPointer<Text>
    let events: UnsafeMutableBufferPointer<Event>

    /// Packs the rows of `events` (in position order) and their changes (one list per event).
    init(_ events: [DecodedEvent], changes: [[FieldChange]]) {
        var bytes = [UInt8]()
        var texts = [Text]()
        var rows = [Event]()
        rows.reserveCapacity(events.count)
        texts.reserveCapacity(events.count * (Self.eventTextColumns + 5 * Self.changeTextColumns))
        bytes.reserveCapacity(events.count * 800)
        func add(_ value: String?) {
            guard var value else {
                texts.append(Text(start: 0, count: -1))
                return
            }
            texts.append(Text(start: Int32(bytes.count), count: Int32(value.utf8.count)))
            value.withUTF8 { bytes.append(contentsOf: $0) }
        }
        var changeCount = 0
        for (event, changes) in zip(events, changes) {
            let metadata = event.metadata
            add(event.streamId)
            add(metadata.recordedAt)
            add(metadata.actorId)
            add(metadata.role)
            add(metadata.channel)
            add(event.recorded.type)
            add(AuditFold.action(event.recorded.type))
            add(AuditTrailProjection.reason(event))
            add(metadata.requestId)
            add(metadata.correlationId)
            add(event.recorded.hash.hexString)
            rows.append(Event(position: event.position, firstChange: Int32(changeCount), changeCount: Int32(changes.count)))
            changeCount += changes.count
        }
        // The changes' texts after all the events' (the writer finds them by index).
        for changes in changes {
            for change in changes {
                add(change.field)
                add(AuditFold.kind(of: change.field))
                add(change.before)
                add(change.after)
            }
        }
        firstPosition = events.first?.position ?? 0
        lastPosition = events.last?.position ?? 0
        eventCount = rows.count
        self.bytes = .allocate(capacity: max(bytes.count, 1))
        _ = self.bytes.initialize(from: bytes)
        self.texts = .allocate(capacity: max(texts.count, 1))
        _ = self.texts.initialize(from: texts)
        self.events = .allocate(capacity: max(rows.count, 1))
        _ = self.events.initialize(from: rows)
        changeTextsStart = rows.count * Self.eventTextColumns
    }

    /// Where the changes' texts start in ``texts``.
    let changeTextsStart: Int

    deinit {
        bytes.deallocate()
        texts.deallocate()
        events.deallocate()
    }

    /// The text at `index` of ``texts``, decoded.
    func text(_ index: Int) -> String? {
        let text = texts[index]
        guard text.count >= 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(text.start)..<Int(text.start + text.count)]), as: UTF8.self)
    }

    /// The texts of event `index`'s row of `audit_events`, in column order.
    func eventTexts(_ index: Int) -> [String?] {
        (0..<Self.eventTextColumns).map { text(index * Self.eventTextColumns + $0) }
    }

    /// The texts of event `index`'s rows of `audit_trail`, each in column order.
    func changeTexts(_ index: Int) -> [[String?]] {
        let event = events[index]
        return (0..<Int(event.changeCount)).map { seq in
            let first = changeTextsStart + (Int(event.firstChange) + seq) * Self.changeTextColumns
            return (0..<Self.changeTextColumns).map { text(first + $0) }
        }
    }

    /// Prepared from exactly these events.
    func covers(_ batch: [DecodedEvent]) -> Bool {
        batch.count == eventCount && batch.first?.position == firstPosition && batch.last?.position == lastPosition
    }
}
