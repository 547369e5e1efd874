"""Worker process of the runner: execute one notebook with Papermill, then render it to HTML.

Run as ``python -m govreport._worker SPEC.json``. Writes ``status.json`` beside the outputs; the parent
process records the evidence. Kept separate so that heavy imports (Papermill, nbconvert and whatever the
notebook imports) and a dying kernel never touch the parent, and a per-notebook timeout can kill the
whole process group.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path


def _cell_error(nb_path: Path) -> str:
    """The failing cell and its error, from the executed notebook Papermill kept."""
    try:
        import nbformat

        nb = nbformat.read(nb_path, as_version=4)
    except Exception:
        return ""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"cell {i}: {out.get('ename')}: {out.get('evalue')}"
    return ""


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    out_dir = Path(spec["output"]).parent
    status_path = out_dir / "status.json"

    from govreport.energy import measure

    meter = measure().start()  # Art. 4: CodeCarbon, imported lazily; never raises

    def done(status: str, error: str = "") -> int:
        energy = meter.stop()  # idempotent; a failed measurement is {"kwh": None, "reason": ...}
        doc = {"status": status, "error": " ".join(error.split())[:2000], "energy": energy}
        tmp = status_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc))
        tmp.replace(status_path)
        return 0 if status == "succeeded" else 1

    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    try:
        pm.execute_notebook(
            spec["template"],
            spec["output"],
            parameters=spec["parameters"],
            kernel_name=spec["kernel"],
            cwd=spec["cwd"],
            progress_bar=False,
            execution_timeout=spec["cell_timeout"],
            request_save_on_cell_execute=True,
        )
    except PapermillExecutionError as e:
        return done("failed", f"cell {e.exec_count}: {e.ename}: {e.evalue}")
    except Exception as e:  # dead kernel, cell timeout, kernel start failure …
        name = type(e).__name__
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        if name == "CellTimeoutError":
            msg = f"a cell exceeded run.cell_timeout ({spec['cell_timeout']} s)"
        elif name == "DeadKernelError":
            msg = "the kernel died while executing the notebook"
        where = _cell_error(Path(spec["output"]))
        return done("failed", f"{name}: {msg}" + (f" ({where})" if where else ""))

    try:
        from govreport.render import render_notebook

        render_notebook(Path(spec["output"]), Path(spec["html"]), title=spec.get("title", ""))
    except Exception as e:
        traceback.print_exc()
        return done("failed", f"rendering HTML failed: {type(e).__name__}: {e}")
    return done("succeeded")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
