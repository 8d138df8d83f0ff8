"""Does co-writing learn a person's taste, and does their adapter write to it? Simulated people with a hidden taste
co-write through the real Session API (rating every candidate shown, picking their favourite); after 5, 10, 20, 30
and 50 ratings, on held-out candidate sets, we count how often the personal reward model ranks the person's favourite
first, against the bootstrap reward model and chance. Then one simulated person's feedback trains their personal
adapter (SFT + DPO), and on held-out prompts we compare the person's own rating of its samples with the untuned
policy's. The experiment itself is chapter 17 (`reciprocal_poetry.simulate`); this script loads the models and records.

Candidates: SmolLM2-135M writes them once (cached): a training pool of 60 sets of 10 one-line continuations of lines
of held-out corpus poems under six training themes, and an evaluation pool of 100 sets of 5 for other poems' lines
under eight other themes. Honest tuning: the defaults of `TasteConfig` were chosen on the TUNING split (people with
seeds 100+, training sets 0-29, evaluation sets 0-39); every figure reported as the result uses the REPORT split
(people with seeds 0+, training sets 30-59, evaluation sets 40-99), never used in tuning. `--tune` reruns the
comparison of variants on the tuning split (and records it).

Run: `python bench/cowrite.py` (real models; the first run generates the pools, about half an hour on 2 busy cores;
then minutes), `--no-adapter` to skip the adapter experiment, `--synthetic` for random word lines with MiniLM and an
untrained bootstrap head (a minute). Prints tables and writes bench/results/cowrite.json (other fields kept).
"""
import argparse, datetime, os, time
from dataclasses import asdict, replace
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
import torch
from reciprocal_poetry.core import cache_dir, provenance, read_json, write_json
from reciprocal_poetry.cowrite import CowriteConfig
from reciprocal_poetry.taste import TasteConfig, synthetic_lines
from reciprocal_poetry.simulate import (CHECKPOINTS, EVAL_THEMES, TASTES, TRAIN_THEMES, adapter_gain, candidate_pool, corpus_contexts, corpus_pool,
                                        summarize_tastes, taste_experiment)

VARIANTS = {   # name -> TasteConfig overrides (and PoolProposer choice), compared on the tuning split
    "default": {},
    "embedding only": dict(features=("embedding",)),
    "no line features": dict(features=("bootstrap", "embedding")),
    "no bootstrap prior": dict(features=("line", "embedding")),
    "picks only (no rating pairs)": dict(min_gap=6.0),
    "no forgetting": dict(half_life=None),
    "half-life 10": dict(half_life=10.0),
    "weaker embedding prior": dict(embedding_prior=10.0),
    "stronger embedding prior": dict(embedding_prior=100.0),
    "embedding prior 30 (the first default)": dict(embedding_prior=30.0),
    "active: most uncertain shown": {"choose": "uncertain"},
    "+ rhyme": dict(features=("bootstrap", "line", "rhyme", "embedding")),
    "+ lexicon": dict(features=("bootstrap", "line", "embedding", "lexicon")),
    "+ rhyme + lexicon": dict(features=("bootstrap", "line", "rhyme", "embedding", "lexicon")),
    "+ rhyme + lexicon (lexicon prior 3)": dict(features=("bootstrap", "line", "rhyme", "embedding", "lexicon"), lexicon_prior=3.0),
    "+ rhyme + lexicon (lexicon prior 30)": dict(features=("bootstrap", "line", "rhyme", "embedding", "lexicon"), lexicon_prior=30.0),
    "+ rhyme + lexicon (no bootstrap prior)": dict(features=("line", "rhyme", "embedding", "lexicon")),
    "+ rhyme + lexicon (lexicon prior 100)": dict(features=("bootstrap", "line", "rhyme", "embedding", "lexicon"), lexicon_prior=100.0),
    "+ rhyme + lexicon (lexicon prior 300)": dict(features=("bootstrap", "line", "rhyme", "embedding", "lexicon"), lexicon_prior=300.0),
    "+ rhyme, no forgetting": dict(features=("bootstrap", "line", "rhyme", "embedding"), half_life=None),
    "+ rhyme, embedding prior 300": dict(features=("bootstrap", "line", "rhyme", "embedding"), embedding_prior=300.0),
}

