#!/usr/bin/env python3
"""Peer side of Registrar's event-store benchmark.

Runs a candidate-registration workload through the Python `eventsourcing`
library (pinned in requirements.txt) with its SQLite persistence module, left
at the library's default durability (WAL journal, SQLite's compiled-in
`synchronous` level; the library sets no PRAGMA beyond journal_mode=WAL).
Everything goes through the library's public application/aggregate API:
`Application.save`, `Application.repository.get`, snapshotting via
`snapshotting_intervals`, and `Application.notification_log` plus the
application's mapper for reading the whole log back.

See README.md beside this file for what each figure means and how the Swift
side reproduces the same workload.
"""

import argparse
import json
import math
import platform
import random
import sqlite3
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

EVENTS_PER_CANDIDATE = 20  # 1 registration + 19 follow-up events.
SNAPSHOT_INTERVAL = 10
PAYLOAD_MIN_BYTES = 250
PAYLOAD_MAX_BYTES = 500
LOAD_SAMPLES = 2000  # Timed repository.get calls per load measurement.
LOAD_WARMUP = 100  # Untimed gets first, so one-off topic resolution is excluded.
READ_PAGE_SIZE = 1000  # Notifications fetched per notification_log.select call.

# Fixed namespace so candidate IDs are a pure function of the candidate number.
CANDIDATE_NAMESPACE = UUID("5d1c2a4e-8f3b-4c6d-9e7a-1b2c3d4e5f60")

DB_FILES = {
    "per_event": "peer-per-event.sqlite",
    "batch": "peer-batch.sqlite",
    "snapshots": "peer-snapshots.sqlite",
}


# ---------------------------------------------------------------------------
# Domain model: one aggregate per exam candidate (考生).
#
# Each command method is decorated with @event, so calling it triggers a domain
# event whose attributes are the method's arguments, and the method body is the
# event's apply logic, replayed when the repository reconstructs the aggregate.
# Every event carries a `remark` (备注) that pads its payload into the
# 250–500 byte band; the aggregate does not keep it.
# ---------------------------------------------------------------------------


class Candidate(Aggregate):
    @staticmethod
    def create_id(candidate_no: str) -> UUID:
        return uuid5(CANDIDATE_NAMESPACE, candidate_no)

    @event("Registered")
    def __init__(
        self,
        candidate_no: str,
        name: str,
        gender: str,
        id_card_no: str,
        birth_date: str,
        phone: str,
        email: str,
        address: str,
        exam_year: int,
        remark: str,
    ) -> None:
        self.candidate_no = candidate_no
        self.name = name
        self.gender = gender
        self.id_card_no = id_card_no
        self.birth_date = birth_date
        self.contact = {"phone": phone, "email": email, "address": address}
        self.exam_year = exam_year
        self.education: list[dict[str, str]] = []
        self.chsi_verifications: list[dict[str, str]] = []
        self.applications: dict[str, dict[str, Any]] = {}
        self.documents: list[dict[str, str]] = []

    @event("EducationAdded")
    def add_education(
        self,
        school: str,
        major: str,
        degree: str,
        start_date: str,
        end_date: str,
        student_no: str,
        remark: str,
    ) -> None:
        self.education.append(
            {
                "school": school,
                "major": major,
                "degree": degree,
                "start_date": start_date,
                "end_date": end_date,
                "student_no": student_no,
            }
        )

    @event("ChsiVerified")
    def verify_chsi(
        self,
        verification_code: str,
        school: str,
        degree: str,
        verified_on: str,
        result: str,
        remark: str,
    ) -> None:
        self.chsi_verifications.append(
            {"code": verification_code, "school": school, "result": result}
        )

    @event("ApplicationSubmitted")
    def submit_application(
        self,
        application_no: str,
        school: str,
        major: str,
        program_code: str,
        study_mode: str,
        remark: str,
    ) -> None:
        self.applications[application_no] = {
            "school": school,
            "major": major,
            "program_code": program_code,
            "study_mode": study_mode,
            "status": "已提交",
            "paid_fen": 0,
        }

    @event("ApplicationReviewed")
    def review_application(
        self,
        application_no: str,
        reviewer: str,
        decision: str,
        score: int,
        comments: str,
        remark: str,
    ) -> None:
        application = self.applications[application_no]
        application["status"] = decision
        application["score"] = score

    @event("FeePaid")
    def pay_fee(
        self,
        application_no: str,
        order_no: str,
        amount_fen: int,
        channel: str,
        paid_at: str,
        remark: str,
    ) -> None:
        self.applications[application_no]["paid_fen"] += amount_fen

    @event("ContactUpdated")
    def update_contact(self, phone: str, email: str, address: str, remark: str) -> None:
        self.contact = {"phone": phone, "email": email, "address": address}

    @event("DocumentUploaded")
    def upload_document(
        self, document_type: str, file_name: str, sha256: str, size_bytes: int, remark: str
    ) -> None:
        self.documents.append(
            {"type": document_type, "file_name": file_name, "sha256": sha256}
        )


