"""A module's written exercise, as its front matter declares it (`exercise:`), and how words are counted.

```yaml
exercise:
  instructions: |
    Rédigez une brève de 250 mots …      # Markdown, rendered by the one renderer
  min_words: 150
  max_words: 300
  rubric:
    - criterion: Exactitude des faits
      levels:
        - Insuffisant: 0                 # a level: its label and its points …
        - label: Juste                   # … or the long form, with a description
          points: 2
          description: Les faits sont exacts et datés.
  pass_points: 3                          # with a rubric: the least total for "passed"
  model_answer: |
    Le conseil communal …                 # shown to the learner once the exercise is passed
  resubmit: true                          # may the learner revise after a review (default true)
```

Like the rest of `material/`, no Flask and no database: the sync stores `Exercise.record()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from courses.material import schema
from courses.material.render import Rendered, render_document
from courses.material.schema import Field

MAX_WORDS = 5_000  # a written exercise is a brief, a request, a plan: not a thesis
MAX_LEVEL_POINTS = 100
MAX_CRITERIA = 12
MAX_LEVELS = 6
LEVEL_KEYS = ("label", "points", "description")
# Words as a reader counts them: runs of letters or digits, with inner apostrophes, hyphens and the
# marks inside numbers, references and addresses ("l'État", "sous-préfecture", "38,8", "31.13",
# "09:30", "2/4", "www.chafafiya.ma" count once); Arabic letters are word characters too.
# static/exercise.js counts with the same rule.
_WORD = re.compile(r"[^\W_]+(?:['’\-.,:/@][^\W_]+)*")


def count_words(text: str) -> int:
    """How many words a text has (punctuation and spaces do not count)."""
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class Level:
    label: str
    points: int
    description: str = ""


@dataclass(frozen=True)
class Criterion:
    name: str
    levels: tuple[Level, ...]

    @property
    def max_points(self) -> int:
        return max(level.points for level in self.levels)


@dataclass(frozen=True)
class Exercise:
    instructions: Rendered
    min_words: int | None
    max_words: int | None
    rubric: tuple[Criterion, ...]
    pass_points: int | None
    model_answer: Rendered | None
    resubmit: bool

    @property
    def max_points(self) -> int:
        return sum(criterion.max_points for criterion in self.rubric)

    def record(self) -> dict:
        """The exercise as the database keeps it (JSON): rendered HTML, limits and rubric."""
        return {
            "instructions": self.instructions.html,
            "min_words": self.min_words,
            "max_words": self.max_words,
            "rubric": [
                {"name": c.name, "levels": [{"label": v.label, "points": v.points, "description": v.description}
                                            for v in c.levels]}
                for c in self.rubric
            ],
            "pass_points": self.pass_points,
            "model_answer": self.model_answer.html if self.model_answer else None,
            "resubmit": self.resubmit,
        }  # fmt: skip


def _level(reader: schema.Reader, key: str, node: yaml.Node) -> Level:
    """`- Insuffisant: 0`, or the long form with `label`, `points` and an optional `description`."""
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1 and node.value[0][0].value not in LEVEL_KEYS:
        label_node, points_node = node.value[0]
        label = schema.text(maximum=200)(reader, "levels", label_node)
        return Level(label, schema.integer(low=0, high=MAX_LEVEL_POINTS)(reader, label, points_node))
    values = reader.read_mapping(node, LEVEL_FIELDS, "levels")
    if values is None or values["label"] is None or values["points"] is None:
        raise schema.Invalid()
    return Level(values["label"], values["points"], values["description"])


LEVEL_FIELDS = {
    "label": Field(schema.text(maximum=200), required=True),
    "points": Field(schema.integer(low=0, high=MAX_LEVEL_POINTS), required=True),
    "description": Field(schema.text(maximum=1000), default=""),
}


def _criterion(reader: schema.Reader, key: str, node: yaml.Node) -> Criterion:
    values = reader.read_mapping(node, CRITERION_FIELDS, "rubric")
    if values is None or not values["criterion"]:
        raise schema.Invalid()
    levels = values["levels"]
    levels_node, written = next(((k, v) for k, v in node.value if k.value == "levels"), (None, None))
    if levels_node is None or len(levels) != len(schema.lines_of_items(written)):
        raise schema.Invalid()  # missing, or a level was refused: both recorded, counting would add noise
    if len(levels) < 2 or len(levels) > MAX_LEVELS:
        raise reader.fail(levels_node, "rubric_levels_count", criterion=values["criterion"], maximum=MAX_LEVELS)
    labels = [level.label for level in levels]
    twice = sorted({label for label in labels if labels.count(label) > 1})
    if twice:
        raise reader.fail(levels_node, "rubric_duplicate_level", criterion=values["criterion"], value=twice[0])
    return Criterion(values["criterion"], tuple(levels))


CRITERION_FIELDS = {
    "criterion": Field(schema.text(maximum=200), required=True),
    "levels": Field(schema.list_of(_level), required=True, default=[]),
}


def _markdown(maximum: int):
    as_text = schema.text(maximum=maximum)

    def convert(reader: schema.Reader, key: str, node: yaml.Node) -> Rendered:
        return render_document(as_text(reader, key, node), "module")

    return convert


EXERCISE_FIELDS = {
    "instructions": Field(_markdown(10_000), required=True),
    "min_words": Field(schema.integer(low=1, high=MAX_WORDS)),
    "max_words": Field(schema.integer(low=1, high=MAX_WORDS)),
    "rubric": Field(schema.list_of(_criterion), default=[]),
    "pass_points": Field(schema.integer(low=0, high=MAX_LEVEL_POINTS * MAX_CRITERIA)),
    "model_answer": Field(_markdown(20_000)),
    "resubmit": Field(schema.boolean, default=True),
}


def read_exercise(reader: schema.Reader, key: str, node: yaml.Node) -> Exercise | None:
    """Field converter for a module's `exercise:`; every mistake is recorded with its line."""
    if isinstance(node, yaml.ScalarNode) and node.tag == schema.NULL_TAG:
        return None
    values = reader.read_mapping(node, EXERCISE_FIELDS, key)
    if values is None or values["instructions"] is None:
        raise schema.Invalid()
    field_node = dict((k.value, v) for k, v in node.value)
    low, high, rubric = values["min_words"], values["max_words"], values["rubric"]
    if low is not None and high is not None and low > high:
        raise reader.fail(field_node["min_words"], "exercise_words_order", low=low, high=high)
    if len(rubric) > MAX_CRITERIA:
        raise reader.fail(field_node["rubric"], "rubric_too_long", maximum=MAX_CRITERIA)
    names = [criterion.name for criterion in rubric]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise reader.fail(field_node["rubric"], "rubric_duplicate_criterion", value=twice[0])
    points = values["pass_points"]
    if points is not None and not rubric:
        raise reader.fail(field_node["pass_points"], "threshold_without_rubric")
    total = sum(criterion.max_points for criterion in rubric)
    if points is not None and points > total:
        raise reader.fail(field_node["pass_points"], "threshold_above_rubric", points=points, total=total)
    return Exercise(
        values["instructions"], low, high, tuple(rubric), points, values["model_answer"], values["resubmit"]
    )
