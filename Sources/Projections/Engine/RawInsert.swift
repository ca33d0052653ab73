import Foundation
import GRDB
import GRDBSQLite

/// A value bound by ``RawBinder/run(_:)``.
enum RawValue {
    case text(String?)
    case integer(Int64)
    case blob(Data)
    case null

    static func int(_ value: Int) -> RawValue { .integer(Int64(value)) }
    static func bool(_ value: Bool) -> RawValue { .integer(value ? 1 : 0) }
    static func optionalBlob(_ value: Data?) -> RawValue { value.map { .blob($0) } ?? .null }
}

/// Binds and runs a prepared statement through the SQLite C API: GRDB's argument boxing costs more than the insert
/// itself on the audit trail's hot path (several rows per event).
struct RawBinder {
    private let handle: SQLiteStatement
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: Statement) { handle = statement.sqliteStatement }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    /// Binds the values to parameters 1, 2, … in order, runs the statement once and resets it.
    func run(_ values: RawValue...) throws {
        reset()
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .text(let text): bind(index, text)
            case .integer(let integer): bind(index, integer)
            case .blob(let data):
                _ = data.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
            case .null: sqlite3_bind_null(handle, index)
            }
        }
        try step()
    }

    func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bytes in
            // An empty buffer may have no base address, which SQLite would read as NULL rather than "".
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                sqlite3_bind_text(handle, index, "", 0, Self.transient)
                return
            }
            base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                _ = sqlite3_bind_text(handle, index, $0, Int32(bytes.count), Self.transient)
            }
        }
    }

    /// Runs the statement once.
    func step() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))
        }
    }
}
