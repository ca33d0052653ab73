import Foundation

// Online payment and refunds (DOMAIN §6).
extension CandidateDecider {
    /// How long an order may await the bank's answer before a new one is allowed (30 minutes). The guide tells the
    /// candidate to refresh after a few minutes; a bank that never answers must not block paying for the rest of
    /// the window. A confirmation of the older order that still comes is recorded, and the second payment shows as
    /// an excess to refund (``PaymentStatus/overpaid``).
    public static let paymentConfirmationTimeout: TimeInterval = 30 * 60

    static func startPayment(
        _ c: StartPayment,
        _ context: CommandContext,
        _ state: CandidateState
    ) throws(Rejection)
        -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "缴费")
        try requireRegistered(state, c.candidateID)
        let application = try requireApplication(state, c.applicationID)
        guard application.isApproved else {
            throw Reject.make(.paymentNotApproved, field: "applicationID", message: "现场资格审核通过后才能缴费")
        }
        guard application.paysOnline(in: context.season) else {
            let message =
                context.season.area(application.areaCode)?.onlinePayment == true
                ? "您的报名审核通过时考区尚未开通网上缴费，请按审核时考区的通知办理缴费"
                : "您报考的考区未开通网上缴费，请按考区通知办理缴费"
            throw Reject.make(.paymentOnlineUnavailable, field: "applicationID", message: message)
        }
        // The guide's order: 现场审核, 签字确认, then 交费 (签字确认后的报名信息一律不得更改).
        guard application.isSigned else {
            let message =
                context.season.isReviewOpen(at: context.now)
                ? "请先在考点核对报名信息并签字确认，签字确认后才能缴费"
                : "现场资格审核已结束，未在考点签字确认的报名不能缴费；如有疑问请联系报考考点"
            throw Reject.make(.paymentNotSigned, field: "applicationID", message: message)
        }
        guard context.season.isPaymentOpen(at: context.now) else {
            throw Reject.make(.paymentWindowClosed, field: "applicationID", message: "当前不在网上缴费时间内")
        }
        guard application.paidFen == 0 else {
            if application.refundedFen >= application.paidFen {
                throw Reject.make(.paymentRefunded, field: "applicationID", message: "该报名的费用已退还，不能再次缴费；如有疑问请联系考区")
            }
            throw Reject.make(.paymentAlreadyPaid, field: "applicationID", message: "该报名已缴费，请勿重复缴费")
        }
        guard application.blockingPendingPayment(at: context.now) == nil else {
            throw Reject.make(
                .paymentPending,
                field: "applicationID",
                message: "上一笔缴费正在等待银行确认，请几分钟后刷新页面查看结果；30分钟后仍未确认的，可以重新缴费"
            )
        }
        guard !Check.isBlank(c.orderNumber) else { throw Reject.required("orderNumber", "订单号") }
        let used = state.applications.values.contains { $0.payments.contains { $0.orderNumber == c.orderNumber } }
        guard !used else {
            throw Reject.make(.paymentDuplicateOrder, field: "orderNumber", message: "订单号\(c.orderNumber)已使用")
        }
        guard c.amountFen > 0 else {
            throw Reject.make(.paymentAmountInvalid, field: "amountFen", message: "缴费金额必须大于0")
        }
        return [
            .paymentStarted(
                PaymentStarted(
                    candidateID: c.candidateID,
                    applicationID: c.applicationID,
                    orderNumber: c.orderNumber,
                    amountFen: c.amountFen,
                    startedAt: now(context)
                )
            )
        ]
    }

    /// The bank's answer. No window check: a late confirmation still counts. A transaction id already recorded
    /// emits nothing (the bank's duplicate delivery).
    static func recordBankResult(
        _ c: RecordBankResult,
        _ context: CommandContext,
        _ state: CandidateState
    )
        throws(Rejection) -> [CandidateEvent]
    {
        try context.actor.require([.bank], action: "提交银行缴费结果")
        try requireRegistered(state, c.candidateID)
        let application = try requireApplication(state, c.applicationID)
        guard let attempt = application.payments.last(where: { $0.orderNumber == c.orderNumber }) else {
            throw Reject.make(.paymentUnknownOrder, field: "orderNumber", message: "订单号\(c.orderNumber)不存在")
        }
        guard !Check.isBlank(c.bankTransactionID) else { throw Reject.required("bankTransactionID", "银行交易流水号") }
        guard !c.succeeded || c.amountFen > 0 else {
            throw Reject.make(.paymentAmountInvalid, field: "amountFen", message: "银行确认的缴费金额必须大于0，收到\(c.amountFen)分")
        }
        if let recorded = application.payments.first(where: { $0.bankTransactionIDs.contains(c.bankTransactionID) }) {
            // The bank's duplicate delivery emits nothing; one that says something else about the transaction than
            // what was recorded is refused, as CHSI's second answer to a scan is, so that it is not taken for a
            // duplicate. What was recorded is told from the order: once an order succeeded no transaction is added to
            // it, so the last of a succeeded order's transactions is its confirmation and every other one a failure.
            let recordedAsConfirmation = recorded.outcome == .succeeded && recorded.bankTransactionIDs.last == c.bankTransactionID
            let contradiction: String? =
                if recorded.orderNumber != c.orderNumber {
                    "银行交易流水号\(c.bankTransactionID)已登记于订单\(recorded.orderNumber)，与本次通知的订单\(c.orderNumber)不符"
                } else if c.succeeded && c.amountFen != recorded.amountFen {
                    "银行交易流水号\(c.bankTransactionID)已登记，本次通知的金额\(c.amountFen)分与订单金额\(recorded.amountFen)分不符"
                } else if c.succeeded && !recordedAsConfirmation {
                    "银行交易流水号\(c.bankTransactionID)已登记为缴费失败，本次通知为缴费成功"
                } else if !c.succeeded && recordedAsConfirmation {
                    "银行交易流水号\(c.bankTransactionID)已登记为缴费成功，本次通知为缴费失败"
                } else {
                    nil
                }
            if let contradiction {
                throw Reject.make(.paymentTransactionConflict, field: "bankTransactionID", message: contradiction + "，未予记录，请与银行核对")
            }
            return []
        }
        guard attempt.outcome != .succeeded else {
            throw Reject.make(
                .paymentOrderAlreadySettled,
                field: "bankTransactionID",
                message: "订单\(c.orderNumber)已由另一笔银行交易确认缴费"
            )
        }
        let at = now(context)
        if c.succeeded {
            guard c.amountFen == attempt.amountFen else {
                throw Reject.make(
                    .paymentAmountMismatch,
                    field: "amountFen",
                    message: "银行确认金额\(c.amountFen)分与订单金额\(attempt.amountFen)分不一致"
                )
            }
            return [
                .paymentConfirmed(
                    PaymentConfirmed(
                        candidateID: c.candidateID,
                        applicationID: c.applicationID,
                        orderNumber: c.orderNumber,
                        bankTransactionID: c.bankTransactionID,
                        amountFen: c.amountFen,
                        confirmedAt: at
                    )
                )
            ]
        }
        let reason = c.failureReason.flatMap { Check.isBlank($0) ? nil : $0 } ?? "银行未说明原因"
        return [
            .paymentFailed(
                PaymentFailed(
                    candidateID: c.candidateID,
                    applicationID: c.applicationID,
                    orderNumber: c.orderNumber,
                    bankTransactionID: c.bankTransactionID,
                    reason: reason,
                    failedAt: at
                )
            )
        ]
    }

    static func recordRefund(
        _ c: RecordRefund,
        _ context: CommandContext,
        _ state: CandidateState
    ) throws(Rejection)
        -> [CandidateEvent]
    {
        try context.actor.require([.admin, .system], action: "登记退费")
        try requireRegistered(state, c.candidateID)
        let application = try requireApplication(state, c.applicationID)
        guard application.paidFen > 0 else {
            throw Reject.make(.paymentNotPaid, field: "applicationID", message: "该报名尚未缴费，不能退费")
        }
        guard !Check.isBlank(c.refundID) else { throw Reject.required("refundID", "退费编号") }
        guard !application.refunds.contains(where: { $0.refundID == c.refundID }) else {
            throw Reject.make(.paymentDuplicateRefund, field: "refundID", message: "退费编号\(c.refundID)已使用")
        }
        guard c.amountFen > 0 else {
            throw Reject.make(.paymentAmountInvalid, field: "amountFen", message: "退费金额必须大于0")
        }
        // With an excess awaiting its refund, a refund is of the excess, or of everything (a withdrawal): an amount
        // between cuts into the fee while the application still shows 已缴费.
        let excess = application.excessFen
        let net = application.paidFen - application.refundedFen
        if excess > 0 && c.amountFen > excess && c.amountFen < net {
            throw Reject.make(
                .paymentRefundExceedsExcess,
                field: "amountFen",
                message: "该报名有重复缴费\(excess)分待退还：请先单独登记多缴部分（\(excess)分）的退费，"
                    + "或按考区规定全额退还（\(net)分）"
            )
        }
        // Subtracted, not added: an amount near Int.max must be refused, not overflow.
        guard c.amountFen <= application.paidFen - application.refundedFen else {
            throw Reject.make(
                .paymentRefundExceedsPaid,
                field: "amountFen",
                message: "退费总额不能超过已缴金额\(application.paidFen)分（已退\(application.refundedFen)分）"
            )
        }
        let reason = try Check.reason(c.reason, label: "退费原因", code: .inputRequired)
        return [
            .refundRecorded(
                RefundRecorded(
                    candidateID: c.candidateID,
                    applicationID: c.applicationID,
                    refundID: c.refundID,
                    amountFen: c.amountFen,
                    reason: reason,
                    refundPolicy: context.season.area(application.areaCode)?.refundPolicy ?? "",
                    recordedAt: now(context)
                )
            )
        ]
    }
}
