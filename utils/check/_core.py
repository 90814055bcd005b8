"""What every check shares: the verdict, hints in levels, placeholders, the learner's own errors and seeding.

A check is a function decorated with @learner_check. Its body looks at the answer and either returns the
sentence that says why it is right or raises Wrong("what is wrong"). The decorator does the rest, once for
every check: it refuses an argument of the wrong kind (TypeError naming it), turns the workspace's
placeholders into "not attempted yet", runs the body on seeded random streams that it puts back afterwards,
turns an error raised inside the learner's code into a verdict that quotes the learner's line, and adds the
hint of the level asked for (hint=1 a nudge, hint=2 the step's answer; their texts are in hints.py).
"""

import contextlib
import dis
import functools
import inspect
import linecache
import os
import random
import traceback

import numpy as np
import torch

from .hints import HINTS

NOT_ATTEMPTED, CORRECT, WRONG, UNCHECKED = "not attempted yet", "correct", "not yet right", "could not check"
_HEADINGS = {
    CORRECT: "Correct",
    WRONG: "Not yet right",
    NOT_ATTEMPTED: "Not attempted yet",
    UNCHECKED: "Could not check",
}


class Verdict:
    """What a check found. Shown as text in a notebook; true only when the answer is correct."""

    def __init__(self, status, lines, hints=(), level=0):
        self.status, self.lines, self.hints, self.level = status, list(lines), hints, level

    def __bool__(self):
        return self.status == CORRECT

    def __repr__(self):
        out = [f"{_HEADINGS[self.status]}: {self.lines[0]}"] + [f"  - {line}" for line in self.lines[1:]]
        for level, (label, text) in enumerate(zip(("Hint", "Answer"), self.hints), start=1):
            if self.level >= level:
                out.append(f"{label}: {text}")
        if self.status != CORRECT and self.level < len(self.hints):
            ask = "a hint" if self.level == 0 else "this step's answer"
            out.append(f"(for {ask}, call the check again with hint={self.level + 1})")
        return "\n".join(out)


class Wrong(Exception):
    """Raised by a check's body: the answer is not right; each argument is one line of the verdict."""

    def __init__(self, *lines):
        super().__init__(lines[0])
        self.lines = list(lines)


class NotAttempted(Exception):
    """Raised when the learner's answer is still the workspace's placeholder."""


class LearnerError(Exception):
    """The learner's code raised an exception while the check ran it."""

    def __init__(self, who, error):
        super().__init__(str(error))
        self.who, self.error = who, error

    def lines(self):
        first = f"{self.who} raised {type(self.error).__name__}: {self.error}"
        where = _learner_line(self.error.__traceback__)
        return [first, where] if where else [first]


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _learner_line(tb):
    """'at line 3 of your cell: return 1 / 0', the innermost line of the traceback written by the learner."""
    frames = [f for f in traceback.extract_tb(tb) if _is_learners(f.filename)]
    if not frames:
        return None
    f = frames[-1]
    text = (f.line or linecache.getline(f.filename, f.lineno)).strip()
    where = "your cell" if "ipykernel" in f.filename or f.filename.startswith("<") else os.path.basename(f.filename)
    return f"at line {f.lineno} of {where}: {text}" if text else f"at line {f.lineno} of {where}"


def _is_learners(filename):
    path = os.path.abspath(filename)
    library = ("site-packages", "dist-packages", os.sep + "lib" + os.sep + "python")
    return not path.startswith(_PACKAGE + os.sep) and not any(part in path for part in library)


