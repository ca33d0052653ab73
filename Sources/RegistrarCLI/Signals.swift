import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Catches SIGINT and SIGTERM while it lives: instead of ending the process there and then (which skips every
/// cleanup), each signal calls `handler`, which cancels the work so that its own cleanup runs.
// Unchecked: the sources are set once in init and only cancelled afterwards; dispatch synchronises its own state.
final class SignalTrap: @unchecked Sendable {
    private let signals: [Int32]
    private let sources: [any DispatchSourceSignal]

    init(_ signals: [Int32] = [SIGINT, SIGTERM], handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        sources = signals.map { number in
            // Ignored first, so that the default action (terminate) no longer runs; the source still sees it.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// Gives the signals back their default action.
    func stop() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
