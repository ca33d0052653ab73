import Foundation
import Testing

@testable import RegistrationDomain

@Suite("Candidate: payment and refunds (DOMAIN §6)")
struct PaymentTests {
    let payTime = Fixture.candidate(at: T.reviewAndPayment)
    let bank = Fixture.actor(.bank, at: T.reviewAndPayment)
    let at = "2025-03-01T02:00:00.000Z"

    func start(_ order: String = "o1", amount: Int = 15000) -> CandidateCommand {
        .startPayment(StartPayment(candidateID: Fixture.zhang, applicationID: "a1", orderNumber: order, amountFen: amount))
    }

    func bankResult(
        _ order: String = "o1",
        txn: String = "t1",
        ok: Bool = true,
        amount: Int = 15000,
        reason: String? = nil
    )
        -> CandidateCommand
    {
        .recordBankResult(
            RecordBankResult(
                candidateID: Fixture.zhang,
                applicationID: "a1",
                orderNumber: order,
                bankTransactionID: txn,
                succeeded: ok,
                amountFen: amount,
                failureReason: reason
            )
        )
    }

    func refund(_ id: String = "rf1", amount: Int = 15000, reason: String = "考生申请退考") -> CandidateCommand {
        .recordRefund(RecordRefund(candidateID: Fixture.zhang, applicationID: "a1", refundID: id, amountFen: amount, reason: reason))
    }

    @Test func anApprovedCandidateStartsAPayment() {
        let events = given(History.signed().events).when(start(), payTime)
            .then([
                .paymentStarted(
                    PaymentStarted(candidateID: Fixture.zhang, applicationID: "a1", orderNumber: "o1", amountFen: 15000, startedAt: at)
                )
            ])
        let application = CandidateDecider.replay(events).applications["a1"]
        #expect(application?.paymentStatus == .pending)
        #expect(application?.status == .signed, "not 已缴费 before the bank confirms")
    }

    @Test func paymentNeedsApprovalAndThenTheSignature() {
        given(History.submitted().events).when(start(), payTime).thenRejects(.paymentNotApproved)
        // The guide: 在考点打印的申请表上签字确认后，办理交费手续.
        given(History.approved().events).when(start(), payTime).thenRejects(.paymentNotSigned, field: "applicationID")
        given(History.signed().events).when(start(), payTime).thenAccepts()
        var rejected = History.submitted()
        rejected.run(.rejectApplication(RejectApplication(candidateID: Fixture.zhang, applicationID: "a1", reason: "学历不符")), Fixture.reviewer())
        given(rejected.events).when(start(), payTime).thenRejects(.paymentNotApproved)
    }

    @Test func anUnsignedFileIsToldToSignOnlyWhileReviewIsOpen() {
        let state = CandidateDecider.replay(History.approved().events)
        #expect(state.nextActions(at: T.review, season: Fixture.season).contains(.signForm))
        #expect(!state.nextActions(at: T.review, season: Fixture.season).contains(.pay))
        #expect(!state.nextActions(at: T.closed, season: Fixture.season).contains(.signForm))
    }

    @Test func paymentOnlyInAreasWithOnlinePayment() {
        var henan = History.withEducation()
        henan.run(Fixture.submit(area: "41", site: "4101"), Fixture.candidate(at: T.registration))
        henan.run(
            .approveApplication(ApproveApplication(candidateID: Fixture.zhang, applicationID: "a1", note: Fixture.originalsChecked)),
            Fixture.reviewer(sites: ["4101"])
        )
        given(henan.events).when(start(), payTime).thenRejects(.paymentOnlineUnavailable)
    }

