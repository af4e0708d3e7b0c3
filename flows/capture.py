"""What crossed the wire, captured where it happens (DESIGN.md).

boto3 clients report through botocore's event hooks (`before-send`, `response-received`);
plain HTTP calls go through a `requests.Session` with a response hook. Nothing is rebuilt by
hand. Passwords are scrubbed at capture time, so they are never stored.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import requests

from flows.redact import mask_body, mask_headers, scrub_passwords


def _text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", errors="replace")
    return body if isinstance(body, str) else str(body)


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: str


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: str


@dataclass(frozen=True)
class Exchange:
    """One HTTP round trip: the request, the response (None if none came) and its timing."""

    label: str
    request: HttpRequest
    response: HttpResponse | None
    elapsed_ms: float
    error: str | None = None

    def masked(self) -> Exchange:
        """The same exchange with secrets masked, for display and export."""
        request = HttpRequest(self.request.method, self.request.url,
                              mask_headers(self.request.headers), mask_body(self.request.body))
        response = None if self.response is None else HttpResponse(
            self.response.status, mask_headers(self.response.headers), mask_body(self.response.body))
        return Exchange(self.label, request, response, self.elapsed_ms, self.error)

    def to_json(self) -> dict[str, Any]:
        response = self.response
        return {
            "label": self.label, "elapsed_ms": round(self.elapsed_ms, 1), "error": self.error,
            "request": {"method": self.request.method, "url": self.request.url,
                        "headers": dict(self.request.headers), "body": self.request.body},
            "response": None if response is None else {
                "status": response.status, "headers": dict(response.headers), "body": response.body},
        }


def _request(method: str, url: str, headers: Any, body: Any) -> HttpRequest:
    pairs = tuple((str(k), _text(v)) for k, v in dict(headers or {}).items())
    return HttpRequest(method, url, pairs, scrub_passwords(_text(body)))


def _response(status: int, headers: Any, body: Any) -> HttpResponse:
    pairs = tuple((str(k), _text(v)) for k, v in dict(headers or {}).items())
    return HttpResponse(status, pairs, scrub_passwords(_text(body)))


@dataclass
class Recorder:
    """Collects the exchanges of one flow step, in order."""

    exchanges: list[Exchange] = field(default_factory=list)
    _pending: dict[int, tuple[HttpRequest, float, str]] = field(default_factory=dict)

    # --- boto3 ---------------------------------------------------------------------------
    def attach(self, client: Any) -> Any:
        """Capture every call this boto3 client makes. Returns the client."""
        client.meta.events.register("before-send.*.*", self._before_send)
        client.meta.events.register("response-received.*.*", self._response_received)
        return client

    def _before_send(self, request: Any, event_name: str, **_: Any) -> None:
        operation = event_name.split(".")[-1]
        captured = _request(request.method, request.url, request.headers, request.body)
        self._pending[id(self)] = (captured, time.perf_counter(), operation)

    def _response_received(self, response_dict: dict[str, Any] | None, exception: Exception | None,
                           **_: Any) -> None:
        pending = self._pending.pop(id(self), None)
        if pending is None:
            return
        request, started, operation = pending
        elapsed = (time.perf_counter() - started) * 1000
        if response_dict is None:
            self.exchanges.append(Exchange(operation, request, None, elapsed, _describe(exception)))
            return
        response = _response(response_dict["status_code"], response_dict["headers"], response_dict["body"])
        self.exchanges.append(Exchange(operation, request, response, elapsed))

    # --- requests ------------------------------------------------------------------------
    def session(self, label: str = "HTTP") -> requests.Session:
        """A requests.Session whose every response lands in this recorder."""
        session = requests.Session()
        session.hooks["response"].append(lambda response, **_: self._record_http(label, response))
        return session

    def _record_http(self, label: str, response: requests.Response) -> None:
        self.record_response(label, response, response.content)

    def record_response(self, label: str, response: requests.Response, body: bytes) -> None:
        """A response whose body the caller read itself (e.g. a capped read of a JWKS)."""
        sent = response.request
        request = _request(sent.method or "GET", sent.url or "", sent.headers, sent.body)
        captured = _response(response.status_code, response.headers, body)
        self.exchanges.append(Exchange(label, request, captured, response.elapsed.total_seconds() * 1000))

    def record_failure(self, label: str, method: str, url: str, error: Exception) -> None:
        """A request that got no response at all (refused, timed out)."""
        self.exchanges.append(Exchange(label, HttpRequest(method, url, (), ""), None, 0.0, _describe(error)))


def _describe(error: Exception | None) -> str:
    return "no response" if error is None else f"{type(error).__name__}: {error}"
