"""Build the benchmark's synthetic dataset in its own PostgreSQL database, in bulk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dealtracker_bench \\
        python manage.py bench_data --deals 100000

Scale follows the deal count (the issue's numbers at 100,000 deals): a company for every 10
deals, a meeting for every 5, a project for every 50, a source for every 2; each deal has 2–4
parties, 1–4 events and 1–3 sources, and about a third of deals a meeting. One hub company
(Nvidia) takes part in a tenth of all deals, and never fewer than 10,000. Names are English and
Korean; a few dozen companies are Samsung affiliates, so a search for 삼성 finds a realistic share.

Rows go in with COPY, with foreign-key triggers off for the session (the generator only writes
consistent rows), then the tables are vacuumed and analysed. A finished build leaves a marker
row; a second run at the same scale and seed does nothing. Only a database whose name contains
"bench" is ever truncated.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

#: Bump when the generator changes, so an old dataset is rebuilt rather than reused.
GENERATOR_VERSION = 3
MARKER_TABLE = "bench_dataset"

TABLES = [  # truncated together, children first
    "deals_deal_sources",
    "deals_dealmeeting",
    "deals_dealevent",
    "deals_dealparty",
    "deals_deal",
    "deals_projectparty",
    "deals_project",
    "deals_attendance",
    "deals_meeting",
    "deals_person",
    "deals_company_sources",
    "deals_company",
    "deals_source",
]

EN_PARTS = [
    "Han",
    "Sol",
    "Min",
    "Dae",
    "Sung",
    "Jin",
    "Woo",
    "Hyun",
    "Kang",
    "Seo",
    "Yoon",
    "Nara",
    "Bit",
    "Gaon",
    "Hana",
    "Mir",
    "Taeyang",
    "Baram",
    "Byeol",
    "Dongbang",
]
KO_PARTS = [
    "한",
    "솔",
    "민",
    "대",
    "성",
    "진",
    "우",
    "현",
    "강",
    "서",
    "윤",
    "나라",
    "빛",
    "가온",
    "하나",
    "미르",
    "태양",
    "바람",
    "별",
    "동방",
]
EN_TAILS = [
    ("Semiconductor", "반도체"),
    ("Electronics", "전자"),
    ("Cloud", "클라우드"),
    ("Systems", "시스템"),
    ("AI", "에이아이"),
    ("Telecom", "텔레콤"),
    ("Motors", "모터스"),
    ("Data Centers", "데이터센터"),
    ("Capital", "캐피탈"),
    ("Networks", "네트웍스"),
    ("Materials", "소재"),
    ("Robotics", "로보틱스"),
]
FOREIGN = [
    ("Apex", "에이펙스"),
    ("Northwind", "노스윈드"),
    ("Quantix", "퀀틱스"),
    ("Helios", "헬리오스"),
    ("Vertex", "버텍스"),
    ("Orion", "오리온"),
    ("Cobalt", "코발트"),
    ("Lumen", "루멘"),
    ("Tensor", "텐서"),
    ("Zephyr", "제퍼"),
]
SAMSUNG = [
    ("Samsung Electronics", "삼성전자"),
    ("Samsung SDS", "삼성SDS"),
    ("Samsung Electro-Mechanics", "삼성전기"),
    ("Samsung C&T", "삼성물산"),
    ("Samsung Biologics", "삼성바이오로직스"),
    ("Samsung Heavy Industries", "삼성중공업"),
]
COUNTRIES = ["KR"] * 6 + ["US"] * 3 + ["TW", "JP", "CN", "DE", "FR", "GB", "SG", "IN", "AE"]
COMPANY_KINDS = [
    "chip_designer",
    "memory_maker",
    "foundry",
    "cloud_provider",
    "automaker",
    "internet_platform",
    "ai_lab",
    "government",
    "investor",
    "conglomerate",
    "other",
]
PRODUCTS = [
    ("B200 GPUs", "B200 GPU", "gpu", "gpus"),
    ("GB300 systems", "GB300 시스템", "gpu", "servers"),
    ("H100 GPUs", "H100 GPU", "gpu", "gpus"),
    ("HBM3E", "HBM3E", "hbm", "gb"),
    ("HBM4", "HBM4", "hbm", "gb"),
    ("DDR5 DRAM", "DDR5 D램", "dram", "chips"),
    ("3nm wafers", "3나노 웨이퍼", "foundry", "wafers_per_month"),
    ("AI data-center capacity", "AI 데이터센터 용량", "data_center", "mw"),
    ("GPU cloud hours", "GPU 클라우드", "cloud", "units"),
    ("Inference software", "추론 소프트웨어", "software", ""),
]
DEAL_KINDS = [
    "supply_contract",
    "purchase_order",
    "mou",
    "letter_of_intent",
    "partnership",
    "investment",
    "joint_venture",
]
STATUS_PATHS = [
    ["rumored", "reported", "announced", "signed", "in_delivery", "completed"],
    ["reported", "announced", "signed", "in_delivery"],
    ["announced", "signed", "cancelled"],
    ["rumored", "reported"],
]
MEETING_KINDS = ["summit", "dinner", "signing", "conference", "visit", "call", "other"]
CITIES = [
    ("Seoul", "서울"),
    ("Gyeongju", "경주"),
    ("Busan", "부산"),
    ("San Jose", "새너제이"),
    ("Taipei", "타이베이"),
    ("Tokyo", "도쿄"),
    ("Las Vegas", "라스베이거스"),
]
PUBLISHERS = [
    ("Yonhap", "연합뉴스"),
    ("Reuters", "로이터"),
    ("Chosun Ilbo", "조선일보"),
    ("Bloomberg", "블룸버그"),
    ("Korea Herald", "코리아헤럴드"),
    ("Nikkei", "닛케이"),
]
EPOCH = dt.date(2016, 1, 1)
DAYS = (dt.date(2026, 6, 30) - EPOCH).days


def scale_for(deals: int) -> dict[str, int]:
    return {
        "deals": deals,
        "companies": max(100, deals // 10),
        "meetings": max(50, deals // 5),
        "projects": max(20, deals // 50),
        "sources": max(100, deals // 2),
        "people": max(50, deals // 20),
        "hub_deals": max(10_000, deals // 10) if deals >= 10_000 else deals // 2,
    }


class Command(BaseCommand):
    help = "Build (or reuse) the benchmark's synthetic dataset in a PostgreSQL bench database."

    def add_arguments(self, parser):
        parser.add_argument("--deals", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=6)
        parser.add_argument("--force", action="store_true", help="Rebuild even when present.")

    def handle(self, *args, deals: int, seed: int, force: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark dataset needs PostgreSQL (set DATABASE_URL).")
        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            raise CommandError(f"Refusing to truncate {name!r}: use a database named *bench*.")
        call_command("migrate", verbosity=0, interactive=False)
        wanted = f"deals={deals} seed={seed} generator={GENERATOR_VERSION}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (spec text, built_at timestamptz)"
            )
            cursor.execute(f"SELECT spec FROM {MARKER_TABLE}")
            row = cursor.fetchone()
        if row and row[0] == wanted and not force:
            # A migration since the build may have added expression indexes, whose statistics
            # the planner needs to choose between them and the list order.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(f"Reusing the dataset in {name} ({wanted}).")
            return
        started = time.monotonic()
        Builder(scale_for(deals), seed, self.stdout).build()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MARKER_TABLE}")
            cursor.execute(f"INSERT INTO {MARKER_TABLE} VALUES (%s, now())", [wanted])
        self.stdout.write(f"Built {wanted} in {name} in {time.monotonic() - started:.0f} s.")


def progress(total: int, desc: str):
    try:
        from tqdm import tqdm
    except ImportError:  # the bench extra is optional; the build works without a bar
        return _NoBar()
    return tqdm(total=total, desc=desc, unit=" rows", unit_scale=True, mininterval=1.0)


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


class Builder:
    def __init__(self, scale: dict[str, int], seed: int, stdout) -> None:
        self.n = scale
        self.rng = random.Random(seed)
        self.stdout = stdout
        self.now = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)

    # --- plumbing ---------------------------------------------------------------------------

    def copy(self, table: str, columns: list[str], rows, total: int, bar=None) -> None:
        own_bar = bar is None
        bar = bar or progress(total, table.removeprefix("deals_"))
        raw = connection.connection  # psycopg's own connection, for COPY
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            done = 0
            for row in rows:
                copy.write_row(row)
                done += 1
                if own_bar and done % 10_000 == 0:
                    bar.update(10_000)
            if own_bar:
                bar.update(done % 10_000)
        if own_bar:
            bar.close()

    def build(self) -> None:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
            # No foreign-key trigger per row: the generator writes only consistent rows.
            cursor.execute("SET session_replication_role = replica")
        try:
            self.companies()
            self.sources()
            self.people()
            self.meetings()
            self.projects()
            self.deals()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        with connection.cursor() as cursor:
            for table in TABLES:
                # The sequences must continue after the ids written here.
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
        self.stdout.write("Vacuuming and analysing ...")
        old_autocommit = connection.get_autocommit()
        connection.set_autocommit(True)
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        connection.set_autocommit(old_autocommit)

    def stamp(self, day_offset: int) -> dt.datetime:
        return dt.datetime.combine(EPOCH + dt.timedelta(days=day_offset), dt.time(9), tzinfo=dt.UTC)

    def record(self, i: int, prefix: str, day: int, published: bool = True) -> list:
        """slug, publication, published_at, created_at, updated_at, version, notes."""
        created = self.stamp(day)
        return [
            f"{prefix}-{i}",
            "published" if published else "draft",
            created if published else None,
            created,
            created + dt.timedelta(hours=i % 97),
            1,
            "",
            "",
        ]

    RECORD = [
        "slug",
        "publication",
        "published_at",
        "created_at",
        "updated_at",
        "version",
        "withdrawal_note",
        "withdrawal_note_ko",
    ]

    # --- records ----------------------------------------------------------------------------

    def companies(self) -> None:
        rng, count = self.rng, self.n["companies"]
        self.company_en, self.company_ko = {}, {}

        def rows():
            for i in range(1, count + 1):
                if i == 1:
                    name, name_ko, kind, country = "Nvidia", "엔비디아", "chip_designer", "US"
                elif i - 2 < len(SAMSUNG) * 8 and i % 8 == 2:
                    base, base_ko = SAMSUNG[(i // 8) % len(SAMSUNG)]
                    name, name_ko = f"{base} {i}", f"{base_ko} {i}"
                    kind, country = "conglomerate", "KR"
                elif i % 5 == 0:
                    en, ko = FOREIGN[i % len(FOREIGN)]
                    tail, tail_ko = EN_TAILS[(i // 7) % len(EN_TAILS)]
                    name, name_ko = f"{en} {tail} {i}", f"{ko} {tail_ko} {i}"
                    kind, country = rng.choice(COMPANY_KINDS), rng.choice(COUNTRIES[6:])
                else:
                    a, b = rng.randrange(len(EN_PARTS)), rng.randrange(len(EN_PARTS))
                    tail, tail_ko = EN_TAILS[rng.randrange(len(EN_TAILS))]
                    name = f"{EN_PARTS[a]}{EN_PARTS[b].lower()} {tail} {i}"
                    name_ko = f"{KO_PARTS[a]}{KO_PARTS[b]}{tail_ko} {i}"
                    kind, country = rng.choice(COMPANY_KINDS), rng.choice(COUNTRIES)
                self.company_en[i], self.company_ko[i] = name, name_ko
                published = i <= 10 or rng.random() > 0.03
                yield [
                    i,
                    *self.record(i, "co", rng.randrange(DAYS), published),
                    name,
                    name_ko,
                    "",
                    kind,
                    country,
                    "",
                    f"{name} makes and buys AI hardware.",
                    f"{name_ko}는 AI 하드웨어를 만들고 삽니다.",
                    None,
                ]

        self.copy(
            "deals_company",
            [
                "id",
                *self.RECORD,
                "name",
                "name_ko",
                "aliases",
                "kind",
                "country",
                "website",
                "description",
                "description_ko",
                "parent_id",
            ],
            rows(),
            count,
        )

    def sources(self) -> None:
        rng, count = self.rng, self.n["sources"]

        def rows():
            for i in range(1, count + 1):
                publisher, publisher_ko = PUBLISHERS[i % len(PUBLISHERS)]
                day = rng.randrange(DAYS)
                yield [
                    i,
                    *self.record(i, "src", day, rng.random() > 0.02),
                    f"https://news.example.com/{i}",
                    f"AI chip report {i}",
                    f"AI 반도체 보도 {i}",
                    publisher,
                    publisher_ko,
                    EPOCH + dt.timedelta(days=day),
                    "day",
                    "ko" if i % 2 else "en",
                ]

        self.copy(
            "deals_source",
            [
                "id",
                *self.RECORD,
                "url",
                "title",
                "title_ko",
                "publisher",
                "publisher_ko",
                "published_on",
                "published_on_precision",
                "language",
            ],
            rows(),
            count,
        )

    def people(self) -> None:
        rng, count, companies = self.rng, self.n["people"], self.n["companies"]

        def rows():
            for i in range(1, count + 1):
                yield [
                    i,
                    *self.record(i, "person", rng.randrange(DAYS)),
                    f"Person {i}",
                    f"사람 {i}",
                    "",
                    "Chief executive",
                    "대표이사",
                    1 if i % 50 == 0 else rng.randrange(1, companies + 1),
                ]

        self.copy(
            "deals_person",
            ["id", *self.RECORD, "name", "name_ko", "aliases", "title", "title_ko", "company_id"],
            rows(),
            count,
        )

    def meetings(self) -> None:
        rng, count, people = self.rng, self.n["meetings"], self.n["people"]

        def rows():
            for i in range(1, count + 1):
                city, city_ko = CITIES[i % len(CITIES)]
                starts = self.stamp(rng.randrange(DAYS)) + dt.timedelta(hours=i % 10)
                yield [
                    i,
                    *self.record(i, "meeting", rng.randrange(DAYS)),
                    f"AI supply meeting {i} in {city}",
                    f"{city_ko} AI 공급 회의 {i}",
                    MEETING_KINDS[i % len(MEETING_KINDS)],
                    starts,
                    None,
                    True,
                    "Asia/Seoul",
                    "Convention center",
                    "컨벤션센터",
                    city,
                    city_ko,
                    "KR",
                    "",
                    "",
                    None,
                ]

        self.copy(
            "deals_meeting",
            [
                "id",
                *self.RECORD,
                "title",
                "title_ko",
                "kind",
                "starts_at",
                "ends_at",
                "time_known",
                "timezone",
                "venue",
                "venue_ko",
                "city",
                "city_ko",
                "country",
                "summary",
                "summary_ko",
                "parent_id",
            ],
            rows(),
            count,
        )

        def attendance():
            n = 0
            for meeting in range(1, count + 1):
                for person in {rng.randrange(1, people + 1) for _ in range(2)}:
                    n += 1
                    yield [n, meeting, person, "attended", "", "", None]

        self.copy(
            "deals_attendance",
            ["id", "meeting_id", "person_id", "status", "note", "note_ko", "source_id"],
            attendance(),
            count * 2,
        )

    def projects(self) -> None:
        rng, count = self.rng, self.n["projects"]

        def rows():
            for i in range(1, count + 1):
                city, city_ko = CITIES[i % len(CITIES)]
                budget = Decimal(rng.randrange(50, 20_000)) * 1_000_000
                yield [
                    i,
                    *self.record(i, "project", rng.randrange(DAYS)),
                    budget,
                    "USD",
                    "disclosed",
                    "exact",
                    "",
                    "",
                    budget,
                    None,
                    f"{city} AI data center {i}",
                    f"{city_ko} AI 데이터센터 {i}",
                    "ai_data_center",
                    "announced",
                    "",
                    "",
                    city,
                    city_ko,
                    "KR",
                    None,
                    Decimal(rng.randrange(20, 1000)),
                    rng.randrange(1000, 100_000),
                    "exact",
                    None,
                    "day",
                    None,
                    "day",
                    "",
                    "",
                ]

        self.copy(
            "deals_project",
            [
                "id",
                *self.RECORD,
                "amount",
                "currency",
                "disclosure",
                "amount_qualifier",
                "amount_note",
                "amount_note_ko",
                "usd_amount",
                "usd_rate_id",
                "name",
                "name_ko",
                "kind",
                "status",
                "location",
                "location_ko",
                "city",
                "city_ko",
                "country",
                "capacity_mw",
                "capacity_mw_target",
                "gpu_count",
                "gpu_count_qualifier",
                "start_date",
                "start_precision",
                "target_date",
                "target_precision",
                "summary",
                "summary_ko",
            ],
            rows(),
            count,
        )

    CHUNK = 50_000

    def deals(self) -> None:
        """Deals with their parties, events, meeting links and source links, a chunk at a time
        (so memory stays flat at any scale)."""
        count = self.n["deals"]
        self.hub_every = count / self.n["hub_deals"]
        self.next_hub = 0.0
        self.ids = {"party": 0, "event": 0, "meeting": 0, "source": 0}
        bar = progress(count, "deals (with parties, events, links)")
        for first in range(1, count + 1, self.CHUNK):
            last = min(count, first + self.CHUNK - 1)
            rows, parties, events, meetings, sources = self.deal_chunk(first, last)
            self.copy("deals_deal", DEAL_COLUMNS, rows, 0, bar)
            self.copy(
                "deals_dealparty",
                ["id", "deal_id", "company_id", "role", "note", "note_ko"],
                parties,
                0,
                bar,
            )
            self.copy(
                "deals_dealevent",
                [
                    "id",
                    "deal_id",
                    "date",
                    "date_precision",
                    "status",
                    "note",
                    "note_ko",
                    "source_id",
                    "created_at",
                    "updated_at",
                ],
                events,
                0,
                bar,
            )
            self.copy(
                "deals_dealmeeting", ["id", "deal_id", "meeting_id", "role"], meetings, 0, bar
            )
            self.copy("deals_deal_sources", ["id", "deal_id", "source_id"], sources, 0, bar)
            bar.update(last - first + 1)
        bar.close()

    def deal_chunk(self, first: int, last: int):
        rng, n, ids = self.rng, self.n, self.ids
        companies = n["companies"]
        rows, parties, events, meetings, sources = [], [], [], [], []
        for i in range(first, last + 1):
            product, product_ko, category, unit = PRODUCTS[rng.randrange(len(PRODUCTS))]
            kind = DEAL_KINDS[rng.randrange(len(DEAL_KINDS))]
            # Parties: a supplier and a buyer, sometimes a partner or an investor too; the hub
            # supplies one deal in every `hub_every`.
            hub = i >= self.next_hub
            if hub:
                self.next_hub += self.hub_every
            supplier = 1 if hub else rng.randrange(2, companies + 1)
            buyer = supplier
            while buyer == supplier:
                buyer = rng.randrange(2, companies + 1)
            chosen = [(supplier, "supplier"), (buyer, "buyer")]
            for role in ("partner", "investor")[: rng.randrange(3)]:
                chosen.append((rng.randrange(2, companies + 1), role))
            seen = set()
            for company, role in chosen:
                if (company, role) in seen:
                    continue
                seen.add((company, role))
                ids["party"] += 1
                parties.append([ids["party"], i, company, role, "", ""])
            # Events along one of the status paths; dates move forwards.
            path = STATUS_PATHS[rng.randrange(len(STATUS_PATHS))]
            steps = path[: rng.randint(1, min(4, len(path)))]
            day = rng.randrange(DAYS - 400)
            dated = []
            for status in steps:
                day += rng.randrange(1, 90)
                date = EPOCH + dt.timedelta(days=day)
                dated.append((date, status))
                ids["event"] += 1
                stamp = self.stamp(day)
                events.append(
                    [
                        ids["event"],
                        i,
                        date,
                        "day",
                        status,
                        "",
                        "",
                        rng.randrange(1, n["sources"] + 1),
                        stamp,
                        stamp,
                    ]
                )
            status_on, status = dated[-1]
            announced = [d for d, s in dated if s == "announced"]
            agreed = [d for d, s in dated if s in ("signed", "in_delivery", "completed")]
            announced_on = (announced or agreed or [None])[0]
            for source in {rng.randrange(1, n["sources"] + 1) for _ in range(rng.randint(1, 3))}:
                ids["source"] += 1
                sources.append([ids["source"], i, source])
            if rng.random() < 0.35:
                ids["meeting"] += 1
                meetings.append(
                    [ids["meeting"], i, rng.randrange(1, n["meetings"] + 1), "announced"]
                )
            quantity = amount = None
            if unit and rng.random() < 0.8:
                quantity = Decimal(rng.randrange(100, 300_000))
            disclosure = ("disclosed", "estimated", "undisclosed")[rng.randrange(3)]
            if disclosure != "undisclosed":
                amount = Decimal(rng.randrange(1, 50_000)) * 100_000
            rows.append(
                [
                    i,
                    *self.record(i, "deal", day, rng.random() > 0.02),
                    amount,
                    "USD" if amount is not None else "",
                    disclosure,
                    "exact",
                    "",
                    "",
                    amount,
                    None,
                    f"{self.company_en[supplier]} to supply {product} to {self.company_en[buyer]}",
                    f"{self.company_ko[supplier]}, {self.company_ko[buyer]}에 {product_ko} 공급",
                    f"A synthetic deal for the benchmark, number {i}.",
                    f"벤치마크용 합성 거래 {i}번.",
                    kind,
                    product,
                    product_ko,
                    category,
                    quantity,
                    unit if quantity is not None else "",
                    "exact",
                    status,
                    status_on,
                    announced_on,
                    rng.randrange(1, n["projects"] + 1) if i % 4 == 0 else None,
                ]
            )
        return rows, parties, events, meetings, sources


DEAL_COLUMNS = [
    "id",
    *Builder.RECORD,
    "amount",
    "currency",
    "disclosure",
    "amount_qualifier",
    "amount_note",
    "amount_note_ko",
    "usd_amount",
    "usd_rate_id",
    "title",
    "title_ko",
    "summary",
    "summary_ko",
    "kind",
    "product",
    "product_ko",
    "product_category",
    "quantity",
    "quantity_unit",
    "quantity_qualifier",
    "status",
    "status_on",
    "announced_on",
    "project_id",
]
