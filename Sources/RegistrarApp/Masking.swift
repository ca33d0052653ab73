import RegistrationDomain

/// Masking of personal data for roles that do not need it in full.
///
/// The API and pages decide who sees numbers in full (`Disclosure` in RegistrarHTTP); the operator commands mask
/// them unless asked not to (`replay` and `trace` with `--show-id-numbers`). Both mask the same things the same way,
/// here.
public enum Masking {
    /// An ID number with its middle replaced by `*`: of a resident ID (15 characters or more) all but the first 3
    /// and last 4 (`420***********123X`), enough to tell two candidates apart at a glance, not enough to reconstruct
    /// the birth date; of a shorter document (a 香港身份证 `A123456(7)`, a 军官证, a passport: 6–14 characters) all but
    /// the first and the last 2, so that at least half stays hidden and a check digit cannot restore the rest; a
    /// number of fewer than 6 characters entirely.
    public static func idNumber(_ number: String) -> String {
        let characters = Array(number)
        let (head, tail) =
            switch characters.count {
            case 15...: (3, 4)
            case 6...: (1, 2)
            default: (0, 0)
            }
        return String(characters.prefix(head)) + String(repeating: "*", count: characters.count - head - tail)
            + String(characters.suffix(tail))
    }

    /// A birth date (`1988-03-17`) with its month and day hidden (`1988-**-**`): beside a masked resident ID number
    /// and an address (which gives the county), the full date would rebuild the number, whose middle is the date. The
    /// year stays, for the age.
    public static func birthDate(_ date: String) -> String {
        guard date.count >= 4 else { return String(repeating: "*", count: date.count) }
        return String(date.prefix(4)) + String(date.dropFirst(4).map { $0 == "-" ? "-" : "*" })
    }

    /// Whether a field path names a birth date: `basic.birthDate`, `birthDate`.
    public static func isBirthDatePath(_ path: String) -> Bool {
        path == "birthDate" || path.hasSuffix(".birthDate")
    }

    /// Whether a field path names an ID number: `basic.idNumber`, `education[e1].chsi.idNumber`,
    /// `idNumber`, `applications[a1].passNumber` (通行证号码: for a holder of a 香港往来大陆通行证 it is the ID
    /// number itself), … A correction's `oldValue`/`newValue` are not told by their path: mask the state instead
    /// (``idNumbers(in:)``) and diff masked states (``maskedDiff(_:_:)``).
    public static func isIDNumberPath(_ path: String) -> Bool {
        path == "idNumber" || path.hasSuffix(".idNumber") || path.hasSuffix("IdNumber") || path.hasSuffix("IDNumber")
            || path == "passNumber" || path.hasSuffix(".passNumber")
    }

    /// Masks every ID number a candidate's file holds: the basic information's, those of CHSI's results, the pass
    /// numbers of applications and the corrections of the number; and the birth date (``birthDate(_:)``), which
    /// would give the number's middle back.
    public static func idNumbers(in state: inout CandidateState) {
        if let number = state.basic?.idNumber { state.basic?.idNumber = idNumber(number) }
        if let date = state.basic?.birthDate { state.basic?.birthDate = birthDate(date) }
        for key in state.education.keys { idNumbers(in: &state.education[key]!) }
        for key in state.applications.keys { idNumbers(in: &state.applications[key]!) }
    }

    /// Masks the ID numbers of an education entry's CHSI results.
    public static func idNumbers(in entry: inout EducationEntry) {
        for index in entry.chsiResults.indices {
            entry.chsiResults[index].idNumber = idNumber(entry.chsiResults[index].idNumber)
        }
    }

