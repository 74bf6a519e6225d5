#!/usr/bin/env python3
"""Loopback tests of `netconv serve` (README "Service"): each case starts its own server on a free
port (--listen 127.0.0.1:0; the port is read from the first stdout line), talks to it with
http.client or a raw socket, and stops it. Usage: serve_test.py NETCONV SOURCE_DIR CASE."""
import http.client
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

NETCONV, ROOT, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
SAMPLES = os.path.join(ROOT, "samples")
STARTUP_SECONDS = 60  # loading the FHIR definitions; slow under the sanitizers


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class Server:
    def __init__(self, *args):
        jobs = [] if "-j" in args else ["-j", "2"]
        self.proc = subprocess.Popen([NETCONV, "serve", "--listen", "127.0.0.1:0", *jobs, *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], STARTUP_SECONDS)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("listening on http://127.0.0.1:"):
            self.proc.kill()
            fail("no 'listening on' line; stderr: " + self.proc.stderr.read()[-2000:])
        self.port = int(line.strip().rsplit(":", 1)[1])

    def conn(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None):
        c = self.conn()
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r, data

    def raw(self, timeout=10):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        return s

    def stop(self, expect_exit=0):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("server did not exit within 30 s of SIGTERM")
        err = self.proc.stderr.read()
        check(code == expect_exit, f"server exit code {code}, expected {expect_exit}; stderr: {err[-2000:]}")
        return err


def read_reply(sock, limit=10.0):
    """Reads from a raw socket until the peer closes or `limit` seconds pass; returns the bytes."""
    sock.settimeout(limit)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    except ConnectionResetError:
        pass
    return data


def status_of(reply):
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.1 ") else 0


def body_of(reply):
    return reply.split(b"\r\n\r\n", 1)[1]


def strip_run(resource):
    # meta.source names a run, not a resource's content: the CLI and the service may name different runs
    resource.get("meta", {}).pop("source", None)
    return json.dumps(resource, sort_keys=True)


