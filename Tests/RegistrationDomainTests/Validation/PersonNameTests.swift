import PropertyBased
import RegistrationDomain
import Testing

/// Common Chinese characters (basic block), one scalar each.
private let chineseCharacter = Gen.unicodeScalar(in: "\u{4E00}"..."\u{9FA5}").map { Character($0) }

@Suite("Names of mainland candidates")
struct MainlandNameValidationTests {
    static let mainlandTypes = IDType.allCases.filter(\.isMainland)

    @Test(arguments: mainlandTypes)
    func chineseCharactersAreAccepted(_ type: IDType) {
        for name in ["张三", "欧阳娜娜", "王", "䶮", "阿卜杜热合曼.阿卜杜拉", "买买提.吐尔逊.艾力", "王?", "??", "?王", "张.?"] {
            expectValidationAccepted { () throws(Rejection) in try Rules.validateName(name, idType: type) }
        }
    }

    @Test func extensionAIsAcceptedButLaterExtensionsAreNot() {
        expectValidationAccepted { () throws(Rejection) in try Rules.validateName("刘\u{3400}", idType: .residentID) }
        expectValidationAccepted { () throws(Rejection) in try Rules.validateName("刘\u{4DBF}", idType: .residentID) }
        // Extension B (U+20000) is missing from the font: typed as "?" instead.
        expectValidationRejection("name.invalid_character") { () throws(Rejection) in
            try Rules.validateName("刘\u{20000}", idType: .residentID)
        }
    }

    @Test(arguments: [
        "张San", "张3", "张 三", "张,三", "张-三", "张'三", "Zhang San", "张三!", "张。三", "张、三", "张\u{0301}三", "张\u{FE00}三",
        "张\t三", "张三😀",
    ])
    func lettersDigitsSpacesAndPunctuationAreRefused(_ name: String) {
        expectValidationRejection("name.invalid_character", field: "account.name") { () throws(Rejection) in
            try Rules.validateName(name, idType: .residentID, field: "account.name")
        }
    }

    @Test(arguments: ["阿卜杜·阿卜杜拉", "阿卜杜•阿卜杜拉", "阿卜杜・阿卜杜拉", "阿卜杜‧阿卜杜拉"])
    func middleDotsAreRefusedWithAHintToTypeTheFullStop(_ name: String) {
        let rejection = #expect(throws: Rejection.self) { try Rules.validateName(name, idType: .residentID) }
        #expect(rejection?.code == "name.invalid_character")
        #expect(rejection?.message.contains("“.”") == true)
    }

    @Test func spacesGetTheirOwnMessage() {
        let rejection = #expect(throws: Rejection.self) { try Rules.validateName("张 三", idType: .officerID) }
        #expect(rejection?.message.contains("空格") == true)
    }

    @Test(arguments: ["张三？", "阿卜杜．阿卜杜拉", "张\u{3000}三", "ＺＳ"])
    func fullWidthFormsAskForHalfWidth(_ name: String) {
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validateName(name, idType: .residentID)
        }
    }

    @Test(arguments: [".阿卜杜拉", "阿卜杜拉.", "阿卜杜..阿卜杜拉", ".", "..", "?.", ".?"])
    func dotsOnlyBetweenParts(_ name: String) {
        expectValidationRejection("name.dot_position") { () throws(Rejection) in try Rules.validateName(name, idType: .residentID)
        }
    }

    /// The guide: 长度不超过28个汉字（少数民族考生姓名可包含“.”）: the dots of a mainland name are not counted.
    @Test func atMostTwentyEightChineseCharactersBesideTheDots() {
        let twentyEight = String(repeating: "张", count: 28)
        expectValidationAccepted { () throws(Rejection) in try Rules.validateName(twentyEight, idType: .residentID) }
        expectValidationRejection("name.too_long") { () throws(Rejection) in
            try Rules.validateName(twentyEight + "张", idType: .residentID)
        }
        let dotted = String(repeating: "张", count: 14) + "." + String(repeating: "李", count: 14)
        #expect(dotted.count == 29)
        expectValidationAccepted { () throws(Rejection) in try Rules.validateName(dotted, idType: .soldierID) }
        expectValidationRejection("name.too_long") { () throws(Rejection) in
            try Rules.validateName(dotted + "王", idType: .soldierID)
        }
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateName(String(repeating: "?", count: 28), idType: .residentID)
        }
    }

    @Test func emptyIsRequired() {
        expectValidationRejection("name.required") { () throws(Rejection) in try Rules.validateName("", idType: .residentID) }
        expectValidationRejection("name.required") { () throws(Rejection) in try Rules.validateName("", idType: .hongKongID) }
    }

    @Test func generatedChineseNamesUpToTwentyEightAreAccepted() async {
        await propertyCheck(count: 200, input: chineseCharacter.string(of: 1...40), Gen<IDType>.case) { name, type in
            guard type.isMainland else { return }
            let code = validationCode { () throws(Rejection) in try Rules.validateName(name, idType: type) }
            #expect(code == (name.count <= 28 ? nil : "name.too_long"))
        }
    }

    @Test func anyASCIILetterOrDigitMakesAMainlandNameInvalid() async {
        let intruder = Gen<Character?>.element(of: Array("abcXYZ0189 ,;:!@#$%^&*()_+=[]{}<>/\\|\"'`~-")).map { $0! }
        await propertyCheck(count: 200, input: chineseCharacter.string(of: 2...10), intruder, Gen.int(in: 0...10)) {
            name,
            character,
            offset in
            var characters = Array(name)
            characters.insert(character, at: min(offset, characters.count))
            let code = validationCode { () throws(Rejection) in
                try Rules.validateName(String(characters), idType: .residentID)
            }
            #expect(code == "name.invalid_character")
        }
    }
}

