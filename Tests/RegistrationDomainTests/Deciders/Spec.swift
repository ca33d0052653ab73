import Foundation
import Testing

@testable import RegistrationDomain

/// Given/when/then for deciders: `given(events).when(command, context).then(events)` or `.thenRejects(code:field:)`.
///
/// `when` folds the given events with `evolve`, then calls `decide`. `then` compares the produced events exactly;
/// `thenRejects` compares code and (when given) field path, and checks the message is not empty.
struct Given<D: Decider> where D.Event: Equatable {
    let history: [D.Event]

    /// The state after the given events.
    var state: D.State { D.replay(history) }

    /// Decides a command in a context.
    func when<Body: Sendable>(_ body: Body, _ context: CommandContext) -> Then<D> where D.Command == ContextualCommand<Body> {
        let state = self.state
        do {
            return Then(history: history, outcome: .success(try D.decide(ContextualCommand(body, context), state)))
        } catch {
            return Then(history: history, outcome: .failure(error))
        }
    }
}

/// The outcome of a `when`.
struct Then<D: Decider> where D.Event: Equatable {
    let history: [D.Event]
    let outcome: Result<[D.Event], Rejection>

    /// Expects exactly these events; returns history + events for the next step.
    @discardableResult
    func then(_ expected: [D.Event], sourceLocation: SourceLocation = #_sourceLocation) -> [D.Event] {
        switch outcome {
        case .success(let events):
            #expect(events == expected, sourceLocation: sourceLocation)
            return history + events
        case .failure(let rejection):
            Issue.record("expected events, got rejection \(rejection)", sourceLocation: sourceLocation)
            return history
        }
    }

    /// Expects success and hands the produced events to a closure for looser checks; returns history + events.
    @discardableResult
    func thenAccepts(
        sourceLocation: SourceLocation = #_sourceLocation,
        _ check: ([D.Event]) -> Void = { _ in }
    ) -> [D.Event] {
        switch outcome {
        case .success(let events):
            check(events)
            return history + events
        case .failure(let rejection):
            Issue.record("expected events, got rejection \(rejection)", sourceLocation: sourceLocation)
            return history
        }
    }

    /// Expects a rejection with this code (and field path, when given).
    func thenRejects(code: String, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        switch outcome {
        case .success(let events):
            Issue.record("expected rejection \(code), got \(events.count) event(s): \(events)", sourceLocation: sourceLocation)
        case .failure(let rejection):
            #expect(rejection.code == code, "message: \(rejection.message)", sourceLocation: sourceLocation)
            if let field { #expect(rejection.field == field, sourceLocation: sourceLocation) }
            #expect(!rejection.message.isEmpty, sourceLocation: sourceLocation)
        }
    }

    /// Expects one of the deciders' own codes.
    func thenRejects(_ code: DecisionCode, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        thenRejects(code: code.rawValue, field: field, sourceLocation: sourceLocation)
    }

    /// Expects exactly this rejection (used to prove a decider delegates to a validation rule).
    func thenRejects(_ expected: Rejection?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let expected else {
            Issue.record("the validation rule accepted the input the test meant to be invalid", sourceLocation: sourceLocation)
            return
        }
        switch outcome {
        case .success(let events):
            Issue.record("expected rejection \(expected), got \(events)", sourceLocation: sourceLocation)
        case .failure(let rejection):
            #expect(rejection == expected, sourceLocation: sourceLocation)
        }
    }

    /// The rejection, if any (for tests that collect codes).
    var rejection: Rejection? {
        if case .failure(let rejection) = outcome { return rejection }
        return nil
    }
}

func given<D: Decider>(_ decider: D.Type, _ events: [D.Event] = []) -> Given<D> where D.Event: Equatable {
    Given(history: events)
}

func given(_ events: [CandidateEvent]) -> Given<CandidateDecider> { Given(history: events) }

/// The rejection a validation rule throws, or nil when it accepts (to compare with what a decider throws).
func ruleRejection(_ rule: () throws -> Void) -> Rejection? {
    do {
        try rule()
        return nil
    } catch {
        return error as? Rejection
    }
}
