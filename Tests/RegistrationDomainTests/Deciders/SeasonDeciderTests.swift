import Foundation
import Testing

@testable import RegistrationDomain

@Suite("Season decider")
struct SeasonDeciderTests {
    let admin = Fixture.actor(.admin, at: T.beforeRegistration)
    let opened: [SeasonEvent] = [
        .seasonOpened(SeasonOpened(seasonID: "2025", title: "2025年医师资格考试", openedAt: "2024-11-01T00:00:00.000Z"))
    ]

    @Test func openingRecordsSeasonTitleAndTime() {
        given(SeasonDecider.self)
            .when(SeasonCommand.open(OpenSeason(seasonID: "2025", title: "2025年医师资格考试")), admin)
            .then([
                .seasonOpened(
                    SeasonOpened(seasonID: "2025", title: "2025年医师资格考试", openedAt: "2024-12-20T02:00:00.000Z")
                )
            ])
    }

    /// The title is the notice's heading and the id the log's stream: they name one year (audit T13).
    @Test func theTitleNamesTheSeasonsYear() {
        given(SeasonDecider.self)
            .when(SeasonCommand.open(OpenSeason(seasonID: "2026", title: "2027年医师资格考试")), admin)
            .thenRejects(.seasonTitleYearMismatch, field: "title")
        given(SeasonDecider.self)
            .when(SeasonCommand.open(OpenSeason(seasonID: "2026", title: "2026年医师资格考试（2025年报名）")), admin)
            .thenRejects(.seasonTitleYearMismatch, field: "title")
        given(SeasonDecider.self).when(SeasonCommand.open(OpenSeason(seasonID: "2026", title: "2026年医师资格考试")), admin).thenAccepts()
        given(SeasonDecider.self).when(SeasonCommand.open(OpenSeason(seasonID: "2026", title: "医师资格考试")), admin).thenAccepts()
        // An id that is not a year says nothing about the title's.
        given(SeasonDecider.self).when(SeasonCommand.open(OpenSeason(seasonID: "2026a", title: "2027年医师资格考试")), admin).thenAccepts()
        #expect(SeasonDecider.years(in: "2027年医师资格考试第12345号") == ["2027"])
        // However the year is typed (audit W-4).
        given(SeasonDecider.self)
            .when(SeasonCommand.open(OpenSeason(seasonID: "2026", title: "２０２７年医师资格考试")), admin)
            .thenRejects(.seasonTitleYearMismatch, field: "title")
        #expect(SeasonDecider.years(in: "二〇二七年医师资格考试") == ["2027"])
    }

    /// 修改考点名称: the code, area and applications stay; the name stays unique within the area.
    @Test func aSiteIsRenamedWithinItsArea() {
        let withSites =
            opened + [
                .areaAdded(ExamAreaAdded(code: "11", name: "北京考区", onlinePayment: false, refundPolicy: "")),
                .siteAdded(ExamSiteAdded(code: "1101", name: "东城考点", areaCode: "11")),
                .siteAdded(ExamSiteAdded(code: "1108", name: "海淀区考点", areaCode: "11")),
            ]
        let rename = { (code: String, name: String) in SeasonCommand.renameSite(RenameExamSite(code: code, name: name)) }
        let events = given(SeasonDecider.self, withSites).when(rename("1101", "东城区考点"), admin)
            .then([.siteRenamed(ExamSiteRenamed(code: "1101", name: "东城区考点", previousName: "东城考点"))])
        let state = SeasonDecider.replay(withSites + events)
        #expect(state.sites["1101"]?.name == "东城区考点" && state.sites["1101"]?.areaCode == "11")
        given(SeasonDecider.self, withSites).when(rename("1101", "东城考点"), admin).then([])
        given(SeasonDecider.self, withSites).when(rename("1101", "海淀区考点"), admin).thenRejects(.seasonDuplicateSite, field: "name")
        // The same name with a space inside, and a name of punctuation alone (audit W-6).
        given(SeasonDecider.self, withSites).when(rename("1101", "海淀区\u{3000}考点"), admin).thenRejects(.seasonDuplicateSite, field: "name")
        given(SeasonDecider.self, withSites).when(rename("1101", "。。。"), admin).thenRejects(.inputRequired, field: "name")
        given(SeasonDecider.self, withSites).when(rename("1199", "朝阳区考点"), admin).thenRejects(.seasonUnknownSite, field: "code")
        given(SeasonDecider.self, withSites).when(rename("1101", " "), admin).thenRejects(.inputRequired, field: "name")
        given(SeasonDecider.self, withSites).when(rename("1101", "东城区考点"), Fixture.actor(.reviewer)).thenRejects(.authForbidden)
    }

