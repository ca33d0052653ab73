// Username (用户名), password (密码) and the password-recovery answer (密码找回答案).

extension Rules {
    /// Allowed password lengths (密码长度为5到12位).
    public static let passwordLengths = 5...12
    /// Allowed recovery-answer lengths, in characters (4到30个字符).
    public static let recoveryAnswerLengths = 4...30
    /// Allowed lengths of a staff account's password. Our own choice: a staff account opens many candidates' files
    /// (an administrator's, the whole season), so it needs more than the candidates' 5 to 12.
    public static let staffPasswordLengths = 8...64
    /// Allowed username lengths. Our own choice: the guide sets none.
    public static let usernameLengths = 4...20

    /// Validates a password: ASCII letters and digits only, case-sensitive, 5 to 12 characters.
    ///
    /// "由字母及数字组成" is read as the allowed characters: a password of only letters or only digits is accepted,
    /// as in the national system. Messages never repeat the password or any of its characters.
    ///
    /// - Throws: `password.invalid_character` (including full-width characters and spaces), `password.length`.
    public static func validatePassword(_ password: String, field: String = "password") throws(Rejection) {
        if !password.unicodeScalars.allSatisfy(isASCIIAlphanumeric) {
            let fullWidth = firstFullWidthScalar(in: password) != nil
            throw Rejection(
                code: "password.invalid_character",
                field: field,
                message: fullWidth
                    ? "密码只能由半角英文字母和数字组成，请关闭全角输入后重新填写"
                    : "密码只能由英文字母和数字组成，不能包含空格、汉字或其他符号"
            )
        }
        if !passwordLengths.contains(password.unicodeScalars.count) {
            throw Rejection(
                code: "password.length",
                field: field,
                message: "密码长度应为\(passwordLengths.lowerBound)到\(passwordLengths.upperBound)位"
            )
        }
    }

    /// Validates a staff account's password: 8 to 64 visible ASCII characters (letters, digits and symbols, no space),
    /// with at least one letter and one digit. Messages never repeat the password.
    ///
    /// - Throws: `password.invalid_character`, `password.length`, `password.too_simple`.
    public static func validateStaffPassword(_ password: String, field: String = "password") throws(Rejection) {
        let scalars = password.unicodeScalars
        if !scalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) {
            throw Rejection(
                code: "password.invalid_character",
                field: field,
                message: "工作人员密码只能由半角英文字母、数字和符号组成，不能包含空格、汉字或全角字符"
            )
        }
        if !staffPasswordLengths.contains(scalars.count) {
            throw Rejection(
                code: "password.length",
                field: field,
                message: "工作人员密码长度应为\(staffPasswordLengths.lowerBound)到\(staffPasswordLengths.upperBound)位"
            )
        }
        let letters = scalars.contains { (0x41...0x5A).contains($0.value) || (0x61...0x7A).contains($0.value) }
        let digits = scalars.contains { (0x30...0x39).contains($0.value) }
        if !letters || !digits {
            throw Rejection(code: "password.too_simple", field: field, message: "工作人员密码须同时包含英文字母和数字")
        }
    }

    /// Validates the answer to the password-recovery question: 4 to 30 characters (Swift `Character`s, so Chinese
    /// characters count one each), half-width, no control characters or line breaks, and no space at the start or
    /// end (it would be invisible and make recovery fail; the answer is never trimmed for the candidate).
    /// Messages never repeat the answer.
    ///
    /// - Throws: `recovery_answer.invalid_character` (control characters, line breaks, full-width characters),
    ///   `recovery_answer.surrounding_whitespace`, `recovery_answer.length`.
    public static func validateRecoveryAnswer(_ answer: String, field: String = "recoveryAnswer") throws(Rejection) {
        if firstFullWidthScalar(in: answer) != nil {
            throw Rejection(
                code: "recovery_answer.invalid_character",
                field: field,
                message: "密码找回答案请使用半角字符，请关闭全角输入后重新填写"
            )
        }
        if answer.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || isLineBreak($0) }) {
            throw Rejection(
                code: "recovery_answer.invalid_character",
                field: field,
                message: "密码找回答案不能包含换行或控制字符"
            )
        }
        if let first = answer.unicodeScalars.first, let last = answer.unicodeScalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        {
            throw Rejection(
                code: "recovery_answer.surrounding_whitespace",
                field: field,
                message: "密码找回答案的开头和结尾不能有空格"
            )
        }
        if !recoveryAnswerLengths.contains(answer.count) {
            throw Rejection(
                code: "recovery_answer.length",
                field: field,
                message:
                    "密码找回答案应为\(recoveryAnswerLengths.lowerBound)到\(recoveryAnswerLengths.upperBound)个字符"
            )
        }
    }

    /// Line and paragraph separators that are not in the control category.
    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x85
    }

    /// Validates a username (用户名), which is permanent once registered.
    ///
    /// Our rule (the guide sets none): 4 to 20 half-width characters, ASCII letters, digits and underscore `_`,
    /// starting with a letter. Letters of either case are accepted and kept as typed; uniqueness of usernames is
    /// decided elsewhere (and should ignore case, so that `Zhang01` and `zhang01` cannot both exist).
    ///
    /// - Throws: `input.full_width_character`, `username.invalid_character`, `username.length`,
    ///   `username.first_character`.
    public static func validateUsername(_ username: String, field: String = "username") throws(Rejection) {
        try validateHalfWidth(username, field: field)
        if !username.unicodeScalars.allSatisfy({ isASCIIAlphanumeric($0) || $0 == "_" }) {
            throw Rejection(
                code: "username.invalid_character",
                field: field,
                message: "用户名只能由英文字母、数字和下划线“_”组成"
            )
        }
        if !usernameLengths.contains(username.unicodeScalars.count) {
            throw Rejection(
                code: "username.length",
                field: field,
                message: "用户名长度应为\(usernameLengths.lowerBound)到\(usernameLengths.upperBound)个字符"
            )
        }
        if let first = username.unicodeScalars.first, !isASCIILetter(first) {
            throw Rejection(
                code: "username.first_character",
                field: field,
                message: "用户名必须以英文字母开头"
            )
        }
    }
}
