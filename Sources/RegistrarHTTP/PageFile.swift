import Foundation
import RegistrationDomain

/// A candidate's file as a person reads it on the history page: groups with Chinese labels, yes/no for flags,
/// names instead of codes where the season knows them, and none of the bookkeeping (display order counters, photo
/// ids and sizes, scan ids).
enum PageFile {
    /// One labelled value.
    struct Row {
        var label: String
        var value: String
    }

    /// One group (基本信息, 教育经历 1, 报名 …) and its rows.
    struct Section {
        var title: String
        var rows: [Row]
    }

    /// The groups of a file, as the template takes them (`title`, `rows` of `label`/`value`); empty groups are left
    /// out, and so are values never set.
    ///
    /// `identityMismatches`: the education entries whose current CHSI result is another person's record, told from
    /// the unmasked file (``CandidateState/chsiIdentityMatches(_:)``) before a caller who sees numbers masked masks
    /// it (``identityMismatches(_:)``).
    static func sections(_ state: CandidateState, season: SeasonState, identityMismatches: Set<String>) -> [[String: Any]] {
        build(state, season: season, identityMismatches: identityMismatches).filter { !$0.rows.isEmpty }.map { section in
            ["title": section.title, "rows": section.rows.map { ["label": $0.label, "value": $0.value] }]
        }
    }

    /// The education entries whose current CHSI result is not in the candidate's name and ID number.
    static func identityMismatches(_ state: CandidateState) -> Set<String> {
        Set(state.education.values.filter { entry in entry.currentChsiResult.map { !state.chsiIdentityMatches($0) } ?? false }.map(\.entryID))
    }

