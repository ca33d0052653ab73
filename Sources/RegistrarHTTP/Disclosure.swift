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
/// or `passNumber`. A diff is taken between masked states (``Masking/maskedDiff(_:_:)``, through
/// ``CandidateHistory/diff(_:from:to:maskingIDNumbers:)``), so that a correction's
/// `oldValue`/`newValue` is masked there as in the state. The birth date goes with the number (its month and day
/// hidden): shown in full beside the county an address gives, it would rebuild the number.
enum Disclosure {
    static func mask(_ state: inout CandidateState) { Masking.idNumbers(in: &state) }

    static func mask(_ view: inout CandidateView) {
        if let number = view.basic?.idNumber { view.basic?.idNumber = Masking.idNumber(number) }
        if let date = view.basic?.birthDate { view.basic?.birthDate = Masking.birthDate(date) }
        for index in view.education.indices { Masking.idNumbers(in: &view.education[index].entry) }
        for index in view.applications.indices { Masking.idNumbers(in: &view.applications[index].application) }
    }

    /// The 证件号码 row of every entry of a review comparison, and the number CHSI returned in each attempt.
    static func mask(_ comparison: inout ApplicationComparison) {
        comparison.summary.reason = comparison.summary.reason.map(Masking.personalData(inText:))
        for entry in comparison.entries.indices {
            for attempt in comparison.entries[entry].attempts.indices {
                comparison.entries[entry].attempts[attempt].idNumber = Masking.idNumber(comparison.entries[entry].attempts[attempt].idNumber)
            }
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

    static func mask(_ record: AuditRecord) -> AuditRecord { record.maskingIDNumbers() }

    /// Staff by role, not by account id, for the candidate (``Masking/staffIDs(in:)-(CandidateState)``).
    static func hideStaff(_ state: inout CandidateState) { Masking.staffIDs(in: &state) }

    /// The candidate file's applications with staff by role.
    static func hideStaff(_ view: inout CandidateView) {
        for index in view.applications.indices { Masking.staffIDs(in: &view.applications[index].application) }
    }
}
