import Projections
import RegistrarApp
import RegistrationDomain

/// Masks ID numbers (`Masking.idNumber`) for callers who do not need them in full.
///
/// The choice: the candidate sees their own number and the reviewer of the candidate's site sees it in full (the
/// reviewer compares it with the document in hand and with CHSI's record, and corrects it); an auditor traces
/// changes and sees every number masked, enough to tell two candidates apart and to see that a number changed.
/// Masked are the basic information, CHSI results (which carry the number CHSI holds), the pass numbers of
/// applications (通行证号码: for a holder of a 香港往来大陆通行证 it is the ID number itself), corrections of the number,
/// the 证件号码 row of review comparisons, the success notice, and audit or diff lines about a field named `idNumber`
/// or `passNumber`. A diff is taken between masked states (``maskedDiff(_:_:)``), so that a correction's
/// `oldValue`/`newValue` is masked there as in the state.
enum Disclosure {
    static func mask(_ state: inout CandidateState) {
        if let number = state.basic?.idNumber { state.basic?.idNumber = Masking.idNumber(number) }
        for key in state.education.keys { mask(&state.education[key]!) }
        for key in state.applications.keys { mask(&state.applications[key]!) }
    }

    static func mask(_ view: inout CandidateView) {
        if let number = view.basic?.idNumber { view.basic?.idNumber = Masking.idNumber(number) }
        for index in view.education.indices { mask(&view.education[index].entry) }
        for index in view.applications.indices { mask(&view.applications[index].application) }
    }

    static func mask(_ entry: inout EducationEntry) {
        for index in entry.chsiResults.indices {
            entry.chsiResults[index].idNumber = Masking.idNumber(entry.chsiResults[index].idNumber)
        }
    }

    static func mask(_ application: inout Application) {
        if let number = application.passNumber { application.passNumber = Masking.idNumber(number) }
        for index in application.corrections.indices where application.corrections[index].field == BasicInfoField.idNumber.rawValue {
            application.corrections[index].oldValue = Masking.idNumber(application.corrections[index].oldValue)
            application.corrections[index].newValue = Masking.idNumber(application.corrections[index].newValue)
        }
    }

    /// The 证件号码 row of every entry of a review comparison.
    static func mask(_ comparison: inout ApplicationComparison) {
        for entry in comparison.entries.indices {
            for row in comparison.entries[entry].rows.indices where comparison.entries[entry].rows[row].label == "证件号码" {
                var value = comparison.entries[entry].rows[row]
                value.declared = Masking.idNumber(value.declared)
                value.declaredNormalised = Masking.idNumber(value.declaredNormalised)
                value.chsi = value.chsi.map(Masking.idNumber)
                value.chsiNormalised = value.chsiNormalised.map(Masking.idNumber)
                comparison.entries[entry].rows[row] = value
            }
        }
    }

    /// The differences between two states as a caller who sees masked numbers sees them: both states masked first
    /// (a path alone does not tell that `corrections[0].oldValue` is an ID number).
    static func maskedDiff(_ before: CandidateState, _ after: CandidateState) throws -> [CandidateHistory.Change] {
        var before = before
        var after = after
        mask(&before)
        mask(&after)
        return try CandidateHistory.diff(before, after).map(mask)
    }

    static func mask(_ change: CandidateHistory.Change) -> CandidateHistory.Change {
        guard isIDNumberPath(change.path) else { return change }
        var change = change
        change.before = change.before.map(Masking.idNumber)
        change.after = change.after.map(Masking.idNumber)
        return change
    }

    static func mask(_ record: AuditRecord) -> AuditRecord {
        guard isIDNumberPath(record.field) else { return record }
        var record = record
        record.before = record.before.map(Masking.idNumber)
        record.after = record.after.map(Masking.idNumber)
        return record
    }

    /// `basic.idNumber`, `education.e1.chsiResults[0].idNumber`, `idNumber`, `applications[a1].passNumber`, … (the
    /// `oldValue`/`newValue` of a correction are caught by the state masking above).
    static func isIDNumberPath(_ path: String) -> Bool {
        path == "idNumber" || path.hasSuffix(".idNumber") || path.hasSuffix("IdNumber") || path.hasSuffix("IDNumber")
            || path == "passNumber" || path.hasSuffix(".passNumber")
    }
}
