#!/usr/bin/env python3
"""Kill -9 of `registrar serve` under concurrent writes: nothing acknowledged is lost, nothing is appended twice.

Standard library only. Run by `make test` (after the fuzzing) and by `make crash-http`; see README.md ("Fuzzing the
API").

1. Starts `registrar serve --demo 5` on a fresh file; the admin reopens registration; fresh candidates register.
2. Writer threads update the candidates' contact details as fast as the server answers, each request with its own
   Idempotency-Key, and write down which were acknowledged (2xx, with the file's version) and which were in flight.
3. SIGKILL once enough writes are acknowledged; the same file is served again.
4. Every acknowledged request, sent again with its key, must answer as a replay of the same version: it was
   committed. Every request in flight at the kill, sent again, either replays (it was committed, its answer lost) or
   applies now; sent a third time, it replays. The log then holds exactly one ContactDetailsUpdated per key.
5. SIGTERM (exit 0), then `registrar verify`: the hash chain, and the read models equal to a rebuild from the log
   (so the rows the killed process committed with the events are all there, and none without them).
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "load"))
import http_fuzz  # noqa: E402  (the server wrapper and the JSON client)
import http_load  # noqa: E402  (valid registrations and the calendar reopening)

ADMIN = ("demo_admin", "Admin2026")


def log_in(server, username: str, password: str) -> tuple[str, str]:
    """A token and the account's subject id."""
    status, reply = http_fuzz.api(server, "POST", "/api/v1/sessions", {"username": username, "password": password})
    if status not in (200, 201) or not isinstance(reply, dict):
        raise SystemExit(f"log-in of {username} answered {status}: {reply}")
    return reply["token"], reply["subjectID"]


def contact(writer: int, number: int) -> dict:
    return {"mobile": f"13{writer % 10}{number:08d}", "email": f"crash{writer}.{number}@example.cn",
            "address": f"北京市东城区断电路{number}号", "postcode": "100020"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--acknowledged", type=int, default=400, help="acknowledged writes before the kill")
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    workdir = Path(args.dir or tempfile.mkdtemp(prefix="registrar-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []

    server = http_fuzz.Server(args.binary, workdir, demo=5)
    admin, _ = log_in(server, *ADMIN)
    http_load.reopen_registration(http_load.Client(server.host, server.port), admin)
    candidates = []
    for index in range(args.writers):
        body = http_load.registration_body(index, 777)
        status, reply = http_fuzz.api(server, "POST", "/api/v1/candidates", body, key=f"crash-register-{index}")
        if status != 201:
            raise SystemExit(f"registration answered {status}: {reply}")
        candidates.append((body["username"], body["password"], *log_in(server, body["username"], body["password"])))
    events_before = count_events(server.db, "ContactDetailsUpdated")

    # Each writer: its own candidate, one request at a time, each with a new key.
    acknowledged: dict[str, tuple[int, int, int]] = {}  # key -> (writer, number, version)
    in_flight: dict[str, tuple[int, int]] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def write(writer: int) -> None:
        _, _, token, candidate_id = candidates[writer]
        number = 0
        while not stop.is_set():
            number += 1
            key = f"crash-{writer}-{number}"
            with lock:
                in_flight[key] = (writer, number)
            try:
                status, reply = http_fuzz.api(server, "PUT", f"/api/v1/candidates/{candidate_id}/contact",
                                              contact(writer, number), token=token, key=key)
            except OSError:
                return  # the server is gone: this request stays in flight
            with lock:
                if status == 200 and isinstance(reply, dict):
                    del in_flight[key]
                    acknowledged[key] = (writer, number, reply["version"])
                else:
                    failures.append(f"write {key} answered {status} before the kill: {reply}")
                    del in_flight[key]
                    return

    threads = [threading.Thread(target=write, args=(writer,), daemon=True) for writer in range(args.writers)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < args.acknowledged and time.monotonic() < deadline and not failures:
        time.sleep(0.01)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    print(f"killed with {len(acknowledged)} writes acknowledged and {len(in_flight)} in flight", file=sys.stderr)

    # The same file served again.
    server = http_fuzz.Server(args.binary, workdir, demo=5)  # the file holds events: no demo is played
    sessions = {writer: log_in(server, username, password) for writer, (username, password, _, _) in enumerate(candidates)}
    tokens = {writer: session[0] for writer, session in sessions.items()}
    ids = {writer: session[1] for writer, session in sessions.items()}

    def again(key: str, writer: int, number: int):
        return http_fuzz.api(server, "PUT", f"/api/v1/candidates/{ids[writer]}/contact", contact(writer, number),
                             token=tokens[writer], key=key)

    for key, (writer, number, version) in acknowledged.items():
        status, reply = again(key, writer, number)
        if status != 200 or not isinstance(reply, dict) or reply.get("replayed") is not True or reply.get("version") != version:
            failures.append(f"acknowledged {key} (version {version}) sent again: {status} {reply}")
    committed_unanswered = applied_now = 0
    for key, (writer, number) in in_flight.items():
        status, reply = again(key, writer, number)
        if status != 200 or not isinstance(reply, dict):
            failures.append(f"in-flight {key} sent again: {status} {reply}")
            continue
        if reply.get("replayed"):
            committed_unanswered += 1
        else:
            applied_now += 1
        status, third = again(key, writer, number)
        if status != 200 or not isinstance(third, dict) or third.get("replayed") is not True:
            failures.append(f"in-flight {key} sent a third time: {status} {third}")
    updates = count_events(server.db, "ContactDetailsUpdated") - events_before
    expected = len(acknowledged) + len(in_flight)
    if updates != expected:
        failures.append(f"the log holds {updates} contact updates for {expected} keys")
    code = server.stop()
    if code != 0:
        failures.append(f"registrar serve exited with {code} on SIGTERM")
    verify = subprocess.run([args.binary, "verify", "--db", str(server.db)], capture_output=True, text=True)
    if verify.returncode != 0:
        failures.append(f"registrar verify exited with {verify.returncode}: {verify.stdout[-1500:]} {verify.stderr[-500:]}")

    print(f"HTTP crash: kill -9 under {args.writers} writers; {len(acknowledged)} acknowledged writes all replayed at "
          f"their versions after the restart; of {len(in_flight)} in flight, {committed_unanswered} had been committed "
          f"(their answers lost) and {applied_now} applied when sent again; {updates} contact updates in the log, one per "
          f"key; registrar verify: exit {verify.returncode}")
    if failures:
        print(f"{len(failures)} FAILURES:")
        for failure in failures[:20]:
            print("  " + failure[:400])
        return 1
    return 0


def count_events(db: Path, event_type: str) -> int:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute("SELECT count(*) FROM events WHERE event_type = ?", (event_type,)).fetchone()[0]
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(main())
