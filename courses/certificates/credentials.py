"""Open Badges 3.0: each certificate is also an `OpenBadgeCredential` (W3C VC Data Model 2.0).

The credential is built at request time from the certificate's **signed snapshot** and nothing
else that can change (the public address aside), so it is deterministic: the same JSON and,
Ed25519 being deterministic, the same VC-JWT every time. Its wording (the criteria's narrative)
is kept here in code, not in the interface catalogs, because it is part of what is signed; change
it only with care (credentials already handed out keep verifying by their signature).

`inspect_text` and `inspect_badge` tell anyone presenting a credential whether it is ours and
still valid; they never raise on what they are given.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from joserfc.errors import JoseError
from joserfc.jws import extract_compact
from sqlalchemy import func, or_, select

from courses.certificates import badge, issuer, services, status_list
from courses.certificates.models import Certificate
from courses.extensions import db
from courses.urls import public_base_url, public_url

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
STATUS_LIST_TTL = 300  # seconds a verifier (or a cache) may keep a status list
LIST_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # validFrom of a list in which nothing changed yet
MAX_TEXT = 100_000
JWS_FORM = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
CODE_IN_URL = re.compile(r"/verify/([^/?#]+)$")

# The criteria, in the course's language: part of the signed credential (see the docstring).
NARRATIVE = {
    "fr": {
        "rule": "Avoir terminé le cours « {title} » ({hours} h) sur Tadbir : chaque module requis lu et validé{quiz}.",
        "quiz": ", les quiz réussis avec au moins {pass_mark} % des points",
        "modules": "Modules et objectifs :",
        "description": "Certificat de formation continue : « {title} », {hours} heures.",
    },
    "ar": {
        "rule": "إتمام الدورة « {title} » ({hours} ساعة) على منصة تدبير: قراءة كل وحدة مطلوبة وإنهاؤها{quiz}.",
        "quiz": "، مع النجاح في الاختبارات بنسبة {pass_mark}٪ على الأقل",
        "modules": "الوحدات والأهداف:",
        "description": "شهادة تكوين مستمر: « {title} »، {hours} ساعة.",
    },
    "en": {
        "rule": "Completed the course “{title}” ({hours} h) on Tadbir: every required module read and finished{quiz}.",
        "quiz": ", quizzes passed with at least {pass_mark}% of the points",
        "modules": "Modules and objectives:",
        "description": "Continuing-education certificate: “{title}”, {hours} hours.",
    },
}


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_list_url(number: int) -> str:
    return public_url("certificates.status_list", number=number)


def badge_url(code: str) -> str:
    return public_url("certificates.badge_image", code=code)


def issuer_profile(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The partnership that issued the certificate (names frozen in the snapshot).

    An Open Badges profile has one `name`: the French names; the Arabic ones are its description.
    """
    institutions = snapshot.get("institutions") or []
    profile = {
        "id": issuer.issuer_id(),
        "type": ["Profile"],
        "name": " · ".join(i["fr"] for i in institutions if i.get("fr")) or "Tadbir",
        "url": public_base_url(),
    }
    arabic = " · ".join(i["ar"] for i in institutions if i.get("ar"))
    if arabic:
        profile["description"] = arabic
    return profile


def _criteria(course: dict[str, Any], facts: dict[str, Any] | None, words: dict[str, str]) -> str:
    hours = f"{course['hours']:g}"
    modules = (facts or {}).get("modules") or []
    quiz = words["quiz"].format(pass_mark=facts["pass_mark"]) if any(m["quiz"] for m in modules) else ""
    lines = [words["rule"].format(title=course["title"], hours=hours, quiz=quiz)]
    if modules:
        lines += ["", words["modules"]]
        for module in modules:
            lines.append(f"- **{module['title']}**")
            lines += [f"  - {objective}" for objective in module["objectives"]]
    return "\n".join(lines)


