/// Benchmarks: every figure is a ratio against a baseline measured in the same run, so that the figures survive a
/// change of machine and the load of other work on it. `registrar bench` runs them; see BENCHMARKS.md.
///
/// - `runEventLog(directory:events:rounds:log:)`: the event log against a raw-SQLite loop (issue 2).
/// - `runCommandPath(directory:configuration:peer:log:)`: the full command path and candidate loads against the Python
///   eventsourcing peer, run in the same process by ``PeerRun`` (issue 3).
/// - `runRebuild(directory:configuration:peer:log:)`: rebuilding every read model against a raw scan and the peer's
///   read + decode (issue 4).
public enum RegistrarBench {}
