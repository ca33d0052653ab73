import Foundation
import Synchronization

/// Request counters and latency histograms, written out in the Prometheus text format (version 0.0.4).
///
/// Hand-written rather than swift-metrics + swift-prometheus: a few counters do not justify two more packages in
/// every build, and the text format is small and stable.
final class HTTPMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct RouteKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private struct Histogram {
        var counts = [Int](repeating: 0, count: HTTPMetrics.buckets.count)
        var sum = 0.0
        var count = 0
    }

    private struct State {
        var requests: [RouteKey: Int] = [:]
        var latency: [String: Histogram] = [:]
        var appendedEvents = 0
        var commands: [String: Int] = [:]
        var refusals: [String: Int] = [:]
    }

    private let state = Mutex(State())

    /// Records one answered request. `route` is the route pattern (never the raw path: no ids in labels); `refusal`
    /// the code of a 4xx (a closed set: a lock-out is told from a wrong password).
    func record(method: String, route: String, status: Int, seconds: Double, refusal: String? = nil) {
        state.withLock { state in
            state.requests[RouteKey(method: method, route: route, status: status), default: 0] += 1
            if let refusal { state.refusals[refusal, default: 0] += 1 }
            var histogram = state.latency["\(method) \(route)", default: Histogram()]
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { histogram.counts[index] += 1 }
            histogram.sum += seconds
            histogram.count += 1
            state.latency["\(method) \(route)"] = histogram
        }
    }

    /// Records events appended by a command (0 for a refused or replayed one) and its outcome.
    func recordCommand(outcome: String, appended: Int) {
        state.withLock { state in
            state.appendedEvents += appended
            state.commands[outcome, default: 0] += 1
        }
    }

    /// The exposition text, with the log and projection gauges read just before.
    func render(
        headPosition: Int64,
        checkpoints: [String: Int64],
        replies: ReplyCache? = nil,
        skippedSnapshots: [String: Int] = [:]
    ) -> String {
        let snapshot = state.withLock { $0 }
        var out = ""
        out += "# HELP registrar_http_requests_total HTTP requests answered, by method, route pattern and status.\n"
        out += "# TYPE registrar_http_requests_total counter\n"
        for (key, count) in snapshot.requests.sorted(by: {
            ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status)
        }) {
            out += "registrar_http_requests_total{method=\"\(key.method)\",route=\"\(escape(key.route))\",status=\"\(key.status)\"} \(count)\n"
        }
        out += "# HELP registrar_http_request_duration_seconds Time to answer a request, by method and route pattern.\n"
        out += "# TYPE registrar_http_request_duration_seconds histogram\n"
        for (name, histogram) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            let parts = name.split(separator: " ", maxSplits: 1).map(String.init)
            let labels = "method=\"\(parts[0])\",route=\"\(escape(parts.count > 1 ? parts[1] : ""))\""
            for (index, bound) in Self.buckets.enumerated() {
                out += "registrar_http_request_duration_seconds_bucket{\(labels),le=\"\(format(bound))\"} \(histogram.counts[index])\n"
            }
            out += "registrar_http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(histogram.count)\n"
            out += "registrar_http_request_duration_seconds_sum{\(labels)} \(format(histogram.sum))\n"
            out += "registrar_http_request_duration_seconds_count{\(labels)} \(histogram.count)\n"
        }
        if !snapshot.refusals.isEmpty {
            out += "# HELP registrar_http_refusals_total Requests refused with a 4xx, by the error's code (auth.locked_out, "
            out += "auth.client_locked_out, auth.client_busy, request.invalid_json, …).\n"
            out += "# TYPE registrar_http_refusals_total counter\n"
            for (code, count) in snapshot.refusals.sorted(by: { $0.key < $1.key }) {
                out += "registrar_http_refusals_total{code=\"\(escape(code))\"} \(count)\n"
            }
        }
        out += "# HELP registrar_commands_total Commands run through the API, by outcome (appended, unchanged, replayed, rejected).\n"
        out += "# TYPE registrar_commands_total counter\n"
        for (outcome, count) in snapshot.commands.sorted(by: { $0.key < $1.key }) {
            out += "registrar_commands_total{outcome=\"\(outcome)\"} \(count)\n"
        }
        out += "# HELP registrar_events_appended_total Events appended by commands of this process.\n"
        out += "# TYPE registrar_events_appended_total counter\n"
        out += "registrar_events_appended_total \(snapshot.appendedEvents)\n"
        if !skippedSnapshots.isEmpty {
            out +=
                "# HELP registrar_snapshots_skipped_total Snapshot rows ignored by loads (the stream replayed instead), by reason: "
                + "not_decompressed (a damaged blob or dictionary), not_usable (a state that does not decode, or a row that does not "
                + "continue into its stream). `registrar verify` names them; `registrar snapshot` rewrites them.\n"
            out += "# TYPE registrar_snapshots_skipped_total counter\n"
            for (reason, count) in skippedSnapshots.sorted(by: { $0.key < $1.key }) {
                out += "registrar_snapshots_skipped_total{reason=\"\(reason)\"} \(count)\n"
            }
        }
        out += "# HELP registrar_log_head_position Global position of the newest event in the log.\n"
        out += "# TYPE registrar_log_head_position gauge\n"
        out += "registrar_log_head_position \(headPosition)\n"
        if !checkpoints.isEmpty {
            out += "# HELP registrar_projection_checkpoint Position each read model has folded up to.\n"
            out += "# TYPE registrar_projection_checkpoint gauge\n"
            for (name, position) in checkpoints.sorted(by: { $0.key < $1.key }) {
                out += "registrar_projection_checkpoint{projection=\"\(escape(name))\"} \(position)\n"
            }
            out += "# HELP registrar_projection_lag_events Events in the log not yet folded into each read model.\n"
            out += "# TYPE registrar_projection_lag_events gauge\n"
            for (name, position) in checkpoints.sorted(by: { $0.key < $1.key }) {
                out += "registrar_projection_lag_events{projection=\"\(escape(name))\"} \(max(0, headPosition - position))\n"
            }
        }
        if let replies, replies.isEnabled {
            let lookups = replies.lookups()
            out += "# HELP registrar_reply_cache_lookups_total Reads looked up in the reply cache, by read and result (hit: served from memory).\n"
            out += "# TYPE registrar_reply_cache_lookups_total counter\n"
            for kind in ReplyCache.Kind.allCases {
                out += "registrar_reply_cache_lookups_total{read=\"\(kind.rawValue)\",result=\"hit\"} \(lookups.hits[kind] ?? 0)\n"
                out += "registrar_reply_cache_lookups_total{read=\"\(kind.rawValue)\",result=\"miss\"} \(lookups.misses[kind] ?? 0)\n"
            }
            out += "# HELP registrar_reply_cache_bytes Bytes of replies kept.\n"
            out += "# TYPE registrar_reply_cache_bytes gauge\n"
            out += "registrar_reply_cache_bytes \(lookups.bytes)\n"
        }
        return out
    }

    private func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
