"""Build the per-phantom sample cache (cache.py) before training, or in the background.

    npm run phantoms:cache -- --count 300 [--heldout 60] [--workers 2]
    cd training && /usr/bin/python3 -m models.build_cache --count 300 --workers 2

Generates the training seeds [0, count) and the held-out seeds [1000000, 1000000 + heldout)
and writes, per phantom, the localizer grid and the detector's straightened images with their
targets (not the full-resolution volume unless --keep-volumes). Resumable: entries already
there are skipped, each file is written atomically, so it can be stopped at any time, run
again, or run beside a training command (which builds what is still missing itself).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from .cache import DEFAULT_SAMPLES, PREP_VERSION, ensure_entries
from .data import heldout_seeds, train_seeds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--count", type=int, required=True, help="training phantoms (seeds 0 … count-1)")
    p.add_argument("--heldout", type=int, default=60, help="held-out phantoms (seeds 1000000 …)")
    p.add_argument("--workers", type=int, default=2, help="processes (one core each)")
    p.add_argument("--cache", type=Path, default=DEFAULT_SAMPLES, help="cache root (default .cache/samples at the repository root, or $SPINELENS_CACHE/samples)")
    p.add_argument("--generator", default=None, metavar="MODULE:FUNCTION", help="another generate(seed, preset) (smoke tests)")
    p.add_argument("--keep-volumes", type=Path, default=None, metavar="DIR", help="also keep the full-resolution phantoms there (70-270 MB each)")
    args = p.parse_args()
    seeds = list(train_seeds(args.count)) + list(heldout_seeds(args.heldout))
    print(f"sample cache {PREP_VERSION}: {args.count} training + {args.heldout} held-out phantoms", flush=True)
    ensure_entries(args.cache, args.generator, seeds, workers=args.workers, keep_volumes=args.keep_volumes, label="phantoms:cache")


if __name__ == "__main__":
    main()
