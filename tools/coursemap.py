"""Read course.yml, the one source of the course's order, notebooks and goals."""

from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MAP_FILE = ROOT / "course.yml"


@dataclass
class Lecture:
    section: str
    folder: str
    heading: str
    title: str
    notebook: str
    goals: list
    challenge: bool
    number: int  # 1-based position in the whole course
    index_in_section: int
    section_size: int

    @property
    def path(self):  # relative to the repo root, with forward slashes
        return f"{self.folder}/{self.notebook}"


def load_map(path=MAP_FILE):
    data = yaml.safe_load(Path(path).read_text())
    lectures = []
    for section in data["sections"]:
        items = section["lectures"]
        for i, lec in enumerate(items, 1):
            lectures.append(
                Lecture(
                    section=section["title"],
                    folder=section["folder"],
                    heading=lec["heading"],
                    title=lec["title"],
                    notebook=lec["notebook"],
                    goals=list(lec["goals"]),
                    challenge=bool(lec.get("challenge", False)),
                    number=len(lectures) + 1,
                    index_in_section=i,
                    section_size=len(items),
                )
            )
    return data, lectures


def syllabus_headings(text):
    """The `###` headings of the syllabus, in order."""
    return [line[4:].strip() for line in text.splitlines() if line.startswith("### ")]
