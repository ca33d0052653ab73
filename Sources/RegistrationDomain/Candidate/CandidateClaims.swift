/// The cross-candidate uniqueness claims an append of candidate events must take (one registration per person,
/// unique usernames). The event log writes them in the append transaction; a taken claim fails the append and
/// the application layer answers with ``alreadyRegistered(username:)`` or ``usernameTaken(_:)``.
///
/// DOMAIN.md says one person is name + ID number. Two keys are claimed, neither with the name (keying on the name
/// would let the same person register again with a variant of it: a `?` for a rare character, a corrected
/// spelling): ID type + ID number, which password recovery looks up, and the ID number alone, since the types of
/// the army's and the police's cards take any 4 to 20 letters and digits, so a resident ID's number would
/// otherwise register a second time as a 军官证's. Two people whose documents of different types carry the same
/// number meet the national system's answer to any taken number: the review site resolves it.
public enum CandidateClaims {
    /// `person:<ID type>:<ID number>`, e.g. `person:居民身份证:11010519491231002X`.
    public static func personKey(idType: String, idNumber: String) -> String {
        "person:\(idType):\(idNumber.uppercased())"
    }

    /// `id-number:<ID number, upper-cased>`, whatever the document's type.
    public static func idNumberKey(_ idNumber: String) -> String {
        "id-number:\(idNumber.uppercased())"
    }

    /// `username:<username, lower-cased>`, e.g. `username:zhangsan`: usernames are unique regardless of case.
    public static func usernameKey(_ username: String) -> String {
        "username:\(username.lowercased())"
    }

    /// `order:<order number>`: the bank's callback names only the order, and the claim (taken by the append that
    /// starts the payment, in its transaction) says whose file it is.
    public static func orderKey(_ orderNumber: String) -> String {
        "order:\(orderNumber)"
    }

    /// `scan:<scan id>`: a CHSI answer that names the scan by id (the simulator's) finds the file by it.
    public static func scanKey(_ scanID: String) -> String {
        "scan:\(scanID)"
    }

    /// The claims of a batch of events: the person keys and username at registration, the new person keys when a reviewer
    /// corrects the ID number, the order number when a payment starts, the scan id when a CHSI scan starts. Claims are never released (a corrected-away
    /// number stays claimed by this file).
    public static func keys(for events: [CandidateEvent]) -> [String] {
        keys(for: events, after: nil)
    }

    /// The claims of a batch of events, given the file they lead to: a corrected ID type claims the person key of the
    /// new type with the number the file has after the batch (the number may stay, and password recovery looks the
    /// file up by type and number).
    public static func keys(for events: [CandidateEvent], after state: CandidateState?) -> [String] {
        var keys: [String] = []
        for event in events {
            switch event {
            case .registered(let e):
                keys.append(personKey(idType: e.idType, idNumber: e.idNumber))
                keys.append(idNumberKey(e.idNumber))
                keys.append(usernameKey(e.username))
            case .basicInfoCorrected(let e) where e.field == BasicInfoField.idNumber.rawValue:
                keys.append(personKey(idType: e.idType, idNumber: e.newValue))
                keys.append(idNumberKey(e.newValue))
            case .basicInfoCorrected(let e) where e.field == BasicInfo.idTypeField:
                if let number = state?.basic?.idNumber { keys.append(personKey(idType: e.newValue, idNumber: number)) }
            case .paymentStarted(let e):
                keys.append(orderKey(e.orderNumber))
            case .chsiScanStarted(let e):
                keys.append(scanKey(e.scanID))
            default:
                break
            }
        }
        // A type and a number corrected together claim the same person key twice.
        var seen = Set<String>()
        return keys.filter { seen.insert($0).inserted }
    }

    /// The national system's message when the person claim is taken: already registered under another username,
    /// to be resolved at the review site.
    public static func alreadyRegistered(username: String) -> Rejection {
        Reject.make(
            .registrationPersonAlreadyRegistered,
            field: "idNumber",
            message: "已经以用户名\(username)在网站上完成了注册，请勿重复注册用户信息。（若用户名\(username)非您本人注册，"
                + "请您在资格审核期间，携本人身份证明和相关报名材料到资格审核现场处理。）"
        )
    }

    /// The message when the document is registered under another name: the same rule and the same way to resolve
    /// it, without the account's username.
    public static let documentAlreadyRegistered = Reject.make(
        .registrationPersonAlreadyRegistered,
        field: "idNumber",
        message: "该证件号码已在网站上完成了注册，请勿重复注册用户信息。（若非您本人注册，"
            + "请您在资格审核期间，携本人身份证明和相关报名材料到资格审核现场处理。）"
    )

    /// The rejection of a reviewer's correction of the ID number (or its type) to a number another account holds.
    public static func correctionToTakenNumber(username: String) -> Rejection {
        Reject.make(
            .reviewIDNumberTaken,
            field: "newValue",
            message: "该证件号码已由用户名为\(username)的考生注册，不能更正为该号码；请核对考生的身份证明，如确属同一人，请按重复注册的规定处理"
        )
    }

    /// The message when the username claim is taken.
    public static func usernameTaken(_ username: String) -> Rejection {
        Reject.make(
            .registrationUsernameTaken,
            field: "username",
            message: "用户名\(username)已被使用，请换一个用户名"
        )
    }
}
