"""User pool feature plans (`UserPoolTier`: LITE, ESSENTIALS, PLUS), as far as the sandbox models them.

- A pool reports its plan: "Defaults to `ESSENTIALS`" [IDP-model UserPoolType.UserPoolTier]. moto
  stores the plan only when it is given, so the sandbox makes the default part of every new pool.
- A pool setting that needs a higher plan is refused with `FeatureUnavailableInTierException`,
  the error the API model documents for CreateUserPool and UpdateUserPool ("You configure a
  feature that your feature plan doesn't support"). The features checked are those with a
  documented plan: pre token generation versions 2 and 3 need Essentials or Plus
  (aws-facts.md §1.6), and threat protection (`AdvancedSecurityMode` AUDIT or ENFORCED) needs
  Plus (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html).
  The message text is UNCONFIRMED: AWS's wording was not found.
"""

from __future__ import annotations

from typing import Any

from sandbox import moto_adapter as moto
from sandbox.errors import FeatureUnavailableInTierException

DEFAULT_TIER = "ESSENTIALS"
_ESSENTIALS_OR_PLUS = ("ESSENTIALS", "PLUS")
_ACCESS_TOKEN_TRIGGERS = ("V2_0", "V3_0")
_THREAT_PROTECTION_MODES = ("AUDIT", "ENFORCED")


def install() -> None:
    """Every pool moto creates from now on reports the default plan. Idempotent."""
    moto.install_user_pool_defaults({"UserPoolTier": DEFAULT_TIER})


def tier_of(pool: moto.MotoUserPool) -> str:
    return str(pool.extended_config.get("UserPoolTier") or DEFAULT_TIER)


def _needs(settings: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    """(feature, the plans that include it) for each plan-bound feature these settings use."""
    needed: list[tuple[str, tuple[str, ...]]] = []
    trigger = ((settings.get("LambdaConfig") or {}).get("PreTokenGenerationConfig") or {})
    if trigger.get("LambdaVersion") in _ACCESS_TOKEN_TRIGGERS:
        needed.append((f"Pre token generation {trigger['LambdaVersion']}", _ESSENTIALS_OR_PLUS))
    if (settings.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode") in _THREAT_PROTECTION_MODES:
        needed.append(("Threat protection", ("PLUS",)))
    return needed


def check_settings(settings: dict[str, Any], current_tier: str | None = None) -> None:
    """Refuse a CreateUserPool / UpdateUserPool body that uses a feature its plan lacks."""
    tier = str(settings.get("UserPoolTier") or current_tier or DEFAULT_TIER)
    for feature, plans in _needs(settings):
        if tier not in plans:
            raise FeatureUnavailableInTierException(
                f"{feature} is not available in the {tier} feature plan.")  # UNCONFIRMED text
