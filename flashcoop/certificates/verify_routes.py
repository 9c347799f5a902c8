"""Public, no login: the verification page an employer reaches by scanning a certificate, and
the Open Badges documents (2.0 hosted, 3.0 signed) with the structures' public keys.

Each reads the certificate's snapshot and its revocation as they are now: a revocation shows at
once. Nothing here names a contact or anything beyond what the certificate itself says.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from flashcoop.accounts.models import Organisation
from flashcoop.certificates import badges
from flashcoop.certificates.content import grouped, in_language
from flashcoop.certificates.models import Certificate
from flashcoop.certificates.pdf import hours_label, long_date
from flashcoop.certificates.services import find_public
from flashcoop.certificates.signing import published_keys, sign_for
from flashcoop.core import i18n
from flashcoop.core.errors import NotFound
from flashcoop.core.templating import render_template
from flashcoop.web.api import error_json
from flashcoop.web.auth import settings_of
from flashcoop.web.templating import render

# Anyone may fetch these documents, from any site (badge backpacks, validators).
PUBLIC = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache"}
LD_JSON = "application/ld+json"


def _json(document: dict[str, Any], status: int = 200) -> Response:
    return JSONResponse(document, status_code=status, headers=PUBLIC, media_type=LD_JSON)


def _not_found() -> Response:
    response = error_json(NotFound())
    response.headers.update(PUBLIC)
    return response


async def verify_page(request: Request) -> Response:
    certificate = await find_public(request.path_params["certificate_id"])
    if certificate is None:
        raise NotFound()
    language = i18n.current_language()
    c = certificate.content
    framework = c.get("framework", {})
    context = {
        "certificate": certificate,
        "c": c,
        "groups": grouped(c, language),
        "levels": int(framework.get("levels") or 4),
        "framework_name": in_language(framework.get("name"), language),
        "attribution": in_language(framework.get("attribution"), language),
        "starts_on": long_date(c.get("starts_on", ""), language),
        "ends_on": long_date(c.get("ends_on", ""), language),
        "issued_on": long_date(c.get("issued_on", ""), language),
        "hours": hours_label(int(c.get("minutes") or 0), language),
        "badge_url": badges.assertion_url(settings_of(request), certificate.id),
        "credential_url": badges.credential_url(settings_of(request), certificate.id),
    }
    response = render(request, "certificates/verify.html", context)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Robots-Tag"] = "noindex"  # a person's certificate is not for search
    return response


async def _valid(request: Request) -> Certificate | Response:
    """The certificate named in the path, or the answer instead of it: 404 when unknown, 410
    with the revocation when revoked (as Open Badges says, for both kinds of badge)."""
    certificate = await find_public(request.path_params["certificate_id"])
    if certificate is None:
        return _not_found()
    if certificate.revoked_at is not None:
        return _json(badges.revoked(certificate, settings_of(request)), status=410)
    return certificate


async def assertion(request: Request) -> Response:
    certificate = await _valid(request)
    if isinstance(certificate, Response):
        return certificate
    return _json(badges.assertion(certificate, settings_of(request)))


async def badge_class(request: Request) -> Response:
    certificate = await find_public(request.path_params["certificate_id"])
    if certificate is None:
        return _not_found()
    return _json(badges.badge_class(certificate, settings_of(request)))


async def _issuer(organisation_id: int) -> Organisation | None:
    # Only structures that issued certificates: the profile is not a directory of names.
    if not await Certificate.filter(cohort__structure_id=organisation_id).exists():
        return None
    return await Organisation.get_or_none(id=organisation_id, kind="structure")


async def issuer(request: Request) -> Response:
    found = await _issuer(request.path_params["organisation_id"])
    if found is None:
        return _not_found()
    return _json(badges.issuer_profile(found.id, found.name, settings_of(request)))


async def badge_image(request: Request) -> Response:
    svg = render_template("certificates/badge_image.svg")
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=86400"},
    )


async def credential(request: Request) -> Response:
    certificate = await _valid(request)
    if isinstance(certificate, Response):
        return certificate
    settings = settings_of(request)
    token = await sign_for(
        certificate.content["structure_id"],
        badges.credential(certificate, settings),
        secret_key=settings.secret_key,
        header={"typ": "vc+jwt", "cty": "vc"},
    )
    return Response(token, media_type="application/vc+jwt", headers=PUBLIC)


async def keys(request: Request) -> Response:
    organisation_id = request.path_params["organisation_id"]
    if await _issuer(organisation_id) is None:
        return _not_found()
    return JSONResponse(
        {"keys": await published_keys(organisation_id)},
        headers=PUBLIC,
        media_type="application/jwk-set+json",
    )


routes: list[BaseRoute] = [
    Route("/verify/{certificate_id}", verify_page, methods=["GET"]),
    Route("/badges/assertions/{certificate_id}", assertion, methods=["GET"]),
    Route("/badges/classes/{certificate_id}", badge_class, methods=["GET"]),
    Route("/badges/issuers/{organisation_id:int}", issuer, methods=["GET"]),
    Route("/badges/image.svg", badge_image, methods=["GET"]),
    Route("/badges/credentials/{certificate_id}", credential, methods=["GET"]),
    Route("/badges/keys/{organisation_id:int}.json", keys, methods=["GET"]),
]