def achievement(snapshot: dict[str, Any], code: str) -> dict[str, Any]:
    """The course as an Open Badges achievement, as it was when the certificate was issued."""
    course, facts = snapshot["course"], snapshot.get("achievement")
    words = NARRATIVE.get(course.get("language"), NARRATIVE["fr"])
    hours = f"{course['hours']:g}"
    description = (facts or {}).get("summary") or words["description"].format(title=course["title"], hours=hours)
    result = {
        "id": public_url("catalog.course", slug=course["slug"]) + "#certificate",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": course["title"],
        "description": description,
        "criteria": {"narrative": _criteria(course, facts, words)},
        "image": {"id": badge_url(code), "type": "Image", "caption": course["title"]},
        "humanCode": course["slug"],
        "inLanguage": course.get("language") or "fr",
        "version": course.get("content_version") or "",
        "tag": list((facts or {}).get("tags") or []),
    }
    if facts and facts.get("tags"):
        result["fieldOfStudy"] = facts["tags"][0]
    return result


def _identifiers(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    holder, recipient = snapshot["holder"], snapshot.get("recipient")
    identifiers = []
    if recipient:
        identifiers.append({
            "type": "IdentityObject", "identityHash": recipient["identity_hash"], "identityType": "emailAddress",
            "hashed": True, "salt": recipient["salt"],
        })  # fmt: skip
    for name in (holder["name"], holder.get("name_ar")):
        if name:
            identifiers.append(
                {"type": "IdentityObject", "identityHash": name, "identityType": "name", "hashed": False}
            )
    return identifiers


def build(certificate: Certificate) -> dict[str, Any]:
    """The certificate's OpenBadgeCredential (unsigned JSON), from its snapshot."""
    snapshot = certificate.snapshot
    number, index = status_list.position(certificate.id)
    list_url = status_list_url(number)
    return {
        "@context": CONTEXT,
        "id": services.verify_url(certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(snapshot),
        "validFrom": _instant(certificate.issued_at),
        "name": snapshot["course"]["title"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": _identifiers(snapshot),
            "activityEndDate": f"{snapshot['completed_on']}T00:00:00Z",
            "achievement": achievement(snapshot, certificate.code),
        },
        "credentialSchema": [SCHEMA],
        "credentialStatus": {
            "id": f"{list_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": list_url,
        },
    }


def signed(certificate: Certificate) -> str:
    """The credential as a VC-JWT (EdDSA, `kid` in the issuer's DID document)."""
    return issuer.sign(build(certificate))


def baked_badge(certificate: Certificate) -> str:
    """The badge SVG carrying the VC-JWT."""
    return badge.draw(certificate.snapshot, signed(certificate))


def baked_badge_png(certificate: Certificate) -> bytes:
    """The badge PNG carrying the VC-JWT."""
    return badge.draw_png(certificate.snapshot, signed(certificate))


def status_list_credential(number: int) -> dict[str, Any] | None:
    """List `number` as a BitstringStatusListCredential; None past the last certificate's list."""
    last = db.session.scalar(select(func.max(Certificate.id))) or 0
    if number > status_list.position(last)[0]:
        return None
    first = number * status_list.LIST_SIZE
    withdrawn = db.session.execute(
        select(Certificate.id, Certificate.revoked_at, Certificate.replaced_at).where(
            Certificate.id >= first,
            Certificate.id < first + status_list.LIST_SIZE,
            or_(Certificate.revoked_at.is_not(None), Certificate.replaced_at.is_not(None)),
        )
    ).all()
    changed = max((moment for row in withdrawn for moment in row[1:] if moment is not None), default=LIST_EPOCH)
    url = status_list_url(number)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.issuer_id(),
        "validFrom": _instant(changed),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "ttl": STATUS_LIST_TTL * 1000,
            "encodedList": status_list.encode(row[0] - first for row in withdrawn),
        },
    }


@dataclass(frozen=True)
class Check:
    """What a presented credential is: valid | revoked | replaced | altered | not_ours | invalid."""

    state: str
    reasons: tuple[str, ...] = ()
    verification: services.Verification | None = None
    differences: tuple[str, ...] = ()


