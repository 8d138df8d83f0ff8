#!/usr/bin/env python
"""PPLM on the embedded model: topic steering (Base / logit_bias / PPLM) and speed.

Quality: for every topic (PPLM's published word lists when ../shared/data/pplm_bow is present, and the built-in
poetry themes), the same opening lines of held-out corpus poems x seeds are continued by Base (the plain model),
by the logit_bias ablation at several strengths, and by PPLM. Reported per method: the fraction of samples that
contain a topic word, topic words per sample, perplexity of the generated tokens under the unsteered base model
(the same model for every method), and distinct-2 (unique word bigrams / bigrams over the method's samples).

Speed: tokens/s of Base and PPLM at batch 1 and batch 8 with the same sampling settings, runs interleaved
(Base, PPLM, Base, PPLM, ...) so machine load affects both alike; medians over repeats.

    python bench/pplm.py                      # full run, writes bench/results/pplm.json
    python bench/pplm.py --prompts 4 --seeds 1 --topics ocean,space --speed-reps 1 --out /tmp/pplm.json   # quick look
    # on a busy machine, shard by topic and merge (same settings in every shard):
    python bench/pplm.py --topics death,faith,joy --skip-speed --out /tmp/q1.json   # ... one per topic subset
    python bench/pplm.py --skip-quality --out /tmp/speed.json
    python bench/pplm.py --merge /tmp/q1.json ... /tmp/speed.json              # writes bench/results/pplm.json
    # the adaptive step against Base, reusing an earlier run's speed section and its fixed-step rows for comparison:
    python bench/pplm.py --pplm adaptive --strengths "" --order lists-first --previous bench/results/pplm.json

Per topic, the goal is hit rate >= 2x Base's (or +0.2 absolute where Base < 0.05) at perplexity <= 1.5x Base and
distinct-2 within 0.05; the json reports the worst topic (`worst_topic_hit_ratio`, `worst_topic_ppl_ratio`), not
only the pooled mean. The quality part writes the json after every topic (`complete: false` until the end), so a
run cut short still says exactly which topics it measured.
"""
from __future__ import annotations
import argparse, datetime, json, os, statistics, sys, time
from dataclasses import asdict, replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
import torch
from reciprocal_poetry.core import provenance, write_json
from reciprocal_poetry.data import extract_prompts, load_corpus, split_poems
from reciprocal_poetry.generate import GenConfig, generate
from reciprocal_poetry.metrics import distinct_n, perplexity, theme_counts
from reciprocal_poetry.models import load_lm
from reciprocal_poetry.pplm import (PPLM_PRESETS, THEMES, BowAttribute, PPLMConfig, known_bows, logit_bias_hook,
                                    pplm_bow_dir, pplm_generate)

SPEED_PROMPTS = ["The autumn wind is sighing through the trees", "Upon the silent sea,", "When I was young the world was green",
                 "Night comes down upon the city", "O Rose, thou art sick", "I wandered by the river in the rain",
                 "The bells of evening ring", "My heart is like a singing bird"]


def parse_cfg(spec:str) -> PPLMConfig:
    "A preset name, optionally followed by field=value overrides: 'bow', 'reference,step_size=0.03'."
    name, *kv = [p.strip() for p in spec.split(",") if p.strip()]
    cfg = PPLM_PRESETS[name]
    types = {k: type(v) for k, v in asdict(cfg).items()}
    over = {}
    for item in kv:
        k, v = item.split("=")
        over[k] = (v.lower() in ("1", "true", "yes")) if types[k] is bool else types[k](v)
    return replace(cfg, **over)


def samples_over_seeds(fn, prompts, gen:GenConfig, seeds:list[int]) -> tuple[list, float]:
    "Samples from `fn(prompts, gen)`: one per prompt per seed (sample index j = seed j of the row generators), and seconds."
    t0 = time.perf_counter()
    out = fn(prompts, replace(gen, n=len(seeds), seed=0))                      # row j of prompt i draws from seed (0, i, j)
    return out, time.perf_counter() - t0


