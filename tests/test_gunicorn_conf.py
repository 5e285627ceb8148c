"""gunicorn.conf.py: the worker settings come from the environment, and the garbage collector
is tuned around the fork (the app's objects frozen in the master, a larger first generation in
each worker)."""

import gc
import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def gc_state():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_master_freezes_what_loading_the_app_made(gc_state):
    conf = runpy.run_path(str(CONF))
    before = gc.get_freeze_count()
    kept = [object() for _ in range(10)]  # tracked objects made "while loading the app"
    conf["pre_fork"](None, None)
    assert gc.get_freeze_count() > before
    assert kept


@pytest.mark.django_db
def test_each_worker_gets_the_first_generations_threshold(gc_state, monkeypatch):
    monkeypatch.setenv("GC_THRESHOLD", "12345")
    conf = runpy.run_path(str(CONF))
    conf["post_fork"](None, None)
    assert gc.get_threshold()[0] == 12345
    monkeypatch.setenv("GC_THRESHOLD", "0")  # 0 leaves Python's own
    gc.set_threshold(700, 10, 10)
    runpy.run_path(str(CONF))["post_fork"](None, None)
    assert gc.get_threshold() == (700, 10, 10)


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    conf = runpy.run_path(str(CONF))
    assert (conf["workers"], conf["threads"], conf["worker_class"]) == (3, 4, "gthread")
