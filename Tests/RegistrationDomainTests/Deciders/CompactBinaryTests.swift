import Foundation
import Testing

@testable import RegistrationDomain

/// The compact binary snapshot form of a candidate's file: every field round-trips, no field is left out, and bytes
/// that are not a whole, valid form are refused without a crash.
@Suite("Compact binary snapshot form")
struct CompactBinaryTests {
    static let flags = EntryFlags(lockedBy: ["app-2", "app-9"], verified: true)
    static let chsi = ChsiResult(
        scanID: "scan-1",
        name: "阿依古丽·买买提",
        idNumber: "11010519491231002X",
        school: "中国地质大学(北京)",
        major: "计算机科学与技术",
        level: "本科",
        studyForm: "非全日制",
        educationCategory: "普通高等教育",
        enrolmentDate: "20190901",
        graduationDate: "20240928",
        conclusion: "毕业",
        nameMatches: false,
        idNumberMatches: true,
        receivedAt: "2026-03-01T08:00:00.000Z"
    )
    static let record = EducationRecord(
        region: "中国大陆",
        school: "北京大学",
        category: "普通全日制",
        enrolment: "2006-07",
        graduation: "2010-07",
        studyForm: "全日制",
        level: "本科",
        degree: "学士",
        length: "5",
        major: "基础医学",
        fiveYearJuniorCollegeClinical: true,
        combinedMasterDoctor: false,
        certificateNumber: "100011201005001234"
    )
    static let application = Application(
        applicationID: "app-2",
        seasonID: "2026",
        examCode: "110",
        examLevel: "执业医师",
        examCategory: "临床",
        educationEntryIDs: ["edu-1", "edu-2"],
        trainingEntryIDs: ["tr-1"],
        certificateEntryID: "cert-1",
        areaCode: "4201",
        siteCode: "420101",
        attemptCount: 2,
        additionalSubject: "全科",
        photoID: "photo-1",
        photoFormat: "jpg",
        photoSizeBytes: 48_213,
        passNumber: "P-1",
        identity: 3,
        onDutyStatus: "在职",
        workUnit: "协和医院",
        title: "住院医师",
        workPost: "儿科",
        submittedAt: "2026-02-01T00:00:00.000Z",
        abandonedAt: "2026-02-02T00:00:00.000Z",
        approvedAt: "2026-03-01T00:00:00.000Z",
        approvedBy: "reviewer-1",
        rejectedAt: "2026-03-02T00:00:00.000Z",
        rejectionReason: "照片不符合要求",
        signedAt: "2026-03-03T00:00:00.000Z",
        corrections: [
            Correction(
                field: "name",
                oldValue: "张三",
                newValue: "张叁",
                reason: "证件为准",
                reviewerID: "reviewer-1",
                correctedAt: "2026-03-01T00:00:00.000Z"
            )
        ],
        payments: [
            PaymentAttempt(
                orderNumber: "o-1",
                amountFen: 38_000,
                startedAt: "2026-03-04T00:00:00.000Z",
                outcome: .succeeded,
                bankTransactionIDs: ["b-1", "b-1-dup"],
                confirmedAt: "2026-03-04T00:01:00.000Z",
                failureReason: "超时"
            )
        ],
        refunds: [Refund(refundID: "r-1", amountFen: -1, reason: "重复缴费", recordedAt: "2026-03-05T00:00:00.000Z")]
    )

    /// A file with every optional set and every collection non-empty.
    static var full: CandidateState {
        var state = CandidateState()
        state.candidateID = "candidate-1"
        state.registeredAt = "2026-01-10T00:00:00.000Z"
        state.basic = BasicInfo(
            username: "zhang.san",
            name: "张三",
            surnamePinyin: "ZHANG",
            givenNamePinyin: "SAN",
            idType: "居民身份证",
            idNumber: "11010519491231002X",
            sex: "男",
            birthDate: "1949-12-31",
            nationality: "中国",
            ethnicity: "汉族",
            identity: 2
        )
        state.contact = ContactInfo(
            homePhone: "010-1234567",
            workPhone: "010-7654321",
            mobile: "13800000000",
            email: "a@b.cn",
            address: "北京",
            postcode: "100000"
        )
        state.work = WorkInfo(onDutyStatus: "在职", workUnit: "协和医院", title: "住院医师", titleObtained: "2020-01")
        state.education = [
            "edu-1": EducationEntry(
                entryID: "edu-1",
                order: 0,
                record: record,
                flags: flags,
                pendingScanIDs: ["scan-2"],
                startedScanIDs: ["scan-1", "scan-2"],
                chsiResults: [chsi, chsi]
            ),
            "edu-2": EducationEntry(
                entryID: "edu-2",
                order: 3,
                record: record,
                flags: EntryFlags(),
                pendingScanIDs: [],
                startedScanIDs: [],
                chsiResults: []
            ),
        ]
        state.training = [
            "tr-1": TrainingEntry(
                entryID: "tr-1",
                order: 1,
                kind: "规培",
                institution: "协和医院",
                specialty: "内科",
                start: "2015-09",
                end: "2018-08",
                certificateNumber: "T-1",
                flags: flags
            )
        ]
        state.certificates = [
            "cert-1": CertificateEntry(
                entryID: "cert-1",
                order: 2,
                type: "执业助理医师资格证书",
                issued: "2019-01",
                number: "C-1",
                registered: "2019-06",
                registrationNumber: "R-1",
                flags: flags
            )
        ]
        state.applications = ["app-2": application, "app-1": application]
        state.nextOrder = Int.max
        state.applicationOrder = ["app-1", "app-2"]
        return state
    }

