import Foundation

// The account's password (安全设置 修改密码, 找回密码, and the reset the exam authority makes when both the password and
// the recovery answer are forgotten).
extension CandidateDecider {
    static func changePassword(
        _ c: ChangePassword,
        _ context: CommandContext,
        _ state: CandidateState
    ) throws(Rejection)
        -> [CandidateEvent]
    {
        var reason: String?
        switch c.method {
        case .byCandidate, .recovery:
            try requireOwnFile(context, c.candidateID, action: "修改密码")
            try requireRegistered(state, c.candidateID)
        case .staff:
            try context.actor.require([.reviewer, .admin], action: "重置考生密码")
            try requireRegistered(state, c.candidateID)
            if context.actor.role == .reviewer {
                guard state.isReviewed(atAnyOf: context.actor.siteCodes) else {
                    throw Reject.make(
                        .authNotReviewerOfSite,
                        field: "candidateID",
                        message: "该考生没有在您审核的考点报名（或已放弃该报名），请由其报考考点或考试管理机构重置密码"
                    )
                }
            }
            guard let typed = c.reason, !Check.isBlank(typed) else {
                throw Reject.make(.accountReasonRequired, field: "reason", message: "重置密码须填写原因（如：考生持身份证明材料现场申请）")
            }
            reason = try Check.reason(typed, label: "重置密码的原因", code: .accountReasonRequired)
        }
        try Rules.validatePassword(c.newPassword, field: "newPassword")
        return [
            .passwordChanged(
                PasswordChanged(
                    candidateID: c.candidateID,
                    method: c.method.rawValue,
                    changedBy: context.actor.id,
                    reason: reason,
                    changedAt: now(context)
                )
            )
        ]
    }

    static func changeRecoveryQuestion(
        _ c: ChangeRecoveryQuestion,
        _ context: CommandContext,
        _ state: CandidateState
    ) throws(Rejection)
        -> [CandidateEvent]
    {
        try requireOwnFile(context, c.candidateID, action: "修改密码找回问题")
        try requireRegistered(state, c.candidateID)
        _ = try Check.text(c.question, field: "recoveryQuestion", label: "密码找回问题", maxLength: 30)
        try Rules.validateRecoveryAnswer(c.answer)
        return [.recoveryQuestionChanged(RecoveryQuestionChanged(candidateID: c.candidateID, changedAt: now(context)))]
    }
}
