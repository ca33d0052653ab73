/// Every rejection code the three deciders throw themselves (the validation rules in `Rules` have their own).
///
/// Raw values are the stable, dotted codes of ``Rejection/code``: never reword one once shipped. The test suite
/// proves that every case is reachable by a command.
public enum DecisionCode: String, CaseIterable, Sendable {
    // MARK: Authorisation
    /// An auditor tried to write.
    case authReadOnly = "auth.read_only"
    /// The actor's role may not issue this command.
    case authForbidden = "auth.forbidden"
    /// A candidate acted on someone else's file.
    case authNotOwnFile = "auth.not_own_file"
    /// A reviewer acted on an application outside their sites.
    case authNotReviewerOfSite = "auth.not_reviewer_of_site"

    // MARK: Generic input
    /// A required value is missing.
    case inputRequired = "input.required"
    /// A value is not one of the allowed choices.
    case inputInvalidChoice = "input.invalid_choice"

    // MARK: Season
    /// The season stream has not been opened.
    case seasonNotOpened = "season.not_opened"
    /// The season was opened already.
    case seasonAlreadyOpened = "season.already_opened"
    /// No exam site of this code.
    case seasonUnknownSite = "season.unknown_site"
    /// The season's title names another year than its id (2027年… for season 2026).
    case seasonTitleYearMismatch = "season.title_year_mismatch"
    /// The calendar windows are empty or out of order.
    case seasonCalendarInvalid = "season.calendar_invalid"
    /// The photo size limit is out of range.
    case seasonPhotoLimitInvalid = "season.photo_limit_invalid"
    /// An exam with this code exists.
    case seasonDuplicateExam = "season.duplicate_exam"
    /// No exam with this code.
    case seasonUnknownExam = "season.unknown_exam"
    /// An exam area with this code exists.
    case seasonDuplicateArea = "season.duplicate_area"
    /// No exam area with this code.
    case seasonUnknownArea = "season.unknown_area"
    /// An exam site with this code exists.
    case seasonDuplicateSite = "season.duplicate_site"
    /// An exam, area or site code is not 1 to 20 ASCII letters and digits (it names the thing in paths and lists).
    case seasonCodeInvalid = "season.code_invalid"
    /// An exam level that has no such category (乡村全科执业助理医师 is clinical only).
    case seasonExamCategoryInvalid = "season.exam_category_invalid"
    /// An area's published refund policy emptied.
    case seasonRefundPolicyRequired = "season.refund_policy_required"
    /// A command needs a season with a calendar, and there is none.
    case seasonNotConfigured = "season.not_configured"

    // MARK: Staff
    /// A staff account with this id exists.
    case staffAlreadyExists = "staff.already_exists"
    /// No staff account with this id.
    case staffNotFound = "staff.not_found"
    /// The staff account is deactivated.
    case staffDeactivated = "staff.deactivated"
    /// Staff accounts are reviewers, auditors or administrators.
    case staffRoleInvalid = "staff.role_invalid"
    /// A reviewer's scope is missing, unknown or inconsistent; other roles have no scope.
    case staffScopeInvalid = "staff.scope_invalid"
    /// Only a deactivated account is enabled again.
    case staffNotDeactivated = "staff.not_deactivated"
    /// An administrator may not deactivate their own account.
    case staffSelfDeactivation = "staff.self_deactivation"

    // MARK: Registration and profile
    /// This file is registered already.
    case registrationAlreadyRegistered = "registration.already_registered"
    /// Sex or birth date typed for a 居民身份证 differs from what the number says.
    case registrationDerivedMismatch = "registration.derived_mismatch"
    /// Nationality does not fit the ID type.
    case registrationNationalityMismatch = "registration.nationality_mismatch"
    /// Active servicemen must register with a 居民身份证.
    case registrationActiveServiceRequiresResidentID = "registration.active_service_requires_resident_id"
    /// The username is already registered (produced by the application layer when the claim is taken).
    case registrationUsernameTaken = "registration.username_taken"
    /// The person is already registered under another username (produced by the application layer).
    case registrationPersonAlreadyRegistered = "registration.person_already_registered"
    /// No registration file for this candidate id.
    case candidateNotRegistered = "candidate.not_registered"
    /// Basic information cannot be changed by the candidate.
    case profileBasicInfoLocked = "profile.basic_info_locked"