    @Test func openingTwiceIsRefused() {
        given(SeasonDecider.self, opened)
            .when(SeasonCommand.open(OpenSeason(seasonID: "2026", title: "2026")), admin)
            .thenRejects(.seasonAlreadyOpened, field: "seasonID")
    }

    @Test func everythingButOpeningNeedsAnOpenedSeason() {
        given(SeasonDecider.self)
            .when(SeasonCommand.setPhotoSizeLimit(SetPhotoSizeLimit(maximumBytes: 30_720)), admin)
            .thenRejects(.seasonNotOpened)
    }

    @Test func openingNeedsAnIDAndATitle() {
        given(SeasonDecider.self)
            .when(SeasonCommand.open(OpenSeason(seasonID: " ", title: "x")), admin)
            .thenRejects(.inputRequired, field: "seasonID")
    }

    @Test(arguments: [Role.candidate, .reviewer, .chsi, .bank])
    func onlyAdministratorsAndTheSystemConfigureTheSeason(role: Role) {
        given(SeasonDecider.self)
            .when(SeasonCommand.open(OpenSeason(seasonID: "2025", title: "t")), Fixture.actor(role))
            .thenRejects(.authForbidden, field: "actor")
    }

    @Test func theSystemMayConfigureTheSeason() {
        given(SeasonDecider.self)
            .when(SeasonCommand.open(OpenSeason(seasonID: "2025", title: "t")), Fixture.actor(.system))
            .thenAccepts()
    }

    @Test func auditorsNeverWrite() {
        given(SeasonDecider.self)
            .when(SeasonCommand.open(OpenSeason(seasonID: "2025", title: "t")), Fixture.actor(.auditor))
            .thenRejects(.authReadOnly, field: "actor")
    }

    @Test func calendarIsRecordedAsISOInstants() {
        given(SeasonDecider.self, opened)
            .when(SeasonCommand.setCalendar(SetSeasonCalendar(calendar: Fixture.calendar)), admin)
            .then([
                .calendarSet(
                    SeasonCalendarSet(
                        registrationOpens: "2025-01-08T01:00:00.000Z",
                        registrationCloses: "2025-01-22T09:00:00.000Z",
                        reviewOpens: "2025-02-10T00:00:00.000Z",
                        reviewCloses: "2025-03-10T00:00:00.000Z",
                        paymentOpens: "2025-02-20T00:00:00.000Z",
                        paymentCloses: "2025-03-31T00:00:00.000Z"
                    )
                )
            ])
    }

    static let badCalendars: [(String, String, @Sendable (inout SeasonCalendar) -> Void)] = [
        ("empty registration", "calendar.registrationCloses", { $0.registrationCloses = $0.registrationOpens }),
        ("empty review", "calendar.reviewCloses", { $0.reviewCloses = $0.reviewOpens }),
        ("empty payment", "calendar.paymentCloses", { $0.paymentCloses = $0.paymentOpens }),
        ("review before registration closes", "calendar.reviewOpens", { $0.reviewOpens = T.registration }),
        ("payment before review", "calendar.paymentOpens", { $0.paymentOpens = T.betweenRegistrationAndReview }),
        ("gap between review and payment", "calendar.paymentOpens", { $0.paymentOpens = T.paymentOnly }),
        ("payment closing before review", "calendar.paymentCloses", { $0.paymentCloses = T.reviewAndPayment }),
    ]

    @Test(arguments: badCalendars.indices)
    func calendarWindowsMustBeOrdered(index: Int) {
        let (_, field, breakIt) = Self.badCalendars[index]
        var calendar = Fixture.calendar
        breakIt(&calendar)
        given(SeasonDecider.self, opened)
            .when(SeasonCommand.setCalendar(SetSeasonCalendar(calendar: calendar)), admin)
            .thenRejects(.seasonCalendarInvalid, field: field)
    }

