"""A notebook's text outputs, and how a run's outputs differ from the stored ones.

One definition, shared by the alone-run tests (tests/test_alone.py) and the cross-machine check
(tools/crossmachine.py), so both compare exactly the same thing: every code cell's stdout, its stderr,
its text/plain results and its errors. PNG figures are not compared (a figure is looked at, not diffed).
"""


def text_outputs(nb):
    """[(code cell number, its text outputs)] for every code cell of nb (an nbformat notebook or its dict).

    Each stream is joined whole: where the kernel cuts a print into chunks, and how stdout and stderr
    interleave, depends on timing, not on the code."""
    cells = []
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for i, cell in enumerate(code):
        streams, rest = {"stdout": "", "stderr": ""}, []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                name = o.get("name", "stdout")
                streams[name] = streams.get(name, "") + "".join(o.get("text", ""))
            elif o.get("output_type") in ("execute_result", "display_data"):
                rest.append("".join(o.get("data", {}).get("text/plain", "")))
            elif o.get("output_type") == "error":
                rest.append(f"[error] {o.get('ename')}: {o.get('evalue')}")
        cells.append((i, "[stdout] " + streams["stdout"] + "[stderr] " + streams["stderr"] + "".join(rest)))
    return cells


def differences(stored, ran):
    """[(code cell number, stored text, text of the run)] for every code cell whose text outputs differ.
    A run with a different number of code cells differs in every cell past the shorter one."""
    want, got = text_outputs(stored), text_outputs(ran)
    out = [(i, w, g) for (i, w), (_, g) in zip(want, got) if w != g]
    for i in range(min(len(want), len(got)), max(len(want), len(got))):
        out.append((i, want[i][1] if i < len(want) else "(no cell)", got[i][1] if i < len(got) else "(no cell)"))
    return out


def describe(differ, limit=5):
    """The differences as text a person can read: cell number, stored, run."""
    return "\n".join(f"code cell {i}:\n  stored: {w!r}\n  run:    {g!r}" for i, w, g in differ[:limit])
