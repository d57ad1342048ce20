"""The query library: named SPARQL queries (the package's ``data/queries/*.rq``), with typed
parameters.

A query file is plain SPARQL 1.1 preceded by a header of ``#+`` comments::

    #+ summary: the jobs of one family of one edition
    #+ description: free text; the line may be repeated
    #+ param: edition (edition, cigref-2018) the edition, e.g. cigref-2018
    #+ param: family (number, required) the family number as printed, e.g. 8
    #+ example: family=8
    #+ summary@fr: les métiers d'une famille d'une édition
    #+ param@fr: family le numéro de la famille tel qu'il est imprimé, p. ex. 8

A parameter is ``name (type, default) description``. The default is a value, ``required`` (the
caller must give it) or ``optional`` (left unbound when not given: the query then ranges over
every value). ``#+ example: name=value`` gives a value to show the query with (the query page
opens with it; the library gives one to every required parameter). ``summary@fr``,
``description@fr`` and ``param@fr: name help`` give the summary, the description and a
parameter's help in French (:meth:`NamedQuery.summary_in`, :meth:`NamedQuery.description_in`,
:meth:`Param.description_in`). Each parameter is a variable
of the same name in the query (``?edition``), which the SELECT clause projects. Values are
never pasted into the query text: they are checked against their type, turned into one RDF term
and bound with Oxigraph's substitutions (SEP-0007), so a value cannot change the shape of the
query.

Queries are written without ``GRAPH``: they run with the union of the named graphs as the
default graph, as the SPARQL endpoint serves it, so a file runs unchanged on the endpoint (where
its parameters are simply unbound).

On a remote store (:class:`~nomengraph.remote.RemoteStore`) there are no substitutions: the same
terms, written in SPARQL syntax by pyoxigraph, are sent as a ``VALUES`` block at the start of
the outermost ``WHERE`` group (:func:`bound_text`). The queries are written in portable SPARQL
1.1 so that both ways give the same answer (docs/remote-store.md).

The package by concern: the objects and errors (:mod:`~nomengraph.query.model`), the parameter
types (:mod:`~nomengraph.query.params`), reading the ``.rq`` files
(:mod:`~nomengraph.query.library`), binding (:mod:`~nomengraph.query.binding`), checking values
against the store (:mod:`~nomengraph.query.check`), running (:mod:`~nomengraph.query.run`) and
writing results (:mod:`~nomengraph.query.output`). Every name is importable from here.
"""

from __future__ import annotations

from nomengraph.query.binding import bind, bound_rows, bound_text
from nomengraph.query.check import CLOSEST, UnknownValue, check_values
from nomengraph.query.library import QUERIES, list_queries, load_query, parse_query
from nomengraph.query.model import NamedQuery, Param, ParamError, QueryError, Result, UnknownQuery
from nomengraph.query.output import FORMATS, format_result
from nomengraph.query.params import PARAM_TYPES, to_term
from nomengraph.query.run import _value, run_query

__all__ = [
    "CLOSEST",
    "FORMATS",
    "PARAM_TYPES",
    "QUERIES",
    "NamedQuery",
    "Param",
    "ParamError",
    "QueryError",
    "Result",
    "UnknownQuery",
    "UnknownValue",
    "_value",  # a term as the plain Python value of a result cell (the query page uses it)
    "bind",
    "bound_rows",
    "bound_text",
    "check_values",
    "format_result",
    "list_queries",
    "load_query",
    "parse_query",
    "run_query",
    "to_term",
]