    @Test func reviewAndPaymentMayTouchWithoutGap() {
        var calendar = Fixture.calendar
        calendar.paymentOpens = calendar.reviewCloses
        given(SeasonDecider.self, opened)
            .when(SeasonCommand.setCalendar(SetSeasonCalendar(calendar: calendar)), admin)
            .thenAccepts()
    }

    @Test func photoLimitIsInBytes() {
        given(SeasonDecider.self, opened)
            .when(SeasonCommand.setPhotoSizeLimit(SetPhotoSizeLimit(maximumBytes: 30 * 1024)), admin)
            .then([.photoSizeLimitSet(PhotoSizeLimitSet(maximumBytes: 30_720))])
    }

    @Test(arguments: [0, -1, 1, SeasonDecider.minimumPhotoLimitBytes - 1, SeasonDecider.maximumPhotoLimitBytes + 1])
    func photoLimitMustBePositiveAndSane(bytes: Int) {
        given(SeasonDecider.self, opened)
            .when(SeasonCommand.setPhotoSizeLimit(SetPhotoSizeLimit(maximumBytes: bytes)), admin)
            .thenRejects(.seasonPhotoLimitInvalid, field: "maximumBytes")
    }

    /// What the season has already changes nothing: no event, and no row in the trail without a field.
    @Test func settingWhatTheSeasonHasAppendsNothing() {
        let history = given(SeasonDecider.self, Fixture.seasonEvents)
        history.when(SeasonCommand.setCalendar(SetSeasonCalendar(calendar: Fixture.calendar)), admin).then([])
        history.when(SeasonCommand.setPhotoSizeLimit(SetPhotoSizeLimit(maximumBytes: 30 * 1024)), admin).then([])
        history.when(
            SeasonCommand.updateArea(UpdateExamArea(code: "11", name: "北京考区", onlinePayment: true, refundPolicy: Fixture.refundPolicy)),
            admin
        )
        .then([])
        history.when(SeasonCommand.setPhotoSizeLimit(SetPhotoSizeLimit(maximumBytes: 40 * 1024)), admin)
            .then([.photoSizeLimitSet(PhotoSizeLimitSet(maximumBytes: 40_960))])
    }

    /// A season's windows lie within a year of its exam year, in Beijing time: year 1 or 9999 is a slip of the keyboard.
    @Test(arguments: ["0001-01-08T01:00:00.000Z", "2023-12-31T15:59:59.999Z", "2026-12-31T16:00:00.000Z", "9999-12-31T00:00:00.000Z"])
    func calendarInstantsLieWithinAYearOfTheSeason(instant: String) {
        var early = Fixture.calendar
        early.registrationOpens = Instant.date(from: instant)!
        var late = Fixture.calendar
        late.paymentCloses = Instant.date(from: instant)!
        let history = given(SeasonDecider.self, Fixture.seasonEvents)
        let tooEarly = early.registrationOpens < early.registrationCloses
        history.when(SeasonCommand.setCalendar(SetSeasonCalendar(calendar: tooEarly ? early : late)), admin)
            .thenRejects(.seasonCalendarInvalid, field: tooEarly ? "calendar.registrationOpens" : "calendar.paymentCloses")
        // The year in Beijing time: 2024-01-01 00:00 北京时间 is 2023-12-31 16:00 UTC, and is the season's.
        var beijing = Fixture.calendar
        beijing.registrationOpens = Instant.date(from: "2023-12-31T16:00:00.000Z")!
        history.when(SeasonCommand.setCalendar(SetSeasonCalendar(calendar: beijing)), admin).thenAccepts()
        var pastBeijing = Fixture.calendar
        pastBeijing.paymentCloses = Instant.date(from: "2026-12-31T16:00:00.000Z")!
        history.when(SeasonCommand.setCalendar(SetSeasonCalendar(calendar: pastBeijing)), admin)
            .thenRejects(.seasonCalendarInvalid, field: "calendar.paymentCloses")
        // The year before and the year after the exam year (2025) are the season's.
        var extended = Fixture.calendar
        extended.registrationOpens = Instant.date(from: "2023-12-31T16:00:00.000Z")!
        extended.paymentCloses = Instant.date(from: "2026-12-31T15:59:59.999Z")!
        history.when(SeasonCommand.setCalendar(SetSeasonCalendar(calendar: extended)), admin).thenAccepts()
    }

