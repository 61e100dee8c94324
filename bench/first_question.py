"""How long the first question after start-up takes, with and without the warm-up the server does.

Run: ``python bench/first_question.py [--home DIR]``. Each mode runs in a fresh process (so the embedding
model and the index metadata are loaded from scratch, as after a server start): "cold" asks at once, "warm"
calls ``Curbside.warm_up()`` first, as the API does before ``/readyz`` reports ready. The table shows the time
to open the index, the warm-up, the first question and a second one (the steady state, the baseline).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUESTIONS = (
    "What is the first-line treatment for a gout flare?",
    "Should statins be used for primary prevention in adults aged 40 to 75?",
)


def _one_run(home: str, warm: bool, questions: tuple[str, str]) -> dict[str, float]:
    from dataclasses import replace

    from answer.service import Curbside
    from curbside.settings import Settings

    service = Curbside(replace(Settings(), home=Path(home)), build_default=False, progress=False)
    t0 = time.perf_counter()
    _ = service.index
    t1 = time.perf_counter()
    if warm:
        service.warm_up()
    t2 = time.perf_counter()
    service.ask(questions[0])
    t3 = time.perf_counter()
    service.ask(questions[1])
    t4 = time.perf_counter()
    return {"open_s": t1 - t0, "warm_up_s": t2 - t1, "first_s": t3 - t2, "second_s": t4 - t3}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=None, help="data directory holding the index (default: settings)")
    parser.add_argument("--child", choices=["cold", "warm"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.home is None:
        from curbside.settings import Settings

        args.home = str(Settings().home)
    if args.child:
        print(json.dumps(_one_run(args.home, args.child == "warm", QUESTIONS)))
        return 0
    rows = {}
    for mode in ("cold", "warm"):
        out = subprocess.run(
            [sys.executable, __file__, "--home", args.home, "--child", mode],
            check=True, capture_output=True, text=True,
        ).stdout
        rows[mode] = json.loads(out.strip().splitlines()[-1])
    print(f"index: {args.home}")
    print("| start-up | open index s | warm-up s | first question s | second question s (baseline) |")
    print("|---|---|---|---|---|")
    for mode, r in rows.items():
        cells = f"{r['open_s']:.2f} | {r['warm_up_s']:.2f} | {r['first_s']:.3f} | {r['second_s']:.3f}"
        print(f"| {mode} | {cells} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
