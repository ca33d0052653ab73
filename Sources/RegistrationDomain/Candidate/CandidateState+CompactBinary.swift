import Foundation

// The snapshot form of a candidate's file (see `CompactBinary.swift`). Fields in declaration order; a change here is
// a new `CandidateState.stateSchemaVersion`.

extension BasicInfo: CompactBinaryCodable {
    public static let compactFieldCount = 11

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(username)
        writer.write(name)
        writer.write(surnamePinyin)
        writer.write(givenNamePinyin)
        writer.write(idType)
        writer.write(idNumber)
        writer.write(sex)
        writer.write(birthDate)
        writer.write(nationality)
        writer.write(ethnicity)
        writer.write(identity)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            username: try reader.string(),
            name: try reader.string(),
            surnamePinyin: try reader.string(),
            givenNamePinyin: try reader.string(),
            idType: try reader.string(),
            idNumber: try reader.string(),
            sex: try reader.string(),
            birthDate: try reader.string(),
            nationality: try reader.string(),
            ethnicity: try reader.string(),
            identity: try reader.optionalInt()
        )
    }
}

extension ContactInfo: CompactBinaryCodable {
    public static let compactFieldCount = 6

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(homePhone)
        writer.write(workPhone)
        writer.write(mobile)
        writer.write(email)
        writer.write(address)
        writer.write(postcode)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            homePhone: try reader.optionalString(),
            workPhone: try reader.optionalString(),
            mobile: try reader.string(),
            email: try reader.optionalString(),
            address: try reader.string(),
            postcode: try reader.string()
        )
    }
}

extension WorkInfo: CompactBinaryCodable {
    public static let compactFieldCount = 4

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(onDutyStatus)
        writer.write(workUnit)
        writer.write(title)
        writer.write(titleObtained)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            onDutyStatus: try reader.string(),
            workUnit: try reader.string(),
            title: try reader.optionalString(),
            titleObtained: try reader.optionalString()
        )
    }
}

extension EducationRecord: CompactBinaryCodable {
    public static let compactFieldCount = 13

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(region)
        writer.write(school)
        writer.write(category)
        writer.write(enrolment)
        writer.write(graduation)
        writer.write(studyForm)
        writer.write(level)
        writer.write(degree)
        writer.write(length)
        writer.write(major)
        writer.write(fiveYearJuniorCollegeClinical)
        writer.write(combinedMasterDoctor)
        writer.write(certificateNumber)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            region: try reader.string(),
            school: try reader.optionalString(),
            category: try reader.string(),
            enrolment: try reader.optionalString(),
            graduation: try reader.optionalString(),
            studyForm: try reader.optionalString(),
            level: try reader.string(),
            degree: try reader.optionalString(),
            length: try reader.optionalString(),
            major: try reader.optionalString(),
            fiveYearJuniorCollegeClinical: try reader.bool(),
            combinedMasterDoctor: try reader.bool(),
            certificateNumber: try reader.string()
        )
    }
}

extension ChsiResult: CompactBinaryCodable {
    public static let compactFieldCount = 14

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(scanID)
        writer.write(name)
        writer.write(idNumber)
        writer.write(school)
        writer.write(major)
        writer.write(level)
        writer.write(studyForm)
        writer.write(educationCategory)
        writer.write(enrolmentDate)
        writer.write(graduationDate)
        writer.write(conclusion)
        writer.write(nameMatches)
        writer.write(idNumberMatches)
        writer.write(receivedAt)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            scanID: try reader.string(),
            name: try reader.string(),
            idNumber: try reader.string(),
            school: try reader.string(),
            major: try reader.string(),
            level: try reader.string(),
            studyForm: try reader.string(),
            educationCategory: try reader.string(),
            enrolmentDate: try reader.string(),
            graduationDate: try reader.string(),
            conclusion: try reader.string(),
            nameMatches: try reader.bool(),
            idNumberMatches: try reader.bool(),
            receivedAt: try reader.string()
        )
    }
}

extension EntryFlags: CompactBinaryCodable {
    public static let compactFieldCount = 2

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(lockedBy)
        writer.write(verified)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(lockedBy: try reader.strings(), verified: try reader.bool())
    }
}

