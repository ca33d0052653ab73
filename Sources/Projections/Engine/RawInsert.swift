import GRDB
import GRDBSQLite

/// A value bound without GRDB's argument boxing (which costs more than the insert itself on the audit trail's hot
/// path).
enum RawValue {
    case int(Int64)
    case text(String)
    case null

    init(_ text: String?) { self = text.map(RawValue.text) ?? .null }
}

extension Statement {
    /// Binds the values to the parameters 1... and runs the statement once.
    func executeRaw(_ values: RawValue...) throws {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .int(let number): sqlite3_bind_int64(handle, index, number)
            case .text(let text):
                var text = text
                text.withUTF8 { bytes in
                    _ = bytes.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), transient) }
                }
            case .null: sqlite3_bind_null(handle, index)
            }
        }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))
        }
    }
}
