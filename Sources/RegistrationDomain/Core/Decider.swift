/// The decider pattern: a pure decision function, a total evolution function and an initial state.
///
/// No clock, no random ids and no I/O inside: the application layer puts the time, new ids, the actor and the
/// outside facts into the command.
public protocol Decider {
    associatedtype Command
    associatedtype State
    associatedtype Event

    /// The state of a stream with no events.
    static var initial: State { get }
    /// Decides which events a command produces in a state, or refuses it.
    static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event]
    /// Applies one event. Total: never throws, whatever the event.
    ///
    /// The state is consumed: a caller that passes its last copy (`state = evolve(consume state, event)`) lets the
    /// fold update it in place instead of copying its collections at every event.
    static func evolve(_ state: consuming State, _ event: Event) -> State
}

extension Decider {
    /// Folds events from the initial state.
    public static func replay<Events: Sequence>(_ events: Events) -> State where Events.Element == Event {
        replay(events, from: initial)
    }

    /// Folds events from a given state (a snapshot, for example).
    public static func replay<Events: Sequence>(_ events: Events, from state: State) -> State where Events.Element == Event {
        var state = state
        for event in events { state = evolve(consume state, event) }
        return state
    }
}