    @Test("a file with every field set, and an empty one, read back equal")
    func roundTrip() throws {
        let full = Self.full
        #expect(try CandidateState(compactBinary: full.compactBinary()) == full)
        #expect(try CandidateState(compactBinary: CandidateState().compactBinary()) == CandidateState())
        var extremes = full
        extremes.nextOrder = Int.min
        extremes.basic?.name = ""
        extremes.basic?.identity = -1
        #expect(try CandidateState(compactBinary: extremes.compactBinary()) == extremes)
    }

    @Test("a file larger than the writer's first buffer: 200 applications, keys in byte order, read back equal")
    func largeFile() throws {
        var large = Self.full
        let application = try #require(Self.full.applications["app-1"])
        for index in 0..<200 { large.applications["app-\(index)-申请"] = application }
        large.applicationOrder = large.applications.keys.sorted()
        let bytes = large.compactBinary()
        #expect(bytes.count > 4096 * 4)
        #expect(try CandidateState(compactBinary: bytes) == large)
        // The writer grows from any first capacity to the same bytes.
        var small = CompactBinaryWriter(capacity: 1)
        small.write(unsigned: 1)
        large.write(to: &small)
        #expect(small.finish() == bytes)
        // A dictionary's members are written in the order of their keys.
        var writer = CompactBinaryWriter(capacity: 1)
        writer.write(["b": 2, "a": 1, "ab": 3, "张": 4, "B": 5]) { $0.write($1) }
        let written = writer.bytes
        var expected = CompactBinaryWriter()
        expected.write(unsigned: 5)
        for (key, value) in [("B", 5), ("a", 1), ("ab", 3), ("b", 2), ("张", 4)] {
            expected.write(key)
            expected.write(value)
        }
        #expect(written == expected.bytes)
    }

    @Test("equal files encode to equal bytes, whatever the dictionaries' order, interning or not", arguments: [false, true])
    func deterministic(interningStrings: Bool) {
        var reordered = CandidateState()
        for (key, value) in Self.full.applications.reversed() { reordered.applications[key] = value }
        var full = Self.full
        full.applications = reordered.applications
        #expect(full.compactBinary(interningStrings: interningStrings) == Self.full.compactBinary(interningStrings: interningStrings))
    }

