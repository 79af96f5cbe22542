"""Swagger UI at ``/api/ui``, from the assets of the ``swagger-ui-bundle-v2``
package: nothing is fetched from a CDN, so the page works offline.

Only the small HTML page is ours; it points Swagger UI at ``/openapi.json``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

UI_PATH = "/api/ui"

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Mason API</title>
  <link rel="icon" type="image/png" href="{ui}/favicon-32x32.png">
  <link rel="stylesheet" href="{ui}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{ui}/swagger-ui-bundle.js"></script>
  <script src="{ui}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "{spec}",
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
      validatorUrl: null,
      persistAuthorization: true
    }});
  </script>
</body>
</html>
"""


def assets_dir() -> Path | None:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    path = Path(swagger_ui_path)
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def mount_ui(app: FastAPI, spec_url: str) -> None:
    assets = assets_dir()
    page = PAGE.format(ui=UI_PATH, spec=spec_url)

    @app.get(UI_PATH, include_in_schema=False)
    async def ui_redirect() -> RedirectResponse:
        return RedirectResponse(f"{UI_PATH}/")

    @app.get(f"{UI_PATH}/", include_in_schema=False)
    async def ui_page() -> HTMLResponse:
        if assets is None:
            return HTMLResponse(
                "Swagger UI assets are missing: pip install 'mason-core[server]'", status_code=503
            )
        return HTMLResponse(page)

    if assets is not None:
        app.mount(UI_PATH, StaticFiles(directory=assets), name="swagger-ui")
