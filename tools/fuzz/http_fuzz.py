#!/usr/bin/env python3
"""HTTP fuzzing of `registrar serve`: what a client can send never causes a 5xx, and a refused write appends nothing.

Standard library only. Run by `make fuzz-http` (SEED and ITERATIONS may be given); see README.md ("Fuzzing the API").

1. Starts `registrar serve --db <fresh file> --port 0 --demo N` and waits for /health.
2. Logs in every demo role (candidate, reviewers, auditor, admin; API tokens and page cookies) and collects real ids
   (candidates, entries, applications, staff, exams, areas, sites) so that requests reach the handlers' rules, not
   only the id checks.
3. Sends ITERATIONS requests chosen from every operation of openapi.json and every page route, seeded: bodies made
   from the operation's schema and then broken (a required member dropped, wrong types, unknown members, huge or odd
   strings, deep nesting, invalid JSON or UTF-8, other top-level values, empty and oversized bodies), path and query
   parameters real or hostile, odd headers and credentials of every role. Then a few raw-socket requests that no
   HTTP library would send.
4. Checks every answer: never a 5xx or a dropped connection; every 4xx of the API is `{code, field, message}`
   JSON with none of the three empty; a 4xx to a write leaves the log's head where it was (the log is read from the file between requests).
5. Races (registration reopened by the admin, fresh candidates registered): the same write sent by 8 threads at
   once with one Idempotency-Key appends once and every thread gets the same answer; 8 different writes to one
   file at once all land (no lost update).
6. Stops the server (SIGTERM, expecting exit 0) and runs `registrar verify --db` on the log (hash chain, read
   models equal to a rebuild).

Exit status 0 when nothing failed; the failures (with the request that caused each) are written to
failures.jsonl in the working directory and summarised.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import itertools
import json
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC_PATH = HERE.parent.parent / "openapi.json"
sys.path.insert(0, str(HERE.parent / "load"))
import http_load  # noqa: E402  (valid registration bodies and the calendar reopening, shared with the load)

# The outside systems' secrets the fuzzed server is started with, so that half of the fuzzed callbacks are signed
# correctly and reach the handlers behind the signature check.
CALLBACK_SECRETS = {"X-Chsi": "fuzz-chsi-secret", "X-Bank": "fuzz-bank-secret"}
CANDIDATE = ("demo_candidate", "Demo2026")
ADMIN = ("demo_admin", "Admin2026")
AUDITOR = ("demo_auditor", "Audit2026")
REVIEWER_PASSWORD = "Review2026"
WRITE_METHODS = {"POST", "PUT", "DELETE", "PATCH"}

# Pages (server-rendered, cookie sessions): not in openapi.json.
PAGE_ROUTES = [
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/"),
    ("GET", "/review/sites/{siteCode}"),
    ("GET", "/review/applications/{applicationID}"),
    ("POST", "/review/applications/{applicationID}/approve"),
    ("POST", "/review/applications/{applicationID}/reject"),
    ("POST", "/review/applications/{applicationID}/corrections"),
    ("POST", "/review/applications/{applicationID}/signature"),
    ("GET", "/candidates/{candidateID}/history"),
    ("GET", "/candidates/{candidateID}/applications/{applicationID}/notice"),
    ("GET", "/audit"),
    ("GET", "/audit.csv"),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# MARK: The server


class Server:
    def __init__(self, binary: str, workdir: Path, demo: int) -> None:
        self.binary = binary
        self.db = workdir / "fuzz.sqlite"
        self.out = workdir / "serve.out"
        self.err = workdir / "serve.log"
        # Behind a "proxy" on loopback: each request names a client address of its own (X-Forwarded-For, see send),
        # so that the fuzzer's thousands of failed log-ins do not lock its one real address out part of the way in and
        # leave the rest of the run testing nothing but 401s.
        command = [binary, "serve", "--db", str(self.db), "--port", "0", "--demo", str(demo),
                   "--chsi-secret", CALLBACK_SECRETS["X-Chsi"], "--bank-secret", CALLBACK_SECRETS["X-Bank"],
                   "--trusted-proxy", "127.0.0.1"]
        log(f"starting: {' '.join(command)}")
        self.process = subprocess.Popen(command, stdout=open(self.out, "w"), stderr=open(self.err, "w"))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"registrar serve exited with {self.process.returncode}; see {self.err}")
            match = re.search(r"registrar serving .* at http://([^:/]+):(\d+)", self.out.read_text())
            if match:
                self.host, self.port = match.group(1), int(match.group(2))
                if self.wait_healthy():
                    return
            time.sleep(0.2)
        self.process.kill()
        raise SystemExit("registrar serve did not start in time")

    def wait_healthy(self) -> bool:
        for _ in range(100):
            try:
                status, _, _ = send(self, "GET", "/health")
                if status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def alive(self) -> bool:
        return self.process.poll() is None

    def head(self) -> tuple[int, int]:
        """The log's head position and event count, read from the file (the server's WAL included)."""
        connection = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            row = connection.execute("SELECT ifnull(max(position), 0), count(*) FROM events").fetchone()
            return int(row[0]), int(row[1])
        finally:
            connection.close()

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return -9


CLIENT_ADDRESSES = itertools.count(1)


def client_address() -> str:
    """A new client address in 10.0.0.0/8 for each request (the server trusts loopback as a proxy)."""
    n = next(CLIENT_ADDRESSES) % (1 << 24)
    return f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}"


def send(server: Server, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
    headers = dict(headers or {})
    if not any(name.lower() == "x-forwarded-for" for name in headers):
        headers["X-Forwarded-For"] = client_address()
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value.encode("utf-8"))
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        payload = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, payload
    finally:
        connection.close()


def api(server: Server, method: str, path: str, body: object | None = None, token: str | None = None, key: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    status, _, payload = send(server, method, path, data, headers)
    try:
        return status, json.loads(payload) if payload else None
    except ValueError:
        return status, None


# MARK: Real ids and credentials


class World:
    """Tokens of every role and ids that exist, so that fuzzed requests reach the rules behind the id checks."""

    def __init__(self, server: Server) -> None:
        self.tokens: dict[str, str] = {}
        self.own_candidate: str | None = None
        self.staff_ids: list[str] = []
        self.cookies: dict[str, str] = {}
        self.ids: dict[str, list[str]] = {
            "candidateID": [], "entryID": [], "applicationID": [], "staffID": [], "siteCode": [], "areaCode": [],
            "examCode": [], "orderNumber": [], "scanID": [],
        }
        accounts = {"candidate": CANDIDATE, "admin": ADMIN, "auditor": AUDITOR}
        for code in ["1101", "1108", "4201"]:
            accounts[f"reviewer_{code}"] = (f"reviewer_{code}", REVIEWER_PASSWORD)
        self.server = server
        self.accounts = accounts
        for role, (username, password) in accounts.items():
            status, reply = api(server, "POST", "/api/v1/sessions", {"username": username, "password": password})
            if status not in (200, 201) or not isinstance(reply, dict) or "token" not in reply:
                raise SystemExit(f"log-in of the demo account {username} failed: {status} {reply}")
            self.tokens[role] = reply["token"]
            self.ids["candidateID" if role == "candidate" else "staffID"].append(reply["subjectID"])
            if role != "candidate":
                self.staff_ids.append(reply["subjectID"])
            if role == "candidate":
                self.own_candidate = reply["subjectID"]
            form = urllib.parse.urlencode({"username": username, "password": password}).encode()
            status, headers, _ = send(server, "POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
            cookie = headers.get("set-cookie", "").split(";")[0]
            if cookie:
                self.cookies[role] = cookie
        status, season = api(server, "GET", "/api/v1/season")
        if status == 200 and isinstance(season, dict):
            self.collect(season)
        for code in ["1101", "1108", "4201"]:
            status, queue = api(server, "GET", f"/api/v1/review/sites/{code}/queue?limit=50", token=self.tokens[f"reviewer_{code}"])
            if status == 200:
                self.collect(queue)
        for candidate in list(self.ids["candidateID"])[:10]:
            status, file = api(server, "GET", f"/api/v1/candidates/{candidate}", token=self.tokens["auditor"])
            if status == 200:
                self.collect(file)
        for name in self.ids:
            self.ids[name] = sorted(set(self.ids[name]))
        log("ids: " + ", ".join(f"{name} {len(values)}" for name, values in self.ids.items()))

    def own_accounts(self) -> list[str]:
        """The subject ids of the accounts the fuzzer logged in."""
        return [self.own_candidate or ""] + self.staff_ids

    def log_in_again(self, role: str) -> bool:
        """A new token for a role whose token stopped working (a fuzzed log-out ended its session)."""
        username, password = self.accounts[role]
        status, reply = api(self.server, "POST", "/api/v1/sessions", {"username": username, "password": password})
        if status in (200, 201) and isinstance(reply, dict) and "token" in reply:
            self.tokens[role] = reply["token"]
            return True
        return False

    def collect(self, value: object, key: str = "") -> None:
        """Every string under a member whose name says which id it is."""
        names = {
            "candidateID": "candidateID", "candidateId": "candidateID", "entryID": "entryID", "entryId": "entryID",
            "applicationID": "applicationID", "applicationId": "applicationID", "siteCode": "siteCode",
            "areaCode": "areaCode", "examCode": "examCode", "orderNumber": "orderNumber", "staffID": "staffID",
            "educationEntryIDs": "entryID", "trainingEntryIDs": "entryID", "certificateEntryID": "entryID",
            "scanID": "scanID", "startedScanIDs": "scanID",
        }
        if isinstance(value, dict):
            for member, inner in value.items():
                self.collect(inner, member)
        elif isinstance(value, list):
            for inner in value:
                self.collect(inner, key)
        elif isinstance(value, str) and key in names:
            self.ids[names[key]].append(value)
        elif isinstance(value, str) and key == "id" and value:
            for prefix, name in (("candidate-", "candidateID"), ("app-", "applicationID"), ("staff-", "staffID")):
                if value.startswith(prefix):
                    self.ids[name].append(value)


# MARK: Values


HOSTILE_STRINGS = [
    "", " ", "\u0000", "\t\n", "null", "0", "-1", "1e400", "true", "' OR 1=1 --", "\"; DROP TABLE events; --",
    "../../etc/passwd", "%00", "%ff", "<script>alert(1)</script>", "{{name}}", "李" * 300, "𠀀𠀁", "\u202e\u200b",
    "é", "ｆｕｌｌｗｉｄｔｈ", "a" * 129, "a" * 5000, "x" * 100_000, "2026-13-45", "2026-02-30T25:61:00Z",
    "9999-12-31T23:59:59.999Z", "0000-00", "1900-01", "\ud800", "420106199001011234", "42010619900101123X",
]
HOSTILE_IDS = [
    "", "..", ".", "%2e%2e", "%2F", "a/b", "-leading", "_x", "a" * 129, "a" * 5000, "%00", "%ff%fe", "李",
    "%E6%9D%8E", "candidate-", "candidate-00000000000000000000000000000000", "app-x", "1101", "0", "null", "%20",
    "a%3Fb", "a%23b", "%25", "x" * 100_000,
]
WRONG_TYPES = [None, 0, -1, 1.5, 10**30, -(10**30), 1e308, True, False, "", "x", [], [1, "a"], {}, {"a": 1}]


def resolve(spec: dict, schema: dict) -> dict:
    while isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def valid_value(spec: dict, schema: dict, rng: random.Random, world: World, depth: int = 0, name: str = ""):
    schema = resolve(spec, schema)
    for choice in ("oneOf", "anyOf"):
        if choice in schema:
            return valid_value(spec, rng.choice(schema[choice]), rng, world, depth, name)
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = rng.choice([k for k in kind if k != "null"] or ["null"])
    if kind == "object" or "properties" in schema:
        out = {}
        required = set(schema.get("required", []))
        for member, inner in schema.get("properties", {}).items():
            if member in required or rng.random() < 0.6:
                out[member] = valid_value(spec, inner, rng, world, depth + 1, member)
        return out
    if kind == "array":
        return [valid_value(spec, schema.get("items", {}), rng, world, depth + 1, name) for _ in range(rng.randint(0, 3))]
    if kind == "integer":
        low, high = schema.get("minimum", 0), schema.get("maximum", 5)
        return rng.randint(low, max(low, high))
    if kind == "number":
        return rng.uniform(0, 1000)
    if kind == "boolean":
        return rng.random() < 0.5
    return plausible_string(schema, rng, world, name)


def plausible_string(schema: dict, rng: random.Random, world: World, name: str) -> str:
    ids = {"examCode": "examCode", "areaCode": "areaCode", "siteCode": "siteCode", "certificateEntryID": "entryID",
           "scanID": "scanID", "orderNumber": "orderNumber"}
    if name in ids and world.ids[ids[name]]:
        return rng.choice(world.ids[ids[name]])
    if name in ("educationEntryIDs", "trainingEntryIDs") and world.ids["entryID"]:
        return rng.choice(world.ids["entryID"])
    if schema.get("contentEncoding") == "base64":
        return base64.b64encode(b"\xff\xd8\xff\xe0" + bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 200)))).decode()
    pattern = schema.get("pattern", "")
    if "[0-9]{4}-[0-9]{2}$" in pattern:
        return f"{rng.randint(1990, 2030)}-{rng.randint(1, 12):02d}"
    if schema.get("format") == "date-time":
        return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00.000Z"
    if schema.get("format") == "date":
        return f"{rng.randint(1950, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return rng.choice(["普通全日制", "本科", "临床医学", "北京大学", "大陆", "13800138000", "a@b.cn", "张三", "x", "1101"])


def mutate(value: object, rng: random.Random) -> object:
    """One breakage somewhere in a JSON value."""
    if isinstance(value, dict) and value and rng.random() < 0.75:
        key = rng.choice(list(value))
        copy = dict(value)
        action = rng.random()
        if action < 0.25:
            del copy[key]
        elif action < 0.55:
            copy[key] = rng.choice(WRONG_TYPES + HOSTILE_STRINGS)
        elif action < 0.7:
            copy["unknownMember" + str(rng.randint(0, 9))] = rng.choice(WRONG_TYPES)
        else:
            copy[key] = mutate(copy[key], rng)
        return copy
    if isinstance(value, list) and value and rng.random() < 0.7:
        copy = list(value)
        index = rng.randrange(len(copy))
        copy[index] = mutate(copy[index], rng)
        if rng.random() < 0.2:
            copy = copy * 5000
        return copy
    return rng.choice(WRONG_TYPES + HOSTILE_STRINGS + [[value], {"value": value}])


def odd_values(value: object, rng: random.Random) -> object:
    """The same shape with some leaves replaced by values of the same type that the rules may refuse."""
    if isinstance(value, dict):
        return {k: odd_values(v, rng) for k, v in value.items()}
    if isinstance(value, list):
        return [odd_values(v, rng) for v in value]
    if rng.random() < 0.4:
        if isinstance(value, bool):
            return not value
        if isinstance(value, int):
            return rng.choice([0, -1, 2**31, 2**53, 999])
        if isinstance(value, str):
            return rng.choice(HOSTILE_STRINGS)
    return value


def broken_body(valid: object, rng: random.Random) -> tuple[bytes, str]:
    """A body and the name of how it was broken."""
    choice = rng.random()
    if choice < 0.25:
        odd = odd_values(valid, rng)
        return json.dumps(odd, ensure_ascii=False).encode("utf-8", "surrogatepass"), "odd values"
    if choice < 0.55:
        mutated = valid
        for _ in range(rng.randint(1, 3)):
            mutated = mutate(mutated, rng)
        # A lone surrogate cannot be UTF-8: it goes out as an escape (what a JSON client sends).
        return json.dumps(mutated, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass"), "mutated"
    if choice < 0.7:
        return json.dumps(valid, ensure_ascii=False).encode("utf-8", "surrogatepass"), "valid"
    raw = [
        (b"", "empty"),
        (b"{", "truncated"),
        (b"{\"a\":1,}", "trailing comma"),
        (b"{\"a\":1}{}", "two documents"),
        (b"[" * 20_000 + b"]" * 20_000, "deep array"),
        (b"{\"a\":" * 5_000 + b"1" + b"}" * 5_000, "deep object"),
        (b"\xef\xbb\xbf{}", "BOM"),
        (b"{\"name\":\"\xff\xfe\"}", "invalid UTF-8"),
        (b"{\"name\":\"\\ud800\"}", "lone surrogate escape"),
        (b"null", "null"),
        (b"42", "number"),
        (b"\"text\"", "string"),
        (b"[]", "array"),
        (b"{\"a\":1e999999}", "huge exponent"),
        (b"{\"a\":123456789012345678901234567890}", "huge integer"),
        (b"{\"a\":1,\"a\":2}", "duplicate member"),
        (b"{\"x\":\"" + b"y" * 3_000_000 + b"\"}", "3 MB body"),
        (b"\x00\x01\x02", "binary"),
        (b"{'a': 1}", "single quotes"),
        (b"{\"a\":NaN}", "NaN"),
        (json.dumps(valid).encode()[:-1], "valid but cut"),
    ]
    body, name = rng.choice(raw)
    return body, name


# MARK: Requests


class Case:
    def __init__(self, method: str, path: str, body: bytes | None, headers: dict[str, str], note: str, api_route: bool,
                 role: str | None = None) -> None:
        self.method, self.path, self.body, self.headers, self.note, self.api_route = method, path, body, headers, note, api_route
        self.role = role  # the demo role whose real token the case carries

    def describe(self) -> dict:
        body = None if self.body is None else self.body[:300].decode("utf-8", "backslashreplace")
        headers = {k: (v[:80] + "…" if len(v) > 80 else v) for k, v in self.headers.items()}
        return {"method": self.method, "path": self.path[:300], "body": body, "headers": headers, "note": self.note}


def path_value(name: str, rng: random.Random, world: World) -> str:
    real = world.ids.get(name) or []
    if real and rng.random() < 0.7:
        return urllib.parse.quote(rng.choice(real), safe="")
    hostile = rng.choice(HOSTILE_IDS)
    return hostile if "%" in hostile or hostile in ("..", ".") else urllib.parse.quote(hostile, safe="-._")


def fill_path(template: str, rng: random.Random, world: World) -> str:
    path = re.sub(r"\{(\w+)\}", lambda m: path_value(m.group(1), rng, world), template)
    # The fuzzer's own accounts are not deactivated, re-scoped or reset (it would lock itself out and test less).
    if any(word in template for word in ("/deactivate", "/scope", "/password-reset")):
        for own in world.own_accounts():
            path = path.replace(urllib.parse.quote(own, safe=""), "someone-else")
    return path


def query_string(parameters: list[dict], rng: random.Random, world: World) -> str:
    pairs = []
    for parameter in parameters:
        if parameter.get("in") != "query" or rng.random() < 0.4:
            continue
        name = parameter["name"]
        schema = parameter.get("schema", {})
        if rng.random() < 0.5:
            value = valid_value({"components": {"schemas": {}}}, schema, rng, world, name=name) if "$ref" not in schema else "x"
            if name in ("candidate",) and world.ids["candidateID"]:
                value = rng.choice(world.ids["candidateID"])
        else:
            value = rng.choice(HOSTILE_STRINGS + ["-5", "0", "99999999999999999999999", "1.5", "abc", "2026-01-01", "1..2"])
        pairs.append((name, str(value)))
    if rng.random() < 0.1:
        pairs.append(("unknownParameter", "1"))
    if rng.random() < 0.05:
        pairs += pairs
    return ("?" + urllib.parse.urlencode(pairs, errors="surrogatepass")) if pairs else ""


def auth_headers(rng: random.Random, world: World) -> tuple[dict[str, str], str]:
    choice = rng.random()
    if choice < 0.7:
        role = rng.choice(list(world.tokens))
        return {"Authorization": f"Bearer {world.tokens[role]}"}, role
    variants = [
        ({}, "none"),
        ({"Authorization": "Bearer"}, "empty bearer"),
        ({"Authorization": "Bearer " + "A" * 5000}, "long bearer"),
        ({"Authorization": "Basic ZGVtbzpkZW1v"}, "basic"),
        ({"Authorization": "Bearer not-a-token"}, "unknown token"),
        ({"Authorization": "bearer   " + rng.choice(list(world.tokens.values())) + "  "}, "spaced bearer"),
    ]
    return rng.choice(variants)


def extra_headers(rng: random.Random) -> dict[str, str]:
    headers = {}
    if rng.random() < 0.5:
        headers["Idempotency-Key"] = rng.choice(["fuzz-" + str(rng.randint(0, 10**9)), "", " ", "k" * 129, "k" * 5000, "键", "a b", "fuzz-fixed"])
    if rng.random() < 0.2:
        headers["X-Request-Id"] = rng.choice(["", "r" * 129, "r" * 3000, "请求", "ok-1"])
    if rng.random() < 0.2:
        headers["X-Correlation-Id"] = rng.choice(["", "c" * 129, "关联", "ok-1"])
    if rng.random() < 0.15:
        headers["Content-Type"] = rng.choice(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", ""])
    else:
        headers["Content-Type"] = "application/json"
    if rng.random() < 0.05:
        headers["Accept"] = "text/html"
    return headers


def natural_role(template: str, rng: random.Random) -> str:
    """Who would call this route: so that most requests pass authorisation and reach the rules."""
    if template.startswith("/api/v1/admin"):
        return "admin"
    if template.startswith("/api/v1/audit"):
        return "auditor"
    if any(word in template for word in ("corrections", "approve", "reject", "signature", "review", "password-reset", "refunds")):
        return "reviewer_1101" if "refunds" not in template else "admin"
    return "candidate" if rng.random() < 0.8 else "auditor"


def api_case(spec: dict, operations: list, rng: random.Random, world: World) -> Case:
    method, template, operation = rng.choice(operations)
    parameters = [resolve_parameter(spec, p) for p in operation.get("parameters", [])]
    if rng.random() < 0.5:
        who = natural_role(template, rng)
        headers = {"Authorization": f"Bearer {world.tokens[who]}"}
        if who == "candidate" and world.own_candidate:
            template = template.replace("{candidateID}", world.own_candidate)
    else:
        headers, who = auth_headers(rng, world)
    path = fill_path(template, rng, world) + query_string(parameters, rng, world)
    headers.update(extra_headers(rng))
    body = None
    note = f"{method} {template} as {who}"
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is not None:
        valid = valid_value(spec, content["schema"], rng, world)
        body, how = broken_body(valid, rng)
        note += f", body {how}"
    elif method in WRITE_METHODS and rng.random() < 0.3:
        body, how = broken_body({}, rng)
        note += f", unexpected body {how}"
    if "callbacks" in template:
        prefix = "X-Chsi" if "chsi" in template else "X-Bank"
        if rng.random() < 0.5:
            # Signed as the outside system signs: the body's exact bytes reach the handler.
            timestamp, nonce = str(int(time.time())), f"fuzz{rng.getrandbits(64):016x}"
            message = f"{timestamp}\n{nonce}\n".encode() + (body or b"")
            headers[f"{prefix}-Timestamp"] = timestamp
            headers[f"{prefix}-Nonce"] = nonce
            headers[f"{prefix}-Signature"] = hmac.new(CALLBACK_SECRETS[prefix].encode(), message, hashlib.sha256).hexdigest()
            note += ", signed"
        else:
            headers[f"{prefix}-Timestamp"] = rng.choice([str(int(time.time())), "-1", "abc", "99999999999999999999", ""])
            headers[f"{prefix}-Nonce"] = rng.choice(["n" + str(rng.randint(0, 10**6)), "", "n" * 5000])
            headers[f"{prefix}-Signature"] = rng.choice(["00" * 32, "zz", "", "a" * 5000])
    return Case(method, path, body, headers, note, True, who if who in world.tokens else None)


def resolve_parameter(spec: dict, parameter: dict) -> dict:
    if "$ref" in parameter:
        return spec["components"]["parameters"][parameter["$ref"].split("/")[-1]]
    return parameter


def page_case(rng: random.Random, world: World) -> Case:
    method, template = rng.choice(PAGE_ROUTES)
    path = fill_path(template, rng, world)
    if rng.random() < 0.4:
        path += "?" + urllib.parse.urlencode(
            [(rng.choice(["version", "at", "status", "after", "limit", "candidate", "actor", "since", "until", "field", "next", "done"]),
              rng.choice(HOSTILE_STRINGS[:25] + ["1", "2026-01-01T00:00:00Z", "//evil.example", "https://evil.example"]))],
            errors="surrogatepass",
        )
    headers: dict[str, str] = {}
    role = rng.choice(list(world.cookies) + ["none"])
    if role != "none":
        headers["Cookie"] = world.cookies[role]
    elif rng.random() < 0.5:
        headers["Cookie"] = rng.choice(["session=garbage", "session=" + "x" * 5000, "=;;=", "session="])
    body = None
    if method == "POST":
        fields = {rng.choice(["username", "password", "reason", "field", "value", "entryID", "next", "csrf"]): rng.choice(HOSTILE_STRINGS[:28])
                  for _ in range(rng.randint(0, 4))}
        body = urllib.parse.urlencode(fields, errors="surrogatepass").encode() if rng.random() < 0.8 else rng.choice([b"%zz", b"a=%ff%fe", b"\xff\xfe", b"&&&==="])
        headers["Content-Type"] = rng.choice(["application/x-www-form-urlencoded", "application/json", "text/plain"])
    return Case(method, path, body, headers, f"page {method} {template} as {role}", False)


RAW_REQUESTS = [
    (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "plain root"),
    (b"GARBAGE\r\n\r\n", "not HTTP"),
    (b"GET /api/v1/season HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"a" * 100_000 + b"\r\n\r\n", "100 KB header"),
    (b"POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n{}", "lying Content-Length"),
    (b"POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", "negative Content-Length"),
    (b"POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk"),
    (b"GET /api/v1/%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n", "undecodable path"),
    (b"GET /" + b"a/" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", "40 KB path"),
    (b"GET /api/v1/season HTTP/9.9\r\nHost: x\r\n\r\n", "HTTP/9.9"),
    (b"GET /api/v1/" + b"x" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", "100 KB request line"),
    (b"GET /api/v1/season HTTP/1.1\r\nBad Header: x\r\n\r\n", "space in a header name"),
    (b"G@T /api/v1/season HTTP/1.1\r\nHost: x\r\n\r\n", "invalid method"),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "TLS hello"),
]


def raw_problem(answer: str) -> str | None:
    """What is wrong with the answer to a raw request: a 5xx, or a 4xx without the API's JSON error body."""
    status_line, _, rest = answer.partition("\r\n")
    parts = status_line.split(" ")
    if len(parts) < 2 or not parts[1].isdigit():
        return None if not answer else f"not an HTTP answer: {status_line[:80]!r}"
    status = int(parts[1])
    if status >= 500:
        return f"answered {status_line}"
    if 400 <= status < 500:
        return error_body_problem(status, rest.partition("\r\n\r\n")[2])
    return None


