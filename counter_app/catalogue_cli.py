"""`counter-app rules …`: the procedure catalogue from the command line.

    rules validate FILE                      every problem, one line each (exit 2)
    rules export [FILE] [--version N]        the published version (no database: the shipped one)
    rules import FILE --user NAME [--households DIR]     as a new draft
    rules test DIR [--catalogue FILE | --version N]      exit 1 and every difference listed
    rules publish [N] --user NAME            the newest draft, or draft N
    rules versions
    rules restore N --user NAME              a new published version copied from N

Commands that change the catalogue sign in as a supervisor: `--user NAME`, the password from
the terminal (not echoed) or one line of stdin, checked like any sign-in (audited, locked out
after repeated failures). The database is the app's (data directory, settings.ini,
MADOGUCHI_DB_URL, `--db`). A refused command changes nothing.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.config import ExitCode, StartupError
from counter_app.rules import Catalogue, RuleError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from counter_app.rules.whatif import HouseholdResult
    from counter_app.store.catalogues import CatalogueStore

log = logging.getLogger(__name__)

INVALID_JA = "手続ルールに誤りがあります"
MAX_PASSWORD_CHARS = 1024


def add_parser(commands: Any) -> None:
    rules = commands.add_parser("rules", help="procedure catalogues: check, test, versions")
    actions = rules.add_subparsers(dest="action", required=True)
    validate = actions.add_parser("validate", help="check a catalogue file")
    validate.add_argument("file", type=Path)
    export = actions.add_parser("export", help="write the catalogue in force as JSON")
    export.add_argument("file", type=Path, nargs="?", help="default: standard output")
    export.add_argument("--version", type=_number, help="this version (a draft, too)")
    _database_option(export)
    imported = actions.add_parser("import", help="a catalogue file as a new draft")
    imported.add_argument("file", type=Path)
    imported.add_argument("--households", type=Path,
                          help="test households for the draft (default: the published ones)")
    _user_options(imported)
    test = actions.add_parser("test", help="run test households against a catalogue")
    test.add_argument("directory", type=Path, help="test households (*.json)")
    which = test.add_mutually_exclusive_group()
    which.add_argument("--catalogue", type=Path, help="a catalogue file instead")
    which.add_argument("--version", type=_number, help="a version of the database (a draft)")
    _database_option(test)
    publish = actions.add_parser("publish", help="publish a draft")
    publish.add_argument("number", type=_number, nargs="?", help="default: the only draft")
    _user_options(publish)
    versions = actions.add_parser("versions", help="list the catalogue's versions")
    _database_option(versions)
    restore = actions.add_parser("restore", help="publish a copy of an earlier version")
    restore.add_argument("number", type=_number)
    _user_options(restore)


def _number(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 10**9:
        raise argparse.ArgumentTypeError(f"not a version number: {text!r}")
    return int(text)


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="database URL (default: as the app)")


def _user_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", required=True, help="a supervisor's account name")
    _database_option(parser)


def run(args: argparse.Namespace) -> int:
    from counter_app.rules.whatif import HouseholdError
    from counter_app.store.catalogues import CatalogueInvalid, CatalogueStoreError, PublishRefused

    try:
        return _ACTIONS[args.action](args)
    except CatalogueInvalid as exc:
        return _problems(exc.problems, str(getattr(args, "file", "") or "catalogue"))
    except PublishRefused as exc:
        _print_differences(exc.failing, sys.stderr)
        raise StartupError(str(exc), exc.message_ja, ExitCode.DIFFERENCES) from None
    except CatalogueStoreError as exc:
        raise StartupError(str(exc), exc.message_ja, ExitCode.USAGE) from None
    except HouseholdError as exc:
        raise StartupError(f"test household {exc}", "テスト世帯の内容に誤りがあります",
                           ExitCode.USAGE) from None


# --- the subcommands ----------------------------------------------------------------------------


def _validate(args: argparse.Namespace) -> int:
    from counter_app.commands import read_json_file

    data = read_json_file(args.file, "catalogue")
    found = _checker()(data)
    if found:
        return _problems(found, str(args.file))
    catalogue = Catalogue.from_dict(data)
    print(f"ok: {len(catalogue.procedures)} procedures, {len(catalogue.questions)} questions")
    return ExitCode.OK


def _export(args: argparse.Namespace) -> int:
    with _database(args.db, create=False) as sessions:
        if sessions is None or _published_number(sessions) is None:
            if args.version is not None:
                raise StartupError("there is no database with versions yet",
                                   f"手続ルールの版 {args.version} はありません", ExitCode.USAGE)
            from counter_app.rules.catalogue import shipped_text

            text = shipped_text()
        else:
            store = _store(sessions)
            number = args.version or store.latest_published_number()
            text = json.dumps(store.document(number), ensure_ascii=False, indent=1) + "\n"
    if args.file is None:
        sys.stdout.write(text)
        return ExitCode.OK
    try:
        args.file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StartupError(f"cannot write {args.file}: {exc.strerror or exc}",
                           "ファイルを書き込めません", ExitCode.USAGE) from None
    print(f"written: {args.file}")
    return ExitCode.OK


def _import(args: argparse.Namespace) -> int:
    from counter_app.commands import read_json_file

    data = read_json_file(args.file, "catalogue")
    found = _checker()(data)  # before the database: a refused import writes nothing at all
    if found:
        return _problems(found, str(args.file))
    households = _households(args.households) if args.households else None
    with _database(args.db) as sessions:
        store = _signed_in_store(sessions, args.user)
        number = store.import_draft(data, args.user, households)
        base = store.version(number).based_on
    log.info("catalogue imported as draft version %s", number)
    print(f"imported as draft version {number}" + (f" (based on version {base})" if base else ""))
    return ExitCode.OK


def _test(args: argparse.Namespace) -> int:
    from counter_app.commands import file_catalogue
    from counter_app.rules.whatif import load_households, run_households

    households = load_households(args.directory)
    if args.catalogue is not None:
        catalogue = file_catalogue(args.catalogue)
    elif args.version is not None:
        with _database(args.db) as sessions:
            catalogue = _store(sessions).catalogue(args.version)
    else:
        catalogue = decisive_catalogue(args.db)
    results = run_households(catalogue, households)
    _print_differences(results, sys.stdout)
    failing = sum(1 for r in results if not r.passed)
    print(f"{len(results)} households: {len(results) - failing} as expected, {failing} differ"
          f" (catalogue version {catalogue.version})")
    return ExitCode.DIFFERENCES if failing else ExitCode.OK


def _publish(args: argparse.Namespace) -> int:
    from counter_app.store.catalogues import Status

    with _database(args.db) as sessions:
        store = _signed_in_store(sessions, args.user)
        number = args.number
        if number is None:
            drafts = [v.number for v in store.versions() if v.status is Status.DRAFT]
            if len(drafts) != 1:
                listed = ", ".join(map(str, drafts)) or "none"
                raise StartupError(f"name the draft to publish (drafts: {listed})",
                                   "公開する下書きの版番号を指定してください", ExitCode.USAGE)
            number = drafts[0]
        store.publish(number, args.user)
    log.info("catalogue version %s published", number)
    print(f"published version {number}")
    return ExitCode.OK


def _versions(args: argparse.Namespace) -> int:
    with _database(args.db, create=False) as sessions:
        versions = _store(sessions).versions() if sessions is not None else []
    if not versions:
        print("no versions yet: the shipped catalogue decides")
        return ExitCode.OK
    print(f"{'version':>7}  {'status':<9}  {'origin':<7}  {'based on':>8}  "
          f"{'saved':<26}  published")
    for v in versions:
        saved = f"{v.saved_at.astimezone():%Y-%m-%d %H:%M} {v.saved_by} (rev {v.revision})"
        published = f"{v.published_at.astimezone():%Y-%m-%d %H:%M} {v.published_by}" \
            if v.published_at else "-"
        print(f"{v.number:>7}  {v.status:<9}  {v.origin:<7}  {v.based_on or '-':>8}  "
              f"{saved:<26}  {published}")
    return ExitCode.OK


def _restore(args: argparse.Namespace) -> int:
    with _database(args.db) as sessions:
        store = _signed_in_store(sessions, args.user)
        number = store.restore(args.number, args.user)
    log.info("catalogue version %s restored as version %s", args.number, number)
    print(f"restored version {args.number} as version {number} (published)")
    return ExitCode.OK


_ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": _validate, "export": _export, "import": _import, "test": _test,
    "publish": _publish, "versions": _versions, "restore": _restore}


# --- which catalogue decides --------------------------------------------------------------------


def decisive_catalogue(db_option: str | None = None) -> Catalogue:
    """The catalogue `determine`, `render` and `rules test` use without `--catalogue`: the
    latest published version in the database, or the shipped one while there is no database
    (or no version in it) yet."""
    from counter_app.rules import default_catalogue

    with _database(db_option, create=False) as sessions:
        if sessions is None:
            return default_catalogue()
        from counter_app.store.catalogues import CatalogueInvalid

        store = _store(sessions)
        number = store.latest_published_number()
        try:
            return store.catalogue(number) if number is not None else default_catalogue()
        except CatalogueInvalid as exc:
            raise StartupError(f"the published catalogue cannot be used: {exc}",
                               "公開中の手続ルールを読み込めません", ExitCode.DATABASE) from None


@contextmanager
def _database(db_option: str | None, create: bool = True
              ) -> Iterator[sessionmaker[Session] | None]:
    """The app's database, opened as the app opens it (migrated); with `create` False, None
    while the data directory's own database file does not exist yet."""
    from counter_app.app import (
        DB_FILE_NAME,
        default_data_dir,
        open_database_url,
        resolve_db_url,
        sqlite_url,
    )
    from counter_app.config import (
        DB_URL_ENV,
        Options,
        data_dir_override,
        environment,
        parse_options,
        prepare_data_dir,
    )
    from counter_app.preferences import SETTINGS_FILE_NAME, Preferences

    env = environment()
    # parse_options checks a --db URL exactly as the app does (no password in it).
    options = parse_options(["--db", db_option]) if db_option else Options()
    root = data_dir_override(env) or default_data_dir()
    if not create and not db_option and not env.get(DB_URL_ENV) and not (
            root / DB_FILE_NAME).exists() and not (root / SETTINGS_FILE_NAME).exists():
        yield None  # no database yet (nor a place for one): nothing to read, nothing created
        return
    data_dir = prepare_data_dir(root)
    preferences = Preferences(data_dir)
    db_url = resolve_db_url(options, data_dir, env, preferences.database_url)
    if not create and db_url == sqlite_url(data_dir / DB_FILE_NAME) \
            and not (data_dir / DB_FILE_NAME).exists():
        yield None
        return
    sessions = open_database_url(db_url, env, preferences)
    try:
        yield sessions
    finally:
        sessions.kw["bind"].dispose()


