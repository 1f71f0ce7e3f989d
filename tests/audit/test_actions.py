"""Every audited action has a human-readable name."""

import re
from pathlib import Path

from app.audit.actions import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2]
RECORDED = re.compile(r'record\(\s*"([a-z_.]+)"')


def test_every_recorded_action_has_a_label():
    packages = ("app", "tickets", "knowledge_base", "training")
    sources = [path for package in packages for path in ROOT.joinpath(package).rglob("*.py")]
    recorded = {name for path in sources for name in RECORDED.findall(path.read_text(encoding="utf-8"))}
    assert recorded, "no audit calls found: the pattern is out of date"
    assert sorted(recorded - set(ACTION_LABELS)) == []
