/// Benchmarks: every figure is a ratio against a baseline measured in the same run, so that the figures survive a
/// change of machine and the load of other work on it. `registrar bench` runs them; see BENCHMARKS.md.
///
/// - `runEventLog(directory:events:rounds:log:)`: the event log against a raw-SQLite loop (issue 2).
public enum RegistrarBench {}
