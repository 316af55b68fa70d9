"""Catalogue versions in a real database (SQLite; PostgreSQL in the slow run): seeding, drafts
with optimistic locking, publishing only when every test household passes, restoring as a new
version, refused imports that change nothing, and the audit with readable diffs."""

import copy
import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from counter_app.domain import Case, Member, MemberSource, Move, MoveKind
from counter_app.reception.packet import form_facts
from counter_app.reception.session import ReceptionSession
from counter_app.rules import default_catalogue
from counter_app.rules.catalogue import shipped_text
from counter_app.rules.whatif import shipped_households
from counter_app.store import CaseRepository
from counter_app.store.audit import AuditLog
from counter_app.store.catalogues import (
    SYSTEM,
    CatalogueInvalid,
    CatalogueStore,
    CatalogueStoreError,
    DraftConflict,
    Origin,
    PublishedCatalogue,
    PublishRefused,
    Status,
)
from counter_app.store.models import AuditRow, CatalogueChangeRow, CatalogueVersionRow
from forms.templates import load_templates

pytestmark = pytest.mark.backends("sqlite", "postgresql")

FORM_FACTS = form_facts(load_templates())
SHIPPED = json.loads(shipped_text())
HOUSEHOLDS = shipped_households()


@pytest.fixture
def store(sessions):
    return CatalogueStore(sessions, form_facts=FORM_FACTS)


@pytest.fixture
def seeded(store):
    assert store.seed(SHIPPED, lambda: HOUSEHOLDS) == 1
    return store


def _procedure(data, pid):
    return next(p for p in data["procedures"] if p["id"] == pid)


def _snapshot(sessions):
    """Everything the catalogue store writes: versions, changes, audit entries."""
    with sessions() as session:
        return [sorted(tuple(str(v) for v in row)
                       for row in session.execute(select(table.__table__)))
                for table in (CatalogueVersionRow, CatalogueChangeRow, AuditRow)]


def test_a_new_database_is_seeded_with_the_shipped_catalogue_as_version_1(seeded, sessions):
    [version] = seeded.versions()
    assert (version.number, version.status, version.origin, version.created_by) == \
        (1, Status.PUBLISHED, Origin.SHIPPED, SYSTEM)
    assert seeded.latest_published_number() == 1
    assert seeded.document(1) == SHIPPED
    assert seeded.catalogue(1) == default_catalogue()
    assert [h["name"] for h in seeded.households(1)] == [h["name"] for h in HOUSEHOLDS]
    assert seeded.seed(SHIPPED, lambda: HOUSEHOLDS) is None  # the next start: nothing new
    assert len(seeded.versions()) == 1
    [entry] = AuditLog(sessions).entries()
    assert (entry.action, entry.account) == ("catalogue.seed", SYSTEM)


def test_a_newer_shipped_catalogue_becomes_a_draft_never_published(seeded):
    newer = copy.deepcopy(SHIPPED)
    _procedure(newer, "dog_registration")["deadline"] = {"days": 20, "from": "move_date"}
    assert seeded.seed(newer, lambda: HOUSEHOLDS) == 2
    assert seeded.version(2).status is Status.DRAFT and seeded.version(2).based_on == 1
    assert seeded.latest_published_number() == 1
    [change] = seeded.changes(2)
    assert change.lines == ("based on version 1",
                            '~ procedures[dog_registration].deadline: {"days": 30, "from": '
                            '"move_date"} → {"days": 20, "from": "move_date"}')
    # Edited or not, the same shipped file does not come back as a third version.
    edited = seeded.document(2)
    edited["_comment"] = "あおば市の編集"
    seeded.save_draft(2, edited, 1, "kanri")
    assert seeded.seed(newer, lambda: HOUSEHOLDS) is None
    assert len(seeded.versions()) == 2


