"""Checks for the code challenges: call one on your own answer and get a verdict.

    from utils import check
    check.derivative(df)              # runs your function on cases of its own and says what is right or wrong
    check.derivative(df, hint=True)   # the same, with a hint

Every check judges what your code computes (values, shapes, end points), never how it is spelled.
An answer you have not written yet (the workspace's `...` or `raise NotImplementedError`) gets
"not attempted yet", never a traceback from inside the course package.
"""

NOT_ATTEMPTED, CORRECT, WRONG = "not attempted yet", "correct", "not yet right"


class Verdict:
    """What a check found. Shown as text in a notebook; true only when the answer is correct."""

    def __init__(self, status, lines=(), hint=None, show_hint=False):
        self.status, self.lines, self.hint, self.show_hint = status, list(lines), hint, show_hint

    def __bool__(self):
        return self.status == CORRECT

    def __repr__(self):
        mark = {CORRECT: "Correct", WRONG: "Not yet right", NOT_ATTEMPTED: "Not attempted yet"}[self.status]
        out = [f"{mark}: {self.lines[0]}" if self.lines else mark] + [f"  - {line}" for line in self.lines[1:]]
        if self.hint and self.show_hint:
            out.append(f"Hint: {self.hint}")
        elif self.hint and self.status != CORRECT:
            out.append("(call the check again with hint=True for a hint)")
        return "\n".join(out)


class _NotAttempted(Exception):
    """Raised by _call when the learner's function is still the workspace's placeholder."""


def _not_attempted(value):
    return value is None or value is Ellipsis


def _expect_callable(name, value, wanted):
    """A check given the wrong kind of object says what it wanted (TypeError naming the argument)."""
    if _not_attempted(value) or callable(value):
        return
    raise TypeError(f"{name} must be {wanted}, got {type(value).__name__} ({value!r:.60}).")


def _call(fn, *args):
    """Call the learner's function; a placeholder body (NotImplementedError, or returning ... / None)
    means not attempted; any other exception is reported in the verdict, not raised."""
    try:
        out = fn(*args)
    except NotImplementedError as e:
        raise _NotAttempted from e
    if _not_attempted(out):
        raise _NotAttempted
    return out


def _judge(problems, ok_message, hint, show_hint):
    """problems: list of strings, each a thing that is wrong (empty: correct)."""
    if problems:
        return Verdict(WRONG, problems, hint, show_hint)
    return Verdict(CORRECT, [ok_message], hint, show_hint)


def _run(body, hint, show_hint, what="your answer"):
    """Run a check body (returns a list of problems and the ok message); turn the learner's
    placeholders into 'not attempted yet' and the learner's own exceptions into a verdict.
    Validate the check's arguments (_expect_callable) before calling this: those errors must raise."""
    try:
        problems, ok = body()
    except _NotAttempted:
        return Verdict(
            NOT_ATTEMPTED, [f"fill in {what} in the workspace above, then run this cell again"], hint, show_hint
        )
    except Exception as e:  # the learner's code failed: say so, do not show our traceback
        return Verdict(WRONG, [f"running {what} raised {type(e).__name__}: {e}"], hint, show_hint)
    return _judge(problems, ok, hint, show_hint)


# ---- one check per step of each challenge (added below, grouped by challenge) ----
