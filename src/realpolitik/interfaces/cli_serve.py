"""``realpolitik serve``: the what-if web app on this machine.

Register with the main app::

    app.command("serve")(serve_command)

Loads the scenario, simulates its baseline once, binds 127.0.0.1 (unless
``--host`` says otherwise; ``--port 0`` picks a free port), prints the
page's address and serves until Ctrl+C.  The web framework is an optional
extra; without it the command says in one line how to install it and exits
with code 2.
"""

from __future__ import annotations

from typing import Annotated, NoReturn

import typer

from realpolitik.interfaces.app.settings import DEFAULT_DRAWS
from realpolitik.interfaces.cli_common import MAX_DRAWS, MAX_SEED, MIN_DRAWS, fail, terminal

__all__ = ["INSTALL_HINT", "serve_command"]

INSTALL_HINT = 'the what-if app needs its optional extra: python3 -m pip install "realpolitik[app]"'


def _fail(message: str) -> NoReturn:
    fail(message)


def _check_extra() -> None:
    """Stop with the install hint when FastAPI or uvicorn is missing."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        _fail(INSTALL_HINT)


def serve_command(
    scenario: Annotated[str | None, typer.Argument(
        help="A scenario YAML file, or a built-in scenario's name. Default: syria-2019.")] = None,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on. The default, 127.0.0.1, lets only this machine "
                       "in; 0.0.0.0 opens the app to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(
        "--port", min=0, max=65535, help="Port to listen on (0: any free port).")] = 8000,
    draws: Annotated[int, typer.Option(
        "--draws", "-n", min=MIN_DRAWS, max=MAX_DRAWS,
        help="Simulated futures per ensemble.")] = DEFAULT_DRAWS,
    seed: Annotated[int, typer.Option("--seed", min=0, max=MAX_SEED,
                                   help="Seed of every ensemble.")] = 0,
) -> None:
    """Open a what-if web app: change numbers and levers, see forecasts and survival move."""
    _check_extra()
    from realpolitik.interfaces.app.api import create_app
    from realpolitik.interfaces.app.server import address, bind, is_loopback, serve
    from realpolitik.interfaces.app.service import WhatIfService
    from realpolitik.interfaces.app.settings import AppSettings
    from realpolitik.interfaces.app.state import BaseScenario
    from realpolitik.scenario.errors import ScenarioError

    try:
        base = BaseScenario.load(scenario)
    except ScenarioError as error:
        _fail(error.render())
    console = terminal()
    console.print(f"simulating the baseline of {base.scenario.scenario.id} "
                  f"({draws:,} draws)...", highlight=False)
    service = WhatIfService(base, AppSettings(draws=draws, seed=seed))
    try:
        sock = bind(host, port)
    except OSError as error:
        _fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
    if not is_loopback(host):
        console.print(f"[yellow]warning:[/] listening on {host}: anyone who can reach this "
                      "machine can use the app", highlight=False)
    console.print(f"realpolitik what-if app for {base.scenario.scenario.id}: "
                  f"{address(sock)}  (Ctrl+C to stop)", highlight=False, soft_wrap=True)
    serve(create_app(service), sock)
