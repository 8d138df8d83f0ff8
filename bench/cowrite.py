"""Does co-writing learn a person's taste? Simulated people with a hidden taste co-write through the real Session API
(rating every candidate shown, picking their favourite) until they have given 30 ratings; then, on held-out candidate
sets, we count how often the personal reward model ranks the person's favourite first, against the bootstrap reward
model it was warm-started from and against chance. Also times every online update. The experiment itself is chapter
17 (`reciprocal_poetry.simulate`: `taste_experiment`, `candidate_pool`); this script loads the models and records.

Each simulated person co-writes six one-turn sessions, one per training theme (ocean, night, love, autumn, the city, a
garden), rating all five candidates and picking the favourite: 30 ratings, 20 pairs. The held-out sets are one-line
continuations of other corpus openings under other themes.

Run: `python bench/cowrite.py` (real: SmolLM2-135M writes the candidates, MiniLM embeds, the chapter-06 bootstrap
ranker ranks; about an hour on 2 busy CPU cores the first time, mostly generation; the bootstrap ranker and the
held-out pool are cached), or `--synthetic` (random word lines,
MiniLM, an untrained head as bootstrap; a minute). Prints a table and writes bench/results/cowrite.json.
"""
import argparse, datetime, os, time
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
import torch
from reciprocal_poetry.core import cache_dir, provenance, write_json
from reciprocal_poetry.cowrite import CowriteConfig, LineProposer, SyntheticProposer, synthetic_lines
from reciprocal_poetry.simulate import candidate_pool, summarize_tastes, taste_experiment

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
        proposer, boot, boot_info = SyntheticProposer(0.3), RewardModel(emb, RewardConfig(seed=0)), {"kind": "untrained head (synthetic mode)"}
        pool = [synthetic_lines(k, 10_000 + i, 0.3) for i in range(a.eval_sets)]
    else:
        from reciprocal_poetry.models import load_lm
        lm = load_lm(device="cpu")
        t0 = time.perf_counter()
        boot, m = train_bootstrap_reward(lm, emb, role="ranker", n_prompts=160)
        boot_info = {"kind": "chapter-06 bootstrap ranker (role=ranker, n_prompts=160)", "heldout_accuracy": m.get("heldout_accuracy"),
                     "path": m.get("path"), "seconds_to_load_or_train": round(time.perf_counter() - t0, 1)}
        print("bootstrap:", boot_info, flush=True)
        proposer = LineProposer(lm, context_lines=4)
        pool = candidate_pool(lm, a.eval_sets, k, cache_dir()/"bench"/f"cowrite_pool_{a.eval_sets}.json")
    rows = taste_experiment(boot, pool, proposer, seeds=a.seeds, n_ratings=a.ratings, log=lambda r: print(r, flush=True))
    summ = summarize_tastes(rows)
    print(f"\n{'taste':8s} {'personal':>9s} {'bootstrap':>10s} {'chance':>7s}")
    for t, v in summ["per_taste"].items(): print(f"{t:8s} {v['personal_top1_rate']:9.3f} {v['bootstrap_top1_rate']:10.3f} {v['chance']:7.3f}")
    ups = summ["update_seconds"]
    print(f"online update: mean {ups['mean']:.2f}s, max {ups['max']:.2f}s over {ups['n']} updates")
    res = {"benchmark": "cowrite", "date": datetime.date.today().isoformat(),
           "mode": "synthetic lines" if a.synthetic else "SmolLM2-135M candidates (base method, chat prompt with theme)",
           **summ, "ratings_per_person": a.ratings, "people_per_taste": a.seeds, "eval_sets": len(pool), "k": k,
           "cowrite_config": CowriteConfig().__dict__, "bootstrap": boot_info, "embedder": emb.identity, "torch_threads": a.threads,
           "rows": rows, "wall_seconds": round(time.perf_counter() - t_start, 1), "provenance": provenance("cpu")}
    write_json(a.out, res)
    print(f"wrote {a.out}")

if __name__ == "__main__": main()
