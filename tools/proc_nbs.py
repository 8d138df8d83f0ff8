"""Run nbdev's docs pre-processing (`nbdev_proc_nbs`) where no `quarto` binary exists: nbdev would try to download
Quarto first, which cannot work offline. Everything before the render still runs (sidebar, nbdev.yml, _proc/).
Run from the repository root: `python tools/proc_nbs.py` (`--check`: only the check below).

nbdev's doc processor executes every cell that holds an import statement (anywhere in the cell, nested ones too),
outside the notebook's test context. A `#| slow` cell holding one would load real models and train on a fresh machine
just to build the docs, so this script refuses such cells first: keep a slow cell's imports in a hidden setup cell.
The one exception is index.ipynb, the README: its example is meant to be read whole and its docs page shows what the
embedded model really wrote (it loads the model, which is converted and cached on first use, and trains nothing)."""
import ast, re, sys
from pathlib import Path
import nbformat

def slow_cells_with_imports(nbs="nbs"):
    "`(notebook, cell index)` of every `#| slow` code cell that holds an import statement."
    bad = []
    for p in sorted(Path(nbs).glob("*.ipynb")):
        if p.name == "index.ipynb": continue
        for i, c in enumerate(nbformat.read(p, as_version=4).cells):
            if c.cell_type != "code" or not re.search(r"^#\|\s*slow\b", c.source, re.M): continue
            body = "\n".join(l for l in c.source.splitlines() if not l.lstrip().startswith(("!", "%")))
            try: tree = ast.parse(body)
            except SyntaxError: continue
            if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree)): bad.append((p.name, i))
    return bad

if __name__ == "__main__":
    if bad := slow_cells_with_imports():
        sys.exit("slow cells that hold an import (nbdev's doc processor would run them): "
                 + ", ".join(f"{n} cell {i}" for n, i in bad) + "; move their imports to the notebook's hidden setup cell")
    if "--check" in sys.argv: sys.exit(0)
    import nbdev.quarto as q
    q._ensure_quarto = lambda: None
    q.nbdev_proc_nbs.__wrapped__()