def error_body_problem(status: int, body: str | bytes) -> str | None:
    """What is wrong with a 4xx body: not the API's {code, field, message} JSON, or an empty code, field or message."""
    try:
        error = json.loads(body)
    except ValueError:
        return f"{status} body is not JSON: {body[:80]!r}"
    if not isinstance(error, dict) or not all(isinstance(error.get(k), str) for k in ("code", "field", "message")):
        return f"{status} body is not {{code, field, message}}: {body[:200]!r}"
    if not error["code"] or not error["field"] or not error["message"]:
        return f"{status} with an empty code, field or message: {body[:200]!r}"
    return None


def raw_request(server: Server, payload: bytes) -> str:
    """The answer to bytes no HTTP client would send, decoded ('' when the server closed without one)."""
    with socket.create_connection((server.host, server.port), timeout=30) as connection:
        try:
            connection.sendall(payload)
            connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        data = b""
        try:
            while len(data) < 65536:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
    return data.decode("utf-8", "replace")


# MARK: Races


RACERS = 8


def race(server: Server, world: World, rounds: int, run: int) -> list[dict]:
    """Concurrent writes over HTTP: retries with one key append once, different writes to one file all land."""
    failures: list[dict] = []
    client = http_load.Client(server.host, server.port)
    http_load.reopen_registration(client, world.tokens["admin"])
    for index in range(rounds):
        body = http_load.registration_body(index, run)
        status, reply = api(server, "POST", "/api/v1/candidates", body, key=f"race-register-{run}-{index}")
        if status != 201:
            failures.append({"problem": f"registration for the races answered {status}", "reply": str(reply)[:300]})
            continue
        status, session = api(server, "POST", "/api/v1/sessions", {"username": body["username"], "password": body["password"]})
        if status not in (200, 201) or not isinstance(session, dict):
            failures.append({"problem": f"log-in for the races answered {status}", "reply": str(session)[:300]})
            continue
        token, candidate = session["token"], session["subjectID"]
        path = f"/api/v1/candidates/{candidate}"

        # One write, one key, eight threads.
        contact = {"mobile": f"139{index:08d}", "email": f"race{index}@example.cn", "address": f"北京市东城区竞争路{index}号",
                   "postcode": "100020"}
        before = server.head()
        with ThreadPoolExecutor(RACERS) as pool:
            answers = list(pool.map(lambda _: api(server, "PUT", f"{path}/contact", contact, token=token, key=f"race-{run}-{index}"),
                                    range(RACERS)))
        after = server.head()
        statuses = sorted({status for status, _ in answers})
        fresh = [reply for status, reply in answers if isinstance(reply, dict) and reply.get("replayed") is False]
        # A replay answers like the first reply (version, events, ids), marked as replayed.
        shapes = {json.dumps({k: v for k, v in reply.items() if k != "replayed"}, sort_keys=True)
                  for _, reply in answers if isinstance(reply, dict)}
        if statuses != [200] or len(fresh) != 1 or len(shapes) != 1:
            failures.append({"problem": f"one key sent {RACERS} times at once: statuses {statuses}, {len(fresh)} not replayed, "
                                        f"{len(shapes)} different answers", "reply": str(answers[:2])[:400]})
        elif after[1] - before[1] != len(fresh[0].get("events", [])):
            failures.append({"problem": f"one key sent {RACERS} times at once appended {after[1] - before[1]} events, "
                                        f"the answer names {len(fresh[0].get('events', []))}"})

        # Eight different writes to one file at once.
        status, file = api(server, "GET", path, token=token)
        entries_before = len(file.get("education", [])) if isinstance(file, dict) else -1
        before = server.head()

        def add_entry(racer: int):
            entry = {"region": "大陆", "school": "北京大学", "category": "高等医学教育", "enrolment": f"{2000 + racer}-09",
                     "graduation": f"{2005 + racer}-07", "studyForm": "普通全日制", "level": "本科", "degree": "医学学士",
                     "length": "五年制", "major": "临床医学", "certificateNumber": f"1000120{racer:02d}05{index:07d}"}
            return api(server, "POST", f"{path}/education", entry, token=token, key=f"race-entry-{run}-{index}-{racer}")

        with ThreadPoolExecutor(RACERS) as pool:
            answers = list(pool.map(add_entry, range(RACERS)))
        after = server.head()
        status, file = api(server, "GET", path, token=token)
        entries_after = len(file.get("education", [])) if isinstance(file, dict) else -1
        statuses = sorted({status for status, _ in answers})
        if statuses != [201] or entries_after - entries_before != RACERS or after[1] - before[1] != RACERS:
            failures.append({"problem": f"{RACERS} different writes to one file at once: statuses {statuses}, entries "
                                        f"{entries_before} → {entries_after}, events +{after[1] - before[1]}",
                             "reply": str(answers[:2])[:400]})
    return failures


