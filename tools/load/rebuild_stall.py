#!/usr/bin/env python3
"""How long a running server's writes wait while `registrar rebuild` runs on the same log (BENCHMARKS.md, Rebuild).

Plays a demo season (or copies --log), serves it, writes the demo candidate's contact details in a loop on one
connection, runs `registrar rebuild` on the same file after two seconds, and prints the slowest writes. Python's
standard library only. Not part of `make test`.

    python3 tools/load/rebuild_stall.py --binary .build-bench/release/registrar [--candidates 3000] [--log FILE]
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, threading, time, urllib.request


def request(base, method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(base + path, data=data, method=method, headers=headers), timeout=60) as reply:
        return reply.status, json.loads(reply.read() or b"{}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--candidates", type=int, default=3000)
    parser.add_argument("--log", help="an existing log to copy instead of playing a demo")
    parser.add_argument("--port", type=int, default=18990)
    parser.add_argument("--seconds", type=float, default=12)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="rebuild-stall-")
    db = os.path.join(work, "log.sqlite")
    if args.log:
        shutil.copy(args.log, db)
    else:
        subprocess.run([args.binary, "demo", "--db", db, "--candidates", str(args.candidates)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([args.binary, "rebuild", "--db", db], check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([args.binary, "serve", "--db", db, "--port", str(args.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d" % args.port
    try:
        for _ in range(200):
            try:
                request(base, "GET", "/health")
                break
            except OSError:
                time.sleep(0.1)
        _, session = request(base, "POST", "/api/v1/sessions", {"username": "demo_candidate", "password": "Demo2026"})
        token, candidate = session["token"], session["subjectID"]
        latencies = []
        start = time.time()

        def rebuild():
            time.sleep(2)
            began = time.time()
            subprocess.run([args.binary, "rebuild", "--db", db], check=True, stdout=subprocess.DEVNULL)
            latencies.append(("rebuild", began - start, time.time() - began))

        thread = threading.Thread(target=rebuild)
        thread.start()
        n = 0
        while time.time() - start < args.seconds:
            n += 1
            began = time.time()
            request(base, "PUT", "/api/v1/candidates/%s/contact" % candidate,
                    {"mobile": "139%08d" % n, "email": "a%d@example.com" % n, "address": "北京市海淀区", "postcode": "100871",
                     "homePhone": "010-62751234"}, token)
            latencies.append(("write", began - start, time.time() - began))
        thread.join()
        writes = sorted((entry for entry in latencies if entry[0] == "write"), key=lambda entry: -entry[2])
        rebuilt = [entry for entry in latencies if entry[0] == "rebuild"][0]
        print("%d writes in %.0f s; rebuild from %.2f s, %.2f s long" % (n, args.seconds, rebuilt[1], rebuilt[2]))
        print("slowest writes (at s, took s): " + ", ".join("(%.2f, %.3f)" % (at, took) for _, at, took in writes[:5]))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
