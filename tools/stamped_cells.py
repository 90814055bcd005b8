"""The three cells tools/stamp.py writes into every notebook from course.yml: the header (title, place in
the course, Colab badge, navigation, learning goals), the setup cell, and the footer (navigation)."""

import nbformat

COLAB = "https://colab.research.google.com/github/{repo}/blob/{branch}/{path}"
BADGE = "../assets/open-in-colab.svg"  # in the repo: renders offline (JupyterLab, GitHub, the website)
STAMPS = ("dudl-header", "dudl-setup", "dudl-footer")  # their tags

SETUP = """# Course setup (stamped by tools/stamp.py): the course's helpers `utils`, release {release}, commit {short}.
import importlib.util, subprocess, sys
if importlib.util.find_spec("dudl_course") is None:  # opened alone (e.g. in Colab): install the helpers, once
    url = "git+https://github.com/{repo}@{commit}"
    if subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", url], capture_output=True).returncode:
        raise ConnectionError("Could not download the course's helpers from GitHub: connect, then run this cell again.")
import dudl_course
utils = dudl_course.setup()  # imports the course's utils, seeds Python, NumPy and torch, sets the figure style"""


def nav_line(lectures, i):
    parts = []
    if i > 0:
        prev = lectures[i - 1]
        parts.append(f"[< {prev.title}](../{prev.path})")
    parts.append("[Contents](../index.ipynb)")
    if i + 1 < len(lectures):
        nxt = lectures[i + 1]
        parts.append(f"[{nxt.title} >](../{nxt.path})")
    return " | ".join(parts)


def header_source(data, lectures, i):
    lec = lectures[i]
    url = COLAB.format(repo=data["repository"], branch=data.get("branch", "main"), path=lec.path)
    kind = "Code challenge" if lec.challenge else "Lecture"
    lines = [
        f"# {lec.title}",
        "",
        f"**{lec.section}**, {kind.lower()}, item {lec.index_in_section} of {lec.section_size} in this section "
        f"(course item {lec.number} of {len(lectures)}) &nbsp; [![Open In Colab]({BADGE})]({url})",
        "",
        nav_line(lectures, i),
        "",
        "## Learning goals",
        "",
        *[f"- {g}" for g in lec.goals],
    ]
    if lec.challenge:
        lines += [
            "",
            "> **Code challenge.** Read the task, write your answer in the workspace and run its checks, "
            "and only then open the **Solution** section below (it starts collapsed).",
        ]
    return "\n".join(lines)


def footer_source(data, lectures, i):
    # a challenge's footer opens with a heading: the collapsed solution section ends there, so the
    # navigation stays in sight (JupyterLab, Colab and the site all end a section at the next heading)
    return (
        ("## Where next\n\n" if lectures[i].challenge else "---\n\n") + nav_line(lectures, i) + "\n\n"
        f"<small>This course follows the lecture course *{data['follows']}*; "
        '"the original course" in the text means that course and its lecture of the same name.</small>'
    )


def stamped_cells(data, lectures, i):
    head = nbformat.v4.new_markdown_cell(header_source(data, lectures, i), metadata={"tags": ["dudl-header"]})
    commit = data["release_commit"]
    source = SETUP.format(repo=data["repository"], release=data["release"], commit=commit, short=commit[:7])
    setup = nbformat.v4.new_code_cell(source, metadata={"tags": ["dudl-setup"]})
    foot = nbformat.v4.new_markdown_cell(footer_source(data, lectures, i), metadata={"tags": ["dudl-footer"]})
    return head, setup, foot
