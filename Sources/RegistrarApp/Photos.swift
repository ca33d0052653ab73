import Crypto
import Foundation
import GRDB

/// A candidate's photo (报名照片) as uploaded: the bytes and the SHA-256 they are named by.
public struct StoredPhoto: Sendable, Equatable {
    /// `photo-` and the lowercase hex SHA-256 of ``bytes``: the id the application's event records, so the log's hash
    /// chain vouches for the image as well.
    public var photoID: String
    /// The file as uploaded.
    public var bytes: Data

    /// The photo of these bytes, named by their hash.
    public init(bytes: Data) {
        self.init(photoID: Self.photoID(of: bytes), bytes: bytes)
    }

    /// A photo kept under its id (``PhotoTable``): `registrar verify` checks that the bytes still hash to it.
    init(photoID: String, bytes: Data) {
        self.photoID = photoID
        self.bytes = bytes
    }

    /// `photo-` and the lowercase hex SHA-256 of `bytes`.
    public static func photoID(of bytes: Data) -> String {
        "photo-" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether the bytes are a JPEG file as far as its structure goes: the start-of-image marker, then marker segments
    /// whose lengths hold, among them a frame header (SOF) with a width and a height, up to the start of scan; and the
    /// end-of-image marker last (zero bytes of padding after it allowed). The image data itself is the viewer's to
    /// decode; this keeps out what merely starts like a JPEG (an HTML page behind `FF D8 FF`, a file with more after it).
    public var isJPEG: Bool {
        let bytes = [UInt8](self.bytes)
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return false }
        guard let end = bytes.lastIndex(where: { $0 != 0 }), end >= 1, bytes[end - 1] == 0xFF, bytes[end] == 0xD9 else { return false }
        var index = 2
        var framed = false
        while index + 4 <= end {
            guard bytes[index] == 0xFF else { return false }
            let marker = bytes[index + 1]
            if marker == 0xFF {
                index += 1  // fill bytes before a marker
                continue
            }
            if (0xD0...0xD7).contains(marker) || marker == 0x01 {
                index += 2  // markers without a length
                continue
            }
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            guard length >= 2, index + 2 + length <= end + 1 else { return false }
            // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard length >= 8 else { return false }
                let height = Int(bytes[index + 5]) << 8 | Int(bytes[index + 6])
                let width = Int(bytes[index + 7]) << 8 | Int(bytes[index + 8])
                guard height > 0, width > 0 else { return false }
                framed = true
            }
            if marker == 0xDA { return framed }  // start of scan: the entropy-coded data runs to the end-of-image
            index += 2 + length
        }
        return false
    }

    /// The bytes of a photo sent as base64 the ways clients send it: standard or URL-safe alphabet, with or without
    /// padding, wrapped in lines (MIME), or as a `data:image/jpeg;base64,` URL. Nil for anything else.
    public static func decodeBase64(_ text: String) -> Data? {
        // Every application carries one (tens of KB): the usual form is decoded as it is, the others byte by byte,
        // never through Characters (grapheme breaking costs milliseconds at this size).
        if let bytes = Data(base64Encoded: text) { return bytes }
        var body = Substring(text).utf8[...]
        if body.starts(with: "data:".utf8) {
            guard let comma = body.firstIndex(of: UInt8(ascii: ",")), body[..<comma].reversed().starts(with: "46esab;".utf8) else {
                return nil
            }
            body = body[body.index(after: comma)...]
        }
        var cleaned = [UInt8]()
        cleaned.reserveCapacity(body.count + 3)
        for byte in body {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): continue
            case UInt8(ascii: "-"): cleaned.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): cleaned.append(UInt8(ascii: "/"))
            default: cleaned.append(byte)
            }
        }
        cleaned += repeatElement(UInt8(ascii: "="), count: (4 - cleaned.count % 4) % 4)
        return Data(base64Encoded: Data(cleaned))
    }
}

