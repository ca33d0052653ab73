import Foundation
import Testing

/// `registrar create-admin`: the first administrator of a new log, with the password from standard input.
@Suite struct CreateAdminCommandTests {
    @Test func createsAnAdministratorWhoMustReplaceThePasswordAndIsInTheTrail() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.appendingPathComponent("new.sqlite").path
        let binary = try registrarBinary()
        let created = try run(
            binary,
            ["create-admin", "--db", path, "--username", "admin_zhou", "--display-name", "考务管理员 周建平"],
            input: "Start2026x\n"
        )
        #expect(created.status == 0, "\(created.error)")
        #expect(created.output.contains("administrator admin_zhou created"))
        #expect(try sqliteQuery(path, "SELECT username || '|' || must_change_password FROM credentials") == ["admin_zhou|1"])
        #expect(try sqliteQuery(path, "SELECT event_type FROM events") == ["StaffAccountCreated"])
        #expect(!(try sqliteQuery(path, "SELECT data || metadata FROM events").joined().contains("Start2026x")), "never in the log")
        let trail = try registrar("trace", "--db", path, "--format", "csv")
        #expect(trail.status == 0 && trail.output.contains("命令行创建管理员账号") && trail.output.contains("admin_zhou"), "\(trail.output)")
        #expect(try registrar("verify", "--db", path).status == 0)

        // Refused: a taken username, a weak password; each names the field and the rule, and writes nothing.
        let taken = try run(binary, ["create-admin", "--db", path, "--username", "ADMIN_ZHOU", "--display-name", "另一人"], input: "Start2026x\n")
        #expect(taken.status == 2 && taken.error.contains("username:") && taken.error.contains("registration.username_taken"), "\(taken.error)")
        let weak = try run(binary, ["create-admin", "--db", path, "--username", "admin_li", "--display-name", "李"], input: "abc\n")
        #expect(weak.status == 2 && weak.error.contains("password:") && weak.error.contains("password.length"), "\(weak.error)")
        #expect(try sqliteQuery(path, "SELECT COUNT(*) FROM events") == ["1"])
    }

    @Test func aRefusalOnANewFileLeavesNoFileBehind() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.appendingPathComponent("never.sqlite").path
        let refused = try run(
            try registrarBinary(),
            ["create-admin", "--db", path, "--username", "admin_wang", "--display-name", " "],
            input: "Start2026x\n"
        )
        #expect(refused.status == 2 && refused.error.contains("displayName:"), "\(refused.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
