"""Stage 7: the static site, a browsable page per thing of the built graph with its evidence.

It reads the *built* release (``data/kg/ctkg.nq`` and the corpus texts) and never rebuilds.
Entry points other stages and the command line use:

- :func:`ctkg.site.generate.write_site` ``(layout: Layout, out: Path) -> SiteReport`` writes
  the whole folder atomically (``ctkg.atomic.replace_folder``); default ``<root>/site/``.
- :func:`ctkg.site.paths.page_path` ``(iri: str) -> str | None`` gives the site-relative path
  of the HTML page of a graph IRI (``id/person/vladimir-voronkov.html``), ``None`` when the
  IRI has no page. The index is ``index.html``; ``ctkg serve`` maps ``/id/...`` to it.
"""