def score(lm, samples, words) -> dict:
    "Topic hits, perplexity of the generated tokens under the base model, distinct-2."
    texts = [s.text for s in samples]
    counts = theme_counts(texts, words)
    ppl = perplexity(lm, [s.prompt for s in samples], [s.raw for s in samples], mode="chat")
    return {"hit_rate": float((counts > 0).mean()), "words_per_sample": float(counts.mean()), "hits": int((counts > 0).sum()),
            "n": len(samples), "nll": float(ppl.nll.sum()), "tokens": int(ppl.n_tokens.sum()), "perplexity": ppl.perplexity,
            "distinct_2": distinct_n(texts, 2)}


def pooled(rows:list[dict]) -> dict:
    "Pool per-topic scores: hit fraction and words over all samples, token-weighted perplexity, mean distinct-2."
    n, tok = sum(r["n"] for r in rows), sum(r["tokens"] for r in rows)
    return {"hit_rate": sum(r["hits"] for r in rows) / n, "words_per_sample": sum(r["words_per_sample"] * r["n"] for r in rows) / n,
            "perplexity": float(np.exp(sum(r["nll"] for r in rows) / tok)), "distinct_2": float(np.mean([r["distinct_2"] for r in rows])),
            "n": n, "topics": len(rows)}


def topic_order(topics:list[str], order:str) -> list[str]:
    "Topics in run order: 'name' (as given / sorted), or 'lists-first' (PPLM's published lists, then the built-in themes)."
    return topics if order == "name" else [t for t in topics if t not in THEMES] + [t for t in topics if t in THEMES]


def quality(lm, args, partial=None) -> dict:
    split = split_poems(load_corpus())
    prompts = [p.text for p in extract_prompts(split["test"], n=args.prompts, seed=0)]
    topics = topic_order(args.topics.split(",") if args.topics else known_bows(), args.order)
    gen = GenConfig(max_new_tokens=args.max_new_tokens, top_k=10, temperature=1.0, batch_size=args.batch_size, n=1)
    seeds = list(range(args.seeds))
    cfgs = {spec: parse_cfg(spec) for spec in args.pplm}
    print(f"quality: {len(prompts)} prompts x {len(seeds)} seeds, {len(topics)} topics, PPLM configs {list(cfgs)}, "
          f"logit_bias strengths {args.strengths}", flush=True)
    base, t_base = samples_over_seeds(lambda p, g: generate(lm, p, g), prompts, gen, seeds)
    print(f"  base: {len(base)} samples in {t_base:.0f}s", flush=True)
    per_topic, timing = {}, {"base": t_base}
    for topic in topics:
        bow = BowAttribute(topic, lm.tokenizer)
        words = bow.words
        res = {"base": score(lm, base, words), "examples": {"base": base[0].text}}
        for s in args.strengths:
            smp, dt = samples_over_seeds(lambda p, g: generate(lm, p, g, logits_hook=logit_bias_hook(bow, s)), prompts, gen, seeds)
            res[f"logit_bias_{s:g}"] = score(lm, smp, words); timing[f"logit_bias_{s:g}"] = timing.get(f"logit_bias_{s:g}", 0) + dt
        for spec, cfg in cfgs.items():
            smp, dt = samples_over_seeds(lambda p, g: pplm_generate(lm, p, bow, cfg, g), prompts, gen, seeds)
            res[f"pplm[{spec}]"] = score(lm, smp, words); timing[f"pplm[{spec}]"] = timing.get(f"pplm[{spec}]", 0) + dt
            res["examples"][f"pplm[{spec}]"] = smp[0].text
        per_topic[topic] = res
        if partial: partial({"prompts": prompts, "seeds": seeds, "topics": list(per_topic), "topics_planned": topics, "gen": asdict(gen),
                             "pplm_configs": {k: asdict(v) for k, v in cfgs.items()}, "strengths": args.strengths,
                             "per_topic": dict(per_topic), "seconds": dict(timing)})
        print(f"  {topic:<10} " + "  ".join(f"{k}: hit {v['hit_rate']:.2f} ppl {v['perplexity']:.1f} d2 {v['distinct_2']:.2f}"
                                           for k, v in res.items() if k != "examples"), flush=True)
    q = {"prompts": prompts, "seeds": seeds, "topics": topics, "topics_planned": topics, "gen": asdict(gen), "pplm_configs": {k: asdict(v) for k, v in cfgs.items()},
         "strengths": args.strengths, "per_topic": per_topic, "seconds": timing}
    return summarize(q)