extension EducationEntry: CompactBinaryCodable {
    public static let compactFieldCount = 7

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(entryID)
        writer.write(order)
        writer.write(record)
        writer.write(flags)
        writer.write(pendingScanIDs)
        writer.write(startedScanIDs)
        writer.write(chsiResults) { $0.write($1) }
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            entryID: try reader.string(),
            order: try reader.int(),
            record: try reader.read(EducationRecord.self),
            flags: try reader.read(EntryFlags.self),
            pendingScanIDs: try reader.strings(),
            startedScanIDs: try reader.strings(),
            chsiResults: try reader.array { try $0.read(ChsiResult.self) }
        )
    }
}

extension TrainingEntry: CompactBinaryCodable {
    public static let compactFieldCount = 9

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(entryID)
        writer.write(order)
        writer.write(kind)
        writer.write(institution)
        writer.write(specialty)
        writer.write(start)
        writer.write(end)
        writer.write(certificateNumber)
        writer.write(flags)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            entryID: try reader.string(),
            order: try reader.int(),
            kind: try reader.string(),
            institution: try reader.string(),
            specialty: try reader.string(),
            start: try reader.string(),
            end: try reader.string(),
            certificateNumber: try reader.optionalString(),
            flags: try reader.read(EntryFlags.self)
        )
    }
}

extension CertificateEntry: CompactBinaryCodable {
    public static let compactFieldCount = 8

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(entryID)
        writer.write(order)
        writer.write(type)
        writer.write(issued)
        writer.write(number)
        writer.write(registered)
        writer.write(registrationNumber)
        writer.write(flags)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            entryID: try reader.string(),
            order: try reader.int(),
            type: try reader.string(),
            issued: try reader.string(),
            number: try reader.string(),
            registered: try reader.optionalString(),
            registrationNumber: try reader.optionalString(),
            flags: try reader.read(EntryFlags.self)
        )
    }
}

extension PaymentAttempt: CompactBinaryCodable {
    public static let compactFieldCount = 7

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(orderNumber)
        writer.write(amountFen)
        writer.write(startedAt)
        writer.write(outcome.rawValue)
        writer.write(bankTransactionIDs)
        writer.write(confirmedAt)
        writer.write(failureReason)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            orderNumber: try reader.string(),
            amountFen: try reader.int(),
            startedAt: try reader.string(),
            outcome: try reader.raw(PaymentOutcome.self),
            bankTransactionIDs: try reader.strings(),
            confirmedAt: try reader.optionalString(),
            failureReason: try reader.optionalString()
        )
    }
}

extension Refund: CompactBinaryCodable {
    public static let compactFieldCount = 4

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(refundID)
        writer.write(amountFen)
        writer.write(reason)
        writer.write(recordedAt)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(refundID: try reader.string(), amountFen: try reader.int(), reason: try reader.string(), recordedAt: try reader.string())
    }
}

extension Correction: CompactBinaryCodable {
    public static let compactFieldCount = 6

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(field)
        writer.write(oldValue)
        writer.write(newValue)
        writer.write(reason)
        writer.write(reviewerID)
        writer.write(correctedAt)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            field: try reader.string(),
            oldValue: try reader.string(),
            newValue: try reader.string(),
            reason: try reader.string(),
            reviewerID: try reader.string(),
            correctedAt: try reader.string()
        )
    }
}

extension WithdrawnApproval: CompactBinaryCodable {
    public static let compactFieldCount = 6

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(approvedAt)
        writer.write(approvedBy)
        writer.write(note)
        writer.write(withdrawnAt)
        writer.write(withdrawnBy)
        writer.write(reason)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            approvedAt: try reader.string(),
            approvedBy: try reader.string(),
            note: try reader.optionalString(),
            withdrawnAt: try reader.string(),
            withdrawnBy: try reader.string(),
            reason: try reader.string()
        )
    }
}

