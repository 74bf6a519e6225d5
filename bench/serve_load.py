#!/usr/bin/env python3
"""Load test of `netconv serve` on loopback (docs/benchmarks.md "netconv serve").

Starts `netconv serve --listen 127.0.0.1:0 -j JOBS -q`, then measures with keep-alive
http.client connections (Python stdlib threads):
  1. latency p50/p99 of a 1-record and a 100-record CSV -> FHIR request, one at a time;
  2. throughput at concurrency 8 (8 client threads, each its own connection) for both sizes;
  3. the server's RSS (VmRSS from /proc) after 10 k and after TOTAL requests of 1 record at
     concurrency 8, to show memory stays flat.
The client shares the machine's cores with the server, so throughput is a lower bound.

Usage: serve_load.py NETCONV [--jobs 2] [--total 100000] [--latency-requests 300]
"""
import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def request_bodies(size, count, lines):
    """`count` distinct CSV bodies of `size` records each (the header and consecutive rows), so the
    validation caches see new records as a live feed would, not one record again and again."""
    header, rows = lines[0], lines[1:]
    return [b"\n".join([header] + rows[i * size:(i + 1) * size]) + b"\n" for i in range(count)]


def generated_rows(n):
    with tempfile.NamedTemporaryFile(suffix=".csv") as f:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_registry.py"), str(n), "--seed", "11", "-o", f.name], check=True)
        return [l for l in open(f.name, "rb").read().split(b"\n") if l]


def start_server(netconv, jobs):
    proc = subprocess.Popen([netconv, "serve", "--listen", "127.0.0.1:0", "-j", str(jobs), "-q"],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("listening on"):
        sys.exit("netconv serve did not start")
    return proc, int(line.strip().rsplit(":", 1)[1])


class Bodies:
    """Hands out the bodies in turn (thread-safe)."""
    def __init__(self, bodies):
        self.bodies, self.i, self.lock = bodies, 0, threading.Lock()

    def next(self):
        with self.lock:
            self.i += 1
            return self.bodies[self.i % len(self.bodies)]


def post(conn, body):
    if isinstance(body, Bodies):
        body = body.next()
    start = time.perf_counter()
    conn.request("POST", "/convert?from=csv&to=fhir", body=body)
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"unexpected status {r.status}")
    return time.perf_counter() - start


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))]


def latency(port, body, n):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for _ in range(10):
        post(conn, body)  # warm up: the first requests fill the check sessions' caches
    times = sorted(post(conn, body) for _ in range(n))
    conn.close()
    return percentile(times, 50) * 1000, percentile(times, 99) * 1000


def load(port, body, threads, requests):
    """`requests` POSTs spread over `threads` connections; returns requests per second."""
    counts = [requests // threads + (1 if i < requests % threads else 0) for i in range(threads)]

    def worker(k):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for _ in range(k):
            post(conn, body)
        conn.close()

    ts = [threading.Thread(target=worker, args=(k,)) for k in counts]
    start = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return requests / (time.perf_counter() - start)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("netconv")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--total", type=int, default=100000)
    ap.add_argument("--latency-requests", type=int, default=300)
    a = ap.parse_args()
    lines = generated_rows(20000)
    one, hundred = Bodies(request_bodies(1, 20000, lines)), Bodies(request_bodies(100, 200, lines))
    proc, port = start_server(a.netconv, a.jobs)
    try:
        rss_start = rss_mib(proc.pid)
        for name, body, n in [("1 record", one, a.latency_requests), ("100 records", hundred, max(a.latency_requests // 5, 20))]:
            p50, p99 = latency(port, body, n)
            print(f"latency {name}: p50 {p50:.1f} ms, p99 {p99:.1f} ms ({n} sequential requests, ~{len(body.bodies[0])} B bodies)")
        for name, body, n in [("1 record", one, 4000), ("100 records", hundred, 200)]:
            print(f"throughput {name}, concurrency 8: {load(port, body, 8, n):.0f} requests/s ({n} requests)")
        done, first = 0, min(10000, a.total)
        start = time.perf_counter()
        rate = load(port, one, 8, first)
        done += first
        rss_10k = rss_mib(proc.pid)
        print(f"RSS after {done} more 1-record requests: {rss_10k:.1f} MiB ({rate:.0f} requests/s; {rss_start:.1f} MiB at start)")
        if a.total > done:
            load(port, one, 8, a.total - done)
            print(f"RSS after {a.total} 1-record requests: {rss_mib(proc.pid):.1f} MiB "
                  f"({time.perf_counter() - start:.0f} s for them at concurrency 8)")
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", "/metrics")
        served = [l for l in conn.getresponse().read().decode().splitlines() if l.startswith("netconv_http_requests_total")]
        print("server's count: " + "; ".join(served))
    finally:
        proc.terminate()
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
