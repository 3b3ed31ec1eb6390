"""Read a content tree (`content/<course>/course.md`, `NN-module.md`, `assets/`) into frozen data.

`load()` returns every course or raises `ContentInvalid` with every error found, so a caller
never sees half a tree. It imports neither Flask nor the database: the CLI, the sync service,
the watch loop and the tests all call it the same way.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from courses.material import advice, schema
from courses.material.errors import ContentError, ContentInvalid, error
from courses.material.exercise import Exercise, read_exercise
from courses.material.frontmatter import Document, decode, split
from courses.material.render import (
    ASSETS_DIR,
    COURSE_FILE,
    MODULE_FILE,
    RENDERER_VERSION,
    Page,
    Reference,
    Rendered,
    render_document,
)
from courses.material.schema import Field

COURSE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGES = ("fr", "ar", "en")
LEVELS = ("beginner", "intermediate", "advanced")
# `level:` may be written in the trainer's words: French and Arabic names of the three levels.
LEVEL_SYNONYMS = {
    "débutant": "beginner", "débutante": "beginner", "debutant": "beginner", "initiation": "beginner",
    "intermédiaire": "intermediate", "intermediaire": "intermediate",
    "avancé": "advanced", "avancée": "advanced", "avance": "advanced", "confirmé": "advanced",
    "مبتدئ": "beginner", "مبتدئة": "beginner", "متوسط": "intermediate", "متوسطة": "intermediate",
    "متقدم": "advanced", "متقدّم": "advanced", "متقدمة": "advanced", "متقدّمة": "advanced",
}  # fmt: skip
STATUSES = ("draft", "published", "archived")
# What a failed quiz attempt shows; once the module is passed, learners see everything.
QUIZ_FEEDBACK = ("explanations", "answers", "score")
# When a module's written exercise counts as done: once a trainer passes it, or once it is handed in.
EXERCISE_COMPLETION = ("passed", "submitted")
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
MAX_CHOICES = 8
WORDS_PER_MINUTE = 180
# Anything in an SVG that could run: served under a sandboxing CSP anyway, refused here too.
SVG_ACTIVE = re.compile(r"<\s*script|<\s*foreignObject|<!ENTITY|\bon[a-z]+\s*=|javascript:|<\s*iframe", re.IGNORECASE)


@dataclass(frozen=True)
class Trainer:
    name: str
    email: str | None = None


@dataclass(frozen=True)
class Question:
    position: int
    prompt: str
    choices: tuple[str, ...]
    answers: tuple[int, ...]  # 0-based indexes into choices
    is_multiple: bool  # the trainer gave a list: learners tick boxes, not a radio button
    explanation: str


@dataclass(frozen=True)
class ModuleMaterial:
    slug: str
    position: int
    path: Path
    title: str
    minutes: int
    objectives: tuple[str, ...]
    is_required: bool
    quiz: tuple[Question, ...]
    content_hash: str
    rendered: Rendered
    exercise: Exercise | None = None


@dataclass(frozen=True)
class CourseMaterial:
    slug: str
    path: Path
    title: str
    summary: str
    language: str
    audience: str
    hours: float
    level: str | None
    trainers: tuple[Trainer, ...]
    tags: tuple[str, ...]
    status: str
    is_certifying: bool
    pass_mark: int
    quiz_feedback: str
    exercise_completion: str
    translation_of: str | None
    content_hash: str
    intro: Rendered
    modules: tuple[ModuleMaterial, ...]


def _trainer(reader: schema.Reader, key: str, node: yaml.Node) -> Trainer:
    if isinstance(node, yaml.MappingNode):
        values = reader.read_mapping(
            node, {"name": Field(schema.text(maximum=200), required=True), "email": Field(schema.text())}, key
        )
        if not values or not values["name"]:
            raise schema.Invalid()
        return Trainer(values["name"], values["email"])
    return Trainer(schema.text(maximum=200)(reader, key, node))


COURSE_FIELDS = {
    "title": Field(schema.text(maximum=200), required=True),
    "summary": Field(schema.text(maximum=500), required=True),
    "language": Field(schema.one_of(*LANGUAGES, code="bad_language"), required=True),
    "audience": Field(schema.text(maximum=500), default=""),
    "hours": Field(schema.positive_number, required=True),
    "level": Field(schema.one_of(*LEVELS, synonyms=LEVEL_SYNONYMS, code="bad_level")),
    "trainers": Field(schema.list_of(_trainer), default=[]),
    "tags": Field(schema.list_of(schema.text(maximum=60)), default=[]),
    "status": Field(schema.one_of(*STATUSES, code="bad_status"), default="draft"),
    "certificate": Field(schema.boolean, default=True),
    "pass_mark": Field(schema.integer(low=1, high=100), default=70),
    "quiz_feedback": Field(schema.one_of(*QUIZ_FEEDBACK, code="bad_quiz_feedback"), default="explanations"),
    "exercise_completion": Field(schema.one_of(*EXERCISE_COMPLETION, code="bad_exercise_completion"), default="passed"),
    "translation_of": Field(schema.text()),
}

QUESTION_FIELDS = {
    "question": Field(schema.text(maximum=1000), required=True),
    "choices": Field(schema.list_of(schema.text(maximum=500)), required=True, default=[]),
    "answer": Field(lambda reader, key, node: node, required=True),  # checked against the choices
    "explanation": Field(schema.text(maximum=2000), default=""),
}


def _quiz(reader: schema.Reader, key: str, node: yaml.Node) -> list[Question]:
    if isinstance(node, yaml.ScalarNode) and node.tag == schema.NULL_TAG:
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise reader.fail(node, "expected_list", key=key)
    questions = []
    for position, item in enumerate(node.value, start=1):
        values = reader.read_mapping(item, QUESTION_FIELDS, "quiz")
        if values is None or values["answer"] is None or not values["question"]:
            continue
        choices = values["choices"]
        choices_node = next((v for k, v in item.value if k.value == "choices"), item)
        if len(choices) < 2:
            reader.fail(choices_node, "too_few_choices")
            continue
        if len(choices) > MAX_CHOICES:
            reader.fail(choices_node, "too_many_choices", maximum=MAX_CHOICES)
            continue
        duplicates = {c for c in choices if choices.count(c) > 1}
        if duplicates:
            reader.fail(choices_node, "duplicate_choice", value=sorted(duplicates)[0])
            continue
        answers = _answers(reader, values["answer"], choices)
        if answers is None:
            continue
        is_multiple = isinstance(values["answer"], yaml.SequenceNode)
        question = Question(position, values["question"], tuple(choices), answers, is_multiple, values["explanation"])
        _advise_question(reader, item, question)
        questions.append(question)
    return questions


def _advise_question(reader: schema.Reader, item: yaml.MappingNode, question: Question) -> None:
    """Warnings for a valid question: no explanation, or a hint the platform already gives."""
    prompt_node = next((v for k, v in item.value if k.value == "question"), item)
    if not question.explanation:
        reader.warn(item, "question_without_explanation", number=question.position)
    if advice.says_several_answers(question.prompt):
        reader.warn(prompt_node, "redundant_multiple_hint" if question.is_multiple else "single_answer_says_several")


def _answers(reader: schema.Reader, node: yaml.Node, choices: list[str]) -> tuple[int, ...] | None:
    """An answer is a 0-based index, the exact text of a choice, or a list of those."""
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    if not items:
        reader.fail(node, "answer_empty")
        return None
    answers: list[int] = []
    for item in items:
        if not isinstance(item, yaml.ScalarNode):
            reader.fail(item, "expected_integer", key="answer")
            return None
        if item.tag == "tag:yaml.org,2002:int":
            index = int(schema._constructor.construct_object(item))
            if not 0 <= index < len(choices):
                reader.fail(item, "answer_out_of_range", value=index, high=len(choices) - 1)
                return None
        elif item.value.strip() in choices:
            index = choices.index(item.value.strip())
        else:
            reader.fail(item, "answer_unknown_text", value=item.value)
            return None
        if index in answers:
            reader.fail(item, "answer_duplicate", value=index)
            return None
        answers.append(index)
    return tuple(sorted(answers))


MODULE_FIELDS = {
    "title": Field(schema.text(maximum=200), required=True),
    "minutes": Field(schema.integer(low=1, high=10_000)),
    "objectives": Field(schema.list_of(schema.text(maximum=500)), default=[]),
    "required": Field(schema.boolean, default=True),
    "quiz": Field(_quiz, default=[]),
    "exercise": Field(read_exercise),
}


def content_hash(raw: bytes, page: Page) -> str:
    """What identifies a rendering: the file's bytes, the page kind and the renderer's version."""
    digest = hashlib.sha256(f"{RENDERER_VERSION}:{page}:".encode())
    digest.update(raw)
    return digest.hexdigest()


@dataclass(frozen=True)
class _Page:
    """A parsed page waiting for the cross-course check of its links."""

    document: Document
    rendered: Rendered
    course: str
    assets: frozenset[str]


class _Loader:
    def __init__(
        self,
        root: Path,
        reuse: Mapping[str, Rendered],
        on_file: Callable[[Path], None] | None,
        only: Collection[str] | None = None,
    ):
        self.root = root
        self.reuse = reuse
        self.on_file = on_file or (lambda path: None)
        self.only = frozenset(only) if only is not None else None
        self.errors: list[ContentError] = []
        self.warnings: list[ContentError] = []
        self.pages: list[_Page] = []
        self.module_files: dict[str, set[str]] = {}  # course slug -> module file names

    def fail(self, path: Path, line: int, code: str, **params: object) -> None:
        self.errors.append(error(path, line, code, **params))

    def refuse_unsafe(self, paths: Iterator[Path]) -> None:
        """Report every symbolic link and special file among `paths`: they are never read nor served."""
        for path in paths:
            code = refusal(path)
            if code is not None:
                self.fail(path, 1, code, name=path.name)

    def tree(self) -> list[CourseMaterial]:
        courses = []
        self.refuse_unsafe(p for p in _top_entries(self.root) if self.selected(p.name))
        directories = course_directories(self.root)
        for missing in sorted((self.only or set()) - {d.name for d in directories}):
            self.fail(self.root / missing, 1, "unknown_course", slug=missing)
        for directory in directories:
            if not self.selected(directory.name):
                self.module_files[directory.name] = _module_names(directory)  # for links into it
                continue
            course = self.course(directory)
            if course is not None:
                courses.append(course)
        self.check_translations(courses)
        for page in self.pages:
            self.check_references(page)
        if self.errors:
            raise ContentInvalid(self.errors, self.warnings)
        return courses

    def selected(self, name: str) -> bool:
        """Whether the course folder `name` is read (every one, unless the loader was given `only`)."""
        return self.only is None or name in self.only

    def take(self, reader: schema.Reader) -> None:
        self.errors.extend(reader.errors)
        self.warnings.extend(reader.warnings)

    def read(self, path: Path, page: Page) -> tuple[Document, str, Rendered, schema.Reader] | None:
        raw = path.read_bytes()
        self.on_file(path)
        text, errors = decode(path, raw)
        document = None
        if text is not None:
            document, errors = split(path, text)
        self.errors.extend(errors)  # a document may come with syntax errors: read on, to list them all
        if document is None:
            return None
        digest = content_hash(raw, page)
        rendered = self.reuse.get(digest) or render_document(document.body, page)
        return document, digest, rendered, schema.Reader(document)

    def course(self, directory: Path) -> CourseMaterial | None:
        slug = directory.name
        course_file = directory / COURSE_FILE
        if not COURSE_SLUG.match(slug):
            self.fail(course_file, 1, "bad_course_slug", name=slug)
            return None
        self.refuse_unsafe(_course_entries(directory))
        if refusal(course_file) is not None:
            return None  # refused above
        if not course_file.is_file():
            self.fail(course_file, 1, "missing_course_file")
            return None
        assets = frozenset(_assets(directory / ASSETS_DIR))
        modules = self.modules(directory, slug, assets)
        loaded = self.read(course_file, "course")
        if loaded is None:
            return None
        document, digest, rendered, reader = loaded
        values = reader.read_mapping(document.node, COURSE_FIELDS, "course")
        if values is not None and not reader.errors:
            self.advise_hours(reader, document, values["hours"], modules)
        self.take(reader)
        if values is None or reader.errors:
            return None
        self.pages.append(_Page(document, rendered, slug, assets))
        if values["status"] == "published" and not self.module_files[slug]:
            self.fail(course_file, 1, "no_modules")
        return CourseMaterial(
            slug=slug,
            path=course_file,
            title=values["title"],
            summary=values["summary"],
            language=values["language"],
            audience=values["audience"],
            hours=values["hours"],
            level=values["level"],
            trainers=tuple(values["trainers"]),
            tags=tuple(dict.fromkeys(values["tags"])),
            status=values["status"],
            is_certifying=values["certificate"],
            pass_mark=values["pass_mark"],
            quiz_feedback=values["quiz_feedback"],
            exercise_completion=values["exercise_completion"],
            translation_of=values["translation_of"],
            content_hash=digest,
            intro=rendered,
            modules=tuple(modules),
        )

    def modules(self, directory: Path, course: str, assets: frozenset[str]) -> list[ModuleMaterial]:
        modules: list[ModuleMaterial] = []
        by_slug: dict[str, Path] = {}
        by_position: dict[int, Path] = {}
        self.module_files[course] = set()
        for path in sorted(directory.iterdir()):
            name = path.name
            if name.startswith(".") or name == COURSE_FILE or refusal(path) is not None:
                continue  # hidden, the course file, or refused by refuse_unsafe
            if name == ASSETS_DIR and path.is_dir():
                continue
            match = MODULE_FILE.match(name)
            if not (path.is_file() and match):
                code = "bad_module_name" if path.is_file() and name.endswith(".md") else "unexpected_file"
                self.fail(path, 1, code, name=name)
                continue
            slug, position = match["slug"], int(match["position"])
            if slug in by_slug:
                self.fail(path, 1, "duplicate_module_slug", slug=slug, other=by_slug[slug].name)
                continue
            if position in by_position:
                self.fail(path, 1, "duplicate_position", position=match["position"], other=by_position[position].name)
                continue
            by_slug[slug], by_position[position] = path, path
            self.module_files[course].add(name)
            module = self.module(path, position, slug, course, assets)
            if module is not None:
                modules.append(module)
        return modules

    def module(self, path: Path, position: int, slug: str, course: str, assets: frozenset[str]):
        loaded = self.read(path, "module")
        if loaded is None:
            return None
        document, digest, rendered, reader = loaded
        values = reader.read_mapping(document.node, MODULE_FIELDS, "module")
        self.take(reader)
        if values is None or reader.errors:
            return None
        self.advise_body(document)
        self.pages.append(_Page(document, rendered, course, assets))
        exercise = values["exercise"]
        for part in (exercise.instructions, exercise.model_answer) if exercise else ():
            if part is not None:  # their links and images are checked like the module's own
                self.pages.append(_Page(document, part, course, assets))
        minutes = values["minutes"] or max(1, -(-len(document.body.split()) // WORDS_PER_MINUTE))
        return ModuleMaterial(
            slug=slug,
            position=position,
            path=path,
            title=values["title"],
            minutes=minutes,
            objectives=tuple(values["objectives"]),
            is_required=values["required"],
            quiz=tuple(values["quiz"]),
            content_hash=digest,
            rendered=rendered,
            exercise=exercise,
        )

    def check_references(self, page: _Page) -> None:
        """Every link and image leads somewhere that exists; every image has alt text."""
        for reference in page.rendered.references:
            line = _line_of(page.document, reference.target)
            path = page.document.path
            code = _reference_problem(reference, page, self.module_files, self.root)
            if code:
                self.fail(path, line, code, target=reference.target, allowed=" ".join(IMAGE_TYPES), detail="")
                continue
            if reference.is_image and advice.is_weak_alt(reference.alt, reference.name):
                self.warnings.append(error(path, line, "image_weak_alt", target=reference.target, alt=reference.alt))
            if reference.is_image and reference.name and reference.name.lower().endswith(".svg"):
                svg = (self.root / page.course / ASSETS_DIR / reference.name).read_text("utf-8", "replace")
                found = SVG_ACTIVE.search(svg)
                if found:
                    self.fail(path, line, "unsafe_svg", target=reference.target, detail=found.group(0))

    def advise_hours(self, reader: schema.Reader, document: Document, hours: float, modules: list) -> None:
        """Warn when the course's hours (on certificates) are far from its modules' total minutes."""
        minutes = sum(m.minutes for m in modules)
        if advice.hours_far_from_minutes(hours, minutes):
            node = next((k for k, _ in document.node.value if k.value == "hours"), document.node)
            total = f"{minutes // 60} h {minutes % 60:02d}"
            reader.warn(node, "hours_far_from_minutes", hours=f"{hours:g}", minutes=minutes, sum=total)

    def advise_body(self, document: Document) -> None:
        """Warn about headings that skip a level and long modules with no section at all."""
        for index, written, expected in advice.skipped_headings(document.body):
            self.warnings.append(
                error(document.path, document.body_line + index, "heading_skip", written=written, expected=expected)
            )
        if advice.is_long_without_sections(document.body):
            words = len(document.body.split())
            self.warnings.append(error(document.path, document.body_line, "long_module_without_sections", words=words))

    def check_translations(self, courses: list[CourseMaterial]) -> None:
        languages = {c.slug: c.language for c in courses}
        for course in courses:
            if course.translation_of is None:
                continue
            line = _key_line(course.path, "translation_of")
            if course.translation_of == course.slug:
                self.fail(course.path, line, "self_translation")
            elif course.translation_of in self.module_files and not self.selected(course.translation_of):
                continue  # a course folder that was not read (`only`): its language is not known here
            elif course.translation_of not in languages:
                self.fail(course.path, line, "unknown_translation", slug=course.translation_of)
            elif languages[course.translation_of] == course.language:
                self.fail(course.path, line, "same_language_translation")


def _reference_problem(reference: Reference, page: _Page, module_files: dict[str, set[str]], root: Path) -> str | None:
    """The error code for a reference that leads nowhere (None when it is fine)."""
    if reference.is_image:
        if not reference.alt:
            return "image_without_alt"
        if reference.kind != "asset" or reference.course is not None:
            return "image_outside_assets"
        if reference.name not in page.assets:
            return "missing_image"
        if not reference.name.lower().endswith(IMAGE_TYPES):
            return "image_bad_type"
        return None
    if reference.kind == "unsafe":
        return "unsafe_link"
    if reference.kind == "unknown":
        return "missing_file_link"
    if reference.kind == "asset" and reference.name is not None and reference.name not in page.assets:
        return "missing_file_link"
    course = reference.course or page.course
    if reference.kind == "course" and course not in module_files:
        return "broken_link"
    if reference.kind == "module" and reference.name not in module_files.get(course, ()):
        return "broken_link"
    return None


def _line_of(document: Document, target: str) -> int:
    """The file line where the body first mentions `target` (the body's first line otherwise)."""
    for offset, line in enumerate(document.body.split("\n")):
        if target and target in line:
            return document.body_line + offset
    return document.body_line


def _key_line(path: Path, key: str) -> int:
    for number, line in enumerate(path.read_text("utf-8-sig").splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def refusal(path: Path) -> str | None:
    """Why the tree may not hold `path`: "symlink", "special_file" (FIFO, socket, device) or None.

    A symbolic link could lead anywhere (`assets/key.txt -> ../../../instance/secret_key`) and a
    special file could block a reader forever, so the tree holds only plain files and folders.
    """
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "special_file"


def _top_entries(root: Path) -> Iterator[Path]:
    """What the loader looks at in the content folder: entries not starting with `.` or `_`."""
    return (p for p in sorted(root.iterdir()) if not p.name.startswith((".", "_")))


def _walk(directory: Path) -> Iterator[Path]:
    """Every entry below a real folder, in order, without following symbolic links."""
    if refusal(directory) is not None or not directory.is_dir():
        return
    for folder, folders, files in os.walk(directory):
        folders.sort()
        for name in sorted(folders + files):
            yield Path(folder) / name


def _course_entries(directory: Path) -> Iterator[Path]:
    """What the loader reads or the site serves in a course folder: its visible entries, all of assets/."""
    yield from (p for p in sorted(directory.iterdir()) if not p.name.startswith("."))
    yield from _walk(directory / ASSETS_DIR)


def _assets(directory: Path) -> set[str]:
    """The regular files below assets/ (links and special files are refused, not listed)."""
    return {p.relative_to(directory).as_posix() for p in _walk(directory) if stat.S_ISREG(p.lstat().st_mode)}


def _module_names(directory: Path) -> set[str]:
    """The module file names of a course folder, without reading them (for links into a course not read)."""
    return {p.name for p in directory.iterdir() if MODULE_FILE.match(p.name) and refusal(p) is None and p.is_file()}


def course_directories(root: Path) -> list[Path]:
    """The course folders of a content tree: real sub-folders not starting with `.` or `_`."""
    return [p for p in _top_entries(root) if refusal(p) is None and p.is_dir()]


def asset_file(root: Path, course: str, name: str) -> Path | None:
    """The regular file `name` of the course's assets/ folder, resolved, or None.

    None for anything whose real path (every link followed) is not inside the real
    `<root>/<course>/assets/` folder, and for anything but a regular file: the tree may have
    changed since it was checked.
    """
    folder = root.resolve() / course / ASSETS_DIR
    try:
        path = (folder / name).resolve(strict=True)
        mode = path.stat().st_mode
    except (OSError, RuntimeError, ValueError):  # missing, a loop of links, too long, a NUL byte
        return None
    if not path.is_relative_to(folder) or not stat.S_ISREG(mode):
        return None
    return path


def count_files(root: Path, only: Collection[str] | None = None) -> int:
    """How many Markdown files `load` will read (for a progress bar)."""
    return sum(1 for d in course_directories(root) if only is None or d.name in only for p in d.glob("*.md"))


@dataclass(frozen=True)
class Review:
    """What `review` found: the courses (empty when there are errors), the errors and the warnings."""

    courses: list[CourseMaterial]
    errors: list[ContentError]
    warnings: list[ContentError]


def _loader(root: Path, reuse, on_file, only: Collection[str] | None) -> _Loader:
    if not root.is_dir():
        raise ContentInvalid([error(root, 1, "missing_content_dir")])
    return _Loader(root, reuse or {}, on_file, only)


def load(
    root: Path,
    reuse: Mapping[str, Rendered] | None = None,
    on_file: Callable[[Path], None] | None = None,
    only: Collection[str] | None = None,
) -> list[CourseMaterial]:
    """Read and validate the tree under `root`; raise ContentInvalid with every error.

    `reuse` maps content hashes to renderings already made (the database keeps them), so
    unchanged files are parsed and checked but not rendered again. `only` limits the reading to
    those course folders (links into the others are still checked against their files).
    """
    return _loader(root, reuse, on_file, only).tree()


def review(root: Path, only: Collection[str] | None = None) -> Review:
    """Every error and every warning of the tree under `root` (or of the `only` course folders)."""
    try:
        loader = _loader(root, None, None, only)
        courses = loader.tree()
    except ContentInvalid as exc:
        return Review([], exc.errors, exc.warnings)
    return Review(courses, [], sorted(loader.warnings))


def check(root: Path, only: Collection[str] | None = None) -> list[ContentError]:
    """Every error in the tree under `root` (empty when it is valid)."""
    return review(root, only).errors
