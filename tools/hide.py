"""What a notebook keeps hidden until the learner opens it: a code challenge's solution and every
exploration's answer. JupyterLab keeps their headings collapsed (jp-MarkdownHeadingCollapsed), Colab lists
them in metadata.colab.collapsed_sections (by cell id), and the website hides their sections behind a
button (assets/site/solution.js). tools/stamp.py applies this to every notebook.
"""

import re

COLAB_TITLE = "#@title"
SOLUTION_ID = "solution"  # the cell id of a challenge's '## Solution' heading
ANSWER = "#### Our answer"  # a cell holding only this heading opens an exploration's answer
PROMPT = re.compile(r"### Exploration (\d+)\b")


def is_solution_heading(cell):
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith("## Solution")


def is_answer_heading(cell):
    return cell.cell_type == "markdown" and cell.source.strip() == ANSWER


def result_cell(nb):
    """The lecture's result cell: the code cell that prints its one-line 'Result: ...' summary (the last
    such cell; in a challenge it stays visible inside the opened solution). None if there is none."""
    found = [c for c in nb.cells if c.cell_type == "code" and "Result: " in c.source]
    return found[-1] if found else None


def collapse_answers(nb):
    """Give every '#### Our answer' heading the id answer-N (N: its exploration's number) and collapse it.
    Returns the ids, in order."""
    ids, number = [], None
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        prompt = PROMPT.match(cell.source.lstrip())
        if prompt:
            number = prompt.group(1)
        elif is_answer_heading(cell):
            if number is None:
                raise ValueError(f"an '{ANSWER}' heading with no '### Exploration N' before it")
            cell.id = f"answer-{number}"
            cell.metadata["jp-MarkdownHeadingCollapsed"] = True
            ids.append(cell.id)
            number = None  # one answer per exploration
    return ids


def collapse_solution(nb, challenge=True):
    """Hide a challenge's whole solution until the learner opens it: everything from its '## Solution'
    heading to the footer (prose, code, printed numbers, figures, the explorations and their answers).
    Inside the opened section, code cells start with their code hidden (JupyterLab: jupyter.source_hidden;
    Colab: a form with a #@title), except the result cell. For a lecture (challenge=False) all of it is
    removed. Returns nothing; collapse_answers and the metadata are set by hide()."""
    inside = False
    result = result_cell(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            inside = challenge and is_solution_heading(cell)
            if inside:
                cell.id = SOLUTION_ID
                cell.metadata["jp-MarkdownHeadingCollapsed"] = True
            else:
                cell.metadata.pop("jp-MarkdownHeadingCollapsed", None)
        if cell.cell_type != "code" or cell is result or "dudl-setup" in cell.metadata.get("tags", []):
            continue
        if inside and not cell.source.startswith(COLAB_TITLE):  # Colab hides a form cell's code under its title
            cell.source = f"{COLAB_TITLE} Solution (click to show the code)\n" + cell.source
        if not inside and cell.source.startswith(COLAB_TITLE):
            cell.source = cell.source.split("\n", 1)[1] if "\n" in cell.source else ""
        if inside:
            cell.metadata["jupyter"] = {"source_hidden": True}
            cell.metadata["cellView"] = "form"
        else:
            cell.metadata.pop("jupyter", None)
            cell.metadata.pop("cellView", None)


def hide(nb, challenge):
    """Collapse a challenge's solution and every answer, in JupyterLab's and Colab's metadata."""
    collapse_solution(nb, challenge)
    sections = ([SOLUTION_ID] if challenge else []) + collapse_answers(nb)
    if sections:
        nb.metadata["colab"] = {"collapsed_sections": sections}
    else:
        nb.metadata.pop("colab", None)