    /// Masks an application's pass number, its corrections of the ID number, and the resident ID numbers staff wrote
    /// into its reasons and notes (a correction's, the approval's note, a withdrawn approval's, the rejection's, a
    /// refund's).
    public static func idNumbers(in application: inout Application) {
        if let number = application.passNumber { application.passNumber = idNumber(number) }
        for index in application.corrections.indices {
            application.corrections[index].reason = personalData(inText: application.corrections[index].reason)
            if application.corrections[index].field == BasicInfoField.birthDate.rawValue {
                application.corrections[index].oldValue = birthDate(application.corrections[index].oldValue)
                application.corrections[index].newValue = birthDate(application.corrections[index].newValue)
            }
            guard application.corrections[index].field == BasicInfoField.idNumber.rawValue else { continue }
            let correction = application.corrections[index]
            // The numbers the correction is about, of any document (a pass's, a 军官证's), wherever its reason quotes them.
            application.corrections[index].reason = masking([correction.oldValue, correction.newValue], inText: correction.reason)
            application.corrections[index].oldValue = idNumber(correction.oldValue)
            application.corrections[index].newValue = idNumber(correction.newValue)
        }
        application.rejectionReason = application.rejectionReason.map(personalData(inText:))
        application.approvalNote = application.approvalNote.map(personalData(inText:))
        for index in application.refunds.indices { application.refunds[index].reason = personalData(inText: application.refunds[index].reason) }
        if var withdrawn = application.withdrawnApprovals {
            for index in withdrawn.indices {
                withdrawn[index].reason = personalData(inText: withdrawn[index].reason)
                withdrawn[index].note = withdrawn[index].note.map(personalData(inText:))
            }
            application.withdrawnApprovals = withdrawn
        }
    }

    /// Staff accounts as a candidate reads them: by their role (`reviewer`, `admin`, …), never by account id. The
    /// candidate deals with the exam site (the application names it), not with a staff member's login, which would
    /// also hand out half of a staff credential.
    public static func staffIDs(in state: inout CandidateState) {
        for key in state.applications.keys { staffIDs(in: &state.applications[key]!) }
    }

    /// An application's approving and withdrawing reviewers and the reviewers of its corrections, by role.
    public static func staffIDs(in application: inout Application) {
        let role = Role.reviewer.rawValue
        if application.approvedBy != nil { application.approvedBy = role }
        for index in application.corrections.indices { application.corrections[index].reviewerID = role }
        if var withdrawn = application.withdrawnApprovals {
            for index in withdrawn.indices {
                withdrawn[index].approvedBy = role
                withdrawn[index].withdrawnBy = role
            }
            application.withdrawnApprovals = withdrawn
        }
    }

    /// A timeline step as a candidate reads it: a staff member by role (the step names the application's site).
    public static func staffIDs(in step: CandidateHistory.Step) -> CandidateHistory.Step {
        guard let role = Role(rawValue: step.role), [.reviewer, .admin, .auditor, .system].contains(role) else { return step }
        var step = step
        step.actorId = role.rawValue
        return step
    }

    /// Free text with each of `numbers` (known ID numbers, of any document) masked where it is quoted, in any case.
    public static func masking(_ numbers: [String], inText text: String) -> String {
        var text = text
        for number in numbers where number.count >= 4 {
            text = text.replacingOccurrences(of: number, with: idNumber(number), options: .caseInsensitive)
        }
        return text
    }

    /// Free text (a reason, a note) as someone who sees masked numbers reads it: the resident ID numbers masked
    /// (``idNumbers(inText:)``) and the month and day of full dates (``birthDates(inText:)``): a birth date written
    /// beside a masked number would give the number's middle back, as the field's own masking knows (audit X-8).
    public static func personalData(inText text: String) -> String {
        birthDates(inText: idNumbers(inText: text))
    }

    /// A digit's value, half- or full-width (a Chinese input method types them full-width).
    private static func digitValue(_ character: Character) -> Int? {
        guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { return nil }
        switch scalar.value {
        case 0x30...0x39: return Int(scalar.value - 0x30)
        case 0xFF10...0xFF19: return Int(scalar.value - 0xFF10)
        default: return nil
        }
    }

    /// The separator between a date's year and month, and the one its month and day take then.
    private static let dateSeparators: [Character: Set<Character>] = [
        "-": ["-"], "/": ["/"], ".": ["."], "－": ["－"], "／": ["／"], "．": ["．"], "年": ["月"],
    ]

