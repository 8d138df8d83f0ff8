"""Training benchmark: LoRA SFT with the `cpu` preset, the bootstrap reward models and DPO, on the embedded model.

Runs the same recipe as `reciprocal_poetry.sft.train_default_adapter` (so the adapter it saves under
`cache_dir()/models/sft-cpu` is the one later chapters load), then reports SFT throughput, wall time, peak memory
and held-out perplexity of the base model and the adapter, and writes `bench/results/train.json`.

Sections (each a function `section_<name>(lm, args) -> dict` registered in `SECTIONS`, merged into one results dict):
- `sft`: the cpu preset; SFT tokens/s, held-out perplexity of base vs adapter (`sft_ppl_reduction`).
- `reward`: the ranker and judge bootstrap reward models of chapter 06 (held-out pairwise accuracy,
  `reward_pair_accuracy` = the ranker's), and reward scoring throughput on texts the embedder has not seen.
- `speed`: old vs new training steps side by side on the same batches, interleaved (issue 17): SFT in fp32 with full
  logits (the old path), fp32 with logits only at learned positions, bf16 autocast with them (the new default on CPUs
  with bf16 instructions); DPO with padded chosen/rejected rows in fp32 (old), packed pairs in fp32, and in bf16 (new).
  Reports median wall and process-CPU seconds per step and `sft_step_speedup`, `dpo_step_speedup`.
- `dpo`: chapter 07's DPO experiment on reward-ranked pairs (`dpo_judge_reward_delta` and its 95% interval over
  held-out prompts); saves the default DPO adapter.
Running a subset of sections updates those fields of an existing results file and keeps the others.

    python bench/train.py                  # everything (~35 min on 2 idle cores)
    python bench/train.py --sections reward,dpo   # after the SFT adapter exists
    python bench/train.py --sections speed --speed-steps 4   # old vs new step times only (a few minutes)
    python bench/train.py --max-steps 3 --sections sft --out /tmp/t.json   # a quick check; the default adapter is left alone
"""
from __future__ import annotations
import argparse, datetime, os, resource, statistics, sys, tempfile, time
from pathlib import Path
import torch
import torch.nn.functional as F
from reciprocal_poetry.core import provenance, read_json, write_json
from reciprocal_poetry.models import load_lm
from reciprocal_poetry.sft import LoraSFTConfig, cpu_bf16_fast, default_adapter_path, train_default_adapter

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
    if args.precision: overrides["precision"] = args.precision
    # a shortened run, or one in another precision, must not replace the published default adapter
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
    # sft_seconds: the whole SFT step of a fresh machine (data, training, validation, held-out perplexity, saving)
    return {"sft": sft, "sft_ppl_reduction": round(test["ppl_reduction"], 4), "sft_seconds": round(wall, 1)}


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


def _old_sft_loss(model, batch):
    "The loss before issue 17: logits at every position, in the caller's precision (fp32 on a CPU)."
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], use_cache=False).logits  # (B, T, V)
    labels = batch["labels"][:, 1:]                                                                               # (B, T-1)
    return F.cross_entropy(logits[:, :-1].float().flatten(0, 1), labels.flatten(), ignore_index=-100, reduction="sum")


def _timed(fn) -> tuple[float, float]:
    "(wall seconds, process CPU seconds) of `fn()`; CPU time counts every thread and is less sensitive to other users."
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def _interleaved(variants:dict, batches:list, reps_note:str) -> dict:
    "Median wall and CPU seconds per step of each variant, every variant on the same batches, in rotating order."
    times = {k: [] for k in variants}
    for j, b in enumerate(batches):
        names = list(variants); names = names[j % len(names):] + names[:j % len(names)]
        for k in names: times[k].append(_timed(lambda: variants[k](b)))
    med = lambda xs: round(statistics.median(xs), 3)
    return {k: {"wall_s": med([w for w, _ in v]), "cpu_s": med([c for _, c in v]), "n": len(v), "wall_all": [round(w, 2) for w, _ in v]}
            for k, v in times.items()} | {"note": reps_note}


