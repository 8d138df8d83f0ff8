"""A GPU check: does every code path pick the accelerator with `device="auto"`, how fast is it, and does a GPU sample
what the CPU samples with the same seed in fp32?

On each model (the tiny test model; a randomly initialised model of SmolLM2-135M's shape, for speed; and the embedded
SmolLM2 when its files are in the cache) it runs generation, PPLM, one SFT step and one DPO step (`train_lora`,
`train_dpo`: the loops of chapters 05 and 07 under accelerate, one process) and, on the tiny model, one experiment run
(`run_experiment`, chapter 10, with `device="auto"`). It records the device every path ended up on, tokens per
second and step seconds (median over `--reps`), and, when a CUDA device is there, the agreement of fp32 samples drawn
on the CPU and on the GPU with the same seed (the share of identical token sequences and the largest logit
difference). Without a GPU it runs on the CPU and says why the agreement check is skipped.

Run: `python bench/gpu_check.py [--device auto] [--models tiny smollm2-135m-random embedded] [--reps 3]`.
Prints a table and writes bench/results/gpu_check.json (absolute figures depend on the machine; compare ratios).
"""
import argparse, contextlib, json, os, platform, statistics, sys, tempfile, time
from dataclasses import replace
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
import torch
from transformers import LlamaConfig, LlamaForCausalLM
from reciprocal_poetry.core import provenance, resolve_device, write_json
from reciprocal_poetry.models import LM, load_lm, tiny_lm, tiny_tokenizer
from reciprocal_poetry.generate import GenConfig, generate
from reciprocal_poetry.pplm import BowAttribute, pplm_generate
from reciprocal_poetry.sft import LoraSFTConfig, autocast_for, train_lora
from reciprocal_poetry.preference import DPOConfig, train_dpo

PROMPTS = ["the sea is grey and", "my love, the rose", "the night is long", "upon the silent hill",
           "the wind in the trees", "time runs like water", "a candle in the window", "the moon, the dark"]
TEXTS = ["the sea is grey and the waves come slowly in\nthe night is long and the stars are cold",
         "my love, the rose is red and the heart is warm\nthe wind in the trees, the rain upon the river",
         "time runs like water, and the old clock sings\nfaith is a candle in the window of the soul",
         "the ocean and the shore, the tide, the salt, the foam\nthe moon, the dark, the dream, the silver sleep"] * 2
PAIRS = [(p, t.split("\n")[0], "the the the the the") for p, t in zip(PROMPTS, TEXTS)]
BAG = ["sea", "wave", "ocean", "tide", "shore", "salt", "water", "deep"]
SMOLLM2_135M = dict(hidden_size=576, intermediate_size=1536, num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3,
                    max_position_embeddings=2048, tie_word_embeddings=True, rope_theta=10000.0)   # HuggingFaceTB/SmolLM2-135M config.json

def sync(dev:torch.device):
    if dev.type == "cuda": torch.cuda.synchronize(dev)

def timed(dev, f):
    "Seconds of `f()` (the device synchronised before and after) and its result."
    sync(dev); t0 = time.perf_counter(); out = f(); sync(dev)
    return time.perf_counter() - t0, out

def smollm2_shaped(dev:torch.device, seed:int=0) -> LM:
    "A random model of SmolLM2-135M's shape (30 layers, width 576), with the embedded tokenizer when cached (else the tiny one, so the embedding table is smaller)."
    try: tok = load_lm(device="cpu").tokenizer; src = "embedded SmolLM2 tokenizer"
    except Exception: tok = tiny_tokenizer(); src = "tiny tokenizer (embedded model not in the cache)"
    torch.manual_seed(seed)
    cfg = LlamaConfig(vocab_size=len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id, **SMOLLM2_135M)
    model = LlamaForCausalLM(cfg).to(dev, dtype=torch.bfloat16 if dev.type == "cuda" else torch.float32).eval().requires_grad_(False)
    model.generation_config.pad_token_id = tok.pad_token_id
    return LM(model, tok, f"smollm2-135m-random-s{seed}", {"tokenizer": src})

def load_model(name:str, dev:torch.device) -> LM|None:
    if name == "tiny": return tiny_lm(device=str(dev))
    if name == "smollm2-135m-random": return smollm2_shaped(dev)
    if name == "embedded":
        try: return load_lm(device=str(dev))
        except Exception as e: print(f"embedded model skipped: {type(e).__name__}: {str(e)[:200]}", file=sys.stderr); return None
    raise SystemExit(f"unknown model {name!r}")

