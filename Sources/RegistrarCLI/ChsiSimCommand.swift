import ArgumentParser
import Foundation
import RegistrarHTTP
import RegistrationDomain

/// `registrar chsi-sim`: plays CHSI against a running server: answers a scan with a signed callback.
struct ChsiSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chsi-sim",
        abstract: "Answer a CHSI scan with a signed callback to a running server.",
        discussion: """
            Sends POST /api/v1/callbacks/chsi with X-Chsi-Timestamp, X-Chsi-Nonce and X-Chsi-Signature (HMAC-SHA256 \
            of timestamp, nonce and body under the shared secret). --scan takes the QR payload shown when the scan \
            started (the qr id of the reply) or the scan id. The record is the one given by the options: CHSI's \
            record is CHSI's, not the candidate's entry, so by default it is a sample graduate (张三, 北京大学, 基础医学, \
            本科, 普通全日制, 20060901–20100701). To answer with a record that matches a candidate's entry, give the \
            candidate's name and ID number and the entry's values (dates as CHSI writes them, YYYYMMDD; they are \
            compared by year and month). --mismatch returns another school and major (the seed's 中国地质大学(北京) case), \
            for the reviewer's red flag.
            """
    )

    @Option(name: .long, help: "The server's base URL.")
    var url = "http://127.0.0.1:8080"

    @Option(name: .long, help: "The shared CHSI secret (default: $REGISTRAR_CHSI_SECRET, else the development secret).")
    var secret: String?

    /// The secret to sign with: --secret, else $REGISTRAR_CHSI_SECRET, else the development secret. Resolved when the command
    /// runs, never as the option's default, which `--help` would print.
    var resolvedSecret: String {
        secret ?? ProcessInfo.processInfo.environment["REGISTRAR_CHSI_SECRET"] ?? CallbackSettings.developmentCHSISecret
    }

    @Option(name: .long, help: "The QR payload (chsi1~…) or the scan id.")
    var scan: String

    @Option(name: .long, help: "姓名 in CHSI's record.")
    var name = "张三"

    @Option(name: .long, help: "证件号码 in CHSI's record.")
    var idNumber = "420106199003070018"

    @Option(name: .long, help: "院校名称 in CHSI's record.")
    var school = "北京大学"

    @Option(name: .long, help: "专业名称 in CHSI's record.")
    var major = "基础医学"

    @Option(name: .long, help: "层次 in CHSI's record.")
    var level = "本科"

    @Option(name: .long, help: "学习形式 in CHSI's record.")
    var studyForm = "普通全日制"

    @Option(name: .long, help: "学历类别 in CHSI's record.")
    var educationCategory = "普通高等教育"

    @Option(name: .long, help: "入学日期 in CHSI's record, YYYYMMDD.")
    var enrolment = "20060901"

    @Option(name: .long, help: "毕业日期 in CHSI's record, YYYYMMDD.")
    var graduation = "20100701"

    @Option(name: .long, help: "毕（结）业结论 in CHSI's record.")
    var conclusion = "毕业"

    @Flag(name: .long, help: "Return a record that does not match the declared entry.")
    var mismatch = false

    func validate() throws {
        let values = [
            ("--url", url), ("--secret", secret ?? "x"), ("--scan", scan), ("--name", name), ("--id-number", idNumber),
            ("--school", school), ("--major", major), ("--level", level), ("--study-form", studyForm),
            ("--education-category", educationCategory), ("--conclusion", conclusion),
        ]
        for (option, value) in values where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("\(option) must not be empty")
        }
        for (option, value) in [("--enrolment", enrolment), ("--graduation", graduation)]
        where value.count != 8 || !value.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw ValidationError("\(option) must be a date as CHSI writes it, YYYYMMDD (e.g. 20100701)")
        }
    }

    func run() async throws {
        let record = ChsiRecord(
            name: name,
            idNumber: idNumber,
            school: mismatch ? "中国地质大学(北京)" : school,
            major: mismatch ? "地质学" : major,
            level: level,
            studyForm: studyForm,
            educationCategory: educationCategory,
            enrolmentDate: enrolment,
            graduationDate: graduation,
            conclusion: conclusion
        )
        var body: [String: Any] = [:]
        body[scan.hasPrefix("chsi1~") ? "qr" : "scanID"] = scan
        let recordData = try JSONEncoder().encode(record)
        body["record"] = try JSONSerialization.jsonObject(with: recordData)
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let client = CallbackClient(baseURL: url, signature: .chsi(secret: resolvedSecret))
        let (status, reply) = try await client.post("/api/v1/callbacks/chsi", body: data)
        print("chsi-sim: \(status) \(reply)")
        guard (200..<300).contains(status) else { throw ExitCode(1) }
    }
}
