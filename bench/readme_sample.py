"""Regenerate the README's sample summary from a real run, or check that it matches.

    python bench/readme_sample.py           # rewrite the block in README.md
    python bench/readme_sample.py --check   # exit 1 if the README's block is stale

The block is the one opening with the sample document's summary line; the run is the
README's `make demo` command (`budget-extract SAMPLE -o putuo.json`) in a scratch folder.
Only the time line may differ when checking.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT.parent / "shared" / "corpus" / "pdf" / "shanghai-putuo-finance-2024-final-account.pdf"
README = ROOT / "README.md"
TIME_LINE = re.compile(r"^  time: .*$", re.M)


def real_summary() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, "-m", "pipeline.cli", str(SAMPLE), "-o", "putuo.json"],
                              cwd=tmp, capture_output=True, text=True, check=True,
                              env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return proc.stdout.rstrip("\n")


def readme_block(text: str) -> re.Match[str]:
    m = re.search(rf"```\n({re.escape(SAMPLE.name)}: .*?)\n```", text, re.S)
    if m is None:
        raise SystemExit(f"README.md has no block opening with '{SAMPLE.name}: '")
    return m


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the README's block is stale")
    args = ap.parse_args()
    text = README.read_text(encoding="utf-8")
    block = readme_block(text)
    now = real_summary()
    if args.check:
        same = TIME_LINE.sub("", block.group(1)) == TIME_LINE.sub("", now)
        print("README sample matches a real run" if same else "README sample is stale:\n" + now)
        return 0 if same else 1
    README.write_text(text[:block.start(1)] + now + text[block.end(1):], encoding="utf-8")
    print(f"README sample regenerated ({now.count(chr(10)) + 1} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
