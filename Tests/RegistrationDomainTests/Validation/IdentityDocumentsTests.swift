import Foundation
import PropertyBased
import RegistrationDomain
import Testing

/// The birth part `YYYYMMDD` of a date.
private func compact(_ date: CalendarDate) -> String {
    String(date.description.filter { $0 != "-" })
}

/// Real dates between 1900 and 2030.
private let birthDates = zip(Gen.int(in: 1900...2030), Gen.int(in: 1...12), Gen.int(in: 1...31))
    .compactMap { CalendarDate(year: $0.0, month: $0.1, day: $0.2) }

/// 6 region digits: a province-level code of GB/T 2260 (or 71, 81, 82, 83), then any 4 digits.
private let regions = zip(
    Gen<String?>.element(of: [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51",
        "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
    ]).compactMap { $0 },
    Gen.number.string(of: 4)
)
.map { $0.0 + $0.1 }

/// The first 17 characters of a valid 居民身份证: 6 region digits, a real birth date, 3 sequence digits.
private let validFirst17 = zip(regions, birthDates, Gen.number.string(of: 3))
    .map { $0.0 + compact($0.1) + $0.2 }

@Suite("ID types and sex")
struct IDTypeValidationTests {
    @Test func thirteenTypesWithTheirChineseNames() {
        #expect(IDType.allCases.count == 13)
        #expect(IDType(rawValue: "居民身份证") == .residentID)
        #expect(IDType(rawValue: "外籍护照") == .foreignPassport)
        #expect(IDType(rawValue: "士兵证") == .soldierID)
        #expect(IDType(rawValue: "身份证") == nil)
    }

    @Test func exactlySixTypesAreMainland() {
        let mainland = Set(IDType.allCases.filter(\.isMainland))
        #expect(
            mainland == [.residentID, .officerID, .policeOfficerID, .civilianCadreID, .soldierID, .militaryCadetID]
        )
    }

    @Test func typesAndSexesEncodeAsTheirChineseNames() throws {
        let encoded = try JSONEncoder().encode([IDType.hongKongID])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["香港身份证"]"#)
        let sexes = try JSONDecoder().decode([Sex].self, from: Data(#"["男","女"]"#.utf8))
        #expect(sexes == [.male, .female])
    }

    @Test func documentedNumberLengths() {
        #expect(IDType.residentID.numberLengths == 18...18)
        #expect(IDType.taiwanPass.numberLengths == 10...10)
        #expect(IDType.taiwanID.numberLengths == 10...10)
        #expect(IDType.hongKongPass.numberLengths == 11...11)
        #expect(IDType.macauPass.numberLengths == 11...11)
        #expect(IDType.hongKongID.numberLengths == 8...9)
        #expect(IDType.macauID.numberLengths == 8...8)
        #expect(IDType.foreignPassport.numberLengths.lowerBound == 6)
    }
}

@Suite("居民身份证 check character (GB 11643-1999)")
struct ResidentIDCheckCharacterValidationTests {
    @Test func standardExamples() {
        #expect(Rules.residentIDCheckCharacter("11010519491231002") == "X")
        #expect(Rules.residentIDCheckCharacter("44052418800101001") == "4")
        #expect(Rules.residentIDCheckCharacter("13102319070727241") == "9")
    }

    @Test func theAnonymisedSeedNumberFailsItsCheck() {
        // The CHSI guide's sample 13102319070727241X is anonymised: its check character should be 9.
        expectValidationRejection("id_number.check_character") { () throws(Rejection) in
            try Rules.validateIDNumber("13102319070727241X", type: .residentID)
        }
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateIDNumber("131023190707272419", type: .residentID)
        }
    }

    @Test(arguments: ["", "1101051949123100", "110105194912310021", "1101051949123100A", "１１０１０５１９４９１２３１００２"])
    func nilUnlessSeventeenDigits(_ input: String) {
        #expect(Rules.residentIDCheckCharacter(input) == nil)
    }

    @Test func everyCheckCharacterIsReachable() {
        // Varying the last sequence digit walks through the weighted sum; the 11 residues give the 11 characters.
        var seen = Set<Character>()
        for prefix in 0..<100 {
            for last in 0...9 {
                let first17 = "1101051990010" + String(prefix / 10) + String(prefix % 10) + "0" + String(last)
                if let check = Rules.residentIDCheckCharacter(first17) { seen.insert(check) }
            }
        }
        #expect(seen == Set("0123456789X"))
    }

    @Test func agreesWithAnIndependentImplementation() async {
        await propertyCheck(input: Gen.number.string(of: 17)) { first17 in
            let expected = validationResidentID(
                region: String(first17.prefix(6)),
                birth: String(first17.dropFirst(6).prefix(8)),
                sequence: String(first17.suffix(3))
            ).last
            #expect(Rules.residentIDCheckCharacter(first17) == expected)
        }
    }
}