class Candidates(Application):
    # Lets notification_log.select return READ_PAGE_SIZE items per call
    # (the library's default section size is 10).
    log_section_size = READ_PAGE_SIZE


class SnapshottingCandidates(Candidates):
    # The library's own mechanism: Application.save() takes a snapshot whenever
    # a saved event's version is a multiple of the interval.
    snapshotting_intervals = {Candidate: SNAPSHOT_INTERVAL}


def open_app(app_class: type[Candidates], db_path: Path) -> Candidates:
    # Passed as an explicit env so stray PERSISTENCE_MODULE etc. in the caller's
    # environment cannot switch the benchmark to another backend.
    return app_class(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db_path)}
    )


# ---------------------------------------------------------------------------
# Workload generation (untimed, deterministic from the seed).
# ---------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN_NAMES = [
    "三", "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋",
    "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "子涵",
    "浩然", "雨桐", "思远", "欣怡", "宇轩", "梓萱",
]
SCHOOLS = [
    "北京大学", "清华大学", "复旦大学", "浙江大学", "上海交通大学", "南京大学",
    "武汉大学", "中山大学", "四川大学", "华中科技大学", "西安交通大学",
    "哈尔滨工业大学", "北京协和医学院", "首都医科大学", "中国人民大学",
]
MAJORS = [
    ("临床医学", "100201"), ("计算机科学与技术", "081200"), ("法学", "030101"),
    ("汉语言文学", "050101"), ("金融学", "020204"), ("电子信息工程", "080701"),
    ("机械工程", "080200"), ("护理学", "101100"), ("口腔医学", "100300"),
    ("软件工程", "083500"), ("应用心理学", "040203"), ("公共管理", "120400"),
]
STREETS = [
    "北京市海淀区中关村大街59号", "上海市徐汇区漕溪北路88号",
    "广东省广州市天河区天河路385号", "浙江省杭州市西湖区文三路90号",
    "四川省成都市武侯区人民南路三段17号", "湖北省武汉市洪山区珞喻路1037号",
    "江苏省南京市鼓楼区汉口路22号", "陕西省西安市碑林区咸宁西路28号",
]
REGION_CODES = ["110108", "310104", "440106", "330106", "510107", "420111", "320106"]
DOCUMENT_TYPES = [
    ("身份证正反面", "jpg"), ("学位证书", "pdf"), ("毕业证书", "pdf"),
    ("成绩单", "pdf"), ("个人陈述", "docx"), ("推荐信", "pdf"),
]
REVIEWERS = ["招生办李老师", "研究生院王老师", "医学部陈老师", "审核组赵老师"]
DECISIONS = ["初审通过", "退回补充材料", "复审通过", "不予通过"]
REVIEW_COMMENTS = [
    "材料齐全，学历信息与学信网一致。",
    "成绩单缺少教务处盖章，请补充后重新提交。",
    "本科专业与报考专业相近，同意进入复试。",
    "英语六级成绩未上传，请在截止日期前补交。",
]
PAY_CHANNELS = ["微信支付", "支付宝", "银联在线"]
STUDY_MODES = ["全日制", "非全日制"]
DEGREES = ["学士", "硕士", "博士"]
# Source text for the padding remark; a random window of it is used per event.
REMARK_SOURCE = (
    "考生已按照招生简章要求在网上报名系统中如实填写个人信息并上传相关证明材料，"
    "本人承诺所提交的学历学位证书、身份证件及成绩单均真实有效，如有弄虚作假，"
    "愿意承担由此造成的一切后果。报名信息经学信网核验通过后方可进入资格审查环节，"
    "请考生于规定时间内完成网上缴费并留意短信及邮件通知，逾期未缴费者视为自动放弃。"
    "现场确认时请携带二代居民身份证原件、学历证书原件及复印件，应届毕业生须持学生证。"
)