    /// Every stored property of each type is written: adding a field without writing it fails here.
    @Test("the binary form covers every stored property of every type it writes")
    func coversEveryField() throws {
        let full = Self.full
        let application = try #require(full.applications["app-2"])
        let education = try #require(full.education["edu-1"])
        let cases: [(Any, Int)] = [
            (full, CandidateState.compactFieldCount),
            (try #require(full.basic), BasicInfo.compactFieldCount),
            (try #require(full.contact), ContactInfo.compactFieldCount),
            (try #require(full.work), WorkInfo.compactFieldCount),
            (education, EducationEntry.compactFieldCount),
            (education.record, EducationRecord.compactFieldCount),
            (education.flags, EntryFlags.compactFieldCount),
            (Self.chsi, ChsiResult.compactFieldCount),
            (try #require(full.training["tr-1"]), TrainingEntry.compactFieldCount),
            (try #require(full.certificates["cert-1"]), CertificateEntry.compactFieldCount),
            (application, Application.compactFieldCount),
            (application.payments[0], PaymentAttempt.compactFieldCount),
            (application.refunds[0], Refund.compactFieldCount),
            (application.corrections[0], Correction.compactFieldCount),
        ]
        for (value, count) in cases {
            #expect(Mirror(reflecting: value).children.count == count, "\(type(of: value))")
        }
    }

    @Test("every truncation, trailing bytes, another format and a bad enum value are refused")
    func refusesDamagedBytes() {
        let bytes = Self.full.compactBinary()
        for length in 0..<bytes.count {
            #expect(throws: CompactBinaryError.self) { try CandidateState(compactBinary: bytes.prefix(length)) }
        }
        #expect(throws: CompactBinaryError.self) { try CandidateState(compactBinary: bytes + [0]) }
        #expect(throws: CompactBinaryError.self) { try CandidateState(compactBinary: Data("{}".utf8)) }
        var state = CandidateState()
        state.candidateID = String(repeating: "x", count: 200)
        var long = state.compactBinary()
        long[1] = 1  // present
        long[2] = 0xff  // a length past the end
        #expect(throws: CompactBinaryError.self) { try CandidateState(compactBinary: long) }
        let range = bytes.range(of: Data("succeeded".utf8))
        #expect(range != nil)
        if let range {
            var damaged = bytes
            damaged.replaceSubrange(range, with: Data("succeedeX".utf8))
            #expect(throws: CompactBinaryError.self) { try CandidateState(compactBinary: damaged) }
        }
    }

    @Test("flipping any byte is refused or reads a different file, never a crash")
    func flippedBytesNeverCrash() {
        let bytes = Self.full.compactBinary()
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= 0x5a
            if let state = try? CandidateState(compactBinary: damaged) {
                // Accepted only when the damage still spells a valid file (inside a string, say): never the same one.
                #expect(state != Self.full)
            }
        }
    }

    /// A file whose long strings repeat, as a real one's do: ids as keys and fields, dates, school names.
    static var repetitive: CandidateState {
        var state = full
        let entryID = "education-f091190679de750463b38881d536356c"
        var entry = state.education["edu-1"]!
        entry.entryID = entryID
        entry.flags.lockedBy = ["application-21bf33c9a46d51cef89d63c311310d28"]
        state.education = [entryID: entry]
        var application = state.applications["app-2"]!
        application.applicationID = "application-21bf33c9a46d51cef89d63c311310d28"
        application.educationEntryIDs = [entryID]
        state.applications = [application.applicationID: application]
        state.applicationOrder = [application.applicationID]
        return state
    }

    @Test("interning long strings: read back equal, each long string written once, short ones always in full")
    func interning() throws {
        for state in [Self.full, Self.repetitive, CandidateState()] {
            let interned = state.compactBinary(interningStrings: true)
            #expect(try CandidateState(compactBinary: interned) == state)
            #expect(interned.first == 2)
            #expect(interned.count <= state.compactBinary().count)
        }
        let state = Self.repetitive
        let interned = state.compactBinary(interningStrings: true)
        let plain = state.compactBinary()
        #expect(interned.count < plain.count * 9 / 10)
        func occurrences(_ text: String, in bytes: Data) -> Int {
            var count = 0
            var searchRange = bytes.startIndex..<bytes.endIndex
            while let found = bytes.range(of: Data(text.utf8), in: searchRange) {
                count += 1
                searchRange = found.upperBound..<bytes.endIndex
            }
            return count
        }
        // The entry's id: its key, its field and the application's list of entries; the application's id: its key,
        // its field, the order of applications and the entry's lock.
        for long in ["education-f091190679de750463b38881d536356c", "application-21bf33c9a46d51cef89d63c311310d28", "中国地质大学(北京)"] {
            #expect(occurrences(long, in: plain) > 1, "\(long)")
            #expect(occurrences(long, in: interned) == 1, "\(long)")
        }
        // 15 UTF-8 bytes or fewer are stored inline in a String, so they cost no allocation to read: never referred to.
        #expect(occurrences("scan-1", in: interned) == occurrences("scan-1", in: plain))
        // Snapshots written before interning (format 1) still read.
        #expect(try CandidateState(compactBinary: plain) == state)
    }

    @Test("interned bytes: every truncation, a reference ahead of its string and any flipped byte are refused or read as another file")
    func interningRefusesDamagedBytes() throws {
        let bytes = Self.repetitive.compactBinary(interningStrings: true)
        for length in 0..<bytes.count {
            #expect(throws: CompactBinaryError.self) { try CandidateState(compactBinary: bytes.prefix(length)) }
        }
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= 0x5a
            if let state = try? CandidateState(compactBinary: damaged) { #expect(state != Self.repetitive) }
        }
        // candidateID present, then a reference (low bit set) to long string 0, of which none has been read yet.
        var writer = CompactBinaryWriter(interningStrings: true)
        writer.write(unsigned: 2)
        writer.write(true)
        writer.write(unsigned: 0 << 1 | 1)
        let ahead = writer.finish()
        #expect(throws: CompactBinaryError.self) { try CandidateState(compactBinary: ahead) }
        // A format this reader does not know.
        var unknown = bytes
        unknown[unknown.startIndex] = 3
        #expect(throws: CompactBinaryError.self) { try CandidateState(compactBinary: unknown) }
    }

    @Test("invalid UTF-8 in a string is refused")
    func invalidUTF8() {
        var state = CandidateState()
        state.candidateID = "ab"
        var bytes = state.compactBinary()
        let at = bytes.firstIndex(of: UInt8(ascii: "a"))!
        bytes[at] = 0xff
        #expect(throws: CompactBinaryError.self) { try CandidateState(compactBinary: bytes) }
    }
}
