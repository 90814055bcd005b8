"""The notebooks' setup cell calls this: `import dudl_course; utils = dudl_course.setup()`.

It imports the course's package `utils` from the folder this file sits in, whatever the notebook's own
folder holds (a learner's folder may have a `utils/` of its own, which a plain `import utils` would pick
first), then seeds Python, NumPy and torch and applies the course's figure style. A separate module with
a name no one else uses, so that the setup cell can find it wherever the course is installed: in the
repository (`pip install -e .`), or fetched at a release commit by a notebook opened alone (e.g. in Colab).
"""

import importlib.util
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent / "utils"


def setup(seed=0):
    """Import the course's `utils` (once per kernel), seed everything with `seed`, apply the figure style;
    return the package."""
    utils = sys.modules.get("utils")
    if getattr(utils, "__file__", None) != str(PACKAGE / "__init__.py"):
        spec = importlib.util.spec_from_file_location(
            "utils", PACKAGE / "__init__.py", submodule_search_locations=[str(PACKAGE)]
        )
        utils = importlib.util.module_from_spec(spec)
        sys.modules["utils"] = utils  # before running it: its modules import each other as utils.<name>
        spec.loader.exec_module(utils)
    utils.seed_everything(seed)
    utils.use_course_style()
    return utils
