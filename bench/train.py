"""Training benchmark: LoRA SFT with the `cpu` preset, the bootstrap reward models and DPO, on the embedded model.

Runs the same recipe as `reciprocal_poetry.sft.train_default_adapter` (so the adapter it saves under
`cache_dir()/models/sft-cpu` is the one later chapters load), then reports SFT throughput, wall time, peak memory
and held-out perplexity of the base model and the adapter, and writes `bench/results/train.json`.

Sections (each a function `section_<name>(lm, args) -> dict` registered in `SECTIONS`, merged into one results dict):
- `sft`: the cpu preset; SFT tokens/s, held-out perplexity of base vs adapter (`sft_ppl_reduction`).
- `reward`: the ranker and judge bootstrap reward models of chapter 06 (held-out pairwise accuracy,
  `reward_pair_accuracy` = the ranker's), and reward scoring throughput on texts the embedder has not seen.
- `dpo`: chapter 07's DPO experiment on reward-ranked pairs (`dpo_judge_reward_delta` and its 95% interval over
  held-out prompts); saves the default DPO adapter.
Running a subset of sections updates those fields of an existing results file and keeps the others.

    python bench/train.py                  # everything (~35 min on 2 idle cores)
    python bench/train.py --sections reward,dpo   # after the SFT adapter exists
    python bench/train.py --max-steps 3 --sections sft --out /tmp/t.json   # a quick check; the default adapter is left alone
"""
from __future__ import annotations
import argparse, datetime, os, resource, sys, tempfile, time
from pathlib import Path
import torch
from reciprocal_poetry.core import provenance, read_json, write_json
from reciprocal_poetry.models import load_lm
from reciprocal_poetry.sft import LoraSFTConfig, default_adapter_path, train_default_adapter

RESULTS = Path(__file__).resolve().parent/"results"/"train.json"
GOAL_PPL_REDUCTION = 0.30   # the adapter should cut held-out perplexity by at least 30%


def peak_memory(device:torch.device) -> dict:
    "Peak resident memory of this process (and peak CUDA memory on a GPU), in MiB."
    ru = resource.getrusage(resource.RUSAGE_SELF)
    out = {"peak_rss_mib": round(ru.ru_maxrss / 1024, 1)}  # ru_maxrss is KiB on Linux
    if device.type == "cuda": out["peak_cuda_mib"] = round(torch.cuda.max_memory_allocated(device) / 2**20, 1)
    return out


def section_sft(lm, args) -> dict:
    "LoRA SFT with a preset on the embedded corpus; held-out perplexity of base vs adapter."
    overrides = {"max_steps": args.max_steps} if args.max_steps else {}
    # a shortened run must not replace the published default adapter
    path = Path(tempfile.mkdtemp(prefix="sft-bench-"))/"adapter" if overrides else default_adapter_path(args.preset)
    t0 = time.perf_counter()
    adapter, hist = train_default_adapter(lm, args.preset, path=path, progress=not args.quiet, **overrides)
    wall = time.perf_counter() - t0
    test = hist["test"]
    sft = {
        "preset": args.preset, "config": hist["config"], "adapter_path": str(path),
        "n_train_examples": hist["data"]["n_train"], "n_val_examples": hist["data"]["n_val"], "n_test_poems": test["n_poems"],
        "steps": hist["steps"], "train_tokens": hist["tokens"], "train_seconds": round(hist["train_seconds"], 1),
        "tokens_per_s": round(hist["tokens_per_s"], 1), "seconds_per_step": round(hist["train_seconds"] / hist["steps"], 2),
        "section_seconds": round(wall, 1), "stopped_early": hist["stopped_early"],
        "evals": [{k: round(v, 4) if isinstance(v, float) else v for k, v in e.items()} for e in hist["eval"]],
        "first_train_loss": round(hist["train"][0]["loss"], 4), "final_train_loss": round(hist["final_train_loss"], 4),
        "ppl_base": round(test["ppl_base"], 2), "ppl_adapter": round(test["ppl_adapter"], 2),
        "ppl_seconds": round(test["seconds"], 1),
    }
    return {"sft": sft, "sft_ppl_reduction": round(test["ppl_reduction"], 4)}


def section_reward(lm, args) -> dict:
    "Ranker and judge bootstrap reward models (cached when already trained) and scoring throughput."
    from reciprocal_poetry.reward import BOOTSTRAP_REWARDS, Embedder, default_bootstrap_reward
    emb = Embedder(disk_cache=False)
    out = {}
    for role in BOOTSTRAP_REWARDS:  # the cached default ranker and judge that chapters 07 and 08 use
        t0 = time.perf_counter()
        model, m = default_bootstrap_reward(lm, emb, role)
        out[role] = {"heldout_accuracy": round(m["heldout_accuracy"], 4), "train_accuracy": round(m["train_accuracy"], 4),
                     "n_heldout_pairs": m["n_heldout_pairs"], "n_train_pairs": m["n_train_pairs"], "key": m["key"],
                     "generate_seconds": m["generate_seconds"], "train_seconds": m["train_seconds"],
                     "section_seconds_this_run": round(time.perf_counter() - t0, 1)}
    texts = [f"line {i}: the {w} wind upon the {v} sea" for i, (w, v) in
             enumerate((w, v) for w in ["grey", "cold", "bright", "slow", "wild"] * 40 for v in ["dark", "open"])][:400]
    t0 = time.perf_counter(); model.score(texts); cold = time.perf_counter() - t0      # embeds every text
    t0 = time.perf_counter(); model.score(texts); warm = time.perf_counter() - t0      # from the embedding cache
    out["scoring"] = {"texts": len(texts), "texts_per_s_uncached": round(len(texts) / cold, 1),
                      "texts_per_s_cached": round(len(texts) / warm, 1)}
    return {"reward": out, "reward_pair_accuracy": out["ranker"]["heldout_accuracy"],
            "judge_pair_accuracy": out["judge"]["heldout_accuracy"]}


