"""Export every LowFormer variant full size at opset 13 and 17 (and B1 with a
dynamic batch axis), check each with `./kiln verify` against PyTorch's logits and
ONNX Runtime, and write the results table into docs/lowformer.md.

    /usr/bin/python3 examples/lowformer/check_all.py            # all of them (about 20 minutes)
    /usr/bin/python3 examples/lowformer/check_all.py --variant b0 --opset 13 --no-doc

Needs Debian's python3-torch and python3-onnx (run with /usr/bin/python3) and a
JDK; `./kiln` builds itself. Exits 1 if any check fails.
"""
import argparse
import datetime
import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kilncheck import ROOT, TOLERANCE, cells, exported, status, verify  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT = os.path.join(HERE, "export", "export.py")
DOC = os.path.join(ROOT, "docs", "lowformer.md")
VARIANTS = ["b0", "b1", "b15", "b2", "b3", "e1", "e2", "e3"]
NAMES = {"b15": "B1.5"}


def export(variant, opset, out, dynamic="none", batch=1):
    stem = f"lowformer_{variant}_op{opset}" + ("_dynbatch" if dynamic == "batch" else "")
    base = os.path.join(out, stem)
    return base, exported(base, EXPORT, ["--variant", variant, "--opset", str(opset), "--dynamic", dynamic,
                                         "--batch", str(batch), "--out", out])


def first_of_batch(base, meta):
    """Input and PyTorch output of the first image of a saved batch (images are independent)."""
    n = meta["input_shape"][0]
    out = {}
    for kind in ("input", "output"):
        with open(f"{base}.{kind}.bin", "rb") as f:
            data = f.read()
        path = f"{base}.{kind}.batch1.bin"
        with open(path, "wb") as f:
            f.write(data[:len(data) // n])
        out[kind] = path
    return out["input"], out["output"]


def check(args):
    rows = []
    cases = [(v, o, "none", 1) for v in args.variant for o in args.opset]
    if args.dynamic:
        cases += [("b1", 17, "batch", 1), ("b1", 17, "batch", 2)]
    for variant, opset, dynamic, batch in cases:
        base, meta = export(variant, opset, args.out, dynamic, 2 if dynamic == "batch" else 1)
        inp, ref = f"{base}.input.bin", f"{base}.output.bin"
        dims = []
        if dynamic == "batch":
            dims = [f"batch={batch}"]
            if batch == 1:
                inp, ref = first_of_batch(base, meta)
        row = verify(base + ".onnx", inp, ref, dims)
        row.update(variant=NAMES.get(variant, variant.upper()), opset=opset, batch=batch,
                   dynamic=dynamic, params=meta["params"], macs=meta["macs"],
                   size=os.path.getsize(base + ".onnx"))
        rows.append(row)
        print(f"{row['variant']:5} opset {opset} batch {batch}{' (dynamic)' if dynamic != 'none' else ''}: "
              f"{status(row)} vs PyTorch {row.get('torch', float('nan')):.2e} vs ONNX Runtime {row.get('ort', float('nan')):.2e}",
              flush=True)
    return rows


def markdown(rows):
    lines = [
        "# LowFormer end to end",
        "",
        "Every LowFormer variant, exported full size by PyTorch with seeded random weights",
        "(`examples/lowformer/export/export.py`), compiled by Kiln's `java` back end and run by",
        "`./kiln verify` on PyTorch's saved input (the path of `./kiln run`: the real emitter,",
        "in-process javac, the generated class). The error is max |kiln − reference| /",
        f"max(1, max |reference|); a check passes when it is at most {TOLERANCE:g} against both",
        "PyTorch and ONNX Runtime.",
        "",
        "Written by `/usr/bin/python3 examples/lowformer/check_all.py` on "
        f"{datetime.date.today().isoformat()} ({platform.machine()}, Python {platform.python_version()}).",
        "",
        "| Variant | Opset | Batch | Params | MMACs | ONNX file | max \\|logit\\| | vs PyTorch | vs ONNX Runtime | Result |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        batch = f"{r['batch']} (dynamic axis)" if r["dynamic"] == "batch" else str(r["batch"])
        max_ref, torch_err, ort_err, result = cells(r)
        lines.append(f"| {r['variant']} | {r['opset']} | {batch} | {r['params'] / 1e6:.2f} M | {r['macs'] / 1e6:.0f} "
                     f"| {r['size'] / 1e6:.0f} MB | {max_ref} | {torch_err} | {ort_err} | {result} |")
    lines += ["", "MMACs are per image at 224×224, counted as ARCHITECTURE.md counts them.", ""]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--variant", action="append", choices=VARIANTS)
    p.add_argument("--opset", type=int, action="append", choices=[13, 17])
    p.add_argument("--out", default=os.path.join(ROOT, "target", "lowformer-all"))
    p.add_argument("--no-doc", action="store_true", help="do not write docs/lowformer.md")
    args = p.parse_args()
    args.dynamic = not args.variant and not args.opset
    args.variant = args.variant or VARIANTS
    args.opset = args.opset or [13, 17]
    rows = check(args)
    if not args.no_doc:
        with open(DOC, "w") as f:
            f.write(markdown(rows))
        print(f"wrote {DOC}")
    ok = all(r.get("passed") for r in rows)
    print(f"lowformer: {sum(bool(r.get('passed')) for r in rows)} of {len(rows)} passed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
