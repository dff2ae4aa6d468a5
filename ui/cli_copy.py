"""``newsdesk copy``: an archive kept in a folder copied into another archive, typically onto servers
(``--database-url``, ``--chroma-url``), without reading or embedding its articles again. Registered on the group in
``ui/cli.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from index.archive.store import ArchiveStore
from index.archive.transfer import copy_archive, open_folder_archive
from ui.options import archive_option, friendly_errors, settings_from


@click.command("copy")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@archive_option
@click.pass_context
@friendly_errors
def copy_command(ctx: click.Context, source: Path, **_: Any) -> None:
    """Copy the archive in the folder SOURCE into --archive (on the servers the options or environment name).

    Run it again to finish an interrupted copy: articles already copied are skipped.
    """
    settings = settings_from(ctx)
    origin = open_folder_archive(source)
    index = settings.index.model_copy(update=origin.settings.shape())
    destination = ArchiveStore(settings.archive, index, create=True)
    with tqdm(total=origin.article_count(), unit="article", disable=None) as bar:
        written = copy_archive(origin, destination, progress=bar.update)
    stats = destination.stats()
    click.echo(f"copied {written} articles; {settings.archive} now holds {stats.articles} articles, "
               f"{stats.chunks} chunks, {stats.vectors} vectors")