@Suite("居民身份证 numbers")
struct ResidentIDNumberValidationTests {
    @Test(arguments: ["11010519491231002X", "440524188001010014", "131023190707272419"])
    func realExamplesAreAccepted(_ number: String) {
        expectValidationAccepted { () throws(Rejection) in try Rules.validateIDNumber(number, type: .residentID) }
    }

    @Test func computedSamplesAreAccepted() {
        for (birth, sequence) in [("19900101", "123"), ("20000229", "004"), ("19751231", "999")] {
            let number = validationResidentID(region: "320102", birth: birth, sequence: sequence)
            expectValidationAccepted { () throws(Rejection) in try Rules.validateIDNumber(number, type: .residentID) }
        }
    }

    @Test func emptyIsRequired() {
        expectValidationRejection("id_number.required", field: "idNumber") { () throws(Rejection) in
            try Rules.validateIDNumber("", type: .residentID)
        }
    }

    @Test func legacyFifteenDigitFormHasItsOwnCode() {
        expectValidationRejection("id_number.legacy_15_digits") { () throws(Rejection) in
            try Rules.validateIDNumber("110105491231002", type: .residentID)
        }
        // 15 characters that are not all digits are simply the wrong length.
        expectValidationRejection("id_number.length") { () throws(Rejection) in
            try Rules.validateIDNumber("11010549123100X", type: .residentID)
        }
    }

    @Test(arguments: ["1101051949123100", "11010519491231002", "11010519491231002X1", "110105194912310021X"])
    func otherLengthsAreRefused(_ number: String) {
        expectValidationRejection("id_number.length") { () throws(Rejection) in
            try Rules.validateIDNumber(number, type: .residentID)
        }
    }

