/// The pure validation rules of registration and the personal profile (DOMAIN.md §1 and §2).
///
/// Every rule is a static function that either returns normally or throws a ``Rejection`` whose `code` is stable,
/// dotted and lower-case, whose `field` is the path given by the caller, and whose `message` is Chinese, written
/// for the candidate. Rules never change the input (no trimming, no case folding): a value that is not exactly
/// right is refused with a message telling the candidate what to type instead.
///
/// No clock, no I/O, no randomness: rules that depend on the date take `today` from the caller.
///
/// Codes shared by several rules:
/// - `input.full_width_character`: a full-width character (U+FF01–U+FF5E or the ideographic space U+3000) was typed
///   where all input must be half-width (半角).
/// - `value.required`, `value.too_long`: ``validateNonEmpty(_:maxLength:field:)``.
public enum Rules {}

extension Rules {
    /// Whether a text staff wrote says something: at least two letters, 汉字 or digits, not punctuation alone ("。",
    /// "--"), which would stand in the trail as the why of what they did.
    public static func saysSomething(_ text: String) -> Bool {
        text.unicodeScalars.lazy.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }.prefix(2).count == 2
    }
}
