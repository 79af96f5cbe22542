"""Swagger UI in a real browser: headless Chromium loads /api/ui (assets served
locally), runs ``table list`` with "Try it out" and "Execute", and the test
reads the answer off the page and keeps a screenshot."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from tests.server.browser import chromium
from tests.server.conftest import Live

OPERATION = (
    "[...document.querySelectorAll('.opblock')].find(e => e.querySelector("
    "'[data-path=\"/api/operators/table/list/run\"]'))"
)


def test_table_list_through_swagger_ui(live: Live, tmp_path: Path) -> None:
    infer = live.post(
        "/api/operators/table/infer/run",
        {"parameters": {"storage_path": "data/sales", "database_name": "demo"}},
    )
    assert infer.status_code == 200

    with chromium(f"{live.url}/api/ui") as page:
        page.wait(f"!!{OPERATION}")
        assert page.js("document.title") == "Mason API"
        # every asset came from this server
        sources = page.js(
            "[...document.querySelectorAll('script[src],link[href]')].map(e => e.src || e.href)"
        )
        assert sources and all(s.startswith(live.url) for s in sources), sources

        page.js(f"{OPERATION}.querySelector('button.opblock-summary-control').click()")
        page.wait(f"!!{OPERATION}.querySelector('.try-out__btn')")
        page.js(f"{OPERATION}.querySelector('.try-out__btn').click()")
        page.wait(f"!!{OPERATION}.querySelector('textarea.body-param__text')")
        prefilled = page.js(f"{OPERATION}.querySelector('textarea.body-param__text').value")
        assert json.loads(prefilled) == {"parameters": {"database_name": "database_name"}}

        page.js(
            f"(() => {{ const t = {OPERATION}.querySelector('textarea.body-param__text');"
            " t.focus(); t.select(); })()"
        )
        page.type_text('{"parameters": {"database_name": "demo"}}')
        page.js(f"{OPERATION}.querySelector('button.execute').click()")

        status = page.wait(
            f"{OPERATION}.querySelector('.live-responses-table .response .response-col_status')"
            "?.innerText"
        )
        assert status.strip() == "200"
        shown = page.wait(
            f"{OPERATION}.querySelector('.live-responses-table .response-col_description pre')"
            "?.innerText"
        )
        body = json.loads(shown)
        assert [t["Name"] for t in body["Data"]] == ["sales"]
        assert body["Errors"] == []

        page.js(f"{OPERATION}.scrollIntoView()")
        shot = page.screenshot(tmp_path / "server-ui.png")
    assert shot.stat().st_size > 10_000
    assert shot.read_bytes().startswith(b"\x89PNG")
    # MASON_UI_SCREENSHOT=docs/images/server-ui.png refreshes the docs' image
    if os.environ.get("MASON_UI_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["MASON_UI_SCREENSHOT"])
