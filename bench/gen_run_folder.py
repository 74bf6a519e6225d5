#!/usr/bin/env python3
"""Writes a synthetic run folder (report.json + rejects.ndjson) the size of a large run, to measure
`netconv report` and the page it draws (docs/benchmarks.md "Run report"). Deterministic for a seed.
The counts are shaped like a real run's but larger than any sample: many reason codes, topographies
and unverified concepts, and more distinct reject messages than the page keeps."""
import argparse, json, os, random

ap = argparse.ArgumentParser()
ap.add_argument("rows", type=int)
ap.add_argument("-o", "--output", required=True)
ap.add_argument("--reject-rate", type=float, default=0.1)
ap.add_argument("--seed", type=int, default=7)
a = ap.parse_args()
rnd = random.Random(a.seed)
os.makedirs(a.output, exist_ok=True)
codes = [f"NC-{k}-{i:03d}" for k in ("CODE", "VAL", "DATE", "REC", "CSV", "OUT") for i in range(1, 12)]
fields = ["primary_site", "histology", "ki67_percent", "mitotic_count", "diagnosis_date", "grade", "treatments"]
rejected = int(a.rows * a.reject_rate)
by_code = {}
with open(os.path.join(a.output, "rejects.ndjson"), "w") as out:
    for n in range(rejected):
        line = 2 + rnd.randrange(a.rows)
        code, field = rnd.choice(codes[:20]) if rnd.random() < 0.9 else rnd.choice(codes), rnd.choice(fields)
        by_code[code] = by_code.get(code, 0) + 1
        # a few messages very often, a long tail of distinct ones (output checks name paths)
        msg = f"{field} is not valid" if rnd.random() < 0.8 else f"{field} fails rule r{rnd.randrange(20000)}"
        out.write(json.dumps({"input": "registry.csv", "line": line, "record_key": f"PAT-{line:07d}/1",
                              "reasons": [{"code": code, "field": field, "line": line, "column": 1 + rnd.randrange(200),
                                           "message": msg}]}, separators=(",", ":")) + "\n")
skipped = a.rows // 50
converted = a.rows - rejected - skipped
q = {"cases": converted, "input_formats": {"csv": 1}, "mapping_tables_sha256": "0" * 64,
     "site_groups": {g: converted // 12 for g in ["pancreas", "jejunum_ileum", "lung", "rectum", "colon", "appendix",
                                                   "stomach", "duodenum", "thymus", "unknown_primary", "other", "liver"]},
     "primary_sites": {f"C{t // 10:02d}.{t % 10}": rnd.randrange(1, 5000) for t in range(0, 800)},
     "grade_given": {"G1": converted // 3, "G2": converted // 4, "G3": converted // 20, "GX": 1000, "none": 5000},
     "grade_derived": {"G1": converted // 8, "G2": converted // 10, "G3": converted // 50},
     "grade_contradictions": converted // 40,
     "ki67_percent": {k: converted // 10 for k in ["<1", "1-<3", "3-<5", "5-<10", "10-20", ">20-30", ">30-55", ">55", "missing"]},
     "treatment_kinds": {k: converted // 3 for k in ["surgery", "ssa", "prrt", "chemo", "targeted", "liver_directed", "other"]},
     "unverified_concepts": {f"concept.k{i}": rnd.randrange(1, 100000) for i in range(600)}}
report = {"tool": "netconv", "version": "0.1.0", "inputs": ["registry.csv"], "read": a.rows, "converted": converted,
          "rejected": rejected, "skipped": skipped, "patients_written": converted * 9 // 10, "files_failed": 0,
          "interrupted": False, "skipped_by_reason": {"out-of-scope-morphology": skipped},
          "rejected_by_code": dict(sorted(by_code.items())), "warnings_by_code": {"NC-REC-005": 1200, "NC-DATE-004": 31000},
          "resources_by_type": {"fhir:Patient": converted, "fhir:Condition": converted * 2, "fhir:Observation": converted * 4,
                                "cda:ClinicalDocument": converted}, "counted": {}, "quality": q,
          "outputs": ["fhir/Patient.ndjson", "rejects.ndjson", "report.html"]}
with open(os.path.join(a.output, "report.json"), "w") as f:
    f.write(json.dumps(report, separators=(",", ":")) + "\n")
