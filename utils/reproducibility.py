"""One call to make a notebook repeatable: seeds and thread count, plus device choice."""

import math
import numbers
import os
import random

import numpy as np
import torch

from ._validate import check_generator, check_int, shown

# CPU cores this process may use (torch's own default follows OMP_NUM_THREADS, which the course sets to 1)
CPU_COUNT = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def seed_everything(seed=0, threads=1):
    """Seed Python, NumPy and torch, and set torch's CPU thread count.

    One thread is the default on purpose: the course's models are tiny, and on a
    2-core machine they run 30-200x slower on 2 threads when the other core is busy.
    (utils.train_batched keeps this setting too, unless told otherwise.)
    Returns the seed so a notebook can print or reuse it.
    """
    check_int("seed", seed, minimum=0, maximum=2**32 - 1)  # NumPy's seeds stop there
    check_int("threads", threads, minimum=1)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    torch.set_num_threads(threads)
    return seed


def randn(*size, generator=None):
    """torch.randn's float32 normal draws, computed so that every CPU gets the same numbers.

    torch.randn fills a float32 tensor of 16 numbers or more with Box-Muller transforms of uniform draws,
    and computes their logarithms, sines and cosines in float32 with whatever vector code the CPU has:
    a CPU with AVX2 and one without give values that differ in the last digit, and a model trained on
    them can end one prediction apart. Here the same uniform draws (the same stream: the draws after
    this call are torch.randn's) go through the same transform in float64, rounded once to float32, so
    the result is the same everywhere and differs from torch.randn's by at most a unit in the last place.
    """
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list, torch.Size)) else size
    for d in shape:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 0:
            raise ValueError(f"size must be whole numbers >= 0, e.g. randn(3, 2) or randn((3, 2)); got {shown(size)}.")
    check_generator(generator)
    n = math.prod(shape)
    if n < 16:  # torch draws these one at a time, in float64 (the same on every CPU)
        return torch.randn(shape, generator=generator)
    z = torch.rand(n, generator=generator, dtype=torch.float32).double()  # uniform, then transformed in place
    _box_muller_(z, torch.arange(0, n - 15, 16))  # blocks of 16 numbers
    if n % 16:  # torch then draws the last 16 numbers again, and transforms them as one more block
        z[-16:] = torch.rand(16, generator=generator, dtype=torch.float32).double()
        _box_muller_(z, torch.tensor([n - 16]))
    return z.float().reshape(shape)


def _box_muller_(z, starts):
    """In each block of 16 uniform numbers from starts, the pairs (u1, u2) = (z[j], z[j + 8]), j < 8, become
    two normal numbers: sqrt(-2 ln(1 - u1)) times cos and sin of 2 pi u2."""
    idx = starts[:, None] + torch.arange(8)
    radius = torch.sqrt(-2 * torch.log(1 - z[idx]))
    theta = 2 * math.pi * z[idx + 8]
    z[idx], z[idx + 8] = radius * torch.cos(theta), radius * torch.sin(theta)


def get_device(prefer=None):
    """The best available device: cuda, then mps, then cpu (or `prefer` if given and available)."""
    prefer = prefer.type if isinstance(prefer, torch.device) else prefer
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
            raise ValueError(f"prefer={prefer!r} is not available on this machine; use one of {available} or None.")
        return torch.device(prefer)
    return torch.device(available[0])
