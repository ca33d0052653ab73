import ArgumentParser
import RegistrarCLI

/// The `registrar` executable: hands over to the command tree.
@main
enum Registrar {
    static func main() async {
        await RegistrarCommand.main(nil)
    }
}
