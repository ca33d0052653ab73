import Foundation
import Testing

@testable import RegistrationDomain

@Suite("Staff decider")
struct StaffDeciderTests {
    let admin = Fixture.actor(.admin, id: "admin-1", at: T.beforeRegistration)
    let now = "2024-12-20T02:00:00.000Z"

    var reviewerCreated: StaffEvent {
        .created(
            StaffAccountCreated(
                staffID: "r-li",
                role: "reviewer",
                displayName: "李审核",
                areaCode: "11",
                siteCodes: ["1101", "1102"],
                createdAt: now
            )
        )
    }

    @Test func adminCreatesAReviewerScopedToAnAreaAndItsSites() {
        let events = given(StaffDecider.self)
            .when(
                StaffCommand.create(
                    CreateStaffAccount(
                        staffID: "r-li",
                        role: .reviewer,
                        displayName: "李审核",
                        areaCode: "11",
                        siteCodes: ["1101", "1102", "1101"]
                    )
                ),
                admin
            )
            .then([reviewerCreated])
        #expect(StaffDecider.replay(events).actor == .reviewer("r-li", area: "11", sites: ["1101", "1102"]))
    }

    @Test(arguments: [Role.auditor, .admin])
    func auditorsAndAdminsHaveNoScope(role: Role) {
        let history = given(StaffDecider.self)
        history.when(StaffCommand.create(CreateStaffAccount(staffID: "s1", role: role, displayName: "王")), admin)
            .then([
                .created(
                    StaffAccountCreated(
                        staffID: "s1",
                        role: role.rawValue,
                        displayName: "王",
                        areaCode: nil,
                        siteCodes: [],
                        createdAt: now
                    )
                )
            ])
        history.when(StaffCommand.create(CreateStaffAccount(staffID: "s1", role: role, displayName: "王", areaCode: "11")), admin)
            .thenRejects(.staffScopeInvalid, field: "areaCode")
    }

    @Test(arguments: [Role.candidate, .system, .chsi, .bank])
    func staffAccountsAreReviewersAuditorsOrAdmins(role: Role) {
        given(StaffDecider.self)
            .when(StaffCommand.create(CreateStaffAccount(staffID: "s1", role: role, displayName: "王")), admin)
            .thenRejects(.staffRoleInvalid, field: "role")
    }

    @Test func reviewerScopeMustBeAKnownAreaWithItsOwnSites() {
        let history = given(StaffDecider.self)
        func create(_ area: String?, _ sites: [String]) -> StaffCommand {
            .create(CreateStaffAccount(staffID: "r", role: .reviewer, displayName: "李", areaCode: area, siteCodes: sites))
        }
        history.when(create(nil, ["1101"]), admin).thenRejects(.inputRequired, field: "areaCode")
        history.when(create("99", ["1101"]), admin).thenRejects(.staffScopeInvalid, field: "areaCode")
        history.when(create("11", ["1101", "4101"]), admin).thenRejects(.staffScopeInvalid, field: "siteCodes[1]")
        history.when(create("11", ["7777"]), admin).thenRejects(.staffScopeInvalid, field: "siteCodes[0]")
        history.when(create("11", []), admin).thenRejects(.inputRequired, field: "siteCodes")
    }

    @Test func accountsAreCreatedOnce() {
        given(StaffDecider.self, [reviewerCreated])
            .when(StaffCommand.create(CreateStaffAccount(staffID: "r-li", role: .auditor, displayName: "x")), admin)
            .thenRejects(.staffAlreadyExists, field: "staffID")
    }

    @Test func scopeChangeKeepsTheOldScopeForTheAudit() {
        let events = given(StaffDecider.self, [reviewerCreated])
            .when(StaffCommand.changeScope(ChangeStaffScope(staffID: "r-li", areaCode: "41", siteCodes: ["4101"])), admin)
            .then([
                .scopeChanged(
                    StaffScopeChanged(
                        staffID: "r-li",
                        previousAreaCode: "11",
                        previousSiteCodes: ["1101", "1102"],
                        areaCode: "41",
                        siteCodes: ["4101"],
                        changedAt: now
                    )
                )
            ])
        #expect(StaffDecider.replay(events).siteCodes == ["4101"])
    }

    /// The scope the account has, in any order, changes nothing: no event, and no empty row in the trail.
    @Test func theSameScopeAgainAppendsNothing() {
        given(StaffDecider.self, [reviewerCreated])
            .when(StaffCommand.changeScope(ChangeStaffScope(staffID: "r-li", areaCode: "11", siteCodes: ["1102", "1101"])), admin)
            .then([])
    }

