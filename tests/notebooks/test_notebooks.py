"""The notebooks run top to bottom in a kernel of this venv (icskg.open_graph, kg.query_df), and each draws at
least one chart and shows at least one table.

The kernel is started from a kernel spec written into a temporary folder (this interpreter, with
ipykernel), so nothing is registered globally and no other Python is picked up. Notebooks are
committed without outputs; the executed copies live only in memory. The kernel inherits this session's
environment, so the notebooks build into the tests' temporary cache (ICSKG_CACHE_DIR), not the developer's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("notebooks")]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "icskg-test-venv"


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory):
    """A KernelSpecManager that knows one kernel: this interpreter running ipykernel."""
    from jupyter_client.kernelspec import KernelSpecManager

    folder = tmp_path_factory.mktemp("kernels") / KERNEL
    folder.mkdir()
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "icskg tests (venv)",
        "language": "python",
        "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    }
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return KernelSpecManager(kernel_dirs=[str(folder.parent)], ensure_native_kernel=False)


CHECKS_BEFORE = f"""
import json as _json, sys as _sys
_sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
import matplotlib.pyplot as _plt
from figure_checks import problems as _problems
_icskg_figures = []
_icskg_show = _plt.show
def _icskg_checked_show(*args, **kwargs):
    for number in _plt.get_fignums():
        figure = _plt.figure(number)
        titles = [figure._suptitle.get_text() if figure._suptitle else ""] + [ax.get_title() for ax in figure.axes]
        _icskg_figures.append({{"title": next((t for t in titles if t), "(untitled)"), "problems": _problems(figure)}})
    return _icskg_show(*args, **kwargs)
_plt.show = _icskg_checked_show
"""
CHECKS_AFTER = 'print("ICSKG-FIGURES " + _json.dumps(_icskg_figures))'


def execute(path: Path, kernel_specs):
    """Run the notebook with every figure checked as plt.show() draws it (figure_checks.py); the checks come
    back on the executed notebook as `figures` in its metadata."""
    from jupyter_client.manager import KernelManager

    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(CHECKS_BEFORE))
    notebook.cells.append(nbformat.v4.new_code_cell(CHECKS_AFTER))
    manager = KernelManager(kernel_name=KERNEL, kernel_spec_manager=kernel_specs)
    client = nbclient.NotebookClient(
        notebook, km=manager, timeout=120, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError on the first cell that fails
    checks = notebook.cells.pop()
    notebook.cells.pop(0)
    (line,) = [o["text"] for o in checks.outputs if o.get("name") == "stdout"]
    notebook.metadata["figures"] = json.loads(line.split("ICSKG-FIGURES ", 1)[1])
    return notebook


class Executed(dict):
    """Each notebook executed once, on first use, for all the tests that read its outputs (one xdist group,
    so they share a worker)."""

    def __init__(self, kernel_specs):
        super().__init__()
        self.kernel_specs = kernel_specs

    def __missing__(self, stem: str):
        self[stem] = execute(ROOT / "notebooks" / f"{stem}.ipynb", self.kernel_specs)
        return self[stem]


@pytest.fixture(scope="module")
def executed(kernel_specs):
    return Executed(kernel_specs)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_draws_a_chart(path, executed):
    executed = executed[path.stem]
    outputs = [o for cell in executed.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, f"{path.name} draws no chart (no image/png output)"
    tables = [o for o in outputs if "text/html" in o.get("data", {}) and "<table" in o["data"]["text/html"]]
    assert tables, f"{path.name} shows no table"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: clear the outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_chart_is_readable(path, executed):
    """Titles and dates instead of hashed file names, nothing cut, readable fonts and titles, one colour per
    legend entry across panels (figure_checks.py); every chart drawn was checked."""
    notebook = executed[path.stem]
    figures = notebook.metadata["figures"]
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(figures) == len(images) > 0, "every chart is drawn with plt.show(), so that it is checked"
    found = {figure["title"]: figure["problems"] for figure in figures if figure["problems"]}
    assert found == {}
