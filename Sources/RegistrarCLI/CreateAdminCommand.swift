import ArgumentParser
import EventLog
import Foundation
import Projections
import RegistrarApp
import RegistrationDomain

/// `registrar create-admin`: an administrator account from the command line, for the first one of a new log (the API
/// creates staff accounts only for an administrator) and for an operator who must let one in again.
struct CreateAdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create an administrator account; the password is read from standard input.",
        discussion: """
            The first administrator of a new log is made here: the API lets only an administrator create staff \
            accounts. The password is the first line of standard input (8 to 64 characters with a letter and a \
            digit), never an argument, so that it stays out of the shell's history and the process list. Whoever \
            holds the account replaces it at the first log-in. The account's creation is a StaffAccountCreated \
            event of the system actor on the channel cli, in the audit trail like any other; the database may be a \
            new file, and a server may be running on it.

            Example: echo 'Start2026x' | registrar create-admin --db var/registrar.sqlite --username admin_zhou \
            --display-name '考务管理员 周建平'
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "The log-in name (4 to 20 letters, digits or underscores, starting with a letter).")
    var username: String

    @Option(name: .long, help: "The name shown in the audit trail.")
    var displayName: String

    @Option(
        name: .long,
        help:
            "Accounts belong to no season: this only sets up the service that records the account. `serve --season` names the season the administrator then opens."
    )
    var season = "2026"

    func run() async throws {
        let password = readLine(strippingNewline: true) ?? ""
        do {
            try Rules.validateUsername(username)
            try Rules.validateStaffPassword(password, field: "password")
        } catch {
            throw refusal(error)
        }
        let (store, created) = try database.openOrCreate(for: "create-admin")
        do {
            try await database.refuseChangedLog(store, command: "create-admin", readModels: true, nothingShown: "no account was created")
            // Installed as the server installs it: the read models (the audit trail) take the account in the append's
            // transaction, whether or not a server runs on the file.
            try ProjectionEngine(store: store).install()
            let service = try RegistrarService(
                store: store,
                clock: SystemClock(),
                ids: RandomIDGenerator(),
                configuration: .init(seasonId: season)
            )
            let staffID = "staff-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try await service.execute(
                .create(CreateStaffAccount(staffID: staffID, role: .admin, displayName: displayName)),
                staffId: staffID,
                username: username,
                password: password,
                passwordMustChange: true,
                actor: .system,
                request: RequestContext(channel: "cli", reason: "命令行创建管理员账号")
            )
            print("administrator \(username) created (\(staffID)); the password must be replaced at the first log-in")
            if try await service.seasonState().seasonID == nil {
                print(
                    "no season is open in \(database.db) yet: start `registrar serve --db \(database.db) --season YEAR` for the exam year, "
                        + "then open it as this administrator (POST /api/v1/admin/season)"
                )
            }
        } catch let exit as ExitCode {
            if created { database.removeCreatedFile() }
            throw exit
        } catch CommandError.rejected(let rejection) {
            if created { database.removeCreatedFile() }
            throw refusal(rejection)
        } catch {
            if created { database.removeCreatedFile() }
            throw failure("create-admin failed: \(error)")
        }
    }

    /// A refused username, password or display name: its field and rule, exit 2, nothing written.
    private func refusal(_ error: any Error) -> ExitCode {
        guard let rejection = error as? Rejection else { return failure("create-admin failed: \(error)") }
        return failure("\(rejection.field): \(rejection.message) (\(rejection.code)); nothing was written")
    }
}