def payload_size(fields: dict[str, Any]) -> int:
    """UTF-8 size of an event's fields as compact JSON, the way the library's
    JSONTranscoder writes them (without the library's timestamp/topic envelope)."""
    return len(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode())


def with_remark(rng: random.Random, fields: dict[str, Any]) -> dict[str, Any]:
    """Adds a Chinese `remark` sized so the payload lands in the size band.

    The remark's JSON encoding is its UTF-8 bytes plus quotes (its characters
    need no escaping), so the size can be computed without re-serialising.
    """
    target = rng.randint(PAYLOAD_MIN_BYTES, PAYLOAD_MAX_BYTES - 2)  # -2: a CJK char is 3 bytes.
    needed = target - payload_size({**fields, "remark": ""})
    start = rng.randrange(len(REMARK_SOURCE))
    remark: list[str] = []
    while needed > 0:
        char = REMARK_SOURCE[(start + len(remark)) % len(REMARK_SOURCE)]
        remark.append(char)
        needed -= len(char.encode())
    fields["remark"] = "".join(remark)
    size = payload_size(fields)
    assert PAYLOAD_MIN_BYTES <= size <= PAYLOAD_MAX_BYTES, (size, fields)
    return fields


def random_date(rng: random.Random, first_year: int, last_year: int) -> str:
    return f"{rng.randint(first_year, last_year)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def random_contact(rng: random.Random) -> dict[str, str]:
    return {
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
        "email": f"candidate{rng.randrange(10**6):06d}@example.cn",
        "address": f"{rng.choice(STREETS)}{rng.randint(1, 30)}栋"
        f"{rng.randint(1, 6)}单元{rng.randint(101, 2808)}室",
    }


# A candidate's script: ("register", kwargs) then 19 (method name, kwargs) steps.
Script = list[tuple[str, dict[str, Any]]]


def candidate_script(rng: random.Random, index: int) -> Script:
    birth_date = random_date(rng, 1995, 2003)
    registration = {
        "candidate_no": f"25110{index:09d}",  # 14 digits, unique per candidate.
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
        "gender": rng.choice("男女"),
        "id_card_no": f"{rng.choice(REGION_CODES)}{birth_date.replace('-', '')}"
        f"{rng.randrange(1000):03d}{rng.choice('0123456789X')}",
        "birth_date": birth_date,
        **random_contact(rng),
        "exam_year": 2025,
    }

    # Causally ordered core: education, its CHSI verification, then each
    # application's submission, review and fee payment.
    core: Script = []
    for degree in DEGREES[: rng.randint(1, 2)]:
        school = rng.choice(SCHOOLS)
        major = rng.choice(MAJORS)[0]
        core.append(("add_education", {
            "school": school, "major": major, "degree": degree,
            "start_date": random_date(rng, 2013, 2018), "end_date": random_date(rng, 2017, 2024),
            "student_no": f"{rng.randrange(10**10):010d}",
        }))
        core.append(("verify_chsi", {
            "verification_code": f"A{rng.randrange(16**15):015X}", "school": school,
            "degree": degree, "verified_on": random_date(rng, 2024, 2024), "result": "学历信息核验一致",
        }))
    for _ in range(rng.randint(2, 4)):
        application_no = f"SQ2025{rng.randrange(10**8):08d}"
        major, program_code = rng.choice(MAJORS)
        core.append(("submit_application", {
            "application_no": application_no, "school": rng.choice(SCHOOLS), "major": major,
            "program_code": program_code, "study_mode": rng.choice(STUDY_MODES),
        }))
        core.append(("review_application", {
            "application_no": application_no, "reviewer": rng.choice(REVIEWERS),
            "decision": rng.choice(DECISIONS), "score": rng.randint(60, 100),
            "comments": rng.choice(REVIEW_COMMENTS),
        }))
        core.append(("pay_fee", {
            "application_no": application_no, "order_no": f"ZF{rng.randrange(10**16):016d}",
            "amount_fen": rng.choice([18000, 20000, 25000]), "channel": rng.choice(PAY_CHANNELS),
            "paid_at": f"{random_date(rng, 2024, 2024)}T"
            f"{rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}:00+08:00",
        }))

    # Independent events fill the rest at random positions; they depend on
    # nothing, so the core's causal order is kept.
    steps = core
    while len(steps) < EVENTS_PER_CANDIDATE - 1:
        if rng.random() < 0.5:
            filler = ("update_contact", random_contact(rng))
        else:
            document_type, extension = rng.choice(DOCUMENT_TYPES)
            filler = ("upload_document", {
                "document_type": document_type,
                "file_name": f"{registration['name']}_{document_type}.{extension}",
                "sha256": f"{rng.getrandbits(256):064x}", "size_bytes": rng.randint(50_000, 5_000_000),
            })
        steps.insert(rng.randint(0, len(steps)), filler)

    script = [("register", registration), *steps]
    return [(method, with_remark(rng, fields)) for method, fields in script]