def section_dpo(lm, args) -> dict:
    "Chapter 07's DPO experiment: DPO on ranker-ranked SFT samples, judged on held-out prompts against the SFT policy."
    from reciprocal_poetry.preference import run_dpo_experiment
    res = run_dpo_experiment("cpu", lm=lm, progress=not args.quiet)
    keep = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in res.items() if k not in ("examples",)}
    return {"dpo": keep, "dpo_examples": res["examples"], **{k: keep[k] for k in
            ["dpo_judge_reward_delta", "dpo_judge_reward_ci_low", "dpo_judge_reward_ci_high", "dpo_step_seconds"]}}


SECTIONS = {"sft": section_sft, "reward": section_reward, "dpo": section_dpo}


def print_table(results:dict):
    rows = []
    if "sft" in results:
        s = results["sft"]
        rows += [("SFT preset", s["preset"]), ("steps", s["steps"]), ("train tokens", s["train_tokens"]),
                 ("SFT tokens/s", s["tokens_per_s"]), ("s/step", s["seconds_per_step"]), ("train time (s)", s["train_seconds"]),
                 ("SFT section wall time (s)", s["section_seconds"]),
                 ("ppl base (test poems)", s["ppl_base"]), ("ppl adapter", s["ppl_adapter"]),
                 ("ppl reduction", f"{results['sft_ppl_reduction']:.1%} (goal >= {GOAL_PPL_REDUCTION:.0%})")]
    if "reward" in results:
        r = results["reward"]
        rows += [("reward held-out pair accuracy (ranker)", f"{r['ranker']['heldout_accuracy']:.3f} (goal >= 0.85)"),
                 ("reward held-out pair accuracy (judge)", f"{r['judge']['heldout_accuracy']:.3f}"),
                 ("reward scoring texts/s (uncached / cached)", f"{r['scoring']['texts_per_s_uncached']} / {r['scoring']['texts_per_s_cached']}")]
    if "dpo" in results:
        d = results["dpo"]
        rows += [("DPO step (s)", round(d["dpo_step_seconds"], 2)), ("DPO pairs", d["n_pairs"]),
                 ("judge reward DPO - SFT [95% CI]", f"{d['dpo_judge_reward_delta']:+.3f} [{d['dpo_judge_reward_ci_low']:+.3f}, {d['dpo_judge_reward_ci_high']:+.3f}]"),
                 ("ranker reward DPO - SFT", f"{d['dpo_ranker_reward_delta']:+.3f}")]
    rows += [("peak RSS (MiB)", results["peak_memory"]["peak_rss_mib"]),
             ("load average before/after", f"{results['load_average']['before']} / {results['load_average']['after']}")]
    w = max(len(k) for k, _ in rows)
    for k, v in rows: print(f"{k:<{w}}  {v}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--preset", default="cpu", help="SFT preset (cpu | gpu)")
    p.add_argument("--device", default="cpu", help="device for the model ('auto' uses a GPU when present)")
    p.add_argument("--max-steps", type=int, default=None, help="shorten the run (the default adapter is then not replaced)")
    p.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated sections: {', '.join(SECTIONS)}")
    p.add_argument("--out", default=str(RESULTS), help="results JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    lm = load_lm(device=args.device)
    sections = args.sections.split(",")
    unknown = [n for n in sections if n not in SECTIONS]
    if unknown: p.error(f"unknown sections {unknown}; choose from {', '.join(SECTIONS)}")
    old = read_json(args.out) if Path(args.out).exists() else {}
    results = {**old, "benchmark": "train", "date": datetime.date.today().isoformat(), "model": lm.name,
               "base_fingerprint": lm.fingerprint, "provenance": provenance(lm.device),
               "load_average": {"before": [round(x, 2) for x in os.getloadavg()]}}
    t0 = time.perf_counter()
    for name in sections:
        t1 = time.perf_counter(); results.update(SECTIONS[name](lm, args))
        results.setdefault("section_seconds", {})[name] = round(time.perf_counter() - t1, 1)
        results.setdefault("section_dates", {})[name] = datetime.datetime.now().isoformat(timespec="seconds")
    results["total_seconds"] = round(time.perf_counter() - t0, 1)
    results["load_average"]["after"] = [round(x, 2) for x in os.getloadavg()]
    results["peak_memory"] = peak_memory(lm.device)
    ru = resource.getrusage(resource.RUSAGE_SELF)   # CPU time is less sensitive than wall time to other processes
    results["process_cpu_seconds"] = round(ru.ru_utime + ru.ru_stime, 1)
    results["goal"] = {"sft_ppl_reduction": [GOAL_PPL_REDUCTION, results.get("sft_ppl_reduction", 0) >= GOAL_PPL_REDUCTION],
                       "reward_pair_accuracy": [0.85, results.get("reward_pair_accuracy", 0) >= 0.85],
                       "dpo_judge_reward_ci_low": [0.0, results.get("dpo_judge_reward_ci_low", -1) > 0]}
    write_json(args.out, results)
    print_table(results)
    print(f"wrote {args.out}")


if __name__ == "__main__": main()