def summarize(q:dict) -> dict:
    "Pooled table over all topics and by group (PPLM's lists / built-in themes)."
    per_topic, topics = q["per_topic"], q["topics"]
    methods = [k for k in next(iter(per_topic.values())) if k != "examples"]
    q["table"] = {m: pooled([per_topic[t][m] for t in topics]) for m in methods}
    groups = {"pplm_lists": [t for t in topics if t not in THEMES], "themes": [t for t in topics if t in THEMES]}
    q["by_group"] = {g: {m: pooled([per_topic[t][m] for t in ts]) for m in methods} for g, ts in groups.items() if ts}
    return q


def topic_goals(q:dict, head:str) -> dict:
    "Per topic: steered vs Base hit rate, perplexity ratio, distinct-2 delta and whether the goal is met; the worst topics."
    rows = {}
    for t in q["topics"]:
        b, s = q["per_topic"][t]["base"], q["per_topic"][t][head]
        low = b["hit_rate"] < 0.05
        hit_ok = s["hit_rate"] >= b["hit_rate"] + 0.2 if low else s["hit_rate"] >= 2 * b["hit_rate"]
        r = {"base_hit": b["hit_rate"], "hit": s["hit_rate"], "hit_ratio": s["hit_rate"] / b["hit_rate"] if b["hit_rate"] > 0 else None,
             "hit_gain": s["hit_rate"] - b["hit_rate"], "base_below_0.05": low, "ppl_ratio": s["perplexity"] / b["perplexity"],
             "distinct2_delta": s["distinct_2"] - b["distinct_2"]}
        r["goal_hits"], r["goal_ppl"], r["goal_distinct2"] = bool(hit_ok), r["ppl_ratio"] <= 1.5, abs(r["distinct2_delta"]) <= 0.05
        r["goal_met"] = r["goal_hits"] and r["goal_ppl"] and r["goal_distinct2"]
        rows[t] = r
    ratio = {t: r for t, r in rows.items() if r["hit_ratio"] is not None and not r["base_below_0.05"]}
    low = {t: r for t, r in rows.items() if r["base_below_0.05"]}
    wr = min(ratio, key=lambda t: ratio[t]["hit_ratio"]) if ratio else None
    wl = min(low, key=lambda t: low[t]["hit_gain"]) if low else None
    wp = max(rows, key=lambda t: rows[t]["ppl_ratio"])
    wd = max(rows, key=lambda t: abs(rows[t]["distinct2_delta"]))
    return {"per_topic_goal": rows, "worst_topic_hit_ratio": ratio[wr]["hit_ratio"] if wr else None, "worst_topic_hit_ratio_topic": wr,
            "worst_topic_hit_gain_low_base": low[wl]["hit_gain"] if wl else None, "worst_topic_hit_gain_low_base_topic": wl,
            "worst_topic_ppl_ratio": rows[wp]["ppl_ratio"], "worst_topic_ppl_ratio_topic": wp,
            "worst_topic_distinct2_delta": rows[wd]["distinct2_delta"], "worst_topic_distinct2_topic": wd,
            "topics_meeting_goal": sum(r["goal_met"] for r in rows.values()), "topics_measured": len(rows),
            "topics_missing_goal": [t for t, r in rows.items() if not r["goal_met"]]}


def compare_previous(q:dict, prev:dict) -> dict:
    "An earlier run's rows for the same topics (e.g. the fixed-step reference), and whether its Base samples score identically."
    pq = prev.get("quality", {})
    same = all(pq.get(k) == q.get(k) for k in ("prompts", "seeds")) and pq.get("gen", {}).get("max_new_tokens") == q["gen"]["max_new_tokens"]
    out = {"date": prev.get("date"), "git_commit": prev.get("provenance", {}).get("git_commit"), "same_prompts_seeds_tokens": same, "per_topic": {}}
    for t in q["topics"]:
        old = pq.get("per_topic", {}).get(t)
        if not old: continue
        b = q["per_topic"][t]["base"]
        out["per_topic"][t] = {"base_identical": old["base"]["hits"] == b["hits"] and abs(old["base"]["nll"] - b["nll"]) < 1e-3 * max(1.0, abs(b["nll"])),
                               **{m: {k: r[k] for k in ("hit_rate", "perplexity", "distinct_2")} for m, r in old.items() if m != "examples"}}
    return out


