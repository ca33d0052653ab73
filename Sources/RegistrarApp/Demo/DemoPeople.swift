import Foundation
import RegistrationDomain

/// One education entry of a demo person: what they declare, what CHSI holds, and how they verify it.
struct DemoEducation {
    var entryID: String
    var input: EducationInput
    /// The degree as CHSI records it; nil when CHSI cannot verify the entry (中专, 师承, 港澳台 and foreign,
    /// before 2001, not graduated yet).
    var chsi: ChsiRecord?
    /// Ticked in the application.
    var ticked: Bool
    /// Scanned before online registration opens.
    var scanEarly = false
    /// Scanned during review (a first scan, or a second one after a wrong pick).
    var scanInReview = false
    /// The first scan picks another of the person's degrees in the CHSI app; the review-time scan fixes it.
    var wrongPickFirst = false
    /// The scan is started and never answered (the candidate closed the CHSI app).
    var abandonedScan = false
}

/// What a demo person does during the season, decided up front from the seed.
struct DemoPlan {
    enum Apply { case never, submit, lateSubmit, abandonAndReapply, abandonOnly }
    enum Review {
        case approve
        case reject(String)
        case absent
    }
    enum Payment { case none, normal, late, duplicate, failThenRetry, pending, offlineAttempt }

    var apply: Apply = .submit
    /// The exam of the first, abandoned application (abandon and re-apply only).
    var firstExamCode: String?
    var review: Review = .approve
    var signs = true
    var payment: Payment = .normal
    /// Refund of this many fen after payment.
    var refundFen: Int?
    /// Reviewer corrections: field, corrected value, reason.
    var corrections: [(BasicInfoField, String, String)] = []
    /// Tries CHSI while online registration is open (refused).
    var chsiDuringRegistration = false
    /// Tries 执业医师 with a 中专 education and a 乡镇 certificate first (refused).
    var townshipAttempt = false
    /// An active serviceman who first tries to register with his 军官证 (refused).
    var militaryCardAttempt = false
    /// A 师承/确有专长 candidate who first tries the ordinary 中医执业助理医师 exam (refused).
    var ordinaryExamAttempt = false
    /// An active serviceman who first applies without 军事医学 (refused).
    var forgetsMilitaryMedicine = false
    var amendEducation = false
    var removeEducation = false
    var amendTraining = false
    var removeTraining = false
    var amendCertificate = false
    var removeCertificate = false
}

/// A person of the demo: everything they type, what the outside systems know, and their plan.
struct DemoPerson {
    var index: Int
    var candidateID: String
    var registration: RegisterCandidate
    /// The name on the ID card and in CHSI (differs from the registered one for a `?` name).
    var realName: String
    var contact: ContactInput
    var work: WorkInput
    var education: [DemoEducation]
    var training: [(entryID: String, input: TrainingInput, ticked: Bool)]
    var certificates: [(entryID: String, input: CertificateInput, ticked: Bool)]
    var examCode: String
    var areaCode: String
    var siteCode: String
    var attemptCount: Int
    var additionalSubject: String?
    var passNumber: String?
    var plan: DemoPlan

    var idType: IDType { IDType(rawValue: registration.idType)! }
}

/// The track a person follows: which education leads to which exam.
enum DemoTrack: CaseIterable {
    case clinical, traditional, integrated, dental, publicHealth
    case clinicalAssistant, traditionalAssistant, dentalAssistant, publicHealthAssistant
    case rural, secondaryWithCertificate, township, apprenticeship

    var major: String {
        switch self {
        case .clinical, .clinicalAssistant, .secondaryWithCertificate: "临床医学"
        case .traditional, .traditionalAssistant, .apprenticeship: "中医学"
        case .integrated: "中西医临床医学"
        case .dental, .dentalAssistant: "口腔医学"
        case .publicHealth, .publicHealthAssistant: "预防医学"
        case .rural, .township: "农村医学"
        }
    }

    var examCode: String {
        switch self {
        case .clinical, .secondaryWithCertificate: "110"
        case .clinicalAssistant: "120"
        case .rural, .township: "130"
        case .traditional: "210"
        case .traditionalAssistant: "220"
        case .apprenticeship: "520"
        case .integrated: "230"
        case .dental: "310"
        case .dentalAssistant: "320"
        case .publicHealth: "410"
        case .publicHealthAssistant: "420"
        }
    }
}

/// Generates the demo's people from the seed. Usernames and ID numbers are unique across the cast.
struct DemoCast {
    /// The demo candidate every reviewer can find: the seed guide's CHSI case.
    static let seedUsername = "demo_candidate"
    static let seedPassword = "Demo2026"

    var random: DemoRandom
    let ids: SeededIDGenerator
    /// "Today" for ages: the Beijing date at which people register.
    let today = CalendarDate(year: 2025, month: 12, day: 15)!
    private var usernames: Set<String> = []
    private var idNumbers: Set<String> = []

    init(seed: UInt64, ids: SeededIDGenerator) {
        random = DemoRandom(seed: seed ^ 0x5EED_CA57)
        self.ids = ids
    }

    // MARK: Unique identifiers

    /// A username of 4 to 20 characters, not taken yet (case-insensitively).
    mutating func uniqueUsername(_ base: String) -> String {
        var candidate = String(base.prefix(Rules.usernameLengths.upperBound))
        while candidate.count < 4 || usernames.contains(candidate.lowercased()) {
            candidate = String(base.prefix(14)) + random.digits(4)
        }
        usernames.insert(candidate.lowercased())
        return candidate
    }

