"""The reference docs as a reference: every page dated and indexed, sandbox remarks kept in "In the
lab" callouts, Japanese paragraphs without stray spaces, and every "Try it in the lab" claim run
against a real sandbox, so that docs and lab cannot drift apart.

A claim the lab reproduces carries a link whose title names a check and the outcome the docs state:

    [Try it in the lab](/api_gateway "lab: rest-profile-access-token = 401")

`LAB_CHECKS` maps each check to a function that performs the behaviour against the sandbox (boto3
and requests over real HTTP, as the lab talks to AWS) and returns the observed outcome as text.
The test fails when the docs' outcome and the sandbox's differ, when a page uses an unknown check,
when a check is used nowhere, or when the two languages carry different claims.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import jwt
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from flows import docs_links
from tests.sandbox.helpers import claims, expired, sign_in, unsigned_client

DOCS = Path(__file__).resolve().parents[2] / "docs"
LANGUAGES = ("en", "ja")
LAST_CHECKED = {"en": "Last checked against AWS: 2026-12-04", "ja": "AWS のドキュメントとの最終確認日：2026-12-04"}
CALLOUT = {"en": ("> **In the lab:**", "> **Not in the lab:**"), "ja": ("> **ラボでは：**", "> **ラボでは再現できません：**")}
SANDBOX_WORDS = {"en": re.compile(r"\bsandbox", re.IGNORECASE), "ja": re.compile(r"サンドボックス|ラボ")}
# The generated glossary and the memo (which cites the lab per statement) are not leg pages.
LEG_PAGES = ("sign-in.md", "tokens.md", "identity-pools.md", "api-gateway.md", "security.md")
LAB_LINK = re.compile(r"\]\((/[a-z_]*) \"lab: ([a-z0-9-]+) = ([^\"]+)\"\)")
JAPANESE = r"\u3040-\u30ff\u4e00-\u9fff"
# "。 " or "、 " inside a paragraph, or a space between two Japanese characters: what a source line
# wrapped in the middle of Japanese text renders as.
SPACE_BETWEEN_SENTENCES = re.compile(rf"[。、：！？] |[）」] (?=[{JAPANESE}])|[{JAPANESE}] [{JAPANESE}]")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _read(lang: str, name: str) -> str:
    return (DOCS / lang / name).read_text(encoding="utf-8")


def _pages(lang: str) -> list[Path]:
    return sorted((DOCS / lang).glob("*.md"))


def _prose_lines(markdown: str) -> list[tuple[int, str]]:
    """(line number, text) of each line outside fenced code blocks."""
    lines, fence = [], False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if _FENCE.match(line):
            fence = not fence
        elif not fence:
            lines.append((number, line))
    return lines


def _paragraphs(markdown: str) -> list[str]:
    """Each paragraph as a Markdown renderer shows it: soft line breaks become spaces."""
    paragraphs, current = [], []
    for _, line in _prose_lines(markdown):
        text = line.lstrip("> ").strip()
        if not text or text.startswith(("|", "#")):  # a blank line, a table row or a heading ends it
            paragraphs.append(" ".join(current))
            current = []
        elif text.startswith(("- ", "* ")) or re.match(r"\d+\. ", text):  # a list item starts one
            paragraphs.append(" ".join(current))
            current = [text]
        else:
            current.append(text)
    return [p for p in paragraphs + [" ".join(current)] if p]


# --- structure -------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_says_when_it_was_last_checked(lang: str) -> None:
    for path in _pages(lang):
        assert LAST_CHECKED[lang] in path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_index_links_every_page(lang: str) -> None:
    index = _read(lang, "index.md")
    linked = {link.target.partition("#")[0] for link in docs_links.links(index)}
    assert {path.name for path in _pages(lang)} - {"index.md"} <= linked


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", LEG_PAGES)
def test_sandbox_remarks_stay_in_lab_callouts(lang: str, name: str) -> None:
    """AWS facts and lab behaviour are told apart: the sandbox is named only inside a callout."""
    for number, line in _prose_lines(_read(lang, name)):
        if SANDBOX_WORDS[lang].search(line) and not line.startswith(">"):
            assert "](/" in line and "lab:" in line, f"{name}:{number}: {line[:80]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_leg_pages_have_callouts_diagrams_and_examples(lang: str) -> None:
    for name in ("sign-in.md", "tokens.md", "identity-pools.md", "api-gateway.md"):
        text = _read(lang, name)
        assert CALLOUT[lang][0] in text and CALLOUT[lang][1] in text, name
        assert "```mermaid\nsequenceDiagram" in text, name
        for language in ("bash", "python", "yaml"):
            assert f"```{language}\n" in text, (name, language)


@pytest.mark.parametrize("name", sorted(path.name for path in _pages("en")))
def test_both_languages_have_the_same_headings(name: str) -> None:
    english = [h.level for h in docs_links.headings(_read("en", name))]
    japanese = [h.level for h in docs_links.headings(_read("ja", name))]
    assert english == japanese


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_link_and_anchor_resolves(lang: str) -> None:
    assert docs_links.check_links(DOCS / lang) == []


# --- Japanese --------------------------------------------------------------------------------

def test_space_check_catches_a_wrapped_japanese_line() -> None:
    wrapped = "トークンを返します。\nこのページでは、\n説明します。\n"
    assert [SPACE_BETWEEN_SENTENCES.search(p) is not None for p in _paragraphs(wrapped)] == [True]
    assert not any(SPACE_BETWEEN_SENTENCES.search(p) for p in _paragraphs("返します。このページでは API を説明します。\n"))


@pytest.mark.parametrize("name", sorted(path.name for path in _pages("ja")))
def test_no_japanese_paragraph_has_a_space_between_sentences(name: str) -> None:
    for paragraph in _paragraphs(_read("ja", name)):
        match = SPACE_BETWEEN_SENTENCES.search(paragraph)
        assert match is None, f"{name}: …{paragraph[max(0, match.start() - 30):match.end() + 30]}…"


def test_japanese_uses_awss_terms() -> None:
    for path in _pages("ja"):
        text = path.read_text(encoding="utf-8")
        # AWS's Japanese documentation says 更新トークン; "リフレッシュトークン" appears once, to introduce it.
        assert text.count("リフレッシュトークン") <= 1, path.name


# --- "Try it in the lab" claims ---------------------------------------------------------------

def _lab_claims(lang: str) -> list[tuple[str, str, str, str]]:
    """(page, dashboard page, check, stated outcome) of every lab link, in order."""
    found = []
    for path in _pages(lang):
        for match in LAB_LINK.finditer(path.read_text(encoding="utf-8")):
            found.append((path.name, match[1], match[2], match[3]))
    return found


def _status(topology: dict[str, Any], api: str, path: str, token: str | None) -> str:
    headers = {"Authorization": token} if token else {}
    return str(requests.get(topology["apis"][api] + path, headers=headers, timeout=5).status_code)


def _error(call: Callable[[], Any]) -> str:
    try:
        call()
    except ClientError as error:
        return f"{error.response['Error']['Code']}: {error.response['Error']['Message']}"
    return "no error"


def _machine_token(topology: dict[str, Any]) -> str:
    machine = topology["clients"]["machine"]
    response = requests.post(topology["domain"] + "/oauth2/token", data={"grant_type": "client_credentials"},
                             auth=(machine["client_id"], machine["client_secret"]), timeout=5)
    return response.json()["access_token"]


def _signed_out(topology: dict[str, Any], username: str) -> dict[str, str]:
    tokens = sign_in(topology, username)
    unsigned_client(topology, "cognito-idp").global_sign_out(AccessToken=tokens["AccessToken"])
    return tokens


def _logins(topology: dict[str, Any], token: str, https: bool = False) -> dict[str, str]:
    issuer = topology["issuer"] if https else topology["issuer"].removeprefix("https://")
    return {issuer: token}


def _get_id(topology: dict[str, Any], logins: dict[str, str]) -> str:
    identity = unsigned_client(topology, "cognito-identity")
    return _error(lambda: identity.get_id(IdentityPoolId=topology["identity_pool_id"], Logins=logins))


def _jwt_verifies(topology: dict[str, Any], token: str) -> str:
    """What a local JWT check (signature, expiry, issuer) says: it cannot know about revocation."""
    key = jwt.PyJWKClient(topology["jwks_url"]).get_signing_key_from_jwt(token)
    jwt.decode(token, key.key, algorithms=["RS256"], issuer=topology["issuer"], options={"verify_aud": False})
    return "valid"


def _refresh_keeps_auth_time(topology: dict[str, Any]) -> str:
    tokens = sign_in(topology, "carol")
    refreshed = unsigned_client(topology, "cognito-idp").initiate_auth(
        ClientId=topology["clients"]["public"]["client_id"], AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})["AuthenticationResult"]
    same = claims(refreshed["IdToken"])["auth_time"] == claims(tokens["IdToken"])["auth_time"]
    return "same auth_time" if same else "new auth_time"


def _refresh_grant(topology: dict[str, Any]) -> str:
    tokens = sign_in(topology, "carol")
    response = requests.post(topology["domain"] + "/oauth2/token", timeout=5, data={
        "grant_type": "refresh_token", "refresh_token": tokens["RefreshToken"],
        "client_id": topology["clients"]["public"]["client_id"]})
    return f"{response.status_code} " + " ".join(sorted(response.json()))


def _unknown_user(topology: dict[str, Any]) -> str:
    idp = unsigned_client(topology, "cognito-idp")
    return _error(lambda: idp.initiate_auth(
        ClientId=topology["clients"]["public"]["client_id"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "nobody-here", "PASSWORD": "Wrong-passw0rd!"}))


def _basic_flow_token_issuer(topology: dict[str, Any]) -> str:
    identity = unsigned_client(topology, "cognito-identity")
    logins = _logins(topology, sign_in(topology, "alice")["IdToken"])
    identity_id = identity.get_id(IdentityPoolId=topology["identity_pool_id"], Logins=logins)["IdentityId"]
    token = identity.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    return claims(token)["iss"]


def _enhanced_flow_role(topology: dict[str, Any], username: str) -> str:
    identity = unsigned_client(topology, "cognito-identity")
    logins = _logins(topology, sign_in(topology, username)["IdToken"])
    identity_id = identity.get_id(IdentityPoolId=topology["identity_pool_id"], Logins=logins)["IdentityId"]
    credentials = identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    sts = _sts_with(topology, credentials)
    return sts.get_caller_identity()["Arn"].split("/")[1].rsplit("-", 1)[-1].lower()


def _sts_with(topology: dict[str, Any], credentials: dict[str, Any]) -> Any:
    return boto3.client("sts", endpoint_url=topology["endpoint"], region_name=topology["region"],
                        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretKey"],
                        aws_session_token=credentials["SessionToken"])


def _mistrusted_role(topology: dict[str, Any]) -> str:
    identity = unsigned_client(topology, "cognito-identity")
    logins = _logins(topology, sign_in(topology, "alice")["IdToken"])
    identity_id = identity.get_id(IdentityPoolId=topology["identity_pool_id"], Logins=logins)["IdentityId"]
    token = identity.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    sts = unsigned_client(topology, "sts")
    return _error(lambda: sts.assume_role_with_web_identity(
        RoleArn=topology["roles"]["mistrusted"], RoleSessionName="docs", WebIdentityToken=token)).split(":")[0]


def _claim_names(topology: dict[str, Any]) -> str:
    tokens = sign_in(topology, "alice")
    id_claims, access_claims = claims(tokens["IdToken"]), claims(tokens["AccessToken"])
    return (f"id: aud={'aud' in id_claims} client_id={'client_id' in id_claims}; "
            f"access: aud={'aud' in access_claims} client_id={'client_id' in access_claims}")


def _kids(topology: dict[str, Any]) -> str:
    tokens = sign_in(topology, "alice")
    same = jwt.get_unverified_header(tokens["IdToken"])["kid"] == jwt.get_unverified_header(tokens["AccessToken"])["kid"]
    return "same kid" if same else "different kids"


def _userinfo(topology: dict[str, Any]) -> str:
    token = sign_in(topology, "alice")["AccessToken"]
    response = requests.get(topology["domain"] + "/oauth2/userInfo", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    return str(response.status_code)


def _challenge(topology: dict[str, Any], username: str) -> str:
    user = next(u for u in topology["users"] if u["username"] == username)
    response = unsigned_client(topology, "cognito-idp").initiate_auth(
        ClientId=topology["clients"]["public"]["client_id"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": user["password"]})
    return response.get("ChallengeName", "tokens")


def _unconfirmed_user(topology: dict[str, Any]) -> str:
    return _error(lambda: sign_in(topology, "dave"))


def _rest_expired(topology: dict[str, Any]) -> str:
    token = expired(topology, sign_in(topology, "alice")["IdToken"])
    response = requests.get(topology["apis"]["rest"] + "/profile", headers={"Authorization": token}, timeout=5)
    return f"{response.status_code} {response.json()['message']}"


def _iam_signed(topology: dict[str, Any], username: str) -> str:
    """GET /iam signed with SigV4 for execute-api, with the user's identity-pool credentials."""
    identity = unsigned_client(topology, "cognito-identity")
    logins = _logins(topology, sign_in(topology, username)["IdToken"])
    identity_id = identity.get_id(IdentityPoolId=topology["identity_pool_id"], Logins=logins)["IdentityId"]
    issued = identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    url = topology["apis"]["rest"] + "/iam"
    request = AWSRequest(method="GET", url=url)
    credentials = Credentials(issued["AccessKeyId"], issued["SecretKey"], issued["SessionToken"])
    SigV4Auth(credentials, "execute-api", topology["region"]).add_auth(request)
    return str(requests.get(url, headers=dict(request.headers), timeout=5).status_code)