extension Application: CompactBinaryCodable {
    public static let compactFieldCount = 34

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(applicationID)
        writer.write(seasonID)
        writer.write(examCode)
        writer.write(examLevel)
        writer.write(examCategory)
        writer.write(educationEntryIDs)
        writer.write(trainingEntryIDs)
        writer.write(certificateEntryID)
        writer.write(areaCode)
        writer.write(siteCode)
        writer.write(attemptCount)
        writer.write(additionalSubject)
        writer.write(photoID)
        writer.write(photoFormat)
        writer.write(photoSizeBytes)
        writer.write(passNumber)
        writer.write(identity)
        writer.write(onDutyStatus)
        writer.write(workUnit)
        writer.write(title)
        writer.write(workPost)
        writer.write(submittedAt)
        writer.write(abandonedAt)
        writer.write(approvedAt)
        writer.write(approvedBy)
        writer.write(paysOnline.map { $0 ? 1 : 0 })
        writer.write(approvalNote)
        writer.write(withdrawnApprovals) { writer, approvals in writer.write(approvals) { $0.write($1) } }
        writer.write(rejectedAt)
        writer.write(rejectionReason)
        writer.write(signedAt)
        writer.write(corrections) { $0.write($1) }
        writer.write(payments) { $0.write($1) }
        writer.write(refunds) { $0.write($1) }
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init(
            applicationID: try reader.string(),
            seasonID: try reader.string(),
            examCode: try reader.string(),
            examLevel: try reader.string(),
            examCategory: try reader.string(),
            educationEntryIDs: try reader.strings(),
            trainingEntryIDs: try reader.strings(),
            certificateEntryID: try reader.optionalString(),
            areaCode: try reader.string(),
            siteCode: try reader.string(),
            attemptCount: try reader.int(),
            additionalSubject: try reader.optionalString(),
            photoID: try reader.string(),
            photoFormat: try reader.string(),
            photoSizeBytes: try reader.int(),
            passNumber: try reader.optionalString(),
            identity: try reader.optionalInt(),
            onDutyStatus: try reader.optionalString(),
            workUnit: try reader.optionalString(),
            title: try reader.optionalString(),
            workPost: try reader.optionalString(),
            submittedAt: try reader.string(),
            abandonedAt: try reader.optionalString(),
            approvedAt: try reader.optionalString(),
            approvedBy: try reader.optionalString(),
            paysOnline: try reader.optionalInt().map { $0 != 0 },
            approvalNote: try reader.optionalString(),
            withdrawnApprovals: try reader.optional { try $0.array { try $0.read(WithdrawnApproval.self) } },
            rejectedAt: try reader.optionalString(),
            rejectionReason: try reader.optionalString(),
            signedAt: try reader.optionalString(),
            corrections: try reader.array { try $0.read(Correction.self) },
            payments: try reader.array { try $0.read(PaymentAttempt.self) },
            refunds: try reader.array { try $0.read(Refund.self) }
        )
    }
}

extension CandidateState: CompactBinaryCodable {
    public static let compactFieldCount = 11

    public func write(to writer: inout CompactBinaryWriter) {
        writer.write(candidateID)
        writer.write(registeredAt)
        writer.write(basic) { $0.write($1) }
        writer.write(contact) { $0.write($1) }
        writer.write(work) { $0.write($1) }
        writer.write(education) { $0.write($1) }
        writer.write(training) { $0.write($1) }
        writer.write(certificates) { $0.write($1) }
        writer.write(applications) { $0.write($1) }
        writer.write(nextOrder)
        writer.write(applicationOrder)
    }

    public init(from reader: inout CompactBinaryReader) throws {
        self.init()
        candidateID = try reader.optionalString()
        registeredAt = try reader.optionalString()
        basic = try reader.optional { try $0.read(BasicInfo.self) }
        contact = try reader.optional { try $0.read(ContactInfo.self) }
        work = try reader.optional { try $0.read(WorkInfo.self) }
        education = try reader.dictionary { try $0.read(EducationEntry.self) }
        training = try reader.dictionary { try $0.read(TrainingEntry.self) }
        certificates = try reader.dictionary { try $0.read(CertificateEntry.self) }
        applications = try reader.dictionary { try $0.read(Application.self) }
        nextOrder = try reader.int()
        applicationOrder = try reader.strings()
    }
}
