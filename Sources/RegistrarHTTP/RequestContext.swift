import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The per-request context of the API: Hummingbird's core storage plus the request id.
public struct RegistrarRequestContext: Hummingbird.RequestContext {
    /// Hummingbird's storage (logger, route parameters, endpoint path).
    public var coreContext: CoreRequestContextStorage
    /// The client's `X-Request-Id` when it sent a usable one, otherwise a new UUID; echoed in the response, in
    /// every log line of the request and (as the correlation id) in the metadata of the events it appends.
    public var requestID: String

    /// Creates the context for a request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
    }
}

/// Header names the API reads or writes.
enum Header {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let correlationID = HTTPField.Name("X-Correlation-Id")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    static let retryAfter = HTTPField.Name("Retry-After")!
    static let wwwAuthenticate = HTTPField.Name("WWW-Authenticate")!
    /// RFC 8288: the next page of a list.
    static let link = HTTPField.Name("Link")!

    /// The `Link` value naming `target` (a path and its query) as the next page.
    static func nextPage(_ target: String) -> String { "<\(target)>; rel=\"next\"" }

    /// A header value usable as an id: 1 to 128 visible ASCII characters.
    static func token(_ value: String?, maxLength: Int = 128) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= maxLength,
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        return value
    }
}
