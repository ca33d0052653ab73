import ArgumentParser
import Foundation
import RegistrarHTTP

/// `registrar bank-sim`: plays the bank against a running server: confirms (or fails) an order with a signed
/// callback, possibly late or twice.
struct BankSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bank-sim",
        abstract: "Confirm or fail a payment order with a signed bank callback to a running server.",
        discussion: """
            Sends POST /api/v1/callbacks/bank with X-Bank-Timestamp, X-Bank-Nonce and X-Bank-Signature (HMAC-SHA256 \
            of timestamp, nonce and body under the shared secret). --late waits before sending; --twice delivers the \
            same transaction again (a new nonce, the same transaction id: the server answers 200 and records it once); \
            --fail reports a failed payment. Never calling it is the bank that never answers.
            """
    )

    @Option(name: .long, help: "The server's base URL.")
    var url = "http://127.0.0.1:8080"

    @Option(name: .long, help: "The shared bank secret (default: $REGISTRAR_BANK_SECRET, else the development secret).")
    var secret: String?

    /// The secret to sign with: --secret, else $REGISTRAR_BANK_SECRET, else the development secret. Resolved when the command
    /// runs, never as the option's default, which `--help` would print.
    var resolvedSecret: String {
        secret ?? ProcessInfo.processInfo.environment["REGISTRAR_BANK_SECRET"] ?? CallbackSettings.developmentBankSecret
    }

    @Option(name: .long, help: "Our order number (orderNumber of the payment's reply).")
    var order: String

    @Option(
        name: .long,
        help: "The amount paid, in fen: the order's amount (amountFen of the payment's reply: 60000 for 执业医师, 50000 for the assistant levels)."
    )
    var amount: Int

    @Option(name: .long, help: "The bank's transaction id (default: a new one).")
    var transaction: String?

    @Option(name: .long, help: "Seconds to wait before answering.")
    var late: Double = 0

    @Flag(name: .long, help: "Deliver the answer twice.")
    var twice = false

    @Flag(name: .long, help: "Report a failed payment.")
    var fail = false

    func validate() throws {
        guard late >= 0, late <= 3_600 else { throw ValidationError("--late must be between 0 and 3600 seconds") }
        guard amount > 0 else { throw ValidationError("--amount must be positive") }
        for (option, value) in [("--url", url), ("--secret", secret ?? "x"), ("--order", order), ("--transaction", transaction ?? "x")]
        where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("\(option) must not be empty")
        }
    }

    func run() async throws {
        if late > 0 { try await Task.sleep(for: .milliseconds(Int(late * 1000))) }
        var body: [String: Any] = [
            "orderNumber": order,
            "bankTransactionID": transaction ?? "txn-" + CallbackSignature.randomNonce(),
            "succeeded": !fail,
            "amountFen": amount,
        ]
        if fail { body["failureReason"] = "余额不足" }
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let client = CallbackClient(baseURL: url, signature: .bank(secret: resolvedSecret))
        var ok = true
        for delivery in 1...(twice ? 2 : 1) {
            let (status, reply) = try await client.post("/api/v1/callbacks/bank", body: data)
            print("bank-sim delivery \(delivery): \(status) \(reply)")
            ok = ok && (200..<300).contains(status)
        }
        guard ok else { throw ExitCode(1) }
    }
}
