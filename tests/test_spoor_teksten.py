"""Every action the trail records has a name a council member can read (issue 14 added eight)."""

import re
from pathlib import Path

from participatie.spoor import ACTIE_TEKSTEN

ROOT = Path(__file__).resolve().parent.parent
# spoor.record(user, "actie", ...) and the domains' own wrappers _spoor(user, "actie", ...)
RECORD = re.compile(r'(?:spoor\.record|_spoor)\(\s*[\w.]+,\s*"([a-z_]+)"')


def test_every_recorded_action_has_a_dutch_name():
    recorded = {
        actie for path in (ROOT / "participatie").rglob("*.py") for actie in RECORD.findall(path.read_text())
    }
    assert len(recorded) > 20  # the pattern still finds the calls
    assert sorted(recorded - set(ACTIE_TEKSTEN)) == []