    /// Candidates choose an exam, an area and a site by name: a second one of a name is refused.
    @Test func namesAreUniqueWhereCandidatesChooseByThem() {
        let history = given(SeasonDecider.self, Fixture.seasonEvents)
        history.when(SeasonCommand.addExam(AddExam(code: "111", name: "临床执业医师", level: .physician, category: .clinical)), admin)
            .thenRejects(.seasonDuplicateExam, field: "name")
        // A withdrawn exam's name may be used again.
        history.when(SeasonCommand.addExam(AddExam(code: "998", name: "已撤销科目", level: .physician, category: .dental)), admin)
            .thenAccepts()
        history.when(SeasonCommand.addArea(AddExamArea(code: "78", name: "北京考区", onlinePayment: false, refundPolicy: "")), admin)
            .thenRejects(.seasonDuplicateArea, field: "name")
        history.when(SeasonCommand.updateArea(UpdateExamArea(code: "41", name: "北京考区", onlinePayment: false, refundPolicy: "")), admin)
            .thenRejects(.seasonDuplicateArea, field: "name")
        history.when(SeasonCommand.addSite(AddExamSite(code: "1199", name: "东城区考点", areaCode: "11")), admin)
            .thenRejects(.seasonDuplicateSite, field: "name")
        // Blanks around a name (a space, U+3000, a no-break space) do not make it another one: they are dropped.
        history.when(SeasonCommand.addSite(AddExamSite(code: "1198", name: " 东城区考点\u{3000}", areaCode: "11")), admin)
            .thenRejects(.seasonDuplicateSite, field: "name")
        history.when(SeasonCommand.addArea(AddExamArea(code: "79", name: "北京考区\u{00A0}", onlinePayment: false, refundPolicy: "")), admin)
            .thenRejects(.seasonDuplicateArea, field: "name")
        history.when(SeasonCommand.addSite(AddExamSite(code: "1197", name: " 朝阳区考点 ", areaCode: "11")), admin)
            .then([.siteAdded(ExamSiteAdded(code: "1197", name: "朝阳区考点", areaCode: "11"))])
        // Another area may have a site of the same name.
        history.when(SeasonCommand.addSite(AddExamSite(code: "4199", name: "东城区考点", areaCode: "41")), admin).thenAccepts()
    }

    /// 乡村全科执业助理医师 is an exam of the clinical category only (DOMAIN §4).
    @Test(arguments: [ExamCategory.traditionalChinese, .dental, .publicHealth, .traditionalApprenticeship])
    func ruralGeneralPracticeIsClinicalOnly(category: ExamCategory) {
        given(SeasonDecider.self, Fixture.seasonEvents)
            .when(
                SeasonCommand.addExam(AddExam(code: "131", name: "乡村全科\(category.rawValue)", level: .ruralGeneralAssistant, category: category)),
                admin
            )
            .thenRejects(.seasonExamCategoryInvalid, field: "category")
    }

    /// Refunds record the area's policy: once published it may change, not be emptied.
    @Test func aPublishedRefundPolicyCannotBeEmptied() {
        let history = given(SeasonDecider.self, Fixture.seasonEvents)
        history.when(SeasonCommand.updateArea(UpdateExamArea(code: "11", name: "北京考区", onlinePayment: false, refundPolicy: "")), admin)
            .thenRejects(.seasonRefundPolicyRequired, field: "refundPolicy")
        history.when(SeasonCommand.updateArea(UpdateExamArea(code: "11", name: "北京考区", onlinePayment: false, refundPolicy: "不予退费")), admin)
            .then([.areaUpdated(ExamAreaUpdated(code: "11", name: "北京考区", onlinePayment: false, refundPolicy: "不予退费"))])
    }

    @Test func photoLimitDefaultsToTheNationalFortyKilobytes() {
        #expect(SeasonDecider.replay(opened).photoLimitBytes == 40_960)
        #expect(Fixture.season.photoLimitBytes == 30_720)
    }

    @Test func examsAreAddedWithLevelAndCategory() {
        given(SeasonDecider.self, opened)
            .when(SeasonCommand.addExam(AddExam(code: "110", name: "临床执业医师", level: .physician, category: .clinical)), admin)
            .then([.examAdded(ExamAdded(code: "110", name: "临床执业医师", level: "执业医师", category: "临床"))])
    }

