"""What the page reads: questions per move kind with their applicability, derived from the
catalogue's condition trees; the city's postal codes; every text in every language."""

import contextlib
import copy
import io
import json
import re
import subprocess
from pathlib import Path

import pytest

from counter_app.address import city_postal_codes
from counter_app.app import main
from counter_app.domain.era import default_era_table
from counter_app.domain.facts import PREFECTURES, RELATIONSHIPS
from counter_app.preentry.export import page_data, page_questions, to_json
from counter_app.rules import Catalogue, default_catalogue

# counter-app's subcommands log to the data directory: a private one per test.
pytestmark = pytest.mark.usefixtures("data_dir")
ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "preentry"


def asked(catalogue, kind):
    questions, left = page_questions(catalogue, kind)
    return {q["fact"]: q["members"] for q in questions}, {x["fact"]: x["reason"] for x in left}


def test_the_default_catalogue_asks_what_procedures_md_says_and_nothing_derivable():
    move_in, left = asked(default_catalogue(), "move_in")
    assert left == {}
    assert move_in == {
        "household.has_dog": None, "household.has_moped": None,
        "card_held": [{}], "foreign_resident": [{}], "disability_certificate": [{}],
        "health_insurance": [{"age": [None, 74]}],  # 75 and over: derived, never asked
        "pension_category": [{"legal_age": [20, 59]}],
        "care_certified": [{"legal_age": [40, None]}],
        "pregnant": [{"legal_age": [12, 55], "sex": {"not_in": ["male"]}}],
        "needs_childcare": [{"school_grade": [None, 0]}],
        "wants_seal_registration": [{"legal_age": [15, None]}],
    }
    # The page always has both addresses with their prefecture: the counter derives it.
    assert "move.other_prefecture" not in move_in
    move_within, _ = asked(default_catalogue(), "move_within")
    assert move_within["household.school_district_changes"] == [{"school_grade": [1, 9]}]
    # Asked unless 65 or over (then the procedure applies anyway) or 75 and over (derived).
    assert move_within["health_insurance"] == [{"age": [None, 74], "legal_age": [None, 64]}]
    move_out, _ = asked(default_catalogue(), "move_out")
    assert set(move_out) == {"household.has_moped", "health_insurance", "care_certified",
                             "seal_registered"}
    # 40–64 for the rule itself, 65 and over for its document: together, 40 and over.
    assert move_out["care_certified"] == [{"legal_age": [40, None]}]


def _catalogue_with(procedure):
    data = copy.deepcopy(default_catalogue().raw)
    data["procedures"] = [p for p in data["procedures"] if p["id"] == "resident_move_in"]
    data["procedures"].append({"id": "test", "title_ja": "試験", "section": "市民課",
                               "who": procedure.pop("who", "member"), "move_kinds": ["move_in"],
                               "forms": [], "guide_ja": "試験", **procedure})
    return Catalogue.from_dict(data)


@pytest.mark.parametrize(("when", "expected"), [
    # beside `or`: needed where the other part is false
    ({"or": [{"fact": "legal_age", "op": ">=", "value": 65}, {"fact": "care_certified"}]},
     [{"legal_age": [None, 64]}]),
    # inside `not`: the same need
    ({"and": [{"not": {"fact": "care_certified"}}, {"fact": "school_grade", "op": "==",
                                                     "value": 3}]},
     [{"school_grade": [3, 3]}]),
    # another answer beside it may go either way: it does not narrow the question
    ({"and": [{"fact": "pregnant"}, {"fact": "care_certified"}]}, [{}]),
    # two rules: either range
    ({"or": [{"and": [{"fact": "age", "op": "<", "value": 10}, {"fact": "care_certified"}]},
             {"and": [{"fact": "age", "op": ">", "value": 70}, {"fact": "care_certified"}]}]},
     [{"age": [71, None]}, {"age": [None, 9]}]),
    # a range nobody can be in: never asked (the catalogue's validator refuses the plain
    # `age < 10 and age > 20`; spread over an `or`, only the walk finds it)
    ({"and": [{"fact": "age", "op": "<", "value": 10},
              {"or": [{"and": [{"fact": "age", "op": ">", "value": 20},
                               {"fact": "care_certified"}]},
                      {"and": [{"fact": "age", "op": ">", "value": 30},
                               {"fact": "care_certified"}]}]}]}, None),
])
def test_applicability_follows_the_condition_tree(when, expected):
    questions, left = asked(_catalogue_with({"when": when}), "move_in")
    assert left == {}
    assert questions.get("care_certified") == expected


