import EventLog
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request that NIO's HTTP parser refused before any route saw it with the API's `{code, field, message}`
/// body, then closes its side of the connection: a request line or headers over the 80 KB limit (431), a malformed method,
/// target, version, header or `Content-Length` (400).
///
/// Hummingbird answers these itself with an empty 400, the one 4xx a client could get without the body every other
/// one has. This handler sits after the HTTP decoder and sees the parser's error first. Between requests it answers
/// (after the replies to requests read before, when they were pipelined); an error in the middle of a body (a broken
/// chunked encoding) goes on to the route reading it, which answers `request.unreadable_body`, unless that request
/// was answered already: then the connection is closed without a second reply.
final class ParserRefusalResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A request's head has come and its end not yet.
    private var readingRequest = false
    /// Requests whose reply has not been written to its end.
    private var repliesOwed = 0
    private var answered = false
    /// A refusal that waits for the replies to the requests before it on the connection (pipelined).
    private var deferredRefusal: HTTPParserError?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            readingRequest = true
            repliesOwed += 1
        case .end:
            readingRequest = false
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head where repliesOwed == 0:
            // A reply no request is owed: Hummingbird's bare 400 for a body that ended badly after its request was
            // answered (a 413 decided from `Content-Length`, then the client stops sending). One request, one reply:
            // the connection is closed instead.
            promise?.fail(ChannelError.outputClosed)
            context.close(promise: nil)
            return
        case .head, .body:
            context.write(data, promise: promise)
            return
        case .end:
            break
        }
        repliesOwed -= 1
        context.write(data, promise: promise)
        if repliesOwed == 0, let refusal = deferredRefusal {
            deferredRefusal = nil
            answer(refusal, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if answered, case ByteToMessageDecoderError.dataReceivedInErrorState = error {
            // What the client goes on sending after the refusal, dropped by the decoder.
            return
        }
        guard let parserError = error as? HTTPParserError, !readingRequest, !answered, deferredRefusal == nil else {
            context.fireErrorCaught(error)
            return
        }
        if repliesOwed > 0 {
            // Requests read before this one are still being answered: their replies first.
            deferredRefusal = parserError
        } else {
            answer(parserError, context: context)
        }
    }

    private func answer(_ parserError: HTTPParserError, context: ChannelHandlerContext) {
        answered = true
        let refusal = Self.refusal(parserError)
        // The body has three strings: encoding it cannot fail.
        let body = (try? RegistrarAPI.encoder.encode(refusal.body)) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = String(body.count)
        headers[.connection] = "close"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: refusal.status, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        // A lingering close: the reply, then the output side only. Closing both sides while the client is still
        // sending (the body after a refused head) makes the kernel reset the connection, and the client may lose
        // the reply unread. The decoder drops whatever else comes; the client's own close or the idle timeout ends
        // the connection.
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
        }
    }

    /// The status and body for what the parser refused.
    static func refusal(_ error: HTTPParserError) -> APIError {
        switch error {
        case .headerOverflow:
            return APIError(
                HTTPResponse.Status(code: 431, reasonPhrase: "Request Header Fields Too Large"),
                code: "request.head_too_large",
                field: "head",
                message: "请求行或请求头过长（合计不得超过80 KB）"
            )
        case .invalidMethod:
            return malformed(field: "method", message: "请求方法无效")
        case .invalidURL:
            return malformed(field: "url", message: "请求地址无效")
        case .invalidVersion:
            return malformed(field: "version", message: "HTTP版本无效（应为HTTP/1.0或HTTP/1.1）")
        case .invalidHeaderToken, .invalidCharactersUsed, .lfExpected, .invalidConstant:
            return malformed(field: "headers", message: "请求头格式错误（名称或值含非法字符，或换行不是CRLF）")
        case .invalidContentLength, .unexpectedContentLength:
            return malformed(field: "Content-Length", message: "Content-Length无效或与Transfer-Encoding冲突")
        case .invalidChunkSize:
            return malformed(field: "body", message: "分块编码（chunked）的块长度无效")
        case .unknown:
            // What NIO reports for llhttp's HPE_INVALID_TRANSFER_ENCODING (a Transfer-Encoding other than a final
            // `chunked`, or one beside Content-Length) and for the few parser errors it has no case for.
            return malformed(field: "Transfer-Encoding", message: "Transfer-Encoding无效（须以chunked结尾）或与Content-Length同时出现")
        default:
            return malformed(field: "request", message: "请求不是有效的HTTP/1.1请求")
        }
    }

    private static func malformed(field: String, message: String) -> APIError {
        APIError(.badRequest, code: "request.malformed_http", field: field, message: message)
    }
}
