"""The web API of the what-if app (FastAPI): a thin front over :class:`WhatIfService`.

Routes (every body and answer is JSON, except the page and the export):

* ``GET /``: the page (HTML, with its style and script inlined);
* ``POST /api/sessions``: start a session for a browser tab, optionally as
  a copy of an earlier one (``{"copy_of": id}``); answers the form (the
  editable numbers and levers) and the results;
* ``GET /api/sessions/{id}``: the same for an existing session;
* ``POST /api/sessions/{id}/numbers``: change one number
  (``{"path", "value"}`` or ``{"path", "low", "high"}``; ``"reset": true``
  gives it back its written value); answers the new results, or 422 with
  ``{"errors": {path: message}}``, keeping the session's other changes;
* ``POST /api/sessions/{id}/levers``: ``{"id", "on", "start"}``;
* ``POST /api/sessions/{id}/reset``: drop every change;
* ``GET /api/sessions/{id}/export``: the what-if scenario as a YAML download;
* ``POST /api/sessions/{id}/jobs/levers``: rank the levers in the background;
  ``GET /api/jobs/{job}`` follows it and ``DELETE /api/jobs/{job}`` cancels it.

An unknown or forgotten session answers 404; anything unexpected answers 500
with a one-line reason, and the server carries on.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from realpolitik.interfaces.app.jobs import UnknownJob
from realpolitik.interfaces.app.numbers import FieldProblem
from realpolitik.interfaces.app.page import page_html
from realpolitik.interfaces.app.service import UnknownSession, WhatIfService

__all__ = ["create_app"]

Typed = str | float | None


class NewSession(BaseModel):
    """Body of ``POST /api/sessions``."""

    copy_of: str | None = None


class NumberInput(BaseModel):
    """Body of ``POST /api/sessions/{id}/numbers``: what was typed into one field."""

    path: str
    value: Typed = None
    low: Typed = None
    high: Typed = None
    mode: Typed = None
    reset: bool = False


class LeverInput(BaseModel):
    """Body of ``POST /api/sessions/{id}/levers``."""

    id: str
    on: bool = False
    start: str | None = None


def _problem(_: Request, error: FieldProblem) -> JSONResponse:
    return JSONResponse({"errors": {error.field: error.message}}, status_code=422)


def _unknown(_: Request, error: UnknownSession | UnknownJob) -> JSONResponse:
    what = "session" if isinstance(error, UnknownSession) else "job"
    return JSONResponse({"detail": f"unknown or expired {what}; reload the page to start "
                                   "a new one"}, status_code=404)


def _bad_request(_: Request, error: RequestValidationError) -> JSONResponse:
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                         for e in error.errors())
    return JSONResponse({"errors": {"request": problems}}, status_code=422)


def _unexpected(_: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": f"internal error: {type(error).__name__}: {error}"},
                        status_code=500)


def create_app(service: WhatIfService) -> FastAPI:
    """The FastAPI application serving the page and the API over ``service``."""
    app = FastAPI(title="realpolitik what-if", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.exception_handler(FieldProblem)(_problem)
    app.exception_handler(UnknownSession)(_unknown)
    app.exception_handler(UnknownJob)(_unknown)
    app.exception_handler(RequestValidationError)(_bad_request)
    app.exception_handler(Exception)(_unexpected)
    page = page_html()

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return page

    @app.post("/api/sessions")
    def new_session(body: NewSession | None = None) -> dict[str, Any]:
        session = service.new_session(body.copy_of if body else None)
        return {"form": service.form(session), "results": service.results(session)}

    @app.get("/api/sessions/{session_id}")
    def get_session(session_id: str) -> dict[str, Any]:
        session = service.session(session_id)
        return {"form": service.form(session), "results": service.results(session)}

    @app.post("/api/sessions/{session_id}/numbers")
    def change_number(session_id: str, body: NumberInput) -> dict[str, Any]:
        raw = body.model_dump(include={"value", "low", "high", "mode"})
        return service.change_number(service.session(session_id), body.path, raw,
                                     reset=body.reset)

    @app.post("/api/sessions/{session_id}/levers")
    def set_lever(session_id: str, body: LeverInput) -> dict[str, Any]:
        return service.set_lever(service.session(session_id), body.id, body.on, body.start)

    @app.post("/api/sessions/{session_id}/reset")
    def reset(session_id: str) -> dict[str, Any]:
        return service.reset(service.session(session_id))

    @app.get("/api/sessions/{session_id}/export")
    def export(session_id: str) -> Response:
        name, text = service.export(service.session(session_id))
        return Response(text, media_type="application/x-yaml; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.post("/api/sessions/{session_id}/jobs/levers")
    def rank_levers(session_id: str) -> dict[str, Any]:
        return service.start_ranking(service.session(session_id)).to_dict()

    @app.get("/api/jobs/{job_id}")
    def job_status(job_id: str) -> dict[str, Any]:
        return service.jobs.get(job_id).to_dict()

    @app.delete("/api/jobs/{job_id}")
    def cancel_job(job_id: str) -> dict[str, Any]:
        return service.jobs.cancel(job_id).to_dict()

    return app