    /// The candidate is told how to pay when the application is approved: an area that turns online payment on later
    /// keeps to the site those it told to pay there (they may have paid there); one that turns it off stops it.
    @Test func howToPayIsSetAtApproval() {
        var henan = History.withEducation()
        henan.run(Fixture.submit(area: "41", site: "4101"), Fixture.candidate(at: T.registration))
        henan.run(
            .approveApplication(ApproveApplication(candidateID: Fixture.zhang, applicationID: "a1", note: Fixture.originalsChecked)),
            Fixture.reviewer(sites: ["4101"])
        )
        henan.run(.recordSignature(RecordSignature(candidateID: Fixture.zhang, applicationID: "a1")), Fixture.reviewer(sites: ["4101"]))
        var online = Fixture.season
        online.areas["41"]?.onlinePayment = true
        let refused = given(henan.events).when(start(), Fixture.candidate(at: T.reviewAndPayment, season: online))
        refused.thenRejects(.paymentOnlineUnavailable, field: "applicationID")
        #expect(refused.rejection?.message.contains("审核通过时考区尚未开通网上缴费") == true, "\(String(describing: refused.rejection))")
        let actions = henan.state.nextActions(at: T.reviewAndPayment, season: online)
        #expect(actions.contains(.payAsAreaInstructs) && !actions.contains(.pay), "\(actions)")

        // Approved where payment is online, then the area turns it off: no online payment for anyone.
        var offline = Fixture.season
        offline.areas["11"]?.onlinePayment = false
        given(History.signed().events).when(start(), Fixture.candidate(at: T.reviewAndPayment, season: offline))
            .thenRejects(.paymentOnlineUnavailable)
        // An approval recorded before the area's setting was kept with it: the area's setting alone decides.
        let legacy = History.signed().events.map { event -> CandidateEvent in
            guard case .applicationApproved(var approved) = event else { return event }
            approved.paysOnline = nil
            return .applicationApproved(approved)
        }
        given(legacy).when(start(), payTime).thenAccepts { #expect($0.count == 1) }
    }

    @Test(arguments: [T.review, T.closed])
    func paymentOnlyInThePaymentWindow(now: Date) {
        given(History.signed().events).when(start(), Fixture.candidate(at: now)).thenRejects(.paymentWindowClosed)
    }

    @Test func paymentInputRules() {
        let signed = given(History.signed().events)
        signed.when(start(amount: 0), payTime).thenRejects(.paymentAmountInvalid, field: "amountFen")
        signed.when(start(""), payTime).thenRejects(.inputRequired, field: "orderNumber")
        signed.when(start(), Fixture.candidate("c-other", at: T.reviewAndPayment)).thenRejects(.authNotOwnFile)
        signed.when(start(), bank).thenRejects(.authForbidden)
    }

    @Test func theBankConfirmationMakesItPaid() {
        let events = given(History.paymentStarted().events).when(bankResult(), bank)
            .then([
                .paymentConfirmed(
                    PaymentConfirmed(
                        candidateID: Fixture.zhang,
                        applicationID: "a1",
                        orderNumber: "o1",
                        bankTransactionID: "t1",
                        amountFen: 15000,
                        confirmedAt: at
                    )
                )
            ])
        let application = CandidateDecider.replay(events).applications["a1"]
        #expect(application?.status == .paid)
        #expect(application?.paymentStatus == .paid)
        #expect(application?.paymentStatus.label == "已缴费")
    }

    @Test func aDuplicateConfirmationEmitsNothing() {
        given(History.paid().events).when(bankResult(), bank).then([])
    }

    /// A delivery of a recorded transaction that says something else about it is refused, not taken for a duplicate:
    /// another amount, a failure of the confirmed payment, a success of a failed one, another order.
    @Test func aDeliveryContradictingTheRecordedTransactionIsRefused() {
        let paid = given(History.paid().events)
        paid.when(bankResult(amount: 1), bank).thenRejects(.paymentTransactionConflict, field: "bankTransactionID")
        // No payment is of zero or less: refused as an amount, whatever the transaction.
        paid.when(bankResult(amount: -7), bank).thenRejects(.paymentAmountInvalid, field: "amountFen")
        given(History.paymentStarted().events).when(bankResult(amount: 0), bank).thenRejects(.paymentAmountInvalid, field: "amountFen")
        paid.when(bankResult(ok: false, amount: 0, reason: "余额不足"), bank).thenRejects(.paymentTransactionConflict)
        var failed = History.paymentStarted()
        failed.run(bankResult(txn: "t-fail", ok: false, reason: "余额不足"), bank)
        given(failed.events).when(bankResult(txn: "t-fail"), bank).thenRejects(.paymentTransactionConflict)
        given(failed.events).when(bankResult(txn: "t-fail", ok: false, reason: "余额不足"), bank).then([])
        failed.run(
            .startPayment(StartPayment(candidateID: Fixture.zhang, applicationID: "a1", orderNumber: "o2", amountFen: 15000)),
            Fixture.candidate(at: T.reviewAndPayment)
        )
        given(failed.events).when(bankResult("o2", txn: "t-fail", ok: false), bank).thenRejects(.paymentTransactionConflict)
    }

    /// The bank may confirm an order after reporting it failed: the payment counts, and the failure's reason stays
    /// on record for reconciliation.
    @Test func aConfirmationAfterAFailureKeepsTheFailuresReason() {
        var history = History.paymentStarted()
        history.run(bankResult(txn: "t-fail", ok: false, reason: "余额不足"), bank)
        history.run(bankResult(txn: "t-ok"), bank)
        let payment = history.state.applications["a1"]?.payments.last
        #expect(payment?.outcome == .succeeded && payment?.failureReason == "余额不足")
        #expect(history.state.applications["a1"]?.paymentStatus == .paid)
    }

    /// An order that failed under one transaction and was confirmed under another: each transaction keeps what was
    /// recorded of it, so a delivery saying the opposite of either is refused, and the same again is a duplicate.
    @Test func anOrderWithAFailureAndAConfirmationKeepsEachTransactionsOutcome() {
        var history = History.paymentStarted()
        history.run(bankResult(txn: "t-fail", ok: false, reason: "余额不足"), bank)
        history.run(bankResult(txn: "t-ok"), bank)
        let both = given(history.events)
        both.when(bankResult(txn: "t-fail"), bank).thenRejects(.paymentTransactionConflict, field: "bankTransactionID")
        both.when(bankResult(txn: "t-ok", ok: false, reason: "撤销"), bank).thenRejects(.paymentTransactionConflict, field: "bankTransactionID")
        both.when(bankResult(txn: "t-fail", ok: false, reason: "余额不足"), bank).then([])
        both.when(bankResult(txn: "t-ok"), bank).then([])
    }

    @Test func aLateConfirmationStillCounts() {
        let late = Fixture.actor(.bank, at: T.closed)
        given(History.paymentStarted().events).when(bankResult(), late).thenAccepts { events in
            #expect(events.count == 1)
        }
    }

    @Test func aFailureLeavesThePaymentFailedAndAllowsANewAttempt() {
        var history = History.paymentStarted()
        let failed = history.run(bankResult(txn: "t-fail", ok: false, reason: "余额不足"), bank)
        #expect(
            failed == [
                .paymentFailed(
                    PaymentFailed(
                        candidateID: Fixture.zhang,
                        applicationID: "a1",
                        orderNumber: "o1",
                        bankTransactionID: "t-fail",
                        reason: "余额不足",
                        failedAt: at
                    )
                )
            ]
        )
        #expect(history.state.applications["a1"]?.paymentStatus == .failed)
        #expect(history.state.applications["a1"]?.status == .signed)
        given(history.events).when(start("o1"), payTime).thenRejects(.paymentDuplicateOrder, field: "orderNumber")
        history.run(start("o2"), payTime)
        history.run(bankResult("o2", txn: "t2"), bank)
        #expect(history.state.applications["a1"]?.status == .paid)
    }

