import ArgumentParser
import Foundation
import RegistrarCLI

/// The `registrar` executable: hands over to the command tree.
@main
enum Registrar {
    static func main() async {
        do {
            var command = try RegistrarCommand.parseAsRoot(nil)
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            // Argument-parser exits 64 (EX_USAGE) for a refused option; Registrar exits 2 for every error, keeping 1
            // for "done, and the answer is no" (verify finding damage).
            if RegistrarCommand.exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((RegistrarCommand.fullMessage(for: error) + "\n").utf8))
                exit(2)
            }
            RegistrarCommand.exit(withError: error)
        }
    }
}