def _published_number(sessions: sessionmaker[Session]) -> int | None:
    return _store(sessions).latest_published_number()


def _checker() -> Callable[[Any], list[RuleError]]:
    """Every problem of a catalogue's JSON, the form templates' included."""
    from counter_app.store.catalogues import catalogue_problems

    checks = _form_checks()
    return lambda data: catalogue_problems(data, checks["form_facts"], checks["check"])


def _form_checks() -> dict[str, Any]:
    from counter_app.commands import load_form_templates
    from counter_app.reception.packet import FormsMismatch, check_templates, form_facts

    templates = load_form_templates()

    def check(catalogue: Catalogue) -> None:
        try:
            check_templates(catalogue, templates)
        except FormsMismatch as exc:
            raise RuleError("forms", str(exc), "申請書の様式と合いません") from None

    return {"form_facts": form_facts(templates), "check": check}


def _store(sessions: sessionmaker[Session]) -> CatalogueStore:
    from counter_app.store.catalogues import CatalogueStore, published_catalogue

    published_catalogue(sessions).seed()  # a database without versions gets version 1
    return CatalogueStore(sessions, **_form_checks())


def _signed_in_store(sessions: sessionmaker[Session], user: str) -> CatalogueStore:
    """The store, once `user` has signed in as a supervisor."""
    from counter_app.store.accounts import AccountRepository, SignInRefused

    password = _read_password()
    try:
        account = AccountRepository(sessions).sign_in(user, password, counter="cli")
    except SignInRefused as exc:
        raise StartupError(f"sign-in refused ({exc})", exc.message_ja, ExitCode.USAGE) from None
    finally:
        password = ""
    if not account.role.may_configure():
        raise StartupError("the account is not a supervisor's",
                           "手続ルールの変更には監督者のアカウントが必要です", ExitCode.USAGE)
    return _store(sessions)


