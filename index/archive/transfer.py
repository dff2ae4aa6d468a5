"""Copying an archive into another, e.g. from its folder onto servers, without reading or embedding anything again.

Each article goes over with its chunks and the vectors already computed for them, in the destination's write
batches, under its write lock, so the copy is as consistent (and as resumable) as an ingest: an article already in
the destination with the same content is skipped, so an interrupted copy is finished by running it again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index.archive.recorded import read_record
from index.archive.store import ArchiveStore
from index.errors import ArchiveNotFoundError, ArchiveSettingsError
from index.settings import IndexSettings


def open_folder_archive(path: str | Path) -> ArchiveStore:
    """The archive kept in the folder ``path``, opened with the settings it records (to copy it elsewhere).

    Raises:
        ArchiveNotFoundError: no archive there.
        ArchiveSettingsError: its parts live on servers, not in the folder.
    """
    folder = Path(path).expanduser()
    record = read_record(folder)
    if record is None:
        raise ArchiveNotFoundError(f"no newsdesk archive at {folder}; give the folder of an archive to copy")
    if record["vectors"] != "embedded" or record["manifest"] != "folder":
        raise ArchiveSettingsError(f"archive {folder} is kept on servers; copy from an archive kept in its folder")
    shape = {name: record[name] for name in IndexSettings().shape() if name in record}
    return ArchiveStore(folder, IndexSettings(**shape))


def copy_archive(source: ArchiveStore, destination: ArchiveStore,
                 progress: Callable[[int], None] | None = None) -> int:
    """Copy every article of ``source`` that ``destination`` lacks (or holds in another version).

    Args:
        source: the archive to read.
        destination: the archive to write; it must chunk and embed as ``source`` did.
        progress: called with the number of articles just handled.

    Returns:
        How many articles were written.

    Raises:
        ArchiveSettingsError: the two archives were built with other chunking or embedding settings.
    """
    if source.settings.shape() != destination.settings.shape():
        raise ArchiveSettingsError(
            f"cannot copy {source.path} into {destination.path}: they chunk and embed differently "
            f"({source.settings.shape()} against {destination.settings.shape()}); ingest the files instead"
        )
    ids = source.article_ids()
    written = 0
    with destination.writing():
        for start in range(0, len(ids), destination.settings.upsert_batch_size):
            page = ids[start : start + destination.settings.upsert_batch_size]
            articles = {aid: source.article(aid) for aid in page}
            wanted = [aid for aid, article in articles.items() if article is not None
                      and destination.content_hash(aid) != article.content_hash]
            chunks = source.chunks_of(wanted)
            vectors = source.vectors_of([c.chunk_id for aid in wanted for c in chunks.get(aid, [])])
            batch = []
            for aid in wanted:
                article, its_chunks = articles[aid], chunks.get(aid, [])
                # The vectors are those of the article's opening chunks (IndexSettings.dense_chunks), in order.
                embedded = [vectors[c.chunk_id] for c in its_chunks if c.chunk_id in vectors]
                batch.append((article, its_chunks, embedded, source.origin(aid)))
            destination.write(batch)  # type: ignore[arg-type]
            written += len(batch)
            if progress:
                progress(len(page))
    return written