def inspect_text(text: str) -> Check:
    """Check a pasted VC-JWT or credential JSON."""
    text = (text or "").strip()
    if not text:
        return Check("invalid", ("empty",))
    if len(text) > MAX_TEXT:
        return Check("invalid", ("too_long",))
    if text.startswith("{"):
        try:
            credential = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested past the parser's depth
            return Check("invalid", ("unreadable",))
        return _inspect_credential(credential, signed=False)
    if JWS_FORM.match(text):
        return _inspect_jwt(text)
    return Check("invalid", ("not_a_credential",))


def inspect_badge(data: bytes) -> Check:
    """Check the credential baked into an uploaded badge (SVG or PNG)."""
    try:
        baked = badge.extract(data)
    except badge.UnreadableImage:
        return Check("invalid", ("unreadable_image",))
    if baked is None:
        return Check("invalid", ("no_credential_in_image",))
    return inspect_text(baked)


def _inspect_jwt(token: str) -> Check:
    try:
        header = dict(extract_compact(token.encode()).headers())
    except (JoseError, ValueError, TypeError, AttributeError, RecursionError):
        return Check("invalid", ("unreadable",))
    kid = header.get("kid")
    key = issuer.public_keys().get(kid.rpartition("#")[2]) if isinstance(kid, str) else None
    if key is None or header.get("alg") != issuer.ALGORITHM:
        return Check("not_ours", ("unknown_key",))
    try:
        payload = issuer.verify(token, key).payload
        credential = json.loads(payload)
    except (JoseError, ValueError, TypeError, RecursionError):
        return Check("altered", ("bad_signature",))
    return _inspect_credential(credential, signed=True)


def _dates_problem(credential: dict[str, Any]) -> str | None:
    try:
        valid_from = datetime.fromisoformat(credential["validFrom"])
        valid_until = datetime.fromisoformat(credential["validUntil"]) if "validUntil" in credential else None
    except (KeyError, TypeError, ValueError):
        return "bad_dates"
    if valid_from.tzinfo is None or (valid_until is not None and valid_until.tzinfo is None):
        return "bad_dates"
    now = datetime.now(UTC)
    if valid_until is not None and valid_until < now:
        return "expired"
    return "not_yet_valid" if valid_from > now else None


def _certificate_of(credential_id: Any) -> Certificate | None:
    match = CODE_IN_URL.search(credential_id) if isinstance(credential_id, str) else None
    certificate = services.find(match.group(1)) if match else None
    if certificate is None or services.verify_url(certificate.code) != credential_id:
        return None
    return certificate


def differences(presented: Any, expected: Any, path: str = "") -> list[str]:
    """The fields (dotted paths) where `presented` differs from `expected`."""
    if isinstance(presented, dict) and isinstance(expected, dict):
        found = []
        for key in sorted(set(presented) | set(expected), key=str):
            found += differences(presented.get(key), expected.get(key), f"{path}.{key}" if path else str(key))
        return found
    if isinstance(presented, list) and isinstance(expected, list) and len(presented) == len(expected):
        pairs = enumerate(zip(presented, expected, strict=True))
        return [found for n, (a, b) in pairs for found in differences(a, b, f"{path}[{n}]")]
    return [] if presented == expected else [path or "(credential)"]


def _inspect_credential(credential: Any, signed: bool) -> Check:
    types = credential.get("type") if isinstance(credential, dict) else None
    if "OpenBadgeCredential" not in (types if isinstance(types, list) else [types]):
        return Check("invalid", ("not_a_badge",))
    credential_issuer = credential.get("issuer")
    if isinstance(credential_issuer, dict):
        credential_issuer = credential_issuer.get("id")
    if credential_issuer != issuer.issuer_id():
        return Check("not_ours", ("foreign_issuer",))
    problem = _dates_problem(credential)
    if problem:
        return Check("invalid", (problem,))
    certificate = _certificate_of(credential.get("id"))
    if certificate is None:
        return Check("not_ours", ("unknown_certificate",))
    verification = services.verify(certificate.code)
    if verification.state == "tampered":
        return Check("altered", ("record_altered",), verification)
    if not signed:
        changed = differences(credential, build(certificate))
        if changed:
            return Check("altered", ("differs",), verification, tuple(changed[:10]))
    return Check(verification.state, ("signature_ok",) if signed else ("matches_record",), verification)