    @Test func lowercaseXIsRefusedNotNormalised() {
        expectValidationRejection("id_number.lowercase_x") { () throws(Rejection) in
            try Rules.validateIDNumber("11010519491231002x", type: .residentID)
        }
        let rejection = #expect(throws: Rejection.self) {
            try Rules.validateIDNumber("11010519491231002x", type: .residentID)
        }
        #expect(rejection?.message.contains("大写字母X") == true)
    }

    @Test(arguments: ["1101051949123100AX", "A1010519491231002X", "11010519491231002Y", "110105194912310024A"])
    func lettersOutOfPlaceAreAFormatError(_ number: String) {
        let expected = number.count == 18 ? "id_number.format" : "id_number.length"
        expectValidationRejection(expected) { () throws(Rejection) in
            try Rules.validateIDNumber(number, type: .residentID)
        }
    }

    @Test(arguments: ["19490230", "20230229", "19001301", "19490001", "19491200", "00000101", "19490431"])
    func birthDateMustBeARealDate(_ birth: String) {
        let number = validationResidentID(birth: birth, sequence: "002")
        expectValidationRejection("id_number.birth_date") { () throws(Rejection) in
            try Rules.validateIDNumber(number, type: .residentID)
        }
        #expect(Rules.residentIDFacts(number) == nil)
    }

    @Test func leapDayBirthsAreRealDates() {
        for year in ["2000", "2024", "1996"] {
            let number = validationResidentID(birth: year + "0229", sequence: "011")
            expectValidationAccepted { () throws(Rejection) in try Rules.validateIDNumber(number, type: .residentID) }
        }
        // 1900 is not a leap year (a century not divisible by 400).
        expectValidationRejection("id_number.birth_date") { () throws(Rejection) in
            try Rules.validateIDNumber(validationResidentID(birth: "19000229", sequence: "011"), type: .residentID)
        }
    }

    @Test func wrongCheckCharacterIsRefused() {
        for wrong in "0123456789" {
            expectValidationRejection("id_number.check_character") { () throws(Rejection) in
                try Rules.validateIDNumber("11010519491231002" + String(wrong), type: .residentID)
            }
        }
    }

    @Test(arguments: [
        "110105 19491231002X", "110105-19491231002X", " 11010519491231002X", "11010519491231002X ",
        "110105—19491231002X", "11010519491231002(X)", "北京10519491231002X", "11010519491231002X\n",
    ])
    func spacesAndPunctuationAreRefused(_ number: String) {
        expectValidationRejection("id_number.invalid_character") { () throws(Rejection) in
            try Rules.validateIDNumber(number, type: .residentID)
        }
    }

    @Test func combiningMarksAreNotDigits() {
        // "2\u{301}" is one Character but two scalars: it must not count as a digit.
        expectValidationRejection("id_number.invalid_character") { () throws(Rejection) in
            try Rules.validateIDNumber("1101051949123100\u{301}2X", type: .residentID)
        }
    }

    @Test func fullWidthDigitsAskForHalfWidth() {
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validateIDNumber("１１０１０５１９４９１２３１００２Ｘ", type: .residentID)
        }
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validateIDNumber("11010519491231002Ｘ", type: .residentID)
        }
    }

    @Test func reportsTheCallersField() {
        expectValidationRejection("id_number.check_character", field: "account.idNumber") { () throws(Rejection) in
            try Rules.validateIDNumber("110105194912310021", type: .residentID, field: "account.idNumber")
        }
    }

    @Test func factsOfStandardExamples() throws {
        let female = try #require(Rules.residentIDFacts("11010519491231002X"))
        #expect(female.birthDate == CalendarDate(year: 1949, month: 12, day: 31))
        #expect(female.sex == .female)
        let male = try #require(Rules.residentIDFacts("440524188001010014"))
        #expect(male.birthDate == CalendarDate(year: 1880, month: 1, day: 1))
        #expect(male.sex == .male)
    }

    @Test func sexFollowsTheSeventeenthDigit() throws {
        for digit in 0...9 {
            let number = validationResidentID(birth: "19900515", sequence: "01" + String(digit))
            let facts = try #require(Rules.residentIDFacts(number))
            #expect(facts.sex == (digit % 2 == 1 ? .male : .female))
            #expect(facts.birthDate == CalendarDate(year: 1990, month: 5, day: 15))
        }
    }

    @Test(arguments: ["", "110105491231002", "11010519491231002x", "110105194912310021", "11010519491331002X"])
    func noFactsForInvalidNumbers(_ number: String) {
        #expect(Rules.residentIDFacts(number) == nil)
    }

    // MARK: Properties

    @Test func everyGeneratedNumberWithItsCheckCharacterValidates() async {
        await propertyCheck(count: 300, input: zip(regions, birthDates, Gen.number.string(of: 3))) {
            region,
            birthDate,
            sequence in
            let number = validationResidentID(region: region, birth: compact(birthDate), sequence: sequence)
            #expect(validationCode { () throws(Rejection) in try Rules.validateIDNumber(number, type: .residentID) } == nil)
            let facts = Rules.residentIDFacts(number)
            #expect(facts?.birthDate == birthDate)
            #expect(facts?.sex == (Int(String(sequence.last!))! % 2 == 1 ? .male : .female))
        }
    }

    @Test func changingTheCheckCharacterAlwaysFails() async {
        await propertyCheck(count: 300, input: validFirst17, Gen<Character?>.element(of: Array("0123456789X"))) {
            first17,
            other in
            let correct = Rules.residentIDCheckCharacter(first17)!
            guard let other, other != correct else { return }
            let code = validationCode { () throws(Rejection) in
                try Rules.validateIDNumber(first17 + String(other), type: .residentID)
            }
            #expect(code == "id_number.check_character")
        }
    }

    @Test func everySingleDigitSubstitutionIsDetected() async {
        await propertyCheck(count: 300, input: validFirst17, Gen.int(in: 0...16), Gen.int(in: 1...9)) {
            first17,
            position,
            shift in
            let valid = first17 + String(Rules.residentIDCheckCharacter(first17)!)
            var characters = Array(valid)
            let digit = characters[position].wholeNumberValue!
            characters[position] = Character(String((digit + shift) % 10))
            let code = validationCode { () throws(Rejection) in
                try Rules.validateIDNumber(String(characters), type: .residentID)
            }
            #expect(code == "id_number.check_character" || code == "id_number.birth_date" || code == "id_number.region")
        }
    }

    /// The first two digits name a province-level division: 00 and the codes between the provinces are no one's.
    @Test(arguments: ["00", "10", "16", "20", "40", "47", "60", "70", "80", "90", "99"])
    func theRegionMustBeAProvince(_ province: String) {
        let number = validationResidentID(region: province + "0105", birth: "19900307", sequence: "123")
        #expect(validationCode { () throws(Rejection) in try Rules.validateIDNumber(number, type: .residentID) } == "id_number.region")
    }

    @Test func everyAdjacentTranspositionOfDifferentDigitsIsDetected() async {
        await propertyCheck(count: 300, input: validFirst17, Gen.int(in: 0...15)) { first17, position in
            var characters = Array(first17 + String(Rules.residentIDCheckCharacter(first17)!))
            guard characters[position] != characters[position + 1] else { return }
            characters.swapAt(position, position + 1)
            let code = validationCode { () throws(Rejection) in
                try Rules.validateIDNumber(String(characters), type: .residentID)
            }
            #expect(code == "id_number.check_character" || code == "id_number.birth_date" || code == "id_number.region")
        }
    }
}