def _read_password() -> str:
    """From the terminal without echo, else the first line of stdin (a script's pipe)."""
    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        return getpass.getpass("パスワード: ")
    if stdin is None:
        raise StartupError("no password: stdin is closed", "パスワードを入力してください",
                           ExitCode.USAGE)
    line = stdin.readline(MAX_PASSWORD_CHARS + 1)
    return line.rstrip("\r\n")


def _households(directory: Path) -> list[dict[str, Any]]:
    from counter_app.rules.whatif import load_households

    return [h.to_json() for h in load_households(directory)]


# --- output -------------------------------------------------------------------------------------


def _problems(problems: Sequence[RuleError], where: str) -> int:
    """One line per problem on stderr, as every refusal: Japanese for staff, then the place."""
    from counter_app.commands import printable

    for problem in problems:
        print(f"counter-app: {INVALID_JA} ({printable(where)}: {printable(str(problem))})",
              file=sys.stderr)
    log.info("catalogue refused: %d problems", len(problems))
    return ExitCode.USAGE


def _print_differences(results: Sequence[HouseholdResult], out: Any) -> None:
    from counter_app.commands import printable

    for result in results:
        if result.passed:
            print(f"ok    {printable(result.household.name)}", file=out)
            continue
        print(f"DIFF  {printable(result.household.name)}", file=out)
        for difference in result.differences:
            print(f"      {printable(difference.describe())}", file=out)
