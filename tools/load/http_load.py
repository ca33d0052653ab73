#!/usr/bin/env python3
"""HTTP load benchmark (issue 5): a registration-opening surge against `registrar serve` on loopback.

Standard library only. Run by `make bench-http`; see BENCHMARKS.md ("HTTP load (issue 5)") for the method.

1. Starts `registrar serve --db <fresh file> --port 0 --demo N` and waits for /health.
2. As the demo administrator, reopens online registration around now (PUT /api/v1/admin/season/calendar: the demo's
   calendar ends registration in January 2026), logs in the demo reviewers and lists their sites' applications.
3. Registers C fresh candidates through POST /api/v1/candidates, then logs them in (POST /api/v1/sessions): two
   small timed phases of their own (PBKDF2 at 210,000 rounds makes them CPU-bound by design).
4. The timed window: two wrk processes at once, tools/load/writes.lua (candidates' commands) and
   tools/load/reads.lua (reviewers' comparisons and queues, candidates' own files), each with its own statistics.
   The log's head position and row count are read before and after: every counted write must have appended.
5. Stops the server (SIGTERM), runs `registrar bench --only commands` of the same binary for the in-process
   command rate, and prints the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent

ADMIN = ("demo_admin", "Admin2026")
REVIEWER_PASSWORD = "Review2026"
WRITE_TARGET = 5_000
READ_TARGET = 20_000
P99_TARGET_MS = 50.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(samples: list[float], q: float) -> float:
    """Index round((n - 1) * q) of the sorted samples (RegistrarBench's Latency)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[int((len(ordered) - 1) * q + 0.5)]


def fmt_int(value: float) -> str:
    return f"{value:,.0f}"


def fmt_ms(us: float) -> str:
    ms = us / 1000.0
    if ms < 1:
        return f"{us:.0f} µs"
    return f"{ms:.2f} ms"


# MARK: - HTTP


def reply_cache_lookups(client) -> dict:
    """The server's reply-cache lookups so far, by "read/result", from /metrics."""
    status, text = client.call("GET", "/metrics")
    lookups = {}
    if status != 200:
        return lookups
    if isinstance(text, (bytes, bytearray)):
        text = text.decode()
    for match in re.finditer(r'^registrar_reply_cache_lookups_total\{read="([^"]+)",result="([^"]+)"\} (\d+)$', str(text), re.M):
        lookups[f"{match.group(1)}/{match.group(2)}"] = int(match.group(3))
    return lookups


class Client:
    """One keep-alive connection (one per thread)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.connection = http.client.HTTPConnection(host, port, timeout=120)
        self.last_headers: http.client.HTTPMessage | None = None

    def call(self, method: str, path: str, body: object | None = None, token: str | None = None, key: str | None = None):
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if key:
            headers["Idempotency-Key"] = key
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                raw = response.read()
                self.last_headers = response.headers
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 1:
                    raise
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode("utf-8", "replace")
        return response.status, payload


_local = threading.local()


def client(host: str, port: int) -> Client:
    if getattr(_local, "client", None) is None:
        _local.client = Client(host, port)
    return _local.client


def expect(status: int, payload, what: str, ok=(200, 201)) -> object:
    if status not in ok:
        raise SystemExit(f"{what}: HTTP {status}: {payload}")
    return payload


# MARK: - Candidates

SURNAMES = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"), ("赵", "zhao")]
GIVEN = [("伟", "wei"), ("芳", "fang"), ("明华", "minghua"), ("丽娟", "lijuan"), ("建国", "jianguo"), ("晓东", "xiaodong"), ("静", "jing"), ("思远", "siyuan")]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(index: int, run: int) -> str:
    """A valid 居民身份证 number (GB 11643-1999 check character), unique per index and run."""
    birth_year = 1985 + index % 15
    birth = f"{birth_year}{1 + index % 12:02d}{1 + (index // 12) % 28:02d}"
    first17 = f"4201{(run % 90) + 10:02d}{birth}{index % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS))
    return first17 + "10X98765432"[total % 11]


def registration_body(index: int, run: int) -> dict:
    surname, surname_pinyin = SURNAMES[index % len(SURNAMES)]
    given, given_pinyin = GIVEN[(index // len(SURNAMES)) % len(GIVEN)]
    return {
        "username": f"lt{run % 100000:05d}_{index:05d}",
        "name": surname + given,
        "surnamePinyin": surname_pinyin,
        "givenNamePinyin": given_pinyin,
        "idType": "居民身份证",
        "idNumber": id_number(index, run),
        "nationality": "中国",
        "ethnicity": "汉族",
        "password": f"pw{index:05d}x",
        "recoveryQuestion": "我的母校是哪所学校?",
        "recoveryAnswer": "同济医学院",
    }


# MARK: - Machine


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def sqlite_version() -> str:
    if shutil.which("sqlite3"):
        out = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()
        if out:
            return f"SQLite {out[0]} (sqlite3 CLI)"
    return f"SQLite {sqlite3.sqlite_version} (Python's)"


def wrk_version() -> str:
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (out.stdout + out.stderr).splitlines()[0].split(" [")[0] if (out.stdout + out.stderr) else "wrk"


def machine_busy_ticks() -> tuple[int, int]:
    """(busy, total) jiffies over all CPUs from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def process_ticks(pid: int) -> int:
    """utime + stime of a process, in jiffies."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# MARK: - The log


def event_count(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as connection:
        return connection.execute("SELECT count(*) FROM events").fetchone()[0]


def event_types_after(db: Path, position: int) -> dict[str, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as connection:
        rows = connection.execute(
            "SELECT event_type, count(*) FROM events WHERE position > ? GROUP BY event_type ORDER BY 2 DESC", (position,)
        ).fetchall()
    return dict(rows)


# MARK: - Phases


def start_server(args, db: Path, workdir: Path):
    out_path, err_path = workdir / "serve.out", workdir / "serve.log"
    command = [args.binary, "serve", "--db", str(db), "--port", "0", "--demo", str(args.demo), "--log-level", args.server_log_level,
               "--reply-cache-mb", str(args.reply_cache_mb), "--registrations-per-client", "1000000"]
    log(f"starting: {' '.join(command)}")
    process = subprocess.Popen(command, stdout=open(out_path, "w"), stderr=open(err_path, "w"))
    deadline = time.monotonic() + args.start_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"registrar serve exited with {process.returncode}; see {err_path}")
        match = re.search(r"registrar serving .* at http://([^:/]+):(\d+)", out_path.read_text())
        if match:
            host, port = match.group(1), int(match.group(2))
            for _ in range(100):
                try:
                    status, _ = Client(host, port).call("GET", "/health")
                    if status == 200:
                        return process, host, port, out_path
                except OSError:
                    pass
                time.sleep(0.1)
        time.sleep(0.2)
    process.kill()
    raise SystemExit("registrar serve did not start in time")


def reopen_registration(c: Client, admin_token: str) -> dict:
    """Online registration open around now: the demo's window closed in January 2026."""
    season = expect(*c.call("GET", "/api/v1/season"), "GET /api/v1/season")
    calendar = dict(season["calendar"])
    now = dt.datetime.now(dt.timezone.utc)

    def iso(moment: dt.datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    day = dt.timedelta(days=1)
    calendar["registrationOpens"] = iso(now - day)
    calendar["registrationCloses"] = iso(now + day)
    calendar["reviewOpens"] = iso(now + day)
    calendar["paymentOpens"] = iso(now + 2 * day)
    calendar["reviewCloses"] = iso(now + 30 * day)
    calendar["paymentCloses"] = iso(now + 45 * day)
    expect(*c.call("PUT", "/api/v1/admin/season/calendar", calendar, token=admin_token, key="load-calendar"), "set calendar")
    season = expect(*c.call("GET", "/api/v1/season"), "GET /api/v1/season")
    if season["phase"] != "onlineRegistration":
        raise SystemExit(f"the season is in phase {season['phase']} after reopening registration")
    return season


def timed_phase(name: str, items: list, work, concurrency: int) -> dict:
    latencies: list[float] = []
    failures: dict[str, int] = {}
    lock = threading.Lock()

    def run(item):
        started = time.perf_counter()
        ok, result, label = work(item)
        elapsed = (time.perf_counter() - started) * 1e6
        with lock:
            if ok:
                latencies.append(elapsed)
            else:
                failures[label] = failures.get(label, 0) + 1
        return result

    log(f"{name}: {len(items)} with {concurrency} concurrent clients")
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(run, items))
    seconds = time.perf_counter() - started
    return {
        "name": name,
        "count": len(items),
        "ok": len(latencies),
        "failures": failures,
        "seconds": seconds,
        "rate": len(latencies) / seconds if seconds else 0.0,
        "p50_us": percentile(latencies, 0.5),
        "p99_us": percentile(latencies, 0.99),
        "results": results,
    }


def run_wrk(args, url: str, script: str, connections: int, extra: list[str], workdir: Path, name: str):
    command = [
        "wrk", f"-t{args.threads}", f"-c{connections}", f"-d{args.duration}s", "--timeout", "30s",
        "-s", str(HERE / script), url, "--", *extra,
    ]
    out = open(workdir / f"wrk-{name}.out", "w+")
    return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=HERE), out