    static func build(_ state: CandidateState, season: SeasonState, identityMismatches: Set<String>) -> [Section] {
        var sections = [Section]()
        if let basic = state.basic {
            sections.append(
                Section(
                    title: "基本信息",
                    rows: rows([
                        ("用户名", basic.username), ("姓名", basic.name), ("姓（拼音）", basic.surnamePinyin),
                        ("名（拼音）", basic.givenNamePinyin), ("证件类型", basic.idType), ("证件号码", basic.idNumber), ("性别", basic.sex),
                        ("出生日期", basic.birthDate), ("国籍", basic.nationality), ("民族", basic.ethnicity),
                        ("本人身份", identity(basic.identity)), ("注册时间", state.registeredAt.map(PageRender.shortTime)),
                    ])
                )
            )
        }
        if let contact = state.contact {
            sections.append(
                Section(
                    title: "联系方式",
                    rows: rows([
                        ("手机", contact.mobile), ("家庭电话", contact.homePhone), ("单位电话", contact.workPhone), ("电子邮件", contact.email),
                        ("联系地址", contact.address), ("邮政编码", contact.postcode),
                    ])
                )
            )
        }
        if let work = state.work {
            sections.append(
                Section(
                    title: "工作情况",
                    rows: rows([
                        ("在岗情况", work.onDutyStatus), ("工作单位", work.workUnit), ("职称", work.title), ("获得职称年月", work.titleObtained),
                    ])
                )
            )
        }
        let educationNumbers = numbers(state.educationInOrder.map(\.entryID))
        for (index, entry) in state.educationInOrder.enumerated() {
            let record = entry.record
            var list: [(String, String?)] = [
                ("类型", record.region), ("学校", record.school), ("类别", record.category), ("入学时间", record.enrolment),
                ("毕业年月", record.graduation), ("学习形式", record.studyForm), ("学历", record.level), ("学位", record.degree),
                ("学制", record.length), ("专业", record.major),
                ("初中起点五年制大专临床专业", yesNo(record.fiveYearJuniorCollegeClinical)), ("硕博连读", yesNo(record.combinedMasterDoctor)),
                ("毕业证书编号", record.certificateNumber),
            ]
            list += flags(entry.flags)
            if let result = entry.currentChsiResult {
                let identity = identityMismatches.contains(entry.entryID) ? "；姓名或证件号码与考生不符" : ""
                list.append(
                    (
                        "学信网验证结果",
                        "\(result.school)，\(result.major)，\(result.level)，\(result.studyForm)，入学\(result.enrolmentDate)，"
                            + "毕业\(result.graduationDate)，\(result.conclusion)（\(PageRender.shortTime(result.receivedAt))收到"
                            + (entry.chsiResults.count > 1 ? "，共\(entry.chsiResults.count)次验证" : "") + "）\(identity)"
                    )
                )
            } else if !entry.awaitedScanIDs.isEmpty {
                list.append(("学信网验证结果", "已发起扫码验证，尚未收到结果"))
            } else if !entry.pendingScanIDs.isEmpty {
                list.append(("学信网验证结果", "审核通过前发起的扫码验证未收到结果；该学历已审核通过，不再记录学信网验证结果"))
            }
            sections.append(Section(title: "教育经历 \(index + 1)", rows: rows(list)))
        }
        let trainingNumbers = numbers(state.trainingInOrder.map(\.entryID))
        for (index, entry) in state.trainingInOrder.enumerated() {
            let list: [(String, String?)] =
                [
                    ("培训类型", entry.kind), ("培训基地", entry.institution), ("培训专业", entry.specialty), ("开始年月", entry.start),
                    ("结束年月", entry.end), ("证书编号", entry.certificateNumber),
                ] + flags(entry.flags)
            sections.append(Section(title: "培训经历 \(index + 1)", rows: rows(list)))
        }
        let certificateNumbers = numbers(state.certificatesInOrder.map(\.entryID))
        for (index, entry) in state.certificatesInOrder.enumerated() {
            let list: [(String, String?)] =
                [
                    ("证书类型", entry.type), ("发证年月", entry.issued), ("证书编号", entry.number), ("注册年月", entry.registered),
                    ("注册编号", entry.registrationNumber),
                ] + flags(entry.flags)
            sections.append(Section(title: "证书 \(index + 1)", rows: rows(list)))
        }
        for application in state.applicationsInOrder {
            let ticked =
                application.educationEntryIDs.map { "教育经历 \(educationNumbers[$0].map(String.init) ?? $0)" }
                + application.trainingEntryIDs.map { "培训经历 \(trainingNumbers[$0].map(String.init) ?? $0)" }
                + (application.certificateEntryID.map { ["证书 \(certificateNumbers[$0].map(String.init) ?? $0)"] } ?? [])
            let corrections = application.corrections.map { correction in
                let field = PageRender.correctionLabel(correction.field)
                return "\(field)：\(correction.oldValue) → \(correction.newValue)（\(correction.reason)）"
            }
            let list: [(String, String?)] = [
                ("报名号", application.applicationID),
                ("报考类别", season.exam(application.examCode).map { "\($0.name)（\(application.examCode)）" } ?? application.examCode),
                ("考区", named(season.area(application.areaCode)?.name, application.areaCode)),
                ("考点", named(season.site(application.siteCode)?.name, application.siteCode)),
                ("累计报考次数", String(application.attemptCount)), ("加试科目", application.additionalSubject),
                ("往来大陆通行证编号", application.passNumber), ("本人身份", identity(application.identity)),
                ("在岗情况", application.onDutyStatus), ("工作单位", application.workUnit), ("职称", application.title),
                ("工作岗位", application.workPost), ("勾选的条目", ticked.isEmpty ? nil : ticked.joined(separator: "、")),
                ("提交时间", PageRender.shortTime(application.submittedAt)), ("报名状态", application.status.label),
                ("放弃时间", application.abandonedAt.map(PageRender.shortTime)),
                ("审核通过时间", application.approvedAt.map(PageRender.shortTime)),
                ("审核不通过时间", application.rejectedAt.map(PageRender.shortTime)), ("不通过原因", application.rejectionReason),
                ("签字确认时间", application.signedAt.map(PageRender.shortTime)),
                ("缴费状态", application.payments.isEmpty ? nil : application.paymentStatus.label),
                ("基本信息修改", corrections.isEmpty ? nil : corrections.joined(separator: "；")),
            ]
            sections.append(Section(title: "报名 \(application.applicationID)", rows: rows(list)))
        }
        return sections
    }

    /// The rows whose value is set (nil and empty values are left out).
    static func rows(_ list: [(String, String?)]) -> [Row] {
        list.compactMap { label, value in value.flatMap { $0.isEmpty ? nil : Row(label: label, value: $0) } }
    }

    static func yesNo(_ flag: Bool) -> String { flag ? "是" : "否" }

    static func flags(_ flags: EntryFlags) -> [(String, String?)] {
        [("已锁定", flags.isLocked ? "是（用于报名 \(flags.lockedBy.joined(separator: "、"))）" : "否"), ("已审核", yesNo(flags.verified))]
    }

    /// `1 军队及武警干部`; nil when there is none.
    static func identity(_ code: Int?) -> String? {
        code.map { code in MilitaryIdentity(rawValue: code).map { "\(code) \($0.label)" } ?? String(code) }
    }

    static func named(_ name: String?, _ code: String) -> String { name.map { "\($0)（\(code)）" } ?? code }

    /// Entry ids numbered from 1 in display order.
    static func numbers(_ ids: [String]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0 + 1) })
    }
}
