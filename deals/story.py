"""The demo data: Nvidia's Blackwell deals with Korea around the APEC CEO Summit of October 2025.

Plain data, no database access. `python manage.py load_story` writes it through
`deals.services`. Every fact rests on /work/shared/story/FACTS.md and names its sources by key
(S0-S29); companies, people, meetings and projects are referred to by slug. Values that were
never disclosed are `None` with disclosure "undisclosed", never zero, and press estimates stay
in notes, not in amounts.

Meetings whose sources give only the day start at local midnight with `time_known` off, so the
day is right in the meeting's own time zone and in Korea time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

SEOUL = "Asia/Seoul"
LAS_VEGAS = "America/Los_Angeles"
TAIPEI = "Asia/Taipei"


def at(day: str, time: str = "00:00", zone: str = SEOUL) -> dt.datetime:
    """An aware datetime from 'YYYY-MM-DD' and 'HH:MM' in the given zone."""
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=ZoneInfo(zone))


def day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


# --- Sources ---------------------------------------------------------------------------------
# Titles in quotation marks in FACTS.md are the headlines; the others describe the report.

SOURCES: list[dict] = [
    {
        "key": "S0",
        "slug": "heraldcorp-2025-10-29-nvidia-korea-chip-deals",
        "url": "",
        "title": "Nvidia to sign AI chip supply deals with Samsung, SK, Hyundai and Naver "
        "during its APEC visit (the seed report)",
        "title_ko": "엔비디아, APEC 계기 삼성·SK·현대차·네이버와 AI 칩 공급 계약 추진 (최초 보도)",
        "publisher": "Herald Economy",
        "publisher_ko": "헤럴드경제",
        "published_on": day("2025-10-29"),
        "language": "ko",
    },
    {
        "key": "S1",
        "slug": "joongang-2025-10-31-korea-260000-blackwell",
        "url": "https://koreajoongangdaily.joins.com/news/2025-10-31/business/industry/"
        "Korea-secures-260000-Nvidia-Blackwell-chips-to-power-national-AI-expansion-/2433792",
        "title": "Korea secures 260,000 Nvidia Blackwell chips to power national AI expansion",
        "title_ko": "한국, 국가 AI 확충을 위해 엔비디아 블랙웰 칩 26만 개 확보",
        "publisher": "Korea JoongAng Daily",
        "publisher_ko": "코리아중앙데일리",
        "published_on": day("2025-10-31"),
        "language": "en",
    },
    {
        "key": "S2",
        "slug": "yonhap-2025-10-31-260000-gpus-ai-factories",
        "url": "https://www.lokmattimes.com/technology/"
        "260000-gpus-to-be-deployed-to-build-ai-factories-in-s-korea-1/",
        "title": "260,000 GPUs to be deployed to build AI factories in S. Korea",
        "title_ko": "한국에 AI 팩토리 구축 위해 GPU 26만 장 도입",
        "publisher": "Yonhap (via Lokmat Times)",
        "publisher_ko": "연합뉴스 (록맛타임스 전재)",
        "published_on": day("2025-10-31"),
        "language": "en",
    },
    {
        "key": "S3",
        "slug": "msit-2025-11-12-nvidia-ai-ecosystem-release",
        "url": "https://kntec.se/2025/11/12/government-nvidia-and-leading-korean-companies-"
        "join-forces-to-strengthen-capabilities-in-the-ai-ecosystem-2/",
        "title": "Ministry press release: the government, Nvidia and leading Korean companies "
        "join forces on the AI ecosystem (copy)",
        "title_ko": "과학기술정보통신부 보도자료: 정부·엔비디아·국내 주요 기업, "
        "AI 생태계 역량 강화 협력 (전재본)",
        "publisher": "Ministry of Science and ICT (copy at kntec.se)",
        "publisher_ko": "과학기술정보통신부 (kntec.se 전재)",
        "published_on": day("2025-11-12"),
        "language": "en",
    },
    {
        "key": "S4",
        "slug": "asiae-2025-10-31-nvidia-online-prebriefing",
        "url": "https://cm.asiae.co.kr/en/article/2025103113022725089",
        "title": "Nvidia's online pre-briefing of 30 October on its Korean GPU supply",
        "title_ko": "엔비디아, 10월 30일 온라인 사전 브리핑에서 한국 GPU 공급 예고",
        "publisher": "Asia Business Daily",
        "publisher_ko": "아시아경제",
        "published_on": day("2025-10-31"),
        "language": "en",
    },
    {
        "key": "S5",
        "slug": "joongang-2025-10-31-chicken-and-beer-dinner",
        "url": "https://koreajoongangdaily.joins.com/news/2025-10-31/business/industry/2433569",
        "title": "Huang, Lee Jae-yong and Chung Eui-sun share chicken and beer in Seoul",
        "title_ko": "젠슨 황·이재용·정의선, 서울에서 치킨과 맥주 회동",
        "publisher": "Korea JoongAng Daily",
        "publisher_ko": "코리아중앙데일리",
        "published_on": day("2025-10-31"),
        "language": "en",
    },
    {
        "key": "S6",
        "slug": "straits-times-2025-10-31-fried-chicken-and-beer",
        "url": "https://www.straitstimes.com/asia/east-asia/"
        "nvidias-jensen-huang-samsung-hyundai-chiefs-get-chummy-over-fried-chicken-and-beer",
        "title": "Nvidia's Jensen Huang and the Samsung and Hyundai chiefs over fried chicken "
        "and beer",
        "title_ko": "엔비디아 젠슨 황과 삼성·현대차 총수의 치킨·맥주 회동",
        "publisher": "The Straits Times",
        "publisher_ko": "스트레이츠타임스",
        "published_on": day("2025-10-31"),
        "language": "en",
    },
    {
        "key": "S7",
        "slug": "segye-2025-11-04-kkanbu-chicken-samseong",
        "url": "https://www.segye.com/newsView/20251104511679",
        "title": "The restaurant of the 'chimaek' dinner: Kkanbu Chicken, Samseong branch",
        "title_ko": "'치맥 회동' 장소는 깐부치킨 삼성점",
        "publisher": "Segye Ilbo",
        "publisher_ko": "세계일보",
        "published_on": day("2025-11-04"),
        "language": "ko",
    },
    {
        "key": "S8",
        "slug": "joongang-2025-10-31-huang-first-night-geforce",
        "url": "https://koreajoongangdaily.joins.com/news/2025-10-31/business/industry/2433278",
        "title": "Jensen Huang's first night in Korea, ending at the GeForce festival",
        "title_ko": "젠슨 황의 방한 첫날 밤, 지포스 페스티벌까지",
        "publisher": "Korea JoongAng Daily",
        "publisher_ko": "코리아중앙데일리",
        "published_on": day("2025-10-31"),
        "language": "en",
    },
    {
        "key": "S9",
        "slug": "korea-herald-2025-10-31-huang-chey-gifts",
        "url": "https://www.koreaherald.com/article/10606375",
        "title": "Chey Tae-won and Jensen Huang meet in Gyeongju and trade gifts",
        "title_ko": "최태원·젠슨 황, 경주 회동에서 선물 교환",
        "publisher": "The Korea Herald",
        "publisher_ko": "코리아헤럴드",
        "published_on": day("2025-10-31"),
        "language": "en",
    },
    {
        "key": "S10",
        "slug": "joongang-2025-11-01-chey-hbm-wafer-gift",
        "url": "https://koreajoongangdaily.joins.com/news/2025-11-01/business/industry/2434423",
        "title": "SK chief gifts Jensen Huang with HBM wafer after missing out on 'chicken summit'",
        "title_ko": "'치킨 회동' 불참한 최태원, 젠슨 황에게 HBM 웨이퍼 선물",
        "publisher": "Korea JoongAng Daily",
        "publisher_ko": "코리아중앙데일리",
        "published_on": day("2025-11-01"),
        "language": "en",
    },
    {
        "key": "S11",
        "slug": "fnnews-2025-10-31-sk-nvidia-ai-factory",
        "url": "https://www.fnnews.com/news/202510311705187381",
        "title": "SK and Nvidia: an AI factory, HBM supply and the Chey–Huang meeting",
        "title_ko": "SK·엔비디아, AI 팩토리와 HBM 공급, 최태원·젠슨 황 회동",
        "publisher": "Financial News",
        "publisher_ko": "파이낸셜뉴스",
        "published_on": day("2025-10-31"),
        "language": "ko",
    },
    {
        "key": "S12",
        "slug": "korea-herald-2025-10-29-lee-ceo-summit-address",
        "url": "https://www.koreaherald.com/article/10603849",
        "title": "President Lee's special address to the APEC CEO Summit",
        "title_ko": "이재명 대통령 APEC CEO 서밋 특별연설",
        "publisher": "The Korea Herald / Yonhap",
        "publisher_ko": "코리아헤럴드 / 연합뉴스",
        "published_on": day("2025-10-29"),
        "language": "en",
    },
    {
        "key": "S13",
        "slug": "openai-2025-10-01-samsung-sk-join-stargate",
        "url": "https://openai.com/index/samsung-and-sk-join-stargate/",
        "title": "Samsung and SK join OpenAI's Stargate initiative to advance global AI "
        "infrastructure",
        "title_ko": "삼성과 SK, 글로벌 AI 인프라를 위한 오픈AI 스타게이트 합류",
        "publisher": "OpenAI",
        "publisher_ko": "오픈AI",
        "published_on": day("2025-10-01"),
        "language": "en",
    },
    {
        "key": "S14",
        "slug": "reuters-2025-10-01-samsung-sk-hynix-stargate-chips",
        "url": "https://dunyanews.tv/en/Technology/"
        "909531-samsung-sk-hynix-set-to-supply-chips-to-openais-stargate-project",
        "title": "Samsung and SK hynix to supply memory chips to OpenAI's Stargate",
        "title_ko": "삼성전자·SK하이닉스, 오픈AI 스타게이트에 메모리 반도체 공급",
        "publisher": "Reuters (via Dunya News)",
        "publisher_ko": "로이터 (두냐뉴스 전재)",
        "published_on": day("2025-10-01"),
        "language": "en",
    },
    {
        "key": "S15",
        "slug": "openai-2025-01-21-announcing-stargate",
        "url": "https://openai.com/index/announcing-the-stargate-project/",
        "title": "Announcing The Stargate Project",
        "title_ko": "스타게이트 프로젝트 발표",
        "publisher": "OpenAI",
        "publisher_ko": "오픈AI",
        "published_on": day("2025-01-21"),
        "language": "en",
    },
    {
        "key": "S16",
        "slug": "joongang-upi-2025-06-16-sk-aws-ulsan-first-reports",
        "url": "",
        "title": "First reports of the SK–AWS AI data center in Ulsan, with capacity and "
        "schedule from Ulsan city",
        "title_ko": "SK·AWS 울산 AI 데이터센터 첫 보도 (울산시 발표 용량·일정)",
        "publisher": "Korea JoongAng Daily and UPI",
        "publisher_ko": "코리아중앙데일리, UPI",
        "published_on": day("2025-06-16"),
        "language": "en",
    },
    {
        "key": "S17",
        "slug": "joongang-2025-06-20-sk-aws-ulsan-data-center",
        "url": "",
        "title": "SK Group, AWS join hands to build $5.13 billion AI data center, Korea's largest",
        "title_ko": "SK그룹·AWS, 국내 최대 51억3천만 달러 규모 AI 데이터센터 구축 협력",
        "publisher": "Korea JoongAng Daily",
        "publisher_ko": "코리아중앙데일리",
        "published_on": day("2025-06-20"),
        "language": "en",
    },
    {
        "key": "S18",
        "slug": "korea-herald-2025-06-22-sk-aws-ulsan-statement",
        "url": "https://www.koreaherald.com/article/10514856",
        "title": "SK and AWS set out their plan for the Ulsan AI data center",
        "title_ko": "SK·AWS, 울산 AI 데이터센터 계획 발표",
        "publisher": "The Korea Herald",
        "publisher_ko": "코리아헤럴드",
        "published_on": day("2025-06-22"),
        "language": "en",
    },
    {
        "key": "S19",
        "slug": "joongang-2025-08-29-ulsan-groundbreaking",
        "url": "",
        "title": "SK Group breaks ground on AI-only data center in Ulsan",
        "title_ko": "SK그룹, 울산 AI 전용 데이터센터 착공",
        "publisher": "Korea JoongAng Daily",
        "publisher_ko": "코리아중앙데일리",
        "published_on": day("2025-08-29"),
        "language": "en",
    },
    {
        "key": "S20",
        "slug": "heraldcorp-2025-11-ulsan-site-visit",
        "url": "https://biz.heraldcorp.com/article/10607371",
        "title": "A visit to the Ulsan AI data center construction site",
        "title_ko": "울산 AI 데이터센터 건설 현장을 가다",
        "publisher": "Herald Economy",
        "publisher_ko": "헤럴드경제",
        "published_on": day("2025-11-01"),
        "published_on_precision": "month",
        "language": "ko",
    },
    {
        "key": "S21",
        "slug": "chosun-2025-01-11-hyundai-nvidia-ces",
        "url": "https://www.chosun.com/economy/tech_it/2025/01/11/WDONRLS4EFDORHF7B4J6NITMDY/",
        "title": "Hyundai Motor Group and Nvidia form a partnership at CES 2025",
        "title_ko": "현대차그룹·엔비디아, CES 2025에서 파트너십 체결",
        "publisher": "Chosun Ilbo",
        "publisher_ko": "조선일보",
        "published_on": day("2025-01-11"),
        "language": "ko",
    },
    {
        "key": "S22",
        "slug": "zdnet-korea-2025-10-31-hyundai-nvidia-msit-mou",
        "url": "https://zdnet.co.kr/view/?no=20251031131902",
        "title": "Hyundai Motor Group, Nvidia and the science ministry sign a physical-AI MOU",
        "title_ko": "현대차그룹·엔비디아·과기정통부, 피지컬 AI 업무협약 체결",
        "publisher": "ZDNet Korea",
        "publisher_ko": "지디넷코리아",
        "published_on": day("2025-10-31"),
        "language": "ko",
    },
    {
        "key": "S23",
        "slug": "korea-herald-2025-05-22-lee-hae-jin-meets-huang",
        "url": "https://www.koreaherald.com/article/10493674",
        "title": "Naver's Lee Hae-jin meets Jensen Huang in Taipei",
        "title_ko": "네이버 이해진, 타이베이에서 젠슨 황과 회동",
        "publisher": "The Korea Herald / Yonhap",
        "publisher_ko": "코리아헤럴드 / 연합뉴스",
        "published_on": day("2025-05-22"),
        "language": "en",
    },
    {
        "key": "S24",
        "slug": "heraldcorp-2025-10-31-naver-cloud-nvidia-mou",
        "url": "https://biz.heraldcorp.com/article/10606137",
        "title": "Naver Cloud and Nvidia sign an MOU on physical AI",
        "title_ko": "네이버클라우드·엔비디아, 피지컬 AI 업무협약 체결",
        "publisher": "Herald Economy",
        "publisher_ko": "헤럴드경제",
        "published_on": day("2025-10-31"),
        "language": "ko",
    },
    {
        "key": "S25",
        "slug": "taipei-times-2025-09-23-samsung-hbm3e",
        "url": "https://www.taipeitimes.com/News/biz/archives/2025/09/23/2003844245",
        "title": "Samsung's HBM3E reported to pass Nvidia's qualification tests",
        "title_ko": "삼성전자 HBM3E, 엔비디아 품질 테스트 통과 보도",
        "publisher": "Taipei Times (Bloomberg)",
        "publisher_ko": "타이베이타임스 (블룸버그)",
        "published_on": day("2025-09-23"),
        "language": "en",
    },
    {
        "key": "S26",
        "slug": "korea-herald-2025-10-30-samsung-q3-results",
        "url": "https://www.koreaherald.com/article/10605116",
        "title": "Samsung Electronics reports its third-quarter 2025 results",
        "title_ko": "삼성전자 2025년 3분기 실적 발표",
        "publisher": "The Korea Herald",
        "publisher_ko": "코리아헤럴드",
        "published_on": day("2025-10-30"),
        "language": "en",
    },
    {
        "key": "S27",
        "slug": "newsis-2025-10-30-won-dollar-rate",
        "url": "https://mobile.newsis.com/view_amp.html?ar_id=NISX20251030_0003382825",
        "title": "The won–dollar exchange rate at the end of October 2025",
        "title_ko": "2025년 10월 말 원·달러 환율 동향",
        "publisher": "Newsis",
        "publisher_ko": "뉴시스",
        "published_on": day("2025-10-30"),
        "language": "ko",
    },
    {
        "key": "S28",
        "slug": "dailian-2025-10-31-huang-press-conference",
        "url": "https://www.dailian.co.kr/news/view/1567227",
        "title": "Jensen Huang's press conference in Gyeongju",
        "title_ko": "젠슨 황 경주 기자간담회",
        "publisher": "Dailian",
        "publisher_ko": "데일리안",
        "published_on": day("2025-10-31"),
        "language": "ko",
    },
    {
        "key": "S29",
        "slug": "kbs-world-2025-10-31-lee-meets-huang",
        "url": "https://world.kbs.co.kr/service/news_view.htm?lang=e&Seq_Code=197063",
        "title": "President Lee meets Nvidia's Jensen Huang and Korean business leaders",
        "title_ko": "이재명 대통령, 엔비디아 젠슨 황 및 국내 총수들과 접견",
        "publisher": "KBS World",
        "publisher_ko": "KBS 월드",
        "published_on": day("2025-10-31"),
        "language": "en",
    },
]

# --- Companies -------------------------------------------------------------------------------
# Parents come before their subsidiaries.

COMPANIES: list[dict] = [
    {
        "slug": "nvidia",
        "name": "NVIDIA",
        "name_ko": "엔비디아",
        "aliases": "Nvidia\nNVIDIA Corporation",
        "kind": "chip_designer",
        "country": "US",
        "description": "US designer of the Blackwell GPUs behind every Korean deal of October "
        "2025, and a large buyer of high-bandwidth memory from Samsung and SK hynix.",
        "description_ko": "2025년 10월 한국과 맺은 모든 거래의 블랙웰 GPU를 설계한 미국 기업이자, "
        "삼성전자와 SK하이닉스의 고대역폭메모리(HBM)를 대량 구매하는 고객.",
        "sources": ["S1", "S2", "S28"],
    },
    {
        "slug": "samsung-electronics",
        "name": "Samsung Electronics",
        "name_ko": "삼성전자",
        "aliases": "Samsung\n삼성",
        "kind": "memory_maker",
        "country": "KR",
        "description": "Buys more than 50,000 Nvidia GPUs for its AI Megafactory, sells HBM3E "
        "to Nvidia and signed a DRAM letter of intent with OpenAI.",
        "description_ko": "AI 메가팩토리용으로 엔비디아 GPU 5만 장 이상을 도입하고, 엔비디아에 "
        "HBM3E를 공급하며, 오픈AI와 D램 공급 의향서를 맺었다.",
        "sources": ["S1", "S26", "S13"],
    },
    {
        "slug": "sk-group",
        "name": "SK Group",
        "name_ko": "SK그룹",
        "aliases": "SK\n에스케이",
        "kind": "conglomerate",
        "country": "KR",
        "description": "Korean group that buys more than 50,000 Nvidia GPUs for an AI factory "
        "and, with AWS, builds the AI data center in Ulsan.",
        "description_ko": "AI 팩토리용 엔비디아 GPU 5만 장 이상을 도입하고 AWS와 함께 울산 AI "
        "데이터센터를 짓는 국내 그룹.",
        "sources": ["S1", "S11", "S17"],
    },
    {
        "slug": "sk-hynix",
        "name": "SK hynix",
        "name_ko": "SK하이닉스",
        "aliases": "Hynix\n하이닉스",
        "kind": "memory_maker",
        "country": "KR",
        "parent": "sk-group",
        "description": "Nvidia's largest supplier of HBM; also signed a memory letter of "
        "intent with OpenAI for Stargate.",
        "description_ko": "엔비디아의 최대 HBM 공급사. 스타게이트용 메모리 공급 의향서를 오픈AI와 "
        "체결했다.",
        "sources": ["S11", "S13", "S14"],
    },
    {
        "slug": "sk-telecom",
        "name": "SK Telecom",
        "name_ko": "SK텔레콤",
        "aliases": "SKT",
        "kind": "cloud_provider",
        "country": "KR",
        "parent": "sk-group",
        "description": "Leads SK's side of the Ulsan AI data center, runs an industrial AI "
        "cloud and is OpenAI's partner for a data center in Stargate Korea.",
        "description_ko": "울산 AI 데이터센터에서 SK 측을 이끌고 산업용 AI 클라우드를 운영하며, "
        "스타게이트 코리아 데이터센터를 오픈AI와 검토한다.",
        "sources": ["S13", "S17", "S18"],
    },
    {
        "slug": "sk-broadband",
        "name": "SK Broadband",
        "name_ko": "SK브로드밴드",
        "aliases": "",
        "kind": "other",
        "country": "KR",
        "parent": "sk-group",
        "description": "SK subsidiary taking part in the Ulsan AI data center.",
        "description_ko": "울산 AI 데이터센터 사업에 참여하는 SK 계열사.",
        "sources": ["S17", "S18"],
    },
    {
        "slug": "sk-ecoplant",
        "name": "SK Ecoplant",
        "name_ko": "SK에코플랜트",
        "aliases": "",
        "kind": "other",
        "country": "KR",
        "parent": "sk-group",
        "description": "SK subsidiary taking part in the Ulsan AI data center.",
        "description_ko": "울산 AI 데이터센터 사업에 참여하는 SK 계열사.",
        "sources": ["S17", "S18"],
    },
    {
        "slug": "sk-gas",
        "name": "SK Gas",
        "name_ko": "SK가스",
        "aliases": "",
        "kind": "other",
        "country": "KR",
        "parent": "sk-group",
        "description": "SK subsidiary taking part in the Ulsan AI data center.",
        "description_ko": "울산 AI 데이터센터 사업에 참여하는 SK 계열사.",
        "sources": ["S17", "S18"],
    },
    {
        "slug": "hyundai-motor-group",
        "name": "Hyundai Motor Group",
        "name_ko": "현대자동차그룹",
        "aliases": "Hyundai\n현대차그룹\n현대차",
        "kind": "automaker",
        "country": "KR",
        "description": "Buys 50,000 Nvidia GPUs and plans a joint physical-AI investment of "
        "about USD 3 billion with Nvidia; partnered with Nvidia at CES 2025.",
        "description_ko": "엔비디아 GPU 5만 장을 도입하고 엔비디아와 약 30억 달러 규모의 피지컬 AI "
        "공동 투자를 추진한다. CES 2025에서 엔비디아와 파트너십을 맺었다.",
        "sources": ["S22", "S21"],
    },
    {
        "slug": "boston-dynamics",
        "name": "Boston Dynamics",
        "name_ko": "보스턴다이내믹스",
        "aliases": "",
        "kind": "other",
        "country": "US",
        "parent": "hyundai-motor-group",
        "description": "Hyundai Motor Group's robotics company. Only the seed report mentions "
        "it in this story.",
        "description_ko": "현대자동차그룹의 로봇 기업. 이 사안에서는 최초 보도에만 등장한다.",
        "sources": ["S0"],
    },
    {
        "slug": "naver",
        "name": "Naver",
        "name_ko": "네이버",
        "aliases": "NAVER",
        "kind": "internet_platform",
        "country": "KR",
        "description": "Korean internet company and parent of Naver Cloud; its founder met "
        "Jensen Huang in Taipei in May 2025.",
        "description_ko": "네이버클라우드의 모회사인 국내 인터넷 기업. 창업자가 2025년 5월 "
        "타이베이에서 젠슨 황을 만났다.",
        "sources": ["S23", "S24"],
    },
    {
        "slug": "naver-cloud",
        "name": "Naver Cloud",
        "name_ko": "네이버클라우드",
        "aliases": "NAVER Cloud",
        "kind": "cloud_provider",
        "country": "KR",
        "parent": "naver",
        "description": "Buys about 60,000 Nvidia GPUs for a physical-AI platform and hosts "
        "part of the government's first GPUs.",
        "description_ko": "피지컬 AI 플랫폼용 엔비디아 GPU 약 6만 장을 도입하고, 정부가 먼저 "
        "들여오는 GPU 일부를 운영한다.",
        "sources": ["S24", "S1"],
    },
    {
        "slug": "ministry-of-science-and-ict",
        "name": "Ministry of Science and ICT",
        "name_ko": "과학기술정보통신부",
        "aliases": "MSIT\n과기정통부",
        "kind": "government",
        "country": "KR",
        "description": "Korean ministry buying up to 50,000 Nvidia GPUs for sovereign AI and "
        "the National AI Computing Center.",
        "description_ko": "소버린 AI와 국가AI컴퓨팅센터를 위해 엔비디아 GPU를 최대 5만 장 "
        "도입하는 정부 부처.",
        "sources": ["S3", "S1"],
    },
    {
        "slug": "openai",
        "name": "OpenAI",
        "name_ko": "오픈AI",
        "aliases": "Open AI",
        "kind": "ai_lab",
        "country": "US",
        "description": "Runs the Stargate project; signed memory letters of intent with "
        "Samsung and SK in Seoul on 1 October 2025.",
        "description_ko": "스타게이트 프로젝트를 운영한다. 2025년 10월 1일 서울에서 삼성·SK와 "
        "메모리 공급 의향서를 맺었다.",
        "sources": ["S15", "S13"],
    },
    {
        "slug": "softbank",
        "name": "SoftBank",
        "name_ko": "소프트뱅크",
        "aliases": "SoftBank Group\n소프트뱅크그룹",
        "kind": "investor",
        "country": "JP",
        "description": "Japanese group that leads the funding of Stargate.",
        "description_ko": "스타게이트 자금 조달을 이끄는 일본 그룹.",
        "sources": ["S15"],
    },
    {
        "slug": "oracle",
        "name": "Oracle",
        "name_ko": "오라클",
        "aliases": "",
        "kind": "cloud_provider",
        "country": "US",
        "description": "Funder and technology partner of Stargate.",
        "description_ko": "스타게이트의 투자자이자 기술 파트너.",
        "sources": ["S15"],
    },
    {
        "slug": "mgx",
        "name": "MGX",
        "name_ko": "MGX",
        "aliases": "",
        "kind": "investor",
        "country": "AE",
        "description": "Investment company from the United Arab Emirates that funds Stargate.",
        "description_ko": "스타게이트에 투자하는 아랍에미리트 투자사.",
        "sources": ["S15"],
    },
    {
        "slug": "amazon-web-services",
        "name": "Amazon Web Services",
        "name_ko": "아마존웹서비스",
        "aliases": "AWS",
        "kind": "cloud_provider",
        "country": "US",
        "description": "Partner of SK in the Ulsan AI data center, putting in about USD 4 billion.",
        "description_ko": "울산 AI 데이터센터의 SK 파트너로, 약 40억 달러를 투자한다.",
        "sources": ["S17", "S18"],
    },
    {
        "slug": "samsung-cnt",
        "name": "Samsung C&T",
        "name_ko": "삼성물산",
        "aliases": "",
        "kind": "other",
        "country": "KR",
        "description": "Studies data centers for Stargate Korea with OpenAI.",
        "description_ko": "오픈AI와 스타게이트 코리아 데이터센터를 검토한다.",
        "sources": ["S13"],
    },
    {
        "slug": "samsung-heavy-industries",
        "name": "Samsung Heavy Industries",
        "name_ko": "삼성중공업",
        "aliases": "",
        "kind": "other",
        "country": "KR",
        "description": "Studies floating data centers for Stargate Korea with OpenAI.",
        "description_ko": "오픈AI와 스타게이트 코리아의 해상 부유식 데이터센터를 검토한다.",
        "sources": ["S13"],
    },
    {
        "slug": "samsung-sds",
        "name": "Samsung SDS",
        "name_ko": "삼성SDS",
        "aliases": "",
        "kind": "cloud_provider",
        "country": "KR",
        "description": "Studies data centers for Stargate Korea with OpenAI.",
        "description_ko": "오픈AI와 스타게이트 코리아 데이터센터를 검토한다.",
        "sources": ["S13"],
    },
    {
        "slug": "arm",
        "name": "Arm",
        "name_ko": "암",
        "aliases": "ARM\nArm Holdings",
        "kind": "chip_designer",
        "country": "GB",
        "description": "Technology partner of Stargate.",
        "description_ko": "스타게이트의 기술 파트너.",
        "sources": ["S15"],
    },
    {
        "slug": "microsoft",
        "name": "Microsoft",
        "name_ko": "마이크로소프트",
        "aliases": "MS",
        "kind": "cloud_provider",
        "country": "US",
        "description": "Technology partner of Stargate.",
        "description_ko": "스타게이트의 기술 파트너.",
        "sources": ["S15"],
    },
    {
        "slug": "nhn-cloud",
        "name": "NHN Cloud",
        "name_ko": "NHN클라우드",
        "aliases": "",
        "kind": "cloud_provider",
        "country": "KR",
        "description": "One of three cloud companies through which the government deploys its "
        "first 13,000 GPUs.",
        "description_ko": "정부가 먼저 도입하는 GPU 1만3천 장을 운영하는 클라우드 기업 "
        "세 곳 중 하나.",
        "sources": ["S1", "S3"],
    },
    {
        "slug": "kakao",
        "name": "Kakao",
        "name_ko": "카카오",
        "aliases": "",
        "kind": "internet_platform",
        "country": "KR",
        "description": "One of three companies through which the government deploys its first "
        "13,000 GPUs.",
        "description_ko": "정부가 먼저 도입하는 GPU 1만3천 장을 운영하는 기업 세 곳 중 하나.",
        "sources": ["S1", "S3"],
    },
]

# --- People ----------------------------------------------------------------------------------

PEOPLE: list[dict] = [
    {
        "slug": "jensen-huang",
        "name": "Jensen Huang",
        "name_ko": "젠슨 황",
        "title": "Founder and CEO, NVIDIA",
        "title_ko": "엔비디아 창업자 겸 최고경영자(CEO)",
        "company": "nvidia",
    },
    {
        "slug": "lee-jae-yong",
        "name": "Lee Jae-yong",
        "name_ko": "이재용",
        "title": "Executive chairman, Samsung Electronics",
        "title_ko": "삼성전자 회장",
        "company": "samsung-electronics",
    },
    {
        "slug": "chung-eui-sun",
        "name": "Chung Eui-sun",
        "name_ko": "정의선",
        "title": "Executive chair, Hyundai Motor Group",
        "title_ko": "현대자동차그룹 회장",
        "company": "hyundai-motor-group",
    },
    {
        "slug": "chey-tae-won",
        "name": "Chey Tae-won",
        "name_ko": "최태원",
        "title": "Chairman, SK Group; chairman of the Korea Chamber of Commerce and Industry, "
        "which hosted the APEC CEO Summit",
        "title_ko": "SK그룹 회장, APEC CEO 서밋을 주관한 대한상공회의소 회장",
        "company": "sk-group",
    },
    {
        "slug": "lee-hae-jin",
        "name": "Lee Hae-jin",
        "name_ko": "이해진",
        "title": "Founder and chairman of the board, Naver",
        "title_ko": "네이버 창업자 겸 이사회 의장",
        "company": "naver",
    },
    {
        "slug": "lee-jae-myung",
        "name": "Lee Jae-myung",
        "name_ko": "이재명",
        "title": "President of the Republic of Korea",
        "title_ko": "대한민국 대통령",
        "company": None,
    },
    {
        "slug": "sam-altman",
        "name": "Sam Altman",
        "name_ko": "샘 올트먼",
        "title": "CEO, OpenAI",
        "title_ko": "오픈AI 최고경영자(CEO)",
        "company": "openai",
    },
    {
        "slug": "masayoshi-son",
        "name": "Masayoshi Son",
        "name_ko": "손정의",
        "title": "Chairman, SoftBank; chairman of Stargate",
        "title_ko": "소프트뱅크 회장, 스타게이트 의장",
        "company": "softbank",
    },
    {
        "slug": "choi-soo-yeon",
        "name": "Choi Soo-yeon",
        "name_ko": "최수연",
        "title": "CEO, Naver",
        "title_ko": "네이버 대표이사",
        "company": "naver",
    },
    {
        "slug": "kwak-noh-jung",
        "name": "Kwak Noh-jung",
        "name_ko": "곽노정",
        "title": "CEO, SK hynix",
        "title_ko": "SK하이닉스 대표이사",
        "company": "sk-hynix",
    },
]

# --- Exchange rates --------------------------------------------------------------------------

EXCHANGE_RATES: list[dict] = [
    {
        "slug": "krw-usd-2025-10-29",
        "currency": "KRW",
        "date": day("2025-10-29"),
        "rate": Decimal("1431.7"),
        "source": "S27",
        "note": "Seoul closing rate on 29 October 2025.",
        "note_ko": "2025년 10월 29일 서울 외환시장 종가.",
    },
    {
        "slug": "krw-usd-2025-10-30",
        "currency": "KRW",
        "date": day("2025-10-30"),
        "rate": Decimal("1423"),
        "source": "S27",
        "note": "Mid value of the range reported for the day, about 1,421 to 1,425 won.",
        "note_ko": "이날 보도된 거래 범위(약 1,421~1,425원)의 중간값.",
    },
    {
        "slug": "krw-usd-2025-10-31",
        "currency": "KRW",
        "date": day("2025-10-31"),
        "rate": Decimal("1426"),
        "source": "S22",
        "note": "Implied: the report converts USD 3 billion into KRW 4.28 trillion.",
        "note_ko": "보도가 30억 달러를 4조2800억원으로 환산한 데서 역산한 값.",
    },
]

# --- Meetings --------------------------------------------------------------------------------
# No meeting has a parent: the 31 October meetings were on a different day from the CEO Summit
# address of 29 October, and the summit itself is not recorded as a meeting of its own.

MEETINGS: list[dict] = [
    {
        "slug": "hyundai-nvidia-ces-2025-partnership",
        "title": "Hyundai Motor Group and Nvidia sign a partnership at CES 2025",
        "title_ko": "현대자동차그룹·엔비디아, CES 2025에서 파트너십 체결",
        "kind": "signing",
        "starts_at": at("2025-01-09", zone=LAS_VEGAS),
        "time_known": False,
        "timezone": LAS_VEGAS,
        "venue": "CES 2025",
        "venue_ko": "CES 2025",
        "city": "Las Vegas",
        "city_ko": "라스베이거스",
        "country": "US",
        "summary": "At the Las Vegas electronics show, executives of the two companies agreed "
        "to work together on vehicles, robots and factories using Nvidia's computing and AI "
        "tools. The sources name no individual attendees.",
        "summary_ko": "라스베이거스 전자 전시회에서 두 회사 경영진이 엔비디아의 컴퓨팅과 AI 도구를 "
        "자동차·로봇·공장에 함께 활용하기로 했다. 출처에는 참석자 개인의 이름이 나오지 않는다.",
        "sources": ["S21"],
        "attendance": [],
    },
    {
        "slug": "lee-hae-jin-huang-taipei-2025-05",
        "title": "Lee Hae-jin meets Jensen Huang around Computex",
        "title_ko": "이해진, 컴퓨텍스 계기 젠슨 황과 회동",
        "kind": "visit",
        "starts_at": at("2025-05-22", zone=TAIPEI),
        "time_known": False,
        "timezone": TAIPEI,
        "venue": "Nvidia office, Taipei",
        "venue_ko": "엔비디아 타이베이 사무실",
        "city": "Taipei",
        "city_ko": "타이베이",
        "country": "TW",
        "summary": "Naver's founder and its CEO called on Huang at Nvidia's Taipei office "
        "during Computex week and talked about working together on AI data centers built on "
        "Nvidia GPUs.",
        "summary_ko": "네이버 창업자와 대표가 컴퓨텍스 기간 엔비디아 타이베이 사무실로 젠슨 황을 "
        "찾아가 엔비디아 GPU 기반 AI 데이터센터 협력을 논의했다.",
        "sources": ["S23"],
        "attendance": [
            {"person": "lee-hae-jin", "status": "attended", "source": "S23"},
            {"person": "jensen-huang", "status": "attended", "source": "S23"},
            {"person": "choi-soo-yeon", "status": "attended", "source": "S23"},
        ],
    },
    {
        "slug": "sk-aws-ulsan-launch-2025-06-20",
        "title": "Launch of the SK–AWS AI data center in Ulsan",
        "title_ko": "SK·AWS 울산 AI 데이터센터 출범 행사",
        "kind": "other",
        "starts_at": at("2025-06-20"),
        "time_known": False,
        "timezone": SEOUL,
        "venue": "Ulsan Exhibition and Convention Center",
        "venue_ko": "울산전시컨벤션센터",
        "city": "Ulsan",
        "city_ko": "울산",
        "country": "KR",
        "summary": "SK and Amazon Web Services presented their joint AI data center for Ulsan "
        "in front of the President.",
        "summary_ko": "SK와 아마존웹서비스가 대통령이 참석한 자리에서 울산 AI 데이터센터 공동 "
        "구축 계획을 공개했다.",
        "sources": ["S17"],
        "attendance": [
            {"person": "lee-jae-myung", "status": "attended", "source": "S17"},
            {"person": "chey-tae-won", "status": "attended", "source": "S17"},
        ],
    },
    {
        "slug": "stargate-letters-of-intent-2025-10-01",
        "title": "Samsung and SK sign Stargate letters of intent with OpenAI",
        "title_ko": "삼성·SK, 오픈AI와 스타게이트 협력 의향서 체결",
        "kind": "signing",
        "starts_at": at("2025-10-01"),
        "time_known": False,
        "timezone": SEOUL,
        "venue": "Presidential Office",
        "venue_ko": "대통령실",
        "city": "Seoul",
        "city_ko": "서울",
        "country": "KR",
        "summary": "With the President present, Samsung and SK signed non-binding letters of "
        "intent with OpenAI on memory for Stargate and on data centers in Korea. Nvidia and "
        "SoftBank were not parties.",
        "summary_ko": "대통령이 참석한 가운데 삼성과 SK가 오픈AI와 스타게이트용 메모리 공급 및 "
        "국내 데이터센터에 관한 구속력 없는 의향서를 맺었다. 엔비디아와 소프트뱅크는 당사자가 "
        "아니었다.",
        "sources": ["S13", "S14"],
        "attendance": [
            {"person": "lee-jae-myung", "status": "attended", "source": "S14"},
            {"person": "lee-jae-yong", "status": "attended", "source": "S14"},
            {"person": "chey-tae-won", "status": "attended", "source": "S14"},
            {"person": "sam-altman", "status": "attended", "source": "S13"},
        ],
    },
    {
        "slug": "apec-ceo-summit-lee-address-2025-10-29",
        "title": "President Lee's special address at the APEC CEO Summit",
        "title_ko": "이재명 대통령 APEC CEO 서밋 특별연설",
        "kind": "summit",
        "starts_at": at("2025-10-29"),
        "time_known": False,
        "timezone": SEOUL,
        "venue": "Gyeongju Arts Center, Hwarang Hall",
        "venue_ko": "경주예술의전당 화랑홀",
        "city": "Gyeongju",
        "city_ko": "경주",
        "country": "KR",
        "summary": "Speaking to business leaders in Gyeongju, the President set out the idea "
        "of AI that benefits everyone and said Korea would put forward an AI initiative at "
        "the APEC meeting.",
        "summary_ko": "대통령이 경주에서 기업인들에게 '모두를 위한 AI' 구상을 밝히고, 한국이 "
        "APEC 정상회의에서 AI 관련 제안을 내놓겠다고 했다.",
        "sources": ["S12"],
        "attendance": [
            {"person": "lee-jae-myung", "status": "attended", "source": "S12"},
        ],
    },
    {
        "slug": "chimaek-dinner-2025-10-30",
        "title": "The 'chimaek' dinner of Huang, Lee Jae-yong and Chung Eui-sun",
        "title_ko": "젠슨 황·이재용·정의선 '치맥 회동'",
        "kind": "dinner",
        "starts_at": at("2025-10-30", "19:30"),
        "time_known": True,
        "timezone": SEOUL,
        "venue": "Kkanbu Chicken, Samseong branch, Samseong-dong, Gangnam-gu",
        "venue_ko": "깐부치킨 삼성점 (강남구 삼성동)",
        "city": "Seoul",
        "city_ko": "서울",
        "country": "KR",
        "summary": "Around 7:30 pm, the evening before the GPU announcement, Huang shared "
        "fried chicken and beer with the heads of Samsung and Hyundai at a neighbourhood "
        "chicken restaurant. The seed report expected the deals to come up and SK's Chey "
        "Tae-won to join; he did not come.",
        "summary_ko": "GPU 공급 발표 전날 저녁 7시 30분께, 젠슨 황이 삼성과 현대차 총수와 동네 "
        "치킨집에서 치킨과 맥주를 함께했다. 최초 보도는 계약 논의와 최태원 SK 회장의 합류 "
        "가능성을 점쳤으나 최 회장은 오지 않았다.",
        "sources": ["S5", "S6", "S7", "S8", "S0"],
        "attendance": [
            {"person": "jensen-huang", "status": "attended", "source": "S5"},
            {"person": "lee-jae-yong", "status": "attended", "source": "S5"},
            {"person": "chung-eui-sun", "status": "attended", "source": "S5"},
            {
                "person": "chey-tae-won",
                "status": "absent",
                "source": "S0",
                "note": "The seed report said he might join; later reports say he did not, "
                "and he met Huang in Gyeongju the next day.",
                "note_ko": "최초 보도는 합류 가능성을 전했으나 이후 보도에 따르면 불참했고, "
                "다음 날 경주에서 젠슨 황을 따로 만났다.",
            },
        ],
    },
    {
        "slug": "lee-meets-huang-hico-2025-10-31",
        "title": "President Lee meets Jensen Huang and Korean business leaders",
        "title_ko": "이재명 대통령, 젠슨 황 및 국내 총수들과 접견",
        "kind": "summit",
        "starts_at": at("2025-10-31"),
        "time_known": False,
        "timezone": SEOUL,
        "venue": "Gyeongju Hwabaek International Convention Center (HICO)",
        "venue_ko": "경주화백컨벤션센터 (HICO)",
        "city": "Gyeongju",
        "city_ko": "경주",
        "country": "KR",
        "summary": "On the day the 260,000-GPU plan was made public, the President received "
        "Huang together with the heads of Samsung, SK, Hyundai and Naver.",
        "summary_ko": "GPU 26만 장 도입 계획이 공개된 날, 대통령이 젠슨 황과 삼성·SK·현대차·"
        "네이버 총수들을 함께 만났다.",
        "sources": ["S29"],
        "attendance": [
            {"person": "lee-jae-myung", "status": "attended", "source": "S29"},
            {"person": "jensen-huang", "status": "attended", "source": "S29"},
            {"person": "lee-jae-yong", "status": "attended", "source": "S29"},
            {"person": "chey-tae-won", "status": "attended", "source": "S29"},
            {"person": "chung-eui-sun", "status": "attended", "source": "S29"},
            {"person": "lee-hae-jin", "status": "attended", "source": "S29"},
        ],
    },
    {
        "slug": "chey-huang-gyeongju-2025-10-31",
        "title": "Chey Tae-won and Jensen Huang meet one-on-one",
        "title_ko": "최태원·젠슨 황 단독 회동",
        "kind": "visit",
        "starts_at": at("2025-10-31", "17:00"),
        "time_known": True,
        "timezone": SEOUL,
        "venue": "Gyeongju Arts Center",
        "venue_ko": "경주예술의전당",
        "city": "Gyeongju",
        "city_ko": "경주",
        "country": "KR",
        "summary": "Around 5 pm Chey, who had missed the chicken dinner, met Huang alone, "
        "gave him an HBM4 wafer and discussed Omniverse digital twins of SK's chip fabs. SK "
        "hynix's CEO came too.",
        "summary_ko": "치킨 회동에 빠진 최태원 회장이 오후 5시께 젠슨 황을 따로 만나 HBM4 웨이퍼를 "
        "선물하고, SK 반도체 공장의 옴니버스 디지털 트윈을 논의했다. SK하이닉스 대표도 함께했다.",
        "sources": ["S9", "S10", "S11"],
        "attendance": [
            {"person": "chey-tae-won", "status": "attended", "source": "S9"},
            {"person": "jensen-huang", "status": "attended", "source": "S9"},
            {"person": "kwak-noh-jung", "status": "attended", "source": "S10"},
        ],
    },
]

# --- Projects --------------------------------------------------------------------------------

PROJECTS: list[dict] = [
    {
        "slug": "stargate",
        "name": "Stargate",
        "name_ko": "스타게이트",
        "kind": "infrastructure",
        "status": "announced",
        "location": "First site in Texas",
        "location_ko": "첫 부지는 미국 텍사스",
        "city": "",
        "city_ko": "",
        "country": "US",
        "amount": Decimal("500000000000"),
        "currency": "USD",
        "disclosure": "disclosed",
        "amount_qualifier": "exact",
        "amount_note": "Planned over four years; USD 100 billion to be put in straight away.",
        "amount_note_ko": "4년에 걸친 계획이며, 그중 1천억 달러는 즉시 투입.",
        "start_date": day("2025-01-21"),
        "summary": "OpenAI's programme of AI data centers in the United States. OpenAI runs "
        "it, SoftBank leads the money and Masayoshi Son chairs it; Oracle and MGX also fund "
        "it, and Arm, Microsoft, Nvidia and Oracle supply the technology.",
        "summary_ko": "오픈AI의 미국 AI 데이터센터 구축 사업. 운영은 오픈AI, 자금은 소프트뱅크가 "
        "주도하고 손정의 회장이 의장을 맡는다. 오라클과 MGX도 투자하며 Arm·마이크로소프트·"
        "엔비디아·오라클이 기술을 댄다.",
        "sources": ["S15"],
        "parties": [
            {
                "company": "openai",
                "role": "operator",
                "note": "Runs operations.",
                "note_ko": "운영 책임.",
            },
            {
                "company": "softbank",
                "role": "lead",
                "note": "Leads the financing.",
                "note_ko": "자금 조달 주도.",
            },
            {"company": "softbank", "role": "funder"},
            {"company": "oracle", "role": "funder"},
            {"company": "mgx", "role": "funder"},
            {"company": "arm", "role": "technology_partner"},
            {"company": "microsoft", "role": "technology_partner"},
            {"company": "nvidia", "role": "technology_partner"},
            {"company": "oracle", "role": "technology_partner"},
        ],
    },
    {
        "slug": "stargate-korea",
        "name": "Stargate Korea",
        "name_ko": "스타게이트 코리아",
        "kind": "ai_data_center",
        "status": "planned",
        "location": "Korea, outside the Seoul area",
        "location_ko": "수도권 외 지역",
        "city": "",
        "city_ko": "",
        "country": "KR",
        "amount": None,
        "currency": "",
        "disclosure": "undisclosed",
        "capacity_mw_target": Decimal("20"),
        "start_date": day("2025-10-01"),
        "summary": "OpenAI's Korean arm of Stargate, begun with Samsung and SK: memory supply "
        "and data centers. Samsung C&T, Samsung Heavy Industries and Samsung SDS are looking "
        "at data centers, including floating ones, and SK Telecom at one of its own. An "
        "initial capacity of 20 MW was mentioned for two data centers.",
        "summary_ko": "삼성·SK와 함께 시작한 오픈AI 스타게이트의 한국 사업으로, 메모리 공급과 "
        "데이터센터를 다룬다. 삼성물산·삼성중공업·삼성SDS는 해상 부유식을 포함한 데이터센터를, "
        "SK텔레콤은 자체 데이터센터를 검토한다. 데이터센터 두 곳의 초기 용량으로 20MW가 "
        "언급됐다.",
        "sources": ["S13", "S14"],
        "parties": [
            {"company": "openai", "role": "lead"},
            {
                "company": "samsung-electronics",
                "role": "technology_partner",
                "note": "Memory.",
                "note_ko": "메모리.",
            },
            {
                "company": "sk-hynix",
                "role": "technology_partner",
                "note": "Memory.",
                "note_ko": "메모리.",
            },
            {
                "company": "sk-telecom",
                "role": "builder",
                "note": "Exploring a data center with OpenAI.",
                "note_ko": "오픈AI와 데이터센터 구축 검토.",
            },
            {
                "company": "samsung-cnt",
                "role": "builder",
                "note": "Studying data centers.",
                "note_ko": "데이터센터 검토.",
            },
            {
                "company": "samsung-heavy-industries",
                "role": "builder",
                "note": "Studying floating data centers.",
                "note_ko": "부유식 데이터센터 검토.",
            },
            {
                "company": "samsung-sds",
                "role": "builder",
                "note": "Studying data centers.",
                "note_ko": "데이터센터 검토.",
            },
        ],
    },
    {
        "slug": "sk-aws-ulsan-ai-data-center",
        "name": "SK AI Data Center Ulsan",
        "name_ko": "SK 울산 AI 데이터센터",
        "kind": "ai_data_center",
        "status": "under_construction",
        "location": "Mipo National Industrial Complex",
        "location_ko": "울산 미포국가산업단지",
        "city": "Ulsan",
        "city_ko": "울산",
        "country": "KR",
        "amount": Decimal("7000000000000"),
        "currency": "KRW",
        "disclosure": "disclosed",
        "amount_qualifier": "exact",
        "amount_note": "About USD 4.9 billion at October 2025 rates (USD 5.13 billion as "
        "reported in June); about USD 4 billion of it comes from AWS.",
        "amount_note_ko": "2025년 10월 환율로 약 49억 달러(6월 보도 당시 51억3천만 달러)이며, "
        "이 중 약 40억 달러를 AWS가 낸다.",
        "capacity_mw_target": Decimal("103"),
        "gpu_count": 60000,
        "gpu_count_qualifier": "about",
        "start_date": day("2025-08-29"),
        "target_date": day("2029-02-01"),
        "target_precision": "month",
        "summary": "Korea's largest AI data center, built by SK companies with Amazon Web "
        "Services. Ground was broken on 29 August 2025; about 41 MW should run by November "
        "2027 and 103 MW by February 2029, with 1 GW as the long-term aim.",
        "summary_ko": "SK 계열사들이 아마존웹서비스와 함께 짓는 국내 최대 AI 데이터센터. 2025년 "
        "8월 29일 착공했으며 2027년 11월 약 41MW, 2029년 2월 103MW 가동을 거쳐 장기적으로 "
        "1GW를 목표로 한다.",
        "sources": ["S16", "S17", "S18", "S19", "S20"],
        "parties": [
            {"company": "sk-telecom", "role": "lead"},
            {"company": "sk-broadband", "role": "operator"},
            {"company": "sk-ecoplant", "role": "builder"},
            {
                "company": "sk-gas",
                "role": "technology_partner",
                "note": "Part of the SK consortium.",
                "note_ko": "SK 컨소시엄 참여사.",
            },
            {
                "company": "amazon-web-services",
                "role": "funder",
                "note": "About USD 4 billion.",
                "note_ko": "약 40억 달러.",
            },
            {"company": "amazon-web-services", "role": "technology_partner"},
        ],
    },
    {
        "slug": "samsung-ai-megafactory",
        "name": "Samsung AI Megafactory",
        "name_ko": "삼성 AI 메가팩토리",
        "kind": "ai_factory",
        "status": "announced",
        "location": "Samsung Electronics' chip fabs",
        "location_ko": "삼성전자 반도체 공장",
        "city": "",
        "city_ko": "",
        "country": "KR",
        "amount": None,
        "currency": "",
        "disclosure": "undisclosed",
        "gpu_count": 50000,
        "gpu_count_qualifier": "more_than",
        "start_date": day("2025-10-31"),
        "summary": "Samsung's plan to run its chip making on Nvidia GPUs: digital twins of "
        "fabs, computational lithography and robots.",
        "summary_ko": "엔비디아 GPU로 반도체 생산을 고도화하려는 삼성전자의 계획으로, 공장 디지털 "
        "트윈·전산 리소그래피·로봇을 포함한다.",
        "sources": ["S1", "S4"],
        "parties": [
            {"company": "samsung-electronics", "role": "lead"},
            {"company": "nvidia", "role": "technology_partner"},
        ],
    },
    {
        "slug": "hyundai-physical-ai-cluster",
        "name": "Hyundai physical-AI cluster",
        "name_ko": "현대차그룹 피지컬 AI 클러스터",
        "kind": "ai_factory",
        "status": "announced",
        "location": "",
        "location_ko": "",
        "city": "",
        "city_ko": "",
        "country": "KR",
        "amount": Decimal("3000000000"),
        "currency": "USD",
        "disclosure": "disclosed",
        "amount_qualifier": "about",
        "amount_note": "Joint investment with Nvidia.",
        "amount_note_ko": "엔비디아와의 공동 투자.",
        "gpu_count": 50000,
        "gpu_count_qualifier": "exact",
        "start_date": day("2025-10-31"),
        "summary": "An AI factory and physical-AI base for self-driving cars, smart factories "
        "and robots, agreed by Hyundai, Nvidia and the science ministry.",
        "summary_ko": "현대차그룹·엔비디아·과학기술정보통신부가 합의한 "
        "자율주행·스마트팩토리·로봇용 AI 팩토리와 피지컬 AI 거점.",
        "sources": ["S22", "S3"],
        "parties": [
            {"company": "hyundai-motor-group", "role": "lead"},
            {"company": "hyundai-motor-group", "role": "funder"},
            {"company": "nvidia", "role": "funder"},
            {"company": "nvidia", "role": "technology_partner"},
            {
                "company": "ministry-of-science-and-ict",
                "role": "lead",
                "note": "Government party to the MOU.",
                "note_ko": "업무협약의 정부 측 당사자.",
            },
        ],
    },
    {
        "slug": "national-ai-computing-center",
        "name": "National AI Computing Center",
        "name_ko": "국가AI컴퓨팅센터",
        "kind": "sovereign_ai",
        "status": "planned",
        "location": "",
        "location_ko": "",
        "city": "",
        "city_ko": "",
        "country": "KR",
        "amount": None,
        "currency": "",
        "disclosure": "undisclosed",
        "start_date": day("2025-10-31"),
        "summary": "The government's computing center for sovereign AI, one of the uses of the "
        "up to 50,000 GPUs the ministry is buying from Nvidia.",
        "summary_ko": "소버린 AI를 위한 정부의 컴퓨팅센터로, 과학기술정보통신부가 엔비디아에서 "
        "들여오는 최대 5만 장의 GPU가 쓰일 곳 중 하나다.",
        "sources": ["S1", "S3"],
        "parties": [
            {"company": "ministry-of-science-and-ict", "role": "lead"},
            {"company": "nvidia", "role": "technology_partner"},
        ],
    },
]

# --- Deals -----------------------------------------------------------------------------------
# D1-D5: reported on 29 October (Bloomberg, carried by the seed report), announced on 31
# October. No prices and no delivery schedules were given; press guesses at the total (about
# KRW 14 trillion, "up to USD 10 billion") are estimates and stay out of the amounts.

_REPORTED_29_OCT = {
    "date": day("2025-10-29"),
    "status": "reported",
    "source": "S0",
    "note": "Reported ahead of the announcement, citing Bloomberg; the size was not known.",
    "note_ko": "블룸버그를 인용해 발표 전에 보도됐으며, 규모는 알려지지 않았다.",
}

_ANNOUNCED_31_OCT = {
    "date": day("2025-10-31"),
    "status": "announced",
    "source": "S1",
    "note": "Announced with the other Korean deployments, 260,000 GPUs in all; no price or "
    "delivery schedule.",
    "note_ko": "다른 국내 도입분과 함께 총 26만 장 규모로 발표됐으며, 가격과 납기는 공개되지 "
    "않았다.",
}

_BLACKWELL = {
    "product": "Blackwell GPUs",
    "product_ko": "블랙웰 GPU",
    "product_category": "gpu",
    "quantity_unit": "gpus",
}

_UNDISCLOSED = {"amount": None, "currency": "", "disclosure": "undisclosed"}

DEALS: list[dict] = [
    {
        "key": "D1",
        "slug": "nvidia-msit-blackwell-2025",
        "title": "NVIDIA to supply up to 50,000 Blackwell GPUs for Korea's sovereign AI",
        "title_ko": "엔비디아, 정부 소버린 AI용 블랙웰 GPU 최대 5만 장 공급",
        "summary": "The science ministry plans to bring in as many as 50,000 Blackwell GPUs "
        "for sovereign AI and the National AI Computing Center. The first 13,000 go into "
        "service through Naver Cloud, NHN Cloud and Kakao.",
        "summary_ko": "과학기술정보통신부가 소버린 AI와 국가AI컴퓨팅센터를 위해 블랙웰 GPU를 최대 "
        "5만 장 들여온다. 먼저 1만3천 장을 네이버클라우드·NHN클라우드·카카오를 통해 운영한다.",
        "kind": "partnership",
        **_BLACKWELL,
        "quantity": Decimal("50000"),
        "quantity_qualifier": "up_to",
        **_UNDISCLOSED,
        "project": "national-ai-computing-center",
        "parties": [
            {"company": "nvidia", "role": "supplier"},
            {"company": "ministry-of-science-and-ict", "role": "buyer"},
            {
                "company": "naver-cloud",
                "role": "partner",
                "note": "Runs part of the first 13,000 GPUs.",
                "note_ko": "첫 1만3천 장 중 일부 운영.",
            },
            {
                "company": "nhn-cloud",
                "role": "partner",
                "note": "Runs part of the first 13,000 GPUs.",
                "note_ko": "첫 1만3천 장 중 일부 운영.",
            },
            {
                "company": "kakao",
                "role": "partner",
                "note": "Runs part of the first 13,000 GPUs.",
                "note_ko": "첫 1만3천 장 중 일부 운영.",
            },
        ],
        "events": [_REPORTED_29_OCT, {**_ANNOUNCED_31_OCT, "source": "S3"}],
        "meetings": [{"meeting": "lee-meets-huang-hico-2025-10-31", "role": "announced"}],
        "sources": ["S0", "S1", "S2", "S3"],
    },
    {
        "key": "D2",
        "slug": "nvidia-samsung-blackwell-2025",
        "title": "NVIDIA to supply more than 50,000 GPUs for Samsung's AI Megafactory",
        "title_ko": "엔비디아, 삼성전자 AI 메가팩토리에 GPU 5만 장 이상 공급",
        "summary": "Samsung is to use over 50,000 Blackwell GPUs to bring AI into chip "
        "making: digital twins of its fabs, lithography computing and robots.",
        "summary_ko": "삼성전자가 블랙웰 GPU 5만 장 이상으로 반도체 제조에 AI를 도입한다. 공장 "
        "디지털 트윈, 리소그래피 연산, 로봇이 대상이다.",
        "kind": "partnership",
        **_BLACKWELL,
        "quantity": Decimal("50000"),
        "quantity_qualifier": "more_than",
        **_UNDISCLOSED,
        "project": "samsung-ai-megafactory",
        "parties": [
            {"company": "nvidia", "role": "supplier"},
            {"company": "samsung-electronics", "role": "buyer"},
        ],
        "events": [_REPORTED_29_OCT, _ANNOUNCED_31_OCT],
        "meetings": [
            {"meeting": "lee-meets-huang-hico-2025-10-31", "role": "announced"},
        ],
        "sources": ["S0", "S1", "S4"],
    },
    {
        "key": "D3",
        "slug": "nvidia-sk-blackwell-2025",
        "title": "NVIDIA to supply more than 50,000 GPUs for SK Group's AI factory",
        "title_ko": "엔비디아, SK그룹 AI 팩토리에 GPU 5만 장 이상 공급",
        "summary": "SK is to build an AI factory on over 50,000 Blackwell GPUs, with the "
        "first phase due by the end of 2027.",
        "summary_ko": "SK그룹이 블랙웰 GPU 5만 장 이상으로 AI 팩토리를 짓는다. 1단계는 2027년 "
        "말까지 마칠 계획이다.",
        "kind": "partnership",
        **_BLACKWELL,
        "quantity": Decimal("50000"),
        "quantity_qualifier": "more_than",
        **_UNDISCLOSED,
        "project": None,
        "parties": [
            {"company": "nvidia", "role": "supplier"},
            {"company": "sk-group", "role": "buyer"},
        ],
        "events": [_REPORTED_29_OCT, _ANNOUNCED_31_OCT],
        "meetings": [
            {"meeting": "lee-meets-huang-hico-2025-10-31", "role": "announced"},
            {"meeting": "chey-huang-gyeongju-2025-10-31", "role": "discussed"},
        ],
        "sources": ["S0", "S1", "S11"],
    },
    {
        "key": "D4",
        "slug": "nvidia-hyundai-blackwell-2025",
        "title": "NVIDIA and Hyundai: 50,000 GPUs and about USD 3 billion for physical AI",
        "title_ko": "엔비디아·현대차그룹, GPU 5만 장과 약 30억 달러 피지컬 AI 투자",
        "summary": "Hyundai is to build an AI factory on 50,000 Blackwell GPUs for "
        "self-driving, smart factories and robots. With Nvidia it plans to invest about USD 3 "
        "billion (about KRW 4.28 trillion); the MOU, which the science ministry also signed, "
        "is dated 31 October.",
        "summary_ko": "현대차그룹이 블랙웰 GPU 5만 장으로 자율주행·스마트팩토리·로봇용 AI 팩토리를 "
        "구축한다. 엔비디아와 약 30억 달러(약 4조2800억원)를 함께 투자할 계획이며, "
        "과학기술정보통신부도 서명한 업무협약은 10월 31일 체결됐다.",
        "kind": "mou",
        **_BLACKWELL,
        "quantity": Decimal("50000"),
        "quantity_qualifier": "exact",
        "amount": Decimal("3000000000"),
        "currency": "USD",
        "disclosure": "disclosed",
        "amount_qualifier": "about",
        "amount_note": "Joint investment",
        "amount_note_ko": "공동 투자",
        "project": "hyundai-physical-ai-cluster",
        "parties": [
            {"company": "nvidia", "role": "supplier"},
            {"company": "hyundai-motor-group", "role": "buyer"},
            {
                "company": "ministry-of-science-and-ict",
                "role": "government",
                "note": "Third signatory of the MOU.",
                "note_ko": "업무협약의 세 번째 서명 당사자.",
            },
        ],
        # The MOU was signed and the deployment announced on the same day; the announcement
        # is entered last, so it is the deal's status.
        "events": [
            _REPORTED_29_OCT,
            {
                "date": day("2025-10-31"),
                "status": "signed",
                "source": "S22",
                "note": "MOU signed by Hyundai, Nvidia and the science ministry.",
                "note_ko": "현대차그룹·엔비디아·과학기술정보통신부가 업무협약을 맺었다.",
            },
            {**_ANNOUNCED_31_OCT, "source": "S3"},
        ],
        "meetings": [
            {"meeting": "lee-meets-huang-hico-2025-10-31", "role": "announced"},
        ],
        "sources": ["S0", "S1", "S3", "S22"],
    },
    {
        "key": "D5",
        "slug": "nvidia-naver-cloud-blackwell-2025",
        "title": "NVIDIA to supply about 60,000 GPUs to Naver Cloud",
        "title_ko": "엔비디아, 네이버클라우드에 GPU 약 6만 장 공급",
        "summary": "Naver Cloud is to build a physical-AI platform on about 60,000 Blackwell "
        "GPUs. Its MOU with Nvidia was signed on 30 October, a day before the joint "
        "announcement.",
        "summary_ko": "네이버클라우드가 블랙웰 GPU 약 6만 장으로 피지컬 AI 플랫폼을 구축한다. "
        "엔비디아와의 업무협약은 공동 발표 하루 전인 10월 30일 체결됐다.",
        "kind": "mou",
        **_BLACKWELL,
        "quantity": Decimal("60000"),
        "quantity_qualifier": "about",
        **_UNDISCLOSED,
        "project": None,
        "parties": [
            {"company": "nvidia", "role": "supplier"},
            {"company": "naver-cloud", "role": "buyer"},
        ],
        "events": [
            _REPORTED_29_OCT,
            {
                "date": day("2025-10-30"),
                "status": "signed",
                "source": "S24",
                "note": "MOU signed between Naver Cloud and Nvidia.",
                "note_ko": "네이버클라우드와 엔비디아가 업무협약을 맺었다.",
            },
            _ANNOUNCED_31_OCT,
        ],
        "meetings": [
            {"meeting": "lee-hae-jin-huang-taipei-2025-05", "role": "discussed"},
            {"meeting": "lee-meets-huang-hico-2025-10-31", "role": "announced"},
        ],
        "sources": ["S0", "S1", "S24"],
    },
    {
        "key": "D6",
        "slug": "samsung-nvidia-hbm3e-2025",
        "title": "Samsung supplies HBM3E 12-high memory to NVIDIA",
        "title_ko": "삼성전자, 엔비디아에 HBM3E 12단 공급",
        "summary": "After reports in September that its 12-high HBM3E had passed Nvidia's "
        "tests, Samsung said with its third-quarter results that it supplies Nvidia. Neither "
        "volume nor value was given.",
        "summary_ko": "9월 HBM3E 12단이 엔비디아 테스트를 통과했다는 보도에 이어, 삼성전자는 3분기 "
        "실적 발표에서 엔비디아에 공급하고 있다고 밝혔다. 물량과 금액은 공개되지 않았다.",
        "kind": "supply_contract",
        "product": "HBM3E 12-high",
        "product_ko": "HBM3E 12단",
        "product_category": "hbm",
        "quantity": None,
        "quantity_unit": "",
        "quantity_qualifier": "exact",
        **_UNDISCLOSED,
        "project": None,
        "parties": [
            {"company": "samsung-electronics", "role": "supplier"},
            {"company": "nvidia", "role": "buyer"},
        ],
        "events": [
            {
                "date": day("2025-09-22"),
                "status": "reported",
                "source": "S25",
                "note": "Reported to have passed Nvidia's qualification tests.",
                "note_ko": "엔비디아 품질 테스트를 통과한 것으로 보도됐다.",
            },
            {
                "date": day("2025-10-30"),
                "status": "in_delivery",
                "source": "S26",
                "note": "Samsung said with its quarterly results that it supplies Nvidia.",
                "note_ko": "삼성전자가 분기 실적 발표에서 엔비디아에 공급 중이라고 밝혔다.",
            },
        ],
        "meetings": [],
        "sources": ["S25", "S26"],
    },
    {
        "key": "D7",
        "slug": "samsung-sk-hynix-openai-dram-2025",
        "title": "Samsung and SK hynix letters of intent to supply DRAM for OpenAI's Stargate",
        "title_ko": "삼성전자·SK하이닉스, 오픈AI 스타게이트에 D램 공급 의향서",
        "summary": "The two memory makers together may supply up to 900,000 DRAM wafer starts "
        "a month for Stargate. The letters are not binding and no value was given; an "
        "analyst's figure of over KRW 100 trillion is only an estimate.",
        "summary_ko": "두 메모리 업체가 스타게이트에 월 최대 90만 장 규모의 D램 웨이퍼를 함께 "
        "공급할 수 있다. 의향서는 구속력이 없고 금액도 공개되지 않았다. 100조원이 넘는다는 "
        "분석가 수치는 추정일 뿐이다.",
        "kind": "letter_of_intent",
        "product": "DRAM",
        "product_ko": "D램",
        "product_category": "dram",
        "quantity": Decimal("900000"),
        "quantity_unit": "wafers_per_month",
        "quantity_qualifier": "up_to",
        **_UNDISCLOSED,
        "amount_note": "An analyst estimate of more than KRW 100 trillion is not a disclosed "
        "figure.",
        "amount_note_ko": "100조원 이상이라는 분석가 추정치는 공개된 금액이 아니다.",
        "project": "stargate",
        "parties": [
            {"company": "samsung-electronics", "role": "supplier"},
            {"company": "sk-hynix", "role": "supplier"},
            {"company": "openai", "role": "buyer"},
        ],
        "events": [
            {
                "date": day("2025-10-01"),
                "status": "signed",
                "source": "S13",
                "note": "Letters of intent signed in Seoul; they are not binding.",
                "note_ko": "서울에서 의향서를 맺었으며, 구속력은 없다.",
            },
        ],
        "meetings": [{"meeting": "stargate-letters-of-intent-2025-10-01", "role": "signed"}],
        "sources": ["S13", "S14"],
    },
    {
        "key": "D8",
        "slug": "sk-hynix-nvidia-hbm-2025",
        "title": "SK hynix supplies HBM to NVIDIA",
        "title_ko": "SK하이닉스, 엔비디아에 HBM 공급",
        "summary": "SK hynix is Nvidia's largest HBM supplier; HBM4 deliveries are expected "
        "from the fourth quarter of 2025. Volumes and prices are not public.",
        "summary_ko": "SK하이닉스는 엔비디아의 최대 HBM 공급사이며, HBM4 공급은 2025년 4분기부터로 "
        "예상된다. 물량과 가격은 공개되지 않았다.",
        "kind": "supply_contract",
        "product": "HBM",
        "product_ko": "HBM",
        "product_category": "hbm",
        "quantity": None,
        "quantity_unit": "",
        "quantity_qualifier": "exact",
        **_UNDISCLOSED,
        "project": None,
        "parties": [
            {"company": "sk-hynix", "role": "supplier"},
            {"company": "nvidia", "role": "buyer"},
        ],
        "events": [
            {
                "date": day("2025-10-31"),
                "status": "reported",
                "source": "S11",
                "note": "Reported as Nvidia's largest HBM supplier, with HBM4 expected from "
                "the fourth quarter of 2025.",
                "note_ko": "엔비디아 최대 HBM 공급사로 보도됐으며, HBM4는 2025년 4분기부터 공급될 "
                "전망이다.",
            },
        ],
        "meetings": [{"meeting": "chey-huang-gyeongju-2025-10-31", "role": "discussed"}],
        "sources": ["S11", "S10"],
    },
]
