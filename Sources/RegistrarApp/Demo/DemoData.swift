import RegistrationDomain

// The demo's vocabulary: exam areas and sites, hospitals, schools, names, home towns. Invented people, real kinds
// of places (the school and hospital names are public institutions, used only as the realistic values a form holds).

/// An exam area of the demo season with its sites and the places its candidates live and work.
struct DemoArea {
    let code: String
    let name: String
    let onlinePayment: Bool
    let refundPolicy: String
    let sites: [(code: String, name: String)]
    /// Street prefixes of contact addresses (the house number is added).
    let streets: [String]
    let postcode: String
    let phoneArea: String
    let general: [String]
    let traditional: [String]
    let dental: [String]
    let publicHealth: [String]
    let township: [String]
    let village: [String]
}

enum DemoData {
    static let areas: [DemoArea] = [
        DemoArea(
            code: "11",
            name: "北京考区",
            onlinePayment: true,
            refundPolicy: "实践技能考试开始前申请退考的，全额退还考试费；考试开始后不予退费。",
            sites: [("1101", "东城区考点"), ("1108", "海淀区考点")],
            streets: ["北京市东城区东单北大街", "北京市海淀区中关村南大街", "北京市朝阳区建国路", "北京市西城区西直门南大街"],
            postcode: "100080",
            phoneArea: "010",
            general: ["北京协和医院", "北京大学第三医院", "首都医科大学附属北京朝阳医院", "北京市海淀医院", "北京大学人民医院"],
            traditional: ["北京中医药大学东直门医院", "中国中医科学院广安门医院"],
            dental: ["北京大学口腔医院", "首都医科大学附属北京口腔医院"],
            publicHealth: ["北京市疾病预防控制中心", "北京市海淀区疾病预防控制中心"],
            township: ["北京市昌平区小汤山镇社区卫生服务中心"],
            village: ["北京市密云区石城镇黄土梁村卫生室"]
        ),
        DemoArea(
            code: "42",
            name: "湖北考区",
            onlinePayment: true,
            refundPolicy: "缴费后因个人原因放弃考试的，在实践技能考试开始前提出申请，按规定退还考试费。",
            sites: [("4201", "武汉考点"), ("4205", "宜昌考点")],
            streets: ["湖北省武汉市武昌区解放路", "湖北省武汉市洪山区珞喻路", "湖北省宜昌市西陵区夷陵大道", "湖北省武汉市江汉区解放大道"],
            postcode: "430071",
            phoneArea: "027",
            general: ["武汉大学人民医院", "华中科技大学同济医学院附属协和医院", "宜昌市中心人民医院", "武汉市第一医院"],
            traditional: ["湖北省中医院", "武汉市中医医院"],
            dental: ["武汉大学口腔医院"],
            publicHealth: ["湖北省疾病预防控制中心", "武汉市疾病预防控制中心"],
            township: ["宜昌市夷陵区乐天溪镇卫生院", "武汉市黄陂区蔡店街卫生院"],
            village: ["宜昌市夷陵区太平溪镇许家冲村卫生室"]
        ),
        DemoArea(
            code: "41",
            name: "河南考区",
            onlinePayment: false,
            refundPolicy: "",
            sites: [("4101", "郑州考点"), ("4103", "洛阳考点")],
            streets: ["河南省郑州市金水区经三路", "河南省郑州市二七区建设东路", "河南省洛阳市西工区中州中路"],
            postcode: "450003",
            phoneArea: "0371",
            general: ["郑州大学第一附属医院", "河南省人民医院", "洛阳市中心医院"],
            traditional: ["河南省中医院", "洛阳市中医院"],
            dental: ["郑州大学第一附属医院口腔科"],
            publicHealth: ["河南省疾病预防控制中心"],
            township: ["新郑市龙湖镇卫生院", "偃师市府店镇卫生院"],
            village: ["偃师市府店镇佛光村卫生室", "新郑市龙湖镇泰山村卫生室"]
        ),
    ]

