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
    static func evolve(_ state: State, _ event: Event) -> State
}

extension Decider {
    /// Folds events from the initial state.
    public static func replay<Events: Sequence>(_ events: Events) -> State where Events.Element == Event {
        events.reduce(initial, evolve)
    }

    /// Folds events from a given state (a snapshot, for example).
    public static func replay<Events: Sequence>(_ events: Events, from state: State) -> State where Events.Element == Event {
        events.reduce(state, evolve)
    }
}
