import ArgumentParser

/// The `registrar` command: the operator's and developer's tools over one event log file.
public struct RegistrarCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "registrar",
        abstract: "Registrar: the event-sourced registration backend for the national medical licensing exam.",
        subcommands: [
            DemoCommand.self,
            VerifyCommand.self,
            ExportCommand.self,
            ImportCommand.self,
            SnapshotCommand.self,
            StressAppendCommand.self,
            RecordEventSamplesCommand.self,
            ReplayCommand.self,
            RebuildCommand.self,
            TraceCommand.self,
            BenchCommand.self,
            ServeCommand.self,
            CreateAdminCommand.self,
            ChsiSimCommand.self,
            BankSimCommand.self,
        ]
    )

    /// Creates the command (argument-parser needs it public).
    public init() {}
}
