"""Stage 2b, interchange: annotations exchanged with other tools (INCEpTION, as UIMA CAS XMI).

Reads brat documents through :mod:`ctkg.annotations.brat` and the scheme of
:mod:`ctkg.annotations.scheme`, and writes nothing the build reads except ``.ann`` files,
which the checker then judges like any other.
"""