def merge(paths:list[str]) -> dict:
    "Combine shard results (each run with --topics a subset, or --skip-quality for speed) into one."
    parts = [json.loads(Path(p).read_text()) for p in paths]
    out = {k: v for k, v in parts[0].items() if k not in ("quality", "speed")}
    out["shards"] = [{"path": p, "date": x["date"], "seconds": x.get("seconds"), "args": x["args"]} for p, x in zip(paths, parts)]
    qs = [x["quality"] for x in parts if "quality" in x]
    if qs:
        q = {k: v for k, v in qs[0].items() if k not in ("per_topic", "topics", "seconds", "table", "by_group")}
        q["topics"] = list(dict.fromkeys(t for x in qs for t in x["topics"]))   # a topic run by two shards (same settings) counts once
        q["topics_planned"] = list(dict.fromkeys(t for x in qs for t in x.get("topics_planned", x["topics"])))
        q["per_topic"] = {t: r for x in qs for t, r in x["per_topic"].items()}
        q["seconds"] = {}
        for x in qs:
            for k, v in x["seconds"].items(): q["seconds"][k] = q["seconds"].get(k, 0) + v
        out["quality"] = summarize(q)
    out["complete"] = all(x.get("complete", True) for x in parts)
    sp = [x["speed"] for x in parts if "speed" in x]
    if sp: out["speed"] = sp[-1]
    return out


def speed(lm, args) -> dict:
    bow = BowAttribute("ocean", lm.tokenizer)
    cfg = parse_cfg(args.pplm[0])
    gen = GenConfig(max_new_tokens=args.speed_tokens, top_k=10, temperature=1.0, max_lines=None, n=1)
    runs = {k: [] for k in ["base_b8", "pplm_b8", "base_b1", "pplm_b1"]}
    def timed(fn, prompts, B):
        t0 = time.perf_counter(); out = []
        for i in range(0, len(prompts), B): out += fn(prompts[i:i + B])
        return (time.perf_counter() - t0) / sum(s.n_tokens for s in out)  # seconds per generated token
    base = lambda ps: generate(lm, ps, gen, batch_size=len(ps))
    steer = lambda ps: pplm_generate(lm, ps, bow, cfg, gen, batch_size=len(ps))
    timed(base, SPEED_PROMPTS[:2], 2)                                           # warm-up
    for r in range(args.speed_reps):
        runs["base_b8"].append(timed(base, SPEED_PROMPTS, 8)); runs["pplm_b8"].append(timed(steer, SPEED_PROMPTS, 8))
        runs["base_b1"].append(timed(base, SPEED_PROMPTS[:args.b1_prompts], 1)); runs["pplm_b1"].append(timed(steer, SPEED_PROMPTS[:args.b1_prompts], 1))
        print(f"  speed rep {r}: " + "  ".join(f"{k} {1/v[-1]:.2f} tok/s" for k, v in runs.items()), flush=True)
    med = {k: statistics.median(v) for k, v in runs.items()}
    return {"settings": {"max_new_tokens": args.speed_tokens, "pplm": asdict(cfg), "reps": args.speed_reps, "torch_threads": torch.get_num_threads()},
            "tokens_per_second": {k: 1 / v for k, v in med.items()}, "seconds_per_token_runs": runs,
            "cost_ratio_batch1": med["pplm_b1"] / med["base_b1"], "cost_ratio_batch8": med["pplm_b8"] / med["base_b8"],
            "batched_speedup": med["pplm_b1"] / med["pplm_b8"]}


def closest_logit_bias(table:dict, pplm_key:str) -> str:
    "The logit_bias strength whose pooled perplexity is closest to PPLM's."
    lbs = [k for k in table if k.startswith("logit_bias_")]
    return min(lbs, key=lambda k: abs(np.log(table[k]["perplexity"]) - np.log(table[pplm_key]["perplexity"])))


