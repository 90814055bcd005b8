"""What the tests of utils.check share (tests/test_checks_*.py, one file per code challenge): the verdict
assertions and a fixed global random state for every test, whatever ran before it on its pytest worker."""

import numpy as np
import pytest
import torch

from utils import check


@pytest.fixture(autouse=True)
def seeded():
    """Every test starts from the same global random state (pytest -n 2 hands tests to workers in varying
    order), and gives it back: the reference answers use nn.Linear's own random starts."""
    saved = np.random.get_state()
    np.random.seed(0)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        yield
    np.random.set_state(saved)


def ok(verdict, says=""):
    """The verdict is 'correct' (and its text says `says`)."""
    assert verdict.status == check.CORRECT and bool(verdict), repr(verdict)
    assert says in repr(verdict), repr(verdict)


def wrong(verdict, pointer):
    """The verdict is 'not yet right' and its text names the mistake (contains `pointer`)."""
    assert verdict.status == check.WRONG and not verdict, repr(verdict)
    assert pointer in repr(verdict), repr(verdict)


def not_attempted(verdict):
    assert verdict.status == check.NOT_ATTEMPTED and repr(verdict).startswith("Not attempted yet"), repr(verdict)
