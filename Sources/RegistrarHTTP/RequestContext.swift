import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The per-request context of the API: Hummingbird's core storage plus the request id.
public struct RegistrarRequestContext: Hummingbird.RequestContext {
    /// Hummingbird's storage (logger, route parameters, endpoint path).
    public var coreContext: CoreRequestContextStorage
    /// The client's `X-Request-Id` when it sent a usable one, otherwise a new UUID; echoed in the response, in
    /// every log line of the request and (as the correlation id) in the metadata of the events it appends.
    public var requestID: String
    /// For a write with an `Idempotency-Key`: the keyed digest of its method, path and body
    /// (``RegistrarAPI/fingerprint(of:)``), stored with the events it appends, so that the key cannot answer another
    /// request with the first one's result.
    public var requestFingerprint: String?
    /// The connection the request came on; its peer is the client, or the proxy in front of it.
    private let channel: any Channel

    /// Creates the context for a request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
        requestFingerprint = nil
        channel = source.channel
    }

    /// The IP address of the connection's other end (nil when the transport has none, as in the router tests).
    var peerAddress: String? { channel.remoteAddress?.ipAddress }
}

/// Header names the API reads or writes.
enum Header {
    static let requestID = HTTPField.Name("X-Request-Id")!
    /// The code of a refusal a page rendered itself (never sent: the request log and the metrics take it off).
    static let pageRefusal = HTTPField.Name("X-Registrar-Refusal")!
    static let correlationID = HTTPField.Name("X-Correlation-Id")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    static let retryAfter = HTTPField.Name("Retry-After")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let wwwAuthenticate = HTTPField.Name("WWW-Authenticate")!
    /// RFC 8288: the next page of a list.
    static let link = HTTPField.Name("Link")!

    /// The `Link` value naming `target` (a path and its query) as the next page.
    static func nextPage(_ target: String) -> String { "<\(target)>; rel=\"next\"" }

    /// A header value usable as an id: 1 to 128 visible ASCII characters.
    /// The token of an `Authorization: Bearer <token>` value ("Bearer" in any case), without the spaces and tabs
    /// around it (HTTP's optional whitespace); nil for another scheme or nothing after it. Pure Swift: Foundation's
    /// `trimmingCharacters` goes through `NSString` here and cost ~1 % of the server's CPU under writes.
    static func bearerToken(_ value: String) -> String? {
        let bytes = value.utf8
        guard bytes.count > 7 else { return nil }
        let scheme = bytes.prefix(7)
        let lowercased: (UInt8) -> UInt8 = { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
        guard scheme.elementsEqual("bearer ".utf8, by: { lowercased($0) == $1 }) else { return nil }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        let token = bytes.dropFirst(7).drop(while: isSpace)
        guard let last = token.lastIndex(where: { !isSpace($0) }) else { return nil }
        return String(Substring(token[...last]))
    }

    static func token(_ value: String?, maxLength: Int = 128) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= maxLength,
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        return value
    }
}
