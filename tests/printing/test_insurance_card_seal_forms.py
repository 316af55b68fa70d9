"""What the 国保・年金・後期・介護・障害者手帳・カード・印鑑 forms print, read from the bound
forms (the text each box shows under its own caption), for the long households and the
household turning 65 on the day after the move. Findings of the forms review: the address by
move kind (1), people by role (2), one form per person (4), the system's knowledge printed
(9, 17), the addressee (21), no lone pre-ticked box (24)."""

import datetime as dt
import json
from pathlib import Path

import pytest

from counter_app.domain import Case
from counter_app.reception.packet import assemble
from counter_app.rules import default_catalogue, determine
from forms.binding import bind
from forms.templates import extent, load_templates

HERE = Path(__file__).resolve().parent
FORMS = ("card_face_change", "ecert_issue", "seal_registration", "nhi_change",
         "national_pension", "late_elderly_change", "care_insurance_acquire",
         "care_insurance_lose", "care_certification", "disability_certificate_address")
PER_PERSON = ("ecert_issue", "seal_registration", "national_pension", "care_certification",
              "disability_certificate_address")


def _case(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    return Case.from_dict(data.get("case", data))


@pytest.fixture(scope="module")
def packets():
    """name → (case, built packet) for the three long households and household 11."""
    catalogue, templates = default_catalogue(), load_templates()
    found = {}
    for path in [*sorted((HERE / "cases").glob("long_*.json")),
                 HERE.parent / "households" / "11_sixty_five_on_the_birthday_eve.json"]:
        case = _case(path)
        found[path.stem] = (case, assemble(case, determine(case, catalogue, case.filed_on),
                                           catalogue, templates, False, dt.date(2026, 6, 3)))
    return found


class Printed:
    """One form job as printed on its first page: field text and ticks by caption (the first
    element with that caption: the 届出人's 住所 comes after the form's own)."""

    def __init__(self, job, style):
        self.job = job
        self.bound = bind(job.template, job.context, style)
        page = self.bound.pages[0]
        self.fields: dict[str, str] = {}
        self.ticks: dict[str, bool] = {}
        for index, element in enumerate(job.template.elements):
            if index in page.hidden:
                continue
            if element["type"] == "field":
                text = page.values.get(index, "")
                self.fields.setdefault(element["label"],
                                       text + element.get("suffix", "") if text else text)
            elif element["type"] == "check":
                self.ticks.setdefault(element["label"], page.checks.get(index, False))

    def column(self, label):
        table = self.job.template.members_table
        at = [c["label"] for c in table["columns"]].index(label)
        return [row[at] for page in self.bound.pages for row in page.rows]


def printed(packets, name, form_id):
    _case, built = packets[name]
    return [Printed(job, built.packet.style) for job in built.packet.forms
            if job.template.id == form_id]


def test_every_form_of_this_list_is_printed_by_the_long_households(packets):
    printed_ids = {job.template.id for _case, built in packets.values()
                   for job in built.packet.forms}
    assert set(FORMS) <= printed_ids


@pytest.mark.parametrize("form_id", ["nhi_change", "late_elderly_change", "care_insurance_lose"])
def test_move_out_forms_print_the_city_address_as_住所_and_the_destination_as_転出先(
        packets, form_id):
    (form,) = printed(packets, "long_move_out", form_id)
    assert form.fields["住所"].startswith("北海道あおば市本町三丁目２１番地")
    assert form.fields["転出先"].startswith("大阪府大阪市北区中之島")
    assert form.fields["転出先の方書"].startswith("中之島グランドタワー")
    assert form.fields["方書（建物名・部屋番号）"].startswith("あおば中央ハイツ")
    assert not [label for label in form.fields if "前住所" in label]
    assert [label for label in form.fields if "異動日" in label] == ["異動日（転出予定日）"]


@pytest.mark.parametrize("form_id", ["nhi_change", "late_elderly_change",
                                     "care_insurance_acquire", "card_face_change",
                                     "national_pension"])
def test_move_in_forms_print_the_previous_address_as_前住所(packets, form_id):
    (form,) = printed(packets, "long_move_in", form_id)[:1]
    previous = [label for label, text in form.fields.items() if text.startswith("大阪府")]
    assert previous and all("前の住所" in label or "前住所" in label for label in previous)
    assert not [label for label in form.fields if "転出先" in label]
    assert form.fields["住所"].startswith("北海道あおば市本町三丁目")


def test_a_move_within_card_form_says_旧住所_and_転居(packets):
    (form,) = printed(packets, "long_move_within", "card_face_change")
    assert form.fields["旧住所"].startswith("北海道あおば市緑町")
    assert "異動日（転居日）" in form.fields
    assert form.ticks["住所の変更"] and not form.ticks["継続利用（転入）"]


def test_the_national_health_insurance_form_names_the_head_and_the_filer_apart(packets):
    """Long move-in: the 世帯主 is member 2, the wife (member 0) files."""
    case, _built = packets["long_move_in"]
    (form,) = printed(packets, "long_move_in", "nhi_change")
    fields = form.job.template.elements
    paths = {e["label"]: e.get("path") for e in fields if e["type"] == "field"}
    assert paths["氏名"] in ("head.name", "filer.name")
    head_box = next(e for e in fields if e["type"] == "box" and e.get("label", "")
                    .startswith("世帯主"))
    inside = [e for e in fields if e["type"] == "field" and _inside(head_box, e)]
    assert {e["path"] for e in inside} == {"head.kana", "head.name", "head.birth_date"}
    names = form.bound.fields()
    assert names["head.name"] == case.members[2].name
    assert names["filer.name"] == case.members[0].name
    assert form.ticks["資格取得（加入）"] and not form.ticks["資格喪失（脱退）"]
    (out,) = printed(packets, "long_move_out", "nhi_change")
    assert out.ticks["資格喪失（脱退）"] and not out.ticks["資格取得（加入）"]
    assert out.bound.fields()["filer.name"] == "代理　花子"


def _inside(outer, inner):
    a, b = extent(outer), extent(inner)
    return a[0] <= b[0] and a[1] <= b[1] and b[2] <= a[2] and b[3] <= a[3]


@pytest.mark.parametrize("form_id", FORMS)
def test_fields_inside_a_box_for_a_role_belong_to_that_role(form_id):
    """A box captioned 世帯主… holds the head's values, one captioned 届出人… the filer's."""
    template = load_templates()[form_id]
    roles = {"世帯主": "head.", "届出人": "filer."}
    for outer in template.elements:
        role = next((r for r in roles if outer["type"] == "box"
                     and outer.get("label", "").startswith(r)), None)
        if role is None:
            continue
        for inner in template.elements:
            if inner["type"] == "field" and "path" in inner and _inside(outer, inner):
                assert inner["path"].startswith(roles[role]), (form_id, inner["label"])


@pytest.mark.parametrize("form_id", PER_PERSON)
def test_per_person_forms_print_once_for_each_person_with_that_persons_name(packets, form_id):
    seen = 0
    for name, (case, built) in packets.items():
        jobs = [job for job in built.packet.forms if job.template.id == form_id]
        members = next((row.members for row in built.checklist.rows if form_id in row.forms),
                       ())
        assert [job.key for job in jobs] == [f"{form_id}.{i}" for i in members], name
        for job, index in zip(jobs, members, strict=True):
            fields = bind(job.template, job.context, built.packet.style).fields()
            assert fields["person.name"] == case.members[index].name
        seen += len(jobs)
    assert seen >= 1


def test_the_care_certification_is_one_application_per_certified_person(packets):
    forms = printed(packets, "long_move_in", "care_certification")
    assert [f.job.key for f in forms] == ["care_certification.6", "care_certification.7"]
    assert [f.fields["年齢"] for f in forms] == ["78歳", "69歳"]


def test_the_late_elderly_form_is_addressed_to_the_prefectures_union(packets):
    (form,) = printed(packets, "long_move_in", "late_elderly_change")
    assert form.fields["（あて先）"] == "北海道後期高齢者医療広域連合長"
    (city,) = printed(packets, "long_move_in", "nhi_change")
    assert city.fields["（あて先）"] == "あおば市長"


def test_the_late_elderly_form_prints_what_the_prefecture_change_means(packets):
    (moving_in,) = printed(packets, "long_move_in", "late_elderly_change")
    assert moving_in.ticks == {**moving_in.ticks, "他の都道府県からの転入": True,
                               "同じ都道府県内からの転入": False,
                               "提出あり（他の都道府県からの転入）": True,
                               "不要（同じ都道府県内）": False}
    (moving_out,) = printed(packets, "long_move_out", "late_elderly_change")
    assert moving_out.ticks["交付する（他の都道府県への転出）"]
    assert moving_out.fields["世帯主氏名"] == "髙橋　隆之介"


def test_care_forms_print_legal_age_and_the_certification(packets):
    """第1号被保険者（65歳以上の方）: legal age, so the person whose birthday is the day after
    the move reads 65歳, not 64歳 (review finding 9); 要介護認定 あり/なし from the answers."""
    (eve,) = printed(packets, "11_sixty_five_on_the_birthday_eve", "care_insurance_acquire")
    assert eve.column("年齢") == ["65歳"]
    assert eve.column("要介護・要支援認定") == ["なし"]
    (long_in,) = printed(packets, "long_move_in", "care_insurance_acquire")
    assert long_in.column("要介護・要支援認定") == ["あり", "あり"]
    (long_out,) = printed(packets, "long_move_out", "care_insurance_lose")
    assert long_out.column("要介護認定") == ["あり", "あり"]
    assert long_out.column("年齢") == ["70歳", "76歳"]


def test_the_seal_form_ticks_the_card_only_for_a_card_holder(packets):
    seals = {f.job.key: f for f in printed(packets, "long_move_in", "seal_registration")}
    assert seals["seal_registration.2"].ticks["マイナンバーカード"]
    assert not seals["seal_registration.8"].ticks["マイナンバーカード"]
    alias = "通称（外国人住民の方で、通称の印鑑を登録する場合）"
    assert seals["seal_registration.8"].fields[alias] == "ウルフ　ヒューバート"
    assert alias not in seals["seal_registration.2"].fields


def test_the_pension_and_certificate_forms_tick_what_was_answered(packets):
    pensions = printed(packets, "long_move_in", "national_pension")
    for form in pensions:
        categories = [label for label in form.ticks if label.startswith("第")]
        assert [form.ticks[label] for label in categories] == [True, False, False]
        assert categories[0].startswith("第1号")
    certificates = printed(packets, "long_move_in", "ecert_issue")
    for form in certificates:
        assert form.ticks["署名用電子証明書"] and not form.ticks["利用者証明用電子証明書"]
        assert form.fields["マイナンバーカードの所持"] == "あり"


@pytest.mark.parametrize("form_id", FORMS)
def test_no_tick_box_the_system_sets_stands_without_an_alternative(form_id):
    """A ticked box alone says nothing (review finding 24): every bound tick box shares its
    row with another tick box shown under the same condition."""
    checks = [e for e in load_templates()[form_id].elements if e["type"] == "check"]
    for check in checks:
        if "path" not in check:
            continue
        partners = [o for o in checks if o is not check and abs(o["y"] - check["y"]) < 0.01
                    and o.get("when") in (None, check.get("when"))]
        assert partners, (form_id, check["label"])
