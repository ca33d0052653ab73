/// The on-site review's side-by-side comparison of a declared education entry (填报) with its current CHSI result
/// (学信网): rows 院校, 形式, 学历, 专业, 学制, 入学, 毕业, 结论.
public struct EducationComparison: Equatable, Sendable {
    /// How one row compares.
    public enum Verdict: String, Codable, Equatable, Sendable {
        /// Declared and CHSI agree.
        case match
        /// Declared and CHSI differ.
        case mismatch
        /// CHSI does not return this field (学制, certificate number): never a mismatch.
        case notProvided
        /// No CHSI result for the entry.
        case notVerified
    }

    /// One row.
    public struct Row: Equatable, Sendable {
        /// 院校, 形式, 学历, 专业, 学制, 入学, 毕业 or 结论.
        public var label: String
        /// The declared value (`""` where the candidate declares nothing, as for 结论).
        public var declared: String
        /// CHSI's value, verbatim; nil when CHSI does not provide it or there is no result.
        public var chsi: String?
        /// The verdict.
        public var verdict: Verdict
    }

    /// The rows, in the review screen's order.
    public var rows: [Row]
    /// The CHSI result's name or ID number differs from the candidate's: a red flag.
    public var identityMismatch: Bool

    /// Whether the entry has a CHSI result at all.
    public var isVerified: Bool { rows.first?.verdict != .notVerified }

    /// Compares an entry's declared record with its current CHSI result (nil: not verified). Texts compare exactly;
    /// dates compare by year and month (`2010-07` vs `20100728`). 结论 has no declared counterpart and is shown
    /// for information (a match when CHSI says 毕业).
    ///
    /// With `basic`, the identity flag compares CHSI's name and ID number with the candidate's basic information as
    /// it is now: a `?` that a reviewer corrected to the real character clears the flag. Without it, the flags
    /// recorded when the result arrived are used.
    public static func compare(_ record: EducationRecord, with result: ChsiResult?, against basic: BasicInfo? = nil) -> EducationComparison {
        let declared: [(String, String)] = [
            ("院校", record.school ?? ""), ("形式", record.studyForm ?? ""), ("学历", record.level),
            ("专业", record.major ?? ""), ("学制", record.length ?? ""), ("入学", record.enrolment ?? ""),
            ("毕业", record.graduation ?? ""), ("结论", ""),
        ]
        guard let result else {
            return EducationComparison(
                rows: declared.map { Row(label: $0.0, declared: $0.1, chsi: nil, verdict: .notVerified) },
                identityMismatch: false
            )
        }
        // Spaces around a value (CHSI's text as it came) say nothing: what the rows show as normalised compares.
        func text(_ declared: String, _ chsi: String) -> Verdict { sameText(declared, chsi) ? .match : .mismatch }
        func month(_ declared: String, _ chsi: String) -> Verdict {
            let chsi = chsi.trimmedOfWhitespace()
            let declared = declared.trimmedOfWhitespace()
            guard ChsiDate.parse(chsi) != nil else { return .mismatch }
            return declared == "\(chsi.prefix(4))-\(chsi.dropFirst(4).prefix(2))" ? .match : .mismatch
        }
        let rows = [
            Row(label: "院校", declared: declared[0].1, chsi: result.school, verdict: text(declared[0].1, result.school)),
            Row(label: "形式", declared: declared[1].1, chsi: result.studyForm, verdict: text(declared[1].1, result.studyForm)),
            Row(label: "学历", declared: declared[2].1, chsi: result.level, verdict: text(declared[2].1, result.level)),
            Row(label: "专业", declared: declared[3].1, chsi: result.major, verdict: text(declared[3].1, result.major)),
            Row(label: "学制", declared: declared[4].1, chsi: nil, verdict: .notProvided),
            Row(
                label: "入学",
                declared: declared[5].1,
                chsi: result.enrolmentDate,
                verdict: month(declared[5].1, result.enrolmentDate)
            ),
            Row(
                label: "毕业",
                declared: declared[6].1,
                chsi: result.graduationDate,
                verdict: month(declared[6].1, result.graduationDate)
            ),
            Row(label: "结论", declared: "", chsi: result.conclusion, verdict: sameText(result.conclusion, "毕业") ? .match : .mismatch),
        ]
        let identityMismatch =
            basic.map { !sameText(result.name, $0.name) || !sameIDNumber(result.idNumber, $0.idNumber) } ?? result.isIdentityMismatch
        return EducationComparison(rows: rows, identityMismatch: identityMismatch)
    }

    /// Two texts compared as the review compares them: spaces around them ignored.
    public static func sameText(_ one: String, _ other: String) -> Bool {
        one == other || one.trimmedOfWhitespace() == other.trimmedOfWhitespace()
    }

    /// Two ID numbers compared as the review compares them: spaces around them and the case of an X ignored.
    public static func sameIDNumber(_ one: String, _ other: String) -> Bool {
        one.trimmedOfWhitespace().uppercased() == other.trimmedOfWhitespace().uppercased()
    }
}

extension String {
    /// `trimmingCharacters(in: .whitespaces)` (Foundation's set here: Unicode's space separators, the tab and the
    /// zero-width space), without its character-set walk: the string itself when nothing is to be trimmed, as it
    /// almost always is.
    public func trimmedOfWhitespace() -> String {
        func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == " " || scalar == "\t"
                || (scalar.value >= 0x80 && (scalar == "\u{200B}" || scalar.properties.generalCategory == .spaceSeparator))
        }
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last, isWhitespace(first) || isWhitespace(last) else { return self }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end && isWhitespace(scalars[start]) { start = scalars.index(after: start) }
        while end > start && isWhitespace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }
}