/// The `photos` table, in the event log's file beside it (as the credentials), outside the log: an application's
/// event names its photo by hash, the bytes are kept here once per distinct image, written in the same transaction as
/// the application.
public enum PhotoTable {
    /// Creates the table when missing.
    public static func migrate(_ db: Database) throws {
        // A rowid table: rows of up to the season's photo limit (tens of KB) overflow pages either way, and a WITHOUT
        // ROWID table would copy them into its b-tree's interior.
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS photos (
                    photo_id TEXT NOT NULL UNIQUE,
                    bytes BLOB NOT NULL,
                    stored_at REAL NOT NULL
                )
                """
        )
    }

    /// Keeps a photo; one already kept (the same bytes, from a retry or another application) stays as it is.
    public static func insert(_ photo: StoredPhoto, at date: Date, into db: Database) throws {
        try db.execute(
            sql: "INSERT INTO photos (photo_id, bytes, stored_at) VALUES (?, ?, ?) ON CONFLICT (photo_id) DO NOTHING",
            arguments: [photo.photoID, photo.bytes, date.timeIntervalSince1970]
        )
    }

    /// The photo of this id, if kept.
    public static func find(_ photoID: String, in db: Database) throws -> StoredPhoto? {
        guard let bytes = try Data.fetchOne(db, sql: "SELECT bytes FROM photos WHERE photo_id = ?", arguments: [photoID]) else {
            return nil
        }
        return StoredPhoto(photoID: photoID, bytes: bytes)
    }

    /// Whether the photo of this id is kept (the unique index answers; the bytes are not read).
    public static func contains(_ photoID: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM photos WHERE photo_id = ?)", arguments: [photoID]) ?? false
    }

    /// The photos applications name by hash (`photo-` and 64 hex digits) that the table does not hold: a row deleted,
    /// or replaced by another image under that image's own hash. Applications from before photos were kept name ids of
    /// another form, and are not counted. `registrar verify` reports them.
    public static func missing(in db: Database) throws -> [String] {
        let photos = try db.tableExists("photos") ? "SELECT photo_id FROM photos" : "SELECT NULL WHERE 0"
        return try String.fetchAll(
            db,
            sql: """
                SELECT DISTINCT named FROM (
                    SELECT json_extract(data, '$.photoID') AS named FROM events WHERE event_type = 'ApplicationSubmitted'
                )
                WHERE length(named) = 70 AND named GLOB 'photo-[0-9a-f]*' AND substr(named, 7) NOT GLOB '*[^0-9a-f]*'
                AND named NOT IN (\(photos))
                ORDER BY named
                """
        )
    }

    /// The kept photos no application names: every row is written in the transaction of the application that names
    /// it, so a row without one was added outside the log. `registrar verify` reports them.
    public static func unnamed(in db: Database) throws -> [String] {
        guard try db.tableExists("photos") else { return [] }
        return try String.fetchAll(
            db,
            sql: """
                SELECT photo_id FROM photos WHERE photo_id NOT IN (
                    SELECT json_extract(data, '$.photoID') FROM events
                    WHERE event_type = 'ApplicationSubmitted' AND json_extract(data, '$.photoID') IS NOT NULL
                )
                ORDER BY photo_id
                """
        )
    }

    /// The ids of kept photos whose bytes no longer hash to their id (a changed file): `registrar verify` reports them.
    public static func damaged(in db: Database) throws -> (checked: Int, damaged: [String]) {
        var checked = 0
        var damaged: [String] = []
        guard try db.tableExists("photos") else { return (0, []) }
        let rows = try Row.fetchCursor(db, sql: "SELECT photo_id, bytes FROM photos ORDER BY rowid")
        while let row = try rows.next() {
            checked += 1
            let id: String = row["photo_id"]
            let bytes: Data = row["bytes"] ?? Data()
            if StoredPhoto.photoID(of: bytes) != id { damaged.append(id) }
        }
        return (checked, damaged)
    }
}