    // MARK: Entries
    /// An entry with this id exists.
    case entryAlreadyExists = "entry.already_exists"
    /// No entry with this id.
    case entryNotFound = "entry.not_found"
    /// The entry is locked by an application.
    case applicationLockedEntry = "application.locked_entry"
    /// Graduation before enrolment.
    case educationGraduationBeforeEnrolment = "education.graduation_before_enrolment"
    /// The certificate number may be empty only in the allowed cases.
    case educationCertificateNumberRequired = "education.certificate_number_required"
    /// A flag that does not fit the level: 初中起点五年制大专临床专业 is for 专科, 硕博连读 for graduate levels.
    case educationFlagNotApplicable = "education.flag_not_applicable"
    /// Training ends before it starts.
    case trainingEndBeforeStart = "training.end_before_start"
    /// Certificate registered before it was issued.
    case certificateRegisteredBeforeIssued = "certificate.registered_before_issued"

    // MARK: CHSI
    /// CHSI verification is closed now.
    case chsiWindowClosed = "chsi.window_closed"
    /// The entry is not a state-recognised higher-education record since 2001.
    case chsiOutOfScope = "chsi.out_of_scope"
    /// The entry is verified already: no scan needed.
    case chsiEntryVerified = "chsi.entry_verified"
    /// A second, different answer to a scan already answered.
    case chsiScanAlreadyAnswered = "chsi.scan_already_answered"
    /// During review, a scan starts from the live application's 报考学历 row: the entry must be ticked in it.
    case chsiEntryNotApplied = "chsi.entry_not_applied"
    /// The result answers no scan of this entry.
    case chsiUnknownScan = "chsi.unknown_scan"
    /// The scan id was used (and answered) already.
    case chsiScanIDUsed = "chsi.scan_id_used"
    /// The result is malformed.
    case chsiInvalidResult = "chsi.invalid_result"

    // MARK: Application
    /// Submitting or abandoning outside online registration.
    case applicationRegistrationClosed = "application.registration_closed"
    /// A live application exists in this season.
    case applicationLiveExists = "application.live_exists"
    /// An application with this id exists.
    case applicationAlreadyExists = "application.already_exists"
    /// No application with this id.
    case applicationNotFound = "application.not_found"
    /// Unknown or withdrawn exam.
    case applicationUnknownExam = "application.unknown_exam"
    /// Unknown exam area.
    case applicationUnknownArea = "application.unknown_area"
    /// Unknown exam site.
    case applicationUnknownSite = "application.unknown_site"
    /// The site belongs to another area.
    case applicationSiteNotInArea = "application.site_not_in_area"
    /// The attempt count is below 1.
    case applicationAttemptCountInvalid = "application.attempt_count_invalid"
    /// No education entry ticked.
    case applicationEducationRequired = "application.education_required"
    /// The profile's contact details are filled in before applying.
    case applicationContactRequired = "application.contact_required"
    /// The profile's work information (the application's step 2) is filled in before applying.
    case applicationWorkRequired = "application.work_required"
    /// A graduate applying with a graduate degree also records the undergraduate entry.
    case applicationUndergraduateEntryRequired = "application.undergraduate_entry_required"
    /// Only residency training may be ticked.
    case applicationTrainingNotResidency = "application.training_not_residency"
    /// 执业医师 with a 中专 education needs a 执业助理医师 certificate.
    case applicationAssistantCertificateRequired = "application.assistant_certificate_required"
    /// The 执业助理医师（乡镇） certificate does not qualify.
    case applicationTownshipCertificateNotAccepted = "application.township_certificate_not_accepted"
    /// 执业医师 with a 执业助理医师 certificate needs the certificate's 注册年月 and 注册编号 (注册登记号).
    case applicationCertificateRegistrationRequired = "application.certificate_registration_required"
    /// 执业医师 with a 初中起点五年制大专 education needs a 执业助理医师 certificate registered two years before.
    case applicationFiveYearCollegePracticeRequired = "application.five_year_college_practice_required"
    /// The ticked education cannot be the education of this exam: 无学历 or 师承/确有专长 for an exam of the four
    /// categories; not a 临床, 中医 or 中西医结合 education for 乡村全科执业助理医师.
    case applicationEducationNotEligible = "application.education_not_eligible"
    /// Active servicemen (本人身份 1, 2, 4, 5) take 军事医学.
    case applicationMilitaryMedicineRequired = "application.military_medicine_required"
    /// The additional subject is not open to this candidate or exam.
    case applicationAdditionalSubjectNotAllowed = "application.additional_subject_not_allowed"
    /// 院前急救 and 儿科 name the post the candidate works in.
    case applicationWorkPostRequired = "application.work_post_required"
    /// A post is named only with 院前急救 or 儿科.
    case applicationWorkPostNotApplicable = "application.work_post_not_applicable"
    /// The photo is not a jpg.
    case applicationPhotoFormat = "application.photo_format"
    /// The photo is not smaller than the season's limit.
    case applicationPhotoTooLarge = "application.photo_too_large"
    /// A pass number was given by a candidate who is not from Hong Kong, Macau or Taiwan.
    case applicationPassNumberNotApplicable = "application.pass_number_not_applicable"
    /// The application is signed: nothing in it changes any more.
    case applicationSigned = "application.signed"
    /// The application's status does not allow the command.
    case applicationInvalidStatus = "application.invalid_status"