def pools(a, lm, emb):
    "The training and evaluation candidate pools (SmolLM2's cached in JSON files)."
    if a.pool == "corpus":
        return (corpus_pool(corpus_contexts(60, 1, 0), TRAIN_THEMES, 10, emb, seed=1),
                corpus_pool(corpus_contexts(100, 2, 1), EVAL_THEMES, 5, emb, seed=2))
    if a.synthetic:
        mk = lambda n, k, off, themes: [{"context": [f"line {off + i}"], "theme": themes[i % len(themes)], "lines": synthetic_lines(k, off + i, 0.3)} for i in range(n)]
        return mk(60, 10, 5000, TRAIN_THEMES), mk(100, 5, 10_000, EVAL_THEMES)
    d = cache_dir()/"bench"
    tr = candidate_pool(lm, corpus_contexts(60, 1, 0), TRAIN_THEMES, 10, d/"cowrite_train_pool_60.json")
    ev = candidate_pool(lm, corpus_contexts(100, 2, 1), EVAL_THEMES, 5, d/"cowrite_eval_pool_100.json")
    return tr, ev

def run(boot, train, ev, seeds, variant:dict, log, tastes=TASTES):
    v = dict(variant); choose = v.pop("choose", "first")
    return taste_experiment(boot, train, ev, tastes=tastes, seeds=seeds, n_ratings=30, checkpoints=CHECKPOINTS,
                            taste_cfg=replace(TasteConfig(), **v), choose=choose, log=log)

def table(title, summ):
    print(f"\n{title}\n{'taste':15s} {'personal':>9s} {'95% interval':>14s} {'bootstrap':>10s} {'chance':>7s} {'sets':>5s}")
    for t, v in summ["per_taste"].items():
        ci = v["personal_top1_rate_ci"]
        print(f"{t:15s} {v['personal_top1_rate']:9.3f} {ci['ci95_low']:6.3f}-{ci['ci95_high']:.3f} {v['bootstrap_top1_rate']:10.3f} {v['chance']:7.3f} {v['n_eval_sets']:5d}")
    print(f"{'mean':15s} {summ['personal_top1_rate']:9.3f} {'':14s} {summ['bootstrap_top1_rate']:10.3f} {summ['chance']:7.3f}")
    print("learning curve (mean over tastes): " + ", ".join(f"{m}: {c['personal_top1_rate']:.2f}" for m, c in summ["learning_curve"].items()))

