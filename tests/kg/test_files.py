"""Output files kept as chunks: read as bytes, written and compared chunk by chunk."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ctkg.kg.files import Files, same_as_file, sha256_of, size_of
from ctkg.kg.outputs import stale_outputs, write_outputs
from ctkg.kg.spool import Span, Spool


def _files() -> Files:
    files = Files({"small.txt": b"abc\n"})
    files.set_chunks("ctkg.nq", [b"<a> <b> <c> .\n", b"", b"<d> <e> <f> .\n"])
    return files


def test_chunks_read_as_their_bytes() -> None:
    files = _files()
    assert files["ctkg.nq"] == b"<a> <b> <c> .\n<d> <e> <f> .\n"
    assert size_of(files, "ctkg.nq") == 28 and len(files.chunks("ctkg.nq")) == 2
    assert sha256_of(files, "ctkg.nq") == hashlib.sha256(files["ctkg.nq"]).hexdigest()
    assert sha256_of({"x": b"abc"}, "x") == hashlib.sha256(b"abc").hexdigest()
    assert files == {"small.txt": b"abc\n", "ctkg.nq": files["ctkg.nq"]}
    assert sorted(files) == ["ctkg.nq", "small.txt"]


def test_written_chunk_by_chunk_and_compared_so(tmp_path: Path) -> None:
    files, out = _files(), tmp_path / "kg"
    assert stale_outputs(files, out) == ["ctkg.nq", "small.txt"]
    write_outputs(files, out)
    assert (out / "ctkg.nq").read_bytes() == files["ctkg.nq"]
    assert stale_outputs(files, out) == []
    (out / "ctkg.nq").write_bytes(b"<a> <b> <c> .\n<d> <e> <X> .\n")  # same size, other bytes
    assert stale_outputs(files, out) == ["ctkg.nq"]
    (out / "ctkg.nq").write_bytes(files["ctkg.nq"] + b"\n")
    assert not same_as_file(out / "ctkg.nq", files.chunks("ctkg.nq"))
    assert not same_as_file(out / "missing", files.chunks("ctkg.nq"))


def test_each_file_hashed_once_until_it_changes() -> None:
    """VoID, the manifest and SHA256SUMS each ask for every dump's hash: a Files hashes it
    once, and again only after the file is set anew."""
    spool = Spool()
    files = Files()
    chunks = [spool.put(b"a" * 5000), b"tail\n"]
    files.set_chunks("ctkg.nq", chunks)
    reads = 0
    real = Span.__bytes__

    def counted(span: Span) -> bytes:
        nonlocal reads
        reads += 1
        return real(span)

    try:
        Span.__bytes__ = counted  # type: ignore[method-assign]
        want = hashlib.sha256(b"a" * 5000 + b"tail\n").hexdigest()
        assert sha256_of(files, "ctkg.nq") == want and reads == 1
        assert sha256_of(files, "ctkg.nq") == want and reads == 1  # not read again
        files.set_chunks("ctkg.nq", [b"other\n"])
        assert sha256_of(files, "ctkg.nq") == hashlib.sha256(b"other\n").hexdigest()
        files["ctkg.nq"] = b"third\n"
        assert sha256_of(files, "ctkg.nq") == hashlib.sha256(b"third\n").hexdigest()
        assert sha256_of({"x": b"plain"}, "x") == hashlib.sha256(b"plain").hexdigest()
    finally:
        Span.__bytes__ = real  # type: ignore[method-assign]


def test_hash_all_hashes_side_by_side_as_one_by_one() -> None:
    """The dumps hashed in threads give each file's own digest, kept for the next ask."""
    spool = Spool()
    files = Files({"small.txt": b"abc\n"})
    for i, name in enumerate(["ctkg.nq", "ctkg.trig", "ctkg.ttl"]):
        files.set_chunks(name, [spool.put(bytes([65 + i]) * (5000 * (i + 1))), b"end\n"])
    files.hash_all(["ctkg.nq", "ctkg.trig", "ctkg.ttl", "missing"])
    assert set(files._sha256) == {"ctkg.nq", "ctkg.trig", "ctkg.ttl"}
    for name in ("ctkg.nq", "ctkg.trig", "ctkg.ttl"):
        assert files.sha256(name) == hashlib.sha256(files[name]).hexdigest()
    files.hash_all(["small.txt"])  # one file: hashed here, no thread
    assert files._sha256["small.txt"] == hashlib.sha256(b"abc\n").hexdigest()


def test_a_later_file_is_made_once_when_first_asked_for() -> None:
    """VoID, the manifest and SHA256SUMS are made from the others' hashes: not before."""
    files, made = _files(), []

    def make() -> bytes:
        made.append(1)
        return sha256_of(files, "ctkg.nq").encode()

    files.set_later("sums", make)
    assert files.later() == {"sums"} and not made
    assert sorted(files) == ["ctkg.nq", "small.txt", "sums"]  # named before it is made
    assert files["sums"] == hashlib.sha256(files["ctkg.nq"]).hexdigest().encode()
    assert files.chunks("sums") == (files["sums"],) and made == [1] and not files.later()
    files.set_later("sums", lambda: b"again")
    assert files.contents()["sums"] == b"again" and not files.later()
    files.set_later("sums", make)
    files["sums"] = b"set"  # replaced before it was made: never made
    assert files["sums"] == b"set" and made == [1]


def test_hashes_noted_by_a_writer_are_used() -> None:
    """A writer that hashed the bytes as it wrote them hands the hashes over; not for a file
    still to be made (its bytes are not known yet) or not in the build."""
    files = _files()
    files.set_later("later", lambda: b"x")
    files.note_sha256({"ctkg.nq": "f" * 64, "later": "e" * 64, "other": "d" * 64})
    assert files.sha256("ctkg.nq") == "f" * 64
    assert files.sha256("later") == hashlib.sha256(b"x").hexdigest()
