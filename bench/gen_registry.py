#!/usr/bin/env python3
"""Deterministic generator of NET registry records for benchmarks and memory tests.

usage: gen_registry.py N [--seed S] [--bad-rate R [--bad-keys FILE]] [--format csv|ndjson|naaccr-xml] [-o FILE]

N records (tumors) in the registry CSV contract (or NDJSON, or NAACCR XML 1.x with the items
netconv reads). Patients are contiguous; about one patient in six has two tumors. With
--bad-rate R, that fraction of records gets exactly one defect netconv must reject; --bad-keys
FILE lists their record keys (patient_id/tumor_id, one per line) so a test can check that exactly
those records were rejected. The same arguments always give the same bytes. Values are synthetic, not clinical data.
"""
import argparse
import json
import random
import sys

SITES = [  # topography, histologies (weighted), surgery keys
    ("C17.2", [("8240", 8), ("8249", 2), ("8246", 1)], ["small_bowel_resection", "right_hemicolectomy"]),
    ("C17.0", [("8240", 6), ("8153", 1)], ["endoscopic_resection", "pancreaticoduodenectomy"]),
    ("C18.1", [("8240", 8)], ["appendectomy", "right_hemicolectomy"]),
    ("C18.0", [("8240", 4), ("8246", 1), ("8013", 1)], ["right_hemicolectomy"]),
    ("C20.9", [("8240", 6), ("8246", 1)], ["endoscopic_resection"]),
    ("C16.9", [("8240", 5), ("8246", 1)], ["gastrectomy", "endoscopic_resection"]),
    ("C25.0", [("8150", 6), ("8246", 1)], ["pancreaticoduodenectomy", "enucleation"]),
    ("C25.2", [("8150", 5), ("8151", 1), ("8152", 1)], ["distal_pancreatectomy", "enucleation"]),
    ("C34.1", [("8240", 5), ("8249", 3), ("8041", 3), ("8013", 1)], ["lobectomy", "segmentectomy"]),
    ("C37.9", [("8240", 1), ("8249", 1)], []),
]
METS = ["liver", "bone", "lung", "peritoneum", "lymph_node_regional", "lymph_node_distant"]
SYNDROMES = ["MEN1", "MEN2A", "VHL", "NF1", "TSC"]
SYMPTOMS = ["flushing", "diarrhea", "wheezing", "edema", "steatorrhea"]
DRUGS = [("ssa", "octreotide"), ("ssa", "lanreotide"), ("targeted", "everolimus"), ("targeted", "sunitinib"),
         ("chemo", "capecitabine+temozolomide"), ("chemo", "cisplatin+etoposide"), ("prrt", "lutetium_lu177_dotatate")]
DEFECTS = ["histology:8888", "primary_site:C99.9", "ki67_percent:140", "mitotic_count:-2",
           "diagnosis_date:2023-02-31", "treatments:chemo:imatinib@2021-01-01", "sex:X"]
COLUMNS = ["patient_id", "birth_date", "sex", "tumor_id", "diagnosis_date", "primary_site", "histology", "behavior",
           "grade", "ki67_percent", "mitotic_count", "differentiation", "metastatic_sites", "syndromes",
           "carcinoid_syndrome", "symptoms", "treatments"]


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for v, w in weighted:
        x -= w
        if x <= 0:
            return v
    return weighted[-1][0]


def date(rng, y0, y1, precision=None):
    y = rng.randint(y0, y1)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    p = precision or rng.choices(["day", "month", "year"], [8, 3, 1])[0]
    return f"{y:04d}" if p == "year" else f"{y:04d}-{m:02d}" if p == "month" else f"{y:04d}-{m:02d}-{d:02d}"


