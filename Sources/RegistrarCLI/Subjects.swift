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

/// The actor id for `--actor`: an actor id as the trail records it (`staff-…`, `candidate-…`, `chsi-gateway`,
/// `bank-…`, `system`) is taken as it is; a staff or candidate username is looked up.
func actorID(_ given: String, in store: SQLiteEventStore) async throws -> String {
    // Usernames are letters, digits and `_`: a value with a `-` is an id; `system` is the system's, whatever the names.
    if given.contains("-") || given == "system" { return given }
    return try await store.claimHolder(CandidateClaims.usernameKey(given)) ?? given
}