@Suite("Other ID numbers")
struct OtherIDNumberValidationTests {
    /// (type, shortest valid, longest valid)
    static let bounds: [(IDType, String, String)] = [
        (.taiwanPass, "1234567890", "0987654321"),
        (.taiwanID, "A123456789", "F234567890"),
        (.hongKongPass, "H1234567890", "H0987654321"),
        (.hongKongID, "A1234567", "AB9876543"),
        (.macauPass, "M1234567890", "M0987654321"),
        (.macauID, "15123456", "71234567"),
        (.foreignPassport, "G12345", "P1234567890123456789"),
        (.officerID, "J123", "JUN12345678901234567"),
        (.policeOfficerID, "1234", "12345678901234567890"),
        (.civilianCadreID, "WZ01", "WZ012345678901234567"),
        (.soldierID, "S001", "S0000000000000000001"),
        (.militaryCadetID, "XY12", "XY123456789012345678"),
    ]

    @Test(arguments: bounds)
    func boundaryLengths(_ type: IDType, _ shortest: String, _ longest: String) {
        #expect(shortest.count == type.numberLengths.lowerBound)
        #expect(longest.count == type.numberLengths.upperBound)
        expectValidationAccepted { () throws(Rejection) in try Rules.validateIDNumber(shortest, type: type) }
        expectValidationAccepted { () throws(Rejection) in try Rules.validateIDNumber(longest, type: type) }
        expectValidationRejection("id_number.length", field: "pass") { () throws(Rejection) in
            try Rules.validateIDNumber(String(shortest.dropLast()), type: type, field: "pass")
        }
        expectValidationRejection("id_number.length") { () throws(Rejection) in
            try Rules.validateIDNumber(longest + "1", type: type)
        }
    }

    @Test func hongKongIDIsEightOrNineWithoutParentheses() {
        expectValidationAccepted { () throws(Rejection) in try Rules.validateIDNumber("A1234567", type: .hongKongID) }
        expectValidationAccepted { () throws(Rejection) in try Rules.validateIDNumber("AB1234567", type: .hongKongID) }
        expectValidationRejection("id_number.invalid_character") { () throws(Rejection) in
            try Rules.validateIDNumber("A123456(7)", type: .hongKongID)
        }
        let rejection = #expect(throws: Rejection.self) { try Rules.validateIDNumber("A123456", type: .hongKongID) }
        #expect(rejection?.message.contains("8位或9位") == true)
    }

    @Test func foreignPassportNeedsAtLeastSix() {
        expectValidationRejection("id_number.length") { () throws(Rejection) in
            try Rules.validateIDNumber("E1234", type: .foreignPassport)
        }
    }

    @Test(arguments: [IDType.foreignPassport, .hongKongID, .taiwanID, .officerID])
    func lowerCaseLettersAreRefused(_ type: IDType) {
        expectValidationRejection("id_number.lowercase_letter") { () throws(Rejection) in
            try Rules.validateIDNumber("e1234567", type: type)
        }
    }

    @Test(arguments: IDType.allCases)
    func noSpacesOrPunctuationForAnyType(_ type: IDType) {
        for number in ["E 1234567", "E-1234567", "E.1234567", "E1234567/", "军字1234567"] {
            expectValidationRejection("id_number.invalid_character") { () throws(Rejection) in
                try Rules.validateIDNumber(number, type: type)
            }
        }
        expectValidationRejection("id_number.required") { () throws(Rejection) in
            try Rules.validateIDNumber("", type: type)
        }
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validateIDNumber("Ｅ1234567", type: type)
        }
    }

    @Test func aResidentNumberIsNotJudgedByResidentRulesForOtherTypes() {
        // Only the length of the type matters: 18 characters is fine for a passport even with a wrong check digit.
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateIDNumber("110105194912310021", type: .foreignPassport)
        }
    }

    @Test func generatedNumbersFollowTheLengthTable() async {
        let upperOrDigit = Gen<Character?>.element(of: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")).map { $0! }
        await propertyCheck(count: 300, input: Gen<IDType>.case, upperOrDigit.string(of: 1...24)) { type, number in
            guard type != .residentID else { return }
            let code = validationCode { () throws(Rejection) in try Rules.validateIDNumber(number, type: type) }
            #expect(code == (type.numberLengths.contains(number.count) ? nil : "id_number.length"))
        }
    }
}
