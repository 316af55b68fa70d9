"""Where staff are taken to put a print-gate problem right (F6, then Enter on the problem)."""

import pytest

from counter_app.reception.problems import Place, place_of


@pytest.mark.parametrize(
    ("path", "place"),
    [("answers", Place("interview", "")),
     ("forms.child_allowance.facts.move.other_prefecture", Place("interview", "")),
     ("move.new_address", Place("reception", "move.new_address")),
     ("forms.resident_move.move.city_address", Place("reception", "move.city_address")),
     ("forms.resident_move.move.new_postal_code", Place("reception", "move.postal_code")),
     ("household.head", Place("reception", "roles")),
     ("filer", Place("reception", "roles")),
     ("forms.resident_move.filer.phone", Place("reception", "roles")),
     ("forms.resident_move.member.kana", Place("reception", "details")),
     ("forms.seal.person.name", Place("reception", "details")),
     ("members.relationship", Place("reception", "members")),
     ("forms.resident_move.member.relationship", Place("reception", "members")),
     ("members", Place("reception", "members")),
     ("glyphs", Place("reception", "members")),
     ("event.subject", Place("reception", "event.subject")),
     ("event.date", Place("reception", "event.date")),
     ("forms.funeral_expenses.deceased.kana", Place("reception", "details")),
     ("forms.head_change.new_head.name", Place("reception", "details")),
     ("forms.low_birth_weight.3.person.kana", Place("reception", "details")),
     ("forms.nhi_event_change@nhi_loss_deceased.member.kana", Place("reception", "details")),
     ("forms.head_change.home.address", Place("reception", "")),
     ("forms.resident_move", Place("reception", "")),
     ("forms.x.city.name", Place("reception", ""))],
)
def test_each_problem_has_its_place(path, place):
    assert place_of(path) == place
