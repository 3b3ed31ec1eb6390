"""Synthetic course material: French Markdown courses shaped like the real ones in content/."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_TEXT = (
    "commune conseil région province préfecture budget délibération président élu citoyen association "
    "pétition programme développement compétence contrôle gouverneur wali collectivité territoire service "
    "public transport eau assainissement éclairage voirie marché équipement investissement fonctionnement "
    "recette dépense dotation impôt taxe subvention partenariat convention concertation participation "
    "transparence information publication registre archive document rapport audit cour comptes juge "
    "administratif légalité décision arrêté session séance commission bureau vote majorité opposition "
    "journaliste rédaction enquête source témoin donnée chiffre tableau carte calendrier échéance procédure "
    "demande réponse délai recours médiateur accès droit obligation principe subsidiarité solidarité libre "
    "administration régionalisation décentralisation déconcentration état agence société groupement "
    "coopération intercommunale gestion déléguée contrat objectif indicateur évaluation suivi diagnostic "
    "population jeunesse femmes parité égalité quartier douar village ville centre périphérie littoral "
    "montagne agriculture tourisme artisanat emploi formation école santé culture sport environnement déchets "
    "énergie numérique portail plateforme réseau presse radio télévision site communiqué annonce"
)
WORDS = tuple(_TEXT.split())
CONNECTORS = ("ainsi", "en outre", "par ailleurs", "toutefois", "en pratique", "de plus", "en revanche", "enfin")
TOPICS = (
    ("gouvernance", "Gouvernance locale"), ("finances", "Finances locales"), ("budget", "Budget participatif"),
    ("information", "Accès à l'information"), ("medias", "Médias de proximité"), ("urbanisme", "Urbanisme"),
    ("eau", "Services de l'eau"), ("transport", "Transport public"), ("dechets", "Gestion des déchets"),
    ("tourisme", "Tourisme territorial"), ("marketing", "Marketing territorial"), ("crise", "Communication de crise"),
    ("donnees", "Données ouvertes"), ("parite", "Parité et égalité"), ("jeunesse", "Politiques de jeunesse"),
    ("cooperation", "Coopération intercommunale"), ("petitions", "Droit de pétition"), ("audit", "Audit et contrôle"),
    ("marches", "Marchés publics"), ("sante", "Santé de proximité"), ("culture", "Action culturelle"),
    ("numerique", "Administration numérique"), ("emploi", "Emploi local"), ("littoral", "Gestion du littoral"),
    ("rural", "Développement rural"),
)  # fmt: skip
TAGS = (
    "décentralisation", "finances locales", "démocratie participative", "journalisme", "transparence",
    "services publics", "urbanisme", "environnement", "communication", "données ouvertes", "contrôle",
    "collectivités territoriales", "développement territorial", "parité", "numérique",
)  # fmt: skip
ABBREVIATIONS = (
    ("PDR", "Programme de développement régional"),
    ("PAC", "Programme d'action de la commune"),
    ("CRC", "Cour régionale des comptes"),
    ("DGCT", "Direction générale des collectivités territoriales"),
)
ADMONITIONS = (("note", "À retenir"), ("info", "Bon à savoir"), ("tip", "Conseil"), ("warning", "Attention"),
               ("example", "Exemple"), ("danger", "Erreur fréquente"))  # fmt: skip
# Latin and Arabic spellings side by side, as certificates print them.
FIRST_NAMES = (
    ("Salma", "سلمى"), ("Youssef", "يوسف"), ("Nadia", "نادية"), ("Karim", "كريم"), ("Fatima", "فاطمة"),
    ("Mohamed", "محمد"), ("Khadija", "خديجة"), ("Omar", "عمر"), ("Amina", "أمينة"), ("Hamza", "حمزة"),
    ("Zineb", "زينب"), ("Mehdi", "مهدي"), ("Hajar", "هاجر"), ("Anas", "أنس"), ("Meryem", "مريم"),
    ("Rachid", "رشيد"), ("Leïla", "ليلى"), ("Ayoub", "أيوب"), ("Sanaa", "سناء"), ("Ilyas", "إلياس"),
)  # fmt: skip
LAST_NAMES = (
    ("Benali", "بنعلي"), ("El Idrissi", "الإدريسي"), ("Tazi", "التازي"), ("Alami", "العلمي"),
    ("Berrada", "برادة"), ("Chraibi", "الشرايبي"), ("El Amrani", "العمراني"), ("Bennani", "بناني"),
    ("Ouazzani", "الوزاني"), ("Lahlou", "لحلو"), ("Fassi", "الفاسي"), ("Naciri", "الناصري"),
    ("Haddad", "حداد"), ("Kettani", "الكتاني"), ("Sqalli", "السقالي"), ("Bouzidi", "البوزيدي"),
)  # fmt: skip
CITIES = (
    "Rabat",
    "Casablanca",
    "Fès",
    "Marrakech",
    "Tanger",
    "Agadir",
    "Oujda",
    "Laâyoune",
    "Béni Mellal",
    "Errachidia",
)

SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 240" role="img">
<title>{title}</title>
<rect x="10" y="10" width="620" height="220" rx="12" fill="#f4f7f7" stroke="#0b5d5b"/>
{boxes}
</svg>
"""


