"""Response time of the what-if app to single changes on the flagship scenario.

Each change is new (a number the app has not seen in that state), so every
answer reruns the static forecast of every engine and one ensemble of the
app's default number of draws.  Prints the median and 95th percentile of the
response times, and in the same run a reference: the time of one
``simulate_ensemble`` call of the same size (and of ``forecast_static``),
with the ratio of the median response to it.

Usage: python benchmarks/bench_app.py [--quick] [--changes N] [--draws N] [--server]

``--server`` sends the changes over HTTP to a real server on 127.0.0.1
instead of FastAPI's TestClient.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np

from realpolitik.analysis.static import forecast_static
from realpolitik.interfaces.app.api import create_app
from realpolitik.interfaces.app.results import DEFAULT_DRAWS, AppSettings
from realpolitik.interfaces.app.server import BackgroundServer
from realpolitik.interfaces.app.service import WhatIfService
from realpolitik.interfaces.app.state import BaseScenario
from realpolitik.simulation import simulate_ensemble

TARGET_SECONDS = 1.0


def changes(count: int) -> list[dict]:
    """Distinct single changes, cycling over a salience, a position range and a hazard."""
    made = []
    for i in range(count):
        kind = i % 3
        if kind == 0:
            made.append({"path": "stances.iran_military_presence.israel.salience",
                         "value": f"{0.2 + 0.005 * i:.3f}"})
        elif kind == 1:
            made.append({"path": "stances.iran_military_presence.iran.position",
                         "low": f"{60 + 0.1 * i:.1f}", "high": "95"})
        else:
            made.append({"path": "dynamics.shocks[0].hazard",
                         "low": "0.01", "high": f"{0.03 + 0.001 * i:.3f}"})
    return made


def timed(function, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def client_for(app, server: BackgroundServer | None):
    if server is not None:
        import httpx

        return httpx.Client(base_url=server.url.rstrip("/"), timeout=30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    return TestClient(app)


def response_times(client, count: int) -> list[float]:
    session = client.post("/api/sessions", json={}).json()["form"]["session"]
    times = []
    for body in changes(count):
        start = time.perf_counter()
        answer = client.post(f"/api/sessions/{session}/numbers", json=body)
        times.append(time.perf_counter() - start)
        if answer.status_code != 200:
            raise SystemExit(f"change refused: {answer.status_code} {answer.text}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few changes only")
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--draws", type=int, default=DEFAULT_DRAWS)
    parser.add_argument("--server", action="store_true", help="a real server on 127.0.0.1")
    args = parser.parse_args()
    count = 6 if args.quick else args.changes

    base = BaseScenario.load("syria-2019")
    service = WhatIfService(base, AppSettings(draws=args.draws))
    app = create_app(service)
    server = BackgroundServer(app).__enter__() if args.server else None
    try:
        client = client_for(app, server)
        client.post("/api/sessions", json={})  # warm-up
        times = np.array(response_times(client, count))
    finally:
        if server is not None:
            server.stop()
    ensemble = timed(lambda: simulate_ensemble(base.scenario, draws=args.draws, seed=0),
                     3 if args.quick else 7)
    static = timed(lambda: forecast_static(base.scenario), 3 if args.quick else 7)

    median, p95 = float(np.median(times)), float(np.percentile(times, 95))
    reference = statistics.median(ensemble)
    via = f"HTTP to {server.url}" if server is not None else "FastAPI TestClient"
    print(f"what-if app on syria-2019, {args.draws} draws per ensemble, {count} single "
          f"changes ({via})")
    print(f"response time: median {median * 1000:.0f} ms, 95th percentile "
          f"{p95 * 1000:.0f} ms, max {times.max() * 1000:.0f} ms")
    print(f"reference: one simulate_ensemble ({args.draws} draws) {reference * 1000:.0f} ms; "
          f"forecast_static (4 engines) {statistics.median(static) * 1000:.0f} ms")
    print(f"ratio median response / one ensemble: {median / reference:.1f}")
    print(f"95th percentile under {TARGET_SECONDS:g} s: {'yes' if p95 < TARGET_SECONDS else 'no'}")


if __name__ == "__main__":
    main()