def check_model(lm:LM, dev:torch.device, reps:int) -> dict:
    "Generation and PPLM tok/s, one SFT and one DPO step's seconds, and the device each ran on."
    gcfg = GenConfig(max_new_tokens=24, max_lines=None, seed=0, batch_size=8)
    generate(lm, PROMPTS[:2], replace(gcfg, max_new_tokens=2))                     # warm-up (kernels, caches)
    out = {"model": lm.name, "n_params": lm.n_params, "device": str(lm.device), "dtype": str(lm.dtype)}
    gen, pplm, sft, dpo = [], [], [], []
    bow = BowAttribute([BAG], lm.tokenizer)
    for rep in range(reps):
        s, samples = timed(dev, lambda: generate(lm, PROMPTS, gcfg)); gen.append(sum(x.n_tokens for x in samples) / s)
        s, samples = timed(dev, lambda: pplm_generate(lm, PROMPTS[:2], bow, "bow", replace(gcfg, max_new_tokens=8)))
        pplm.append(sum(x.n_tokens for x in samples) / s)
        s, (sft_lm, h) = timed(dev, lambda: train_lora(lm, TEXTS, cfg=LoraSFTConfig(r=8, alpha=16, max_steps=1, batch_size=8, max_tokens=64,
                                                                                 prompt_format="plain", dropout=0.0), progress=False))
        sft.append(h["train_seconds"])
        s, (_, hd) = timed(dev, lambda: train_dpo(sft_lm, PAIRS, DPOConfig(max_steps=1, batch_size=8, grad_accum=1, max_length=64, max_prompt_length=32, prompt_mode="plain"), progress=False))
        dpo.append(hd["train_seconds"])
    out |= {"generate_tok_s": statistics.median(gen), "pplm_tok_s": statistics.median(pplm), "sft_step_s": statistics.median(sft),
            "dpo_step_s": statistics.median(dpo), "reps": reps,
            "paths": {"generate": str(lm.device), "pplm": str(lm.device), "sft_adapter": str(next(sft_lm.model.parameters()).device),
                      "sft_autocast_bf16": bool(autocast_for(lm.device, "auto")._enabled)}}
    return out

def experiment_run(dev:torch.device) -> dict:
    "One chapter-10 run of the tiny model with device='auto': its seconds and the device its record names."
    from reciprocal_poetry.experiment import ExperimentConfig, read_run, run_experiment
    with tempfile.TemporaryDirectory() as d:
        (Path(d)/"prompts.txt").write_text("\n".join(PROMPTS[:2]) + "\n")
        cfg = ExperimentConfig(method="base", model="tiny", adapter=None, num_prompts=2, max_new_tokens=8, n_candidates=2, device="auto",
                               prompt_source=str(Path(d)/"prompts.txt"), out_dir=d)
        s, path = timed(dev, lambda: run_experiment(cfg))
        prov = read_run(path)["provenance"]
    return {"seconds": s, "recorded_device": prov["device"], "expected_device": str(dev)}

def agreement(n:int=8) -> dict:
    "fp32 samples of the tiny model with the same seed on the CPU and on the GPU: share of identical token sequences, largest logit difference."
    if not torch.cuda.is_available(): return {"skipped": "no CUDA device on this machine: the CPU-vs-GPU agreement needs one"}
    cpu, gpu = tiny_lm(device="cpu"), tiny_lm(device="cuda")
    cfg = GenConfig(max_new_tokens=24, max_lines=None, seed=0, batch_size=n)
    a, b = generate(cpu, PROMPTS[:n], cfg), generate(gpu, PROMPTS[:n], cfg)
    same = [x.raw == y.raw for x, y in zip(a, b)]
    ids = cpu.tokenizer(PROMPTS[:n], return_tensors="pt", padding=True)
    with torch.no_grad():
        lc = cpu.model(**ids).logits
        lg = gpu.model(**{k: v.cuda() for k, v in ids.items()}).logits.cpu()
    return {"samples": n, "identical_share": sum(same) / n, "max_abs_logit_diff": float((lc - lg).abs().max()), "dtype": "float32"}

def auto_paths() -> dict:
    "Where each entry point goes with device='auto'."
    from reciprocal_poetry.methods import load_resources
    res = load_resources(model="tiny", sft_adapter=None, dpo_adapter=None, ranker=None, judge=None, need={"policy", "embedder"}, device="auto")
    out = {"resolve_device": str(resolve_device("auto")), "load_resources_tiny_lm": str(res.lm.device)}
    try:
        from reciprocal_poetry.reward import Embedder
        out["embedder"] = str(Embedder(device="auto").model.device)
    except Exception as e: out["embedder"] = f"skipped ({type(e).__name__}: {str(e)[:120]})"
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--models", nargs="+", default=["tiny", "smollm2-135m-random", "embedded"])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", default=str(Path(__file__).parent/"results"/"gpu_check.json"))
    a = ap.parse_args()
    dev = resolve_device(a.device)
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else (platform.processor() or platform.machine())
    print(f"device: {dev} ({name}); torch {torch.__version__}; cuda available: {torch.cuda.is_available()}")
    rows, skipped = [], {}
    for m in a.models:
        lm = load_model(m, dev)
        if lm is None: skipped[m] = "not in the cache"; continue
        rows.append({"name": m, **check_model(lm, dev, a.reps)}); del lm
        if dev.type == "cuda": torch.cuda.empty_cache()
    exp = experiment_run(dev)
    agree = agreement()
    paths = auto_paths()
    print(f"\n{'model':22} {'params':>9} {'dtype':>15} {'gen tok/s':>10} {'pplm tok/s':>11} {'sft step s':>11} {'dpo step s':>11}")
    for r in rows:
        print(f"{r['name']:22} {r['n_params']/1e6:8.1f}M {r['dtype']:>15} {r['generate_tok_s']:10.1f} {r['pplm_tok_s']:11.1f} {r['sft_step_s']:11.3f} {r['dpo_step_s']:11.3f}")
    print(f"experiment run (tiny, device=auto): {exp['seconds']:.2f}s, recorded device {exp['recorded_device']}")
    print(f"CPU-vs-GPU fp32 agreement: {agree}")
    print(f"device='auto' paths: {paths}")
    rec = {"device": str(dev), "device_name": name, "cuda_available": torch.cuda.is_available(), "models": rows, "skipped": skipped,
           "experiment_run": exp, "agreement": agree, "auto_paths": paths, "args": vars(a), "provenance": provenance(dev),
           "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    write_json(a.out, rec); print(f"wrote {a.out}")

if __name__ == "__main__": main()
