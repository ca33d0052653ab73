/// 本人身份: only for candidates of army, armed-police and public-security units. 1, 2, 4 and 5 are active service.
public enum MilitaryIdentity: Int, Codable, CaseIterable, Sendable {
    /// 1 军队及武警干部.
    case armyCadre = 1
    /// 2 军队及武警士官.
    case armySergeant = 2
    /// 3 军队及武警部队聘用地方人员.
    case armyCivilianEmployee = 3
    /// 4 公安部所属边防、消防、警卫现役干部.
    case policeCadre = 4
    /// 5 公安部所属边防、消防、警卫现役士官.
    case policeSergeant = 5
    /// 6 公安部所属边防、消防、警卫部队聘用地方人员.
    case policeCivilianEmployee = 6

    /// The label of the national form.
    public var label: String {
        switch self {
        case .armyCadre: "军队及武警干部"
        case .armySergeant: "军队及武警士官"
        case .armyCivilianEmployee: "军队及武警部队聘用地方人员"
        case .policeCadre: "公安部所属边防、消防、警卫现役干部"
        case .policeSergeant: "公安部所属边防、消防、警卫现役士官"
        case .policeCivilianEmployee: "公安部所属边防、消防、警卫部队聘用地方人员"
        }
    }

    /// 现役: 1, 2, 4, 5. Active servicemen register with a 居民身份证 and may take 军事医学.
    public var isActiveService: Bool {
        switch self {
        case .armyCadre, .armySergeant, .policeCadre, .policeSergeant: true
        case .armyCivilianEmployee, .policeCivilianEmployee: false
        }
    }
}

/// 在岗情况.
public enum OnDutyStatus: String, Codable, CaseIterable, Sendable {
    /// 试用期.
    case probation = "试用期"
    /// 在职.
    case employed = "在职"
    /// 当年毕业研究生: may leave the certificate number of the graduate entry empty.
    case graduatingGraduateStudent = "当年毕业研究生"
}

/// Education entry type (类型): where the degree was obtained.
public enum EducationRegion: String, Codable, CaseIterable, Sendable {
    /// 大陆.
    case mainland = "大陆"
    /// 港澳台.
    case hongKongMacauTaiwan = "港澳台"
    /// 国外.
    case abroad = "国外"
}

/// Education category (类别).
public enum EducationCategory: String, Codable, CaseIterable, Sendable {
    /// 高等医学教育.
    case higherMedical = "高等医学教育"
    /// 中等医学教育.
    case secondaryMedical = "中等医学教育"
    /// 高等非医学教育.
    case higherNonMedical = "高等非医学教育"
    /// 其它.
    case other = "其它"
}

/// 学习形式.
public enum StudyForm: String, Codable, CaseIterable, Sendable {
    /// 普通全日制.
    case fullTime = "普通全日制"
    /// 非全日制.
    case partTime = "非全日制"
    /// 成人教育.
    case adult = "成人教育"
    /// 网络教育.
    case online = "网络教育"
    /// 自学考试.
    case selfStudy = "自学考试"
    /// 其它.
    case other = "其它"
}

/// 学历.
public enum EducationLevel: String, Codable, CaseIterable, Sendable {
    /// 中专.
    case secondary = "中专"
    /// 专科.
    case juniorCollege = "专科"
    /// 本科.
    case bachelor = "本科"
    /// 硕士研究生.
    case master = "硕士研究生"
    /// 博士研究生.
    case doctor = "博士研究生"
    /// 无学历 (含无正规学历): no school, no graduation date, no study form needed.
    case none = "无学历"
    /// 师承/确有专长: no school and no graduation date needed.
    case apprenticeship = "师承/确有专长"

    /// 专科 and above: the levels CHSI knows.
    public var isHigherEducation: Bool {
        switch self {
        case .juniorCollege, .bachelor, .master, .doctor: true
        case .secondary, .none, .apprenticeship: false
        }
    }

    /// 硕士研究生 and 博士研究生.
    public var isGraduate: Bool { self == .master || self == .doctor }

    /// 无学历 and 师承/确有专长 need no school, graduation date or certificate number.
    public var isWithoutFormalEducation: Bool { self == .none || self == .apprenticeship }

