"""The quiz form: choices in an order of the learner's own, graded by what they mean, not where they stand."""

from __future__ import annotations

import re
from types import SimpleNamespace

from courses.learning.forms import quiz_form, shuffled
from tests.conftest import PASSWORD

FIVE = """---
title: Quiz
quiz:
  - question: Quelle est la bonne réponse ?
    choices: ["Juste", "Faux 1", "Faux 2", "Faux 3", "Faux 4"]
    answer: 0
---
Texte
"""


def test_each_learner_gets_an_order_of_their_own_and_keeps_it():
    choices = [(str(i), f"choix {i}") for i in range(5)]
    orders = {tuple(value for value, _ in shuffled(choices, f"{learner}:7")) for learner in range(1, 9)}
    assert len(orders) > 1  # the right answer is not where the file put it for everyone
    assert shuffled(choices, "3:7") == shuffled(choices, "3:7")  # the same learner, the same order
    assert sorted(shuffled(choices, "3:7")) == choices  # nothing lost, values unchanged


def test_without_a_key_the_order_is_the_files(app):
    question = SimpleNamespace(id=1, prompt="Q ?", choices=["a", "b", "c"], is_multiple=False)
    with app.test_request_context():
        form = quiz_form([question])
        assert [value for value, _label in form.q1.choices] == ["0", "1", "2"]


def test_the_learner_sees_shuffled_choices_and_is_graded_by_their_values(client, make_course, synced, make_user):
    make_course(modules={"01-quiz": FIVE})
    synced()
    orders = []
    for n in range(6):
        user = make_user(f"learner{n}@example.ma")
        client.post("/logout")
        client.post("/login", data={"email": user.email, "password": PASSWORD})
        client.post("/courses/gouvernance/enroll")
        page = client.get("/courses/gouvernance/quiz/").get_data(as_text=True)
        orders.append(tuple(re.findall(r'<input[^>]*type="radio" value="(\d)"', page)))
        assert orders[-1] == tuple(re.findall(r'<input[^>]*type="radio" value="(\d)"', client.get(
            "/courses/gouvernance/quiz/").get_data(as_text=True)))  # fmt: skip
    assert len(set(orders)) > 1 and all(sorted(order) == ["0", "1", "2", "3", "4"] for order in orders)
    field = re.search(r'name="(q\d+)"', page).group(1)
    attempt = client.post("/courses/gouvernance/quiz/quiz", data={field: "0"}).headers["Location"]
    assert "Réussi" in client.get(attempt).get_data(as_text=True)