    /// The exam catalogue of the demo season.
    static let exams: [(code: String, name: String, level: ExamLevel, category: ExamCategory)] = [
        ("110", "临床执业医师", .physician, .clinical),
        ("120", "临床执业助理医师", .assistantPhysician, .clinical),
        ("130", "乡村全科执业助理医师", .ruralGeneralAssistant, .clinical),
        ("210", "中医执业医师", .physician, .traditionalChinese),
        ("220", "中医执业助理医师", .assistantPhysician, .traditionalChinese),
        ("230", "中西医结合执业医师", .physician, .traditionalChinese),
        ("310", "口腔执业医师", .physician, .dental),
        ("320", "口腔执业助理医师", .assistantPhysician, .dental),
        ("410", "公共卫生执业医师", .physician, .publicHealth),
        ("420", "公共卫生执业助理医师", .assistantPhysician, .publicHealth),
        // 传统医学师承和确有专长人员 (出师 or 确有专长 certificate, no formal education) apply for this one only.
        ("520", "传统医学师承和确有专长人员中医执业助理医师", .assistantPhysician, .traditionalApprenticeship),
    ]

    /// The fee of an exam level, in fen (the demo's tariff).
    static func feeFen(examCode: String) -> Int {
        switch exams.first(where: { $0.code == examCode })?.level {
        case .physician: 60_000
        case .assistantPhysician, .ruralGeneralAssistant, nil: 50_000
        }
    }

    /// A home town: the first six digits of a resident ID and the ethnicities found there.
    struct Hometown {
        let code: String
        let ethnicities: [(String, Int)]
    }

    static let hometowns: [(Hometown, Int)] = [
        (Hometown(code: "110105", ethnicities: [("汉族", 90), ("满族", 5), ("回族", 5)]), 12),
        (Hometown(code: "110108", ethnicities: [("汉族", 92), ("满族", 4), ("蒙古族", 4)]), 10),
        (Hometown(code: "420106", ethnicities: [("汉族", 97), ("回族", 3)]), 14),
        (Hometown(code: "420502", ethnicities: [("汉族", 85), ("土家族", 15)]), 8),
        (Hometown(code: "410105", ethnicities: [("汉族", 95), ("回族", 5)]), 14),
        (Hometown(code: "410302", ethnicities: [("汉族", 96), ("回族", 4)]), 8),
        (Hometown(code: "650102", ethnicities: [("维吾尔族", 50), ("汉族", 30), ("哈萨克族", 10), ("回族", 10)]), 4),
        (Hometown(code: "540102", ethnicities: [("藏族", 85), ("汉族", 15)]), 2),
        (Hometown(code: "150102", ethnicities: [("蒙古族", 40), ("汉族", 55), ("达斡尔族", 5)]), 3),
        (Hometown(code: "640104", ethnicities: [("回族", 45), ("汉族", 55)]), 2),
        (Hometown(code: "510107", ethnicities: [("汉族", 90), ("彝族", 5), ("羌族", 5)]), 6),
        (Hometown(code: "430102", ethnicities: [("汉族", 85), ("土家族", 10), ("苗族", 5)]), 5),
    ]

    // MARK: Names

    static let surnames: [(String, String)] = [
        ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("赵", "zhao"),
        ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"), ("胡", "hu"), ("朱", "zhu"),
        ("高", "gao"), ("林", "lin"), ("何", "he"), ("郭", "guo"), ("马", "ma"), ("罗", "luo"), ("梁", "liang"),
        ("宋", "song"), ("郑", "zheng"), ("谢", "xie"), ("韩", "han"), ("唐", "tang"), ("冯", "feng"), ("于", "yu"),
        ("董", "dong"), ("程", "cheng"), ("曹", "cao"), ("袁", "yuan"), ("邓", "deng"), ("许", "xu"), ("傅", "fu"),
        ("欧阳", "ouyang"), ("司马", "sima"), ("诸葛", "zhuge"),
    ]

