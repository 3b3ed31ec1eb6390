"""Catalog, syllabus, module reader and course assets. Pages read pre-rendered HTML from the DB."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from courses import hooks, material
from courses.catalog import services
from courses.catalog.forms import CatalogFilterForm
from courses.catalog.fragments import catalog_fragments, recent_content_version
from courses.catalog.pagecache import public_page
from courses.i18n import LANGUAGE_NAMES
from courses.urls import int_arg

bp = Blueprint("catalog", __name__)


@bp.get("/")
@public_page
def index():
    """The catalog of published courses, filtered by language and topic; words search every text."""
    form = CatalogFilterForm(request.args)
    version = (current_app.config["SQLALCHEMY_DATABASE_URI"], *recent_content_version())
    languages, tags = catalog_fragments.get_or_make(("facets", version), services.catalog_facets)
    form.language.choices = [("", _("All languages"))] + [(code, LANGUAGE_NAMES.get(code, code)) for code in languages]
    form.tag.choices = [("", _("All topics"))] + [(tag, tag) for tag in tags]
    filters = services.CatalogFilters()
    if form.validate():
        course = request.args.get("course", "")[:100] or None  # "N more passages in this course"
        filters = services.CatalogFilters(
            form.language.data or None, form.tag.data or None, form.q.data or None, course
        )
    states = _course_states()
    if filters.query:
        # Not kept: every set of words is a key of its own (visitors' whole pages are, by `public_page`).
        results = render_template(
            "catalog/_search_results.html",
            results=services.search_courses(filters, int_arg("page", 1)),
            states=states,
            filters=filters,
        )
    elif states:  # a learner's own list: where they stand is theirs, not the cache's
        courses = services.public_courses(filters, str(get_locale()))
        results = render_template("catalog/_course_list.html", courses=courses, states=states)
    else:
        key = ("list", version, str(get_locale()), filters.language, filters.tag)
        results = catalog_fragments.get_or_make(
            key,
            lambda: render_template(
                "catalog/_course_list.html", courses=services.public_courses(filters, str(get_locale())), states={}
            ),
        )
    # The fragment is our own autoescaped template's output, not user text.
    fragment = Markup(results)  # noqa: S704  # nosec B704
    return render_template("catalog/index.html", form=form, course_list=fragment, filters=filters)


def _course_states() -> dict[str, str]:
    """Where the signed-in user stands in each course they are enrolled in (one query); {} for visitors."""
    if not current_user.is_authenticated:
        return {}
    return hooks.merged("catalog.course_states", current_user)


def _course_or_404(slug: str):
    """A published course; one that is not (a draft) only for who may preview it, with a banner.

    Everyone else gets 404, as for a course that does not exist: nothing tells a draft is there.
    """
    course = services.public_course(slug)
    if course is None and current_user.is_authenticated:
        course = services.previewable_course(slug)
        if course is not None and not services.may_preview(current_user, course):
            course = None
    if course is None:
        abort(404)
    return course


def _trainer_context(course, module=None) -> dict:
    """What only the course's own trainers and admins see on its pages (nothing for anyone else).

    `previewer`, the errors of the last import when it failed (`failed_import`: the page then
    shows the last valid version), and what providers of `catalog.preview_context` add (the quiz
    with its answers marked). A draft's previewers were already checked by `_course_or_404`.
    """
    previewer = not course.is_public or services.is_previewer(current_user, course)
    if not previewer:
        return {"previewer": False}
    context = {"previewer": True, "failed_import": services.failed_import(course)}
    context.update(hooks.merged("catalog.preview_context", course, module))
    return context


@bp.get("/courses/<slug>/")
@public_page
def course(slug: str):
    """A course's syllabus: introduction, modules in order, hours, trainers."""
    course = _course_or_404(slug)
    modules = services.live_modules(course)
    return render_template(
        "catalog/course.html",
        course=course,
        modules=modules,
        translations=services.translations(course),
        **hooks.merged("catalog.page_context", course, None, modules),
        **_trainer_context(course),
    )


@bp.get("/courses/<slug>/<module_slug>/")
@public_page
def module(slug: str, module_slug: str):
    """One module: its pre-rendered text, table of contents, previous and next."""
    course = _course_or_404(slug)
    modules = services.live_modules(course, with_questions=False)
    module = next((m for m in modules if m.slug == module_slug), None)
    if module is None:
        abort(404)
    return render_template(
        "catalog/module.html",
        **services.module_page(course, module, modules),
        **hooks.merged("catalog.page_context", course, module, modules),
        **_trainer_context(course, module),
    )


@bp.get("/courses/<slug>/assets/<path:filename>")
def asset(slug: str, filename: str):
    """A regular file from the course's assets/ folder; nothing else, even through a link, is reachable.

    The path is checked again here, not only by `flask content check`: the tree can change after
    a sync. A preview's files are for one person: browsers may keep them, shared caches may not.
    """
    course = _course_or_404(slug)
    path = material.asset_file(Path(current_app.config["CONTENT_DIR"]), course.slug, filename)
    if path is None:
        abort(404)
    if course.is_public:
        return send_file(path, max_age=current_app.config["ASSET_MAX_AGE"])
    response = send_file(path, max_age=0)
    response.cache_control.private = True
    return response
