import Foundation
import Synchronization

/// The live feeds open (`/events/stream`): a few per account and a bounded number in all, since each holds a
/// connection and reads the log at every append (audit Y-2). A feed's slot is given back when the feed ends, or when
/// its response is dropped without ever being sent.
final class FeedSlots: Sendable {
    private let open = Mutex<[String: Int]>([:])
    /// Feeds one account may hold at once (a few browser tabs).
    let perAccount: Int
    /// Feeds the server holds at once.
    let total: Int

    init(perAccount: Int = 8, total: Int = 512) {
        self.perAccount = perAccount
        self.total = total
    }

    /// Takes a slot for the account, or refuses with 429 naming the limit reached.
    func open(for account: String) throws -> Slot {
        let refusal: String? = open.withLock { open in
            if open[account, default: 0] >= perAccount { return "同一账号最多同时打开\(perAccount)个事件动态，请先关闭其他页面" }
            if open.values.reduce(0, +) >= total { return "事件动态的连接数已满，请稍后再试" }
            open[account, default: 0] += 1
            return nil
        }
        if let refusal {
            throw APIError(.tooManyRequests, code: "feed.too_many", field: "path", message: refusal, headers: ["Retry-After": "30"])
        }
        return Slot(account: account, slots: self)
    }

    fileprivate func release(_ account: String) {
        open.withLock { open in
            let left = open[account, default: 1] - 1
            open[account] = left > 0 ? left : nil
        }
    }

    /// One open feed; closed once (explicitly, or when dropped).
    final class Slot: Sendable {
        private let account: String
        private let slots: FeedSlots
        private let closed = Atomic<Bool>(false)

        fileprivate init(account: String, slots: FeedSlots) {
            self.account = account
            self.slots = slots
        }

        /// Gives the slot back (again: nothing).
        func close() {
            if !closed.exchange(true, ordering: .relaxed) { slots.release(account) }
        }

        deinit { close() }
    }
}
