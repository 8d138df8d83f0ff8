"""Front-door benchmark: the README's main job on a fresh machine, timed step by step.

From a clean clone of this repository (`git clone` into a temporary folder), a fresh virtual environment and an
empty cache (`RP_CACHE_DIR` in the temporary folder), run README command 1 exactly as `.ci/run` reads it (the first
```sh block of README.md) and time each of its `&&`-joined commands: the installs, `rp-sweep` and `rp-analyze`.
The sweep's own timing log (`<out-dir>/all_runs/sweep_timing.json`, written by `run_sweep`) splits its time into
the asset fetches, the model load (GGUF conversion on first use), the SFT adapter, the embedder, the bootstrap
ranker and judge, and the runs. Prints a table and writes `bench/results/quickstart.json` with top-level
`total_seconds` (everything, clone included) and the steps. Goal (issue 11): `total_seconds` <= 1200 on 2 cores.

    python bench/quickstart.py                 # the real measurement (~20+ min on 2 cores; needs PyPI for the installs)
    python bench/quickstart.py --dry-run       # clone, read the README, print the steps; run nothing
    python bench/quickstart.py --keep          # keep the temporary folder (clone, venv, cache) to look at

Only this script's standard-library code runs in the calling interpreter: everything else runs in the fresh venv.
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, re, shlex, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT/"bench"/"results"/"quickstart.json"
GOAL_SECONDS = 1200


def readme_command(readme:Path) -> str:
    "README command 1 (install + main job): the first ```sh block, as .ci/run reads it."
    blocks = re.findall(r"```(?:sh|bash)\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    if not blocks: raise SystemExit(f"{readme}: no ```sh block; README command 1 is the first one")
    return blocks[0].strip()


def split_steps(command:str) -> list[str]:
    "The `&&`-joined commands of a shell line, in order (each then runs on its own, timed)."
    return [s.strip() for s in command.split("&&") if s.strip()]


def step_name(cmd:str) -> str:
    "A short name for a command: 'install torch', 'install package', 'sweep', 'analysis', else its first words."
    w = shlex.split(cmd)
    if w[:2] == ["pip", "install"]: return "install torch" if any(x.startswith("torch") for x in w[2:]) else "install package"
    return {"rp-sweep": "sweep", "rp-analyze": "analysis"}.get(w[0], " ".join(w[:2]))


def sweep_out_dir(cmd:str) -> str:
    "The --out-dir of an rp-sweep command (its default otherwise)."
    w = shlex.split(cmd)
    return w[w.index("--out-dir") + 1] if "--out-dir" in w else "outputs-gpu/experiments"


def run_step(cmd:str, cwd:Path, env:dict, log) -> tuple[float, int]:
    "Run one command with bash in `cwd`; its output goes to the log file; returns (seconds, exit status)."
    t = time.perf_counter()
    log.write(f"\n$ {cmd}\n"); log.flush()
    r = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    return time.perf_counter() - t, r.returncode


def fresh_env(tmp:Path) -> dict:
    "This environment minus the caller's venv and package paths, with the fresh venv first on PATH and an empty cache."
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "RP_CACHE_DIR", "RP_WHEELS", "RP_NO_DOWNLOAD")}
    venv = tmp/"venv"
    path = [p for p in env.get("PATH", "").split(os.pathsep) if not (os.environ.get("VIRTUAL_ENV") and p.startswith(os.environ["VIRTUAL_ENV"]))]
    env.update(VIRTUAL_ENV=str(venv), PATH=os.pathsep.join([str(venv/"bin"), *path]), RP_CACHE_DIR=str(tmp/"cache"),
               HF_HUB_OFFLINE="1", TRANSFORMERS_VERBOSITY="error", PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONUNBUFFERED="1")
    return env


def sweep_steps(timing:Path) -> list[dict]:
    "The sweep's own steps from its timing log: preparation steps, then the runs."
    if not timing.exists(): return []
    t = json.loads(timing.read_text())
    out = [{"step": f"sweep: {s['step']}", "seconds": s["seconds"], **{k: v for k, v in s.items() if k not in ("step", "seconds")}} for s in t.get("prepare", [])]
    r = t.get("runs") or {}
    return out + [{"step": f"sweep: {r.get('n')} runs (jobs={r.get('jobs')}, {r.get('via')})", "seconds": r.get("seconds"), "outcomes": r.get("outcomes")}]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repo", default=str(ROOT), help="repository to clone (default: this one)")
    p.add_argument("--out", default=str(RESULTS), help="results file")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    p.add_argument("--dry-run", action="store_true", help="clone and read the README, run nothing")
    a = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="rp-quickstart-"))
    steps, t_all, ok = [], time.perf_counter(), True
    log_path = tmp/"quickstart.log"
    try:
        with open(log_path, "w") as log:
            t = time.perf_counter()
            subprocess.run(["git", "clone", "--quiet", a.repo, str(tmp/"repo")], check=True)
            commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp/"repo", capture_output=True, text=True).stdout.strip()
            steps.append({"step": "git clone", "seconds": time.perf_counter() - t})
            command = readme_command(tmp/"repo"/"README.md")
            cmds = split_steps(command)
            print(f"README command 1: {command}\nsteps: {[step_name(c) for c in cmds]}\nlog: {log_path}")
            if a.dry_run: return
            env = fresh_env(tmp)
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "venv", str(tmp/"venv")], check=True)
            steps.append({"step": "create venv", "seconds": time.perf_counter() - t})
            for cmd in cmds:
                secs, rc = run_step(cmd, tmp/"repo", env, log)
                steps.append({"step": step_name(cmd), "seconds": secs, "command": cmd, "exit_status": rc})
                print(f"{step_name(cmd):16s} {secs:8.1f} s  exit {rc}", flush=True)
                if step_name(cmd) == "sweep": steps += sweep_steps(tmp/"repo"/sweep_out_dir(cmd)/"all_runs"/"sweep_timing.json")
                if rc != 0: ok = False; print(f"failed: {cmd} (see {log_path})"); break
        total = time.perf_counter() - t_all
        for s in steps: s["seconds"] = round(s["seconds"], 1) if s.get("seconds") is not None else None
        res = {"total_seconds": round(total, 1), "goal_seconds": GOAL_SECONDS, "completed": ok, "command": command, "git_commit": commit,
               "steps": steps, "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "python": platform.python_version()},
               "note": "one fresh clone, venv and empty RP_CACHE_DIR; sub-steps prefixed 'sweep:' are inside the sweep step",
               "time_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
        print(f"\n{'step':48s} {'seconds':>9s}")
        for s in steps: print(f"{s['step'][:48]:48s} {s['seconds'] if s['seconds'] is not None else '-':>9}")
        print(f"{'total':48s} {res['total_seconds']:>9} (goal <= {GOAL_SECONDS})")
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(json.dumps(res, indent=2) + "\n")
        print(f"wrote {a.out}")
        if not ok: sys.exit(1)
    finally:
        if a.keep or not ok: print(f"kept {tmp}")
        else: shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
