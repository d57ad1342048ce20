"""The pages of pictures: jobs compared side by side (:mod:`.compare`) and the heatmaps of
editions and families (:mod:`.heatmap`), on one blueprint. The job page's chart, closest jobs
and changes come from :func:`nomengraph.server.profiles.job_visuals`, which templates call as
``job_visuals(iri)`` (the partial ``job_profile.html`` does, unless its context already has
``visuals``); the family and edition pages show their heatmap with ``heatmap_visuals(iri)``
(the partial ``heatmap_section.html``)."""

from __future__ import annotations

import flask

from nomengraph.server import compare, heatmap, profiles

bp = flask.Blueprint("visuals", __name__, template_folder="templates")
bp.add_url_rule("/compare", "compare", compare.compare_page)
bp.add_url_rule("/heatmap", "heatmap", heatmap.heatmap_page)
bp.add_app_template_global(profiles.job_visuals, "job_visuals")
bp.add_app_template_global(heatmap.heatmap_visuals, "heatmap_visuals")