    static let maleGivenNames: [(String, String)] = [
        ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("杰", "jie"),
        ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("志强", "zhiqiang"), ("建华", "jianhua"), ("浩然", "haoran"),
        ("子轩", "zixuan"), ("宇航", "yuhang"), ("文博", "wenbo"), ("国庆", "guoqing"), ("建国", "jianguo"),
        ("俊杰", "junjie"), ("志明", "zhiming"), ("海峰", "haifeng"), ("天佑", "tianyou"),
    ]

    static let femaleGivenNames: [(String, String)] = [
        ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("艳", "yan"), ("婷", "ting"),
        ("雪", "xue"), ("慧", "hui"), ("秀英", "xiuying"), ("桂英", "guiying"), ("欣怡", "xinyi"), ("梓涵", "zihan"),
        ("雨萱", "yuxuan"), ("晓燕", "xiaoyan"), ("丽娟", "lijuan"), ("佳琪", "jiaqi"), ("思雨", "siyu"),
    ]

    /// Names with a character missing from the national font: typed with `?`, the real character in CHSI and on
    /// the ID card, corrected by the reviewer. All real characters lie in the ranges the name rule accepts.
    static let rareCharacterNames: [(typed: String, real: String, surname: String, given: String, sex: Sex)] = [
        ("王?", "王堃", "wang", "kun", .male),
        ("张?", "张喆", "zhang", "zhe", .male),
        ("陈?", "陈玥", "chen", "yue", .female),
        ("李?华", "李珺华", "li", "junhua", .female),
        ("刘?", "刘䶮", "liu", "yan", .male),
    ]

    /// Minority names: parts joined by the half-width `.` where the name has parts.
    static let minorityNames: [(name: String, surname: String, given: String, sex: Sex, ethnicity: String, hometown: String)] = [
        ("阿依古丽.买买提", "maimaiti", "ayiguli", .female, "维吾尔族", "650102"),
        ("买买提江.艾力", "aili", "maimaitijiang", .male, "维吾尔族", "650102"),
        ("古丽娜尔.吐尔逊", "tuerxun", "gulinaer", .female, "维吾尔族", "650102"),
        ("艾克拜尔.阿不都热依木", "abudureyimu", "aikebaier", .male, "维吾尔族", "650102"),
        ("努尔兰.哈力木", "halimu", "nuerlan", .male, "哈萨克族", "650102"),
        ("扎西顿珠", "zhaxi", "dunzhu", .male, "藏族", "540102"),
        ("次仁卓玛", "ciren", "zhuoma", .female, "藏族", "540102"),
        ("斯琴高娃", "siqin", "gaowa", .female, "蒙古族", "150102"),
        ("额尔敦巴雅尔", "eerdun", "bayaer", .male, "蒙古族", "150102"),
    ]

    /// Hong Kong, Macau, Taiwan and foreign names: half-width, each word capitalised (the decider's reading).
    static let hongKongNames: [(String, String, String, Sex)] = [
        ("Chan Tai Man", "chan", "taiman", .male), ("Wong Ka Yan", "wong", "kayan", .female),
        ("Leung Chi Wai", "leung", "chiwai", .male), ("Cheung Wing Sze", "cheung", "wingsze", .female),
    ]
    static let macauNames: [(String, String, String, Sex)] = [
        ("Leong Ka Wai", "leong", "kawai", .male), ("Ho Sio Man", "ho", "sioman", .female),
        ("Lei Chi Keong", "lei", "chikeong", .male),
    ]
    static let taiwanNames: [(String, String, String, Sex)] = [
        ("林志明", "lin", "zhiming", .male), ("陈怡君", "chen", "yijun", .female), ("Lin Chih-ming", "lin", "chihming", .male),
        ("黄建宏", "huang", "jianhong", .male),
    ]
    static let foreignNames: [(name: String, surname: String, given: String, sex: Sex, nationality: String)] = [
        ("Kim Min-jun", "kim", "minjun", .male, "韩国"), ("Park Ji-yeon", "park", "jiyeon", .female, "韩国"),
        ("Emily Johnson", "johnson", "emily", .female, "美国"), ("Nguyen Van An", "nguyen", "vanan", .male, "越南"),
        ("Sato Yuki", "sato", "yuki", .female, "日本"), ("Aisha Karimova", "karimova", "aisha", .female, "哈萨克斯坦"),
    ]

