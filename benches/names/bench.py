#!/usr/bin/env python3
"""Runs the person-name engines over each converted set, scores them with
score.py and writes WORK/report.json. Called by run.sh.

Usage: bench.py WORK SET... [--presidio PYTHON] [--verbose] [-- SARX_CMD...]

For each SET, WORK/data/SET.jsonl (common format) is given to each engine
as `ENGINE IN.jsonl OUT.jsonl`; OUT goes to WORK/pred/ENGINE/SET.jsonl and
the engine's last stdout line (a JSON object of its own timing) is kept.
Engines: presidio (`PYTHON presidio_names.py`, when --presidio is given) and
sarx (the command after `--`, when given). Each run is also timed from
outside (wall clock, and the child's user+system CPU from getrusage), which
includes process start-up and model loading.
"""
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import score as scorer  # noqa: E402


def run_engine(cmd, src, dst):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(cmd + [src, dst], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode != 0:
        sys.stderr.write(res.stderr[-4000:])
        raise SystemExit(f"engine failed ({res.returncode}): {' '.join(cmd)} {src} {dst}")
    stats = None
    for line in reversed(res.stdout.strip().splitlines()):
        try:
            stats = json.loads(line)
            break
        except json.JSONDecodeError:
            continue
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return stats, wall, cpu


def own_rates(stats, words, nbytes):
    """Words per wall and per CPU second from an engine's own stats line:
    its words_per_sec / words_per_cpu_sec if given, else converted from
    bytes_per_sec / bytes_per_cpu_sec, else words over its seconds /
    cpu_seconds (times passes, if it repeated the pass)."""
    if not isinstance(stats, dict):
        return None, None
    passes = stats.get("passes") or 1

    def rate(wkey, bkey, skey):
        if isinstance(stats.get(wkey), (int, float)):
            return float(stats[wkey])
        if isinstance(stats.get(bkey), (int, float)) and nbytes:
            return stats[bkey] * words / nbytes
        if isinstance(stats.get(skey), (int, float)) and stats[skey] > 0:
            return words * passes / stats[skey]
        return None

    return (rate("words_per_sec", "bytes_per_sec", "seconds"),
            rate("words_per_cpu_sec", "bytes_per_cpu_sec", "cpu_seconds"))


def fmt_rate(x):
    if x is None:
        return "—"
    return f"{x/1e6:.2f} M" if x >= 1e6 else (f"{x/1e3:.1f} k" if x >= 1e4 else f"{x:.0f}")


def main():
    argv = sys.argv[1:]
    sarx_cmd = []
    if "--" in argv:
        i = argv.index("--")
        argv, sarx_cmd = argv[:i], argv[i + 1:]
    verbose = "--verbose" in argv
    presidio_py = argv[argv.index("--presidio") + 1] if "--presidio" in argv else None
    pos = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--presidio")]
    work, sets = pos[0], pos[1:]
    engines = []
    if presidio_py:
        engines.append(("presidio", [presidio_py, os.path.join(HERE, "presidio_names.py")]))
    if sarx_cmd:
        engines.append(("sarx", sarx_cmd))
    if not engines:
        raise SystemExit("no engine to run")

    report = {"sets": {}, "engines": {name: cmd for name, cmd in engines}}
    for meta in ["machine", "versions"]:
        p = os.path.join(work, meta + ".json")
        if os.path.exists(p):
            report[meta] = json.load(open(p))
    for s in sets:
        src = os.path.join(work, "data", s + ".jsonl")
        gold = scorer.load_jsonl(src)
        words = sum(len(r["text"].split()) for r in gold)
        nbytes = sum(len(r["text"].encode("utf-8")) for r in gold)
        entry = {"texts": len(gold), "words": words, "bytes": nbytes,
                 "gold": sum(len(r.get("persons") or []) for r in gold), "engines": {}}
        for name, cmd in engines:
            os.makedirs(os.path.join(work, "pred", name), exist_ok=True)
            dst = os.path.join(work, "pred", name, s + ".jsonl")
            print(f"  {s}: {name} ...", file=sys.stderr, flush=True)
            stats, wall, cpu = run_engine(cmd, src, dst)
            res = scorer.score(gold, scorer.load_jsonl(dst))
            w_rate, c_rate = own_rates(stats, words, nbytes)
            entry["engines"][name] = {
                "scores": res,
                "own_stats": stats,
                "words_per_sec": w_rate, "words_per_cpu_sec": c_rate,
                "process": {"seconds": wall, "cpu_seconds": cpu,
                            "words_per_sec": words / wall if wall else None,
                            "words_per_cpu_sec": words / cpu if cpu else None},
            }
        report["sets"][s] = entry
    json.dump(report, open(os.path.join(work, "report.json"), "w", encoding="utf-8"), indent=2, ensure_ascii=False)

    print()
    print("| set | engine | texts | words | gold | pred | P | R | F1 | false names /1k words | names found /1k words |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s, entry in report["sets"].items():
        for name, e in entry["engines"].items():
            kinds = e["scores"].get("by_kind", {})
            rows = [("", e["scores"]["all"])] + ([(f" kind={k}", v) for k, v in kinds.items()] if len(kinds) > 1 else [])
            for suffix, a in rows:
                print(f"| {s}{suffix} | {name} | {a['docs']} | {a['words']} | {a['gold']} | {a['pred']} | "
                      f"{scorer.f3(a['precision'])} | {scorer.f3(a['recall'])} | {scorer.f3(a['f1'])} | {a['false_per_1k_words']:.2f} | {a['pred_per_1k_words']:.2f} |")
    print()
    print("words/s: the engine's own timing of its pass (model loaded, warmed up) | "
          "the whole process, start-up and model load included")
    print()
    print("| set | engine | words/s wall | words/s CPU | process s wall | process s CPU | process words/s wall | process words/s CPU |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for s, entry in report["sets"].items():
        for name, e in entry["engines"].items():
            p = e["process"]
            print(f"| {s} | {name} | {fmt_rate(e['words_per_sec'])} | {fmt_rate(e['words_per_cpu_sec'])} | "
                  f"{p['seconds']:.2f} | {p['cpu_seconds']:.2f} | {fmt_rate(p['words_per_sec'])} | {fmt_rate(p['words_per_cpu_sec'])} |")
    warn = []
    for s, entry in report["sets"].items():
        for name, e in entry["engines"].items():
            sc = e["scores"]
            if sc.get("missing_ids"):
                warn.append(f"{s}/{name}: {sc['missing_ids']} text(s) had no prediction line")
            if sc["all"].get("invalid_pred_spans"):
                warn.append(f"{s}/{name}: {sc['all']['invalid_pred_spans']} span(s) outside their text (byte offsets?)")
            mid = sc["all"]["mid_word_pred_spans"]
            if mid > max(2, sc["all"]["pred"] // 20):
                warn.append(f"{s}/{name}: {mid} span(s) start or end inside a word (byte offsets?)")
            if e["own_stats"] is None:
                warn.append(f"{s}/{name}: no JSON stats line on stdout; words/s from the process timing only")
    if warn:
        print("\nwarnings:\n  " + "\n  ".join(warn))
    if verbose:
        for s, entry in report["sets"].items():
            for name, e in entry["engines"].items():
                print(f"\n{s} / {name}:")
                scorer.print_errors(e["scores"]["all"], "  ")


if __name__ == "__main__":
    main()