# MARK: Checks


# NIO's HTTP parser refuses a request line and headers over 80 KB before any route runs; the server answers 431
# `request.head_too_large` with the API's JSON body and closes its side of the connection (ParserRefusalResponder).
PARSER_LIMIT_BYTES = 80 * 1024


def over_parser_limit(case: Case) -> bool:
    return len(case.path) + sum(len(k) + len(v) for k, v in case.headers.items()) > PARSER_LIMIT_BYTES * 3 // 4


def refused_by_parser(case: Case, status: int, headers: dict[str, str], payload: bytes) -> bool:
    return status == 431 and b"request.head_too_large" in payload and over_parser_limit(case)


def check(case: Case, status: int, headers: dict[str, str], payload: bytes) -> str | None:
    if status >= 500:
        return f"status {status}"
    if case.api_route and 400 <= status < 500 or refused_by_parser(case, status, headers, payload):
        if "json" not in headers.get("content-type", ""):
            return f"{status} without a JSON body ({headers.get('content-type')})"
        return error_body_problem(status, payload)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True, help="the registrar binary")
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--demo", type=int, default=30, help="demo season size")
    parser.add_argument("--race-rounds", type=int, default=5, help="candidates taken through the concurrent writes")
    parser.add_argument("--dir", default=None, help="working directory (default: a temporary one)")
    args = parser.parse_args()

    workdir = Path(args.dir or tempfile.mkdtemp(prefix="registrar-fuzz-"))
    workdir.mkdir(parents=True, exist_ok=True)
    spec = json.loads(SPEC_PATH.read_text())
    operations = [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "delete", "patch")
    ]
    rng = random.Random(args.seed)
    server = Server(args.binary, workdir, args.demo)
    failures: list[dict] = []
    statuses: dict[int, int] = {}
    parser_refusals = 0
    started = time.monotonic()
    try:
        world = World(server)
        head = server.head()
        for iteration in range(args.iterations):
            case = page_case(rng, world) if rng.random() < 0.15 else api_case(spec, operations, rng, world)
            try:
                status, headers, payload = send(server, case.method, case.path, case.body, case.headers)
            except (OSError, http.client.HTTPException) as error:
                failures.append({"iteration": iteration, "problem": f"no answer: {error!r}", **case.describe()})
                if not server.alive():
                    log(f"the server died at iteration {iteration}: {case.note}")
                    break
                continue
            statuses[status] = statuses.get(status, 0) + 1
            if refused_by_parser(case, status, headers, payload):
                parser_refusals += 1
            problem = check(case, status, headers, payload)
            if case.method in WRITE_METHODS or "/sessions" in case.path:
                now = server.head()
                if status >= 400 and now != head:
                    problem = (problem + "; " if problem else "") + f"refused with {status} but the log moved from {head} to {now}"
                head = now
            if status == 401 and case.role is not None:
                world.log_in_again(case.role)
            if problem:
                failures.append({"iteration": iteration, "problem": problem, "status": status,
                                 "reply": payload[:300].decode("utf-8", "backslashreplace"), **case.describe()})
            if (iteration + 1) % 500 == 0:
                log(f"{iteration + 1} requests, {len(failures)} failures, {time.monotonic() - started:.0f} s")
        if server.alive():
            # Fuzzed log-outs may have ended the sessions: fresh tokens for the races.
            for role in world.tokens:
                if not world.log_in_again(role):
                    log(f"the demo account of {role} can no longer log in (the fuzzing changed it)")
            try:
                failures += race(server, world, rounds=args.race_rounds, run=args.seed)
            except (Exception, SystemExit) as error:  # the load tool's helpers exit on an unexpected answer
                failures.append({"problem": f"the races stopped: {error!r}"})
        for payload, name in RAW_REQUESTS:
            try:
                line = raw_request(server, payload)
            except OSError as error:
                line = f"error {error!r}"
            problem = raw_problem(line)
            if problem:
                failures.append({"problem": f"raw request '{name}': {problem}", "reply": line[:300]})
            if not server.alive():
                failures.append({"problem": f"the server died after the raw request '{name}'"})
                break
        if server.alive():
            status, _, _ = send(server, "GET", "/health")
            if status != 200:
                failures.append({"problem": f"/health answered {status} after the fuzzing"})
    finally:
        code = server.stop() if server.alive() else server.process.returncode
    if code != 0:
        failures.append({"problem": f"registrar serve exited with {code} on SIGTERM; see {server.err}"})
    verify = subprocess.run([args.binary, "verify", "--db", str(server.db)], capture_output=True, text=True)
    if verify.returncode != 0:
        failures.append({"problem": f"registrar verify exited with {verify.returncode}", "reply": verify.stdout[-2000:] + verify.stderr[-2000:]})

    with open(workdir / "failures.jsonl", "w") as out:
        for failure in failures:
            out.write(json.dumps(failure, ensure_ascii=False) + "\n")
    elapsed = time.monotonic() - started
    print(f"HTTP fuzzing: {args.iterations} requests (seed {args.seed}), {args.race_rounds} rounds of {RACERS}-thread races "
          f"and {len(RAW_REQUESTS)} raw requests in {elapsed:.0f} s")
    print("statuses: " + ", ".join(f"{s} ×{n}" for s, n in sorted(statuses.items()))
          + f" ({parser_refusals} of them 431s from the HTTP parser: request line and headers over {PARSER_LIMIT_BYTES // 1024} KB)")
    print(f"registrar verify: exit {verify.returncode}")
    if failures:
        print(f"{len(failures)} FAILURES (all in {workdir / 'failures.jsonl'}); the first ones:")
        for failure in failures[:15]:
            print("  " + json.dumps(failure, ensure_ascii=False)[:400])
        return 1
    print("no failures: no 5xx, every API 4xx a {code, field, message} body with none empty, no refused write appended, one append per "
          "idempotency key under races, no lost update, verify intact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