    /// A fresh number from `make`, never handed out before.
    mutating func uniqueNumber(_ make: (inout DemoRandom) -> String) -> String {
        while true {
            let number = make(&random)
            if idNumbers.insert(number).inserted { return number }
        }
    }

    mutating func residentID(hometown: String, birth: CalendarDate, sex: Sex) -> String {
        uniqueNumber { random in
            let sexDigit = 2 * random.int(0...4) + (sex == .male ? 1 : 0)
            let first17 =
                hometown + Self.pad(birth.year, 4) + Self.pad(birth.month, 2) + Self.pad(birth.day, 2)
                + random.digits(2) + String(sexDigit)
            return first17 + String(Rules.residentIDCheckCharacter(first17)!)
        }
    }

    /// A Hong Kong identity card number, one letter, six digits and the check digit (typed without parentheses).
    static func hongKongID(letter: Character, digits: String) -> String {
        let letterValue = Int(letter.asciiValue! - 55)
        var sum = 36 * 9 + letterValue * 8
        for (offset, digit) in digits.enumerated() { sum += Int(String(digit))! * (7 - offset) }
        let check = (11 - sum % 11) % 11
        return String(letter) + digits + (check == 10 ? "A" : String(check))
    }

    /// A Taiwan identity card number: a letter, 1 (male) or 2 (female), seven digits and the check digit.
    static func taiwanID(letter: Character, sex: Sex, digits: String) -> String {
        let codes: [Character: Int] = [
            "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "J": 18, "K": 19, "L": 20,
            "M": 21, "N": 22, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27, "U": 28, "V": 29,
        ]
        let code = codes[letter]!
        let body = (sex == .male ? "1" : "2") + digits
        var sum = code / 10 + (code % 10) * 9
        for (offset, digit) in body.enumerated() { sum += Int(String(digit))! * (8 - offset) }
        return String(letter) + body + String((10 - sum % 10) % 10)
    }