@dataclass(frozen=True)
class QuizItem:
    prompt: str
    choices: tuple[str, ...]
    answer: int | list[int]
    explanation: str


@dataclass(frozen=True)
class ModuleText:
    slug: str
    position: int
    title: str
    minutes: int
    objectives: tuple[str, ...]
    quiz: tuple[QuizItem, ...]
    body: str

    @property
    def file_name(self) -> str:
        return f"{self.position:02d}-{self.slug}.md"

    def markdown(self) -> str:
        meta = {
            "title": self.title,
            "minutes": self.minutes,
            "objectives": list(self.objectives),
            "quiz": [
                {"question": q.prompt, "choices": list(q.choices), "answer": q.answer, "explanation": q.explanation}
                for q in self.quiz
            ],
        }
        return _front_matter(meta) + self.body


@dataclass(frozen=True)
class CourseText:
    slug: str
    title: str
    summary: str
    language: str
    hours: float
    level: str
    trainers: tuple[str, ...]
    tags: tuple[str, ...]
    intro: str
    modules: tuple[ModuleText, ...]
    assets: dict[str, str] = field(default_factory=dict)
    translation_of: str | None = None

    def markdown(self) -> str:
        meta = {
            "title": self.title, "summary": self.summary, "language": self.language,
            "audience": "Journalistes, élus et personnels des collectivités territoriales",
            "hours": self.hours, "level": self.level, "trainers": list(self.trainers), "tags": list(self.tags),
            "status": "published", "certificate": True, "pass_mark": 70,
        }  # fmt: skip
        if self.translation_of:
            meta["translation_of"] = self.translation_of
        return _front_matter(meta) + self.intro