    @Test func aFailureWithoutReasonGetsADefaultReason() {
        given(History.paymentStarted().events).when(bankResult(ok: false), bank).thenAccepts { events in
            guard case .paymentFailed(let e) = events.first else {
                Issue.record("no failure")
                return
            }
            #expect(!e.reason.isEmpty)
        }
    }

    @Test func aPendingAttemptBlocksANewOne() {
        given(History.paymentStarted().events).when(start("o2"), payTime).thenRejects(.paymentPending)
    }

    @Test func aPendingAttemptStopsBlockingAfterTheTimeout() {
        let started = History.paymentStarted()
        let justBefore = Fixture.candidate(at: T.reviewAndPayment.addingTimeInterval(CandidateDecider.paymentConfirmationTimeout - 1))
        let after = Fixture.candidate(at: T.reviewAndPayment.addingTimeInterval(CandidateDecider.paymentConfirmationTimeout))
        given(started.events).when(start("o2"), justBefore).thenRejects(.paymentPending)
        given(started.events).when(start("o2"), after).thenAccepts()
        let state = started.state
        #expect(state.nextActions(at: after.now, season: Fixture.season).contains(.pay))
        #expect(state.nextActions(at: justBefore.now, season: Fixture.season).contains(.awaitBankConfirmation))
    }