    // MARK: Review
    /// On-site review is closed now.
    case reviewWindowClosed = "review.window_closed"
    /// A reviewer action without a reason.
    case reviewReasonRequired = "review.reason_required"
    /// An approval over CHSI mismatches or a CHSI record of another person, without the reviewer's note of why.
    case reviewApprovalNoteRequired = "review.approval_note_required"
    /// A correction that changes nothing.
    case reviewNoChange = "review.no_change"
    /// Sex and birth date of a 居民身份证 holder are corrected through the ID number.
    case reviewDerivedField = "review.derived_field"
    /// A correction of the ID number to one another account registered with.
    case reviewIDNumberTaken = "review.id_number_taken"
    /// A 证件类型 corrected to a document of another region, or given with another field than the number.
    case reviewIDTypeChangeRefused = "review.id_type_change_refused"

    // MARK: Account
    /// A password reset by staff without a reason.
    case accountReasonRequired = "account.reason_required"

    // MARK: Payment
    /// Payment before approval.
    case paymentNotApproved = "payment.not_approved"
    /// Payment before the signature at the site (签字确认后，办理交费手续).
    case paymentNotSigned = "payment.not_signed"
    /// A new payment for an application whose fee was refunded.
    case paymentRefunded = "payment.refunded"
    /// The exam area has no online payment.
    case paymentOnlineUnavailable = "payment.online_payment_unavailable"
    /// Outside the payment window.
    case paymentWindowClosed = "payment.window_closed"
    /// Amount not positive.
    case paymentAmountInvalid = "payment.amount_invalid"
    /// Already paid.
    case paymentAlreadyPaid = "payment.already_paid"
    /// An earlier attempt still awaits the bank.
    case paymentPending = "payment.pending"
    /// The order number was used already.
    case paymentDuplicateOrder = "payment.duplicate_order"
    /// No payment with this order number.
    case paymentUnknownOrder = "payment.unknown_order"
    /// The bank confirmed another amount than the order's.
    case paymentAmountMismatch = "payment.amount_mismatch"
    /// The order was settled by another bank transaction.
    case paymentOrderAlreadySettled = "payment.order_already_settled"
    /// The bank delivered a transaction already recorded, saying something else about it (another order, another
    /// amount, success where it failed or failure where it succeeded).
    case paymentTransactionConflict = "payment.transaction_conflict"
    /// Refund of an application that is not paid.
    case paymentNotPaid = "payment.not_paid"
    /// Refunds would exceed what was paid.
    case paymentRefundExceedsPaid = "payment.refund_exceeds_paid"
    /// A refund of more than an excess awaiting its refund and less than everything.
    case paymentRefundExceedsExcess = "payment.refund_exceeds_excess"
    /// The refund id was used already.
    case paymentDuplicateRefund = "payment.duplicate_refund"
}

/// Builds the deciders' rejections.
public enum Reject {
    /// A rejection with one of the deciders' codes.
    static func make(_ code: DecisionCode, field: String, message: String) -> Rejection {
        Rejection(code: code.rawValue, field: field, message: message)
    }

    /// `input.required`.
    static func required(_ field: String, _ label: String) -> Rejection {
        make(.inputRequired, field: field, message: "请填写\(label)")
    }

    /// `input.invalid_choice`.
    static func invalidChoice(_ field: String, _ label: String, _ value: String) -> Rejection {
        make(.inputInvalidChoice, field: field, message: "“\(excerpt(value))”不是有效的\(label)，请从列表中选择")
    }

    /// A value as a message quotes it: at most 40 characters (then `…`), control characters as `?`, so that a
    /// client's 100 KB or a NUL does not come back in the message meant for people.
    public static func excerpt(_ value: String) -> String {
        let shown = value.unicodeScalars.prefix(40).map { $0.properties.generalCategory == .control ? "?" : Character($0) }
        return String(shown) + (value.unicodeScalars.count > 40 ? "…" : "")
    }
}
