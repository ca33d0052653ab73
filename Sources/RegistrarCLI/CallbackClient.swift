import Foundation
import RegistrarHTTP

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends a signed callback (``CallbackSignature``) to a running server, as CHSI or the bank would.
struct CallbackClient {
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    var baseURL: String
    /// How the requests are signed.
    var signature: CallbackSignature

    /// POSTs `body` to `path`, signed with a fresh nonce; returns the status and the response body.
    func post(_ path: String, body: Data) async throws -> (status: Int, body: String) {
        let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let url = URL(string: trimmed + path), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw failure("invalid --url \(baseURL): give the server's address, e.g. http://127.0.0.1:8080")
        }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for header in signature.headers(body: body) {
            request.setValue(header.value, forHTTPHeaderField: header.name)
        }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        } catch let error as URLError {
            throw failure("cannot reach \(baseURL): \(Self.describe(error))")
        }
    }

    /// A transport failure in words (Foundation's own description on Linux is an NSError dump).
    static func describe(_ error: URLError) -> String {
        switch error.code {
        case .cannotConnectToHost: "connection refused (is `registrar serve` running there?)"
        case .cannotFindHost, .dnsLookupFailed: "unknown host"
        case .timedOut: "no answer in time"
        case .networkConnectionLost: "the connection was closed before the answer"
        case .unsupportedURL, .badURL: "not an http(s) URL"
        default: "network error \(error.code.rawValue)"
        }
    }
}
