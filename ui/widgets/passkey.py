"""The browser's own passkey prompt, as a small Streamlit component (issue 22).

`st.components.v1.html` cannot send a value back, so this is a bidirectional component declared
from a local folder (`passkey_frontend/index.html`, plain JavaScript, no build step). Its button
runs `navigator.credentials.create` (registration) or `.get` (sign-in) with the options the user
pool returned, and hands the credential back as WebAuthn's JSON (RegistrationResponseJSON or
AuthenticationResponseJSON). The component is served from the dashboard's own origin, so the
browser checks the passkey against the dashboard's host: the relying party the sandbox seeds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import streamlit.components.v1 as components

_PROMPT = components.declare_component("passkey_prompt", path=str(Path(__file__).parent / "passkey_frontend"))


def passkey_prompt(mode: Literal["create", "get"], options: Any, nonce: str, label: str,
                   key: str) -> dict[str, Any] | None:
    """The browser's answer for this `nonce` (a credential or an error), or None before the click."""
    value = _PROMPT(mode=mode, options=options, nonce=nonce, label=label, key=key, default=None)
    return value if isinstance(value, dict) and value.get("nonce") == nonce else None