    @Test func aLateConfirmationOfAnOlderOrderAfterPayingAgainIsRecordedAsAnExcessToRefund() {
        var history = History.paymentStarted()
        let later = Fixture.candidate(at: T.reviewAndPayment.addingTimeInterval(CandidateDecider.paymentConfirmationTimeout + 60))
        history.run(start("o2"), later)
        history.run(bankResult("o2", txn: "t2"), bank)
        #expect(history.state.applications["a1"]?.paymentStatus == .paid)
        // The bank took the money for o1 too: refusing its confirmation would lose the record of it.
        history.run(bankResult("o1", txn: "t1"), bank)
        let application = history.state.applications["a1"]
        #expect(application?.paidFen == 30000)
        #expect(application?.excessFen == 15000)
        #expect(application?.status == .paid)
        #expect(application?.paymentStatus == .overpaid)
        #expect(history.state.nextActions(at: later.now, season: Fixture.season).contains(.awaitExcessRefund))
        given(history.events).when(start("o3"), later).thenRejects(.paymentAlreadyPaid)
        // Refunding the excess leaves it paid; refunding the rest too leaves it refunded.
        history.run(refund("rf1", amount: 15000), Fixture.actor(.admin, at: T.reviewAndPayment))
        #expect(history.state.applications["a1"]?.paymentStatus == .paid)
        #expect(history.state.applications["a1"]?.excessFen == 0)
        history.run(refund("rf2", amount: 15000), Fixture.actor(.admin, at: T.reviewAndPayment))
        #expect(history.state.applications["a1"]?.paymentStatus == .refunded)
    }

    /// A candidate who withdrew and got the fee back stays 已退费 when the bank then confirms an older order: that
    /// money is an excess to return, not a fee paid again.
    @Test func aConfirmationAfterAFullRefundIsAnExcessNotAPayment() {
        var history = History.paymentStarted()
        let later = Fixture.candidate(at: T.reviewAndPayment.addingTimeInterval(CandidateDecider.paymentConfirmationTimeout + 60))
        let admin = Fixture.actor(.admin, at: T.reviewAndPayment.addingTimeInterval(CandidateDecider.paymentConfirmationTimeout + 120))
        let bankLater = Fixture.actor(.bank, at: T.reviewAndPayment.addingTimeInterval(CandidateDecider.paymentConfirmationTimeout + 180))
        history.run(start("o2"), later)
        history.run(bankResult("o2", txn: "t2"), bank)
        history.run(refund("rf1", amount: 15000), admin)
        #expect(history.state.applications["a1"]?.status == .refunded)
        history.run(bankResult("o1", txn: "t1"), bankLater)
        let application = history.state.applications["a1"]
        #expect(application?.status == .refunded, "withdrawn, whatever the bank confirms after")
        #expect(application?.paymentStatus == .overpaid)
        #expect(application?.excessFen == 15000)
        history.run(refund("rf2", amount: 15000), admin)
        #expect(history.state.applications["a1"]?.paymentStatus == .refunded)
        #expect(history.state.applications["a1"]?.excessFen == 0)
    }

    /// With an excess to return, a refund is of the excess or of everything: an amount between would leave the
    /// application 已缴费 with less than the fee.
    @Test func aRefundWhileOverpaidIsOfTheExcessOrOfEverything() {
        var history = History.paymentStarted()
        let later = Fixture.candidate(at: T.reviewAndPayment.addingTimeInterval(CandidateDecider.paymentConfirmationTimeout + 60))
        history.run(start("o2"), later)
        history.run(bankResult("o2", txn: "t2"), bank)
        history.run(bankResult("o1", txn: "t1"), bank)
        let admin = Fixture.actor(.admin, at: T.reviewAndPayment)
        let overpaid = given(history.events)
        overpaid.when(refund(amount: 15001), admin).thenRejects(.paymentRefundExceedsExcess, field: "amountFen")
        overpaid.when(refund(amount: 15000), admin).thenAccepts()
        overpaid.when(refund(amount: 30000), admin).thenAccepts()
        overpaid.when(refund(amount: 14999), admin).thenAccepts()
    }

    @Test func anUnsignedApplicationIsToldWhenSigningIsNoLongerPossible() {
        let paymentOnly = Fixture.candidate(at: T.paymentOnly)
        let refused = given(History.approved().events).when(start(), paymentOnly)
        refused.thenRejects(.paymentNotSigned)
        #expect(refused.rejection?.message.contains("现场资格审核已结束") == true, "\(String(describing: refused.rejection))")
    }

