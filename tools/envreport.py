"""Print what a bug report needs: Python and package versions, device, threads, platform.

bash course.sh env      (or: python -m tools.envreport)
"""

import os
import platform
import sys
from importlib import metadata

PACKAGES = [
    "torch",
    "numpy",
    "scipy",
    "matplotlib",
    "scikit-learn",
    "sympy",
    "jupyterlab",
    "ipykernel",
    "nbclient",
    "pytest",
]


def report():
    lines = [
        f"python      {sys.version.split()[0]} ({platform.python_implementation()})",
        f"platform    {platform.platform()} / {platform.machine()}",
        f"cpu cores   {os.cpu_count()}",
    ]
    for name in PACKAGES:
        try:
            lines.append(f"{name:<11} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{name:<11} not installed")
    try:
        import torch

        import utils

        lines.append(f"device      {utils.get_device()} (cuda available: {torch.cuda.is_available()})")
        lines.append(
            f"threads     torch {torch.get_num_threads()} by default; notebooks use 1 "
            f"(OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}); big batched sweeps use "
            f"{utils.batched._max_threads()} of {utils.reproducibility.CPU_COUNT} usable cores (DUDL_THREADS="
            f"{os.environ.get('DUDL_THREADS', 'unset')})"
        )
    except Exception as exc:  # report, do not crash: this is what people run when things are broken
        lines.append(f"torch/utils import failed: {exc!r}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
