"""Export every model of export.py at opset 13 and 17, check each with
`./kiln verify` against ONNX Runtime and PyTorch's logits, and write the results
table into docs/models.md.

    /usr/bin/python3 examples/torchvision/check_all.py                 # all models
    /usr/bin/python3 examples/torchvision/check_all.py --model resnet18 --opset 17 --no-doc

Needs Debian's python3-torch, python3-onnx and python3-torchvision (run with
/usr/bin/python3) and a JDK; `./kiln` builds itself. Exits 1 if any check fails.
"""
import argparse
import datetime
import os
import platform
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kilncheck import ROOT, TOLERANCE, cells, exported, status, verify  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT = os.path.join(HERE, "export.py")
DOC = os.path.join(ROOT, "docs", "models.md")


def models():
    """The models export.py makes, and {model: reason} for those it leaves out."""
    p = subprocess.run([sys.executable, EXPORT, "--list"], check=True, capture_output=True, text=True)
    lines = [line for line in p.stdout.splitlines() if line.strip()]
    excluded = dict(line[2:].split(": ", 1) for line in lines if line.startswith("# "))
    return [line.split()[0] for line in lines if not line.startswith("#")], excluded


def export(name, opset, out):
    base = os.path.join(out, f"{name}_op{opset}")
    return base, exported(base, EXPORT, ["--model", name, "--opset", str(opset), "--out", out])


def markdown(rows, excluded):
    lines = [
        "# Models beyond LowFormer",
        "",
        "torchvision classification models with seeded random weights (BatchNorm statistics",
        "measured on random batches, so that they are not trivial), exported by PyTorch",
        "(`examples/torchvision/export.py`), compiled by Kiln's `java` back end and run by",
        "`./kiln verify` on the saved input. The error is max |kiln − reference| /",
        f"max(1, max |reference|); a check passes when it is at most {TOLERANCE:g} against both",
        "ONNX Runtime and PyTorch.",
        "",
        "Written by `/usr/bin/python3 examples/torchvision/check_all.py` on "
        f"{datetime.date.today().isoformat()} ({platform.machine()}).",
        "",
        "| Model | Opset | Input | Params | Nodes | Ops | max \\|logit\\| | vs PyTorch | vs ONNX Runtime | Result |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        max_ref, torch_err, ort_err, result = cells(r)
        m = r["meta"]
        size = "×".join(str(d) for d in m["input_shape"][2:])
        lines.append(f"| {m['model']} | {m['opset']} | {size} | {m['params'] / 1e6:.1f} M | {m['nodes']} "
                     f"| {', '.join(m['ops'])} | {max_ref} | {torch_err} | {ort_err} | {result} |")
    if excluded:
        lines += ["", "Left out:", ""]
        lines += [f"- {name}: {reason}." for name, reason in excluded.items()]
    lines += ["", "The larger sizes of these families (resnet34/101/152, efficientnet_b1–b7,",
              "vit_l_16, convnext_base, …) export to the same operators; they are left out only to",
              "keep the check's time reasonable.", ""]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", action="append")
    p.add_argument("--opset", type=int, action="append", choices=[13, 17])
    p.add_argument("--out", default=os.path.join(ROOT, "target", "torchvision"))
    p.add_argument("--no-doc", action="store_true", help="do not write docs/models.md")
    args = p.parse_args()
    rows = []
    names, excluded = models()
    for name in args.model or names:
        for opset in args.opset or [13, 17]:
            base, meta = export(name, opset, args.out)
            row = verify(base + ".onnx", base + ".input.bin", base + ".output.bin")
            row["meta"] = meta
            rows.append(row)
            print(f"{name:22} opset {opset}: {status(row)}", flush=True)
    if not args.no_doc:
        with open(DOC, "w") as f:
            f.write(markdown(rows, excluded))
        print(f"wrote {DOC}")
    print(f"models: {sum(bool(r.get('passed')) for r in rows)} of {len(rows)} passed")
    return 0 if all(r.get("passed") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