@Suite("Names of Hong Kong, Macau, Taiwan and foreign candidates")
struct NonMainlandNameValidationTests {
    static let otherTypes = IDType.allCases.filter { !$0.isMainland }

    @Test(arguments: otherTypes)
    func eachWordStartsUpperCaseAndContinuesLowerCase(_ type: IDType) {
        for name in ["Chan Tai Man", "Ma Ying-jeou", "O'neil", "Smith", "John F Kennedy", "陈大文", "Chan 大文", "Lee ?"] {
            expectValidationAccepted { () throws(Rejection) in try Rules.validateName(name, idType: type) }
        }
    }

    @Test(arguments: ["CHAN TAI MAN", "chan tai man", "Chan tai man", "ChAn", "McDonald", "Jean-Pierre", "O'Neil", "陈Da"])
    func letterCaseIsCheckedPerWord(_ name: String) {
        expectValidationRejection("name.letter_case", field: "name") { () throws(Rejection) in
            try Rules.validateName(name, idType: .hongKongPass)
        }
    }

    @Test(arguments: [" Chan", "Chan ", "Chan  Tai", "-Chan", "Chan-", "Ying--jeou", "Ying-'jeou", "O'", "Chan -Tai", " "])
    func separatorsOnlyInsideTheName(_ name: String) {
        expectValidationRejection("name.separator_position") { () throws(Rejection) in
            try Rules.validateName(name, idType: .foreignPassport)
        }
    }

    @Test(arguments: ["Chan2", "Chan.Tai", "Chan,Tai", "José", "Jose\u{301}", "Müller", "Chan_Tai", "Chan\tTai"])
    func otherCharactersAreRefused(_ name: String) {
        expectValidationRejection("name.invalid_character") { () throws(Rejection) in
            try Rules.validateName(name, idType: .taiwanID)
        }
    }

    @Test func fullWidthLettersAskForHalfWidth() {
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validateName("Ｃｈａｎ", idType: .macauID)
        }
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validateName("Chan\u{3000}Tai", idType: .macauID)
        }
    }

    @Test func atMostTwentyEightCharactersIncludingSpaces() {
        let twentyEight = "Abcdefghij Abcdefghij Abcdef"
        #expect(twentyEight.count == 28)
        expectValidationAccepted { () throws(Rejection) in try Rules.validateName(twentyEight, idType: .foreignPassport) }
        expectValidationRejection("name.too_long") { () throws(Rejection) in
            try Rules.validateName(twentyEight + "g", idType: .foreignPassport)
        }
    }

    @Test func theSameSpellingIsJudgedByIDType() {
        // A Latin name is fine on a passport and refused on a resident ID card; a dotted minority name the other way.
        expectValidationAccepted { () throws(Rejection) in try Rules.validateName("Chan Tai Man", idType: .foreignPassport) }
        expectValidationRejection("name.invalid_character") { () throws(Rejection) in
            try Rules.validateName("Chan Tai Man", idType: .residentID)
        }
        expectValidationAccepted { () throws(Rejection) in try Rules.validateName("买买提.艾力", idType: .residentID) }
        expectValidationRejection("name.invalid_character") { () throws(Rejection) in
            try Rules.validateName("买买提.艾力", idType: .foreignPassport)
        }
    }

    @Test func generatedCapitalisedWordsAreAccepted() async {
        let word = zip(Gen.uppercaseLetter, Gen.lowercaseLetter.string(of: 0...8)).map { String($0) + $1 }
        await propertyCheck(count: 200, input: word.array(of: 1...4)) { words in
            let name = words.joined(separator: " ")
            let code = validationCode { () throws(Rejection) in try Rules.validateName(name, idType: .foreignPassport) }
            #expect(code == (name.count <= 28 ? nil : "name.too_long"))
            // Upper-casing any later letter of a word breaks the rule.
            if let index = words.firstIndex(where: { $0.count > 1 }) {
                var changed = words
                changed[index] = String(changed[index].prefix(1)) + changed[index].dropFirst().uppercased()
                let changedCode = validationCode { () throws(Rejection) in
                    try Rules.validateName(changed.joined(separator: " "), idType: .foreignPassport)
                }
                #expect(changedCode == "name.letter_case")
            }
        }
    }
}

@Suite("Name pinyin")
struct PinyinValidationTests {
    @Test(arguments: ["Zhang", "zhang", "SAN", "Ouyang", "Lv", "Maimaiti"])
    func lettersAreAccepted(_ value: String) {
        expectValidationAccepted { () throws(Rejection) in try Rules.validatePinyin(value, field: "surnamePinyin") }
    }

    @Test func requiredLettersOnlyAndBounded() {
        expectValidationRejection("pinyin.required", field: "givenNamePinyin") { () throws(Rejection) in
            try Rules.validatePinyin("", field: "givenNamePinyin")
        }
        for value in ["Zhang San", "zhāng", "lü", "zhang3", "zhang-san", "张", " zhang"] {
            expectValidationRejection("pinyin.invalid_character") { () throws(Rejection) in
                try Rules.validatePinyin(value, field: "p")
            }
        }
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validatePinyin("Ｚｈａｎｇ", field: "p")
        }
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validatePinyin(String(repeating: "a", count: 100), field: "p")
        }
        expectValidationRejection("pinyin.too_long") { () throws(Rejection) in
            try Rules.validatePinyin(String(repeating: "a", count: 101), field: "p")
        }
    }

    @Test func generatedLetterStringsAreAccepted() async {
        await propertyCheck(count: 200, input: Gen.letter.string(of: 1...100)) { value in
            #expect(validationCode { () throws(Rejection) in try Rules.validatePinyin(value, field: "p") } == nil)
        }
    }
}
