"""pytest setup shared by unit tests and nbval: the repo on the path, one thread per process, and
kernels that talk over Unix sockets (tools/execute.py: IPCKernelManager says why)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import nbval.kernel  # noqa: E402

from tools.execute import IPCKernelManager  # noqa: E402

nbval.kernel.KernelManager = IPCKernelManager  # nbval's start_new_kernel looks the class up here
