"""Generation throughput on the embedded model: one prompt at a time vs batched, fp32 vs bf16, and the package's
decoding loop vs plain `model.generate` with the same settings.

Run: `python bench/generate.py [--prompts 32] [--max-new-tokens 48] [--reps 3]`. Every configuration runs `--reps`
times, interleaved (rep 1 of every configuration, then rep 2, ...), so a burst of load on a shared machine hits one
rep of each rather than every rep of one; tok/s is the median over reps, with the range kept. Prints a table and
writes bench/results/generate.json (ratios are what to compare across machines; absolute tok/s depend on the machine).
"""
import argparse, datetime, json, os, statistics, time
from dataclasses import replace
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from reciprocal_poetry.core import provenance, write_json
from reciprocal_poetry.data import load_corpus, split_poems, extract_prompts
from reciprocal_poetry.generate import GenConfig, encode_prompts, generate
from reciprocal_poetry.models import load_lm

def pkg_run(lm, prompts, cfg, batch_size):
    "Seconds and generated tokens for the package's generate at `batch_size`."
    t0 = time.perf_counter()
    out = generate(lm, prompts, replace(cfg, batch_size=batch_size))
    return time.perf_counter() - t0, sum(s.n_tokens for s in out)

def hf_run(lm, prompts, cfg, batch_size):
    "Seconds and generated tokens for plain `model.generate` with the same sampling settings."
    secs, toks, eos = 0.0, 0, lm.tokenizer.eos_token_id
    for i in range(0, len(prompts), batch_size):
        ids, mask = encode_prompts(lm, prompts[i:i+batch_size], cfg.prompt_mode, cfg.max_new_tokens)
        t0 = time.perf_counter()
        with torch.no_grad():
            out = lm.model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=cfg.max_new_tokens, do_sample=True,
                                    temperature=cfg.temperature, top_k=cfg.top_k, top_p=cfg.top_p,
                                    repetition_penalty=cfg.repetition_penalty, pad_token_id=eos)
        secs += time.perf_counter() - t0
        gen = out[:, ids.shape[1]:]
        for row in gen.tolist():  # count up to and including the first EOS, as the package does
            toks += next((k + 1 for k, t in enumerate(row) if t == eos), len(row))
    return secs, toks

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--prompts", type=int, default=32)
    ap.add_argument("--max-new-tokens", type=int, default=48)
    ap.add_argument("--reps", type=int, default=3, help="runs of every configuration (median reported)")
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice); 1 on a contended machine")
    ap.add_argument("--out", default=str(Path(__file__).parent/"results"/"generate.json"))
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    poems = split_poems(load_corpus())["test"]
    prompts = [p.text for p in extract_prompts(poems, n=a.prompts, seed=0)]
    cfg = GenConfig(max_new_tokens=a.max_new_tokens, max_lines=None, seed=0)  # no line stop: equal work for both loops
    lms = {dtype: load_lm(device="cpu", dtype=dtype) for dtype in [torch.float32, torch.bfloat16]}
    for lm in lms.values(): generate(lm, prompts[:2], replace(cfg, max_new_tokens=4))  # warm-up
    configs = [(dtype, loop, bs) for dtype in lms for loop, bs in [("package", 1), ("package", 8), ("package", 32), ("hf_generate", 32)]]
    runs = {c: [] for c in configs}
    for rep in range(a.reps):
        for dtype, loop, bs in configs:
            s, n = (pkg_run if loop == "package" else hf_run)(lms[dtype], prompts, cfg, bs)
            runs[(dtype, loop, bs)].append((s, n))
            print(f"rep {rep + 1}: {loop} {str(dtype).split('.')[-1]} batch {bs}: {n / s:.1f} tok/s", flush=True)
    rows = []
    for (dtype, loop, bs), rs in runs.items():
        tps = sorted(n / s for s, n in rs)
        rows.append({"loop": loop, "dtype": str(dtype).split(".")[-1], "batch": bs, "reps": len(rs), "tokens": rs[0][1],
                     "seconds": [round(s, 2) for s, _ in rs], "tok_per_s": round(statistics.median(tps), 1),
                     "tok_per_s_range": [round(tps[0], 1), round(tps[-1], 1)]})
    tps = {(r["loop"], r["dtype"], r["batch"]): r["tok_per_s"] for r in rows}
    res = {"benchmark": "generate", "date": datetime.date.today().isoformat(), "prompts": a.prompts,
           "max_new_tokens": a.max_new_tokens, "reps": a.reps, "torch_threads": torch.get_num_threads(), "settings": {k: v for k, v in vars(cfg).items()},
           "batch32_vs_single": round(tps[("package", "float32", 32)] / tps[("package", "float32", 1)], 2),
           "batch8_vs_single": round(tps[("package", "float32", 8)] / tps[("package", "float32", 1)], 2),
           "pkg_vs_hf_generate_batch32": round(tps[("package", "float32", 32)] / tps[("hf_generate", "float32", 32)], 2),
           "pkg_vs_hf_generate_batch32_bf16": round(tps[("package", "bfloat16", 32)] / tps[("hf_generate", "bfloat16", 32)], 2),
           "bf16_vs_fp32_batch32": round(tps[("package", "bfloat16", 32)] / tps[("package", "float32", 32)], 2),
           "batch32_vs_single_by_rep": [round((n32 / s32) / (n1 / s1), 2) for (s32, n32), (s1, n1) in
                                        zip(runs[(torch.float32, "package", 32)], runs[(torch.float32, "package", 1)])],
           "rows": rows, "provenance": provenance("cpu")}
    res["goals"] = {"batch32_vs_single": [8.0, res["batch32_vs_single"] >= 8.0],
                    "pkg_vs_hf_generate_batch32": [1.0, res["pkg_vs_hf_generate_batch32"] >= 1.0]}
    print(f"\n{'loop':12s} {'dtype':9s} {'batch':>5s} {'tok/s':>8s}  range over reps")
    for r in rows: print(f"{r['loop']:12s} {r['dtype']:9s} {r['batch']:5d} {r['tok_per_s']:8.1f}  [{r['tok_per_s_range'][0]}, {r['tok_per_s_range'][1]}]")
    print({k: v for k, v in res.items() if k.endswith(("single", "batch32", "bf16", "by_rep"))}, "goals", res["goals"])
    write_json(a.out, res)

if __name__ == "__main__": main()
