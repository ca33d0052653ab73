import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body arrives too slowly (``StrictJSON/isTooSlow(received:after:)``): the idle
/// timeout cuts a client that stops, this a client that never stops trickling, a byte every 20 s (audit Y-3).
///
/// A route that reads the body answers 408 itself when a byte arrives late; but between bytes nothing runs, and a route
/// that answered without reading the body (a refusal) leaves the server draining it. This handler looks at the body
/// every few seconds while one is being received, and closes the connection once it is too slow.
final class BodyDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let checkEvery: TimeAmount
    private var started: NIODeadline?
    private var received = 0
    private var check: RepeatedTask?

    init(checkEvery: TimeAmount = .seconds(5)) {
        self.checkEvery = checkEvery
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            started = .now()
            received = 0
            if check == nil {
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                check = context.eventLoop.scheduleRepeatedTask(initialDelay: checkEvery, delay: checkEvery) { _ in
                    let (handler, context) = loopBound.value
                    handler.closeIfTooSlow(context: context)
                }
            }
        case .body(let chunk):
            received += chunk.readableBytes
        case .end:
            started = nil
        }
        context.fireChannelRead(data)
    }

    private func closeIfTooSlow(context: ChannelHandlerContext) {
        guard let started else { return }
        let elapsed = Duration.nanoseconds((NIODeadline.now() - started).nanoseconds)
        if StrictJSON.isTooSlow(received: received, after: elapsed) {
            self.started = nil
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
    }
}
