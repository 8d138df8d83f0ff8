"""Does co-writing learn a person's taste? Simulated people with a hidden taste co-write through the real Session API
(rating every candidate shown, picking their favourite) until they have given 30 ratings; then, on held-out candidate
sets, we count how often the personal reward model ranks the person's favourite first, against the bootstrap reward
model it was warm-started from and against chance. Also times every online update.

Each simulated person co-writes six one-turn sessions, one per training theme (ocean, night, love, autumn, the city, a
garden), rating all five candidates and picking the favourite: 30 ratings, 20 pairs. The held-out sets are one-line
continuations of other corpus openings under other themes.

Run: `python bench/cowrite.py` (real: SmolLM2-135M writes the candidates, MiniLM embeds, the chapter-06 bootstrap
ranker ranks; about an hour on 2 busy CPU cores the first time, mostly generation; the bootstrap ranker and the
held-out pool are cached), or `--synthetic` (random word lines,
MiniLM, an untrained head as bootstrap; a minute). Prints a table and writes bench/results/cowrite.json.
"""
import argparse, datetime, json, os, tempfile, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
import torch
from reciprocal_poetry.core import cache_dir, provenance, read_json, write_json
from reciprocal_poetry.cowrite import (Cowriter, CowriteConfig, LineProposer, SimulatedPoet, Store, SyntheticProposer,
                                       first_line, simulate_taste, synthetic_lines, theme_system_prompt, _norm_line)

TRAIN_THEMES = ["ocean", "night", "love", "autumn", "the city", "a garden"]
EVAL_THEMES = ["the sea at dawn", "winter", "a river", "the harbour", "old age", "the moon", "rain", "a journey"]

def openings(n:int, seed:int) -> list[str]:
    "First lines of held-out corpus poems."
    from reciprocal_poetry.data import extract_prompts, load_corpus, split_poems
    poems = split_poems(load_corpus())["test"]
    return [p.text for p in extract_prompts(poems, n=n, seed=seed)]