def test_a_stale_save_of_a_draft_is_a_conflict_naming_who_saved(seeded):
    number = seeded.create_draft("sato")
    assert seeded.version(number).revision == 1
    mine, theirs = seeded.document(number), seeded.document(number)
    mine["city"]["settings"]["child_medical_grade_cap"] = 12
    theirs["city"]["settings"]["child_medical_grade_cap"] = 6
    assert seeded.save_draft(number, mine, 1, "sato") == 2
    with pytest.raises(DraftConflict) as conflict:
        seeded.save_draft(number, theirs, 1, "suzuki")
    assert conflict.value.saved_by == "sato" and conflict.value.revision == 2
    assert "sato さんが" in conflict.value.message_ja
    assert "保存されていません" in conflict.value.message_ja
    assert seeded.document(number)["city"]["settings"]["child_medical_grade_cap"] == 12
    version = seeded.version(number)
    assert (version.revision, version.saved_by) == (2, "sato")
    edit = seeded.changes(number)[-1]
    assert (edit.action, edit.account, edit.lines) == (
        "catalogue.edit", "sato", ("~ city.settings[child_medical_grade_cap]: 9 → 12",))


def test_publishing_is_refused_while_a_test_household_differs(seeded, sessions):
    number = seeded.create_draft("sato")
    draft = seeded.document(number)
    _procedure(draft, "care_insurance_enroll")["when"]["value"] = 66
    seeded.save_draft(number, draft, 1, "sato")
    before = _snapshot(sessions)
    with pytest.raises(PublishRefused) as refused:
        seeded.publish(number, "sato")
    [failing] = refused.value.failing
    assert failing.household.name == "11_sixty_five_on_the_birthday_eve"
    assert [d.describe() for d in failing.differences] == [
        "missing care_insurance_enroll members 0 — member 0: rule is false with legal_age = 65"]
    assert _snapshot(sessions) == before
    assert seeded.latest_published_number() == 1


def test_a_draft_with_problems_is_saved_but_not_published(seeded):
    number = seeded.create_draft("sato")
    draft = seeded.document(number)
    _procedure(draft, "nhi_enroll")["when"] = {"fact": "health_insurence", "value": "nhi"}
    seeded.save_draft(number, draft, 1, "sato")  # work in progress
    with pytest.raises(CatalogueInvalid) as invalid:
        seeded.publish(number, "sato")
    assert invalid.value.problems[0].path.endswith(".when.fact")
    assert seeded.latest_published_number() == 1


def test_publish_then_restore_an_earlier_version_as_a_new_one(seeded, sessions):
    number = seeded.create_draft("sato")
    draft = seeded.document(number)
    _procedure(draft, "dog_registration")["deadline"]["days"] = 20
    seeded.save_draft(number, draft, 1, "sato")
    seeded.publish(number, "tanaka")
    published = seeded.version(number)
    assert (published.status, published.published_by) == (Status.PUBLISHED, "tanaka")
    assert seeded.version(1).status is Status.RETIRED
    assert seeded.catalogue(number).version == number
    restored = seeded.restore(1, "tanaka")
    assert restored == number + 1
    version = seeded.version(restored)
    assert (version.status, version.origin, version.based_on) == \
        (Status.PUBLISHED, Origin.RESTORE, 1)
    assert seeded.version(number).status is Status.RETIRED
    assert seeded.document(restored) == {**SHIPPED, "version": restored}
    [change] = seeded.changes(restored)
    assert change.lines == (f"in place of version {number}",
                            '~ procedures[dog_registration].deadline: {"days": 20, "from": '
                            '"move_date"} → {"days": 30, "from": "move_date"}')
    actions = [(e.action, e.account) for e in AuditLog(sessions).entries()][::-1]
    assert actions == [("catalogue.seed", SYSTEM), ("catalogue.draft", "sato"),
                       ("catalogue.edit", "sato"), ("catalogue.publish", "tanaka"),
                       ("catalogue.restore", "tanaka")]
    assert all("catalogue version" in e.detail for e in AuditLog(sessions).entries())
    with pytest.raises(CatalogueStoreError):
        seeded.publish(restored, "tanaka")  # not a draft
    with pytest.raises(CatalogueStoreError):
        seeded.save_draft(restored, seeded.document(restored), 1, "tanaka")


def _bad_json_like(data):
    data["procedures"] = "not a list"


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: _procedure(d, "nhi_enroll").update(when={"fact": "cat_owner"}),
     ".when.fact"),
    (lambda d: d["procedures"].append(copy.deepcopy(d["procedures"][0])), ".id"),
    (_bad_json_like, "procedures"),
])
def test_a_refused_import_changes_nothing(seeded, sessions, change, path):
    data = copy.deepcopy(SHIPPED)
    change(data)
    before = _snapshot(sessions)
    with pytest.raises(CatalogueInvalid) as refused:
        seeded.import_draft(data, "sato")
    assert refused.value.problems[0].path.endswith(path)
    assert _snapshot(sessions) == before