    @Test func aRefundedApplicationIsNotPaidAgainAndIsToldWhy() {
        var history = History.paid()
        history.run(refund(), Fixture.actor(.admin, at: T.reviewAndPayment))
        given(history.events).when(start("o2"), payTime).thenRejects(.paymentRefunded, field: "applicationID")
    }

    @Test func paidApplicationsAreNotPaidAgain() {
        given(History.paid().events).when(start("o2"), payTime).thenRejects(.paymentAlreadyPaid)
    }

    @Test func bankResultsMustMatchAnOrder() {
        let started = given(History.paymentStarted().events)
        started.when(bankResult("o9"), bank).thenRejects(.paymentUnknownOrder, field: "orderNumber")
        started.when(bankResult(amount: 100), bank).thenRejects(.paymentAmountMismatch, field: "amountFen")
        started.when(bankResult(txn: ""), bank).thenRejects(.inputRequired, field: "bankTransactionID")
        given(History.paid().events).when(bankResult(txn: "t-other"), bank).thenRejects(.paymentOrderAlreadySettled)
        given(History.paid().events).when(bankResult(txn: "t-other", ok: false), bank).thenRejects(.paymentOrderAlreadySettled)
    }

    @Test func aSuccessAfterAReportedFailureOfTheSameOrderCounts() {
        var history = History.paymentStarted()
        history.run(bankResult(txn: "t-fail", ok: false), bank)
        history.run(bankResult(txn: "t-ok"), bank)
        #expect(history.state.applications["a1"]?.paymentStatus == .paid)
    }

    @Test func onlyTheBankConfirms() {
        let started = given(History.paymentStarted().events)
        started.when(bankResult(), payTime).thenRejects(.authForbidden)
        started.when(bankResult(), Fixture.actor(.chsi)).thenRejects(.authForbidden)
        started.when(bankResult(), Fixture.actor(.auditor)).thenRejects(.authReadOnly)
    }

    @Test func refundsAreRecordedWithTheAreasPolicy() {
        let admin = Fixture.actor(.admin, id: "admin-1", at: T.closed)
        let events = given(History.paid().events).when(refund(), admin)
            .then([
                .refundRecorded(
                    RefundRecorded(
                        candidateID: Fixture.zhang,
                        applicationID: "a1",
                        refundID: "rf1",
                        amountFen: 15000,
                        reason: "考生申请退考",
                        refundPolicy: Fixture.refundPolicy,
                        recordedAt: "2025-04-10T00:00:00.000Z"
                    )
                )
            ])
        let application = CandidateDecider.replay(events).applications["a1"]
        #expect(application?.status == .refunded)
        #expect(application?.paymentStatus == .refunded)
    }

    @Test func partialRefundsAddUpToAtMostWhatWasPaid() {
        // After the payment was confirmed (2025-03-01), as refunds are.
        let admin = Fixture.actor(.admin, at: T.closed)
        var history = History.paid()
        history.run(refund("rf1", amount: 5000), admin)
        #expect(history.state.applications["a1"]?.status == .paid)
        given(history.events).when(refund("rf1", amount: 100), admin).thenRejects(.paymentDuplicateRefund, field: "refundID")
        given(history.events).when(refund("rf2", amount: 10001), admin).thenRejects(.paymentRefundExceedsPaid, field: "amountFen")
        // An amount a client can send that would overflow a sum is refused like any other too large.
        given(history.events).when(refund("rf2", amount: .max), admin).thenRejects(.paymentRefundExceedsPaid, field: "amountFen")
        history.run(refund("rf2", amount: 10000), admin)
        #expect(history.state.applications["a1"]?.status == .refunded)
    }

    @Test func refundRules() {
        let admin = Fixture.actor(.admin)
        given(History.signed().events).when(refund(), admin).thenRejects(.paymentNotPaid)
        given(History.paymentStarted().events).when(refund(), admin).thenRejects(.paymentNotPaid)
        given(History.paid().events).when(refund(amount: 0), admin).thenRejects(.paymentAmountInvalid)
        given(History.paid().events).when(refund(reason: ""), admin).thenRejects(.inputRequired, field: "reason")
        given(History.paid().events).when(refund(""), admin).thenRejects(.inputRequired, field: "refundID")
        given(History.paid().events).when(refund(), Fixture.candidate(at: T.closed)).thenRejects(.authForbidden)
        given(History.paid().events).when(refund(), Fixture.actor(.system)).thenAccepts()
    }
}
