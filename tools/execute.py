"""Stamp, execute top to bottom and save notebooks with clean metadata.

    python -m tools.execute ANN/DUDL_ANN_regression.ipynb [more.ipynb ...]
    python -m tools.execute --all

Each notebook runs in a fresh kernel in its own folder (as JupyterLab runs
it), with the repo on PYTHONPATH and torch on one thread. Outputs are kept; timing,
widget state and other machine-specific metadata are dropped; cell tags are kept.
"""

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
import uuid

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from tools import stamp
from tools.coursemap import ROOT, load_map
from tools.notebook_meta import stored_metadata

KEEP_CELL_META = ("tags", "jupyter", "collapsed", "cellView", "jp-MarkdownHeadingCollapsed")


_IPC_DIR = None


def _ipc_dir():
    """One short private folder per process for kernel sockets (a Unix socket path must stay under
    about 100 characters, so not under pytest's long tmp paths)."""
    global _IPC_DIR
    if _IPC_DIR is None:
        _IPC_DIR = tempfile.mkdtemp(prefix="dudl-k", dir="/tmp" if os.path.isdir("/tmp") else None)
        atexit.register(shutil.rmtree, _IPC_DIR, ignore_errors=True)
    return _IPC_DIR


class IPCKernelManager(KernelManager):
    """A kernel manager whose kernel talks over Unix sockets with a name of its own.

    Over TCP (jupyter_client's default) the manager asks the OS for free ports, closes them and lets
    the kernel bind them later: two test workers starting kernels at the same moment can be handed
    the same port ("Address already in use", then "Kernel died before replying to kernel_info").
    A socket file named after a fresh uuid cannot be handed to anyone else."""

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", os.path.join(_ipc_dir(), uuid.uuid4().hex[:12]))
        super().__init__(**kwargs)


def kernel_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
        TQDM_DISABLE=env.get("TQDM_DISABLE", "1"),
    )
    return env


def clean(nb):
    nb.metadata = nbformat.from_dict(stored_metadata(nb.metadata))
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_META}
        for out in cell.get("outputs", []):
            out.get("metadata", {}).pop("needs_background", None)
    return nb


def run(nb, cwd, timeout=600, env=None):
    """Execute nb in a fresh kernel (env: the kernel's environment, default kernel_env());
    returns (nb, seconds, peak kernel memory in MiB or None)."""
    # shutdown_kernel="immediate": the kernel holds nothing worth a graceful exit, which would add
    # about 0.5 s of waiting per notebook to every measurement.
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        record_timing=False,
        shutdown_kernel="immediate",
        kernel_manager_class=IPCKernelManager,
    )
    client.km = client.create_kernel_manager()
    peak = None
    t0 = time.perf_counter()
    with client.setup_kernel(env=env or kernel_env(), cwd=str(cwd)):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        try:
            pid = client.km.provisioner.process.pid
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
        except Exception:
            pass
    return nb, time.perf_counter() - t0, peak


def execute_file(path):
    data, lectures = load_map()
    path = path.resolve()
    if path.is_relative_to(ROOT):
        idx = next((i for i, lec in enumerate(lectures) if lec.path == path.relative_to(ROOT).as_posix()), None)
    else:  # a scratch copy outside the repository (e.g. a draft in /tmp): its lecture is the one of that file name
        idx = next((i for i, lec in enumerate(lectures) if lec.notebook == path.name), None)
    if idx is None:
        raise SystemExit(f"{path} is not in course.yml; add it there first.")
    nb = nbformat.read(path, as_version=4)
    stamp.stamp_notebook(nb, data, lectures, idx)
    nb, secs, peak = run(nb, path.parent)
    nbformat.write(clean(nb), path)
    return secs, peak


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*")
    ap.add_argument("--all", action="store_true")
    args = ap.parse_args(argv)
    if args.all:
        _, lectures = load_map()
        paths = [ROOT / lec.path for lec in lectures if (ROOT / lec.path).exists()]
    else:
        paths = [os.path.abspath(p) for p in args.notebooks]
    from pathlib import Path

    for p in paths:
        secs, peak = execute_file(Path(p))
        print(f"{p}: {secs:.1f} s" + (f", peak {peak:.0f} MiB" if peak else ""))


if __name__ == "__main__":
    sys.exit(main())