    /// Order of formal levels for "the highest ticked education" (中专 lowest); nil for the informal ones.
    public var rank: Int? {
        switch self {
        case .secondary: 1
        case .juniorCollege: 2
        case .bachelor: 3
        case .master: 4
        case .doctor: 5
        case .none, .apprenticeship: nil
        }
    }
}

/// What an education entry's major (专业, typed as free text) says about the exam category it leads to.
public enum EducationMajor {
    /// The exam category other than 临床, 中医 and 中西医结合 that a major plainly names, or nil: 口腔 for a major naming
    /// 口腔 (口腔医学, 口腔临床医学, …), 公共卫生 for one naming 公共卫生 or 预防医学 (the category's major). Nil says
    /// nothing either way: majors are free text, and only these plain cases are decided (DOMAIN-NOTES.md).
    public static func otherExamCategory(_ major: String?) -> ExamCategory? {
        guard let major else { return nil }
        if major.contains("口腔") { return .dental }
        if major.contains("公共卫生") || major.contains("预防医学") { return .publicHealth }
        return nil
    }
}

/// 学位.
public enum Degree: String, Codable, CaseIterable, Sendable {
    /// 无学位.
    case none = "无学位"
    /// 学士.
    case bachelor = "学士"
    /// 医学学士.
    case medicalBachelor = "医学学士"
    /// 硕士.
    case master = "硕士"
    /// 医学硕士.
    case medicalMaster = "医学硕士"
    /// 博士.
    case doctor = "博士"
    /// 医学博士.
    case medicalDoctor = "医学博士"
}

/// 学制.
public enum StudyLength: String, Codable, CaseIterable, Sendable {
    /// 三年制.
    case three = "三年制"
    /// 四年制.
    case four = "四年制"
    /// 五年制.
    case five = "五年制"
    /// 七年制.
    case seven = "七年制"
    /// 八年制.
    case eight = "八年制"
}

/// Training type (培训类型). Only residency training is ticked in an application.
public enum TrainingKind: String, Codable, CaseIterable, Sendable {
    /// 住院医师规范化培训.
    case residency = "住院医师规范化培训"
    /// 其它培训.
    case other = "其它培训"
}

/// Certificate type (证书类型).
public enum CertificateType: String, Codable, CaseIterable, Sendable {
    /// 执业助理医师: qualifies a 中专 graduate for a 执业医师 exam.
    case assistantPhysician = "执业助理医师"
    /// 执业助理医师（乡镇）: does not qualify.
    case townshipAssistantPhysician = "执业助理医师（乡镇）"
    /// 乡村全科执业助理医师.
    case ruralGeneralAssistant = "乡村全科执业助理医师"
}

/// 加试科目.
public enum AdditionalSubject: String, Codable, CaseIterable, Sendable {
    /// 军事医学: active servicemen only.
    case militaryMedicine = "军事医学"
    /// 院前急救: clinical 执业医师 candidates only.
    case prehospitalEmergency = "院前急救"
    /// 儿科: clinical 执业医师 candidates only.
    case pediatrics = "儿科"
}

/// The three kinds of profile entries that applications lock and approval verifies.
public enum ProfileEntryKind: String, Codable, CaseIterable, Sendable {
    /// 教育经历.
    case education
    /// 培训经历.
    case training
    /// 证书情况.
    case certificate
}

/// The basic-information fields a reviewer may correct on site.
///
/// The ID type is not among them: a wrong ID type means a wrong registration, resolved at the site by the claim
/// process, not by a correction.
public enum BasicInfoField: String, Codable, CaseIterable, Sendable {
    /// 姓名.
    case name
    /// 姓(拼音).
    case surnamePinyin
    /// 名(拼音).
    case givenNamePinyin
    /// 证件号码.
    case idNumber
    /// 性别 (typed ID types only; for a 居民身份证 it follows the number).
    case sex
    /// 出生日期 (typed ID types only; for a 居民身份证 it follows the number).
    case birthDate
    /// 国籍.
    case nationality
    /// 民族.
    case ethnicity
    /// 本人身份 (`""` clears it, `"1"`…`"6"`).
    case identity
}

/// Ethnicities (民族) of the registration list: the 56 recognised groups, 其它, and 外国血统中国籍人士.
public enum Ethnicities {
    /// The default for a foreign passport.
    public static let other = "其它"
    /// The list, in the usual GB 3304 order.
    public static let all: [String] = [
        "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族", "白族",
        "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族",
        "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族",
        "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
        "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族", "其它", "外国血统中国籍人士",
    ]
}

