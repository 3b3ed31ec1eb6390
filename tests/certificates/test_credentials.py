"""Open Badges 3.0 credentials: checked by an independent implementation (PyJWT), revocable, tamper-evident."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from sqlalchemy import select

from courses.audit.services import SYSTEM
from courses.certificates import issuer, services
from courses.certificates.models import Certificate
from courses.extensions import db

MODULE = """---
title: Lire le budget
minutes: 10
objectives:
  - Situer les acteurs du budget communal
  - Lire une ligne de dépense
---
Texte.
"""


@pytest.fixture
def completed(app, client, make_course, synced, make_user, login):
    """A learner who completed a one-module course through the pages; returns (user, code)."""
    make_course(meta={"title": "Décentralisation au Maroc", "hours": 8}, modules={"01-lire": MODULE})
    synced()
    user = make_user("salma@example.ma", full_name="Salma Benali", full_name_ar="سلمى بنعلي")
    login(user)
    client.post("/courses/gouvernance/enroll")
    client.post("/courses/gouvernance/lire/complete")
    with app.app_context():
        code = db.session.scalar(select(Certificate.code))
    return user, code


def published_key(client, token: str):
    """The public key named by the token's kid, fetched from the issuer's DID document (PyJWT's JWK)."""
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200 and response.mimetype == "application/did+json"
    assert response.headers["Cache-Control"].startswith("public")
    document = response.get_json()
    kid = jwt.get_unverified_header(token)["kid"]
    assert kid in document["assertionMethod"]
    (method,) = [m for m in document["verificationMethod"] if m["id"] == kid]
    assert method["publicKeyJwk"]["kty"] == "OKP" and method["publicKeyJwk"]["crv"] == "Ed25519"
    assert "d" not in method["publicKeyJwk"]
    return jwt.PyJWK(method["publicKeyJwk"]).key


def decoded_list(client, url: str) -> bytes:
    """A status list fetched and decoded by hand: VC-JWT (checked by PyJWT), base64url, GZIP."""
    path = url.removeprefix("http://localhost")
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    assert "max-age" in response.headers["Cache-Control"] and response.headers["Access-Control-Allow-Origin"] == "*"
    token = response.get_data(as_text=True)
    status_list = jwt.decode(token, published_key(client, token), algorithms=["EdDSA"])
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded[0] == "u"
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131_072
    return bits


def bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_the_credential_verifies_with_pyjwt_against_the_published_did_document(client, completed):
    _user, code = completed
    response = client.get(f"/certificates/{code}/credential.jwt")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    assert response.headers["Cache-Control"] == "no-store"
    token = response.get_data(as_text=True)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt" and header["kid"].startswith("did:web:localhost#")
    credential = jwt.decode(token, published_key(client, token), algorithms=["EdDSA"])
    assert credential["issuer"]["id"] == "did:web:localhost"
    assert credential["id"] == f"http://localhost/verify/{code}"
    assert json.loads(client.get(f"/certificates/{code}/credential.json").get_data()) == credential


def test_the_credential_has_the_fields_open_badges_3_requires(client, completed):
    user, code = completed
    credential = json.loads(client.get(f"/certificates/{code}/credential.json").get_data())
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    issuer_profile = credential["issuer"]
    assert issuer_profile["type"] == ["Profile"] and issuer_profile["url"] == "http://localhost/"
    assert "Direction générale des collectivités territoriales" in issuer_profile["name"]
    assert "المديرية العامة للجماعات الترابية" in issuer_profile["description"]
    assert datetime.fromisoformat(credential["validFrom"]).tzinfo is not None
    assert credential["name"] == "Décentralisation au Maroc"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    (email_id, name_id, name_ar_id) = subject["identifier"]
    assert email_id["identityType"] == "emailAddress" and email_id["hashed"] is True
    assert email_id["identityHash"] == "sha256$" + hashlib.sha256((user.email + email_id["salt"]).encode()).hexdigest()
    assert user.email not in json.dumps(credential)
    assert (name_id["identityHash"], name_ar_id["identityHash"]) == ("Salma Benali", "سلمى بنعلي")
    achievement = subject["achievement"]
    for key in ("id", "type", "name", "description", "criteria"):
        assert achievement[key]
    assert achievement["type"] == ["Achievement"] and achievement["achievementType"] == "Certificate"
    assert achievement["description"] == "Les bases de la décentralisation."
    assert "Situer les acteurs du budget communal" in achievement["criteria"]["narrative"]
    assert "(8 h)" in achievement["criteria"]["narrative"] and achievement["tag"] == ["gouvernance"]
    image = client.get(achievement["image"]["id"].removeprefix("http://localhost"))
    assert image.status_code == 200 and image.mimetype == "image/svg+xml" and b"<script" not in image.data
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == "http://localhost/credentials/status/0"


def test_content_edits_after_issue_change_nothing_in_the_credential(client, completed, make_course, synced):
    _user, code = completed
    before = client.get(f"/certificates/{code}/credential.jwt").get_data()
    make_course(meta={"title": "Titre changé", "hours": 12, "tags": ["autre"]}, modules={"01-lire": ("Lire", "Neuf.")})
    synced()
    assert client.get(f"/certificates/{code}/credential.jwt").get_data() == before


def test_revocation_sets_the_bit_in_the_published_status_list(app, client, completed):
    _user, code = completed
    credential = json.loads(client.get(f"/certificates/{code}/credential.json").get_data())
    token = client.get(f"/certificates/{code}/credential.jwt").get_data(as_text=True)
    status = credential["credentialStatus"]
    index = int(status["statusListIndex"])
    assert not bit(decoded_list(client, status["statusListCredential"]), index)
    with app.app_context():
        services.revoke(services.find(code), SYSTEM, "Inscription frauduleuse")
        db.session.commit()
    bits = decoded_list(client, status["statusListCredential"])
    assert bit(bits, index) and sum(bin(b).count("1") for b in bits) == 1
    page = client.post("/verify/credential", data={"credential": token}).get_data(as_text=True)
    assert "verdict-revoked" in page
    assert "Inscription frauduleuse" in page
    assert client.get(f"/certificates/{code}/credential.jwt").status_code == 410  # no longer handed out


def test_a_replaced_credential_is_withdrawn_and_says_by_what(app, client, completed):
    _user, code = completed
    token = client.get(f"/certificates/{code}/credential.jwt").get_data(as_text=True)
    with app.app_context():
        replacement = services.reissue(services.find(code), SYSTEM, "Salma Ben Ali", None)
        db.session.commit()
        new_code, old_id = replacement.code, services.find(code).id
    assert bit(decoded_list(client, "http://localhost/credentials/status/0"), old_id)
    page = client.post("/verify/credential", data={"credential": token}).get_data(as_text=True)
    assert "verdict-replaced" in page and new_code in page


def check(client, **data) -> str:
    response = client.post("/verify/credential", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_pasted_and_baked_credential_verify_as_valid(client, completed):
    _user, code = completed
    token = client.get(f"/certificates/{code}/credential.jwt").get_data(as_text=True)
    assert "verdict-valid" in check(client, credential=token)
    assert "verdict-valid" in check(
        client, credential=client.get(f"/certificates/{code}/credential.json").get_data(as_text=True)
    )
    baked = client.get(f"/certificates/{code}/badge.svg")
    assert baked.headers["Cache-Control"] == "no-store" and token.encode() in baked.data
    assert "verdict-valid" in check(client, badge=(io.BytesIO(baked.data), "badge.svg"))


def test_the_png_badge_carries_the_credential_in_its_itxt_chunk(client, completed):
    _user, code = completed
    token = client.get(f"/certificates/{code}/credential.jwt").get_data(as_text=True)
    baked = client.get(f"/certificates/{code}/badge.png")
    assert baked.headers["Content-Type"] == "image/png" and baked.headers["Cache-Control"] == "no-store"
    with Image.open(io.BytesIO(baked.data)) as image:
        assert image.size == (512, 512)
        assert image.text["openbadgecredential"] == token  # Open Badges 3.0 baking, read by Pillow's own reader
    chunk = baked.data.index(b"iTXtopenbadgecredential\x00")
    assert baked.data[chunk + 24 : chunk + 25] == b"\x00"  # the compression flag: uncompressed, as the spec asks
    assert "verdict-valid" in check(client, badge=(io.BytesIO(baked.data), "badge.png"))


def test_png_badges_without_a_credential_or_broken_are_not_valid(client, completed):
    _user, code = completed
    assert "ne porte aucun" in check(client, badge=(io.BytesIO(bare_png(client, code)), "badge.png"))
    broken = client.get(f"/certificates/{code}/badge.png").data[:200]  # cut inside its header chunks
    assert "verdict-invalid" in check(client, badge=(io.BytesIO(broken), "badge.png"))


def bare_png(client, code: str) -> bytes:
    """A PNG drawn like a badge but carrying nothing (the baked one saved again without its chunk)."""
    with Image.open(io.BytesIO(client.get(f"/certificates/{code}/badge.png").data)) as image:
        output = io.BytesIO()
        image.save(output, "PNG")
    return output.getvalue()


def signed_with(private_key: Ed25519PrivateKey, credential: dict, kid: str) -> str:
    return jwt.encode(credential, private_key, algorithm="EdDSA", headers={"kid": kid, "typ": "vc+jwt"})


def test_tampering_a_wrong_key_garbage_or_a_bare_image_are_not_valid_with_a_reason(app, client, completed):
    _user, code = completed
    token = client.get(f"/certificates/{code}/credential.jwt").get_data(as_text=True)
    credential = json.loads(client.get(f"/certificates/{code}/credential.json").get_data())
    header, _payload, signature = token.split(".")
    forged = dict(credential, name="Master en droit")
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    assert "Sa signature ne correspond pas" in check(client, credential=f"{header}.{forged_payload}.{signature}")
    changes = {
        "name": "Master en droit", "validFrom": "2020-01-01T00:00:00Z", "issuer": {**credential["issuer"], "name": "x"},
        "credentialSubject": {**credential["credentialSubject"], "identifier": []}, "credentialStatus": {},
    }  # fmt: skip
    for field, value in changes.items():
        page = check(client, credential=json.dumps(dict(credential, **{field: value})))
        assert "verdict-altered" in page and field in page, field
    stranger = Ed25519PrivateKey.generate()
    kid = jwt.get_unverified_header(token)["kid"]
    assert "verdict-not_ours" in check(client, credential=signed_with(stranger, credential, "did:web:evil.example#k"))
    assert "verdict-altered" in check(client, credential=signed_with(stranger, credential, kid))  # our kid, not our key
    foreign = dict(credential, issuer={**credential["issuer"], "id": "did:web:other.example"})
    assert "verdict-not_ours" in check(client, credential=json.dumps(foreign))
    for garbage in (
        "garbage",
        "a.b.c",
        "{not json",
        "[]",
        "\u00e9" * 50,
        "eyJhbGciOiJub25lIn0.e30.",
        "{}",
        '{"a":' + "[" * 90_000,  # nested past the JSON parser's recursion limit
    ):
        page = check(client, credential=garbage)
        assert "verdict-invalid" in page or "verdict-not_ours" in page, garbage
    assert "verdict-invalid" in check(client, credential="")
    bare = client.get(f"/verify/{code}/badge.svg").data
    assert "ne porte aucun" in check(client, badge=(io.BytesIO(bare), "badge.svg"))
    assert "verdict-invalid" in check(client, badge=(io.BytesIO(b"\x89PNG garbage"), "badge.svg"))
    bomb = b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    assert "verdict-invalid" in check(client, badge=(io.BytesIO(bomb), "badge.svg"))


def test_an_expired_credential_signed_with_our_key_is_not_valid(app, client, completed):
    _user, code = completed
    credential = json.loads(client.get(f"/certificates/{code}/credential.json").get_data())
    credential["validUntil"] = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with app.test_request_context():
        token = issuer.sign(credential)
    page = check(client, credential=token)
    assert "verdict-invalid" in page and "période de validité est terminée" in page


def test_only_the_holder_and_coordinators_download_while_public_documents_are_public(
    app, client, completed, make_user, login
):
    _user, code = completed
    private = [
        f"/certificates/{code}/credential.json",
        f"/certificates/{code}/credential.jwt",
        f"/certificates/{code}/badge.svg",
        f"/certificates/{code}/badge.png",
    ]
    login(make_user("autre@example.ma"))
    assert [client.get(url).status_code for url in private] == [404] * 4
    login(make_user("coord@example.ma", role="coordinator"))
    assert [client.get(url).status_code for url in private] == [200] * 4
    client.post("/logout")
    anonymous = app.test_client()
    assert [anonymous.get(url).status_code for url in private] == [302] * 4
    for url in ("/.well-known/did.json", "/did.json", "/credentials/status/0", f"/verify/{code}/badge.svg"):
        assert anonymous.get(url).status_code == 200, url
    assert anonymous.get("/credentials/status/1").status_code == 404
    assert anonymous.get("/verify/TDB-2222-2222-2222/badge.svg").status_code == 404


def test_the_verify_page_speaks_arabic_and_english(app, completed):
    visitor = app.test_client()
    for language, words in (("ar", "هذه ليست شهادة رقمية"), ("en", "This is not a credential")):
        visitor.set_cookie("lang", language)
        assert words in check(visitor, credential="garbage")


def test_the_coordinators_zip_carries_the_credentials(app, client, completed, make_user, login):
    _user, code = completed
    login(make_user("coord@example.ma", role="coordinator"))
    with app.app_context():
        from courses.catalog.models import Course
        from courses.certificates import batch

        course = db.session.scalar(select(Course))
        data = b"".join(batch.certificates_zip(batch.CertificateFilter(course)))
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert any(n.endswith(f"{code}.jwt") for n in names) and any(n.endswith(f"{code}.svg") for n in names)