def build_workload(candidates: int, seed: int) -> list[Script]:
    rng = random.Random(seed)
    return [candidate_script(rng, index) for index in range(candidates)]


# ---------------------------------------------------------------------------
# Measurements.
# ---------------------------------------------------------------------------


def register(script: Script) -> Candidate:
    return Candidate(**script[0][1])


def save_per_event(app: Application, workload: list[Script]) -> float:
    """Seconds to save every event in its own transaction: one app.save()
    right after each event is triggered."""
    started = time.perf_counter()
    for script in workload:
        candidate = register(script)
        app.save(candidate)
        for method, fields in script[1:]:
            getattr(candidate, method)(**fields)
            app.save(candidate)
    return time.perf_counter() - started


def save_batched(app: Application, workload: list[Script]) -> float:
    """Seconds to save each candidate's events together: all of them are
    triggered, then one app.save() writes them in a single transaction."""
    started = time.perf_counter()
    for script in workload:
        candidate = register(script)
        for method, fields in script[1:]:
            getattr(candidate, method)(**fields)
        app.save(candidate)
    return time.perf_counter() - started


def time_loads(app: Application, ids: list[UUID], sample: list[UUID]) -> list[float]:
    """Microseconds per repository.get (no aggregate cache: the library's
    default), after an untimed warm-up."""
    for candidate_id in ids[:LOAD_WARMUP]:
        app.repository.get(candidate_id)
    timings = []
    for candidate_id in sample:
        started = time.perf_counter_ns()
        candidate = app.repository.get(candidate_id)
        timings.append((time.perf_counter_ns() - started) / 1000)
        assert candidate.version == EVENTS_PER_CANDIDATE
    return timings


def read_and_decode(app: Application) -> tuple[int, float]:
    """Reads the whole notification log page by page and decodes every stored
    event into its domain event object. Returns (events, seconds)."""
    count = 0
    version_sum = 0
    last_id = 0
    started = time.perf_counter()
    while notifications := app.notification_log.select(
        start=last_id, limit=READ_PAGE_SIZE, inclusive_of_start=False
    ):
        for notification in notifications:
            version_sum += app.mapper.to_domain_event(notification).originator_version
        count += len(notifications)
        last_id = notifications[-1].id
    elapsed = time.perf_counter() - started
    # Every candidate contributes versions 1..20, so this checks nothing was
    # skipped and that decoding produced real events.
    candidates = count // EVENTS_PER_CANDIDATE
    assert version_sum == candidates * EVENTS_PER_CANDIDATE * (EVENTS_PER_CANDIDATE + 1) // 2
    return count, elapsed


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (what the Swift side computes too)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def pragma(app: Application, name: str) -> Any:
    """Reads a PRAGMA on one of the library's own pooled connections, so the
    report shows the durability the library actually ran with."""
    with app.factory.datastore.transaction(commit=False) as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


