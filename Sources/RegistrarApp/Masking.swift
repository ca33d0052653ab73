/// Masking of personal data for roles that do not need it in full.
public enum Masking {
    /// An ID number with all but the first 3 and last 4 characters replaced by `*` (`420***********123X`):
    /// enough to tell two candidates apart at a glance, not enough to reconstruct the birth date.
    public static func idNumber(_ number: String) -> String {
        let characters = Array(number)
        guard characters.count > 7 else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 7) + String(characters.suffix(4))
    }
}