def parse_wrk(out) -> dict:
    out.seek(0)
    text = out.read()
    for line in text.splitlines():
        if line.startswith("LOAD-JSON "):
            return json.loads(line[len("LOAD-JSON ") :])
    raise SystemExit(f"wrk printed no LOAD-JSON line:\n{text}")


def in_process_commands(args, workdir: Path) -> dict:
    command = [
        args.binary, "bench", "--only", "commands", "--candidates-per-client", str(args.inprocess_candidates_per_client),
        "--dir", str(workdir / "inprocess"),
    ]
    log(f"in-process command path: {' '.join(command)}")
    (workdir / "inprocess").mkdir(exist_ok=True)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"registrar bench failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    rate = re.search(r"^1\. durable commands, (\d+) clients\s.*?([\d,]+) cmd/s", done.stdout, re.M)
    latency = re.search(r"command latency p50 / p99\s+([\d.]+ \S+) / ([\d.]+ \S+)", done.stdout)
    rounds = re.search(r"rounds: ([^;\n]+)", done.stdout)
    if not rate:
        raise SystemExit(f"no 'durable commands' row in the output of registrar bench:\n{done.stdout}")
    return {
        "clients": int(rate.group(1)),
        "commands_per_second": float(rate.group(2).replace(",", "")),
        "latency": f"{latency.group(1)} / {latency.group(2)}" if latency else "",
        "rounds": rounds.group(1).strip() if rounds else "",
        "seconds": time.perf_counter() - started,
        "output": done.stdout,
    }


