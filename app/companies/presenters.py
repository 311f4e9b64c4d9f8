"""Companies as IXON shows them (plain dicts). ``default_branding`` is the operator's default
branding domain (`IXON_DEFAULT_BRANDING`), which a company's own branding is laid over."""

from __future__ import annotations

from typing import Any

from app.brandings.presenters import own_branding
from app.companies.models import Company
from app.core.clock import iso


def company(company: Company, default_branding: str) -> dict[str, Any]:
    return {
        "publicId": company.public_id,
        "name": company.name,
        "custom": company.custom or {},
        "branding": own_branding(company, default_branding),
        "customTermsOfUse": company.custom_terms_of_use,
        "customPrivacyStatement": company.custom_privacy_statement,
    }


def my_company(company_: Company, default_branding: str) -> dict[str, Any]:
    data = company(company_, default_branding) | {
        "defaultUserInviteLanguage": company_.default_user_invite_language,
        "supportAccessExpiresOn": None,
        "appOwnerName": company_.app_owner_name,
        "createdOn": iso(company_.created_on),
        "requireDedicatedRscServer": False,
        "requireDedicatedMdrServer": False,
        "loggingTrialUsed": False,
        "alarmingTrialUsed": False,
    }
    if company_.country is not None:  # IXON's schema has no null country
        data["country"] = company_.country
    return data
