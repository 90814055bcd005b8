"""JupyterLab server settings for the course: `bash course.sh lab` passes `--config=tools/lab_config.py`.

Reading must not change the repository. On opening a notebook, JupyterLab copies the kernel's full
language_info (with this machine's Python version) into it and autosave then writes it: after a few minutes
of reading, `git status` showed every open notebook modified. The hook below stores the notebook-level
metadata the repository keeps (tools/notebook_meta.py) on every save, so a notebook that was only read is
saved byte for byte as it was. A learner's own edits and outputs are saved as usual.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the course's tools, for the server only

from tools.notebook_meta import stored_metadata  # noqa: E402


def keep_stored_metadata(model, **_):
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        model["content"]["metadata"] = stored_metadata(model["content"].get("metadata", {}))


c = get_config()  # noqa: F821 (traitlets defines get_config in a config file's namespace)
c.FileContentsManager.pre_save_hook = keep_stored_metadata