def test_an_import_becomes_a_draft_based_on_the_published_version(seeded):
    data = copy.deepcopy(SHIPPED)
    _procedure(data, "moped_registration")["title_ja"] = "原付の標識交付"
    number = seeded.import_draft(data, "sato")
    version = seeded.version(number)
    assert (version.status, version.origin, version.based_on) == \
        (Status.DRAFT, Origin.IMPORT, 1)
    assert seeded.households(number) == seeded.households(1)
    [change] = seeded.changes(number)
    assert change.action == "catalogue.import"
    assert '~ procedures[moped_registration].title_ja: "原付・小型特殊 標識交付" → ' \
           '"原付の標識交付"' in change.lines


def test_at_most_one_version_is_published(seeded, sessions):
    seeded.create_draft("sato")
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.execute(text("update catalogue_versions set status = 'published' "
                             "where number = 2"))


def test_counters_pick_up_a_newly_published_version_at_the_next_case(store, sessions):
    published = PublishedCatalogue(store, lambda: SHIPPED, lambda: HOUSEHOLDS)
    first = published.current()  # a new database: seeded first
    assert first.version == 1 and store.latest_published_number() == 1
    assert published.current() is first  # parsed once per version
    number = store.create_draft("sato")
    draft = store.document(number)
    _procedure(draft, "dog_registration")["deadline"]["days"] = 20
    store.save_draft(number, draft, 1, "sato")
    store.publish(number, "sato")
    second = published.current()
    assert second.version == number
    assert second.procedure("dog_registration").deadline.days == 20
    # Every new case is stamped with the version that decides it, in the store too.
    repository = CaseRepository(sessions)
    session = ReceptionSession.new(second, repository.save, dt.date(2026, 4, 1))
    session.add_member(Member("試験　一", dt.date(1980, 1, 1), "male", "世帯主",
                              MemberSource.MANUAL))
    assert repository.load(session.case.id).catalogue_version == number
    with sessions() as db:
        assert db.scalar(text("select catalogue_version from cases")) == number


def test_a_case_decided_under_an_older_version_resumes_under_the_newer(store, sessions):
    published = PublishedCatalogue(store, lambda: SHIPPED, lambda: HOUSEHOLDS)
    repository = CaseRepository(sessions)
    case = Case(Move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市千現１",
                     "北海道あおば市本町１"),
                [Member("試験　一", dt.date(1980, 1, 1), "male", "世帯主", MemberSource.CARD)])
    session = ReceptionSession(case, published.current(), repository.save, dt.date(2026, 4, 1))
    session.set_answers({"household.has_dog": True, "member.0.health_insurance": "welfare"})
    assert session.determination.chosen("dog_registration") is not None
    # Version 2 has no dogs and no 生活保護 choice.
    number = store.create_draft("sato")
    draft = store.document(number)
    draft["procedures"].remove(_procedure(draft, "dog_registration"))
    draft["questions"] = [q for q in draft["questions"] if q["fact"] != "household.has_dog"]
    draft["facts"] = [f for f in draft["facts"] if f["key"] != "household.has_dog"]
    insurance = next(f for f in draft["facts"] if f["key"] == "health_insurance")
    insurance["choices"] = [c for c in insurance["choices"] if c["value"] != "welfare"]
    households = [h for h in store.households(number)  # those about dogs and 生活保護 go
                  if "household.has_dog" not in h["household"].get("answers", {})
                  and "welfare" not in h["household"].get("answers", {}).values()]
    for household in households:  # and the dog question is no longer open anywhere
        open_questions = household["household"].get("expected_unanswered", [])
        if "household.has_dog" in open_questions:
            open_questions.remove("household.has_dog")
    store.save_draft(number, draft, 1, "sato", households)
    store.publish(number, "sato")
    stored = repository.load(case.id)
    assert stored.catalogue_version == 1
    resumed = ReceptionSession(stored, published.current(), repository.save, dt.date(2026, 4, 2))
    assert resumed.case.set_aside == {"household.has_dog": True,
                                      "member.0.health_insurance": "welfare"}
    assert resumed.determination.chosen("dog_registration") is None
    assert "member.0.health_insurance" in resumed.open_keys()  # asked again
    resumed.answer("member.0.health_insurance", "nhi")
    again = repository.load(case.id)
    assert again.set_aside == resumed.case.set_aside  # kept, never lost
    assert again.answers["member.0.health_insurance"] == "nhi"


