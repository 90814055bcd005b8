"""Kernel starts that cannot collide (issue 13): every kernel the tests start talks over Unix sockets.

Over TCP, jupyter_client picks free ports, releases them and lets the kernel bind them later, so two
test workers starting kernels at once could be handed the same port ("Address already in use").
"""

import os

import nbformat

from tools.execute import IPCKernelManager, run


def _addresses(km):
    km.write_connection_file()
    try:
        info = km.get_connection_info()
        return info["transport"], {f"{info['ip']}-{info[k]}" for k in info if k.endswith("_port")}
    finally:
        km.cleanup_connection_file()


def test_two_managers_never_share_an_address():
    a, b = IPCKernelManager(kernel_name="python3"), IPCKernelManager(kernel_name="python3")
    (ta, addr_a), (tb, addr_b) = _addresses(a), _addresses(b)
    assert ta == tb == "ipc"
    assert len(addr_a) == 5 and not addr_a & addr_b
    # a Unix socket path longer than the OS limit (108 bytes on Linux) would fail to bind
    assert all(len(p) < 100 for p in addr_a | addr_b)


def test_the_kernel_that_runs_a_notebook_uses_unix_sockets(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import json, ipykernel.connect as c\n"
                "print(json.loads(open(c.get_connection_file()).read())['transport'])"
            )
        ]
    )
    nb, _, _ = run(nb, tmp_path, env=dict(os.environ))
    assert nb.cells[0].outputs[0]["text"].strip() == "ipc"
