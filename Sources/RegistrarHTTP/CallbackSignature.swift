import Crypto
import EventLog
import Foundation

/// The signature of a callback from an outside system (CHSI, the bank), shared by the server and the simulators.
///
/// The sender puts the Unix time in seconds in `X-<System>-Timestamp`, a fresh nonce (8 to 128 visible ASCII
/// characters) in `X-<System>-Nonce`, and in `X-<System>-Signature` the lowercase hex HMAC-SHA256, keyed with the
/// shared secret, of `timestamp + "\n" + nonce + "\n" + body` (the body's exact bytes).
public struct CallbackSignature: Sendable {
    /// The header prefix, e.g. `X-Chsi` or `X-Bank`.
    public var prefix: String
    /// The shared secret.
    public var secret: String

    /// The CHSI callback's signature.
    public static func chsi(secret: String) -> CallbackSignature { CallbackSignature(prefix: "X-Chsi", secret: secret) }
    /// The bank callback's signature.
    public static func bank(secret: String) -> CallbackSignature { CallbackSignature(prefix: "X-Bank", secret: secret) }

    /// Creates a signature scheme.
    public init(prefix: String, secret: String) {
        self.prefix = prefix
        self.secret = secret
    }

    /// The timestamp header's name.
    public var timestampHeader: String { "\(prefix)-Timestamp" }
    /// The nonce header's name.
    public var nonceHeader: String { "\(prefix)-Nonce" }
    /// The signature header's name.
    public var signatureHeader: String { "\(prefix)-Signature" }

    /// The lowercase hex HMAC-SHA256 of `timestamp \n nonce \n body`.
    public func sign(timestamp: String, nonce: String, body: Data) -> String {
        var message = Data("\(timestamp)\n\(nonce)\n".utf8)
        message.append(body)
        return Self.hex(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8))))
    }

    /// Whether `signature` is the signature of the request (compared in constant time).
    public func verify(signature: String, timestamp: String, nonce: String, body: Data) -> Bool {
        Self.constantTimeEqual(Data(sign(timestamp: timestamp, nonce: nonce, body: body).utf8), Data(signature.lowercased().utf8))
    }

    /// The three headers of a signed request sent at `date`, with a fresh random nonce unless one is given.
    public func headers(body: Data, date: Date = Date(), nonce: String? = nil) -> [(name: String, value: String)] {
        let timestamp = String(Int64(date.timeIntervalSince1970.rounded(.down)))
        let nonce = nonce ?? Self.randomNonce()
        return [
            (timestampHeader, timestamp),
            (nonceHeader, nonce),
            (signatureHeader, sign(timestamp: timestamp, nonce: nonce, body: body)),
        ]
    }

    /// 32 random hex characters.
    public static func randomNonce() -> String {
        hex(SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) })
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).hexString
    }

    static func hex(_ code: HashedAuthenticationCode<SHA256>) -> String { hex(Data(code)) }

    static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

/// The payload of the QR code shown when a CHSI scan starts: `chsi1~<scanID>~<candidateID>~<entryID>~<expiry>~<mac>`,
/// where `expiry` is Unix seconds and `mac` the hex HMAC-SHA256 of everything before it under the server's QR key
/// (ids never contain `~`). CHSI echoes it in its callback, which binds the result to that scan, file and entry.
public struct ChsiQRCode: Sendable, Equatable {
    /// The scan.
    public var scanID: String
    /// The candidate's file.
    public var candidateID: String
    /// The education entry.
    public var entryID: String
    /// When the code stops being accepted (Unix seconds).
    public var expiresAt: Int64

    /// Creates the value.
    public init(scanID: String, candidateID: String, entryID: String, expiresAt: Int64) {
        self.scanID = scanID
        self.candidateID = candidateID
        self.entryID = entryID
        self.expiresAt = expiresAt
    }

    /// The signed payload.
    public func payload(key: String) -> String {
        let body = Self.body(self)
        return body + "~" + Self.mac(body, key: key)
    }

    /// The code in a payload, when its MAC is right (expiry is the caller's to check); nil otherwise.
    public static func parse(_ payload: String, key: String) -> ChsiQRCode? {
        guard payload.utf8.count <= 1_024, let tilde = payload.lastIndex(of: "~") else { return nil }
        let body = String(payload[..<tilde])
        let mac = String(payload[payload.index(after: tilde)...])
        guard CallbackSignature.constantTimeEqual(Data(Self.mac(body, key: key).utf8), Data(mac.utf8)) else { return nil }
        let parts = body.split(separator: "~", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[0] == "chsi1", let expiry = Int64(parts[4]) else { return nil }
        return ChsiQRCode(scanID: parts[1], candidateID: parts[2], entryID: parts[3], expiresAt: expiry)
    }

    static func body(_ code: ChsiQRCode) -> String {
        ["chsi1", code.scanID, code.candidateID, code.entryID, String(code.expiresAt)].joined(separator: "~")
    }

    static func mac(_ body: String, key: String) -> String {
        CallbackSignature.hex(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(key.utf8))))
    }
}