def test_a_documents_condition_counts_only_where_its_procedure_applies():
    procedure = {"when": {"fact": "legal_age", "op": ">=", "value": 65},
                 "documents": [{"text_ja": "証明書", "when": {"fact": "care_certified"}}]}
    questions, left = asked(_catalogue_with(procedure), "move_in")
    assert (questions["care_certified"], left) == ([{"legal_age": [65, None]}], {})


def test_a_range_inside_a_wider_one_is_dropped():
    when = {"or": [{"fact": "care_certified"},
                   {"and": [{"fact": "age", "op": "<", "value": 75},
                            {"fact": "legal_age", "op": ">=", "value": 65},
                            {"fact": "care_certified"}]}]}
    questions, _ = asked(_catalogue_with({"when": when}), "move_in")
    assert questions["care_certified"] == [{}]
    when = {"or": [{"and": [{"fact": "age", "op": "<", "value": 10},
                            {"fact": "sex", "op": "==", "value": "female"},
                            {"fact": "care_certified"}]},
                   {"and": [{"fact": "age", "op": "<", "value": 20},
                            {"fact": "sex", "op": "!=", "value": "male"},
                            {"fact": "care_certified"}]}]}
    questions, _ = asked(_catalogue_with({"when": when}), "move_in")
    assert questions["care_certified"] == [{"age": [None, 19], "sex": {"not_in": ["male"]}}]


@pytest.mark.parametrize(("when", "reason"), [
    ({"and": [{"fact": "move.date", "op": ">=", "value": {"fact": "move.date"}},
              {"fact": "care_certified"}]}, "it reads move.date"),
    ({"and": [{"fact": "age", "op": "!=", "value": 3}, {"fact": "care_certified"}]},
     "age != is not a range"),
    ({"and": [{"fact": "age", "op": "in", "value": [3, 4]}, {"fact": "care_certified"}]},
     "age in is not a range"),
    ({"and": [{"fact": "age", "op": "<", "value": {"fact": "legal_age"}},
              {"fact": "care_certified"}]}, "it reads age"),
])
def test_a_fact_that_is_not_simple_is_left_to_the_counter(when, reason):
    questions, left = asked(_catalogue_with({"when": when}), "move_in")
    assert "care_certified" not in questions
    assert left == {"care_certified": reason}


def test_a_household_fact_beside_any_member_is_left_to_the_counter():
    when = {"and": [{"fact": "household.has_dog"},
                    {"any_member": {"fact": "age", "op": "<", "value": 6}}]}
    questions, left = asked(_catalogue_with({"who": "household", "when": when}), "move_in")
    assert "household.has_dog" not in questions
    assert left == {"household.has_dog": "a household condition on any member beside it"}


def test_the_published_page_data_is_the_default_catalogues_export():
    data = page_data(default_catalogue(), city_postal_codes(), default_era_table())
    committed = (PAGE / "data" / "city.json").read_text(encoding="utf-8")
    assert committed == to_json(data), "run: counter-app preentry export --out preentry"
    assert [t["postal_code"] for t in data["towns"]] == [
        t.postal_code for t in city_postal_codes().towns]
    assert data["eras"][0]["name"] == "令和" and data["eras"][0]["last_day"] is None
    assert data["relationships"] == list(RELATIONSHIPS)


