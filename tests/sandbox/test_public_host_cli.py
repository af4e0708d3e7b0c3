"""`python -m sandbox --public-host ADDRESS` (issue 16, "Serve a room"): the printed topology's
URLs use that address, and the sandbox answers there."""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import urlsplit

import requests

from tests.conftest import ROOT

ROOM_HOST = "127.0.0.2"  # a loopback address that is not the default


def test_the_topology_printed_for_a_room_links_to_its_public_host():
    process = subprocess.Popen([sys.executable, "-m", "sandbox", "--port", "0", "--public-host", ROOM_HOST],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        topology = json.loads(process.stdout.readline())
        urls = [topology["endpoint"], topology["jwks_url"], topology["domain"], *topology["apis"].values()]
        assert {urlsplit(url).hostname for url in urls} == {ROOM_HOST}
        assert requests.get(topology["jwks_url"], timeout=5).json()["keys"]
    finally:
        process.terminate()
        process.wait(timeout=10)