    /// Free text with the month and day of every full date hidden: `1988-03-17`, `1988/3/17`, `1988.03.17`,
    /// `1988年3月17日`, and eight digits that read as one (`19880317`), in half- or full-width digits; the year stays, as
    /// in ``birthDate(_:)``. A reason cannot say whose date it is, so every full date of a year a candidate could be
    /// born in (1900–2019) is treated as a birth date; a year and month alone (as education dates are written) and later
    /// dates stay.
    public static func birthDates(inText text: String) -> String {
        let characters = Array(text)
        func digit(_ index: Int) -> Int? {
            guard index >= 0, index < characters.count else { return nil }
            return digitValue(characters[index])
        }
        /// The number of 1 or 2 digits at `index`: its value and its end.
        func number(at index: Int) -> (value: Int, end: Int)? {
            guard let first = digit(index) else { return nil }
            if let second = digit(index + 1) {
                return digit(index + 2) == nil ? (first * 10 + second, index + 2) : nil
            }
            return (first, index + 1)
        }
        var masked = characters
        var index = 0
        while index < characters.count {
            guard digit(index) != nil, digit(index - 1) == nil else {
                index += 1
                continue
            }
            var run = index
            while digit(run) != nil { run += 1 }
            let year = (0..<4).reduce(0) { $0 * 10 + (digit(index + $1) ?? 0) }
            // A candidate born since 2020 would not sit the exam: later dates (the season's, an instant) stay.
            let plausibleYear = (1900...2019).contains(year)
            if run - index == 8, plausibleYear {
                let month = (digit(index + 4) ?? 0) * 10 + (digit(index + 5) ?? 0)
                let day = (digit(index + 6) ?? 0) * 10 + (digit(index + 7) ?? 0)
                if (1...12).contains(month) && (1...31).contains(day) {
                    for position in index + 4..<run { masked[position] = "*" }
                }
            } else if run - index == 4, plausibleYear, run < characters.count {
                let separator = characters[run]
                if let second = dateSeparators[separator], let month = number(at: run + 1), (1...12).contains(month.value),
                    month.end < characters.count, second.contains(characters[month.end]),
                    let day = number(at: month.end + 1), (1...31).contains(day.value)
                {
                    for position in run + 1..<day.end where digit(position) != nil { masked[position] = "*" }
                    index = day.end
                    continue
                }
            }
            index = run
        }
        return String(masked)
    }

    /// Free text (a reason) with every resident ID number in it masked: 18 characters (17 digits and a digit or X)
    /// or 15 digits, touching no other digit. Digits may be full-width (a Chinese input method types them so) and
    /// written in groups with single spaces or hyphens between them (`110108 19880317 4919`). A reviewer naturally
    /// writes the number into the reason of its correction ("原号码110108198803174919，按身份证原件更正"), where the
    /// field's masking does not reach. Other documents' numbers cannot be told from other text and are left as written.
    public static func idNumbers(inText text: String) -> String {
        let characters = Array(text)
        guard characters.count >= 15 else { return text }
        func digit(_ character: Character) -> Character? { digitValue(character).map { Character(String($0)) } }
        let checkX: Set<Character> = ["X", "x", "Ｘ", "ｘ"]
        let separators: Set<Character> = [
            " ", "-", "\u{3000}", "－", ".", "/", "．", "／", "_", "\u{00A0}", "\u{2009}", "\u{202F}", "\u{2013}", "\u{2014}",
        ]
        /// How many separators (one or two, as typed between groups) start at `position` and are followed by a digit.
        func separatorRun(at position: Int) -> Int? {
            for length in 1...2 {
                guard position + length - 1 < characters.count, separators.contains(characters[position + length - 1]) else { return nil }
                if position + length < characters.count, digit(characters[position + length]) != nil { return length }
            }
            return nil
        }
        var out = ""
        var index = 0
        while index < characters.count {
            guard digit(characters[index]) != nil, index == 0 || digit(characters[index - 1]) == nil else {
                out.append(characters[index])
                index += 1
                continue
            }
            // The run: digits, one or two separators between digits, and an X after the 17th digit. Where 15 or 18
            // of its digits end at a separator, a number may end there with other figures after it ("…4919 2026年",
            // "…4919-2份"): the longest such number is kept (audit Z-1).
            var number = ""
            var end = index
            var numberEnds: [Int: (end: Int, digits: String)] = [:]
            while end < characters.count {
                if let value = digit(characters[end]) {
                    number.append(value)
                    end += 1
                } else if let length = separatorRun(at: end) {
                    if number.count == 15 || number.count == 18 { numberEnds[number.count] = (end, number) }
                    end += length
                } else if number.count == 17, checkX.contains(characters[end]) {
                    number.append("X")
                    end += 1
                    break
                } else {
                    break
                }
            }
            let touchesDigit = end < characters.count && digit(characters[end]) != nil
            if (number.count == 15 || number.count == 18) && !touchesDigit && Self.holdsBirthDate(number) {
                out += idNumber(number)
                index = end
            } else if let prefix = [numberEnds[18], numberEnds[15]].compactMap({ $0 }).first(where: { Self.holdsBirthDate($0.digits) }) {
                out += idNumber(prefix.digits)
                index = prefix.end
            } else {
                // Not a number of an ID card: the first digit as written, and on from the next character.
                out.append(characters[index])
                index += 1
                while index < characters.count, digit(characters[index]) != nil {
                    out.append(characters[index])
                    index += 1
                }
            }
        }
        return out
    }

