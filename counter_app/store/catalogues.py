"""Catalogue versions in the database: drafts, the published version, retired ones.

- The counters decide with the latest published version (`PublishedCatalogue.current`, asked
  at every new case: one indexed query, the catalogue parsed once per version).
- A new database is seeded with version 1, published, from the shipped catalogue and its test
  households. A shipped catalogue the database has never seen (a newer release of the app)
  becomes a draft for supervisors, never published over a city's own edits.
- A draft is edited with optimistic locking: a save names the revision it started from, and a
  stale save is refused with who saved in between (`DraftConflict`); nothing is written then.
- Publishing needs a valid catalogue and every test household of the version to pass;
  restoring version N publishes a new version copied from N. Drafts may be saved half done;
  an import must be valid (a refused import changes nothing).
- Every edit, import, publication and restoration is in `catalogue_changes` with what changed
  as readable lines, and in the audit log under the account's name.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from counter_app.rules import Catalogue, RuleError
from counter_app.rules.catalogue import FormFacts, parse
from counter_app.rules.diff import catalogue_diff, households_diff
from counter_app.rules.editing import setting_problems
from counter_app.rules.whatif import HouseholdResult, households_from_json, run_households
from counter_app.store import audit
from counter_app.store.models import CatalogueChangeRow, CatalogueVersionRow

log = logging.getLogger(__name__)

SYSTEM = "system"  # the account name of what the app does by itself (seeding)
INSERT_ATTEMPTS = 5  # two supervisors creating versions at once: the later one takes the next


class Status(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class Origin(enum.StrEnum):
    SHIPPED = "shipped"  # the catalogue shipped with the app
    IMPORT = "import"  # a file imported by a supervisor
    COPY = "copy"  # a new draft from an earlier version
    RESTORE = "restore"  # an earlier version published again


@dataclass(frozen=True)
class CatalogueVersion:
    number: int
    status: Status
    origin: Origin
    based_on: int | None
    revision: int
    created_by: str
    created_at: dt.datetime
    saved_by: str
    saved_at: dt.datetime
    published_by: str | None
    published_at: dt.datetime | None


@dataclass(frozen=True)
class Change:
    version: int
    revision: int
    at: dt.datetime
    account: str
    action: str
    lines: tuple[str, ...]


class CatalogueStoreError(Exception):
    """A request the versions do not allow (an unknown version, a draft that is not one).
    `message_ja` for supervisors; args[0] the English detail."""

    def __init__(self, detail: str, message_ja: str) -> None:
        super().__init__(detail)
        self.message_ja = message_ja


class DraftConflict(CatalogueStoreError):
    """Someone saved the draft since this copy was read: nothing was written."""

    def __init__(self, number: int, revision: int, saved_by: str, saved_at: dt.datetime
                 ) -> None:
        local = saved_at.astimezone()
        super().__init__(
            f"draft {number} was saved by {saved_by} at {saved_at.isoformat()} (revision "
            f"{revision}) since it was read",
            f"{saved_by} さんが {local:%H:%M} に先に保存しました（版 {number}）。"
            "あなたの変更は保存されていません。内容を控えてから読み直してください")
        self.number = number
        self.revision = revision
        self.saved_by = saved_by
        self.saved_at = saved_at


class CatalogueInvalid(CatalogueStoreError):
    """The catalogue has problems (each with its path); nothing was written."""

    def __init__(self, problems: Sequence[RuleError]) -> None:
        super().__init__(f"{problems[0]} ({len(problems)} problems)",
                         "手続ルールに誤りがあります")
        self.problems = list(problems)


class PublishRefused(CatalogueStoreError):
    """Some test households differ from what the version decides; nothing was published."""

    def __init__(self, number: int, failing: Sequence[HouseholdResult]) -> None:
        super().__init__(f"version {number}: {len(failing)} test households differ",
                         "テスト世帯の結果が期待と違うため公開できません")
        self.number = number
        self.failing = list(failing)


def digest(data: Any) -> str:
    """What identifies a catalogue's content: its JSON without the version number. A version
    keeps the digest it was created with (edits do not change it), so a shipped catalogue that
    became a draft is known as seen however much it is edited."""
    content = {k: v for k, v in data.items() if k != "version"} if isinstance(data, dict) \
        else data
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def catalogue_problems(data: Any, form_facts: FormFacts | None = None,
                       check: Callable[[Catalogue], None] | None = None) -> list[RuleError]:
    """Every problem of a catalogue's JSON; `form_facts` and `check` are the form templates'
    say (see CatalogueStore)."""
    catalogue, found = parse(data, form_facts)
    if catalogue is not None and check is not None:
        try:
            check(catalogue)
        except RuleError as exc:
            found = [exc]
    return found + (setting_problems(data) if isinstance(data, dict) else [])


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _version(row: CatalogueVersionRow) -> CatalogueVersion:
    return CatalogueVersion(row.number, Status(row.status), Origin(row.origin), row.based_on,
                            row.revision, row.created_by, _utc(row.created_at), row.saved_by,
                            _utc(row.saved_at), row.published_by,
                            _utc(row.published_at) if row.published_at else None)


class CatalogueStore:
    """Catalogue versions of one database. `form_facts` and `check` are the form templates'
    say (which facts each form prints; every form has a template): given by the composition
    root, used whenever a catalogue is imported or published."""

    def __init__(self, sessions: sessionmaker[Session], *,
                 form_facts: FormFacts | None = None,
                 check: Callable[[Catalogue], None] | None = None,
                 now: type[dt.datetime] = dt.datetime) -> None:
        self._sessions = sessions
        self._form_facts = form_facts
        self._check = check
        self._now = now

    def _clock(self) -> dt.datetime:
        return self._now.now(dt.UTC)

    # --- reading -----------------------------------------------------------------------------

    def versions(self) -> list[CatalogueVersion]:
        with self._sessions() as session:
            rows = session.scalars(select(CatalogueVersionRow)
                                   .order_by(CatalogueVersionRow.number)).all()
            return [_version(r) for r in rows]

    def version(self, number: int) -> CatalogueVersion:
        with self._sessions() as session:
            return _version(self._row(session, number))

    def latest_published_number(self) -> int | None:
        """The published version's number: one indexed query, cheap at every new case."""
        with self._sessions() as session:
            return session.scalar(select(CatalogueVersionRow.number)
                                  .where(CatalogueVersionRow.status == Status.PUBLISHED))

    def document(self, number: int) -> dict[str, Any]:
        """The version's JSON (a draft's may still have problems)."""
        with self._sessions() as session:
            return json.loads(self._row(session, number).document)

    def households(self, number: int) -> list[dict[str, Any]]:
        """The version's test households: [{"name", "household"}, …]."""
        with self._sessions() as session:
            return json.loads(self._row(session, number).households)

    def catalogue(self, number: int) -> Catalogue:
        """The version parsed, with its number; CatalogueInvalid if it has problems."""
        catalogue, found = parse(self.document(number))
        if catalogue is None:
            raise CatalogueInvalid(found)
        return catalogue.with_version(number)

    def changes(self, number: int | None = None) -> list[Change]:
        query = select(CatalogueChangeRow).order_by(CatalogueChangeRow.id)
        if number is not None:
            query = query.where(CatalogueChangeRow.version == number)
        with self._sessions() as session:
            return [Change(r.version, r.revision, _utc(r.at), r.account, r.action,
                           tuple(r.diff.splitlines())) for r in session.scalars(query)]

    @staticmethod
    def _row(session: Session, number: int) -> CatalogueVersionRow:
        row = session.get(CatalogueVersionRow, number)
        if row is None:
            raise CatalogueStoreError(f"there is no catalogue version {number}",
                                      f"手続ルールの版 {number} はありません")
        return row

    # --- checking ----------------------------------------------------------------------------

    def problems(self, data: Any) -> list[RuleError]:
        """Every problem of a catalogue's JSON, forms included (what publishing refuses)."""
        return catalogue_problems(data, self._form_facts, self._check)

    def test(self, data: Any, households: Iterable[Mapping[str, Any]]
             ) -> list[HouseholdResult]:
        """The households run against the catalogue; CatalogueInvalid if it has problems."""
        found = self.problems(data)
        if found:
            raise CatalogueInvalid(found)
        return run_households(Catalogue.from_dict(data), households_from_json(households))

    # --- writing -----------------------------------------------------------------------------

    def seed(self, shipped: Mapping[str, Any],
             shipped_households: Callable[[], Sequence[Mapping[str, Any]]]) -> int | None:
        """Version 1 (published) on an empty database; else a draft from a shipped catalogue
        the database has never seen. The number created, or None. The households are read
        only when a version is created."""
        data = dict(shipped)
        key = digest(data)
        with self._sessions() as session:
            known = session.scalar(select(func.count()).select_from(CatalogueVersionRow)
                                   .where(CatalogueVersionRow.digest == key,
                                          CatalogueVersionRow.origin == Origin.SHIPPED))
            empty = session.scalar(select(func.count()).select_from(CatalogueVersionRow)) == 0
        if known:
            return None
        if empty:
            try:
                return self._insert(data, shipped_households(), SYSTEM, Origin.SHIPPED, None,
                                    Status.PUBLISHED, "catalogue.seed", number=1)
            except IntegrityError:
                return None  # another counter seeded it at the same moment
        base = self.latest_published_number()
        log.info("a shipped catalogue this database has not seen becomes a draft")
        return self._insert(data, shipped_households(), SYSTEM, Origin.SHIPPED, base,
                            Status.DRAFT, "catalogue.draft")

    def create_draft(self, account: str, based_on: int | None = None) -> int:
        """A new draft copied from a version (default: the published one)."""
        number = based_on if based_on is not None else self.latest_published_number()
        if number is None:
            raise CatalogueStoreError("no published catalogue to copy",
                                      "公開中の手続ルールがありません")
        return self._insert(self.document(number), self.households(number), account,
                            Origin.COPY, number, Status.DRAFT, "catalogue.draft")

    def import_draft(self, data: Any, account: str,
                     households: Sequence[Mapping[str, Any]] | None = None) -> int:
        """A catalogue file as a new draft, based on the published version (whose test
        households it takes unless given). Refused with every problem if it has any:
        nothing is written then."""
        if households is not None:
            households_from_json(households)  # a bad household is refused before anything
        found = self.problems(data)
        if found:
            raise CatalogueInvalid(found)
        base = self.latest_published_number()
        if households is None:
            households = self.households(base) if base is not None else []
        return self._insert(dict(data), households, account, Origin.IMPORT, base,
                            Status.DRAFT, "catalogue.import")

    def save_draft(self, number: int, data: Any, revision: int, account: str,
                   households: Sequence[Mapping[str, Any]] | None = None) -> int:
        """Save the draft as edited from `revision`; the new revision. A draft may be saved
        with problems (work in progress); DraftConflict if someone saved it since."""
        if not isinstance(data, dict):
            raise CatalogueInvalid([RuleError("(root)", "expected an object")])
        if households is not None:
            households_from_json(households)
        now = self._clock()
        with self._sessions.begin() as session:
            row = self._row(session, number)
            if row.status != Status.DRAFT:
                raise CatalogueStoreError(f"version {number} is {row.status}, not a draft",
                                          f"版 {number} は下書きではないため変更できません")
            before, before_households = json.loads(row.document), json.loads(row.households)
            data = {**data, "version": number}
            values: dict[str, Any] = {"document": _dump(data), "revision": revision + 1,
                                      "saved_by": account, "saved_at": now}
            if households is not None:
                values["households"] = _dump(list(households))
            result = session.execute(
                update(CatalogueVersionRow)
                .where(CatalogueVersionRow.number == number,
                       CatalogueVersionRow.status == Status.DRAFT,
                       CatalogueVersionRow.revision == revision)
                .values(**values))
            if result.rowcount != 1:  # type: ignore[attr-defined]
                session.refresh(row)
                raise DraftConflict(number, row.revision, row.saved_by, _utc(row.saved_at))
            lines = catalogue_diff(before, data)
            if households is not None:
                lines += households_diff(before_households, households)
            self._record(session, number, revision + 1, account, "catalogue.edit", lines, now)
        return revision + 1

    def publish(self, number: int, account: str) -> None:
        """Publish a draft: the counters decide with it from their next case. Refused unless
        it is valid and every test household passes (PublishRefused lists those that do
        not); the version published until now is retired."""
        with self._sessions() as session:
            row = self._row(session, number)
            status, revision = row.status, row.revision
            data, households = json.loads(row.document), json.loads(row.households)
        if status != Status.DRAFT:
            raise CatalogueStoreError(f"version {number} is {status}, not a draft",
                                      f"版 {number} は下書きではないため公開できません")
        failing = [r for r in self.test(data, households) if not r.passed]
        if failing:
            raise PublishRefused(number, failing)
        now = self._clock()
        try:
            with self._sessions.begin() as session:
                previous = self._published(session)
                before = json.loads(previous.document) if previous else None
                self._retire(session, number)
                result = session.execute(
                    update(CatalogueVersionRow)
                    .where(CatalogueVersionRow.number == number,
                           CatalogueVersionRow.status == Status.DRAFT,
                           CatalogueVersionRow.revision == revision)
                    .values(status=Status.PUBLISHED, published_by=account, published_at=now))
                if result.rowcount != 1:  # type: ignore[attr-defined]
                    stored = self._row(session, number)
                    raise DraftConflict(number, stored.revision, stored.saved_by,
                                        _utc(stored.saved_at))
                self._record(session, number, revision, account, "catalogue.publish",
                             _against(previous, before, data), now)
        except IntegrityError:  # another version was published at the same moment
            raise self._published_elsewhere(number) from None

    def restore(self, number: int, account: str) -> int:
        """Publish a new version copied from version `number` (its test households must
        still pass); the number of the new version."""
        data, households = self.document(number), self.households(number)
        failing = [r for r in self.test(data, households) if not r.passed]
        if failing:
            raise PublishRefused(number, failing)
        try:
            return self._insert(data, households, account, Origin.RESTORE, number,
                                Status.PUBLISHED, "catalogue.restore")
        except IntegrityError:
            raise self._published_elsewhere(number) from None

    # --- inside -------------------------------------------------------------------------------

    def _published_elsewhere(self, number: int) -> CatalogueStoreError:
        return CatalogueStoreError(
            f"another version was published while version {number} was",
            "同時に別の版が公開されました。版の一覧を確かめてください")

    @staticmethod
    def _published(session: Session) -> CatalogueVersionRow | None:
        return session.scalars(select(CatalogueVersionRow)
                               .where(CatalogueVersionRow.status == Status.PUBLISHED)).first()

    @staticmethod
    def _retire(session: Session, but: int) -> None:
        session.execute(update(CatalogueVersionRow)
                        .where(CatalogueVersionRow.status == Status.PUBLISHED,
                               CatalogueVersionRow.number != but)
                        .values(status=Status.RETIRED))
        session.flush()

    def _insert(self, data: dict[str, Any], households: Sequence[Mapping[str, Any]],
                account: str, origin: Origin, based_on: int | None, status: Status,
                action: str, number: int | None = None) -> int:
        """A new version (the next number), in one transaction with its change record; a
        published one retires the version published until now."""
        for attempt in range(INSERT_ATTEMPTS):
            now = self._clock()
            try:
                with self._sessions.begin() as session:
                    new = number or (session.scalar(
                        select(func.max(CatalogueVersionRow.number))) or 0) + 1
                    document = {**data, "version": new}
                    previous = self._published(session) if status == Status.PUBLISHED \
                        else None
                    before = json.loads(previous.document) if previous else None
                    if status == Status.PUBLISHED:
                        self._retire(session, new)
                    session.add(CatalogueVersionRow(
                        number=new, status=status, origin=origin, based_on=based_on,
                        document=_dump(document), households=_dump(list(households)),
                        digest=digest(document), revision=1, created_by=account,
                        created_at=now, saved_by=account, saved_at=now,
                        published_by=account if status == Status.PUBLISHED else None,
                        published_at=now if status == Status.PUBLISHED else None))
                    session.flush()
                    if status == Status.PUBLISHED:
                        lines = _against(previous, before, document)
                    else:
                        base = self._document_of(session, based_on)
                        lines = [f"based on version {based_on}"] if based_on else []
                        lines += catalogue_diff(base, document)
                    self._record(session, new, 1, account, action, lines, now)
                    return new
            except IntegrityError:
                if number is not None or attempt == INSERT_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _document_of(session: Session, number: int | None) -> dict[str, Any] | None:
        if number is None:
            return None
        row = session.get(CatalogueVersionRow, number)
        return json.loads(row.document) if row else None

    @staticmethod
    def _record(session: Session, number: int, revision: int, account: str, action: str,
                lines: list[str], now: dt.datetime) -> None:
        session.add(CatalogueChangeRow(version=number, revision=revision, at=now,
                                       account=account, action=action,
                                       diff="\n".join(lines)))
        audit.add(session, action, account=account, at=now,
                  detail=f"catalogue version {number} revision {revision}, "
                         f"{len(lines)} changes")