    // MARK: Schools

    /// A school with the code its certificate numbers start with.
    struct School {
        let name: String
        let code: String
    }

    static let universities: [String: [School]] = [
        "临床医学": [
            School(name: "首都医科大学", code: "10025"), School(name: "武汉大学", code: "10486"),
            School(name: "华中科技大学", code: "10487"), School(name: "郑州大学", code: "10459"),
            School(name: "新乡医学院", code: "10472"), School(name: "湖北医药学院", code: "10929"),
            School(name: "三峡大学", code: "11075"), School(name: "新疆医科大学", code: "10760"),
        ],
        "中医学": [
            School(name: "北京中医药大学", code: "10026"), School(name: "湖北中医药大学", code: "10507"),
            School(name: "河南中医药大学", code: "10471"),
        ],
        "中西医临床医学": [School(name: "湖北中医药大学", code: "10507"), School(name: "河南中医药大学", code: "10471")],
        "口腔医学": [
            School(name: "北京大学", code: "10001"), School(name: "武汉大学", code: "10486"),
            School(name: "郑州大学", code: "10459"),
        ],
        "预防医学": [
            School(name: "华中科技大学", code: "10487"), School(name: "首都医科大学", code: "10025"),
            School(name: "郑州大学", code: "10459"),
        ],
    ]

    static let colleges: [School] = [
        School(name: "河南医学高等专科学校", code: "12949"), School(name: "漯河医学高等专科学校", code: "10922"),
        School(name: "北京卫生职业学院", code: "14390"), School(name: "随州职业技术学院", code: "13254"),
        School(name: "咸宁职业技术学院", code: "12933"), School(name: "南阳医学高等专科学校", code: "14098"),
    ]

    static let secondarySchools: [School] = [
        School(name: "洛阳市卫生学校", code: "41031"), School(name: "郑州市卫生学校", code: "41011"),
        School(name: "武汉市第二卫生学校", code: "42011"), School(name: "宜昌市卫生学校", code: "42051"),
        School(name: "北京市昌平卫生学校", code: "11141"),
    ]

    static let graduateMajors: [String: [String]] = [
        "临床医学": ["内科学", "外科学", "儿科学", "妇产科学", "神经病学", "急诊医学"],
        "中医学": ["中医内科学", "针灸推拿学"],
        "中西医临床医学": ["中西医结合临床"],
        "口腔医学": ["口腔临床医学"],
        "预防医学": ["流行病与卫生统计学", "劳动卫生与环境卫生学"],
    ]

    static let residencySpecialties: [String: [String]] = [
        "临床医学": ["内科", "外科", "儿科", "全科", "妇产科", "急诊科"],
        "中医学": ["中医", "中医全科"],
        "中西医临床医学": ["中医", "中医全科"],
        "口腔医学": ["口腔全科"],
        "预防医学": ["全科"],
    ]

    // MARK: Review and payment vocabulary

    static let rejectionReasons = [
        "未提供试用期考核合格证明，不符合报考条件",
        "照片不符合要求（非白色背景），请于下一年度按要求重新报名",
        "工作单位证明材料不全，未能证明在医疗机构中试用期满一年",
        "毕业证书原件与填报信息不符",
    ]

    static let bankFailures = ["余额不足", "银行卡状态异常，请联系发卡行", "交易超时，请重新支付", "持卡人取消支付"]
}
