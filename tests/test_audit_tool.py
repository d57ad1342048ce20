"""The card audit worksheet (tools/audit_cards.py): a repeatable sample, and verdicts that tell
a field printed as such from one that is not."""

from __future__ import annotations

import importlib.util
import io
import shutil
import sys
from pathlib import Path

import yaml

from nomengraph import resources

ROOT = Path(__file__).parents[1]
SPEC = importlib.util.spec_from_file_location("audit_cards", ROOT / "tools" / "audit_cards.py")
audit_cards = importlib.util.module_from_spec(SPEC)
sys.modules.setdefault("audit_cards", audit_cards)  # its dataclasses look their module up
SPEC.loader.exec_module(audit_cards)


def test_the_sample_depends_on_the_seed_only():
    first = [c["id"] for c in audit_cards.sample(resources.CARDS, 14, 22)]
    assert first == [c["id"] for c in audit_cards.sample(resources.CARDS, 14, 22)]
    assert first != [c["id"] for c in audit_cards.sample(resources.CARDS, 15, 22)]
    assert len(set(first)) == 22 and first == sorted(first)


def test_a_field_not_printed_as_such_is_flagged(tmp_path: Path):
    cards = tmp_path / "cards"
    (cards / "cigref-2018").mkdir(parents=True)
    card = yaml.safe_load((resources.CARDS / "cigref-2018" / "5.1.yaml").read_text("utf-8"))
    lead = card["activities"][0]["tasks"][0]
    lead["items"][0] = "Aide à la définition des formations"  # cut short: still printed as such
    card["activities"][2]["tasks"][1] = "Veille au respect des délais"  # not printed
    (cards / "cigref-2018" / "5.1.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    shutil.copytree(resources.CARDS / "ecf", cards / "ecf")
    out = io.StringIO()
    counts = audit_cards.audit(cards, seed=1, size=1, out=out)
    sheet = out.getvalue()
    assert "## cigref-2018-5.1" in sheet
    assert "**activities[2].tasks[1]** [differs]" in sheet
    assert "**activities[0].tasks[0].items[0]** [inside]" in sheet
    assert "**activities[0].tasks[0]** [ok]" in sheet
    assert counts[("task", "differs")] == 1 and counts[("sub-item", "inside")] == 1
    # the sub-item lost half of its printed text, which the worksheet shows as unread
    assert "et participe à leur réalisation" in sheet.split("printed text in no field")[1]
