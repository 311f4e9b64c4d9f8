from __future__ import annotations

from typing import Any

from app.companies.models import Company
from app.core.clock import iso


def company(company: Company) -> dict[str, Any]:
    return {
        "publicId": company.public_id,
        "name": company.name,
        "custom": company.custom or {},
        "branding": company.branding,
        "customTermsOfUse": company.custom_terms_of_use,
        "customPrivacyStatement": company.custom_privacy_statement,
    }


def my_company(company_: Company) -> dict[str, Any]:
    data = company(company_) | {
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