    @Test func examCodesAreUnique() {
        given(SeasonDecider.self, Fixture.seasonEvents)
            .when(SeasonCommand.addExam(AddExam(code: "110", name: "x", level: .physician, category: .dental)), admin)
            .thenRejects(.seasonDuplicateExam, field: "code")
    }

    /// Codes name exams, areas and sites in paths and lists: letters and digits only, so that every route can name
    /// what was created and no blank makes a second `1101`.
    @Test(arguments: [" 1101", "1101 ", "-1", "a/b", "..", "😀", "11.01", "一一"])
    func codesAreLettersAndDigits(_ code: String) {
        let history = given(SeasonDecider.self, Fixture.seasonEvents)
        history.when(SeasonCommand.addSite(AddExamSite(code: code, name: "x", areaCode: "11")), admin)
            .thenRejects(.seasonCodeInvalid, field: "code")
        history.when(SeasonCommand.addArea(AddExamArea(code: code, name: "x", onlinePayment: false, refundPolicy: "")), admin)
            .thenRejects(.seasonCodeInvalid, field: "code")
        history.when(SeasonCommand.addExam(AddExam(code: code, name: "x", level: .physician, category: .dental)), admin)
            .thenRejects(.seasonCodeInvalid, field: "code")
    }

    /// A value quoted in a message is cut short and shows no control character.
    @Test func messagesQuoteValuesShortly() {
        #expect(Reject.excerpt("北京") == "北京")
        #expect(Reject.excerpt(String(repeating: "x", count: 5_000)) == String(repeating: "x", count: 40) + "…")
        #expect(Reject.excerpt("a\u{0}b") == "a?b")
        #expect(throws: Rejection.self) { try Rules.parseYearMonth("0000-01", field: "issued") }
        do {
            _ = try Rules.parseYearMonth("0000-01", field: "issued")
        } catch {
            #expect(error.message.contains("年份应在0001到9999之间"), "\(error.message)")
        }
    }

    @Test func withdrawingNeedsAKnownActiveExam() {
        let history = given(SeasonDecider.self, Fixture.seasonEvents)
        history.when(SeasonCommand.withdrawExam(WithdrawExam(code: "120")), admin)
            .then([.examWithdrawn(ExamWithdrawn(code: "120"))])
        history.when(SeasonCommand.withdrawExam(WithdrawExam(code: "777")), admin).thenRejects(.seasonUnknownExam)
        history.when(SeasonCommand.withdrawExam(WithdrawExam(code: "999")), admin).thenRejects(.seasonUnknownExam)
    }

    /// A withdrawal made by mistake is not for good: the same exam (its level and category) is added again under its
    /// code, and the catalogue offers it again.
    @Test func aWithdrawnExamIsOfferedAgainByAddingItAgain() {
        let history = given(SeasonDecider.self, Fixture.seasonEvents)
        let events = history.when(SeasonCommand.addExam(AddExam(code: "999", name: "口腔执业医师", level: .physician, category: .dental)), admin)
            .then([.examAdded(ExamAdded(code: "999", name: "口腔执业医师", level: "执业医师", category: "口腔"))])
        #expect(SeasonDecider.replay(events).exam("999")?.withdrawn == false)
        history.when(SeasonCommand.addExam(AddExam(code: "999", name: "口腔执业医师", level: .assistantPhysician, category: .dental)), admin)
            .thenRejects(.seasonDuplicateExam, field: "code")
        history.when(SeasonCommand.addExam(AddExam(code: "999", name: "x", level: .physician, category: .clinical)), admin)
            .thenRejects(.seasonDuplicateExam, field: "code")
    }

    @Test func areasNeedARefundPolicyWhenTheyTakePayments() {
        let history = given(SeasonDecider.self, opened)
        history.when(SeasonCommand.addArea(AddExamArea(code: "11", name: "北京考区", onlinePayment: true, refundPolicy: "")), admin)
            .thenRejects(.inputRequired, field: "refundPolicy")
        history.when(SeasonCommand.addArea(AddExamArea(code: "41", name: "河南考区", onlinePayment: false, refundPolicy: " ")), admin)
            .then([.areaAdded(ExamAreaAdded(code: "41", name: "河南考区", onlinePayment: false, refundPolicy: ""))])
    }