def is_placeholder(fn):
    """True for a function whose body is still the workspace's `...` (or `pass`): it computes nothing."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    idle = {"RESUME", "NOP", "CACHE", "POP_TOP", "RETURN_VALUE", "RETURN_CONST", "LOAD_CONST"}
    return all(
        i.opname in idle and (i.opname != "LOAD_CONST" or i.argval in (None, Ellipsis))
        for i in dis.get_instructions(code)
    )


def call(fn, *args, who):
    """Run the learner's function fn(*args). Its errors become a LearnerError naming `who`; a placeholder
    (NotImplementedError, a `...` body) means not attempted; a body that computes but returns None is wrong."""
    try:
        out = fn(*args)
    except NotImplementedError as e:
        raise NotAttempted from e
    except Exception as e:
        raise LearnerError(who, e) from e
    if out is Ellipsis or (out is None and is_placeholder(getattr(fn, "forward", fn))):
        raise NotAttempted
    if out is None:
        raise Wrong(f"{who} returned None: is a `return` missing?")
    return out


class Kind:
    """What one argument of a check must be, for the TypeError that names it."""

    def __init__(self, accepts, wanted):
        self.accepts, self.wanted = accepts, wanted

    def validate(self, name, value):
        if value is Ellipsis or value is None or self.accepts(value):
            return
        raise TypeError(f"{name} must be {self.wanted}, got {type(value).__name__} ({value!r:.60}).")


def _is_numbers(value):
    if isinstance(value, (torch.Tensor, np.ndarray)) or (
        isinstance(value, (int, float)) and not isinstance(value, bool)
    ):
        return True
    if isinstance(value, (list, tuple)):
        with contextlib.suppress(TypeError, ValueError, RuntimeError):
            np.asarray([v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else v for v in value], dtype=float)
            return True
    return False


def function(wanted):
    return Kind(callable, wanted)


ARRAY = Kind(_is_numbers, "an array of numbers (NumPy array, tensor or list)")
LABELS = Kind(_is_numbers, "class labels (a tensor, array or list)")
MODULE = Kind(
    lambda v: isinstance(v, torch.nn.Module), "a torch.nn.Module model (an instance, e.g. MyNet(), not the class)"
)
NUMBER = Kind(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "a number")


def _hint_level(hint):
    if hint in (0, 1, 2) and not isinstance(hint, float) or hint is None:
        return int(hint or 0)
    raise TypeError(f"hint must be 0, 1 (or True) or 2, got {type(hint).__name__} ({hint!r:.60}).")


@contextlib.contextmanager
def kept_rng(seed=0):
    """Run the learner's code on seeded global streams (so a check repeats exactly) and put every
    global stream (torch, NumPy, Python) back afterwards: a check never changes the notebook's randomness."""
    saved = torch.random.get_rng_state(), np.random.get_state(), random.getstate()
    torch.random.manual_seed(seed), np.random.seed(seed), random.seed(seed)
    try:
        yield
    finally:
        torch.random.set_rng_state(saved[0]), np.random.set_state(saved[1]), random.setstate(saved[2])


def learner_check(what, **kinds):
    """Make a check of a body(answer, ...) that returns the 'correct' sentence or raises Wrong.

    what: how the verdict names the answer ("df", "the ascent path"); kinds: for each argument, the Kind it must
    be (a wrong kind raises TypeError before anything runs). The hints are the body's entry in hints.HINTS.
    """

    def wrap(body):
        signature, hints = inspect.signature(body), HINTS[body.__name__]

        @functools.wraps(body)
        def check(*args, hint=0, **kwargs):
            level = _hint_level(hint)
            given = signature.bind(*args, **kwargs).arguments
            for name, value in given.items():
                kinds[name].validate(name, value)
            status, lines = _judge(body, given, what)
            return Verdict(status, lines, hints, level)

        hint = inspect.Parameter("hint", inspect.Parameter.KEYWORD_ONLY, default=0)
        check.__signature__ = signature.replace(parameters=[*signature.parameters.values(), hint])
        return check

    return wrap


def _judge(body, given, what):
    with kept_rng():
        try:
            if any(value is Ellipsis for value in given.values()):
                raise NotAttempted
            for name, value in given.items():
                if value is None:
                    raise Wrong(f"{name} is None: did the code that made it forget to `return` it?")
            return CORRECT, [body(**given)]
        except NotAttempted:
            return NOT_ATTEMPTED, [f"fill in {what} in the workspace, then run this cell again"]
        except Wrong as e:
            return WRONG, e.lines
        except LearnerError as e:
            return WRONG, e.lines()
        except Exception as e:  # a gap in the check itself: say so, do not blame the learner's code
            return UNCHECKED, [
                f"the check failed on {what} with {type(e).__name__}: {e}",
                "this is a gap in the course's check, not necessarily in your code; please report it",
            ]
