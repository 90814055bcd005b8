"""One call to make a notebook repeatable: seeds and thread count, plus device choice."""

import os
import random

import numpy as np
import torch

from ._checks import check_int

# CPU cores this process may use (torch's own default follows OMP_NUM_THREADS, which the course sets to 1)
CPU_COUNT = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def seed_everything(seed=0, threads=1):
    """Seed Python, NumPy and torch, and set torch's CPU thread count.

    One thread is the default on purpose: the course's models are tiny, and on a
    2-core machine they run 30-200x slower on 2 threads when the other core is busy.
    (utils.train_batched uses two threads for its big batched steps, where they pay.)
    Returns the seed so a notebook can print or reuse it.
    """
    check_int("seed", seed, minimum=0)
    check_int("threads", threads, minimum=1)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    torch.set_num_threads(threads)
    return seed


def get_device(prefer=None):
    """The best available device: cuda, then mps, then cpu (or `prefer` if given and available)."""
    available = ["cpu"]
    if torch.cuda.is_available():
        available.insert(0, "cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        available.insert(-1, "mps")
    if prefer is not None:
        if prefer not in ("cuda", "mps", "cpu"):
            raise ValueError(f"prefer must be 'cuda', 'mps', 'cpu' or None; got {prefer!r}.")
        if prefer not in available:
            raise ValueError(f"prefer={prefer!r} is not available on this machine; available: {available}.")
        return torch.device(prefer)
    return torch.device(available[0])