def count_rows(app: Application, table: str) -> int:
    with app.factory.datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def log_summary(result: dict[str, Any], durability: tuple[str, int], sizes: list[int]) -> None:
    r = result
    log(
        f"\neventsourcing {r['library_version']}, Python {r['python_version']},"
        f" SQLite {r['sqlite_version']}\n"
        f"durability: journal_mode={durability[0]},"
        f" synchronous={durability[1]} (0=OFF 1=NORMAL 2=FULL 3=EXTRA)\n"
        f"workload: {r['candidates']} candidates, {r['events']} events, payload"
        f" {min(sizes)}-{max(sizes)} bytes (mean {sum(sizes) / len(sizes):.0f})\n"
        f"  save, 1 event per transaction      {r['per_event_save_eps']:>9,.0f} events/s\n"
        f"  save, 1 candidate per transaction  {r['batch_save_eps']:>9,.0f} events/s\n"
        f"  load, replay 20 events             {r['load_p50_us']:>9,.0f} us p50"
        f" {r['load_p99_us']:>9,.0f} us p99\n"
        f"  load, snapshot every {SNAPSHOT_INTERVAL:<2}            {r['load_snapshot_p50_us']:>9,.0f} us p50"
        f" {r['load_snapshot_p99_us']:>9,.0f} us p99\n"
        f"  read + decode whole log            {r['read_decode_eps']:>9,.0f} events/s"
    )


def run(candidates: int, db_dir: Path, seed: int) -> dict[str, Any]:
    db_dir.mkdir(parents=True, exist_ok=True)
    # Each run starts from empty databases.
    for file_name in DB_FILES.values():
        for suffix in ("", "-wal", "-shm"):
            (db_dir / (file_name + suffix)).unlink(missing_ok=True)

    log(f"generating {candidates} candidates x {EVENTS_PER_CANDIDATE} events (seed {seed})")
    workload = build_workload(candidates, seed)
    events = candidates * EVENTS_PER_CANDIDATE
    sizes = [payload_size(fields) for script in workload for _, fields in script]
    ids = [Candidate.create_id(script[0][1]["candidate_no"]) for script in workload]
    sample = random.Random(seed + 1).choices(ids, k=LOAD_SAMPLES)

    apps: list[Application] = []

    def opened(app_class: type[Candidates], key: str) -> Candidates:
        app = open_app(app_class, db_dir / DB_FILES[key])
        apps.append(app)
        return app

    try:
        per_event_app = opened(Candidates, "per_event")
        log("saving one event per transaction ...")
        per_event_seconds = save_per_event(per_event_app, workload)

        batch_app = opened(Candidates, "batch")
        log("saving one transaction per candidate ...")
        batch_seconds = save_batched(batch_app, workload)

        log(f"loading {LOAD_SAMPLES} random candidates without snapshots ...")
        loads = time_loads(batch_app, ids, sample)

        snapshot_app = opened(SnapshottingCandidates, "snapshots")
        log("populating the snapshotting application (untimed) ...")
        save_batched(snapshot_app, workload)
        snapshots = count_rows(snapshot_app, "stored_snapshots")
        assert snapshots == candidates * EVENTS_PER_CANDIDATE // SNAPSHOT_INTERVAL, snapshots
        log(f"loading {LOAD_SAMPLES} random candidates with snapshots every {SNAPSHOT_INTERVAL} events ...")
        snapshot_loads = time_loads(snapshot_app, ids, sample)

        log("reading and decoding the whole log ...")
        read_events, read_seconds = read_and_decode(batch_app)
        assert read_events == events, (read_events, events)

        durability = (pragma(batch_app, "journal_mode"), pragma(batch_app, "synchronous"))
    finally:
        for app in apps:
            app.close()

    result = {
        "candidates": candidates,
        "events": events,
        "per_event_save_eps": round(events / per_event_seconds, 1),
        "batch_save_eps": round(events / batch_seconds, 1),
        "load_p50_us": round(percentile(loads, 50), 1),
        "load_p99_us": round(percentile(loads, 99), 1),
        "load_snapshot_p50_us": round(percentile(snapshot_loads, 50), 1),
        "load_snapshot_p99_us": round(percentile(snapshot_loads, 99), 1),
        "read_decode_eps": round(read_events / read_seconds, 1),
        "library_version": version("eventsourcing"),
        "python_version": platform.python_version(),
        "sqlite_version": sqlite3.sqlite_version,
    }

    log_summary(result, durability, sizes)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, required=True, help="number of candidate aggregates")
    parser.add_argument("--db-dir", type=Path, required=True, help="directory for the SQLite files")
    parser.add_argument("--seed", type=int, default=42, help="workload seed (default 42)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = parser.parse_args(argv)
    if args.candidates < 1:
        parser.error("--candidates must be at least 1")

    result = run(args.candidates, args.db_dir, args.seed)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