    mutating func number(for type: IDType, sex: Sex, nationality: String) -> String {
        uniqueNumber { random in
            switch type {
            case .residentID: fatalError("resident IDs come from residentID(hometown:birth:sex:)")
            case .officerID, .civilianCadreID, .militaryCadetID: random.digits(8)
            case .policeOfficerID: random.digits(6)
            case .soldierID: random.digits(7)
            case .taiwanPass: random.digits(10)
            case .taiwanID: Self.taiwanID(letter: random.pick(Array("ABCDEFGHJKLMNPQRSTUV")), sex: sex, digits: random.digits(7))
            case .hongKongPass: "H" + random.digits(10)
            case .hongKongID: Self.hongKongID(letter: random.pick(Array("ACDEGHKPRVYZ")), digits: random.digits(6))
            case .macauPass: "M" + random.digits(10)
            case .macauID: random.pick(["1", "5", "7"]) + random.digits(7)
            case .foreignPassport:
                switch nationality {
                case "韩国": "M" + random.digits(8)
                case "日本": "TK" + random.digits(7)
                case "越南": "C" + random.digits(7)
                case "哈萨克斯坦": "N" + random.digits(8)
                default: random.digits(9)
                }
            }
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    static func yearMonth(_ year: Int, _ month: Int) -> String { "\(pad(year, 4))-\(pad(month, 2))" }

    /// The month the demo's candidates fill in their files (`DemoSeason.start`): no year-month they type lies later.
    static let lastMonthBeforeTheSeason = "2025-12"

    // MARK: People

    /// The person at `index`. The first ones are fixed personas, so that even a small demo shows every rule and
    /// every kind of event; the rest are drawn from the seed.
    mutating func person(_ index: Int) -> DemoPerson {
        switch index {
        case 0: return seedCase()
        case 1:
            return persona(index, track: .clinical, kind: .minority(0), area: "42", site: "4201") { person in
                person.plan.payment = .duplicate
            }
        case 2:
            return persona(index, track: .clinicalAssistant, kind: .rareCharacter(0), area: "41", site: "4101") { person in
                person.plan.payment = .offlineAttempt
            }
        case 3:
            return persona(index, track: .clinical, kind: .nonMainland(.hongKongPass), area: "11", site: "1108") { person in
                person.plan.payment = .failThenRetry
                Self.studiedOutside(&person, region: .hongKongMacauTaiwan, school: "香港大学", major: "内外全科医学")
            }
        case 4:
            return persona(index, track: .secondaryWithCertificate, kind: .mainland, area: "42", site: "4205") { person in
                person.plan.amendCertificate = true
                person.plan.refundFen = DemoData.feeFen(examCode: person.examCode)
            }
        case 5:
            return persona(index, track: .clinical, kind: .mainland, area: "42", site: "4201") { person in
                person.plan.apply = .abandonAndReapply
                person.plan.firstExamCode = "120"
                person.plan.amendEducation = true
                person.plan.payment = .late
            }
        case 6: return persona(index, track: .clinicalAssistant, kind: .mainland, area: "42", site: "4201", formMismatch: true) { _ in }
        case 7:
            return persona(index, track: .traditional, kind: .mainland, area: "11", site: "1101", graduate: true) { person in
                person.plan.removeEducation = true
                person.plan.amendTraining = true
                person.plan.removeTraining = true
                person.plan.chsiDuringRegistration = true
                person.plan.payment = .pending
                if let index = person.education.lastIndex(where: { $0.chsi != nil }),
                    person.education.filter({ $0.chsi != nil }).count >= 2
                {
                    person.education[index].scanEarly = true
                    person.education[index].wrongPickFirst = true
                    person.education[index].scanInReview = true
                }
            }
        case 8:
            return persona(index, track: .township, kind: .mainland, area: "41", site: "4103") { person in
                person.plan.removeCertificate = true
            }
        case 9:
            return persona(index, track: .clinical, kind: .activeServiceman, area: "11", site: "1101") { person in
                person.plan.forgetsMilitaryMedicine = true
            }
        case 10:
            return persona(index, track: .clinical, kind: .nonMainland(.foreignPassport), area: "11", site: "1108") { person in
                person.plan.corrections = [
                    (.birthDate, person.registration.birthDate!, "护照原件出生日期与注册信息不符，按护照原件更正")
                ]
                person.registration.birthDate = Self.shiftedDay(person.registration.birthDate!)
                Self.studiedOutside(&person, region: .abroad, school: "首尔大学", major: "医学")
            }
        case 11:
            return persona(index, track: .clinical, kind: .nonMainland(.taiwanPass), area: "11", site: "1101", graduating: true) { person in
                person.plan.payment = .late
            }
        case 12: return persona(index, track: .apprenticeship, kind: .mainland, area: "41", site: "4101", age: 75) { _ in }
        case 13: return persona(index, track: .rural, kind: .mainland, area: "42", site: "4205", age: 18) { _ in }
        case 14...22:
            let types: [IDType] = [
                .macauPass, .macauID, .hongKongID, .taiwanID, .officerID, .policeOfficerID, .civilianCadreID, .soldierID,
                .militaryCadetID,
            ]
            let type = types[index - 14]
            return persona(
                index,
                track: random.pick([.clinical, .clinicalAssistant, .traditional]),
                kind: type.isMainland ? .militaryCard(type) : .nonMainland(type)
            ) { _ in }
        default:
            return randomPerson(index)
        }
    }

    enum Kind {
        case mainland
        case minority(Int)
        case rareCharacter(Int)
        case nonMainland(IDType)
        case militaryCard(IDType)
        case activeServiceman
    }

    private mutating func randomPerson(_ index: Int) -> DemoPerson {
        let track = random.weighted([
            (DemoTrack.clinical, 34), (.traditional, 8), (.integrated, 4), (.dental, 5), (.publicHealth, 4),
            (.clinicalAssistant, 14), (.traditionalAssistant, 5), (.dentalAssistant, 3), (.publicHealthAssistant, 2),
            (.rural, 7), (.secondaryWithCertificate, 6), (.township, 2), (.apprenticeship, 2),
        ])
        let kind: Kind = random.weighted([
            (Kind.mainland, 880), (.minority(random.int(0...(DemoData.minorityNames.count - 1))), 40),
            (.rareCharacter(random.int(0...(DemoData.rareCharacterNames.count - 1))), 10),
            (.nonMainland(random.pick([.hongKongPass, .hongKongID, .macauPass, .macauID, .taiwanPass, .taiwanID])), 30),
            (.nonMainland(.foreignPassport), 10),
            (.militaryCard(random.pick([.officerID, .policeOfficerID, .civilianCadreID, .soldierID, .militaryCadetID])), 10),
            (.activeServiceman, 10),
        ])
        var person = persona(index, track: track, kind: kind, graduate: random.chance(0.2), formMismatch: random.chance(0.03)) { _ in }
        var plan = person.plan
        plan.apply = random.weighted([(.submit, 82), (.lateSubmit, 7), (.abandonAndReapply, 6), (.abandonOnly, 2), (.never, 3)])
        if case .abandonAndReapply = plan.apply { plan.firstExamCode = Self.alternativeExam(person.examCode) }
        plan.chsiDuringRegistration = random.chance(0.02)
        plan.amendEducation = random.chance(0.05)
        plan.removeEducation = random.chance(0.03)
        plan.amendTraining = !person.training.isEmpty && random.chance(0.05)
        plan.removeTraining = random.chance(0.02)
        plan.amendCertificate = !person.certificates.isEmpty && random.chance(0.1)
        plan.removeCertificate = random.chance(0.02)
        if case .approve = plan.review {
            if random.chance(0.03) {
                plan.review = .absent
            } else if random.chance(0.05) {
                plan.review = .reject(random.pick(DemoData.rejectionReasons))
            }
        }
        plan.signs = random.chance(0.93)
        let online = DemoData.areas.first { $0.code == person.areaCode }!.onlinePayment
        plan.payment =
            online
            ? random.weighted([(.normal, 50), (.late, 18), (.duplicate, 10), (.failThenRetry, 9), (.pending, 4), (.none, 9)])
            : (random.chance(0.05) ? .offlineAttempt : .none)
        if online && random.chance(0.05) {
            let fee = DemoData.feeFen(examCode: person.examCode)
            plan.refundFen = random.chance(0.8) ? fee : fee / 2
        }
        if plan.corrections.isEmpty && random.chance(0.06) {
            plan.corrections += correctionOfEthnicityOrPinyin(&person)
        }
        person.plan = plan
        return person
    }

    /// Another exam the candidate first picked by mistake: never a 执业医师 exam, so that the 中专 rule cannot refuse
    /// the first application, and 乡村全科 only from a clinical or traditional education (口腔 and 公共卫生 educations
    /// do not qualify for it). A 师承/确有专长 candidate has one exam: the first application is the same one.
    static func alternativeExam(_ code: String) -> String {
        switch code {
        case "110": "120"
        case "210", "230": "220"
        case "310": "320"
        case "410": "420"
        case "130", "320", "420": "120"
        case "520": "520"
        default: "130"
        }
    }

    /// A reviewer correction of ethnicity or pinyin: the registration carries the typo, the correction the truth.
    private mutating func correctionOfEthnicityOrPinyin(_ person: inout DemoPerson) -> [(BasicInfoField, String, String)] {
        if person.idType.isMainland && person.registration.ethnicity == "汉族" && random.chance(0.5) {
            person.registration.ethnicity = "回族"
            return [(.ethnicity, "汉族", "按户口簿更正民族")]
        }
        let real = person.registration.givenNamePinyin
        guard real.count > 2 else { return [] }
        person.registration.givenNamePinyin = String(real.dropLast())
        return [(.givenNamePinyin, real, "名(拼音)录入漏字母，按身份证件更正")]
    }

    /// The ticked entry was obtained outside the mainland: CHSI cannot verify it (materials are checked on site).
    static func studiedOutside(_ person: inout DemoPerson, region: EducationRegion, school: String, major: String) {
        guard let index = person.education.lastIndex(where: { $0.ticked }) else { return }
        person.education[index].input.region = region.rawValue
        person.education[index].input.school = school
        person.education[index].input.major = major
        person.education[index].input.length = nil
        // No mainland certificate number: the 学历认证书 is shown on site.
        person.education[index].input.certificateNumber = ""
        person.education[index].chsi = nil
        person.education[index].scanEarly = false
        person.education[index].scanInReview = false
        person.education[index].wrongPickFirst = false
        person.education[index].abandonedScan = false
    }

    /// A `YYYY-MM-DD` one day off (a typing slip), still a real date.
    static func shiftedDay(_ text: String) -> String {
        let date = CalendarDate(iso: text)!
        let day = date.day == 1 ? 2 : date.day - 1
        return CalendarDate(year: date.year, month: date.month, day: day)!.description
    }

    // MARK: The seed case

    /// The seed guide's case: declared 北京大学 / 普通全日制 / 本科 / 基础医学 / 五年制 / 2006-07 / 2010-07; CHSI
    /// returns 中国地质大学(北京) / 非全日制 / 本科 / 计算机科学与技术 / 20190901 / 20240928 / 毕业.
    private mutating func seedCase() -> DemoPerson {
        let candidateID = ids.next("candidate")
        let birth = CalendarDate(year: 1988, month: 3, day: 17)!
        let idNumber = residentID(hometown: "110108", birth: birth, sex: .male)
        usernames.insert(Self.seedUsername)
        let registration = RegisterCandidate(
            candidateID: candidateID,
            username: Self.seedUsername,
            name: "李文博",
            surnamePinyin: "li",
            givenNamePinyin: "wenbo",
            idType: IDType.residentID.rawValue,
            idNumber: idNumber,
            nationality: Nationality.china,
            ethnicity: "汉族",
            password: Self.seedPassword,
            recoveryQuestion: "我的母校?",
            recoveryAnswer: "北京大学"
        )
        let declared = EducationInput(
            region: EducationRegion.mainland.rawValue,
            school: "北京大学",
            category: EducationCategory.higherMedical.rawValue,
            enrolment: "2006-07",
            graduation: "2010-07",
            studyForm: StudyForm.fullTime.rawValue,
            level: EducationLevel.bachelor.rawValue,
            degree: Degree.medicalBachelor.rawValue,
            length: StudyLength.five.rawValue,
            major: "基础医学",
            certificateNumber: "100011201005001234"
        )
        let chsi = ChsiRecord(
            name: "李文博",
            idNumber: idNumber,
            school: "中国地质大学(北京)",
            major: "计算机科学与技术",
            level: "本科",
            studyForm: "非全日制",
            educationCategory: "普通高等教育",
            enrolmentDate: "20190901",
            graduationDate: "20240928",
            conclusion: "毕业"
        )
        var plan = DemoPlan()
        // Left for the reviewers of the demo: submitted, waiting for on-site review at 东城区考点.
        plan.review = .absent
        plan.payment = .none
        return DemoPerson(
            index: 0,
            candidateID: candidateID,
            registration: registration,
            realName: "李文博",
            contact: ContactInput(
                homePhone: "010-62751234",
                mobile: "13901012345",
                email: "liwenbo@example.com",
                address: "北京市海淀区颐和园路5号",
                postcode: "100871"
            ),
            work: WorkInput(onDutyStatus: OnDutyStatus.employed.rawValue, workUnit: "北京大学第三医院", title: "住院医师", titleObtained: "2011-12"),
            education: [
                DemoEducation(entryID: ids.next("education"), input: declared, chsi: chsi, ticked: true, scanEarly: true)
            ],
            training: [],
            certificates: [],
            examCode: "110",
            areaCode: "11",
            siteCode: "1101",
            attemptCount: 2,
            additionalSubject: nil,
            passNumber: nil,
            plan: plan
        )
    }

    // MARK: Building a person

    private mutating func persona(
        _ index: Int,
        track: DemoTrack,
        kind: Kind,
        area areaCode: String? = nil,
        site siteCode: String? = nil,
        graduate: Bool = false,
        graduating: Bool = false,
        formMismatch: Bool = false,
        age: Int? = nil,
        adjust: (inout DemoPerson) -> Void
    ) -> DemoPerson {
        let candidateID = ids.next("candidate")
        let area =
            areaCode.flatMap { code in DemoData.areas.first { $0.code == code } }
            ?? random.weighted([(DemoData.areas[0], 35), (DemoData.areas[1], 35), (DemoData.areas[2], 30)])
        let site = siteCode ?? random.pick(area.sites).code
        let graduate = graduate && [.clinical, .traditional, .integrated, .dental, .publicHealth].contains(track)
        let graduating = graduating && graduate || (graduating && track == .clinical)

        // Education first: the birth date is derived from it, so that ages and graduation years agree.
        let timeline = educationTimeline(track: track, graduate: graduate || graduating, graduating: graduating, age: age)
        let birth = timeline.birth

        var sex: Sex = random.chance(0.5) ? .male : .female
        var name: String
        var realName: String
        var surname: String
        var given: String
        var idType = IDType.residentID
        var idNumber: String
        var nationality = Nationality.china
        var ethnicity: String? = "汉族"
        var identity: Int?
        var hometown = random.weighted(DemoData.hometowns).code
        var militaryCardAttempt = false
        switch kind {
        case .mainland, .activeServiceman, .militaryCard:
            let family = random.pick(DemoData.surnames)
            let first = random.pick(sex == .male ? DemoData.maleGivenNames : DemoData.femaleGivenNames)
            (name, surname, given) = (family.0 + first.0, family.1, first.1)
            realName = name
            let town = DemoData.hometowns.first { $0.0.code == hometown }!.0
            ethnicity = random.weighted(town.ethnicities)
            if case .militaryCard(let type) = kind {
                idType = type
                // Only non-active identities may register with a card (DOMAIN: active servicemen use the ID card).
                identity = type == .civilianCadreID ? 3 : nil
            }
            if case .activeServiceman = kind {
                identity = random.pick([1, 2, 4, 5])
                militaryCardAttempt = true
            }
        case .minority(let which):
            let minority = DemoData.minorityNames[which % DemoData.minorityNames.count]
            (name, surname, given, sex) = (minority.name, minority.surname, minority.given, minority.sex)
            realName = name
            ethnicity = minority.ethnicity
            hometown = minority.hometown
        case .rareCharacter(let which):
            let rare = DemoData.rareCharacterNames[which % DemoData.rareCharacterNames.count]
            (name, surname, given, sex) = (rare.typed, rare.surname, rare.given, rare.sex)
            realName = rare.real
        case .nonMainland(let type):
            idType = type
            let pool: [(String, String, String, Sex)]
            switch type {
            case .hongKongPass, .hongKongID: pool = DemoData.hongKongNames
            case .macauPass, .macauID: pool = DemoData.macauNames
            case .taiwanPass, .taiwanID: pool = DemoData.taiwanNames
            default:
                let foreign = random.pick(DemoData.foreignNames)
                pool = [(foreign.name, foreign.surname, foreign.given, foreign.sex)]
                nationality = foreign.nationality
                ethnicity = nil
            }
            (name, surname, given, sex) = random.pick(pool)
            realName = name
        }
        if idType == .residentID {
            idNumber = residentID(hometown: hometown, birth: birth, sex: sex)
        } else {
            idNumber = number(for: idType, sex: sex, nationality: nationality)
        }
        let usernameBase = (surname + given).lowercased().filter { $0.isASCII && $0.isLetter }
        let username = uniqueUsername(random.chance(0.5) ? usernameBase : usernameBase + String(birth.year % 100))
        var registration = RegisterCandidate(
            candidateID: candidateID,
            username: username,
            name: name,
            surnamePinyin: surname,
            givenNamePinyin: given,
            idType: idType.rawValue,
            idNumber: idNumber,
            sex: idType == .residentID ? nil : sex.rawValue,
            birthDate: idType == .residentID ? nil : birth.description,
            nationality: nationality,
            ethnicity: ethnicity,
            identity: identity,
            password: random.alphanumerics(random.int(6...12)),
            recoveryQuestion: random.pick(["我的母校?", "我的出生地?", "我最喜欢的老师?"]),
            recoveryAnswer: random.pick(["协和医学院", "同济医院", "湖北省宜昌市", "河南省洛阳市", "王建国老师"])
        )
        if idType == .foreignPassport { registration.ethnicity = nil }

        let nonMainland = !idType.isMainland
        let mobile =
            nonMainland && random.chance(0.5)
            ? random.pick(["9", "6"]) + random.digits(7) : random.pick(["138", "139", "150", "186", "187"]) + random.digits(8)
        let contact = ContactInput(
            homePhone: random.chance(0.4) ? "\(area.phoneArea)-\(random.int(2...8))\(random.digits(7))" : nil,
            workPhone: random.chance(0.3) ? "\(area.phoneArea)-\(random.int(2...8))\(random.digits(7))-\(random.digits(3))" : nil,
            mobile: mobile,
            email: random.chance(0.8) ? "\(usernameBase.prefix(16))\(random.digits(3))@example.com" : nil,
            address: random.pick(area.streets) + "\(random.int(1...399))号",
            postcode: area.postcode
        )
        let unit: String
        switch track {
        case .traditional, .traditionalAssistant, .integrated, .apprenticeship: unit = random.pick(area.traditional)
        case .dental, .dentalAssistant: unit = random.pick(area.dental)
        case .publicHealth, .publicHealthAssistant: unit = random.pick(area.publicHealth)
        case .rural: unit = random.pick(area.village)
        case .township, .secondaryWithCertificate: unit = random.pick(area.township + area.general)
        case .clinical, .clinicalAssistant: unit = random.pick(area.general)
        }
        let status: OnDutyStatus =
            graduating ? .graduatingGraduateStudent : (timeline.highestGraduation.year >= 2024 ? .probation : .employed)
        var work = WorkInput(onDutyStatus: status.rawValue, workUnit: unit)
        if status == .employed && random.chance(0.5) {
            work.title = random.pick(["住院医师", "医士", "医师"])
            work.titleObtained = Self.yearMonth(timeline.highestGraduation.year + 1, random.int(1...12))
        }

        var education: [DemoEducation] = []
        for (position, entry) in timeline.entries.enumerated() {
            let isHighest = position == timeline.entries.count - 1
            var item = DemoEducation(
                entryID: ids.next("education"),
                input: entry,
                chsi: chsiRecord(for: entry, name: realName, idNumber: idNumber),
                ticked: isHighest || (track == .secondaryWithCertificate && entry.level == EducationLevel.secondary.rawValue)
            )
            if track == .secondaryWithCertificate { item.ticked = entry.level == EducationLevel.secondary.rawValue }
            if item.chsi != nil {
                let early = random.chance(0.7)
                item.scanEarly = early
                item.scanInReview = !early && random.chance(0.6)
                item.abandonedScan = !early && !item.scanInReview && random.chance(0.2)
            }
            education.append(item)
        }
        if education.filter({ $0.chsi != nil }).count >= 2, random.chance(0.2), let index = education.lastIndex(where: { $0.chsi != nil }) {
            education[index].scanEarly = true
            education[index].wrongPickFirst = true
            education[index].scanInReview = true
            education[index].abandonedScan = false
        }
        if formMismatch, let index = education.lastIndex(where: { $0.chsi != nil }) {
            // Declared full-time, CHSI knows an adult-education degree: the reviewer rejects.
            education[index].chsi?.studyForm = StudyForm.adult.rawValue
            education[index].chsi?.educationCategory = "成人高等教育"
            education[index].scanEarly = true
            education[index].scanInReview = false
            education[index].abandonedScan = false
            education[index].wrongPickFirst = false
        } else if let index = education.lastIndex(where: { $0.chsi != nil }), random.chance(0.08) {
            // The candidate typed the month on the certificate's cover; CHSI has the end of June.
            if let graduation = education[index].chsi?.graduationDate, graduation.dropFirst(4).hasPrefix("06") {
                education[index].input.graduation = "\(graduation.prefix(4))-07"
            }
        }
        if case .rareCharacter = kind, let index = education.lastIndex(where: { $0.chsi != nil }) {
            // Scanned at the review site, where the reviewer sees CHSI's name differ and corrects it.
            education[index].scanEarly = false
            education[index].scanInReview = true
            education[index].abandonedScan = false
        }

        var training: [(String, TrainingInput, Bool)] = []
        let physicianTrack = [.clinical, .traditional, .integrated, .dental, .publicHealth].contains(track)
        if physicianTrack && !graduating && timeline.highestGraduation.year <= 2022 && (random.chance(0.45) || index == 7 || index == 1) {
            let start = timeline.highestGraduation.year
            training.append(
                (
                    ids.next("training"),
                    TrainingInput(
                        kind: TrainingKind.residency.rawValue,
                        institution: random.pick(area.general + area.traditional),
                        specialty: random.pick(DemoData.residencySpecialties[track.major] ?? ["全科"]),
                        start: Self.yearMonth(start, 9),
                        end: Self.yearMonth(start + 3, 8),
                        certificateNumber: random.chance(0.8) ? "ZP\(start + 3)\(random.digits(6))" : nil
                    ),
                    true
                )
            )
        }
        var certificates: [(String, CertificateInput, Bool)] = []
        if track == .secondaryWithCertificate || track == .township {
            let issued = timeline.highestGraduation.year + random.int(2...4)
            // Neither can lie after the month the file is filled in (the demo's December 2025).
            let issuedMonth = min(Self.yearMonth(issued, random.int(1...12)), Self.lastMonthBeforeTheSeason)
            let registeredMonth = min(Self.yearMonth(issued + 1, random.int(1...12)), Self.lastMonthBeforeTheSeason)
            certificates.append(
                (
                    ids.next("certificate"),
                    CertificateInput(
                        type: track == .township
                            ? CertificateType.townshipAssistantPhysician.rawValue : CertificateType.assistantPhysician.rawValue,
                        issued: issuedMonth,
                        number: "\(issued)2\(random.digits(21))",
                        registered: registeredMonth,
                        registrationNumber: "1\(area.code)\(random.digits(12))"
                    ),
                    track == .secondaryWithCertificate
                )
            )
        }

        var plan = DemoPlan()
        plan.militaryCardAttempt = militaryCardAttempt
        plan.townshipAttempt = track == .township
        plan.ordinaryExamAttempt = track == .apprenticeship
        if formMismatch {
            plan.review = .reject("学信网验证学历的学习形式为成人教育，与填报的普通全日制不符，请核实后下一年度重新报名")
        }
        if case .rareCharacter = kind {
            plan.corrections = [(.name, realName, "姓名中有字库缺字，按居民身份证原件更正为“\(realName)”")]
        }
        let online = area.onlinePayment
        plan.payment = online ? .normal : .none

        var additional: String?
        if identity.flatMap(MilitaryIdentity.init(rawValue:))?.isActiveService == true {
            additional = AdditionalSubject.militaryMedicine.rawValue
        } else if track.examCode == "110" && track != .secondaryWithCertificate && random.chance(0.08) {
            additional = random.pick([AdditionalSubject.prehospitalEmergency.rawValue, AdditionalSubject.pediatrics.rawValue])
        }
        var passNumber: String?
        switch idType {
        case .hongKongID: passNumber = number(for: .hongKongPass, sex: sex, nationality: nationality)
        case .macauID: passNumber = number(for: .macauPass, sex: sex, nationality: nationality)
        case .taiwanID: passNumber = number(for: .taiwanPass, sex: sex, nationality: nationality)
        default: passNumber = nil
        }

        var person = DemoPerson(
            index: index,
            candidateID: candidateID,
            registration: registration,
            realName: realName,
            contact: contact,
            work: work,
            education: education,
            training: training.map { (entryID: $0.0, input: $0.1, ticked: $0.2) },
            certificates: certificates.map { (entryID: $0.0, input: $0.1, ticked: $0.2) },
            examCode: track.examCode,
            areaCode: area.code,
            siteCode: site,
            attemptCount: random.weighted([(1, 70), (2, 20), (3, 10)]),
            additionalSubject: additional,
            passNumber: passNumber,
            plan: plan
        )
        adjust(&person)
        return person
    }

    // MARK: Education histories

    struct Timeline {
        var birth: CalendarDate
        var entries: [EducationInput]
        var highestGraduation: (year: Int, month: Int)
    }

    /// An education history for a track, ending with the entry the application ticks; the birth date follows.
    private mutating func educationTimeline(track: DemoTrack, graduate: Bool, graduating: Bool, age: Int?) -> Timeline {
        var entries: [EducationInput] = []
        var firstEnrolmentAge = 18
        var firstEnrolmentYear: Int
        // The year the last entry ends, weighted toward recent graduates.
        var lastYear =
            graduating
            ? 2026
            : random.weighted([
                (2025, 25), (2024, 20), (2023, 12), (random.int(2015...2022), 28), (random.int(2001...2014), 12), (random.int(1992...2000), 3),
            ])
        if [.secondaryWithCertificate, .township].contains(track) { lastYear = min(lastYear, 2020) }
        if let age, track == .rural { lastYear = 2025 + 18 - age }
        switch track {
        case .clinical, .traditional, .integrated, .dental, .publicHealth:
            let major = track.major
            var bachelorEnd = lastYear
            if graduate { bachelorEnd = lastYear - 3 }
            var doctor = false
            if graduate && !graduating && lastYear >= 2012 && random.chance(0.15) {
                doctor = true
                bachelorEnd = lastYear - 6
            }
            let school = random.pick(DemoData.universities[major]!)
            entries.append(
                entry(
                    school: school,
                    category: .higherMedical,
                    start: (bachelorEnd - 5, 9),
                    end: (bachelorEnd, random.pick([6, 7])),
                    form: .fullTime,
                    level: .bachelor,
                    degree: .medicalBachelor,
                    length: .five,
                    major: major
                )
            )
            firstEnrolmentYear = bachelorEnd - 5
            if graduate {
                let masterSchool = random.pick(DemoData.universities[major]!)
                let masterMajor = random.pick(DemoData.graduateMajors[major]!)
                var master = entry(
                    school: masterSchool,
                    category: .higherMedical,
                    start: (bachelorEnd, 9),
                    end: (bachelorEnd + 3, 6),
                    form: .fullTime,
                    level: .master,
                    degree: .medicalMaster,
                    length: .three,
                    major: masterMajor
                )
                if graduating { master.certificateNumber = "" }
                entries.append(master)
                if doctor {
                    entries.append(
                        entry(
                            school: masterSchool,
                            category: .higherMedical,
                            start: (bachelorEnd + 3, 9),
                            end: (bachelorEnd + 6, 6),
                            form: .fullTime,
                            level: .doctor,
                            degree: .medicalDoctor,
                            length: .three,
                            major: masterMajor
                        )
                    )
                }
            }
        case .clinicalAssistant, .traditionalAssistant, .dentalAssistant, .publicHealthAssistant:
            // Some came through a 中专 first and upgraded by adult education.
            if random.chance(0.25) && lastYear >= 2008 {
                let secondary = random.pick(DemoData.secondarySchools)
                entries.append(
                    entry(
                        school: secondary,
                        category: .secondaryMedical,
                        start: (lastYear - 6, 9),
                        end: (lastYear - 3, 7),
                        form: .fullTime,
                        level: .secondary,
                        degree: nil,
                        length: .three,
                        major: "临床医学"
                    )
                )
                entries.append(
                    entry(
                        school: random.pick(DemoData.colleges),
                        category: .higherMedical,
                        start: (lastYear - 3, 3),
                        end: (lastYear, 1),
                        form: .adult,
                        level: .juniorCollege,
                        degree: Degree.none,
                        length: .three,
                        major: track.major
                    )
                )
                firstEnrolmentAge = 15
                firstEnrolmentYear = lastYear - 6
            } else {
                entries.append(
                    entry(
                        school: random.pick(DemoData.colleges),
                        category: .higherMedical,
                        start: (lastYear - 3, 9),
                        end: (lastYear, 6),
                        form: .fullTime,
                        level: .juniorCollege,
                        degree: Degree.none,
                        length: .three,
                        major: track.major
                    )
                )
                firstEnrolmentYear = lastYear - 3
            }
        case .rural, .secondaryWithCertificate, .township:
            let secondary = random.pick(DemoData.secondarySchools)
            entries.append(
                entry(
                    school: secondary,
                    category: .secondaryMedical,
                    start: (lastYear - 3, 9),
                    end: (lastYear, 7),
                    form: .fullTime,
                    level: .secondary,
                    degree: nil,
                    length: .three,
                    major: track == .secondaryWithCertificate ? "社区医学" : "农村医学"
                )
            )
            firstEnrolmentAge = 15
            firstEnrolmentYear = lastYear - 3
            if track == .secondaryWithCertificate && random.chance(0.3) && lastYear <= 2018 {
                // A later 专科 by distance learning; the application still rests on the 中专 and the certificate.
                entries.append(
                    entry(
                        school: random.pick(DemoData.colleges),
                        category: .higherMedical,
                        start: (lastYear + 3, 3),
                        end: (lastYear + 6, 1),
                        form: .online,
                        level: .juniorCollege,
                        degree: Degree.none,
                        length: .three,
                        major: "临床医学"
                    )
                )
            }
        case .apprenticeship:
            firstEnrolmentAge = 25
            firstEnrolmentYear = 1975 + random.int(0...20)
            entries.append(
                EducationInput(
                    region: EducationRegion.mainland.rawValue,
                    category: EducationCategory.other.rawValue,
                    enrolment: Self.yearMonth(firstEnrolmentYear, 3),
                    studyForm: StudyForm.other.rawValue,
                    level: EducationLevel.apprenticeship.rawValue,
                    major: random.pick(["中医内科", "针灸", "中医骨伤"])
                )
            )
            lastYear = firstEnrolmentYear + 3
        }
        var birthYear = firstEnrolmentYear - firstEnrolmentAge - random.int(0...1)
        if let age { birthYear = today.year - age }
        // Keep every person between 18 and 75 on the day they register.
        birthYear = min(max(birthYear, today.year - 75), today.year - 18)
        var birthMonth = random.int(1...12)
        if birthYear == today.year - 18 { birthMonth = random.int(1...11) }
        if birthYear == today.year - 75 { birthMonth = random.int(1...11) + 1 }
        let birth = CalendarDate(year: birthYear, month: birthMonth, day: random.int(1...28))!
        let last = entries.last!
        let graduation = last.graduation.map { (Int($0.prefix(4))!, Int($0.suffix(2))!) } ?? (lastYear, 7)
        return Timeline(birth: birth, entries: entries, highestGraduation: graduation)
    }

    private mutating func entry(
        school: DemoData.School,
        category: EducationCategory,
        start: (Int, Int),
        end: (Int, Int),
        form: StudyForm,
        level: EducationLevel,
        degree: Degree?,
        length: StudyLength?,
        major: String
    ) -> EducationInput {
        let levelDigit: String
        switch level {
        case .doctor: levelDigit = "1"
        case .master: levelDigit = "2"
        case .bachelor: levelDigit = "5"
        case .juniorCollege: levelDigit = "6"
        default: levelDigit = "7"
        }
        // The 18-digit electronic registration number on higher-education certificates since 2001 (school code, year,
        // level, serial); 中专 and older certificates carry a shorter number of their own, typed as printed.
        let electronic = Rules.requiresElectronicRegistrationNumber(mainland: true, higherEducation: level.isHigherEducation, graduationYear: end.0)
        return EducationInput(
            region: EducationRegion.mainland.rawValue,
            school: school.name,
            category: category.rawValue,
            enrolment: Self.yearMonth(start.0, start.1),
            graduation: Self.yearMonth(end.0, end.1),
            studyForm: form.rawValue,
            level: level.rawValue,
            degree: degree?.rawValue,
            length: length?.rawValue,
            major: major,
            certificateNumber: electronic
                ? school.code + Self.pad(end.0, 4) + levelDigit + random.digits(8) : String(random.int(1...9)) + random.digits(random.int(5...11))
        )
    }

    /// What CHSI holds for a declared entry, or nil when it cannot verify it.
    private mutating func chsiRecord(for entry: EducationInput, name: String, idNumber: String) -> ChsiRecord? {
        // CHSI's scope (the decider's chsiScope, which takes a recorded entry): mainland higher education since 2001.
        let level = EducationLevel(rawValue: entry.level)
        guard entry.region == EducationRegion.mainland.rawValue, level?.isHigherEducation == true,
            let school = entry.school, let enrolment = entry.enrolment, let graduation = entry.graduation,
            graduation >= "2001-01", graduation < "2026-01"
        else { return nil }
        let category: String
        switch entry.studyForm {
        case StudyForm.adult.rawValue: category = "成人高等教育"
        case StudyForm.online.rawValue: category = "网络教育"
        case StudyForm.selfStudy.rawValue: category = "高等教育自学考试"
        default: category = entry.level == EducationLevel.master.rawValue || entry.level == EducationLevel.doctor.rawValue ? "研究生" : "普通高等教育"
        }
        let graduationMonth = Int(graduation.suffix(2))!
        let lastDay = graduationMonth == 6 ? 30 : random.int(1...28)
        return ChsiRecord(
            name: name,
            idNumber: idNumber,
            school: school,
            major: entry.major ?? "",
            level: entry.level,
            studyForm: entry.studyForm ?? "",
            educationCategory: category,
            enrolmentDate: enrolment.replacingOccurrences(of: "-", with: "") + Self.pad(random.int(1...10), 2),
            graduationDate: graduation.replacingOccurrences(of: "-", with: "") + Self.pad(lastDay, 2),
            conclusion: "毕业"
        )
    }
}