    @Test func areaCodesAreUniqueAndUpdatesNeedAnExistingArea() {
        let history = given(SeasonDecider.self, Fixture.seasonEvents)
        history.when(SeasonCommand.addArea(AddExamArea(code: "11", name: "x", onlinePayment: false, refundPolicy: "")), admin)
            .thenRejects(.seasonDuplicateArea, field: "code")
        history.when(SeasonCommand.updateArea(UpdateExamArea(code: "99", name: "x", onlinePayment: false, refundPolicy: "")), admin)
            .thenRejects(.seasonUnknownArea, field: "code")
        let events = history.when(
            SeasonCommand.updateArea(UpdateExamArea(code: "41", name: "河南考区", onlinePayment: true, refundPolicy: "全额退费")),
            admin
        )
        .then([.areaUpdated(ExamAreaUpdated(code: "41", name: "河南考区", onlinePayment: true, refundPolicy: "全额退费"))])
        #expect(SeasonDecider.replay(events).area("41")?.onlinePayment == true)
    }

    @Test func sitesBelongToAnExistingAreaAndHaveUniqueCodes() {
        let history = given(SeasonDecider.self, Fixture.seasonEvents)
        history.when(SeasonCommand.addSite(AddExamSite(code: "1103", name: "朝阳区考点", areaCode: "11")), admin)
            .then([.siteAdded(ExamSiteAdded(code: "1103", name: "朝阳区考点", areaCode: "11"))])
        history.when(SeasonCommand.addSite(AddExamSite(code: "1101", name: "x", areaCode: "11")), admin)
            .thenRejects(.seasonDuplicateSite, field: "code")
        history.when(SeasonCommand.addSite(AddExamSite(code: "5101", name: "成都考点", areaCode: "51")), admin)
            .thenRejects(.seasonUnknownArea, field: "areaCode")
    }

    @Test func stateAnswersSiteAreaAndExamLookups() {
        let season = Fixture.season
        #expect(season.seasonID == "2025")
        #expect(season.site("1102")?.areaCode == "11")
        #expect(season.area("41")?.onlinePayment == false)
        #expect(season.exam("110")?.examLevel == .physician)
        #expect(season.exam("999")?.withdrawn == true)
        #expect(season.site("0000") == nil)
    }

    // MARK: Phases

    @Test(arguments: [
        (T.beforeRegistration, SeasonPhase.beforeRegistration, true),
        (T.registrationOpens, .onlineRegistration, false),
        (T.registration, .onlineRegistration, false),
        (T.registrationCloses, .betweenRegistrationAndReview, false),
        (T.betweenRegistrationAndReview, .betweenRegistrationAndReview, false),
        (T.reviewOpens, .qualificationReview, true),
        (T.review, .qualificationReview, true),
        (T.paymentOpens, .payment, true),
        (T.reviewAndPayment, .payment, true),
        (T.reviewCloses, .payment, false),
        (T.paymentOnly, .payment, false),
        (T.paymentCloses, .closed, false),
        (T.closed, .closed, false),
    ])
    func phaseAndChsiWindowFollowTheCalendar(now: Date, phase: SeasonPhase, chsiOpen: Bool) {
        #expect(Fixture.season.phase(at: now) == phase)
        #expect(Fixture.season.isChsiVerificationOpen(at: now) == chsiOpen)
    }

    @Test func overlappingReviewAndPaymentKeepBothWindowsOpen() {
        let season = Fixture.season
        #expect(season.phase(at: T.reviewAndPayment) == .payment)
        #expect(season.isReviewOpen(at: T.reviewAndPayment))
        #expect(season.isPaymentOpen(at: T.reviewAndPayment))
        #expect(!season.isReviewOpen(at: T.paymentOnly))
        #expect(!season.isPaymentOpen(at: T.review))
        #expect(season.isRegistrationOpen(at: T.registration))
        #expect(!season.isRegistrationOpen(at: T.registrationCloses))
    }

    @Test func withoutCalendarNothingIsOpen() {
        let season = SeasonDecider.replay(opened)
        #expect(season.phase(at: T.registration) == .notConfigured)
        #expect(!season.isChsiVerificationOpen(at: T.beforeRegistration))
        #expect(!season.isRegistrationOpen(at: T.registration))
    }