def test_versions_and_changes_hold_no_password_or_personal_data(seeded, sessions):
    seeded.create_draft("sato")
    with sessions() as session:
        texts = " ".join(r for r in session.scalars(select(CatalogueChangeRow.diff)))
        count = session.scalar(select(func.count()).select_from(CatalogueChangeRow))
    assert count == 2 and "password" not in texts


def test_a_published_version_this_app_cannot_read_never_stops_a_counter(store, sessions,
                                                                         caplog):
    published = PublishedCatalogue(store, lambda: SHIPPED, lambda: HOUSEHOLDS)
    first = published.current()
    number = store.create_draft("sato")
    store.publish(number, "sato")
    # As if a newer app had published a rule this one does not know.
    broken = store.document(number)
    _procedure(broken, "nhi_enroll")["when"] = {"fact": "health_insurance", "op": "~",
                                                "value": "nhi"}
    with sessions.begin() as session:
        session.execute(text("update catalogue_versions set document = :d where number = :n"),
                        {"d": json.dumps(broken), "n": number})
    assert published.current() is first  # the counter goes on with the version it has
    assert "cannot be used" in caplog.text
    fresh = PublishedCatalogue(store, lambda: SHIPPED, lambda: HOUSEHOLDS)
    with pytest.raises(CatalogueInvalid):  # nothing to go on: the start says why (exit 4)
        fresh.current()


def test_the_app_starts_with_the_published_version_or_says_why_not(sessions):
    from counter_app.app import catalogue_in_force
    from counter_app.config import ExitCode, StartupError

    assert catalogue_in_force(sessions) == default_catalogue()  # seeded: version 1
    with sessions.begin() as session:
        session.execute(text("update catalogue_versions set document = '{}'"))
    with pytest.raises(StartupError) as refused:
        catalogue_in_force(sessions)
    assert refused.value.exit_code == ExitCode.DATABASE
    assert refused.value.message_ja == "公開中の手続ルールを読み込めません"


@pytest.mark.parametrize("cap", [13, -1, "高校", True])
def test_a_grade_cap_outside_the_school_grades_is_a_problem_not_a_crash(seeded, sessions, cap):
    """The cap is compared with a school grade: one the engine does not know is refused by
    import and by publishing (a draft may hold it while being edited), with its place."""
    data = copy.deepcopy(SHIPPED)
    data["city"]["settings"]["child_medical_grade_cap"] = cap
    found = seeded.problems(data)
    assert "city.settings.child_medical_grade_cap" in [p.path for p in found]
    before = _snapshot(sessions)
    with pytest.raises(CatalogueInvalid):
        seeded.import_draft(data, "sato")
    assert _snapshot(sessions) == before
    number = seeded.create_draft("sato")
    seeded.save_draft(number, data, 1, "sato")
    with pytest.raises(CatalogueInvalid) as invalid:
        seeded.publish(number, "sato")
    assert any(p.message_ja == "対象の学年は0（就学前）～12（高校3年生の年代）の整数です"
               for p in invalid.value.problems)
    assert seeded.latest_published_number() == 1


def test_an_accepted_result_is_saved_with_the_draft_and_published(seeded, sessions):
    """Cap 9 → 12 with household 15's new result as its expectation: saved with the draft,
    in the change log by name, then publishable."""
    from counter_app.rules import Catalogue
    from counter_app.rules.editing import accept_result

    number = seeded.create_draft("sato")
    draft = seeded.document(number)
    draft["city"]["settings"]["child_medical_grade_cap"] = 12
    households = accept_result(Catalogue.from_dict(draft), seeded.households(number),
                               "15_three_generations_with_dog_and_moped")
    seeded.save_draft(number, draft, 1, "sato", households=households)
    assert seeded.households(number) == households
    [_, change] = seeded.changes(number)
    assert change.lines[-1] == "~ households: ~ 15_three_generations_with_dog_and_moped"
    seeded.publish(number, "sato")
    assert seeded.latest_published_number() == number
    assert seeded.households(1) == HOUSEHOLDS  # the earlier version keeps its own