def records(n, seed, bad_rate, bad_keys=None):
    rng = random.Random(seed)
    made = 0
    pid = 0
    while made < n:
        pid += 1
        birth = date(rng, 1935, 1985, "day")
        sex = rng.choice(["F", "M"])
        tumors = 2 if rng.random() < 1 / 6 else 1
        for t in range(1, tumors + 1):
            if made >= n:
                break
            site, hists, surgeries = rng.choice(SITES)
            hist = pick(rng, hists)
            nec = hist in ("8246", "8041", "8013")
            dx_year = rng.randint(2010, 2024)
            ki67 = round(rng.uniform(30, 90), 1) if nec else rng.choice([round(rng.uniform(0.5, 2.9), 1), round(rng.uniform(3, 20), 1), round(rng.uniform(21, 40), 1)])
            rec = {
                "patient_id": f"GEN{pid:08d}", "birth_date": birth, "sex": sex, "tumor_id": str(t),
                "diagnosis_date": date(rng, dx_year, dx_year), "primary_site": site, "histology": hist + "/3",
                "behavior": "3", "grade": "" if rng.random() < 0.5 or site.startswith(("C34", "C37")) else ("G1" if ki67 < 3 else "G2" if ki67 <= 20 else "G3"),
                "ki67_percent": str(ki67), "mitotic_count": str(rng.randint(0, 30) if nec else rng.randint(0, 8)),
                "differentiation": "poor" if nec else "well",
                "metastatic_sites": "|".join(sorted(rng.sample(METS, rng.randint(0, 2)))),
                "syndromes": rng.choice(SYNDROMES) if rng.random() < 0.05 else "",
                "carcinoid_syndrome": rng.choice(["Y", "N", "U"]),
                "symptoms": "|".join(sorted(rng.sample(SYMPTOMS, rng.randint(0, 2)))),
            }
            treatments = []
            if surgeries and rng.random() < 0.8:
                treatments.append(f"surgery:{rng.choice(surgeries)}@{dx_year + 1}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
            for _ in range(rng.randint(0, 2)):
                kind, agent = rng.choice(DRUGS)
                start = f"{dx_year + 1}-1{rng.randint(0, 2)}-0{rng.randint(1, 9)}"
                treatments.append(f"{kind}:{agent}@{start}" + (f"/{dx_year + 2}-06-30" if rng.random() < 0.5 else ""))
            rec["treatments"] = "|".join(treatments)
            if bad_rate > 0 and rng.random() < bad_rate:
                field, value = rng.choice(DEFECTS).split(":", 1)
                rec[field] = value
                if bad_keys is not None:
                    bad_keys.append(f"{rec['patient_id']}/{rec['tumor_id']}")
            made += 1
            yield rec


NAACCR_ITEMS = [  # (naaccrId, record field, level)
    ("patientIdNumber", "patient_id", "Patient"), ("dateOfBirth", "birth_date", "Patient"), ("sex", "sex", "Patient"),
    ("primarySite", "primary_site", "Tumor"), ("histologicTypeIcdO3", "histology", "Tumor"),
    ("behaviorCodeIcdO3", "behavior", "Tumor"), ("dateOfDiagnosis", "diagnosis_date", "Tumor"),
    ("sequenceNumberCentral", "tumor_id", "Tumor"),
]


def naaccr_value(field, value):
    if field.endswith("date"):
        return value.replace("-", "")
    if field == "sex":
        return {"F": "2", "M": "1"}.get(value, "9")
    if field == "primary_site":
        return value.replace(".", "")
    if field == "histology":
        return value.split("/")[0]
    if field == "tumor_id":
        return value.zfill(2)
    if field == "patient_id":  # NAACCR Patient ID Number is 8 digits
        return value[-8:]
    return value


def write_naaccr(out, recs):
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml" '
              'recordType="I" specificationVersion="1.7" xmlns="http://naaccr.org/naaccrxml">\n  <Item naaccrId="registryId">0000000001</Item>\n')
    current = None
    for r in recs:
        if r["patient_id"] != current:
            if current is not None:
                out.write("  </Patient>\n")
            current = r["patient_id"]
            out.write("  <Patient>\n")
            for item, field, level in NAACCR_ITEMS:
                if level == "Patient" and r[field]:
                    out.write(f'    <Item naaccrId="{item}">{naaccr_value(field, r[field])}</Item>\n')
        out.write("    <Tumor>\n")
        for item, field, level in NAACCR_ITEMS:
            if level == "Tumor" and r[field]:
                out.write(f'      <Item naaccrId="{item}">{naaccr_value(field, r[field])}</Item>\n')
        out.write("    </Tumor>\n")
    if current is not None:
        out.write("  </Patient>\n")
    out.write("</NaaccrData>\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bad-rate", type=float, default=0.0)
    ap.add_argument("--bad-keys", help="write the record keys of the defective records to this file")
    ap.add_argument("--format", choices=["csv", "ndjson", "naaccr-xml"], default="csv")
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    out = open(a.output, "w", newline="") if a.output else sys.stdout
    bad_keys = [] if a.bad_keys else None
    recs = records(a.n, a.seed, a.bad_rate, bad_keys)
    if a.format == "naaccr-xml":
        write_naaccr(out, recs)
    elif a.format == "ndjson":
        for r in recs:
            obj = {k: v for k, v in r.items() if v != ""}
            for k in ("metastatic_sites", "symptoms", "treatments"):
                if k in obj:
                    obj[k] = obj[k].split("|")
            out.write(json.dumps(obj, separators=(",", ":")) + "\n")
    else:
        out.write(",".join(COLUMNS) + "\n")
        for r in recs:
            out.write(",".join(r[c] for c in COLUMNS) + "\n")
    if out is not sys.stdout:
        out.close()
    if a.bad_keys:
        with open(a.bad_keys, "w") as f:
            f.writelines(k + "\n" for k in bad_keys)


if __name__ == "__main__":
    main()