def real_pool(lm, n_sets:int, k:int, cache:Path) -> list[list[str]]:
    "Held-out candidate sets: k distinct one-line continuations for (theme, opening) pairs, batched per theme; cached."
    from reciprocal_poetry.generate import GenConfig, generate
    if cache.exists(): return read_json(cache)["sets"]
    ops = openings(n_sets, seed=1)
    cfg = GenConfig(max_new_tokens=24, temperature=1.0, max_lines=1, n=2 * k, seed=123)
    sets = []
    for t, theme in enumerate(EVAL_THEMES):
        prompts = ops[t::len(EVAL_THEMES)]
        if not prompts: continue
        out = generate(lm, prompts, cfg, system_prompt=theme_system_prompt(theme))
        for i, p in enumerate(prompts):
            seen, lines = {_norm_line(p)}, []
            for s in out[i * cfg.n:(i + 1) * cfg.n]:
                l = first_line(s.text)
                if l and _norm_line(l) and _norm_line(l) not in seen: seen.add(_norm_line(l)); lines.append(l)
            if len(lines) >= k: sets.append(lines[:k])
        print(f"pool: {theme}: {len(sets)} sets", flush=True)
    write_json(cache, {"sets": sets, "themes": EVAL_THEMES, "k": k})
    return sets

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--synthetic", action="store_true", help="random word lines instead of model candidates (fast)")
    ap.add_argument("--seeds", type=int, default=6, help="simulated people per taste")
    ap.add_argument("--eval-sets", type=int, default=80)
    ap.add_argument("--ratings", type=int, default=30)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a shared CPU)")
    ap.add_argument("--out", default=str(Path(__file__).parent/"results"/"cowrite.json"))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t_start = time.perf_counter()
    from reciprocal_poetry.reward import Embedder, RewardConfig, RewardModel, train_bootstrap_reward
    emb = Embedder()
    k = CowriteConfig.k
    if a.synthetic:
        lm, boot, boot_info = None, RewardModel(emb, RewardConfig(seed=0)), {"kind": "untrained head (synthetic mode)"}
        pool = [synthetic_lines(k, 10_000 + i, 0.3) for i in range(a.eval_sets)]
    else:
        from reciprocal_poetry.models import load_lm
        lm = load_lm(device="cpu")
        t0 = time.perf_counter()
        boot, m = train_bootstrap_reward(lm, emb, role="ranker", n_prompts=160)
        boot_info = {"kind": "chapter-06 bootstrap ranker (role=ranker, n_prompts=160)", "heldout_accuracy": m.get("heldout_accuracy"),
                     "path": m.get("path"), "seconds_to_load_or_train": round(time.perf_counter() - t0, 1)}
        print("bootstrap:", boot_info, flush=True)
        pool = real_pool(lm, a.eval_sets, k, cache_dir()/"bench"/f"cowrite_pool_{a.eval_sets}.json")
    train_ops = [(TRAIN_THEMES[i % len(TRAIN_THEMES)], o) for i, o in enumerate(openings(12, seed=7))]
    rows = []
    for taste in ["sea", "short"]:
        for seed in range(a.seeds):
            with tempfile.TemporaryDirectory() as d:
                props = {"base": SyntheticProposer(0.3) if a.synthetic else LineProposer(lm, context_lines=4)}
                cw = Cowriter(Store(Path(d)/"cw.sqlite"), boot, proposers=props, models_dir=Path(d)/"models",
                              cfg=CowriteConfig(seed=seed))
                t0 = time.perf_counter()
                # one turn per session, a new theme each time: six sessions cover all six training themes
                ops = train_ops[seed * 3 % len(train_ops):] + train_ops[:seed * 3 % len(train_ops)]
                r = simulate_taste(cw, SimulatedPoet(taste, seed=seed), ops, pool, n_ratings=a.ratings, turns_per_session=1)
                r["seconds"] = round(time.perf_counter() - t0, 1)
                cw.store.close()
            rows.append(r)
            print({k_: (round(v, 3) if isinstance(v, float) else v) for k_, v in r.items() if k_ != "update_seconds"},
                  f"updates {np.round(r['update_seconds'], 2).tolist()}", flush=True)
    agg = lambda key, rs: float(np.mean([r[key] for r in rs]))
    per_taste = {t: {key: agg(key, [r for r in rows if r["taste"] == t]) for key in ["personal_top1_rate", "bootstrap_top1_rate", "chance"]}
                 for t in ["sea", "short"]}
    ups = [s for r in rows for s in r["update_seconds"]]
    print(f"\n{'taste':8s} {'personal':>9s} {'bootstrap':>10s} {'chance':>7s}")
    for t, v in per_taste.items(): print(f"{t:8s} {v['personal_top1_rate']:9.3f} {v['bootstrap_top1_rate']:10.3f} {v['chance']:7.3f}")
    print(f"online update: mean {np.mean(ups):.2f}s, max {np.max(ups):.2f}s over {len(ups)} updates")
    res = {"benchmark": "cowrite", "date": datetime.date.today().isoformat(),
           "mode": "synthetic lines" if a.synthetic else "SmolLM2-135M candidates (base method, chat prompt with theme)",
           "personal_top1_rate": agg("personal_top1_rate", rows), "bootstrap_top1_rate": agg("bootstrap_top1_rate", rows),
           "chance": agg("chance", rows),
           "update_seconds": {"mean": float(np.mean(ups)), "max": float(np.max(ups)), "n": len(ups)},
           "per_taste": per_taste, "ratings_per_person": a.ratings, "people_per_taste": a.seeds, "eval_sets": len(pool), "k": k,
           "cowrite_config": CowriteConfig().__dict__, "bootstrap": boot_info, "embedder": emb.identity, "torch_threads": a.threads,
           "rows": rows, "wall_seconds": round(time.perf_counter() - t_start, 1), "provenance": provenance("cpu")}
    write_json(a.out, res)
    print(f"wrote {a.out}")

if __name__ == "__main__": main()
