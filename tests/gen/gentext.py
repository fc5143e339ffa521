"""Vocabulary and prose for genreport.py: counties, projects, sentences of
government evaluation prose with numbers, dates, units, document numbers,
phone numbers, URLs, e-mail addresses, quotations and every punctuation mark.

Everything is drawn from a random.Random passed in, so output is
deterministic by seed. Standard library only.
"""
import functools

# (province, abbreviation, city, county, pinyin of the county for URLs and e-mail)
COUNTIES = [
    ("广东省", "粤", "韶关市", "乐昌市", "lechang"),
    ("广东省", "粤", "韶关市", "乳源瑶族自治县", "ruyuan"),
    ("广东省", "粤", "韶关市", "仁化县", "renhua"),
    ("广东省", "粤", "清远市", "连南瑶族自治县", "liannan"),
    ("广东省", "粤", "清远市", "阳山县", "yangshan"),
    ("广东省", "粤", "梅州市", "蕉岭县", "jiaoling"),
    ("广东省", "粤", "梅州市", "五华县", "wuhua"),
    ("广东省", "粤", "河源市", "龙川县", "longchuan"),
    ("广东省", "粤", "河源市", "紫金县", "zijin"),
    ("广东省", "粤", "汕尾市", "陆河县", "luhe"),
    ("广东省", "粤", "肇庆市", "怀集县", "huaiji"),
    ("广东省", "粤", "潮州市", "饶平县", "raoping"),
    ("广东省", "粤", "湛江市", "徐闻县", "xuwen"),
    ("广东省", "粤", "茂名市", "信宜市", "xinyi"),
    ("湖南省", "湘", "益阳市", "桃江县", "taojiang"),
    ("湖南省", "湘", "益阳市", "安化县", "anhua"),
    ("湖南省", "湘", "湘西土家族苗族自治州", "凤凰县", "fenghuang"),
    ("湖南省", "湘", "怀化市", "通道侗族自治县", "tongdao"),
    ("湖南省", "湘", "郴州市", "汝城县", "rucheng"),
    ("湖北省", "鄂", "恩施土家族苗族自治州", "咸丰县", "xianfeng"),
    ("湖北省", "鄂", "黄冈市", "英山县", "yingshan"),
    ("江西省", "赣", "赣州市", "寻乌县", "xunwu"),
    ("江西省", "赣", "吉安市", "井冈山市", "jinggangshan"),
    ("江西省", "赣", "上饶市", "婺源县", "wuyuan"),
    ("四川省", "川", "凉山彝族自治州", "昭觉县", "zhaojue"),
    ("四川省", "川", "阿坝藏族羌族自治州", "汶川县", "wenchuan"),
    ("贵州省", "黔", "黔东南苗族侗族自治州", "雷山县", "leishan"),
    ("贵州省", "黔", "毕节市", "威宁彝族回族苗族自治县", "weining"),
    ("云南省", "滇", "怒江傈僳族自治州", "贡山独龙族怒族自治县", "gongshan"),
    ("云南省", "滇", "红河哈尼族彝族自治州", "元阳县", "yuanyang"),
    ("广西壮族自治区", "桂", "河池市", "都安瑶族自治县", "duan"),
    ("广西壮族自治区", "桂", "百色市", "乐业县", "leye"),
    ("浙江省", "浙", "丽水市", "景宁畲族自治县", "jingning"),
    ("福建省", "闽", "南平市", "光泽县", "guangze"),
    ("安徽省", "皖", "池州市", "石台县", "shitai"),
    ("河南省", "豫", "信阳市", "新县", "xinxian"),
    ("山东省", "鲁", "临沂市", "沂南县", "yinan"),
    ("河北省", "冀", "张家口市", "阳原县", "yangyuan"),
    ("陕西省", "陕", "商洛市", "柞水县", "zhashui"),
    ("甘肃省", "甘", "甘南藏族自治州", "临潭县", "lintan"),
    ("新疆维吾尔自治区", "新", "喀什地区", "塔什库尔干塔吉克自治县", "tashkurgan"),
    ("内蒙古自治区", "蒙", "呼伦贝尔市", "鄂伦春自治旗", "elunchun"),
    ("宁夏回族自治区", "宁", "固原市", "西吉县", "xiji"),
    ("黑龙江省", "黑", "大兴安岭地区", "漠河市", "mohe"),
]

