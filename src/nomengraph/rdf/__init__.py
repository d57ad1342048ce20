"""Cards → RDF, by concern: the editions and sources described (:mod:`.catalogue`), the terms
(:mod:`.terms`), job cards (:mod:`.cards`), e-CF files (:mod:`.ecf`), the 2010 matrix
(:mod:`.matrix`), the ``metadata`` graph (:mod:`.metadata`), pyoxigraph terms
(:mod:`.oxigraph`) and the files written (:mod:`.export`). :mod:`nomengraph.convert` puts them
together and streams the quads."""