# MARK: - Main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build-bench/release/registrar", help="the registrar release binary")
    parser.add_argument("--dir", default="var/bench", help="directory for the SQLite file and the logs")
    parser.add_argument("--demo", type=int, default=500, help="demo season size played into the fresh log")
    parser.add_argument("--candidates", type=int, default=256, help="candidates registered and logged in for the writes")
    parser.add_argument("--register-concurrency", type=int, default=4, help="concurrent clients of the registration phases")
    parser.add_argument("--duration", type=int, default=20, help="seconds of the timed window")
    parser.add_argument("--write-connections", type=int, default=64)
    parser.add_argument("--read-connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads per wrk process")
    parser.add_argument("--mix", default="own:9,comparison:9,queue:2", help="reads: requests per kind per round")
    parser.add_argument("--no-writes", action="store_true", help="reads only")
    parser.add_argument("--no-reads", action="store_true", help="writes only")
    parser.add_argument("--inprocess-candidates-per-client", type=int, default=4)
    parser.add_argument("--skip-inprocess", action="store_true", help="no in-process command benchmark (no ratio)")
    parser.add_argument("--server-log-level", default="info",
                        help="registrar serve --log-level (info, the default, writes one JSON line per request)")
    parser.add_argument("--reply-cache-mb", type=int, default=64,
                        help="the server's reply cache (0: off, every read built from the read models)")
    parser.add_argument("--keep-files", action="store_true")
    parser.add_argument("--start-timeout", type=float, default=600)
    args = parser.parse_args()

    if not shutil.which("wrk"):
        raise SystemExit("wrk not found (Debian: apt-get install wrk; `make bench-http` installs it)")
    if not Path(args.binary).is_file():
        raise SystemExit(f"{args.binary} not found: build it with swift build -c release --scratch-path .build-bench --product registrar")
    if args.candidates < 2 * args.write_connections and not args.no_writes:
        raise SystemExit("--candidates must be at least twice --write-connections (one request in flight per candidate)")

    run = int(time.time()) % 100000
    workdir = Path(args.dir) / f"http-load-{run}"
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "registrar.sqlite"
    machine = {
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "sqlite": sqlite_version(),
        "wrk": wrk_version(),
        "load_before": load_average(),
    }
    whole = time.perf_counter()
    process, host, port, out_path = start_server(args, db, workdir)
    url = f"http://{host}:{port}"
    results: dict = {"machine": machine, "arguments": vars(args)}
    try:
        c = Client(host, port)
        admin = expect(*c.call("POST", "/api/v1/sessions", {"username": ADMIN[0], "password": ADMIN[1]}), "admin log-in")
        season = reopen_registration(c, admin["token"])
        sites = {site["code"]: site for site in season["sites"]}
        exams = [e for e in season["exams"] if not e.get("withdrawn")]
        exam = next((e["code"] for e in exams if e["code"] == "110"), exams[0]["code"])

        # Reviewers of the demo sites, and the applications at their sites.
        reviewers: dict[str, str] = {}
        comparisons: list[tuple[str, str]] = []
        for code in sorted(sites):
            status, reply = c.call("POST", "/api/v1/sessions", {"username": f"reviewer_{code}", "password": REVIEWER_PASSWORD})
            if status != 201 or code not in reply.get("siteCodes", []):
                continue
            reviewers[code] = reply["token"]
            # The whole queue, page by page (the server's pages follow each other through `Link: rel="next"`).
            path: str | None = f"/api/v1/review/sites/{code}/queue?limit=500"
            while path:
                for item in expect(*c.call("GET", path, token=reply["token"]), f"queue {code}"):
                    # An abandoned application is no longer the site's to review: its comparison is refused (403)
                    # once its candidate has no other application there. Reviewers read the ones they review.
                    if item.get("status") != "abandoned":
                        comparisons.append((item["applicationID"], reply["token"]))
                link = (c.last_headers.get("Link") if c.last_headers else None) or ""
                path = link[1:link.index(">")] if link.startswith("<") and 'rel="next"' in link else None
        if not reviewers:
            raise SystemExit("no demo reviewer could log in")
        log(f"{len(reviewers)} reviewers, {len(comparisons)} applications at their sites; exam {exam}")
        review_sites = sorted(reviewers)

        # Registration and log-in: their own small timed phases.
        def register(index: int):
            body = registration_body(index, run)
            status, reply = client(host, port).call("POST", "/api/v1/candidates", body, key=f"load-register-{run}-{index}")
            ok = status == 201
            return ok, (index, body, reply if ok else None), f"HTTP {status} {reply.get('code') if isinstance(reply, dict) else ''}"

        registration = timed_phase("registration", list(range(args.candidates)), register, args.register_concurrency)
        registered = [r for r in registration["results"] if r[2]]

        def login(item):
            index, body, reply = item
            status, session = client(host, port).call("POST", "/api/v1/sessions", {"username": body["username"], "password": body["password"]})
            ok = status == 201
            return ok, (index, reply["candidateID"], session["token"] if ok else None), f"HTTP {status}"

        logins = timed_phase("log-in", registered, login, args.register_concurrency)
        sessions = [s for s in logins["results"] if s[2]]
        if len(sessions) < 2 * args.write_connections and not args.no_writes:
            raise SystemExit(f"only {len(sessions)} candidates logged in ({registration['failures']}, {logins['failures']})")

        candidates_file = workdir / "candidates.tsv"
        with open(candidates_file, "w") as out:
            for number, (index, candidate_id, token) in enumerate(sessions):
                site = review_sites[number % len(review_sites)]
                out.write(f"{candidate_id}\t{token}\t{exam}\t{sites[site]['areaCode']}\t{site}\t{number}\n")
        reads_file = workdir / "reads.tsv"
        with open(reads_file, "w") as out:
            for _, candidate_id, token in sessions:
                out.write(f"own\t/api/v1/candidates/{candidate_id}\t{token}\n")
            for application_id, token in comparisons:
                out.write(f"comparison\t/api/v1/review/applications/{application_id}/comparison\t{token}\n")
            for code, token in reviewers.items():
                out.write(f"queue\t/api/v1/review/sites/{code}/queue\t{token}\n")

        # The timed window.
        cache_before = reply_cache_lookups(c)
        head_before = expect(*c.call("GET", "/health"), "health")["headPosition"]
        rows_before = event_count(db)
        load_window_before = load_average()
        busy_before, total_before = machine_busy_ticks()
        server_before = process_ticks(process.pid)
        children_before = children_cpu()
        log(f"timed window: {args.duration} s, {args.write_connections} write + {args.read_connections} read connections, "
            f"{args.threads} wrk thread(s) each; head {head_before}")
        started = time.perf_counter()
        running = []
        if not args.no_writes:
            running.append(("writes", *run_wrk(args, url, "writes.lua", args.write_connections,
                                               [str(candidates_file.resolve()), f"L{run}", str(args.threads)], workdir, "writes")))
        if not args.no_reads:
            running.append(("reads", *run_wrk(args, url, "reads.lua", args.read_connections,
                                              [str(reads_file.resolve()), f"L{run}", args.mix], workdir, "reads")))
        for _, proc, _ in running:
            proc.wait()
        window = time.perf_counter() - started
        server_after = process_ticks(process.pid)
        busy_after, total_after = machine_busy_ticks()
        wrk_cpu = children_cpu() - children_before
        load_window_after = load_average()
        time.sleep(0.5)  # requests wrk left in flight finish
        head_after = expect(*c.call("GET", "/health"), "health")["headPosition"]
        rows_after = event_count(db)
        types = event_types_after(db, head_before)
        stats = {name: parse_wrk(out) for name, _, out in running}
        cache_after = reply_cache_lookups(c)

        hz = os.sysconf("SC_CLK_TCK")
        cores = os.cpu_count() or 1
        machine_busy = (busy_after - busy_before) / hz
        server_cpu = (server_after - server_before) / hz
        results.update(
            {
                "registration": {k: v for k, v in registration.items() if k != "results"},
                "login": {k: v for k, v in logins.items() if k != "results"},
                "window_seconds": window,
                "head_before": head_before,
                "head_after": head_after,
                "rows_before": rows_before,
                "rows_after": rows_after,
                "event_types": types,
                "wrk": stats,
                "cpu": {
                    "server_seconds": server_cpu,
                    "wrk_seconds": wrk_cpu,
                    "machine_busy_seconds": machine_busy,
                    "machine_seconds": (total_after - total_before) / hz,
                    "cores": cores,
                },
                "load_window": [load_window_before, load_window_after],
                "reply_cache": {key: cache_after.get(key, 0) - cache_before.get(key, 0) for key in cache_after},
                "reviewers": len(reviewers),
                "comparisons": len(comparisons),
                "candidates": len(sessions),
            }
        )
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    if not args.skip_inprocess:
        results["inprocess"] = in_process_commands(args, workdir)
    machine["load_after"] = load_average()
    results["whole_seconds"] = time.perf_counter() - whole
    (workdir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    report(results, args)
    if not args.keep_files:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(workdir / "inprocess", ignore_errors=True)
    log(f"results and logs: {workdir}")
    return 0


def report(r: dict, args) -> None:
    m = r["machine"]
    window = r["window_seconds"]
    cpu = r["cpu"]
    print("HTTP load (issue 5): registration-opening surge against registrar serve on loopback; wrk writes and reads at once")
    print(f"machine: {m['cores']} cores ({m['cpu']}), {m['sqlite']}, {m['wrk']}; load average {m['load_before']} → {m['load_after']}")
    print(f"server: registrar serve --log-level {args.server_log_level} --reply-cache-mb {args.reply_cache_mb}, standard error to a file")
    print(f"log: demo season of {args.demo} candidates, registration reopened by the admin; {r['candidates']} fresh candidates, "
          f"{r['reviewers']} reviewers, {r['comparisons']} applications at their sites")
    parts = []
    if "writes" in r["wrk"]:
        parts.append(f"wrk -t{args.threads} -c{args.write_connections} (writes)")
    if "reads" in r["wrk"]:
        parts.append(f"wrk -t{args.threads} -c{args.read_connections} (reads, mix {args.mix})")
    print(f"window: {window:.1f} s, {' and '.join(parts)} at once; load average {r['load_window'][0]} → {r['load_window'][1]}")
    print()
    rows = []
    for phase in (r["registration"], r["login"]):
        rows.append((f"{phase['name']} ({args.register_concurrency} clients, before the window)",
                     f"{phase['rate']:,.1f}/s", f"{fmt_ms(phase['p50_us'])} / {fmt_ms(phase['p99_us'])}", "(reported)", ""))
    writes = r["wrk"].get("writes")
    reads = r["wrk"].get("reads")
    durable = 0.0
    if writes:
        ok = sum(k["ok"] for k in writes["kinds"].values())
        noop = writes["counters"].get("noop", 0)
        durable = (ok - noop) / (writes["duration_us"] / 1e6)
        p99 = writes["latency_us"]["p99"] / 1000
        met = durable >= WRITE_TARGET and p99 < P99_TARGET_MS
        rows.append(("durable writes (2xx, each appended ≥ 1 event)", f"{durable:,.0f}/s",
                     f"{fmt_ms(writes['latency_us']['p50'])} / {fmt_ms(writes['latency_us']['p99'])}",
                     f"≥ {WRITE_TARGET:,}/s, p99 < {P99_TARGET_MS:.0f} ms", "met" if met else "MISSED"))
        for kind in ("contact", "education", "work", "submit", "abandon", "remove"):
            k = writes["kinds"].get(kind)
            if k:
                rows.append((f"  {kind}", f"{k['ok'] / (writes['duration_us'] / 1e6):,.0f}/s",
                             f"{fmt_ms(k['p50_us'])} / {fmt_ms(k['p99_us'])}", f"{k['failed']} refused" if k["failed"] else "", ""))
    if reads:
        ok = sum(k["ok"] for k in reads["kinds"].values())
        rate = ok / (reads["duration_us"] / 1e6)
        p99 = reads["latency_us"]["p99"] / 1000
        met = rate >= READ_TARGET and p99 < P99_TARGET_MS
        rows.append(("reads (2xx)", f"{rate:,.0f}/s", f"{fmt_ms(reads['latency_us']['p50'])} / {fmt_ms(reads['latency_us']['p99'])}",
                     f"≥ {READ_TARGET:,}/s, p99 < {P99_TARGET_MS:.0f} ms", "met" if met else "MISSED"))
        for kind in ("own", "comparison", "queue"):
            k = reads["kinds"].get(kind)
            if k and (k["ok"] or k["failed"]):
                rows.append((f"  {kind}", f"{k['ok'] / (reads['duration_us'] / 1e6):,.0f}/s",
                             f"{fmt_ms(k['p50_us'])} / {fmt_ms(k['p99_us'])}", f"{k['failed']} failed" if k["failed"] else "", ""))
    inprocess = r.get("inprocess")
    if inprocess and writes:
        rows.append((f"in-process commands, {inprocess['clients']} clients (same binary, after)",
                     f"{inprocess['commands_per_second']:,.0f}/s", inprocess["latency"], "(reported)", ""))
        rows.append(("HTTP durable writes/s ÷ in-process commands/s", f"{durable / inprocess['commands_per_second']:.2f}×", "", "(reported)", ""))
    headers = ("scenario", "requests/s", "p50 / p99", "target", "")
    widths = [max(len(str(row[i])) for row in rows + [headers]) for i in range(5)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    print("  ".join("-" * w for w in widths[:4]))
    for row in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())
    print()
    if writes:
        delta = r["head_after"] - r["head_before"]
        rows_delta = r["rows_after"] - r["rows_before"]
        ok = sum(k["ok"] for k in writes["kinds"].values())
        counters = writes["counters"]
        statuses = ", ".join(f"{k}: {v:,}" for k, v in sorted(writes["statuses"].items()))
        print(f"writes: {writes['requests']:,} responses ({statuses}); {ok:,} 2xx, {counters.get('noop', 0)} of them appended "
              f"nothing; {counters.get('events_acknowledged', 0):,} events acknowledged to wrk")
        print(f"log: head {r['head_before']:,} → {r['head_after']:,} (+{delta:,} events, {delta / window:,.0f} ev/s; "
              f"rows +{rows_delta:,}); {', '.join(f'{t} {n:,}' for t, n in r['event_types'].items())}")
        errors = {k: v for k, v in writes["errors"].items() if v}
        print(f"refused: {counters.get('broken', 0)} candidates set aside; socket errors {errors or 'none'}; "
              f"requests outside a candidate's cycle {counters.get('extra', 0)}; unmatched replies {counters.get('unmatched', 0)}")
    if reads:
        statuses = ", ".join(f"{k}: {v:,}" for k, v in sorted(reads["statuses"].items()))
        errors = {k: v for k, v in reads["errors"].items() if v}
        print(f"reads: {reads['requests']:,} responses ({statuses}); socket errors {errors or 'none'}")
    cache = r.get("reply_cache") or {}
    kinds = sorted({key.split("/")[0] for key in cache})
    if any(cache.values()):
        shares = []
        for kind in kinds:
            hits, misses = cache.get(f"{kind}/hit", 0), cache.get(f"{kind}/miss", 0)
            if hits + misses:
                shares.append(f"{kind} {hits / (hits + misses):.0%} of {hits + misses:,}")
        print(f"reply cache in the window (hits): {'; '.join(shares)}")
    print(f"CPU in the window (core-seconds over {window:.1f} s, {cpu['cores']} cores = {cpu['cores'] * window:.1f}): "
          f"server {cpu['server_seconds']:.1f}, wrk {cpu['wrk_seconds']:.1f}, everything else "
          f"{max(0.0, cpu['machine_busy_seconds'] - cpu['server_seconds'] - cpu['wrk_seconds']):.1f}, idle "
          f"{max(0.0, cpu['machine_seconds'] - cpu['machine_busy_seconds']):.1f}")
    responses = sum(w["requests"] for w in r["wrk"].values())
    if responses:
        per = cpu["server_seconds"] / responses * 1000
        print(f"server CPU per response: {per:.2f} ms (at that cost {cpu['cores']} whole cores would serve "
              f"~{cpu['cores'] * 1000 / per:,.0f} responses/s)")
    if writes and inprocess:
        print(f"in-process: registrar bench --only commands --candidates-per-client {args.inprocess_candidates_per_client}: "
              f"rounds {inprocess['rounds']}; {inprocess['seconds']:.0f} s")
    print(f"whole benchmark {r['whole_seconds']:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
