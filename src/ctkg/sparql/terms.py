"""RDF terms as SPARQL results carry them, independent of the engine that produced them.

So that the embedded store and a remote endpoint give equal rows, and so that a term can be
written back into query text as exactly one term (:meth:`Term.n3`).
"""

from __future__ import annotations

from dataclasses import dataclass

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, order=True)
class Term:
    """An RDF term as SPARQL results carry it, equal whichever engine produced it.

    ``kind`` is ``uri``, ``literal`` or ``bnode`` (the JSON results names); simple
    strings and language-tagged strings have ``datatype`` None, language tags are
    lower-cased (RDF compares them case-insensitively).
    """

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @classmethod
    def iri(cls, value: str) -> Term:
        return cls("uri", value)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        if lang:
            return cls("literal", value, None, lang.lower())
        if datatype in (XSD_STRING, RDF_LANGSTRING):
            datatype = None
        return cls("literal", value, datatype, None)

    @classmethod
    def from_oxigraph(cls, term: object) -> Term:
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            return cls.iri(term.value)
        if isinstance(term, ox.BlankNode):
            return cls("bnode", term.value)
        if isinstance(term, ox.Literal):
            return cls.literal(term.value, term.datatype.value, term.language)
        raise TypeError(f"unsupported term {term!r}")

    @classmethod
    def from_json(cls, binding: dict[str, str]) -> Term:
        """From one SPARQL 1.1 JSON results binding."""
        kind = binding["type"]
        if kind == "uri":
            return cls.iri(binding["value"])
        if kind == "bnode":
            return cls("bnode", binding["value"])
        if kind in ("literal", "typed-literal"):
            return cls.literal(binding["value"], binding.get("datatype"),
                               binding.get("xml:lang"))
        raise ValueError(f"unsupported binding type {kind!r}")

    def to_oxigraph(self) -> object:
        import pyoxigraph as ox

        if self.kind == "uri":
            return ox.NamedNode(self.value)
        if self.kind == "bnode":
            return ox.BlankNode(self.value)
        if self.lang:
            return ox.Literal(self.value, language=self.lang)
        if self.datatype:
            return ox.Literal(self.value, datatype=ox.NamedNode(self.datatype))
        return ox.Literal(self.value)

    def to_json(self) -> dict[str, str]:
        out = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype:
            out["datatype"] = self.datatype
        return out

    def n3(self) -> str:
        """N-Triples form, escaped so the text is always exactly one term."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = (self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                .replace("\r", "\\r").replace("\t", "\\t").replace("\b", "\\b")
                .replace("\f", "\\f"))
        if self.lang:
            return f'"{text}"@{self.lang}'
        if self.datatype:
            return f'"{text}"^^<{self.datatype}>'
        return f'"{text}"'

    def csv(self) -> str:
        """SPARQL 1.1 CSV form: IRIs plain, literals by lexical form."""
        return f"_:{self.value}" if self.kind == "bnode" else self.value