# project kinds: (name, funds items [(name, [children])], content phrases)
PROJECTS = [
    ("困难群众救助补助", [
        ("城乡最低生活保障", ["城市低保", "农村低保"]),
        ("特困人员救助供养", ["集中供养", "分散供养", "照料护理补贴"]),
        ("临时救助", []),
        ("流浪乞讨人员救助", []),
        ("孤儿基本生活保障", ["机构养育孤儿", "社会散居孤儿"]),
        ("社会救助工作经费", ["核对系统运行维护", "基层经办人员培训"]),
    ], ["低保对象", "特困人员", "低保边缘家庭", "支出型困难家庭", "流浪乞讨人员"]),
    ("福利彩票公益金", [
        ("养老服务", ["敬老院改造提升", "居家养老服务", "长者饭堂运营"]),
        ("儿童福利", ["儿童福利机构能力提升", "困境儿童关爱"]),
        ("残疾人福利", ["康复辅具配置", "精神障碍社区康复"]),
        ("社会工作", ["“双百”社工站运营", "社工督导"]),
        ("社区建设", []),
        ("因素法分配福彩公益金", ["街道社会救助项目", "新冠肺炎防疫用品救助补助项目"]),
    ], ["特困老人", "孤儿", "残疾人", "困境儿童", "社区居民"]),
    ("养老服务体系建设", [
        ("居家社区养老服务", ["日间照料中心", "助餐配餐", "上门服务"]),
        ("农村养老服务设施", ["乡镇敬老院改造", "村级互助养老点"]),
        ("养老机构运营补贴", []),
        ("养老护理员培训", []),
        ("适老化改造", ["特殊困难老年人家庭适老化改造"]),
    ], ["高龄老人", "失能老人", "空巢老人", "特困老人"]),
    ("残疾人两项补贴", [
        ("困难残疾人生活补贴", ["一级残疾人", "二级残疾人"]),
        ("重度残疾人护理补贴", []),
        ("两项补贴提标资金", ["生活补贴提标", "护理补贴提标"]),
        ("残疾人机构监管", []),
        ("两项补贴数据比对分析", []),
    ], ["困难残疾人", "重度残疾人", "精神残疾人"]),
    ("儿童福利和未成年人保护", [
        ("孤儿和事实无人抚养儿童保障", ["孤儿基本生活费", "事实无人抚养儿童生活费"]),
        ("未成年人救助保护机构建设", []),
        ("儿童督导员和儿童主任培训", []),
        ("农村留守儿童关爱服务", ["“童伴妈妈”项目", "暑期关爱活动"]),
    ], ["孤儿", "事实无人抚养儿童", "留守儿童", "困境儿童"]),
    ("社会事务和殡葬改革", [
        ("公益性公墓建设", ["县级公益性公墓", "村级公益性墓地"]),
        ("惠民殡葬补贴", []),
        ("婚姻登记规范化建设", []),
        ("流浪乞讨人员救助管理站运行", []),
    ], ["城乡居民", "困难群众", "流浪乞讨人员"]),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华兰玉萍红云建国志辉海燕斌鹏飞宇浩然婷雪梅琳晶晓东春霖健"
TOWNS = ["城关镇", "河口镇", "大桥镇", "黄圃镇", "石塘镇", "龙山乡", "白石乡", "梅花镇", "长江镇",
         "新街镇", "坪石镇", "九峰镇", "沙坪镇", "北乡镇", "庆云镇", "秀水乡", "云岩街道", "东城街道"]
UNITS_COUNT = ["户", "人", "人次", "户次", "个", "所", "家", "名", "场", "次", "期", "套", "台", "本"]
SECTION_L1 = ["基本情况", "绩效目标及完成情况", "绩效指标分析", "综合评价结论", "主要绩效",
              "存在问题", "改进措施", "其他需要说明的问题"]
ANALYSIS_L2 = [
    ("项目立项", ["论证决策", "目标设置", "保障措施"]),
    ("资金落实", ["资金到位", "资金分配"]),
    ("资金管理", ["资金支付", "支出规范性", "会计核算"]),
    ("事项管理", ["实施程序", "管理情况", "档案管理"]),
    ("经济性", ["预算控制", "成本控制"]),
    ("效率性", ["完成进度", "完成质量"]),
    ("效果性", ["社会效益", "可持续影响"]),
    ("公平性", ["群众满意度", "公众参与"]),
]
L4_TITLES = ["制度建设", "人员配备", "信息公开", "资金拨付", "台账管理", "跟踪问效", "监督检查", "宣传引导"]
ISSUE_TITLES = ["资金支出进度偏慢", "基层经办力量薄弱", "信息化建设滞后", "绩效目标设置不够细化",
                "部分项目前期论证不足", "档案资料不够规范", "动态管理不够及时", "宣传覆盖面不广"]
MEASURE_TITLES = ["加快资金支出进度", "加强基层队伍建设", "加快信息化项目建设", "科学设置绩效目标",
                  "强化项目前期论证", "规范档案资料管理", "落实动态管理机制", "拓展政策宣传渠道"]
LAWS = ["《彩票公益金管理办法》", "《民政部彩票公益金使用管理信息公开办法》", "《社会救助暂行办法》",
        "《项目支出绩效评价管理办法》", "《中华人民共和国未成年人保护法》", "《特困人员认定办法》",
        "《最低生活保障审核确认办法》", "《关于改革完善社会救助制度的意见》",
        "《关于全面实施预算绩效管理的意见》", "《养老机构管理办法》"]
DOC_KIND = ["民发", "财社", "民函", "财预", "民办函", "府办"]


def num(rng, lo, hi, decimals=0):
    """A decimal string in [lo, hi] with up to DECIMALS decimals (trailing zeros dropped)."""
    if decimals == 0:
        return str(rng.randint(lo, hi))
    scale = 10 ** decimals
    v = rng.randint(lo * scale, hi * scale)
    s = "%d.%0*d" % (v // scale, decimals, v % scale)
    return s.rstrip("0").rstrip(".")


def person(rng):
    """A Chinese personal name of two or three characters."""
    g = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + g


class Prose:
    """Sentences for one county report. C is the county tuple, YEAR the fiscal year."""

    def __init__(self, rng, county, year, project):
        self.rng = rng
        self.prov, self.abbr, self.city, self.county, self.py = county
        self.year = year
        self.project = project
        self.targets = project[2]

    def docno(self):
        r = self.rng
        y = r.randint(2013, self.year)
        issuer = r.choice([self.abbr, self.county[:2], self.city[:2]])
        return "%s%s〔%d〕%d号" % (issuer, r.choice(DOC_KIND), y, r.randint(1, 160))

    def date(self, year=None, with_year=True):
        r = self.rng
        y = year or self.year
        m, d = r.randint(1, 12), r.randint(1, 28)
        return ("%d年%d月%d日" % (y, m, d)) if with_year else ("%d月%d日" % (m, d))

    def phone(self):
        r = self.rng
        sep = r.choice(["-", "—", "-"])
        area = r.choice(["0751", "0763", "0737", "0797", "0834", "0855", "020", "0731"])
        return "%s%s%d" % (area, sep, r.randint(2000000, 8999999) if len(area) == 4 else r.randint(20000000, 89999999))

    def url(self):
        r = self.rng
        return r.choice([
            "http://www.%s.gov.cn/mzj/" % self.py,
            "https://mzj.%s.gov.cn/zwgk/tzgg/" % self.py,
            "http://www.%s.gov.cn/zwgk/czyjs/%d/" % (self.py, self.year),
        ])

    def email(self):
        r = self.rng
        return r.choice(["%smzj@163.com" % self.py, "mzj_%s@126.com" % self.py,
                         "%s_shjz@%s.gov.cn" % (self.py, self.py)])

    def count(self, lo=12, hi=98000):
        r = self.rng
        return "%d%s" % (r.randint(lo, hi), r.choice(UNITS_COUNT))

    def money(self, lo=1, hi=3000):
        return num(self.rng, lo, hi, self.rng.choice([0, 1, 2, 2, 4])) + self.rng.choice(["万元", "万元", "元"])

    def pct(self):
        return num(self.rng, 60, 100, self.rng.choice([0, 1, 2])) + "%"

    def target(self):
        return self.rng.choice(self.targets)

    def span(self):
        """A date range within the year: 2022年5月16日至6月12日."""
        r = self.rng
        m1 = r.randint(1, 11)
        m2 = r.randint(m1 + 1, 12)
        return "%d年%d月%d日至%d月%d日" % (self.year, m1, r.randint(1, 28), m2, r.randint(1, 28))

    def topic(self, title):
        """An opening sentence about the section titled TITLE, or '' when none is known."""
        r = self.rng
        pct = self.pct()
        known = {
            "论证决策": "项目立项依据充分，符合%s和%s的要求，经县政府常务会议研究同意。" % (self.law(), self.law()),
            "目标设置": "项目设置了产出、效益和满意度三类共%d项绩效指标，目标明确、细化量化。" % r.randint(6, 18),
            "保障措施": "成立了以分管副县长为组长的项目领导小组，制定了《%s资金管理办法》。" % self.project[0],
            "资金到位": "%s，%s下达资金%s，资金到位率100%%。" % (self.date(), self.city[:-1] + "财政局", self.money(100, 3000)),
            "资金分配": "资金按照因素法分配，其中%s因素占%s，工作绩效因素占%d%%。" % (self.target(), pct, r.randint(10, 30)),
            "资金支付": "截至%s，项目资金支出率为%s，已按合同约定支付到位。" % (self.date(self.year + 1), pct),
            "支出规范性": "资金支付均经过审批程序，实行国库集中支付，未发现违规支出。",
            "会计核算": "项目资金单独核算、专款专用，会计凭证%d份全部归档。" % r.randint(100, 900),
            "实施程序": "项目严格执行政府采购程序，%s完成公开招标，合同编号%s-%d-%03d。" % (
                self.date(), self.py.upper()[:4], self.year, r.randint(1, 300)),
            "管理情况": "建立月调度、季通报制度，全年召开调度会%d次。" % r.randint(4, 24),
            "档案管理": "实行“一户一档”，全年新建档案%d份、更新%d份。" % (r.randint(100, 5000), r.randint(100, 5000)),
            "预算控制": "项目实际支出未超出预算，预算控制率为%s。" % pct,
            "成本控制": "通过“货比三家”择优选定服务机构，节约资金%s。" % self.money(1, 90),
            "完成进度": "各项任务均在%d年12月31日前完成，完成及时率为%s。" % (self.year, pct),
            "完成质量": "经抽查，救助对象认定准确率为%s，资金发放准确率为100%%。" % pct,
            "社会效益": "项目惠及%s%d人，有效保障了困难群众基本生活。" % (self.target(), r.randint(300, 50000)),
            "可持续影响": "项目建立了长效机制，相关制度已纳入%s“十四五”民政事业发展规划。" % self.county,
            "群众满意度": "发放问卷%d份，回收有效问卷%d份，满意度为%s。" % (r.randint(500, 900), r.randint(300, 499), pct),
            "公众参与": "在%s门户网站公开项目信息%d条，接受群众监督。" % (self.county, r.randint(3, 40)),
        }
        return known.get(title, "")

    def town(self):
        return self.rng.choice(TOWNS)

    def law(self):
        return self.rng.choice(LAWS)

    def sentence(self):
        """One sentence of evaluation prose, ending in its own mark."""
        r = self.rng
        t = self.target()
        c = self.county
        forms = [
            lambda: "根据%s（%s）和%s有关要求，%s认真组织实施%d年度%s项目。" % (
                self.law(), self.docno(), r.choice(["省民政厅", "市财政局", "县委县政府"]), c + "民政局", self.year, self.project[0]),
            lambda: "截至%s，全%s共保障%s%d%s，累计发放资金%s，资金支出率达到%s。" % (
                self.date(self.year + 1), r.choice(["县", "市"]), t, r.randint(120, 98000), r.choice(["人", "户", "人次"]),
                self.money(), self.pct()),
            lambda: "%s期间，在%s等%d个乡镇（街道）开展“%s”专项行动，共走访%d%s。" % (
                self.span(), self.town(), r.randint(3, 21),
                r.choice(["政策落实年", "兜底保障提质", "暖心服务", "救急难"]), r.randint(60, 9000), r.choice(["户", "户次", "人次"])),
            lambda: "项目负责人%s，联系电话%s，电子邮箱%s。" % (person(r), self.phone(), self.email()),
            lambda: "相关政策文件及资金分配结果已在%s门户网站（%s）公开，接受社会监督。" % (c + "人民政府", self.url()),
            lambda: "通过“线上数据比对预警+线下入户核查施救”相结合的方式，做到即时干预、精准救助、综合帮扶。",
            lambda: "群众反映：“政策好不好，要看‘最后一公里’落没落实。”这句话道出了基层工作的关键。",
            lambda: "如何让%s真正做到“应保尽保、应兜尽兜”？我们的回答是：摸清底数、动态管理、精准施策！" % t,
            lambda: "全年新增养老床位%d张，护理型床位占比提高到%s，建成面积%d平方米的综合服务中心。" % (
                r.randint(20, 600), self.pct(), r.randint(300, 9000)),
            lambda: "%s人均救助水平达到%d元/月，较上年提高%s个百分点，增幅居全市第%s位。" % (
                t, r.randint(226, 980), num(r, 0, 9, 1), "一二三四五六"[r.randint(0, 5)]),
            lambda: "评分标准为：优（90～100分）、良（80～89分）、中（60～79分）、差（0～59分）四个档次。",
            lambda: "项目周期为%d年1月—12月，涉及%s、%s、%s等乡镇……" % (self.year, self.town(), self.town(), self.town()),
            lambda: "按照“以事定费、量入为出”的原则，编制《%s%d年度%s资金分配方案》，报县政府常务会议审定。" % (
                c, self.year, self.project[0]),
            lambda: "配备GPS定位终端%d台、移动办公设备%d套，开发APP入户调查小程序1个，实现“掌上办”“指尖办”。" % (
                r.randint(5, 90), r.randint(10, 140)),
            lambda: "第三方机构【%s社会发展研究中心】共收集有效问卷%d份，服务对象满意度为%s。" % (
                self.city[:2], r.randint(300, 3000), self.pct()),
            lambda: "「资金跟着对象走、对象跟着政策走」已成为全县共识，『一站式』结算覆盖率达100%。",
            lambda: "在广州地铁1-9号线、APM线的%d个站点投放宣传海报，累计播放%d次；室外温度在5℃～35℃时均可运行。" % (
                r.randint(30, 273), r.randint(200, 1800)),
            lambda: "项目资金使用率≥95%%、准确率≤0.5‰的差错控制目标均已实现，核查比例为1∶%d。" % r.randint(3, 20),
            lambda: "全县%s%d人中，女性占比约为%s，60周岁以上%d人。" % (t, r.randint(900, 20000), self.pct(), r.randint(10, 900)),
            lambda: "“%s”“%s”“%s”等现象得到有效遏制。" % ("人情保", "关系保", "错保漏保"),
            lambda: "经查阅凭证%d份、抽查档案%d卷，未发现超范围、超标准支出和虚列支出、截留、挤占、挪用资金等情况。" % (
                r.randint(80, 900), r.randint(20, 400)),
            lambda: "下一步，将对照《%s%d—%d年民政事业发展规划》，继续做好兜底保障工作。" % (
                self.prov, self.year - 1, self.year + 3),
            lambda: "会议地点为%s·%s会议室，参会人员%d人次。" % (c, r.choice(["综合楼三楼", "民政服务中心"]), r.randint(12, 160)),
        ]
        return r.choice(forms)()

    def paragraph(self, n=None):
        n = n or self.rng.randint(2, 5)
        return "".join(self.sentence() for _ in range(n))

    def clause(self):
        """A sentence without its final 。 (for list items and issue/measure text)."""
        s = self.sentence()
        return s[:-1] if s[-1] in "。！？" else s

    def issue_text(self):
        r = self.rng
        return r.choice([
            "部分乡镇（街道）经办人员身兼数职，业务不够熟悉，导致审核审批时限偏长",
            "项目前期论证不够充分，年中调整预算%s，影响资金支出进度" % self.money(1, 90),
            "信息化项目须在每年4月底前报送审批，且每个环节都有可能出现延误",
            "个别对象家庭经济状况变化后未能及时复核，存在“只进不出”的苗头",
            "绩效目标设置不够细化，部分指标如“群众满意度较高”难以衡量",
            "档案资料归档不及时，抽查的%d卷档案中有%d卷材料不全" % (r.randint(30, 90), r.randint(1, 9)),
        ])

    def measure_text(self):
        r = self.rng
        return r.choice([
            "加大对基层人员在政策理解、系统操作、业务熟悉等方面的培训力度，每年培训不少于%d人次" % r.randint(100, 900),
            "进一步完善年度工作计划，尽早开展政府采购流程，争取项目在年度内完成",
            "建立“月调度、季通报、年考核”机制，对支出进度低于%s的乡镇进行约谈" % self.pct(),
            "严格落实动态管理，每半年至少进行一次信息化复核，做到“有进有出、动态调整”",
            "细化量化绩效指标，做到可衡量、可考核、可追溯",
            "规范档案管理，实行“一户一档”，确保资料完整、真实",
        ])


@functools.lru_cache(None)
def gb2312_level1():
    """The 3,755 first-level characters of GB 2312 (common hanzi), in code order."""
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(chars)


# The indicator framework of a county evaluation (一级 → 二级 → 三级 → 四级), after the
# Guangdong scheme of the example report; the two top-level name sets are interchangeable.
SCORING_TREE = [
    ("投入", "决策", [
        ("项目立项", [("论证决策", ["论证充分性", "立项程序规范性"]), ("目标设置", ["完整性", "合理性", "可衡量性"]),
                  ("保障措施", ["制度完整性", "计划安排合理性"])]),
        ("资金落实", [("资金到位", ["资金到位率", "资金到位及时性"]), ("资金分配", ["资金分配合理性"])]),
    ]),
    ("过程", "过程", [
        ("资金管理", [("资金支付", ["资金支出率"]), ("支出规范性", ["支出规范性"]), ("会计核算", ["会计信息质量"])]),
        ("事项管理", [("实施程序", ["程序规范性"]), ("管理情况", ["监管有效性", "档案完整性"])]),
    ]),
    ("产出", "产出", [
        ("经济性", [("预算控制", ["预算控制率"]), ("成本控制", ["成本节约率"])]),
        ("效率性", [("完成进度", ["完成及时性"]), ("完成质量", ["质量达标率", "救助对象认定准确率"])]),
    ]),
    ("效果", "效益", [
        ("效果性", [("社会效益", ["困难群众基本生活保障情况", "资金发挥效能情况"]), ("可持续影响", ["长效管理机制健全性"])]),
        ("公平性", [("满意度", ["服务对象满意度", "公众满意度"]), ("公众参与", ["信息公开情况"])]),
    ]),
]