def section_speed(lm, args) -> dict:
    "Old vs new training step, side by side on the same batches (issue 17): SFT and DPO, fp32/bf16, full/learned-only logits, padded/packed pairs."
    from reciprocal_poetry.sft import (autocast_for, trainable_lora_model, collate, encode_examples, lora_parameters, sft_data,
                                       sft_loss, step_batches)
    from reciprocal_poetry.preference import (DPOConfig, _disable_dropout, collate_pairs, dpo_loss, encode_pair, pack_pairs,
                                              packed_logps, sequence_logps)
    from reciprocal_poetry.data import load_corpus
    cfg, pad, n = LoraSFTConfig.preset(args.preset), lm.tokenizer.pad_token_id, args.speed_steps
    data = sft_data(lm, cfg, seed=cfg.seed)
    train = encode_examples(lm, data["train"], cfg)
    model, _ = trainable_lora_model(lm, cfg); model.train()
    idx = step_batches([len(e["ids"]) for e in train], cfg.batch_size, torch.Generator().manual_seed(cfg.seed))[:n + 1]
    batches = [collate([train[i] for i in s], pad) for s in idx]
    def sft_step(loss_fn, precision):
        def run(b):
            with autocast_for(lm.device, precision): s = loss_fn(model, b)
            s = s[0] if isinstance(s, tuple) else s
            (s / int((b["labels"][:, 1:] != -100).sum())).backward(); model.zero_grad(set_to_none=True)
        return run
    sft_variants = {"fp32_full_logits": sft_step(_old_sft_loss, "fp32"), "fp32_learned_logits": sft_step(sft_loss, "fp32"),
                    "bf16_learned_logits": sft_step(sft_loss, "bf16")}
    for v in sft_variants.values(): v(batches[0])   # warm-up (oneDNN kernels, allocator)
    sft = _interleaved(sft_variants, batches[1:], f"{n} SFT steps of the {args.preset} preset ({cfg.batch_size} chunks each) per variant")
    sft["tokens_per_step"] = statistics.median(int(b["attention_mask"].sum()) for b in batches[1:])
    sft["learned_tokens_per_step"] = statistics.median(int((b["labels"][:, 1:] != -100).sum()) for b in batches[1:])
    del model
    # DPO: pairs shaped like the experiment's (a chat prompt from a first line, four-line completions)
    dcfg = DPOConfig.preset(args.preset)
    poems = [p for p in load_corpus() if p.text.count("\n") >= 8][:64]
    lines = [p.text.split("\n") for p in poems]
    pairs = [(l[0], "\n".join(l[1:5]), "\n".join(lines[(i + 1) % len(lines)][5:9])) for i, l in enumerate(lines)]
    enc = [encode_pair(lm, *t, dcfg) for t in pairs]
    sft_lm = lm
    pol, _ = trainable_lora_model(sft_lm, LoraSFTConfig(r=dcfg.lora_r, alpha=dcfg.lora_alpha)); _disable_dropout(pol); pol.train()
    per = dcfg.batch_size * dcfg.grad_accum
    steps = [enc[k * per:(k + 1) * per] for k in range(n + 1)]
    def dpo_step(collate_fn, logps_fn, precision):
        def run(step):
            for j in range(0, len(step), dcfg.batch_size):
                part = step[j:j + dcfg.batch_size]
                with autocast_for(lm.device, precision): lp = logps_fn(pol, collate_fn(part, pad))   # (2b,)
                lp = lp.float().view(2, len(part)).T
                losses, _, _ = dpo_loss(lp[:, 0], lp[:, 1], lp[:, 0].detach(), lp[:, 1].detach(), dcfg.beta)
                (losses.sum() / len(step)).backward()
            pol.zero_grad(set_to_none=True)
        return run
    dpo_variants = {"fp32_padded": dpo_step(collate_pairs, sequence_logps, "fp32"), "fp32_packed": dpo_step(pack_pairs, packed_logps, "fp32"),
                    "bf16_packed": dpo_step(pack_pairs, packed_logps, "bf16")}
    for v in dpo_variants.values(): v(steps[0])
    dpo = _interleaved(dpo_variants, steps[1:], f"{n} DPO steps of the {args.preset} preset ({per} pairs each) per variant")
    dpo["tokens_per_step_padded"] = statistics.median(sum(collate_pairs(s[j:j + dcfg.batch_size], pad)["input_ids"].numel()
                                                          for j in range(0, per, dcfg.batch_size)) for s in steps[1:])
    dpo["tokens_per_step_packed"] = statistics.median(sum(pack_pairs(s[j:j + dcfg.batch_size], pad)["input_ids"].numel()
                                                          for j in range(0, per, dcfg.batch_size)) for s in steps[1:])
    r = lambda d, a, b, k: round(d[a][k] / d[b][k], 3)
    return {"speed": {"sft": sft, "dpo": dpo, "cpu_bf16_fast": cpu_bf16_fast(), "torch_threads": torch.get_num_threads(),
                      "load_average": [round(x, 2) for x in os.getloadavg()]},
            "sft_step_speedup": r(sft, "fp32_full_logits", "bf16_learned_logits", "wall_s"),
            "sft_step_speedup_cpu_time": r(sft, "fp32_full_logits", "bf16_learned_logits", "cpu_s"),
            "dpo_step_speedup": r(dpo, "fp32_padded", "bf16_packed", "wall_s"),
            "dpo_step_speedup_cpu_time": r(dpo, "fp32_padded", "bf16_packed", "cpu_s")}


SECTIONS = {"sft": section_sft, "reward": section_reward, "dpo": section_dpo, "speed": section_speed}


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
    if "speed" in results:
        for part, old, new in [("sft", "fp32_full_logits", "bf16_learned_logits"), ("dpo", "fp32_padded", "bf16_packed")]:
            d = results["speed"][part]
            rows += [(f"{part.upper()} step {k} (s): " + " / ".join(v for v in d if isinstance(d[v], dict)),
                      " / ".join(str(d[v][k]) for v in d if isinstance(d[v], dict))) for k in ("wall_s", "cpu_s")]
            rows += [(f"{part.upper()} step speed-up {old} -> {new} (wall, CPU time)",
                      f"{results[f'{part}_step_speedup']}x, {results[f'{part}_step_speedup_cpu_time']}x")]
    rows += [("peak RSS (MiB)", results["peak_memory"]["peak_rss_mib"]),
             ("load average before/after", f"{results['load_average']['before']} / {results['load_average']['after']}")]
    w = max(len(k) for k, _ in rows)
    for k, v in rows: print(f"{k:<{w}}  {v}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--preset", default="cpu", help="SFT preset (cpu | gpu)")
    p.add_argument("--device", default="cpu", help="device for the model ('auto' uses a GPU when present)")
    p.add_argument("--max-steps", type=int, default=None, help="shorten the run (the default adapter is then not replaced)")
    p.add_argument("--precision", default=None, help="SFT precision override (auto | bf16 | fp32); the default adapter is then not replaced")
    p.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated sections: {', '.join(SECTIONS)}")
    p.add_argument("--out", default=str(RESULTS), help="results JSON")
    p.add_argument("--speed-steps", type=int, default=4, help="steps per variant in the `speed` section")
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
