"""The notebook-level metadata the repository stores: the same on every machine.

A kernel reports its full language_info (with this machine's Python version, e.g. 3.11.7); stored, it
would make every notebook differ from machine to machine. tools.execute writes this form after a run, and
JupyterLab (course.sh lab, through tools/lab_config.py) writes it on every save, so that opening and
reading a lecture leaves `git status` clean.
"""

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}
KEEP = ("colab",)  # a challenge's collapsed sections in Colab (set by tools.stamp)


def stored_metadata(metadata):
    """The metadata to store for a notebook whose metadata is `metadata` (not modified)."""
    kept = {key: metadata[key] for key in KEEP if key in metadata}
    return {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO), **kept}