def merge(a):
    "Combine the report rows and tuning rows of several partial runs into one record."
    parts = [read_json(f) for f in a.merge]
    res = read_json(a.out) if Path(a.out).exists() else {}
    rows = [r for p in parts for r in p.get("rows", [])]
    if rows:
        base = next(p for p in parts if p.get("rows"))
        res.update({k: v for k, v in base.items() if k not in ("rows", "tuning", "provenance", "wall_seconds")})
        res.update(summarize_tastes(rows)); res["rows"] = rows; res["tastes"] = list(dict.fromkeys(r["taste"] for r in rows))
        res["wall_seconds_parts"] = [p.get("wall_seconds") for p in parts]
    tun = {}
    for p in parts:
        for n, v in p.get("tuning", {}).get("results", {}).items(): tun.setdefault(n, []).extend(v["rows"])
    if tun:
        out = {}
        for n, rs in tun.items():
            by = {t: [r["personal_top1_rate"] for r in rs if r["taste"] == t] for t in dict.fromkeys(r["taste"] for r in rs)}
            out[n] = {"personal_top1_rate": float(np.mean([np.mean(v) for v in by.values()])), "per_taste": {t: float(np.mean(v)) for t, v in by.items()}, "rows": rs}
        tp = next(p["tuning"] for p in parts if "tuning" in p)
        res["tuning"] = {"people_per_taste": tp["people_per_taste"], "pool": tp.get("pool"), "variants": {n: VARIANTS.get(n) for n in out}, "results": out}
    for p in parts:
        for k in ("personal_adapter_reward_gain", "personal_adapter_reward_gain_ci_low", "personal_adapter"):
            if k in p: res[k] = p[k]
    res["provenance"] = provenance("cpu")
    write_json(a.out, res); print(f"merged {len(parts)} parts into {a.out}")

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--synthetic", action="store_true", help="random word lines instead of model candidates (fast)")
    ap.add_argument("--pool", choices=["model", "corpus"], default="model", help="candidates written by SmolLM2 (cached) or corpus lines")
    ap.add_argument("--variants", default=None, help="comma-separated names of VARIANTS to tune (default: all)")
    ap.add_argument("--no-report", action="store_true", help="only the tuning comparison")
    ap.add_argument("--tastes", default=",".join(TASTES), help="comma-separated tastes to run (several processes can share the work)")
    ap.add_argument("--bootstrap", default=None, help="a saved reward model folder to use as the bootstrap (default: chapter 06's default ranker)")
    ap.add_argument("--merge", nargs="*", default=None, help="JSON files written by runs over parts of the tastes/variants: combine them into --out")
    ap.add_argument("--people", type=int, default=8, help="simulated people per taste in the report split")
    ap.add_argument("--tune", action="store_true", help="also compare the variants on the tuning split")
    ap.add_argument("--tune-people", type=int, default=4, help="simulated people per taste in the tuning split")
    ap.add_argument("--no-adapter", action="store_true", help="skip the personal adapter experiment")
    ap.add_argument("--adapter-only", action="store_true", help="only the personal adapter experiment (the taste figures are kept)")
    ap.add_argument("--adapter-taste", default="sea")
    ap.add_argument("--adapter-ratings", type=int, default=50)
    ap.add_argument("--adapter-prompts", type=int, default=24)
    ap.add_argument("--adapter-samples", type=int, default=4)
    ap.add_argument("--adapter-max-steps", type=int, default=None, help="cap on the optimizer steps of the SFT and of the DPO step")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a shared CPU)")
    ap.add_argument("--out", default=str(Path(__file__).parent/"results"/"cowrite.json"))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t_start = time.perf_counter()
    from reciprocal_poetry.reward import Embedder, RewardConfig, RewardModel, TinyEmbedder, default_bootstrap_reward
    res = read_json(a.out) if Path(a.out).exists() else {}
    lm = None
    if not a.synthetic and (not a.no_adapter or a.pool == "model" or not a.bootstrap) and not a.merge:
        from reciprocal_poetry.models import load_lm
        lm = load_lm(device="cpu")
    if a.merge: return merge(a)
    emb = Embedder()
    train, ev = pools(a, lm, emb)
    tastes = tuple(a.tastes.split(","))
    log = lambda r: print(r, flush=True)
    if not a.adapter_only:
        if a.synthetic: boot, boot_info = RewardModel(emb, RewardConfig(seed=0)), {"kind": "untrained head (synthetic mode)"}
        elif a.bootstrap:
            boot = RewardModel.load(a.bootstrap, emb); boot_info = {"kind": "saved reward model (chapter 06 default ranker)", "path": a.bootstrap, **{k: v for k, v in boot.meta.items() if "accuracy" in k}}
        else:
            t0 = time.perf_counter()
            boot, m = default_bootstrap_reward(lm, emb, "ranker")
            boot_info = {"kind": "chapter-06 default bootstrap ranker", "heldout_accuracy": m.get("heldout_accuracy"),
                         "path": m.get("path"), "seconds_to_load_or_train": round(time.perf_counter() - t0, 1)}
        print("bootstrap:", boot_info, flush=True)
        tuning = {}
        if a.tune:
            for name, v in VARIANTS.items():
                if a.variants and name not in a.variants.split(","): continue
                rows = run(boot, train[:30], ev[:40], list(range(100, 100 + a.tune_people)), v, log=None, tastes=tastes)
                s = summarize_tastes(rows); tuning[name] = {"rows": [{k: r[k] for k in ("taste", "seed", "personal_top1_rate", "bootstrap_top1_rate", "chance")} for r in rows],"personal_top1_rate": s["personal_top1_rate"], "per_taste": {t: x["personal_top1_rate"] for t, x in s["per_taste"].items()},
                                                            "learning_curve": {m: c["personal_top1_rate"] for m, c in s["learning_curve"].items()}}
                print(f"tune {name:32s} " + f"{s['personal_top1_rate']:.3f}  " + " ".join(f"{t}={x['personal_top1_rate']:.2f}" for t, x in s["per_taste"].items()), flush=True)
        if tuning: res["tuning"] = {"people_per_taste": a.tune_people, "pool": a.pool, "variants": {n: {**VARIANTS[n]} for n in tuning}, "results": tuning}
    if not a.adapter_only and not a.no_report:
        rows = run(boot, train[30:], ev[40:], list(range(a.people)), {}, log=log, tastes=tastes)
        summ = summarize_tastes(rows)
        table("REPORT split (people, training and evaluation sets never used in tuning), after 30 ratings:", summ)
        ups = summ["update_seconds"]
        print(f"online update: mean {ups['mean']:.3f}s, max {ups['max']:.3f}s over {ups['n']} updates")
        res.update({"benchmark": "cowrite", "date": datetime.date.today().isoformat(),
                    "mode": "synthetic lines" if a.synthetic else ("corpus lines as candidates" if a.pool == "corpus" else "SmolLM2-135M candidates (base method, chat prompt with theme), cached pools"),
                    **summ, "ratings_per_person": 30, "checkpoints": list(CHECKPOINTS), "people_per_taste": a.people, "tastes": list(TASTES),
                    "eval_sets": len(ev) - 40, "train_sets": len(train) - 30, "k": CowriteConfig.k,
                    "split": {"report": "people seeds 0..{}, training sets 30-59, evaluation sets 40-99".format(a.people - 1),
                              "tuning": "people seeds 100+, training sets 0-29, evaluation sets 0-39"},
                    "taste_config": asdict(TasteConfig()), "cowrite_config": CowriteConfig().__dict__, "bootstrap": boot_info,
                    "embedder": emb.identity, "torch_threads": a.threads, "rows": rows})
    if not a.no_adapter:
        prompts = [{"context": s["context"], "theme": s["theme"]} for s in ev[40:40 + a.adapter_prompts]]
        boot_tiny = RewardModel(TinyEmbedder(), RewardConfig(seed=0))    # only orders the candidates the person rates
        from reciprocal_poetry.sft import LoraSFTConfig
        from reciprocal_poetry.preference import DPOConfig
        sft_cfg = LoraSFTConfig.preset("cpu", max_steps=a.adapter_max_steps, epochs=3, prompt_format="chat", patience=None)
        dpo_cfg = DPOConfig.preset("cpu", max_steps=a.adapter_max_steps)
        g = adapter_gain(lm, boot_tiny, train[30:], prompts, taste=a.adapter_taste, seed=0, n_ratings=a.adapter_ratings, n=a.adapter_samples,
                         sft_cfg=sft_cfg, dpo_cfg=dpo_cfg)
        print(f"\npersonal adapter ({g['taste']} taste, {g['n_ratings']} ratings, {g['n_liked']} liked lines, {g['n_dpo_pairs']} pairs): "
              f"own rating {g['untuned_mean']:.2f} -> {g['adapter_mean']:.2f} stars, gain {g['gain']:+.2f} "
              f"[{g['gain_ci95_low']:+.2f}, {g['gain_ci95_high']:+.2f}] over {g['n_prompts']} held-out prompts x {g['samples_per_prompt']} samples", flush=True)
        res.update({"personal_adapter_reward_gain": g["gain"], "personal_adapter_reward_gain_ci_low": g["gain_ci95_low"],
                    "personal_adapter": {**g, "sft_config": asdict(sft_cfg), "dpo_config": asdict(dpo_cfg), "pool": a.pool, "bootstrap": "untrained head on TinyEmbedder (orders candidates only)"}})
    res["wall_seconds"] = round(time.perf_counter() - t_start, 1)
    res["provenance"] = provenance("cpu")
    write_json(a.out, res)
    print(f"wrote {a.out}")

if __name__ == "__main__": main()
