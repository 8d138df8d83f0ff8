"""Run nbdev's docs pre-processing (`nbdev_proc_nbs`) where no `quarto` binary exists: nbdev would try to download
Quarto first, which cannot work offline. Everything before the render still runs (sidebar, nbdev.yml, _proc/).
Run from the repository root: `python tools/proc_nbs.py`."""
import nbdev.quarto as q

if __name__ == "__main__":
    q._ensure_quarto = lambda: None
    q.nbdev_proc_nbs.__wrapped__()