    /// The holder replaces their own password; nobody else's, and a deactivated account none.
    @Test func holdersChangeTheirOwnPasswordOnly() {
        let holder = Fixture.actor(.reviewer, id: "r-li", at: T.beforeRegistration)
        let history = given(StaffDecider.self, [reviewerCreated])
        history.when(StaffCommand.changePassword(ChangeStaffPassword(staffID: "r-li", newPassword: "Kx7pQ2wz", method: .byHolder)), holder)
            .then([.passwordChanged(StaffPasswordChanged(staffID: "r-li", method: "self", changedBy: "r-li", reason: nil, changedAt: now))])
        let other = Fixture.actor(.reviewer, id: "r-wang", at: T.beforeRegistration)
        history.when(StaffCommand.changePassword(ChangeStaffPassword(staffID: "r-li", newPassword: "Kx7pQ2wz", method: .byHolder)), other)
            .thenRejects(.authForbidden, field: "staffID")
        // An administrator too goes through a reset, with a reason, for another account.
        history.when(StaffCommand.changePassword(ChangeStaffPassword(staffID: "r-li", newPassword: "Kx7pQ2wz", method: .byHolder)), admin)
            .thenRejects(.authForbidden, field: "staffID")
        let gone = StaffEvent.deactivated(StaffAccountDeactivated(staffID: "r-li", reason: "离职", deactivatedAt: now))
        given(StaffDecider.self, [reviewerCreated, gone])
            .when(StaffCommand.changePassword(ChangeStaffPassword(staffID: "r-li", newPassword: "Kx7pQ2wz", method: .byHolder)), holder)
            .thenRejects(.staffDeactivated)
    }

    /// An administrator resets another account's password with a reason; their own they change as holders.
    @Test func administratorsResetOtherAccountsWithAReason() {
        let history = given(StaffDecider.self, [reviewerCreated])
        history.when(StaffCommand.changePassword(ChangeStaffPassword(staffID: "r-li", newPassword: "Kx7pQ2wz", method: .reset)), admin)
            .thenRejects(.accountReasonRequired, field: "reason")
        // Punctuation alone says nothing (audit W-1).
        history.when(StaffCommand.changePassword(ChangeStaffPassword(staffID: "r-li", newPassword: "Kx7pQ2wz", method: .reset, reason: "。。")), admin)
            .thenRejects(.accountReasonRequired, field: "reason")
        history.when(
            StaffCommand.changePassword(ChangeStaffPassword(staffID: "r-li", newPassword: "Kx7pQ2wz", method: .reset, reason: "本人忘记密码")),
            admin
        )
        .then([
            .passwordChanged(StaffPasswordChanged(staffID: "r-li", method: "reset", changedBy: "admin-1", reason: "本人忘记密码", changedAt: now))
        ])
        let holder = Fixture.actor(.reviewer, id: "r-li", at: T.beforeRegistration)
        history.when(
            StaffCommand.changePassword(ChangeStaffPassword(staffID: "r-li", newPassword: "Kx7pQ2wz", method: .reset, reason: "x")),
            holder
        )
        .thenRejects(.authForbidden, field: "actor")
        let me = StaffEvent.created(
            StaffAccountCreated(staffID: "admin-1", role: "admin", displayName: "管理员", areaCode: nil, siteCodes: [], createdAt: now)
        )
        given(StaffDecider.self, [me])
            .when(
                StaffCommand.changePassword(ChangeStaffPassword(staffID: "admin-1", newPassword: "Kx7pQ2wz", method: .reset, reason: "x")),
                admin
            )
            .thenRejects(.authForbidden, field: "staffID")
    }

    /// A staff password: 8 to 64 visible ASCII characters with a letter and a digit (more than a candidate's 5 to 12).
    @Test(arguments: [
        ("a1b2c", "password.length"), ("abcdefgh", "password.too_simple"), ("12345678", "password.too_simple"),
        ("abcd 1234", "password.invalid_character"), ("密码abcd1234", "password.invalid_character"),
        (String(repeating: "a1", count: 33), "password.length"),
    ])
    func staffPasswordsAreStrongerThanCandidates(password: String, code: String) {
        let holder = Fixture.actor(.reviewer, id: "r-li", at: T.beforeRegistration)
        given(StaffDecider.self, [reviewerCreated])
            .when(StaffCommand.changePassword(ChangeStaffPassword(staffID: "r-li", newPassword: password, method: .byHolder)), holder)
            .thenRejects(code: code, field: "newPassword")
    }

    @Test func onlyReviewersHaveAScope() {
        let auditor = StaffEvent.created(
            StaffAccountCreated(staffID: "a1", role: "auditor", displayName: "审计", areaCode: nil, siteCodes: [], createdAt: now)
        )
        given(StaffDecider.self, [auditor])
            .when(StaffCommand.changeScope(ChangeStaffScope(staffID: "a1", areaCode: "11", siteCodes: ["1101"])), admin)
            .thenRejects(.staffScopeInvalid, field: "staffID")
    }

