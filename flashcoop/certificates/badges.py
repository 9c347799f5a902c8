"""Open Badges documents of a certificate, built from its snapshot.

2.0 (hosted verification): the Assertion at its own URL, its BadgeClass (one per certificate, so
that its alignment carries this holder's competences and levels as issued) and the structure's
Issuer Profile. 3.0: the same achievement as a W3C Verifiable Credential (OpenBadgeCredential),
signed as a compact JWS by the structure's Ed25519 key (see signing.py).

Recipient: salted SHA-256 of the member's e-mail when they gave one, else of their stable
`urn:uuid:` identifier (content.recipient) — never in clear.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flashcoop.certificates.content import grouped, in_language
from flashcoop.certificates.issuing import verify_url
from flashcoop.certificates.models import Certificate
from flashcoop.certificates.pdf import long_date
from flashcoop.core.settings import Settings

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

# Texts of the badge documents, in the certificate's language (they are data, not pages).
TEXTS = {
    "fr": {
        "name": "Certificat de compétences · {cohort}",
        "description": (
            "A fait vivre la coopérative éphémère « {cohort} » ({activity}), portée par "
            "{structure}, du {starts} au {ends}."
        ),
        "criteria": (
            "Avoir participé à la coopérative éphémère et suivi les ateliers "
            "(seuil de présence fixé par la structure, ou décision motivée de l'animateur·rice) ; "
            "niveaux de compétences évalués par l'animateur·rice."
        ),
        "evidence": "{hours} h d'ateliers suivies.",
        "worked": "Travaillée en ateliers",
    },
    "en": {
        "name": "Skills certificate · {cohort}",
        "description": (
            "Ran the short-lived cooperative “{cohort}” ({activity}), supported by {structure}, "
            "from {starts} to {ends}."
        ),
        "criteria": (
            "Took part in the short-lived cooperative and attended its workshops (attendance "
            "threshold set by the structure, or a facilitator's reasoned decision); skill levels "
            "assessed by the facilitator."
        ),
        "evidence": "{hours} h of workshops attended.",
        "worked": "Worked on in workshops",
    },
}


def base(settings: Settings) -> str:
    return settings.base_url.rstrip("/")


def assertion_url(settings: Settings, certificate_id: object) -> str:
    return f"{base(settings)}/badges/assertions/{certificate_id}"


def badge_class_url(settings: Settings, certificate_id: object) -> str:
    return f"{base(settings)}/badges/classes/{certificate_id}"


def issuer_url(settings: Settings, organisation_id: object) -> str:
    return f"{base(settings)}/badges/issuers/{organisation_id}"


def image_url(settings: Settings) -> str:
    return f"{base(settings)}/badges/image.svg"


def credential_url(settings: Settings, certificate_id: object) -> str:
    return f"{base(settings)}/badges/credentials/{certificate_id}"


def keys_url(settings: Settings, organisation_id: object) -> str:
    return f"{base(settings)}/badges/keys/{organisation_id}.json"


def zulu(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _texts(certificate: Certificate) -> dict[str, str]:
    c = certificate.content
    words = TEXTS.get(certificate.language, TEXTS["fr"])
    values = {
        "cohort": c.get("cohort", ""),
        "activity": c.get("activity", ""),
        "structure": c.get("structure", ""),
        "starts": long_date(c.get("starts_on", ""), certificate.language),
        "ends": long_date(c.get("ends_on", ""), certificate.language),
        "hours": f"{round(int(c.get('minutes') or 0) / 60, 1):g}",
    }
    return {key: text.format(**values) for key, text in words.items()}


def alignments(certificate: Certificate, settings: Settings) -> list[dict[str, str]]:
    """One alignment per competence on the certificate; its URL is the competence's line on
    the verification page, its description the level reached."""
    language = certificate.language
    framework = in_language(certificate.content.get("framework", {}).get("name"), language)
    worked = _texts(certificate)["worked"]
    page = verify_url(settings, certificate.id)
    found = []
    for group in grouped(certificate.content, language):
        for item in group["items"]:
            found.append(
                {
                    "targetName": item["label"],
                    "targetUrl": f"{page}#competence-{item['code']}",
                    "targetDescription": item["level_label"] or worked,
                    "targetFramework": framework,
                    "targetCode": item["code"],
                }
            )
    return found


def assertion(certificate: Certificate, settings: Settings) -> dict[str, Any]:
    """The Open Badges 2.0 hosted Assertion."""
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_url(settings, certificate.id),
        "recipient": dict(certificate.content["recipient"]),
        "badge": badge_class_url(settings, certificate.id),
        "verification": {"type": "hosted"},
        "issuedOn": zulu(certificate.issued_at),
        "evidence": [
            {
                "id": verify_url(settings, certificate.id),
                "narrative": _texts(certificate)["evidence"],
            }
        ],
    }


def revoked(certificate: Certificate, settings: Settings) -> dict[str, Any]:
    """What a revoked assertion answers, with 410 Gone (Open Badges 2.0, hosted verification)."""
    return {
        "id": assertion_url(settings, certificate.id),
        "revoked": True,
        "revocationReason": certificate.revocation_reason,
    }


def badge_class(certificate: Certificate, settings: Settings) -> dict[str, Any]:
    """The Open Badges 2.0 BadgeClass of this certificate."""
    texts = _texts(certificate)
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(settings, certificate.id),
        "name": texts["name"],
        "description": texts["description"],
        "image": image_url(settings),
        "criteria": {"narrative": texts["criteria"]},
        "issuer": issuer_url(settings, certificate.content["structure_id"]),
        "alignment": alignments(certificate, settings),
        "tags": ["flashcoop", "entrepreneurship"],
    }


def issuer_profile(organisation_id: int, name: str, settings: Settings) -> dict[str, Any]:
    """The structure's Open Badges 2.0 Issuer Profile (no contact data)."""
    return {
        "@context": OB2_CONTEXT,
        "type": "Profile",
        "id": issuer_url(settings, organisation_id),
        "name": name,
        "url": base(settings) + "/",
    }


def credential(certificate: Certificate, settings: Settings) -> dict[str, Any]:
    """The Open Badges 3.0 OpenBadgeCredential (unsigned: signing.sign_jws wraps it)."""
    texts = _texts(certificate)
    c = certificate.content
    recipient = c["recipient"]
    return {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": credential_url(settings, certificate.id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": texts["name"],
        "issuer": {
            "id": issuer_url(settings, c["structure_id"]),
            "type": ["Profile"],
            "name": c.get("structure", ""),
            "url": base(settings) + "/",
        },
        "validFrom": zulu(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": recipient["identity"],
                    "identityType": "emailAddress"
                    if recipient["type"] == "email"
                    else "identifier",
                    "hashed": True,
                    "salt": recipient["salt"],
                }
            ],
            "achievement": {
                "id": badge_class_url(settings, certificate.id),
                "type": ["Achievement"],
                "name": texts["name"],
                "description": texts["description"],
                "criteria": {"narrative": texts["criteria"]},
                "image": {"id": image_url(settings), "type": "Image"},
                "alignment": [
                    {"type": ["Alignment"], **line} for line in alignments(certificate, settings)
                ],
            },
        },
        "evidence": [
            {
                "id": verify_url(settings, certificate.id),
                "type": ["Evidence"],
                "narrative": texts["evidence"],
            }
        ],
    }
