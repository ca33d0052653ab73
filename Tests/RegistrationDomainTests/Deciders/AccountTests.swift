import Foundation
import Testing

@testable import RegistrationDomain

@Suite("Candidate: the account's password (安全设置, 找回密码, reset by staff)")
struct AccountTests {
    let registered = given(History.registered().events)
    let submitted = given(History.submitted().events)

    func change(_ method: PasswordChangeMethod, _ password: String = "newpass88", reason: String? = nil) -> CandidateCommand {
        .changePassword(ChangePassword(candidateID: Fixture.zhang, newPassword: password, method: method, reason: reason))
    }

    func changed(_ method: String, by actor: String, reason: String? = nil, at: String = "2024-12-20T02:00:00.000Z") -> CandidateEvent {
        .passwordChanged(PasswordChanged(candidateID: Fixture.zhang, method: method, changedBy: actor, reason: reason, changedAt: at))
    }

    @Test func theCandidateChangesTheirOwnPasswordAndNothingElseOfTheFileChanges() {
        let events = registered.when(change(.byCandidate), Fixture.candidate()).then([changed("self", by: Fixture.zhang)])
        #expect(CandidateDecider.replay(events) == CandidateDecider.replay(History.registered().events))
        registered.when(change(.recovery), Fixture.candidate()).then([changed("recovery", by: Fixture.zhang)])
    }

    @Test func theNewPasswordFollowsTheRegistrationRule() {
        registered.when(change(.byCandidate, "abc"), Fixture.candidate()).thenRejects(code: "password.length", field: "newPassword")
        registered.when(change(.byCandidate, "abc12３"), Fixture.candidate()).thenRejects(code: "password.invalid_character", field: "newPassword")
        submitted.when(change(.staff, "密码12345", reason: "现场申请"), Fixture.reviewer(sites: ["1101"]))
            .thenRejects(code: "password.invalid_character", field: "newPassword")
    }

    @Test func onlyTheOwnerChangesTheirPassword() {
        registered.when(change(.byCandidate), Fixture.candidate("c-other")).thenRejects(.authNotOwnFile, field: "candidateID")
        registered.when(change(.recovery), Fixture.reviewer()).thenRejects(.authForbidden)
        registered.when(change(.byCandidate), Fixture.actor(.auditor)).thenRejects(.authReadOnly)
        given([]).when(change(.byCandidate), Fixture.candidate()).thenRejects(.candidateNotRegistered)
    }

    @Test func aReviewerOfTheCandidatesSiteOrAnAdministratorResetsWithAReason() {
        let reviewer = Fixture.reviewer(sites: ["1101"])
        submitted.when(change(.staff, reason: "考生持身份证现场申请"), reviewer)
            .then([changed("staff", by: "r-li", reason: "考生持身份证现场申请", at: "2025-02-15T02:00:00.000Z")])
        registered.when(change(.staff, reason: "考生来电，经考试机构核实身份"), Fixture.actor(.admin, id: "admin-1"))
            .then([changed("staff", by: "admin-1", reason: "考生来电，经考试机构核实身份", at: "2025-02-15T02:00:00.000Z")])
    }

    @Test func aResetNeedsAReasonAndTheReviewerOfOneOfTheCandidatesSites() {
        let reviewer = Fixture.reviewer(sites: ["1101"])
        submitted.when(change(.staff), reviewer).thenRejects(.accountReasonRequired, field: "reason")
        submitted.when(change(.staff, reason: " \t"), reviewer).thenRejects(.accountReasonRequired, field: "reason")
        // Punctuation alone says nothing: the reset that hands over an account above all (audit W-1).
        submitted.when(change(.staff, reason: "。。"), reviewer).thenRejects(.accountReasonRequired, field: "reason")
        submitted.when(change(.staff, reason: "现场申请"), Fixture.reviewer(sites: ["1108"])).thenRejects(.authNotReviewerOfSite, field: "candidateID")
        // No application yet: no site, so no reviewer; an administrator can.
        registered.when(change(.staff, reason: "现场申请"), reviewer).thenRejects(.authNotReviewerOfSite)
        submitted.when(change(.staff, reason: "现场申请"), Fixture.candidate()).thenRejects(.authForbidden)
        submitted.when(change(.staff, reason: "现场申请"), Fixture.actor(.auditor)).thenRejects(.authReadOnly)
        submitted.when(change(.staff, reason: String(repeating: "因", count: 201)), reviewer).thenRejects(code: "value.too_long", field: "reason")
    }

    @Test func theCandidateReplacesTheRecoveryQuestionAndAnswerUnderTheRegistrationRules() {
        func change(_ question: String, _ answer: String) -> CandidateCommand {
            .changeRecoveryQuestion(ChangeRecoveryQuestion(candidateID: Fixture.zhang, question: question, answer: answer))
        }
        let events = registered.when(change("我的小学?", "实验小学"), Fixture.candidate())
            .then([.recoveryQuestionChanged(RecoveryQuestionChanged(candidateID: Fixture.zhang, changedAt: "2024-12-20T02:00:00.000Z"))])
        #expect(CandidateDecider.replay(events) == CandidateDecider.replay(History.registered().events))
        registered.when(change("我的小学?", "实验"), Fixture.candidate()).thenRejects(code: "recovery_answer.length", field: "recoveryAnswer")
        registered.when(change("", "实验小学"), Fixture.candidate()).thenRejects(code: "input.required", field: "recoveryQuestion")
        registered.when(change(String(repeating: "问", count: 31), "实验小学"), Fixture.candidate())
            .thenRejects(code: "value.too_long", field: "recoveryQuestion")
        registered.when(change("我的小学?", "实验小学"), Fixture.candidate("c-other")).thenRejects(.authNotOwnFile)
        registered.when(change("我的小学?", "实验小学"), Fixture.reviewer()).thenRejects(.authForbidden)
    }
}