def logit_bias_at(table:dict, ppl:float) -> dict:
    """logit_bias's topic-hit fraction at perplexity `ppl`: linear in log-perplexity between the two strengths around it
    on the curve Base (strength 0), logit_bias 1, 3, 10, ... Outside the curve the nearest end is used and flagged."""
    pts = sorted([(np.log(table[k]["perplexity"]), table[k]["hit_rate"], k) for k in table if k.startswith("logit_bias_") or k == "base"])
    x = np.log(ppl)
    if x <= pts[0][0]: return {"hit_rate": pts[0][1], "between": [pts[0][2]], "extrapolated": True}
    if x >= pts[-1][0]: return {"hit_rate": pts[-1][1], "between": [pts[-1][2]], "extrapolated": True}
    for (x0, h0, k0), (x1, h1, k1) in zip(pts, pts[1:]):
        if x0 <= x <= x1: return {"hit_rate": float(h0 + (h1 - h0) * (x - x0) / (x1 - x0)), "between": [k0, k1], "extrapolated": False}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prompts", type=int, default=20)
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--max-new-tokens", type=int, default=30)
    ap.add_argument("--batch-size", type=int, default=40)
    ap.add_argument("--topics", default=None, help="comma-separated; default: PPLM lists (if present) + built-in themes")
    ap.add_argument("--pplm", action="append", default=None, help="preset[,field=value...]; repeatable; the first is the headline")
    ap.add_argument("--strengths", default="1,3,10", help="logit_bias strengths ('' = none)")
    ap.add_argument("--order", default="name", choices=["name", "lists-first"], help="topic run order")
    ap.add_argument("--previous", default=None, help="an earlier pplm.json: its speed section is kept (marked as such) and its rows compared")
    ap.add_argument("--note", default=None, help="a sentence saved in the json (e.g. why the run is smaller than the goal asks)")
    ap.add_argument("--compare", nargs="+", default=[], help="other runs (e.g. the fixed step on some topics, same prompts/seeds/tokens) whose rows are set beside these")
    ap.add_argument("--speed-tokens", type=int, default=20)
    ap.add_argument("--speed-reps", type=int, default=3)
    ap.add_argument("--b1-prompts", type=int, default=4, help="prompts run one at a time for the batch-1 timing")
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    ap.add_argument("--skip-quality", action="store_true"); ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--merge", nargs="+", default=None, help="merge shard JSONs (topic subsets, speed) into --out")
    ap.add_argument("--out", default=str(Path(__file__).parent/"results"/"pplm.json"))
    args = ap.parse_args(argv)
    args.pplm = args.pplm or ["reference"]
    args.strengths = [float(s) for s in args.strengths.split(",") if s.strip()]
    prev = json.loads(Path(args.previous).read_text()) if args.previous else None
    if args.merge:
        out = merge(args.merge)
        args.pplm = list(out["quality"]["pplm_configs"]) if "quality" in out else args.pplm
    else:
        if args.threads: torch.set_num_threads(args.threads)
        lm = load_lm(device="cpu")
        t0 = time.perf_counter()
        out = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "provenance": provenance("cpu"),
               "pplm_bow_dir": str(pplm_bow_dir()) if pplm_bow_dir() else None, "args": vars(args)}
        def partial(q):
            write_json(args.out, {**out, "complete": False, "quality": summarize(q), **topic_goals(q, f"pplm[{args.pplm[0]}]")})
            print(f"  (partial results for {len(q['topics'])} topics in {args.out})", flush=True)
        if not args.skip_quality: out["quality"] = quality(lm, args, partial)
        if not args.skip_speed: out["speed"] = speed(lm, args)
        out["seconds"] = round(time.perf_counter() - t0, 1)
        out["complete"] = True
    if prev and "speed" in prev and "speed" not in out:
        out["speed"] = {**prev["speed"], "from_previous_run": {"date": prev.get("date"), "git_commit": prev.get("provenance", {}).get("git_commit")}}
    head = f"pplm[{args.pplm[0]}]"
    if "quality" in out:
        tb = out["quality"]["table"]; lb = closest_logit_bias(tb, head) if any(k.startswith("logit_bias_") for k in tb) else None
        at = logit_bias_at(tb, tb[head]["perplexity"]) if lb else None
        out.update(topic_goals(out["quality"], head))
        out["topics_not_measured"] = [t for t in out["quality"].get("topics_planned", []) if t not in out["quality"]["topics"]]
        if args.note: out["note"] = args.note
        out["prompts_per_topic"], out["seeds_per_topic"] = len(out["quality"]["prompts"]), len(out["quality"]["seeds"])
        out["max_new_tokens"] = out["quality"]["gen"]["max_new_tokens"]
        if prev: out["previous_run"] = compare_previous(out["quality"], prev)
        if args.compare: out["compared_runs"] = {p: compare_previous(out["quality"], json.loads(Path(p).read_text())) for p in args.compare}
        out.update({"headline": head, "topic_hit_ratio": tb[head]["hit_rate"] / tb["base"]["hit_rate"],
                    "ppl_ratio": tb[head]["perplexity"] / tb["base"]["perplexity"],
                    "distinct2_delta": tb[head]["distinct_2"] - tb["base"]["distinct_2"],
                    # at equal perplexity: logit_bias's hit fraction interpolated on its strength curve at PPLM's perplexity
                    "topic_hit_vs_logit_bias": tb[head]["hit_rate"] / at["hit_rate"] if at else None,
                    "logit_bias_at_pplm_perplexity": at,
                    "topic_hit_vs_logit_bias_closest": tb[head]["hit_rate"] / tb[lb]["hit_rate"] if lb else None,
                    "logit_bias_matched": lb})
    if "speed" in out:
        out.update({"cost_ratio_batch8": out["speed"]["cost_ratio_batch8"], "batched_speedup": out["speed"]["batched_speedup"]})
    goals = {}
    if "topics_meeting_goal" in out:
        goals["every_topic_meets_goal"] = out["topics_meeting_goal"] == out["topics_measured"]
        goals["every_topic_ppl_at_most_1.5x"] = out["worst_topic_ppl_ratio"] <= 1.5
    if "topic_hit_ratio" in out:
        tb = out["quality"]["table"]
        goals["pplm_doubles_base_hits"] = out["topic_hit_ratio"] >= 2
        goals["ppl_at_most_1.5x_base"] = out["ppl_ratio"] <= 1.5
        goals["distinct2_within_0.05"] = abs(out["distinct2_delta"]) <= 0.05
        if out["logit_bias_matched"]:
            goals["beats_logit_bias_at_equal_ppl"] = out["topic_hit_vs_logit_bias"] > 1
    if "cost_ratio_batch8" in out:
        goals["cost_at_most_7x_base_batch8"] = out["cost_ratio_batch8"] <= 7
        goals["batched_speedup_at_least_4.5x"] = out["batched_speedup"] >= 4.5
    out["goals"] = {k: bool(v) for k, v in goals.items()}
    if "quality" in out:
        print(f"\n{'method':<34}{'hit rate':>9}{'words':>7}{'ppl':>7}{'dist-2':>8}")
        for m, r in out["quality"]["table"].items():
            print(f"{m:<34}{r['hit_rate']:>9.3f}{r['words_per_sample']:>7.2f}{r['perplexity']:>7.2f}{r['distinct_2']:>8.3f}")
    if "speed" in out:
        print("\ntokens/s: " + "  ".join(f"{k} {v:.2f}" for k, v in out["speed"]["tokens_per_second"].items()))
    if "per_topic_goal" in out:
        print(f"\n{'topic':<10}{'base':>7}{'steer':>7}{'ratio':>7}{'ppl x':>7}{'d2 d':>7}  goal")
        for t, r in out["per_topic_goal"].items():
            print(f"{t:<10}{r['base_hit']:>7.3f}{r['hit']:>7.3f}{(r['hit_ratio'] or float('inf')):>7.2f}{r['ppl_ratio']:>7.2f}{r['distinct2_delta']:>7.3f}  {r['goal_met']}")
    for k in ["worst_topic_hit_ratio", "worst_topic_hit_gain_low_base", "worst_topic_ppl_ratio", "topic_hit_ratio", "ppl_ratio", "distinct2_delta", "topic_hit_vs_logit_bias", "cost_ratio_batch8", "batched_speedup"]:
        if k in out and out[k] is not None: print(f"{k}: {out[k]:.3f}")
    print("goals:", json.dumps(goals))
    write_json(args.out, out)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