def _iam_unsigned(topology: dict[str, Any]) -> str:
    response = requests.get(topology["apis"]["rest"] + "/iam", timeout=5)
    return f"{response.status_code} {response.json()['message']}"


LAB_CHECKS: dict[str, Callable[[dict[str, Any]], str]] = {
    # api-gateway.md: which token each authorizer takes
    "rest-profile-id-token": lambda t: _status(t, "rest", "/profile", sign_in(t, "alice")["IdToken"]),
    "rest-profile-access-token": lambda t: _status(t, "rest", "/profile", sign_in(t, "alice")["AccessToken"]),
    "rest-items-id-token": lambda t: _status(t, "rest", "/items", sign_in(t, "alice")["IdToken"]),
    "rest-items-native-access-token": lambda t: _status(t, "rest", "/items", sign_in(t, "alice")["AccessToken"]),
    "rest-items-m2m-access-token": lambda t: _status(t, "rest", "/items", _machine_token(t)),
    "rest-profile-bearer-prefix": lambda t: _status(t, "rest", "/profile", "Bearer " + sign_in(t, "alice")["IdToken"]),
    "http-profile-id-token": lambda t: _status(t, "http", "/profile", sign_in(t, "alice")["IdToken"]),
    "http-profile-access-token": lambda t: _status(t, "http", "/profile", sign_in(t, "alice")["AccessToken"]),
    "http-items-id-token": lambda t: _status(t, "http", "/items", sign_in(t, "alice")["IdToken"]),
    "rest-iam-unsigned": _iam_unsigned,
    "rest-iam-signed-alice": lambda t: _iam_signed(t, "alice"),
    "rest-iam-signed-bob": lambda t: _iam_signed(t, "bob"),
    "rest-profile-expired-token": _rest_expired,
    # sign-in.md and tokens.md
    "native-access-token-scope": lambda t: claims(sign_in(t, "alice")["AccessToken"])["scope"],
    "unknown-user-error": _unknown_user,
    "unconfirmed-user-error": _unconfirmed_user,
    "new-password-challenge": lambda t: _challenge(t, "erin"),
    "totp-challenge": lambda t: _challenge(t, "frank"),
    "refresh-keeps-auth-time": _refresh_keeps_auth_time,
    "refresh-token-grant": _refresh_grant,
    "userinfo-native-access-token": _userinfo,
    "m2m-token-has-no-username": lambda t: str("username" in claims(_machine_token(t))).lower(),
    "aud-versus-client-id": _claim_names,
    "two-signing-keys": _kids,
    # security.md: what revocation can't do
    "signed-out-get-user": lambda t: _error(lambda: unsigned_client(t, "cognito-idp").get_user(
        AccessToken=_signed_out(t, "bob")["AccessToken"])),
    "signed-out-token-local-check": lambda t: _jwt_verifies(t, _signed_out(t, "bob")["AccessToken"]),
    "signed-out-http-api": lambda t: _status(t, "http", "/profile", _signed_out(t, "bob")["AccessToken"]),
    # identity-pools.md
    "identity-pool-access-token": lambda t: _get_id(t, _logins(t, sign_in(t, "alice")["AccessToken"])),
    "identity-pool-https-key": lambda t: _get_id(t, _logins(t, sign_in(t, "alice")["IdToken"], https=True)),
    "basic-flow-token-issuer": _basic_flow_token_issuer,
    "enhanced-flow-role-alice": lambda t: _enhanced_flow_role(t, "alice"),
    "enhanced-flow-role-bob": lambda t: _enhanced_flow_role(t, "bob"),
    "mistrusted-role": _mistrusted_role,
}


def test_both_languages_make_the_same_lab_claims() -> None:
    english = sorted(claim[1:] for claim in _lab_claims("en"))
    japanese = sorted(claim[1:] for claim in _lab_claims("ja"))
    assert english == japanese


def test_every_lab_claim_names_a_known_check_and_every_check_is_claimed() -> None:
    used = {claim[2] for claim in _lab_claims("en")}
    assert used == set(LAB_CHECKS)


@pytest.mark.parametrize(("page", "check", "stated"),
                         sorted({(c[0], c[2], c[3]) for c in _lab_claims("en")}))
def test_lab_claim_holds_on_the_sandbox(topology: dict[str, Any], page: str, check: str, stated: str) -> None:
    assert LAB_CHECKS[check](topology) == stated, f"{page} says {check} = {stated}"
