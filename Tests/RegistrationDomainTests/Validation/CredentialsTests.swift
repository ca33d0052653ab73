import PropertyBased
import RegistrationDomain
import Testing

@Suite("Password")
struct PasswordValidationTests {
    @Test(arguments: ["abc12", "ABCDE", "12345", "Abc123Xyz789", "aB3dE"])
    func lettersAndDigitsFiveToTwelve(_ password: String) {
        expectValidationAccepted { () throws(Rejection) in try Rules.validatePassword(password) }
    }

    @Test(
        arguments: [
            ("abcd", "password.length"), ("abc12", nil), ("abcdef123456", nil), ("abcdef1234567", "password.length"),
            ("", "password.length"),
        ] as [(String, String?)]
    )
    func lengthBoundaries(_ password: String, _ expected: String?) {
        #expect(validationCode { () throws(Rejection) in try Rules.validatePassword(password) } == expected)
    }

    @Test(arguments: ["abc 123", "abc_123", "abc-123", "密码abc123", "abc123!", "ａｂｃ１２３", "abc\u{301}123"])
    func otherCharactersAreRefused(_ password: String) {
        expectValidationRejection("password.invalid_character", field: "password") { () throws(Rejection) in
            try Rules.validatePassword(password)
        }
    }

    @Test func messagesNeverRepeatThePassword() {
        for password in ["secret!x", "ｓｅｃｒｅｔ", "sec", "secretsecretsecret"] {
            let rejection = #expect(throws: Rejection.self) { try Rules.validatePassword(password, field: "newPassword") }
            #expect(rejection?.field == "newPassword")
            #expect(rejection?.message.contains(password) == false)
            #expect(rejection?.message.contains("s") == false)
        }
    }

    @Test func generatedPasswordsFollowTheLengthRule() async {
        await propertyCheck(count: 300, input: Gen.letterOrNumber.string(of: 0...20)) { password in
            let code = validationCode { () throws(Rejection) in try Rules.validatePassword(password) }
            #expect(code == ((5...12).contains(password.count) ? nil : "password.length"))
        }
    }
}

@Suite("Recovery answer")
struct RecoveryAnswerValidationTests {
    @Test func fourToThirtyCharacters() {
        for (answer, expected) in [
            ("abc", "recovery_answer.length"), ("abcd", nil), ("我的小学", nil), ("我的小", "recovery_answer.length"),
            (String(repeating: "a", count: 30), nil), (String(repeating: "学", count: 30), nil),
            (String(repeating: "a", count: 31), "recovery_answer.length"), ("", "recovery_answer.length"),
            ("北京 朝阳", nil), ("café", nil),
        ] as [(String, String?)] {
            #expect(validationCode { () throws(Rejection) in try Rules.validateRecoveryAnswer(answer) } == expected, "\(answer)")
        }
    }

    @Test func charactersNotScalarsAreCounted() {
        // Four Characters, eight scalars.
        let answer = "e\u{301}e\u{301}e\u{301}e\u{301}"
        #expect(answer.unicodeScalars.count == 8)
        expectValidationAccepted { () throws(Rejection) in try Rules.validateRecoveryAnswer(answer) }
    }

    @Test func surroundingSpacesAreRefusedNotTrimmed() {
        for answer in [" abcd", "abcd ", "    ", "abcd\u{3000}"] {
            let code = validationCode { () throws(Rejection) in try Rules.validateRecoveryAnswer(answer) }
            #expect(code == "recovery_answer.surrounding_whitespace" || code == "recovery_answer.invalid_character")
        }
        expectValidationRejection("recovery_answer.surrounding_whitespace", field: "recoveryAnswer") { () throws(Rejection) in
            try Rules.validateRecoveryAnswer(" abcd")
        }
    }

    @Test func controlAndFullWidthCharactersAreRefused() {
        for answer in ["ab\ncd", "ab\tcd", "ab\u{0}cd", "ab\u{2028}cd", "ａｂｃｄ", "abcd\u{3000}x"] {
            expectValidationRejection("recovery_answer.invalid_character") { () throws(Rejection) in
                try Rules.validateRecoveryAnswer(answer, field: "security.answer")
            }
        }
    }

    @Test func messagesNeverRepeatTheAnswer() {
        let rejection = #expect(throws: Rejection.self) { try Rules.validateRecoveryAnswer("ＸＹＺＷ") }
        #expect(rejection?.message.contains("Ｘ") == false)
    }
}

@Suite("Username")
struct UsernameValidationTests {
    @Test(arguments: ["abcd", "zhang_san", "Zhang01", "a_1_", "abcdefghij0123456789"])
    func accepted(_ username: String) {
        expectValidationAccepted { () throws(Rejection) in try Rules.validateUsername(username) }
    }

    @Test func lengthBoundaries() {
        expectValidationRejection("username.length", field: "username") { () throws(Rejection) in
            try Rules.validateUsername("abc")
        }
        expectValidationRejection("username.length") { () throws(Rejection) in try Rules.validateUsername("") }
        expectValidationRejection("username.length") { () throws(Rejection) in
            try Rules.validateUsername("abcdefghij01234567890")
        }
    }

    @Test(arguments: ["1abc", "_abc", "9_zhang"])
    func startsWithALetter(_ username: String) {
        expectValidationRejection("username.first_character") { () throws(Rejection) in try Rules.validateUsername(username) }
    }

    @Test(arguments: ["zhang san", "zhang-san", "zhang.san", "张三丰丰", "zhang@1", "zhangsän"])
    func otherCharactersAreRefused(_ username: String) {
        expectValidationRejection("username.invalid_character") { () throws(Rejection) in
            try Rules.validateUsername(username, field: "account.username")
        }
    }

    @Test func fullWidthAsksForHalfWidth() {
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in try Rules.validateUsername("ｚｈａｎｇ") }
    }

    @Test func generatedUsernames() async {
        let tail = Gen<Character?>.element(of: Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"))
            .map { $0! }.string(of: 0...25)
        await propertyCheck(count: 300, input: Gen.letter, tail) { first, rest in
            let username = String(first) + rest
            let code = validationCode { () throws(Rejection) in try Rules.validateUsername(username) }
            #expect(code == ((4...20).contains(username.count) ? nil : "username.length"))
        }
    }
}