    @Test func stateSurvivesAJSONSnapshot() throws {
        let data = try JSONEncoder().encode(Fixture.season)
        #expect(try JSONDecoder().decode(SeasonState.self, from: data) == Fixture.season)
        #expect(String(decoding: data, as: UTF8.self).contains("2025-01-08T01:00:00.000Z"))
    }

    @Test func evolveIgnoresMalformedCalendarInstants() {
        let bad = SeasonEvent.calendarSet(
            SeasonCalendarSet(
                registrationOpens: "yesterday",
                registrationCloses: "",
                reviewOpens: "",
                reviewCloses: "",
                paymentOpens: "",
                paymentCloses: ""
            )
        )
        #expect(SeasonDecider.evolve(Fixture.season, bad) == Fixture.season)
    }

    /// Every window answer is the same throughout a calendar period, and the period's ends are calendar instants.
    @Test func calendarPeriodsHoldTheWindowsConstant() {
        let season = Fixture.season
        func windows(_ at: Date) -> [Bool] {
            [
                season.isRegistrationOpen(at: at), season.isReviewOpen(at: at), season.isPaymentOpen(at: at),
                season.isChsiVerificationOpen(at: at),
            ]
        }
        let instants = [T.registrationOpens, T.registrationCloses, T.reviewOpens, T.reviewCloses, T.paymentOpens, T.paymentCloses]
        var generator = SystemRandomNumberGenerator()
        let earliest = T.beforeRegistration.addingTimeInterval(-30 * 86_400)
        let span = T.paymentCloses.timeIntervalSince(earliest) + 60 * 86_400
        for _ in 0..<2_000 {
            let now = earliest.addingTimeInterval(Double.random(in: 0..<span, using: &generator).rounded())
            let period = season.calendarPeriod(containing: now)
            if let from = period.from {
                #expect(instants.contains(from) && from <= now)
                #expect(windows(from) == windows(now))
            } else {
                #expect(now < T.registrationOpens)
            }
            if let until = period.until {
                #expect(instants.contains(until) && until > now)
                #expect(windows(until.addingTimeInterval(-0.001)) == windows(now))
            } else {
                #expect(now >= T.paymentCloses)
            }
        }
        // An instant of the calendar starts a period; a season without a calendar has one unbounded period.
        #expect(season.calendarPeriod(containing: T.reviewOpens).from == T.reviewOpens)
        #expect(season.calendarPeriod(containing: T.reviewOpens).until == T.paymentOpens)
        #expect(SeasonState().calendarPeriod(containing: T.registration) == (nil, nil))
    }

    /// The season's year (the exam year) is the year its id starts with; rules read it, never the clock.
    @Test func theSeasonYearIsTheYearOfItsID() {
        func year(_ id: String?) -> Int? { SeasonState(seasonID: id).year }
        #expect(year("2025") == 2025)
        #expect(year("2026") == 2026)
        #expect(year("2026-补考") == 2026)
        #expect(year(nil) == nil)
        #expect(year("20261") == nil)
        #expect(year("第2026") == nil)
        #expect(year("202") == nil)
        #expect(Fixture.season.year == 2025)
    }

    /// Names are one line; an area's refund policy may run over several, but no other control character.
    @Test func seasonTextsRefuseControlCharacters() {
        let history = given(SeasonDecider.self, opened)
        history.when(SeasonCommand.addExam(AddExam(code: "110", name: "临床\n执业医师", level: .physician, category: .clinical)), admin)
            .thenRejects(code: "input.control_character", field: "name")
        history.when(SeasonCommand.addArea(AddExamArea(code: "41", name: "河南\t考区", onlinePayment: false, refundPolicy: "")), admin)
            .thenRejects(code: "input.control_character", field: "name")
        let policy = "一、考试开始前申请全额退费；\n二、考试开始后不予退费。"
        history.when(SeasonCommand.addArea(AddExamArea(code: "11", name: "北京考区", onlinePayment: true, refundPolicy: policy)), admin)
            .then([.areaAdded(ExamAreaAdded(code: "11", name: "北京考区", onlinePayment: true, refundPolicy: policy))])
        history.when(
            SeasonCommand.addArea(AddExamArea(code: "11", name: "北京考区", onlinePayment: true, refundPolicy: "全额退费\u{1B}")),
            admin
        ).thenRejects(code: "input.control_character", field: "refundPolicy")
    }
}