/// The nationality (国籍) of every ID type except the foreign passport.
public enum Nationality {
    /// 中国.
    public static let china = "中国"
    /// The list a nationality is picked from (国籍): the 193 member states of the United Nations and its two observer
    /// states, by their short Chinese names (GB/T 2659), China first, then continent by continent; half-width
    /// brackets, as every typed value is half-width.
    public static let all: [String] = [
        "中国", "阿富汗", "巴林", "孟加拉国", "不丹", "文莱", "缅甸", "柬埔寨", "塞浦路斯", "朝鲜", "印度", "印度尼西亚", "伊朗",
        "伊拉克", "以色列", "日本", "约旦", "科威特", "老挝", "黎巴嫩", "马来西亚", "马尔代夫", "蒙古", "尼泊尔", "阿曼", "巴基斯坦",
        "巴勒斯坦", "菲律宾", "卡塔尔", "沙特阿拉伯", "新加坡", "韩国", "斯里兰卡", "叙利亚", "泰国", "土耳其", "阿联酋", "也门", "越南",
        "哈萨克斯坦", "吉尔吉斯斯坦", "塔吉克斯坦", "土库曼斯坦", "乌兹别克斯坦", "格鲁吉亚", "亚美尼亚", "阿塞拜疆", "东帝汶", "阿尔及利亚",
        "安哥拉", "贝宁", "博茨瓦纳", "布基纳法索", "布隆迪", "喀麦隆", "佛得角", "中非", "乍得", "科摩罗", "刚果(布)", "刚果(金)",
        "吉布提", "埃及", "赤道几内亚", "厄立特里亚", "埃塞俄比亚", "加蓬", "冈比亚", "加纳", "几内亚", "几内亚比绍", "科特迪瓦", "肯尼亚",
        "莱索托", "利比里亚", "利比亚", "马达加斯加", "马拉维", "马里", "毛里塔尼亚", "毛里求斯", "摩洛哥", "莫桑比克", "纳米比亚", "尼日尔",
        "尼日利亚", "卢旺达", "圣多美和普林西比", "塞内加尔", "塞舌尔", "塞拉利昂", "索马里", "南非", "南苏丹", "苏丹", "埃斯瓦蒂尼",
        "坦桑尼亚", "多哥", "突尼斯", "乌干达", "赞比亚", "津巴布韦", "阿尔巴尼亚", "安道尔", "奥地利", "白俄罗斯", "比利时", "波黑",
        "保加利亚", "克罗地亚", "捷克", "丹麦", "爱沙尼亚", "芬兰", "法国", "德国", "希腊", "匈牙利", "冰岛", "爱尔兰", "意大利",
        "拉脱维亚", "列支敦士登", "立陶宛", "卢森堡", "马耳他", "摩尔多瓦", "摩纳哥", "黑山", "荷兰", "北马其顿", "挪威", "波兰", "葡萄牙",
        "罗马尼亚", "俄罗斯", "圣马力诺", "塞尔维亚", "斯洛伐克", "斯洛文尼亚", "西班牙", "瑞典", "瑞士", "乌克兰", "英国", "梵蒂冈",
        "安提瓜和巴布达", "阿根廷", "巴哈马", "巴巴多斯", "伯利兹", "玻利维亚", "巴西", "加拿大", "智利", "哥伦比亚", "哥斯达黎加", "古巴",
        "多米尼克", "多米尼加", "厄瓜多尔", "萨尔瓦多", "格林纳达", "危地马拉", "圭亚那", "海地", "洪都拉斯", "牙买加", "墨西哥", "尼加拉瓜",
        "巴拿马", "巴拉圭", "秘鲁", "圣基茨和尼维斯", "圣卢西亚", "圣文森特和格林纳丁斯", "苏里南", "特立尼达和多巴哥", "美国", "乌拉圭",
        "委内瑞拉", "澳大利亚", "斐济", "基里巴斯", "马绍尔群岛", "密克罗尼西亚", "瑙鲁", "新西兰", "帕劳", "巴布亚新几内亚", "萨摩亚",
        "所罗门群岛", "汤加", "图瓦卢", "瓦努阿图",
    ]
    private static let allSet = Set(all)

    /// Whether `name` is on the list.
    public static func isListed(_ name: String) -> Bool { allSet.contains(name) }
}
