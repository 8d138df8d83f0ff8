"""Training benchmark: LoRA SFT with the `cpu` preset on the embedded model (and, later, preference training).

Runs the same recipe as `reciprocal_poetry.sft.train_default_adapter` (so the adapter it saves under
`cache_dir()/models/sft-cpu` is the one later chapters load), then reports SFT throughput, wall time, peak memory
and held-out perplexity of the base model and the adapter, and writes `bench/results/train.json`.

Each benchmark section is a function `section_<name>(lm, args) -> dict` registered in `SECTIONS`; its dict is merged
into one results dict, so preference-optimisation or reward sections can be added beside `sft`.

    python bench/train.py                  # the full cpu preset (~15 min on 2 idle cores)
    python bench/train.py --max-steps 3 --out /tmp/t.json   # a quick check; the default adapter is left alone
"""
from __future__ import annotations
import argparse, datetime, os, resource, sys, tempfile, time
from pathlib import Path
import torch
from reciprocal_poetry.core import provenance, write_json
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


SECTIONS = {"sft": section_sft}


def print_table(results:dict):
    s = results["sft"]
    rows = [("preset", s["preset"]), ("steps", s["steps"]), ("train tokens", s["train_tokens"]),
            ("SFT tokens/s", s["tokens_per_s"]), ("s/step", s["seconds_per_step"]), ("train time (s)", s["train_seconds"]),
            ("section wall time (s)", s["section_seconds"]), ("peak RSS (MiB)", results["peak_memory"]["peak_rss_mib"]),
            ("ppl base (test poems)", s["ppl_base"]), ("ppl adapter", s["ppl_adapter"]),
            ("ppl reduction", f"{results['sft_ppl_reduction']:.1%} (goal >= {GOAL_PPL_REDUCTION:.0%})"),
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
    results = {"benchmark": "train", "date": datetime.date.today().isoformat(), "model": lm.name,
               "base_fingerprint": lm.fingerprint, "provenance": provenance(lm.device),
               "load_average": {"before": [round(x, 2) for x in os.getloadavg()]}}
    t0 = time.perf_counter()
    for name in args.sections.split(","): results.update(SECTIONS[name](lm, args))
    results["total_seconds"] = round(time.perf_counter() - t0, 1)
    results["load_average"]["after"] = [round(x, 2) for x in os.getloadavg()]
    results["peak_memory"] = peak_memory(lm.device)
    ru = resource.getrusage(resource.RUSAGE_SELF)   # CPU time is less sensitive than wall time to other processes
    results["process_cpu_seconds"] = round(ru.ru_utime + ru.ru_stime, 1)
    results["goal"] = {"sft_ppl_reduction": GOAL_PPL_REDUCTION, "met": results.get("sft_ppl_reduction", 0) >= GOAL_PPL_REDUCTION}
    write_json(args.out, results)
    print_table(results)
    print(f"wrote {args.out}")


if __name__ == "__main__": main()