    /// Whether 15 or 18 digits read as a resident ID's: a birth date where the number has one (`YYMMDD` from the 7th
    /// digit of 15, `YYYYMMDD` of 18). The check character is not required: a mistyped number, the usual reason for a
    /// correction, is as personal as a right one. Other runs of as many digits (a bank card's last groups) stay.
    static func holdsBirthDate(_ number: String) -> Bool {
        let digits = Array(number.utf8.prefix(17)).map { Int($0) - 48 }
        func value(_ from: Int, _ count: Int) -> Int { digits[from..<from + count].reduce(0) { $0 * 10 + $1 } }
        guard digits.allSatisfy({ (0...9).contains($0) }) else { return false }
        let (month, day): (Int, Int)
        if number.count == 18 {
            guard (1900...2099).contains(value(6, 4)) else { return false }
            (month, day) = (value(10, 2), value(12, 2))
        } else {
            (month, day) = (value(8, 2), value(10, 2))
        }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    /// A timeline step with the resident ID numbers of its reason masked.
    public static func idNumbers(in step: CandidateHistory.Step) -> CandidateHistory.Step {
        idNumbers(in: step, knowing: [])
    }

    /// A timeline step with its reason masked, and `numbers` (``knownNumbers(of:)``: of any document, which the text's
    /// shape does not tell) wherever it quotes them.
    public static func idNumbers(in step: CandidateHistory.Step, knowing numbers: [String]) -> CandidateHistory.Step {
        var step = step
        step.reason = step.reason.map { personalData(inText: masking(numbers, inText: $0)) }
        return step
    }

    /// The document numbers a file knows: its ID number, the numbers its corrections changed, its applications' pass
    /// numbers.
    public static func knownNumbers(of state: CandidateState) -> [String] {
        var numbers = [state.basic?.idNumber].compactMap { $0 }
        for application in state.applications.values {
            if let pass = application.passNumber { numbers.append(pass) }
            for correction in application.corrections where correction.field == BasicInfoField.idNumber.rawValue {
                numbers += [correction.oldValue, correction.newValue]
            }
        }
        // The longest first, so that a number inside another is not masked before it.
        return Set(numbers).sorted { $0.count > $1.count }
    }

    /// A change about an ID number, masked (others as they are).
    public static func idNumbers(in change: CandidateHistory.Change) -> CandidateHistory.Change {
        var change = change
        if isIDNumberPath(change.path) {
            change.before = change.before.map(idNumber)
            change.after = change.after.map(idNumber)
        } else if isBirthDatePath(change.path) {
            change.before = change.before.map(birthDate)
            change.after = change.after.map(birthDate)
        }
        return change
    }

    /// The differences between two states as someone who sees masked numbers sees them: what changed is found on the
    /// states as they are (a corrected digit in the middle of a number is a change, though its masked forms are
    /// equal), and shown with the values of both states masked (a path alone does not tell that
    /// `corrections[0].oldValue` is an ID number).
    public static func maskedDiff(_ before: CandidateState, _ after: CandidateState) -> [CandidateHistory.Change] {
        var maskedBefore = before
        var maskedAfter = after
        idNumbers(in: &maskedBefore)
        idNumbers(in: &maskedAfter)
        let old = CandidateHistory.flatten(maskedBefore)
        let new = CandidateHistory.flatten(maskedAfter)
        return CandidateHistory.diff(before, after).map { change in
            idNumbers(
                in: CandidateHistory.Change(
                    path: change.path,
                    before: change.before.flatMap { _ in old[change.path] },
                    after: change.after.flatMap { _ in new[change.path] }
                )
            )
        }
    }
}
