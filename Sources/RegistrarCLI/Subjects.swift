import ArgumentParser
import EventLog
import RegistrarApp
import RegistrationDomain

/// The candidate's stream id for `--candidate` (an id or a username); refuses, naming the option, anything that is
/// not a candidate's file.
func candidateID(_ given: String, in store: SQLiteEventStore) async throws -> String {
    switch try await CandidateHistory(store: store).identify(given) {
    case .candidate(let id): return id
    case .staff(let id): throw failure("--candidate \(given) is a staff account (\(id)), not a candidate")
    case .otherStream(let id): throw failure("--candidate \(given) is not a candidate's file (it names the stream \(id))")
    case .unknown: throw failure("no candidate with id or username \(given)")
    }
}

/// The stream id of the subject of `trace --subject` (or `--candidate`): a candidate's file, a staff account (by id
/// or username) or another stream of the log (the season's), as the API's `?candidate=` takes them.
func subjectID(_ given: String, option: String, in store: SQLiteEventStore) async throws -> String {
    switch try await CandidateHistory(store: store).identify(given) {
    case .candidate(let id), .staff(let id), .otherStream(let id): return id
    case .unknown:
        throw failure("\(option) \(given): no candidate, staff account or stream with that id or username")
    }
}

/// The actor id for `--actor`: a system's fixed id (`system`, `chsi`, `bank`, and the `chsi-gateway` and
/// `bank-unionpay` of logs written before the ids were unified) and the id of an account in the log (`staff-…`,
/// `candidate-…`) are taken as they are; a staff or candidate username is looked up. Anything else is refused:
/// a mistyped name must not read as "this person did nothing".
func actorID(_ given: String, in store: SQLiteEventStore) async throws -> String {
    // The systems' ids come first: they are no one's username (a candidate called `bank` is found by their id).
    if Actor.systemActorIDs.contains(given) || Actor.formerSystemActorIDs.contains(given) { return given }
    if try await store.streamVersion(given) > 0 { return given }
    if let holder = try await store.claimHolder(CandidateClaims.usernameKey(given)) { return holder }
    throw failure(
        "no actor with id or username \(given): give a candidate's or staff member's id or username, or one of "
            + Actor.systemActorIDs.joined(separator: ", ")
    )
}