    @Test func unknownAccountsCannotChange() {
        given(StaffDecider.self)
            .when(StaffCommand.changeScope(ChangeStaffScope(staffID: "nobody", areaCode: "11", siteCodes: ["1101"])), admin)
            .thenRejects(.staffNotFound, field: "staffID")
        given(StaffDecider.self, [reviewerCreated])
            .when(StaffCommand.deactivate(DeactivateStaffAccount(staffID: "other", reason: "离职")), admin)
            .thenRejects(.staffNotFound, field: "staffID")
    }

    @Test func deactivationNeedsAReasonHappensOnceAndEndsTheAccount() {
        let history = given(StaffDecider.self, [reviewerCreated])
        history.when(StaffCommand.deactivate(DeactivateStaffAccount(staffID: "r-li", reason: "")), admin)
            .thenRejects(.inputRequired, field: "reason")
        history.when(StaffCommand.deactivate(DeactivateStaffAccount(staffID: "r-li", reason: "--")), admin)
            .thenRejects(.inputRequired, field: "reason")
        let events = history.when(StaffCommand.deactivate(DeactivateStaffAccount(staffID: "r-li", reason: "离职")), admin)
            .then([.deactivated(StaffAccountDeactivated(staffID: "r-li", reason: "离职", deactivatedAt: now))])
        #expect(StaffDecider.replay(events).actor == nil)
        let after = given(StaffDecider.self, events)
        after.when(StaffCommand.deactivate(DeactivateStaffAccount(staffID: "r-li", reason: "again")), admin)
            .thenRejects(.staffDeactivated)
        after.when(StaffCommand.changeScope(ChangeStaffScope(staffID: "r-li", areaCode: "11", siteCodes: ["1101"])), admin)
            .thenRejects(.staffDeactivated)
    }

    /// A deactivated account is enabled again by an administrator, with a reason, scope and all; an active one is not.
    @Test func aDeactivatedAccountIsEnabledAgainWithAReason() {
        let gone = StaffEvent.deactivated(StaffAccountDeactivated(staffID: "r-li", reason: "借调结束", deactivatedAt: now))
        let history = given(StaffDecider.self, [reviewerCreated, gone])
        let reactivate = { (reason: String) in StaffCommand.reactivate(ReactivateStaffAccount(staffID: "r-li", reason: reason)) }
        history.when(reactivate(" "), admin).thenRejects(.inputRequired, field: "reason")
        history.when(reactivate("借调延长"), Fixture.actor(.reviewer)).thenRejects(.authForbidden)
        let events = history.when(reactivate("借调延长"), admin)
            .then([.reactivated(StaffAccountReactivated(staffID: "r-li", reason: "借调延长", reactivatedAt: now))])
        let state = StaffDecider.replay(events)
        #expect(state.actor?.siteCodes == StaffDecider.replay([reviewerCreated]).actor?.siteCodes && state.active)
        given(StaffDecider.self, events).when(reactivate("again"), admin).thenRejects(.staffNotDeactivated, field: "staffID")
        given(StaffDecider.self, [reviewerCreated]).when(reactivate("x"), admin).thenRejects(.staffNotDeactivated)
        given(StaffDecider.self, []).when(reactivate("x"), admin).thenRejects(.staffNotFound)
    }

    @Test func adminsCannotDeactivateThemselves() {
        let me = StaffEvent.created(
            StaffAccountCreated(staffID: "admin-1", role: "admin", displayName: "管理员", areaCode: nil, siteCodes: [], createdAt: now)
        )
        given(StaffDecider.self, [me])
            .when(StaffCommand.deactivate(DeactivateStaffAccount(staffID: "admin-1", reason: "x")), admin)
            .thenRejects(.staffSelfDeactivation)
    }

    @Test func theSystemMayManageStaff() {
        given(StaffDecider.self)
            .when(StaffCommand.create(CreateStaffAccount(staffID: "x", role: .auditor, displayName: "审计")), Fixture.actor(.system))
            .thenAccepts()
    }

    @Test(arguments: [Role.reviewer, .candidate])
    func onlyAdminsManageStaff(role: Role) {
        given(StaffDecider.self)
            .when(StaffCommand.create(CreateStaffAccount(staffID: "x", role: .auditor, displayName: "x")), Fixture.actor(role))
            .thenRejects(.authForbidden)
        given(StaffDecider.self)
            .when(StaffCommand.create(CreateStaffAccount(staffID: "x", role: .auditor, displayName: "x")), Fixture.actor(.auditor))
            .thenRejects(.authReadOnly)
    }
}