def _front_matter(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n"


class Writer:
    """Writes Markdown prose, tables, lists and boxes from a seeded random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def title(self, low: int = 3, high: int = 7) -> str:
        text = self.words(low, high)
        return text[0].upper() + text[1:]

    def sentence(self) -> str:
        parts = [self.words(5, 11), self.words(4, 10)]
        if self.rng.random() < 0.3:
            parts.insert(1, self.rng.choice(CONNECTORS))
        text = ", ".join(parts)
        roll = self.rng.random()
        if roll < 0.12:
            text += f" **{self.words(2, 4)}**"
        elif roll < 0.2:
            text += f" *{self.words(1, 3)}*"
        elif roll < 0.24:
            text += f" (le {self.rng.choice(ABBREVIATIONS)[0]})"
        return text[0].upper() + text[1:] + "."

    def paragraph(self, links: list[str] | None = None) -> str:
        sentences = [self.sentence() for _ in range(self.rng.randint(4, 7))]
        if links and self.rng.random() < 0.35:
            sentences.append(f"Voir aussi {self.rng.choice(links)}.")
        return " ".join(sentences)

    def table(self) -> str:
        columns = self.rng.randint(3, 5)
        header = "| " + " | ".join(self.title(1, 3) for _ in range(columns)) + " |"
        aligns = "|" + "|".join(self.rng.choice((":---", ":---:", "---:", "---")) for _ in range(columns)) + "|"
        rows = [
            "| " + " | ".join(self.words(1, 4) if c else self.title(1, 3) for c in range(columns)) + " |"
            for _ in range(self.rng.randint(4, 8))
        ]
        return "\n".join([header, aligns, *rows])

    def bullets(self) -> str:
        lines = []
        for _ in range(self.rng.randint(3, 6)):
            lines.append(f"- {self.title(4, 12)} ;")
            if self.rng.random() < 0.3:
                lines += [f"  - {self.words(3, 8)} ;" for _ in range(self.rng.randint(2, 3))]
        return "\n".join(lines)

    def numbered(self) -> str:
        return "\n".join(f"{n}. {self.title(5, 14)}." for n in range(1, self.rng.randint(4, 7)))

    def admonition(self) -> str:
        kind, label = self.rng.choice(ADMONITIONS)
        body = self.paragraph()
        return f'!!! {kind} "{label}"\n    {body}\n\n    - {self.words(4, 9)} ;\n    - {self.words(4, 9)}.'

    def definitions(self) -> str:
        return "\n\n".join(f"{self.title(1, 3)}\n:   {self.sentence()}" for _ in range(self.rng.randint(2, 4)))

    def quote(self) -> str:
        return f"> « {self.sentence()} {self.sentence()} »"

    def module_body(self, links: list[str], images: list[tuple[str, str]], sections: int = 4) -> str:
        """About 18 KB of Markdown, which renders to about 20 KB of HTML."""
        blocks: list[str] = [self.paragraph(links), self.paragraph()]
        extras = (self.table, self.bullets, self.numbered, self.admonition, self.definitions, self.quote)
        for index in range(sections):
            blocks.append(f"## {self.title()}")
            blocks += [self.paragraph(links) for _ in range(self.rng.randint(1, 2))]
            if index < len(images) and index % 2 == 0:
                alt, path = images[index // 2 % len(images)]
                blocks.append(f"![{alt}]({path})")
            for _ in range(2):
                blocks.append(f"### {self.title()}")
                blocks.append(self.paragraph(links))
                blocks.append(self.rng.choice(extras)())
        blocks += [f"*[{short}]: {long}" for short, long in ABBREVIATIONS]
        return "\n\n".join(blocks) + "\n"

    def quiz(self) -> tuple[QuizItem, ...]:
        items = []
        for index in range(3):
            choices = tuple(dict.fromkeys(self.title(3, 8) for _ in range(4)))
            multiple = index == 2  # one question with boxes to tick, as trainers write them
            answer: int | list[int] = [0, len(choices) - 1] if multiple else self.rng.randrange(len(choices))
            prompt = self.title(6, 12) + (" (plusieurs réponses)" if multiple else "") + " ?"
            items.append(QuizItem(prompt, choices, answer, self.paragraph()))
        return tuple(items)

    def svg(self, title: str) -> str:
        boxes = "\n".join(
            f'<rect x="{30 + i * 150}" y="80" width="130" height="80" rx="8" fill="#ffffff" stroke="#4a5561"/>'
            f'<text x="{95 + i * 150}" y="125" text-anchor="middle" font-size="14">{self.title(1, 2)}</text>'
            for i in range(4)
        )
        return SVG.format(title=title, boxes=boxes)


def courses(seed: int = 2024, count: int = 50, modules: int = 10) -> list[CourseText]:
    """`count` courses of `modules` modules each, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not secrets
    writer = Writer(rng)
    result: list[CourseText] = []
    for number in range(count):
        key, label = TOPICS[number % len(TOPICS)]
        slug = f"{key}-{number // len(TOPICS) + 1}"
        slugs = [f"{_ascii(rng.choice(WORDS))}-{p}" for p in range(1, modules + 1)]
        files = [f"{p:02d}-{s}.md" for p, s in enumerate(slugs, start=1)]
        assets = {f"schema-{i}.svg": writer.svg(f"{label} : schéma {i}") for i in range(1, 4)}
        images = [(f"Schéma {i} : {writer.words(6, 12)}", f"assets/schema-{i}.svg") for i in range(1, 4)]
        module_texts = []
        for position, module_slug in enumerate(slugs, start=1):
            others = [f"[module {p}]({f})" for p, f in enumerate(files, start=1) if p != position][:3]
            links = [*others, "[plan du cours](course.md)", "[le site du SGG](https://www.sgg.gov.ma)"]
            module_texts.append(
                ModuleText(
                    slug=module_slug,
                    position=position,
                    title=writer.title(4, 9),
                    minutes=rng.randint(20, 45),
                    objectives=tuple(writer.title(6, 12) for _ in range(3)),
                    quiz=writer.quiz(),
                    body=writer.module_body(links, images),
                )
            )
        translated = number == count - 1 and count > 1  # one English version, linked to a French course
        result.append(
            CourseText(
                slug=slug,
                title=f"{label} : {writer.words(2, 5)}" if not translated else f"{label} (English edition)",
                summary=writer.paragraph()[:480],
                language="en" if translated else "fr",
                hours=float(rng.choice((4, 6, 8, 10, 12))),
                level=rng.choice(("beginner", "intermediate", "advanced")),
                trainers=("Équipe pédagogique Tadbir",),
                tags=tuple(rng.sample(TAGS, 3)),
                intro="\n\n".join([writer.paragraph(), writer.numbered(), writer.paragraph()]) + "\n",
                modules=tuple(module_texts),
                assets=assets,
                translation_of=result[0].slug if translated else None,
            )
        )
    return result


def _ascii(text: str) -> str:
    table = str.maketrans("éèêëàâîïôûùç", "eeeeaaiiouuc")
    return "".join(c for c in text.translate(table) if c.isascii() and (c.isalnum() or c == "-"))


def write_tree(root: Path, items: list[CourseText]) -> int:
    """Write the courses as a content tree under `root`; return the number of Markdown files."""
    files = 0
    for course in items:
        folder = root / course.slug
        (folder / "assets").mkdir(parents=True, exist_ok=True)
        (folder / "course.md").write_text(course.markdown(), "utf-8")
        for name, svg in course.assets.items():
            (folder / "assets" / name).write_text(svg, "utf-8")
        for module in course.modules:
            (folder / module.file_name).write_text(module.markdown(), "utf-8")
        files += 1 + len(course.modules)
    return files
