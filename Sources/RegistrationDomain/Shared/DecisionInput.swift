/// Input checks shared by the deciders, on top of the validation rules in `Rules`.
enum Check {
    /// A required free-text value: present, free of control characters (line breaks, tabs, other C0/C1 controls,
    /// U+2028/U+2029; `lineBreaks` lets line breaks through for multi-line staff prose), half-width (unless
    /// `halfWidth` is false: staff prose such as reasons and refund policies may use Chinese punctuation) and at most
    /// `maxLength` characters. Returns it unchanged.
    static func text(
        _ value: String?,
        field: String,
        label: String,
        maxLength: Int,
        halfWidth: Bool = true,
        lineBreaks: Bool = false
    ) throws(Rejection) -> String {
        guard let value, !isBlank(value) else { throw Reject.required(field, label) }
        try Rules.validateNoControlCharacters(value, field: field, label: label, allowingLineBreaks: lineBreaks)
        if halfWidth { try Rules.validateHalfWidth(value, field: field) }
        try Rules.validateNonEmpty(value, maxLength: maxLength, field: field, label: label)
        return value
    }

    /// The reason staff give for what they did (a reset, a rejection, a deactivation, a refund): checked as
    /// ``text(_:field:label:maxLength:halfWidth:lineBreaks:)`` (Chinese punctuation allowed, 200 characters), and
    /// saying something: at least two letters, 汉字 or digits, not punctuation alone ("。", "--"), which would stand in
    /// the trail as the why. A blank one is refused with `code`.
    static func reason(_ value: String?, label: String, code: DecisionCode, field: String = "reason") throws(Rejection) -> String {
        guard let value, !isBlank(value) else { throw Reject.make(code, field: field, message: "请填写\(label)") }
        let checked = try text(value, field: field, label: label, maxLength: 200, halfWidth: false)
        guard Rules.saysSomething(checked) else {
            throw Reject.make(code, field: field, message: "请用文字说明\(label)（至少两个字），不能只填标点或符号")
        }
        return checked
    }

    /// A name people choose by (an exam's, an area's, a site's): ``text(_:field:label:maxLength:halfWidth:lineBreaks:)``
    /// without the blanks around it (spaces, U+3000, no-break spaces), which would make `北京考区 ` a second 北京考区.
    static func name(_ value: String?, field: String, label: String, maxLength: Int) throws(Rejection) -> String {
        let trimmed = value.map { String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
        return try text(trimmed, field: field, label: label, maxLength: maxLength, halfWidth: false)
    }

    /// An optional free-text value: nil or blank gives nil, anything else is checked like ``text(_:field:label:maxLength:)``.
    static func optionalText(
        _ value: String?,
        field: String,
        label: String,
        maxLength: Int,
        halfWidth: Bool = true,
        lineBreaks: Bool = false
    ) throws(Rejection) -> String? {
        guard let value, !isBlank(value) else { return nil }
        return try text(value, field: field, label: label, maxLength: maxLength, halfWidth: halfWidth, lineBreaks: lineBreaks)
    }

    /// A required `YYYY-MM` value.
    static func yearMonth(_ value: String?, field: String, label: String) throws(Rejection) -> YearMonth {
        guard let value, !isBlank(value) else { throw Reject.required(field, label) }
        try Rules.validateHalfWidth(value, field: field)
        return try Rules.parseYearMonth(value, field: field)
    }

    /// An optional `YYYY-MM` value.
    static func optionalYearMonth(_ value: String?, field: String, label: String) throws(Rejection) -> YearMonth? {
        guard let value, !isBlank(value) else { return nil }
        return try yearMonth(value, field: field, label: label)
    }

    /// A value from a closed list, given as its raw (Chinese) text.
    static func choice<Choice: RawRepresentable>(
        _ value: String?,
        as type: Choice.Type,
        field: String,
        label: String
    ) throws(Rejection) -> Choice where Choice.RawValue == String {
        guard let value, !isBlank(value) else { throw Reject.required(field, label) }
        guard let choice = Choice(rawValue: value) else { throw Reject.invalidChoice(field, label, value) }
        return choice
    }

    /// Empty or only whitespace.
    static func isBlank(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }
}