def _against(previous: CatalogueVersionRow | None, before: dict[str, Any] | None,
             data: dict[str, Any]) -> list[str]:
    """What counters see change when `data` is published in place of `previous`."""
    if previous is None:
        return catalogue_diff(None, data)
    return [f"in place of version {previous.number}", *catalogue_diff(before, data)]


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def published_catalogue(sessions: sessionmaker[Session]) -> PublishedCatalogue:
    """The counters' catalogue source on this database, from the shipped files."""
    from counter_app.rules.catalogue import shipped_text
    from counter_app.rules.whatif import shipped_households

    return PublishedCatalogue(CatalogueStore(sessions), lambda: json.loads(shipped_text()),
                              shipped_households)


class PublishedCatalogue:
    """The catalogue a counter decides a new case with: the latest published version, parsed
    once per version; a new database is seeded first. Ask `current()` at every new case:
    a version published meanwhile is picked up there, without restarting."""

    def __init__(self, store: CatalogueStore, shipped: Callable[[], Mapping[str, Any]],
                 shipped_households: Callable[[], Sequence[Mapping[str, Any]]]) -> None:
        self._store = store
        self._shipped = shipped
        self._shipped_households = shipped_households
        self._cached: Catalogue | None = None

    def seed(self) -> None:
        """At start: version 1 on a new database, or a draft from a newer shipped file."""
        self._store.seed(self._shipped(), self._shipped_households)

    def current(self) -> Catalogue:
        number = self._store.latest_published_number()
        if number is None:
            self.seed()
            number = self._store.latest_published_number()
            assert number is not None, "seeding publishes version 1"
        if self._cached is not None and self._cached.version == number:
            return self._cached
        try:
            self._cached = self._store.catalogue(number)
        except CatalogueInvalid as exc:
            # Published by a version of the app that accepted it: keep deciding with the one
            # in use rather than stop the counter; the log says why.
            log.error("published catalogue version %s cannot be used: %s", number, exc)
            if self._cached is None:
                raise
        return self._cached
