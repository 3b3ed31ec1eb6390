"""Every audit action reads as a sentence in the interface language; unknown ones still read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from courses.audit import wording
from courses.audit.models import ActorKind, AuditEvent
from courses.auth.models import User
from courses.text import FSI, PDI

NADIA = User(email="nadia@tadbir.ma", full_name="Nadia Tazi", full_name_ar="نادية التازي", role="coordinator")
KARIM = User(email="karim@tadbir.ma", full_name="Karim Alami", role="admin")
COURSE = {"course": "gouvernance", "course_title": "Gouvernance locale"}
SESSION = {"cohort": 7, "cohort_name": "Session de Fès", **COURSE}


def event(action, label="", data=None, actor=NADIA, kind=ActorKind.ACCOUNT, subject_type="user"):
    return AuditEvent(
        action=action, actor=actor if kind == ActorKind.ACCOUNT else None, actor_kind=kind,
        subject_type=subject_type, subject_id=1, subject_label=label, data=data or {},
        at=datetime(2026, 6, 15, 23, 30, tzinfo=UTC),
    )  # fmt: skip


def say(app, language: str, audit_event: AuditEvent, markup: bool = False) -> str:
    with app.test_request_context(headers={"Accept-Language": language}):
        text = wording.describe(audit_event, markup=markup)
    return str(text).replace(FSI, "").replace(PDI, "")


# action, subject label, data, actor, English, French
SENTENCES = [
    ("user.calendar_feed", "salma@commune.ma", {}, KARIM,
     "Karim Alami made a new calendar subscription address",
     "Karim Alami a créé une nouvelle adresse d'abonnement à son agenda"),
    ("user.role", "salma@commune.ma", {"old": "learner", "new": "coordinator"}, KARIM,
     "Karim Alami changed the role of salma@commune.ma from Learner to Coordinator",
     "Karim Alami a fait passer salma@commune.ma du rôle Apprenant au rôle Coordinateur"),
    ("user.activate", "salma@commune.ma", {}, KARIM,
     "Karim Alami reactivated the account salma@commune.ma",
     "Karim Alami a réactivé le compte salma@commune.ma"),
    ("user.deactivate", "salma@commune.ma", {}, KARIM,
     "Karim Alami deactivated the account salma@commune.ma",
     "Karim Alami a désactivé le compte salma@commune.ma"),
    ("user.reset_link", "salma@commune.ma", {}, KARIM,
     "Karim Alami sent salma@commune.ma a link to set a new password",
     "Karim Alami a envoyé à salma@commune.ma un lien pour définir un nouveau mot de passe"),
    ("user.invite", "salma@commune.ma", {}, NADIA,
     "Nadia Tazi sent salma@commune.ma an invitation to activate their account",
     "Nadia Tazi a envoyé à salma@commune.ma une invitation à activer son compte"),
    ("login.success", "nadia@tadbir.ma", {"address": "196.200.1.2"}, NADIA,
     "Nadia Tazi logged in from 196.200.1.2", "Connexion de Nadia Tazi depuis 196.200.1.2"),
    ("login.failure", "nadia@tadbir.ma", {"address": "196.200.1.2"}, ActorKind.VISITOR,
     "Failed login as nadia@tadbir.ma from 196.200.1.2",
     "Échec de connexion avec l'adresse nadia@tadbir.ma depuis 196.200.1.2"),
    ("user.activated", "nadia@tadbir.ma", {"address": "196.200.1.2"}, NADIA,
     "Nadia Tazi activated their account from 196.200.1.2",
     "Nadia Tazi a activé son compte depuis 196.200.1.2"),
    ("user.password_reset", "nadia@tadbir.ma", {"address": "196.200.1.2"}, NADIA,
     "Nadia Tazi set a new password from an emailed link, from 196.200.1.2",
     "Nadia Tazi a choisi un nouveau mot de passe depuis un lien reçu par courriel, depuis 196.200.1.2"),
    ("cohort.create", "Session de Fès", COURSE, NADIA,
     "Nadia Tazi created the session “Session de Fès” (Gouvernance locale)",
     "Nadia Tazi a créé la session « Session de Fès » (Gouvernance locale)"),
    ("cohort.update", "Session de Fès", COURSE, NADIA,
     "Nadia Tazi edited the session “Session de Fès” (Gouvernance locale)",
     "Nadia Tazi a modifié la session « Session de Fès » (Gouvernance locale)"),
    ("cohort.days", "Session de Fès", {**COURSE, "count": 3}, NADIA,
     "Nadia Tazi set the days of the session “Session de Fès” (Gouvernance locale): 3 days",
     "Nadia Tazi a fixé les jours de la session « Session de Fès » (Gouvernance locale) : 3 jours"),
    ("cohort.deadlines", "Session de Fès", {**COURSE, "count": 2}, NADIA,
     "Nadia Tazi set the module deadlines of the session “Session de Fès” (Gouvernance locale): 2 modules",
     "Nadia Tazi a fixé les échéances des modules de la session « Session de Fès » (Gouvernance locale) : 2 modules"),
    ("cohort.attendance", "Session de Fès", {"day": "2026-12-02", "present": 20, "late": 2, "excused": 1, "absent": 3},
     NADIA,
     "Nadia Tazi took the attendance of December 2, 2026 in the session “Session de Fès”: 20 present, 2 late, 1 excused, 3 absent",
     "Nadia Tazi a fait l'appel du 2 décembre 2026 dans la session « Session de Fès » : 20 présents, 2 en retard, 1 excusés, 3 absents"),
    ("cohort.close", "Session de Fès", COURSE, NADIA,
     "Nadia Tazi closed the session “Session de Fès” (Gouvernance locale)",
     "Nadia Tazi a clôturé la session « Session de Fès » (Gouvernance locale)"),
    ("cohort.reopen", "Session de Fès", COURSE, NADIA,
     "Nadia Tazi reopened the session “Session de Fès” (Gouvernance locale)",
     "Nadia Tazi a rouvert la session « Session de Fès » (Gouvernance locale)"),
    ("cohort.remind", "Session de Fès", {"kind": "not_activated", "recipients": 25, "batch": 1}, NADIA,
     "Nadia Tazi sent a reminder to 25 recipients of the session “Session de Fès”: account not activated yet",
     "Nadia Tazi a relancé 25 destinataires de la session « Session de Fès » : compte pas encore activé"),
    ("cohort.resend_invitation", "Session de Fès", {"user": "karim@commune.ma", "recipients": 1}, NADIA,
     "Nadia Tazi sent karim@commune.ma the invitation to the session “Session de Fès” again",
     "Nadia Tazi a renvoyé à karim@commune.ma l'invitation à la session « Session de Fès »"),
    ("cohort.import", "Session de Fès", {"rows": 30, "created": 12, "enrolled": 30, "unchanged": 0}, NADIA,
     "Nadia Tazi imported 30 people into “Session de Fès”: 12 accounts created, 30 enrolled",
     "Nadia Tazi a importé 30 personnes dans « Session de Fès » : 12 comptes créés, 30 inscrits"),
    ("cohort.import", "Session de Fès", {"rows": 2, "created": 1, "enrolled": 1, "unchanged": 1}, NADIA,
     "Nadia Tazi imported 2 people into “Session de Fès”: 1 account created, 1 enrolled, 1 already enrolled",
     "Nadia Tazi a importé 2 personnes dans « Session de Fès » : 1 compte créé, 1 inscrit, 1 déjà inscrit"),
    ("enrollment.create", "salma@commune.ma · gouvernance", {**SESSION, "user": "salma@commune.ma",
     "source": "coordinator"}, NADIA,
     "Nadia Tazi enrolled salma@commune.ma in the session “Session de Fès” (Gouvernance locale)",
     "Nadia Tazi a inscrit salma@commune.ma à la session « Session de Fès » (Gouvernance locale)"),
    ("enrollment.attach", "salma@commune.ma · gouvernance", {**SESSION, "user": "salma@commune.ma"}, NADIA,
     "Nadia Tazi added salma@commune.ma, already enrolled, to the session “Session de Fès” (Gouvernance locale)",
     "Nadia Tazi a rattaché l'inscription de salma@commune.ma à la session « Session de Fès » (Gouvernance locale)"),
    ("certificate.issue", "TDB-ABCD-EFGH-JKLM", {"holder": {"name": "Salma Benali", "name_ar": None},
     **COURSE}, ActorKind.SYSTEM,
     "The platform issued the certificate TDB-ABCD-EFGH-JKLM to Salma Benali for “Gouvernance locale”",
     "La plateforme a délivré le certificat TDB-ABCD-EFGH-JKLM à Salma Benali pour « Gouvernance locale »"),
    ("certificate.reissue", "TDB-ABCD-EFGH-JKLM", {"replacement": "TDB-NPQR-STUV-WXYZ",
     "old_name": {"name": "Salma Benali", "name_ar": None}, "new_name": {"name": "Salma Benali-Idrissi",
     "name_ar": "سلمى"}}, NADIA,
     "Nadia Tazi re-issued the certificate TDB-ABCD-EFGH-JKLM as TDB-NPQR-STUV-WXYZ "
     "(name: Salma Benali → Salma Benali-Idrissi / سلمى)",
     "Nadia Tazi a réémis le certificat TDB-ABCD-EFGH-JKLM sous le code TDB-NPQR-STUV-WXYZ "
     "(nom : Salma Benali → Salma Benali-Idrissi / سلمى)"),
    ("certificate.revoke", "TDB-ABCD-EFGH-JKLM", {"reason": "Erreur"}, ActorKind.COMMAND_LINE,
     "An operator (command line) revoked the certificate TDB-ABCD-EFGH-JKLM (reason: Erreur)",
     "Un opérateur (ligne de commande) a révoqué le certificat TDB-ABCD-EFGH-JKLM (motif : Erreur)"),
    ("export.report_csv", "gouvernance", SESSION, NADIA,
     "Nadia Tazi exported the learners of the session “Session de Fès” (Gouvernance locale) as CSV",
     "Nadia Tazi a exporté les apprenants de la session « Session de Fès » (Gouvernance locale) en CSV"),
    ("export.report_xlsx", "gouvernance", {**COURSE, "cohort": None}, NADIA,
     "Nadia Tazi exported the learners of “Gouvernance locale” as Excel",
     "Nadia Tazi a exporté les apprenants de « Gouvernance locale » en Excel"),
    ("export.certificates_zip", "gouvernance", {**SESSION, "since": None}, NADIA,
     "Nadia Tazi downloaded the certificates of the session “Session de Fès” (Gouvernance locale) as a ZIP",
     "Nadia Tazi a téléchargé les certificats de la session « Session de Fès » (Gouvernance locale) en ZIP"),
    ("export.certificates_pdf", "gouvernance", COURSE, NADIA,
     "Nadia Tazi printed the certificates of “Gouvernance locale”",
     "Nadia Tazi a imprimé les certificats de « Gouvernance locale »"),
    ("export.exercises_zip", "gouvernance", COURSE, NADIA,
     "Nadia Tazi downloaded the exercises of “Gouvernance locale” as a ZIP",
     "Nadia Tazi a téléchargé les exercices de « Gouvernance locale » en ZIP"),
    ("exercise.review", "salma@commune.ma",
     {**COURSE, "module": "La brève", "decision": "revise", "points": 2, "max_points": 3}, NADIA,
     "Nadia Tazi reviewed the exercise of salma@commune.ma in “La brève” (Gouvernance locale): revision asked, "
     "2 of 3 points",
     "Nadia Tazi a corrigé l'exercice de salma@commune.ma dans « La brève » (Gouvernance locale) : à reprendre, "
     "2 points sur 3"),
]  # fmt: skip


@pytest.mark.parametrize(("action", "label", "data", "actor", "english", "french"), SENTENCES)
def test_each_action_reads_as_a_sentence_in_english_and_french(app, action, label, data, actor, english, french):
    kind = actor if isinstance(actor, ActorKind) else ActorKind.ACCOUNT
    audit_event = event(action, label, data, actor=actor if kind == ActorKind.ACCOUNT else None, kind=kind)
    assert say(app, "en", audit_event) == english
    assert say(app, "fr", audit_event) == french


def test_every_action_of_the_table_is_tested_and_every_sentence_is_translated(app):
    assert {row[0] for row in SENTENCES} == set(wording.ACTIONS)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        from flask_babel import gettext

        for entry in wording.ACTIONS.values():
            for msgid in entry.sentences:
                assert gettext(msgid) != msgid, msgid


def test_sentences_in_arabic_name_the_actor_in_arabic_script(app):
    close = event("cohort.close", "Session de Fès", COURSE)
    assert say(app, "ar", close) == "نادية التازي: إغلاق الدورة التكوينية «Session de Fès» (Gouvernance locale)"
    role = event("user.role", "salma@commune.ma", {"old": "learner", "new": "coordinator"}, actor=KARIM)
    assert say(app, "ar", role) == "Karim Alami: تغيير دور salma@commune.ma من متعلم إلى منسق"
    imported = event("cohort.import", "Session de Fès", {"rows": 30, "created": 12, "enrolled": 30, "unchanged": 0})
    assert say(app, "ar", imported) == ("نادية التازي: استيراد 30 شخصًا في «Session de Fès»: أُنشئ 12 حسابًا، سُجّل 30 شخصًا")


def test_an_event_recorded_before_a_detail_was_uses_the_shorter_sentence(app):
    old_close = event("cohort.close", "Session de Rabat")  # no course in its data
    assert say(app, "en", old_close) == "Nadia Tazi closed the session “Session de Rabat”"
    old_create = event("cohort.create", "Session de Rabat", {"course": "gouvernance"})
    assert say(app, "fr", old_create) == "Nadia Tazi a créé la session « Session de Rabat » (gouvernance)"


def test_an_unknown_action_reads_with_labelled_details_and_no_json(app):
    reopened = event(
        "cohort.archive", "Session de Fès",
        {"old_state": "closed", "new_state": "open", "role": "trainer", "region": "fes-meknes",
         "organisation_type": "commune", "reminders_sent": 3, "notify": True, "cohort": None},
        subject_type="cohort",
    )  # fmt: skip
    english = say(app, "en", reopened)
    assert english == (
        "Nadia Tazi performed “cohort.archive” on the session Session de Fès (Former state: closed; "
        "New state: open; Role: Trainer; Region: Fès-Meknès; Type of organisation: Commune; "
        "Reminders sent: 3; Notify: yes)"
    )
    french = say(app, "fr", reopened)
    assert french.startswith("Nadia Tazi a effectué l'action « cohort.archive » sur la session Session de Fès (")
    assert "Ancien état : clôturée" in french and "Rôle : Formateur" in french and "{" not in french
    bare = event("something.new", "", {}, kind=ActorKind.SYSTEM, actor=None)
    assert say(app, "en", bare) == "The platform performed “something.new”"


def test_data_of_an_unexpected_shape_still_reads(app):
    odd = event("cohort.import", "Session de Fès", {"rows": "30", "created": [1], "enrolled": {"n": 2}})
    assert say(app, "en", odd) == "Nadia Tazi imported 30 into “Session de Fès”: 1, N: 2"


def test_the_html_sentence_escapes_and_isolates_what_people_typed(app):
    hostile = event("cohort.close", "<script>x</script>\u202e", COURSE)
    html = say(app, "en", hostile, markup=True)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.startswith("<bdi>Nadia Tazi</bdi> closed the session “<bdi>&lt;script&gt;")
    unknown = event("x.y", "<b>", {"note": "<i>"})
    assert "<b>" not in say(app, "en", unknown, markup=True) and "<i>" not in say(app, "en", unknown, markup=True)


def test_plain_sentences_isolate_people_s_text(app):
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        text = wording.describe(event("cohort.close", "Session de Fès", COURSE), markup=False)
    assert f"{FSI}Session de Fès{PDI}" in text and f"{FSI}نادية التازي{PDI}" in text


def test_dates_are_in_the_site_time_zone_and_language(app):
    late = event("user.activate", "x@y.ma")  # 23:30 UTC on 15 June: 00:30 on 16 June in Casablanca
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert wording.when(late) == "16 juin 2026, 00:30:00"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert wording.when(late).startswith("Jun 16, 2026")


def test_families_follow_the_action_prefix():
    assert wording.family_of("login.failure") == "logins"
    assert wording.family_of("cohort.reopen") == "sessions"
    assert wording.family_of("user.invite") == "accounts"
    assert wording.family_of("something.new") is None