def _texts(lang):
    return json.loads((PAGE / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def test_every_language_has_every_text():
    ja = _texts("ja")
    for lang in ("easy", "en"):
        texts = _texts(lang)
        assert sorted(set(ja) - set(texts)) == [], lang
        assert sorted(k for k in set(texts) - set(ja) if not k.startswith("pref.")) in (
            ["choices", "questions"], []), lang
        # questions and choices of the shipped catalogue, in words a resident reads
        catalogue = default_catalogue()
        assert set(texts["questions"]) == set(catalogue.questions), lang
        for fact, spec in catalogue.facts.items():
            if spec.choices and fact in catalogue.questions:
                assert set(texts["choices"][fact]) == {v for v, _ in spec.choices}, (lang, fact)
    assert {k[len("pref."):] for k in _texts("en") if k.startswith("pref.")} == set(PREFECTURES)
    assert set(_texts("en")["relationships"]) == set(RELATIONSHIPS)


def test_every_text_the_page_uses_exists():
    script = (PAGE / "js" / "app.js").read_text(encoding="utf-8")
    literal = set(re.findall(r"\bt\('([a-zA-Z.]+)'", script))
    dynamic = {f"{prefix}.{name}" for prefix, names in (
        ("step", ("move", "address", "members", "questions", "contact", "summary")),
        ("kind", ("move_in", "move_within", "move_out", "move_in.note", "move_within.note",
                  "move_out.note")),
        ("era", ("R", "H", "S", "T", "M")), ("sex", ("male", "female")),
        ("address", [f"{k}.{s}" for k in ("move_in", "move_within", "move_out")
                     for s in ("prev", "next")]),
    ) for name in names}
    errors = set(re.findall(r"key: '([a-zA-Z.]+)'", script))
    dates = set(re.findall(r"'(date\.[a-zA-Z]+)'", (PAGE / "js" / "dates.js").read_text()))
    assert literal and errors and dates
    assert sorted((literal | dynamic | errors | dates) - set(_texts("ja"))) == []


def run(*args):
    """counter-app's entry point in this process (a child process costs seconds here)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["preentry", *args])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def test_export_writes_a_page_ready_to_publish(tmp_path):
    result = run("export", "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    written = sorted(str(p.relative_to(tmp_path / "site")) for p in (tmp_path / "site").rglob("*")
                     if p.is_file())
    assert written == ["data/city.json", "i18n/easy.json", "i18n/en.json", "i18n/ja.json",
                       "index.html", "js/app.js", "js/dates.js", "js/kana.js", "js/payload.js",
                       "js/qr.js", "style.css"]
    assert (tmp_path / "site" / "data" / "city.json").read_text() == (
        PAGE / "data" / "city.json").read_text()


def test_export_takes_a_citys_own_postal_codes_and_catalogue(tmp_path):
    postal = json.loads((ROOT / "resources" / "city" / "postal_codes.json").read_text())
    postal["city_ja"] = "みどり町"
    postal["towns"] = postal["towns"][:2]
    (tmp_path / "postal.json").write_text(json.dumps(postal, ensure_ascii=False))
    catalogue = default_catalogue().raw
    catalogue["procedures"] = [p for p in catalogue["procedures"] if p["id"] != "dog_registration"]
    (tmp_path / "catalogue.json").write_text(json.dumps(catalogue, ensure_ascii=False))
    result = run("export", "--out", str(tmp_path / "site"), "--postal-codes",
                 str(tmp_path / "postal.json"), "--catalogue", str(tmp_path / "catalogue.json"))
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "site" / "data" / "city.json").read_text())
    assert data["city"]["name_ja"] == "みどり町" and len(data["towns"]) == 2
    facts = {q["fact"] for q in data["moves"]["move_in"]["questions"]}
    assert "household.has_dog" not in facts and "household.has_moped" in facts


@pytest.mark.parametrize(("content", "message"), [
    ('{"towns": []}', "郵便番号データに誤りがあります"),
    ("not json", "郵便番号データに誤りがあります"),
    (None, "郵便番号データを読めません"),
])
def test_a_bad_postal_file_is_one_line_and_exit_2(tmp_path, content, message):
    if content is not None:
        (tmp_path / "postal.json").write_text(content)
    result = run("export", "--out", str(tmp_path / "site"), "--postal-codes",
                 str(tmp_path / "postal.json"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_an_unwritable_destination_is_exit_3(tmp_path):
    (tmp_path / "file").write_text("")
    result = run("export", "--out", str(tmp_path / "file" / "site"))
    assert result.returncode == 3
    assert result.stderr.startswith("counter-app: 事前入力ページを書き出せません")
