"""HTML pages of the server: linked-data pages for the entities, the home page and the query page.

Every entity IRI ``https://w3id.org/nomengraph/id/<rest>`` is served at the local path
``/id/<rest>``. A browser gets an HTML page (a specific one for jobs, competences, families,
editions, e-CF versions and proficiency levels; a table of properties for anything else); an RDF
client gets the entity's description (its triples and those of the nodes it owns, i.e. whose IRI
extends its own) in Turtle, JSON-LD, N-Triples or RDF/XML, chosen by the ``Accept`` header.

All data reaches the templates as plain values and is escaped by Jinja's autoescape; the pages
only query the store through the server's executor.

One module per page: :mod:`.entity` (the ``/id/`` routes and content negotiation), :mod:`.job`,
:mod:`.competence`, :mod:`.scheme` (families, editions, e-CF versions, levels), :mod:`.home`,
:mod:`.query`; :mod:`.store` holds the store access they share, :mod:`.responses` the responses.
"""

from __future__ import annotations

import flask

from nomengraph import resources

_SERVER = resources.PACKAGE / "server"

bp = flask.Blueprint(
    "pages",
    __name__,
    template_folder=str(resources.require(_SERVER / "templates")),
    static_folder=str(resources.require(_SERVER / "static")),
    static_url_path="/static",
)

# The page modules register their routes on ``bp`` when imported.
from nomengraph.server.pages import entity, home, query  # noqa: E402
from nomengraph.server.pages.query import read_library  # noqa: E402
from nomengraph.server.pages.store import valid_rest  # noqa: E402

__all__ = ["bp", "entity", "home", "query", "read_library", "valid_rest"]