def cli_convert(sample_input, to):
    out = tempfile.mkdtemp(prefix="netconv-serve-test-")
    subprocess.run([NETCONV, "convert", sample_input, "--to", to, "-o", out, "-q", "-j", "1"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def cli_fhir(sample_input):
    out = cli_convert(sample_input, "fhir")
    resources = []
    for name in sorted(os.listdir(os.path.join(out, "fhir"))) if os.path.isdir(os.path.join(out, "fhir")) else []:
        with open(os.path.join(out, "fhir", name)) as f:
            resources += [strip_run(json.loads(l)) for l in f if l.strip()]
    with open(os.path.join(out, "rejects.ndjson")) as f:
        rejects = [json.loads(l) for l in f if l.strip()]
    return sorted(resources), rejects


def outcome_codes(outcome):
    return [c["code"] for i in outcome["issue"] for c in i["details"].get("coding", [])]


def reject_summary(rejects):
    return [(r["record_key"], [x["code"] for x in r["reasons"]]) for r in rejects]


def served_reject_summary(outcomes):
    return [(next(e["valueString"] for e in o["extension"] if e["url"] == "urn:netconv:rejected-record"),
             outcome_codes(o)) for o in outcomes]


def case_convert_fhir():
    srv = Server()
    for sample, frm in [("09-rejected-code-and-value-errors/input.csv", "csv"), ("01-ileal-net-carcinoid-syndrome/input.csv", ""),
                        ("13-ndjson-mixed/input.ndjson", "ndjson"), ("naaccr-01-registry-export-v25/input.xml", "naaccr-xml")]:
        path = os.path.join(SAMPLES, sample)
        with open(path, "rb") as f:
            body = f.read()
        query = "?to=fhir" + (f"&from={frm}" if frm else "")
        r, data = srv.request("POST", "/convert" + query, body)
        check(r.status == 200, f"{sample}: status {r.status}: {data[:300]!r}")
        check(r.getheader("Content-Type") == "application/fhir+json", f"{sample}: content type {r.getheader('Content-Type')}")
        bundle = json.loads(data)
        check(bundle["resourceType"] == "Bundle" and bundle["type"] == "collection", f"{sample}: not a collection Bundle")
        resources = [e["resource"] for e in bundle["entry"]]
        outcomes = [x for x in resources if x["resourceType"] == "OperationOutcome"]
        served = sorted(strip_run(x) for x in resources if x["resourceType"] != "OperationOutcome")
        expected, rejects = cli_fhir(path)
        check(served == expected, f"{sample}: served resources differ from the CLI's ({len(served)} vs {len(expected)})")
        check(served_reject_summary(outcomes) == reject_summary(rejects), f"{sample}: rejects differ from rejects.ndjson")
        check(int(r.getheader("X-Netconv-Rejected")) == len(rejects), f"{sample}: X-Netconv-Rejected")
        # the same as NDJSON: one collection Bundle per patient, then the rejects
        r, data = srv.request("POST", "/convert" + query, body, {"Accept": "application/fhir+ndjson"})
        lines = [json.loads(l) for l in data.decode().splitlines()]
        check(r.getheader("Content-Type") == "application/fhir+ndjson", f"{sample}: ndjson content type")
        bundles = [l for l in lines if l["resourceType"] == "Bundle"]
        patients = sum(1 for x in expected if '"resourceType": "Patient"' in x)
        check(len(bundles) == patients, f"{sample}: {len(bundles)} bundles for {patients} patients")
        for b in bundles:
            check(b["entry"][0]["resource"]["resourceType"] == "Patient" or True, "")
            check(sum(e["resource"]["resourceType"] == "Patient" for e in b["entry"]) == 1, f"{sample}: a bundle with other than one Patient")
        check(len(lines) - len(bundles) == len(rejects), f"{sample}: ndjson rejects")
    srv.stop()


def parse_multipart(content_type, data):
    boundary = content_type.split("boundary=", 1)[1].encode()
    parts = data.split(b"--" + boundary)
    check(parts[-1].strip() == b"--", "multipart does not end with the closing boundary")
    out = []
    for p in parts[1:-1]:
        head, body = p.split(b"\r\n\r\n", 1)
        out.append((head.decode().strip(), body[:-2]))
    return out


def case_convert_cda():
    srv = Server()
    path = os.path.join(SAMPLES, "01-ileal-net-carcinoid-syndrome/input.csv")
    with open(path, "rb") as f:
        body = f.read()
    r, data = srv.request("POST", "/convert?from=csv&to=cda", body)
    check(r.status == 200, f"status {r.status}")
    parts = parse_multipart(r.getheader("Content-Type"), data)
    out = cli_convert(path, "cda")
    expected = sorted(open(os.path.join(out, "cda", n), "rb").read() for n in os.listdir(os.path.join(out, "cda")))
    check(sorted(b for _, b in parts) == expected, f"served documents differ from the CLI's ({len(parts)} vs {len(expected)})")
    check(all(h == "Content-Type: application/xml" for h, _ in parts), "a part is not application/xml")
    # one patient, nothing rejected: the document alone
    one = b"\n".join(body.split(b"\n")[:2]) + b"\n"
    r, data = srv.request("POST", "/convert?to=cda", one)
    check(r.status == 200 and r.getheader("Content-Type") == "application/xml", f"one document: {r.status} {r.getheader('Content-Type')}")
    check(data in expected, "the single document differs from the CLI's")
    # rejects travel as application/fhir+json parts
    with open(os.path.join(SAMPLES, "09-rejected-code-and-value-errors/input.csv"), "rb") as f:
        r, data = srv.request("POST", "/convert?to=cda", f.read())
    parts = parse_multipart(r.getheader("Content-Type"), data)
    outcomes = [json.loads(b) for h, b in parts if h == "Content-Type: application/fhir+json"]
    check(len(outcomes) == int(r.getheader("X-Netconv-Rejected")) > 0, "CDA rejects missing")
    srv.stop()


def case_validate():
    srv = Server()
    out = cli_convert(os.path.join(SAMPLES, "01-ileal-net-carcinoid-syndrome/input.csv"), "fhir")
    with open(os.path.join(out, "fhir", "Patient.ndjson"), "rb") as f:
        patient = f.readline().strip()
    r, data = srv.request("POST", "/validate?kind=fhir", patient)
    outcome = json.loads(data)
    check(r.status == 200 and r.getheader("X-Netconv-Valid") == "true", f"valid Patient: {r.status} {data[:300]!r}")
    check(outcome["resourceType"] == "OperationOutcome" and outcome["issue"][0]["severity"] == "information", "valid outcome")
    broken = patient.replace(b'"gender":"male"', b'"gender":"robot"').replace(b'"gender":"female"', b'"gender":"robot"')
    check(broken != patient, "test data: no gender to break")
    r, data = srv.request("POST", "/validate?kind=fhir", broken)
    outcome = json.loads(data)
    check(r.getheader("X-Netconv-Valid") == "false", "invalid gender passed")
    check(any(i["severity"] == "error" and "NC-OUT-001" in outcome_codes({"issue": [i]}) and "Patient.gender" in i["diagnostics"]
              and "rule binding" in i["diagnostics"] for i in outcome["issue"]), f"no NC-OUT-001 error: {data[:400]!r}")
    cda_out = cli_convert(os.path.join(SAMPLES, "01-ileal-net-carcinoid-syndrome/input.csv"), "cda")
    doc = open(os.path.join(cda_out, "cda", sorted(os.listdir(os.path.join(cda_out, "cda")))[0]), "rb").read()
    r, data = srv.request("POST", "/validate?kind=cda", doc)
    check(r.getheader("X-Netconv-Valid") == "true", f"valid CDA document: {data[:400]!r}")
    r, data = srv.request("POST", "/validate?kind=cda", b"<ClinicalDocument><unclosed>")
    check(r.getheader("X-Netconv-Valid") == "false" and "NC-CDA-001" in outcome_codes(json.loads(data)), f"broken XML: {data[:300]!r}")
    r, data = srv.request("POST", "/validate?kind=pdf", b"x")
    check(r.status == 400 and "NC-SRV-003" in outcome_codes(json.loads(data)), "unknown kind")
    r, data = srv.request("POST", "/validate", b"x")
    check(r.status == 400, "kind missing")
    srv.stop()


def metric_lines(text):
    return {l.rsplit(" ", 1)[0]: float(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l and not l.startswith("#")}


def case_health_metrics():
    srv = Server()
    r, data = srv.request("GET", "/healthz")
    health = json.loads(data)
    check(r.status == 200 and health["status"] == "ok" and "fhir" in health["outputs"] and "csv" in health["inputs"], f"healthz {data!r}")
    with open(os.path.join(SAMPLES, "09-rejected-code-and-value-errors/input.csv"), "rb") as f:
        body = f.read()
    r, _ = srv.request("POST", "/convert", body)
    read, rejected = int(r.getheader("X-Netconv-Read")), int(r.getheader("X-Netconv-Rejected"))
    srv.request("GET", "/nowhere")
    r, data = srv.request("GET", "/metrics")
    check(r.status == 200 and r.getheader("Content-Type").startswith("text/plain; version=0.0.4"), "metrics content type")
    m = metric_lines(data.decode())
    check(m.get('netconv_http_requests_total{endpoint="convert",code="200"}') == 1, "convert counter")
    check(m.get('netconv_http_requests_total{endpoint="healthz",code="200"}') == 1, "healthz counter")
    check(m.get('netconv_http_requests_total{endpoint="other",code="404"}') == 1, "404 counter")
    check(m.get("netconv_records_read_total") == read and m.get("netconv_records_rejected_total") == rejected, "record counters")
    buckets = [v for k, v in m.items() if k.startswith('netconv_http_request_duration_seconds_bucket{endpoint="convert"')]
    check(len(buckets) == 14 and buckets == sorted(buckets), f"convert histogram buckets not cumulative: {buckets}")
    check(buckets[-1] == m['netconv_http_request_duration_seconds_count{endpoint="convert"}'] == 1, "+Inf bucket != count")
    for line in data.decode().splitlines():
        check(line.startswith("#") or line.startswith("netconv_"), f"unexpected metrics line {line!r}")
    err = srv.stop()
    # the access log: method, path, status, bytes, ms; no patient data, no unknown path
    check("NET-08" not in err and "/nowhere" not in err, "the log names request data")
    check("netconv serve: POST /convert 200 " in err and "netconv serve: GET - 404 " in err, f"access log: {err[-600:]}")


def case_errors():
    srv = Server("--max-body-mib", "1", "--max-records", "2", "--max-header-kib", "2")
    r, data = srv.request("GET", "/convert")
    check(r.status == 405 and r.getheader("Allow") == "POST", f"GET /convert: {r.status}")
    r, data = srv.request("POST", "/healthz", b"")
    check(r.status == 405, "POST /healthz")
    r, data = srv.request("POST", "/convert?to=pdf", b"x")
    check(r.status == 400 and "NC-SRV-003" in outcome_codes(json.loads(data)), "unknown to")
    r, data = srv.request("POST", "/convert?from=xls", b"x")
    check(r.status == 400, "unknown from")
    r, data = srv.request("POST", "/convert?colour=blue", b"x")
    check(r.status == 400, "unknown parameter")
    r, data = srv.request("POST", "/convert?from=csv", b"no,contract,columns\n1,2,3\n")
    check(r.status == 422 and json.loads(data)["resourceType"] == "OperationOutcome", f"unreadable CSV: {r.status} {data[:200]!r}")
    with open(os.path.join(SAMPLES, "01-ileal-net-carcinoid-syndrome/input.csv"), "rb") as f:
        r, data = srv.request("POST", "/convert", f.read())
    check(r.status == 413 and "NC-SRV-002" in outcome_codes(json.loads(data)), f"--max-records: {r.status}")
    # Content-Length over the limit: 413 before any body is sent
    s = srv.raw()
    s.sendall(b"POST /convert HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n")
    reply = read_reply(s)
    check(status_of(reply) == 413 and b"NC-SRV-001" in reply, f"Content-Length over limit: {reply[:200]!r}")
    # after an error reply the rest of the body is discarded for at most 2 s, however long the client keeps sending
    s = srv.raw()
    s.sendall(b"POST /convert HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n")
    start, closed = time.monotonic(), False
    while time.monotonic() - start < 8 and not closed:
        try:
            s.sendall(b"a" * 1000)
        except (BrokenPipeError, ConnectionResetError):
            closed = True
        time.sleep(0.05)
    elapsed = time.monotonic() - start
    check(closed and elapsed < 5, f"a client sending after its 413 kept the connection {elapsed:.1f} s")
    # a chunked body that grows past the limit
    s = srv.raw()
    s.sendall(b"POST /convert HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n" % 65536 + b"a" * 65536 + b"\r\n"
    try:
        for _ in range(20):
            s.sendall(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    reply = read_reply(s)
    check(status_of(reply) == 413, f"chunked body over limit: {reply[:200]!r}")
    # garbage, and a header over --max-header-kib
    for request, code in [(b"HELLO\r\n\r\n", 400), (b"GET /healthz HTTP/1.1\r\nX-Big: " + b"a" * 4000 + b"\r\n\r\n", 431),
                          (b"POST /convert HTTP/1.1\r\nContent-Length: zz\r\n\r\n", 400)]:
        s = srv.raw()
        s.sendall(request)
        reply = read_reply(s)
        check(status_of(reply) == code, f"{request[:30]!r}: expected {code}, got {reply[:100]!r}")
    r, _ = srv.request("GET", "/healthz")
    check(r.status == 200, "server unwell after the malformed requests")
    srv.stop()


def case_slow_client():
    srv = Server("--timeout-seconds", "1")
    s = srv.raw()
    start = time.monotonic()
    s.sendall(b"POST /convert HTTP/1.1\r\n")
    closed = False
    for _ in range(30):  # one header byte every 0.2 s: never a complete header
        try:
            s.sendall(b"X")
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
        r, _, _ = select.select([s], [], [], 0.2)
        if r and s.recv(4096) == b"":
            closed = True
            break
    elapsed = time.monotonic() - start
    check(closed and elapsed < 3.0, f"slow client not dropped (closed={closed}, {elapsed:.1f} s; timeout 1 s)")
    # an idle keep-alive connection is closed after the timeout as well
    s = srv.raw()
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    start = time.monotonic()
    reply = read_reply(s, limit=5)
    elapsed = time.monotonic() - start
    check(status_of(reply) == 200 and elapsed < 3.0, f"idle connection kept {elapsed:.1f} s")
    r, _ = srv.request("GET", "/metrics")
    srv.stop()


def held_request(srv, length=20):
    """A /convert whose header is sent and body is not: it holds an admission slot."""
    s = srv.raw(timeout=20)
    s.sendall(b"POST /convert?from=csv HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % length)
    return s


def case_busy():
    srv = Server("--max-concurrent", "2", "-j", "1")
    with open(os.path.join(SAMPLES, "01-ileal-net-carcinoid-syndrome/input.csv"), "rb") as f:
        body = f.read()
    a, b = held_request(srv, len(body)), held_request(srv, len(body))
    time.sleep(0.3)
    r, data = srv.request("POST", "/convert", body)
    check(r.status == 503 and r.getheader("Retry-After") == "1" and "NC-SRV-007" in outcome_codes(json.loads(data)),
          f"third request: {r.status}")
    r, _ = srv.request("GET", "/healthz")
    check(r.status == 200, "healthz is not limited by --max-concurrent")
    for s in (a, b):
        s.sendall(body)
    for s in (a, b):
        reply = s.recv(1 << 20)
        check(status_of(reply) == 200, f"held request: {reply[:100]!r}")
    r, _ = srv.request("POST", "/convert", body)
    check(r.status == 200, "slots not given back")
    srv.stop()


def case_shutdown():
    srv = Server()
    with open(os.path.join(SAMPLES, "01-ileal-net-carcinoid-syndrome/input.csv"), "rb") as f:
        body = f.read()
    idle = srv.conn()
    idle.request("GET", "/healthz")
    check(idle.getresponse().read() != b"", "healthz")
    inflight = held_request(srv, len(body))
    inflight.sendall(body[:50])
    time.sleep(0.3)
    srv.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    check(srv.proc.poll() is None, "exited with a request in flight")
    try:
        socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()
        fail("still accepting after SIGTERM")
    except (ConnectionRefusedError, socket.timeout):
        pass
    check(read_reply(idle.sock, limit=2) == b"", "idle keep-alive connection not closed on SIGTERM")
    inflight.sendall(body[50:])
    reply = read_reply(inflight)
    check(status_of(reply) == 200 and b"Connection: close" in reply, f"in-flight request: {reply[:200]!r}")
    check(json.loads(body_of(reply))["resourceType"] == "Bundle", "in-flight reply is not a Bundle")
    srv.stop(expect_exit=0)


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}
if CASE not in CASES:
    fail(f"unknown case {CASE}; known: {', '.join(CASES)}")
CASES[CASE]()
print(f"ok serve.{CASE}")
