"""Time a breadthVsDepth-sized batched sweep on one and on two threads, with N other busy processes.

    python -m tools.threads_bench 0     # nothing else running on purpose
    python -m tools.threads_bench 1     # one process spinning on another core (a second notebook, a browser)

The sweep: depths 1 and 3, 33 widths from 4 to 100 in two buckets, 150 rows, 200 epochs, float64, as in the
breadthVsDepth lecture. BENCHMARK.md's notes quote its figures: they are why utils.train_batched keeps one
thread unless asked for more.
"""

import multiprocessing as mp
import sys
import time

import torch

import utils


def spin(stop):
    while not stop.is_set():
        pass


def sweep(threads):
    gen = torch.Generator().manual_seed(0)
    X, y = torch.randn(150, 4, generator=gen), torch.randint(0, 3, (150,), generator=gen)
    widths = torch.linspace(4, 100, 33).long()
    t0 = time.perf_counter()
    for depth in (1, 3):
        for bucket in torch.arange(33).tensor_split(2):
            w = widths[bucket]
            net = utils.BatchedMLP(
                len(w),
                [4] + [int(w.max())] * depth + [3],
                activation="relu",
                hidden_widths=w[:, None].expand(-1, depth),
                dtype=torch.float64,
            )
            utils.train_batched(net, X, y, loss="ce", lr=0.01, epochs=200, threads=threads)
    return time.perf_counter() - t0


def main(busy):
    stop = mp.Event()
    procs = [mp.Process(target=spin, args=(stop,)) for _ in range(busy)]
    for p in procs:
        p.start()
    try:
        for threads in (1, 2, 1, 2):
            print(f"{busy} busy process(es), {threads} thread(s): {sweep(threads):.1f} s", flush=True)
    finally:
        stop.set()
        for p in procs:
            p.join()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
