import Foundation
import RegistrarApp
import Testing

/// The password KDF: off the cooperative pool, and a decoy that makes unknown usernames cost one KDF run.
@Suite("Password hasher")
struct PasswordHasherTests {
    let hasher = PasswordHasher.cheapForTests

    @Test("hashes made and checked on the KDF queue verify; a wrong password does not; every hash has its own salt")
    func offPoolRoundTrip() async throws {
        let encoded = try await hasher.hashOffPool("Secret123")
        #expect(await hasher.verifyOffPool("Secret123", against: encoded))
        #expect(!(await hasher.verifyOffPool("Secret124", against: encoded)))
        #expect(try await hasher.hashOffPool("Secret123") != encoded)
        #expect(hasher.verify("Secret123", against: encoded))
    }

    @Test("the decoy is a well-formed hash at the hasher's own rounds, so checking against it costs a full KDF run")
    func decoyIsWellFormed() throws {
        for hasher in [PasswordHasher.cheapForTests, .standard] {
            let parts = hasher.decoy.split(separator: "$")
            #expect(parts.count == 4)
            #expect(parts[0] == "pbkdf2-sha256")
            #expect(Int(parts[1]) == hasher.rounds)
            #expect(Data(hexString: String(parts[2]))?.count == 16)
            #expect(Data(hexString: String(parts[3]))?.count == 32)
        }
        for password in ["", "Secret123", "password", String(repeating: "Z", count: 128)] {
            #expect(!hasher.verify(password, against: hasher.decoy))
        }
    }
}
