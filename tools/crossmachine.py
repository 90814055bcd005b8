"""Run notebooks the way other machines would, and report every text output that changes.

    python -m tools.crossmachine ANN/DUDL_ANN_breadthVsDepth.ipynb [more.ipynb ...]
    python -m tools.crossmachine --all [--caps native default avx2] [-j 2]

A learner's laptop, a classroom server and Colab run PyTorch's kernels on other CPUs. One machine stands in
for them through ATEN_CPU_CAPABILITY (set before the kernel imports torch): `default` runs PyTorch's scalar
kernels, `avx2` its AVX2 ones, `native` whatever this CPU has best (AVX-512 on some machines here). An output
that changes between these is an output a learner's machine may print differently: remove its cause, or
print it in a form that holds everywhere. Notebooks run in memory; the files are not changed. Exit status 1
if any output differs from the stored one.
"""

import argparse
import concurrent.futures
import sys
from pathlib import Path

import nbformat

from tools.coursemap import ROOT, load_map
from tools.execute import kernel_env, run
from tools.outputs import describe, differences

CAPS = ("native", "default", "avx2")


def run_under(rel, cap):
    """(rel, cap, differences from the stored notebook, seconds) for one run of rel under capability cap."""
    stored = nbformat.read(ROOT / rel, as_version=4)
    nb = nbformat.read(ROOT / rel, as_version=4)
    env = kernel_env()
    env.setdefault("DUDL_THREADS", "1")
    env.pop("ATEN_CPU_CAPABILITY", None)
    if cap != "native":
        env["ATEN_CPU_CAPABILITY"] = cap
    try:
        nb, secs, _ = run(nb, (ROOT / rel).parent, env=env)
    except Exception as err:  # a cell raised: report it as the difference it is
        return rel, cap, [(-1, "(runs)", f"{type(err).__name__}: {str(err)[-500:]}")], 0.0
    return rel, cap, differences(stored, nb), secs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*")
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--caps", nargs="+", default=list(CAPS), choices=CAPS)
    ap.add_argument("-j", "--jobs", type=int, default=1, help="notebooks run at once (each on one thread)")
    args = ap.parse_args(argv)
    if args.all:
        rels = [lec.path for lec in load_map()[1]]
    else:
        rels = [str(Path(p).resolve()) for p in args.notebooks]  # ROOT / an absolute path is that path (drafts too)
    if not rels:
        ap.error("name notebooks, or --all")
    jobs = [(rel, cap) for rel in rels for cap in args.caps]
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for rel, cap, differ, secs in pool.map(lambda job: run_under(*job), jobs):
            verdict = "same as stored" if not differ else f"{len(differ)} code cell(s) differ"
            print(f"{rel} [{cap}] {secs:.1f} s: {verdict}", flush=True)
            if differ:
                failed += 1
                print(describe(differ, limit=20), flush=True)
    print(f"{len(jobs) - failed} of {len(jobs)} runs print exactly the stored text")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
