"""Shared by the check_all.py scripts: run `./kiln verify --json` on an exported
model and turn its answer into a row of a results table."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KILN = os.environ.get("KILN", os.path.join(ROOT, "kiln"))  # another launcher or jar wrapper
TOLERANCE = 1e-4  # max |kiln - ref| <= TOLERANCE * max(1, max |ref|)


def exported(base, script, args):
    """Runs the export `script args` unless base.onnx and its saved output exist; returns base.json."""
    if not (os.path.exists(base + ".onnx") and os.path.exists(base + ".output.bin")):
        subprocess.run([sys.executable, script] + args, check=True, stdout=subprocess.DEVNULL)
    with open(base + ".json") as f:
        return json.load(f)


def verify(model, inp, ref, dims=()):
    """Kiln against ONNX Runtime and the saved PyTorch output `ref` on input `inp`.

    Returns {"passed", "ort", "torch", "max_ref"} with relative errors, or {"error": line}."""
    cmd = [KILN, "verify", model, "--input", inp, "--reference", ref, "--json",
           "--tolerance", str(TOLERANCE)]
    for d in dims:
        cmd += ["--dim", d]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 3):
        lines = (p.stderr.strip() or p.stdout.strip() or f"exit code {p.returncode}").splitlines()
        return {"error": lines[-1]}
    result = json.loads(p.stdout)
    row = {"passed": result["passed"]}
    for c in result["comparisons"]:
        key = "ort" if c["reference"] == "onnxruntime" else "torch"
        row[key] = c["maxAbsDiff"] / max(1.0, c["maxAbsRef"])
        row["max_ref"] = c["maxAbsRef"]
    return row


def cells(row):
    """(max |ref|, error vs PyTorch, error vs ONNX Runtime, result) as table cells."""
    if "error" in row:
        return "–", "–", "–", "error: " + row["error"].replace("|", "\\|")
    return (f"{row['max_ref']:.2f}", f"{row.get('torch', float('nan')):.1e}",
            f"{row.get('ort', float('nan')):.1e}", "passed" if row["passed"] else "**FAILED**")


def status(row):
    """One word (or the error) for the progress line."""
    if "error" in row:
        return "error: " + row["error"]
    return "passed" if row["passed"] else "FAILED"
