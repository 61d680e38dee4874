"""Run a batch on Ray: the same unit of work as `budget-extract batch`, spread by Ray.

    pip install -e '.[ray]'
    python examples/ray_batch.py ../shared/corpus/pdf -o ray-out        # local mode
    RAY_ADDRESS=ray://head:10001 python examples/ray_batch.py INPUT... -o OUT   # a cluster

`pipeline.batch.process_one(path, settings)` is a pure function of the file and the
settings, so Ray only has to run it where the file is readable; results are written by the
driver with the same keys and atomic writes as `budget-extract batch`, so the two can
resume each other's runs and the combined tables come out the same.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import ray

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.batch import Batch, Progress, Settings, expand_inputs, process_one
from pipeline.defaults import DEFAULT_EXTRACTOR


@ray.remote
def _remote(path: str, settings: Settings) -> dict:
    return process_one(path, settings)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("-o", "--out", required=True, type=Path)
    ap.add_argument("--extractor", default=DEFAULT_EXTRACTOR, choices=["rules", "llm", "auto"])
    args = ap.parse_args()

    ray.init()  # local mode unless RAY_ADDRESS points at a cluster
    batch = Batch(args.out, Settings(extractor=args.extractor), quiet=True)
    files = expand_inputs(args.inputs)
    prog = Progress(total=len(files))
    todo = {}
    for f, key, finished in batch.plan(files):
        if key is None or finished:
            prog.done += 1
            prog.skipped += finished
            continue
        todo[_remote.remote(str(f), batch.settings)] = (f, key)
    while todo:
        ready, _ = ray.wait(list(todo), num_returns=1)
        f, key = todo.pop(ready[0])
        batch.store(f, key, ray.get(ready[0]), prog)
    summary = batch.finish(files, 0.0, prog)
    print((args.out / "summary.md").read_text(encoding="utf-8"))
    ray.shutdown()
    return 0 if summary["documents"] else 2


if __name__ == "__main__":
    raise SystemExit(main())
