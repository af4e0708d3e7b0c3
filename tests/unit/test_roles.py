"""Role resolution explained step by step (aws-facts.md §4.4), and the identity leg's messages."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flows import i18n
from flows.roles import explain_role
from tests.conftest import ROOT


def _pool(mapping):
    return {"Roles": {"authenticated": "arn:aws:iam::1:role/Default", "unauthenticated": "arn:aws:iam::1:role/Guest"},
            "RoleMappings": {"idp/pool:client": mapping} if mapping else {}}


def test_explain_role_token_mapping_steps():
    # aws-facts.md §4.4 Token: CustomRoleArn in / not in cognito:roles, preferred role, ambiguous.
    claims = {"aud": "client", "cognito:roles": ["arn:r/A", "arn:r/B"], "cognito:preferred_role": "arn:r/A"}
    pool = _pool({"Type": "Token", "AmbiguousRoleResolution": "Deny"})
    assert explain_role(claims, pool, "idp/pool", "arn:r/B").role_arn == "arn:r/B"
    assert explain_role(claims, pool, "idp/pool", "arn:r/C").refused
    assert explain_role(claims, pool, "idp/pool").role_arn == "arn:r/A"
    tie = {k: v for k, v in claims.items() if k != "cognito:preferred_role"}
    assert explain_role(tie, pool, "idp/pool").refused
    lenient = _pool({"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"})
    assert explain_role(tie, lenient, "idp/pool").role_arn == "arn:aws:iam::1:role/Default"


def test_explain_role_rules_in_order_and_not_equal_on_a_missing_claim():
    # aws-facts.md §4.4 Rules: in order, first match wins; NotEqual on a missing claim is not evaluated.
    rules = [{"Claim": "custom:team", "MatchType": "NotEqual", "Value": "x", "RoleARN": "arn:r/Team"},
             {"Claim": "email", "MatchType": "StartsWith", "Value": "bob@", "RoleARN": "arn:r/Bob"},
             {"Claim": "cognito:groups", "MatchType": "Contains", "Value": "admins", "RoleARN": "arn:r/Admins"},
             {"Claim": "email", "MatchType": "Equals", "Value": "alice@example.com", "RoleARN": "arn:r/Alice"}]
    pool = _pool({"Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole", "RulesConfiguration": {"Rules": rules}})
    alice = {"aud": "client", "email": "alice@example.com", "cognito:groups": ["admins"]}
    explained = explain_role(alice, pool, "idp/pool")
    assert explained.role_arn == "arn:r/Admins"
    assert [n.key for n in explained.reasons] == ["role.mapping", "role.rule.skipped", "role.rule.no_match",
                                                  "role.rule.matched"]
    assert explain_role({"aud": "client"}, pool, "idp/pool").role_arn == "arn:aws:iam::1:role/Default"


def test_explain_role_guest_and_no_mapping():
    assert explain_role(None, _pool(None), "idp/pool").role_arn == "arn:aws:iam::1:role/Guest"
    assert explain_role({"aud": "other"}, _pool(None), "idp/pool").role_arn == "arn:aws:iam::1:role/Default"


def test_every_new_message_key_exists_in_both_languages():
    # Keys built at run time (role.rule.<outcome>) escape the catalogue test's scan: listed here.
    sources = "".join((ROOT / "flows" / name).read_text(encoding="utf-8") for name in ("identity.py", "roles.py", "api.py"))
    keys = set(re.findall(r"""["']((?:meaning|note|role)\.[a-z_.]+)["']""", sources))
    keys |= {f"role.rule.{outcome}" for outcome in ("matched", "no_match", "missing", "skipped")}
    for lang in ("en", "ja"):
        assert sorted(k for k in keys if not k.endswith(".") and k not in i18n.catalogue(lang)) == [], lang
    en, ja = (json.loads(Path(ROOT / "flows" / "locales" / lang / "identity.json").read_text(encoding="utf-8"))
              for lang in ("en", "ja"))
    assert en.keys() == ja.keys()
