"""How long does a person wait for a co-writing turn? A turn here is `Session.more()` (fresh candidates for the same
place: the proposer draws them, the personal reward ranks them, the store commits the turn) or `Session.ask(...)` (the
same under an instruction), on the embedded SmolLM2-135M with MiniLM and the cached bootstrap ranker, k candidates of
one line, through the real `load_cowriter` installation a person gets from `rp-cowrite`.

Conditions: each method (base, pplm by default) without an instruction and with each instruction of `--asks`
(default: an end word, a syllable count, a rhyme with line 1). Each condition is warmed up once (not counted: the first
turn builds the PPLM bag and the prosody tables), then timed `--turns` times; we report median, 90th percentile and
worst, and the ratio of each directed condition's median to its method's undirected median.

Steering kept: the PPLM proposer's "turn" preset (one gradient step a token, the first 8 tokens) is what makes a PPLM
turn fast; beside the timings we measure what it keeps of steering, as the share of candidates holding a word of the
theme's bag (base, pplm "turn", pplm "bow": the 3-step preset of chapter 04) over `--steer-contexts` openings x 3
themes, k lines each, and each one's median turn time. (The bag is the steering attribute itself, so this is a
cost/effect trade-off, not an independent judgement of topic; bench/pplm.py judges topic with a separate classifier.)

Run: `python bench/cowrite_turns.py` (minutes; the first run trains and caches the bootstrap ranker if it is missing).
Timings are only meaningful on an otherwise idle machine: the load average at start and end is recorded beside them.
Prints a table and writes bench/results/cowrite_turns.json, and copies the headline fields (`turn_seconds_median`,
`turn_seconds_median_pplm`, `turn_directed_ratio_worst`) into bench/results/cowrite.json (its other fields kept).
"""
import argparse, datetime, os, statistics, tempfile, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from reciprocal_poetry.core import provenance, read_json, write_json
from reciprocal_poetry.cowrite import CowriteConfig, LineProposer, PPLMLineProposer
from reciprocal_poetry.prosody import words
from reciprocal_poetry.cowrite_apps import load_cowriter

STEER_THEMES = ["winter", "ocean", "fire"]
STEER_OPENINGS = [["I walked along the road at dawn,"], ["My father kept a garden by the wall,", "and every spring he turned the soil"],
                  ["The city sleeps beneath a yellow haze,"], ["She sang of things that never came to pass,"], ["Old bells are ringing in the square,"],
                  ["Upon the silent sea the moon is rising,", "and every wave remembers where it fell;"]]
OPENING = ["Upon the silent sea the moon is rising,", "and every wave remembers where it fell;"]

def timed(fn, n:int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter(); fn(); out.append(time.perf_counter() - t0)
    return out

def summary(xs:list[float]) -> dict:
    s = sorted(xs)
    return {"median": statistics.median(s), "p90": s[min(len(s) - 1, int(round(0.9 * (len(s) - 1))))], "worst": s[-1], "n": len(s)}

def steering(lm, k:int, n_open:int) -> list[dict]:
    "Bag-word share and median turn time of base, pplm 'turn' and pplm 'bow' line proposers."
    rows = []
    for name, prop in [("base", LineProposer(lm)), ("pplm turn", PPLMLineProposer(lm, pplm_cfg="turn")), ("pplm bow", PPLMLineProposer(lm, pplm_cfg="bow"))]:
        ts, hits, n = [], 0, 0
        for th in STEER_THEMES:
            bag = set(PPLMLineProposer(lm).bag(th).words)
            for i, c in enumerate(STEER_OPENINGS[:n_open]):
                t0 = time.perf_counter(); ls = prop(c, th, k, seed=i); ts.append(time.perf_counter() - t0)
                hits += sum(any(w in bag for w in words(l)) for l in ls); n += len(ls)
        rows.append({"proposer": name, "bag_word_share": hits / n, "lines": n, "turn_seconds_median": statistics.median(ts)})
        print(f"steering {name:10s} bag-word share {hits}/{n} = {hits/n:.2f}  median turn {statistics.median(ts):.2f}s", flush=True)
    return rows

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--turns", type=int, default=10, help="timed turns per condition")
    p.add_argument("--k", type=int, default=4, help="candidates per turn")
    p.add_argument("--methods", default="base,pplm")
    p.add_argument("--asks", default="end night|syllables 8|rhyme 1", help="instructions, separated by |")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    p.add_argument("--steer-contexts", type=int, default=6, help="openings in the steering comparison (0: skip it)")
    p.add_argument("--out", default="bench/results/cowrite_turns.json")
    a = p.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    load0, t_start = os.getloadavg(), time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        cw = load_cowriter(db=Path(d)/"store.db", models_dir=Path(d)/"people", cfg=CowriteConfig(k=a.k))
        rows, medians = [], {}
        for method in a.methods.split(","):
            s = cw.start("bench", "the sea at night", OPENING[0], method=method)
            s.write(OPENING[1])
            for ask in [None, *a.asks.split("|")]:
                fn = (lambda: s.more()) if ask is None else (lambda ask=ask: s.ask(ask))
                fn()                                                   # warm-up, not counted
                xs = timed(fn, a.turns)
                shown = [c.text for c in s.candidates]
                r = {"method": method, "ask": ask or "", **summary(xs), "candidates_last": shown, "seconds": xs}
                medians[(method, ask)] = r["median"]
                r["ratio_to_undirected"] = r["median"] / medians[(method, None)]
                rows.append(r)
                print(f"{method:6s} {ask or '(none)':14s} median {r['median']:6.2f}s  p90 {r['p90']:6.2f}s  worst {r['worst']:6.2f}s"
                      f"  x{r['ratio_to_undirected']:.2f}  e.g. {shown[:1]}", flush=True)
        steer = steering(cw.lm, a.k, a.steer_contexts) if a.steer_contexts else []
    directed = [r["ratio_to_undirected"] for r in rows if r["ask"]]
    out = {"benchmark": "cowrite_turns", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "k": a.k, "turns_per_condition": a.turns, "torch_threads": torch.get_num_threads(), "opening": OPENING,
           "turn_seconds_median": medians.get(("base", None)), "turn_seconds_median_pplm": medians.get(("pplm", None)),
           "turn_directed_ratio_worst": max(directed) if directed else None,
           "goals": {"turn_seconds_median": "<= 1.5", "turn_seconds_median_pplm": "<= 5", "turn_directed_ratio_worst": "<= 1.5"},
           "rows": rows, "steering": steer, "pplm_preset": "turn", "loadavg_start": load0, "loadavg_end": os.getloadavg(),
           "wall_seconds": time.perf_counter() - t_start, "provenance": provenance("cpu")}
    write_json(a.out, out)
    cw_path = Path(a.out).with_name("cowrite.json")
    if cw_path.exists():
        whole = read_json(cw_path)
        whole.update({k: out[k] for k in ("turn_seconds_median", "turn_seconds_median_pplm", "turn_directed_ratio_worst")})
        whole["turn_seconds_source"] = f"bench/cowrite_turns.py, {out['date']} (see {Path(a.out).name})"
        write_json(cw_path, whole)
    print(f"wrote {a.out}; load average {load0[0]:.1f} at start, {out['loadavg_end'][0]:.1f} at end")

if __name__ == "__main__":
    main()
