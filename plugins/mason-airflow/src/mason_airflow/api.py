"""Airflow 3's REST API (``/api/v2``) over httpx, with its errors as one line.

Authentication is a bearer token: the configured one, or one fetched from the
token endpoint (``POST /auth/token``) with the configured user and password
and fetched again once when the server says it expired. With neither, requests
go without one (an Airflow whose auth manager lets everyone in, as
``simple_auth_manager_all_admins`` does in development).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from mason.sdk.errors import ConfigurationError, MasonRuntimeError, NotFoundError
from mason.sdk.secrets import remember, scrub
from mason_airflow.config import AirflowClientConfig

if TYPE_CHECKING:
    import httpx

#: a read that times out or loses its connection is tried this many times.
READ_ATTEMPTS = 3


class AirflowApi:
    def __init__(self, config: AirflowClientConfig, client_name: str) -> None:
        self.config = config
        self.client_name = client_name
        self.base = config.api_url.rstrip("/")
        self._http: httpx.Client | None = None
        self._token: str | None = config.token.get_secret_value() if config.token else None

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            import httpx

            verify: bool | str = self.config.ca_bundle or self.config.verify_tls
            self._http = httpx.Client(
                base_url=self.base, verify=verify, timeout=self.config.timeout_seconds
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def _where(self, subject: str) -> str:
        return f"airflow client '{self.client_name}': {subject}"

    def _login(self, subject: str) -> None:
        if self.config.username is None or self.config.password is None:
            return
        response = self._send(
            "POST",
            "/auth/token",
            subject,
            json={
                "username": self.config.username,
                "password": self.config.password.get_secret_value(),
            },
        )
        if response.status_code >= 400:
            raise ConfigurationError(
                self._where(
                    f"{subject}: the token endpoint refused user "
                    f"'{self.config.username}' (HTTP {response.status_code})"
                )
            )
        token = response.json().get("access_token")
        if not isinstance(token, str) or not token:
            raise MasonRuntimeError(self._where(f"{subject}: the token endpoint sent no token"))
        remember(token)
        self._token = token

    def _send(self, method: str, path: str, subject: str, **kwargs: Any) -> httpx.Response:
        import httpx

        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        # reads are retried when the server is slow to answer (a busy API server);
        # writes are not, so nothing is done twice
        attempts = READ_ATTEMPTS if method == "GET" else 1
        for attempt in range(1, attempts + 1):
            try:
                return self.http.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                if attempt == attempts:
                    raise MasonRuntimeError(
                        self._where(f"{subject}: cannot reach Airflow at {self.base}: {exc}")
                    ) from None
                time.sleep(attempt)
            except httpx.HTTPError as exc:
                raise MasonRuntimeError(
                    self._where(f"{subject}: cannot reach Airflow at {self.base}: {exc}")
                ) from None
        raise AssertionError("unreachable")

    def call(self, method: str, path: str, subject: str, **kwargs: Any) -> Any:
        """``/api/v2`` + ``path``; the decoded JSON body (``None`` when empty).

        ``subject`` names what is being done to what (``dag 'x'``), so an error
        reads ``airflow client 'airflow': dag 'x': <Airflow's reason> (HTTP 404)``.
        """
        if self._token is None:
            self._login(subject)
        url = "/api/v2" + path
        response = self._send(method, url, subject, **kwargs)
        if response.status_code == 401 and self.config.username is not None:
            self._login(subject)  # the token expired: once more with a new one
            response = self._send(method, url, subject, **kwargs)
        if response.status_code >= 400:
            raise self._error(response, subject)
        if not response.content:
            return None
        return response.json()

    def _error(self, response: httpx.Response, subject: str) -> Exception:
        detail = _detail(response)
        message = self._where(f"{subject}: {detail} (HTTP {response.status_code})")
        if response.status_code == 404:
            return NotFoundError(message)
        if response.status_code in (401, 403):
            return ConfigurationError(
                self._where(
                    f"{subject}: Airflow refused the credentials: {detail} "
                    f"(HTTP {response.status_code})"
                )
            )
        return MasonRuntimeError(message)


def _detail(response: httpx.Response) -> str:
    """Airflow's reason on one line, secrets scrubbed."""
    try:
        body = response.json()
    except ValueError:
        body = response.text
    detail = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(detail, list):  # FastAPI validation errors
        detail = "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
    text = " ".join(str(detail).split()) or response.reason_phrase
    return scrub(text[:500])
