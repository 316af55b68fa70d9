"""Starting counter-app as staff would, through the console entry point."""

import os
import sqlite3

import pytest
from conftest import run_counter_app


def _env(data_dir, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    env["MADOGUCHI_DATA_DIR"] = str(data_dir)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def _one_line_error(result):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return lines[0]


def _head_revision():
    from alembic.script import ScriptDirectory

    from counter_app.store.database import create_db_engine, migrations_config

    return ScriptDirectory.from_config(migrations_config(create_db_engine("sqlite://"))
                                       ).get_current_head()


def test_demo_smoke_test_shows_window_and_migrates_own_database(tmp_path):
    data = tmp_path / "data"
    result = run_counter_app("--demo", "--smoke-test", env=_env(data))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("window shown after ")
    demo_db = data / "demo" / "madoguchi.sqlite3"
    assert demo_db.exists()
    assert not (data / "madoguchi.sqlite3").exists(), "demo must not touch the real database"
    with sqlite3.connect(demo_db) as conn:
        assert conn.execute("select version_num from alembic_version").fetchone() == \
            (_head_revision(),)
        assert conn.execute("pragma journal_mode").fetchone() == ("wal",)
    log = (data / "demo" / "logs" / "counter-app.log").read_text(encoding="utf-8")
    assert "starting (demo=True)" in log
    assert "window shown after" in log


def test_unknown_flag_is_one_line_and_creates_nothing(tmp_path):
    data = tmp_path / "data"
    result = run_counter_app("--frobnicate", env=_env(data))
    assert result.returncode == 2
    line = _one_line_error(result)
    assert "--frobnicate" in line
    assert "コマンドの指定が正しくありません" in line
    assert not data.exists()


def test_demo_refuses_an_explicit_database(tmp_path):
    result = run_counter_app("--demo", "--db", "sqlite:///x.db", env=_env(tmp_path / "d"))
    assert result.returncode == 2
    assert "--demo" in _one_line_error(result)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://clerk:s3cret@127.0.0.1:1/madoguchi", "Connection refused"),
        ("sqlite:////nonexistent-dir/sub/madoguchi.sqlite3", "unable to open database file"),
        ("postgres ql://clerk:s3cret@host/madoguchi", "invalid database URL"),
        ("postgresql://clerk:s3cret@host:54x2/madoguchi", "invalid database URL"),
    ],
)
def test_unreachable_database_is_one_line_without_password(tmp_path, url, expected):
    data = tmp_path / "data"
    result = run_counter_app(env=_env(data, MADOGUCHI_DB_URL=url))
    assert result.returncode == 4
    line = _one_line_error(result)
    assert "データベースを開けません" in line
    assert expected in line
    assert "s3cret" not in line
    assert "s3cret" not in (data / "logs" / "counter-app.log").read_text(encoding="utf-8")
    assert not list(data.glob("*.sqlite3*")), "nothing half-created"


def test_failed_migration_leaves_no_database_file(tmp_path):
    # A directory where the database file should be makes SQLite fail on first use.
    data = tmp_path / "data"
    target = tmp_path / "db"
    target.mkdir()
    (target / "madoguchi.sqlite3").mkdir()
    result = run_counter_app("--db", f"sqlite:///{target}/madoguchi.sqlite3", env=_env(data))
    assert result.returncode == 4
    _one_line_error(result)
    assert sorted(p.name for p in target.iterdir()) == ["madoguchi.sqlite3"]


def test_unwritable_data_directory_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run_counter_app(env=_env(blocker / "data"))
    assert result.returncode == 3
    assert "データの保存先フォルダに書き込めません" in _one_line_error(result)


def test_no_display_is_one_line_instead_of_a_qt_abort(tmp_path):
    env = _env(tmp_path / "data")
    for key in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(key, None)
    result = run_counter_app(env=env)
    assert result.returncode == 5
    assert "画面" in _one_line_error(result)
    assert not (tmp_path / "data").exists()


def test_database_url_from_environment_is_used(tmp_path):
    data = tmp_path / "data"
    db = tmp_path / "elsewhere.sqlite3"
    result = run_counter_app("--smoke-test", env=_env(data, MADOGUCHI_DB_URL=f"sqlite:///{db}"))
    assert result.returncode == 0, result.stderr
    assert db.exists()
    assert not (data / "madoguchi.sqlite3").exists()


def test_database_url_from_settings_file_is_used(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    db = tmp_path / "configured.sqlite3"
    (data / "settings.ini").write_text(f"[database]\nurl=sqlite:///{db}\n", encoding="utf-8")
    result = run_counter_app("--smoke-test", env=_env(data))
    assert result.returncode == 0, result.stderr
    assert db.exists()


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://clerk:s3cret@db.example/madoguchi",
    "postgresql://clerk@db.example/madoguchi?password=s3cret",
    "postgres ql://clerk:s3cret@db.example/madoguchi",  # not even a URL: still refused
])
def test_a_password_on_the_command_line_is_refused(tmp_path, url):
    # /proc/<pid>/cmdline is readable by every local user.
    data = tmp_path / "data"
    result = run_counter_app("--db", url, env=_env(data))
    assert result.returncode == 2
    line = _one_line_error(result)
    assert "パスワードはコマンドラインに書けません" in line
    assert "database/password" in line and "MADOGUCHI_DB_PASSWORD" in line
    assert "s3cret" not in line
    assert not data.exists()


def test_a_database_written_by_a_newer_app_is_one_line_naming_its_revision(tmp_path):
    from sqlalchemy import text

    from counter_app.store.database import create_db_engine, upgrade

    data = tmp_path / "data"
    data.mkdir()
    engine = create_db_engine(f"sqlite:///{data / 'madoguchi.sqlite3'}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '0999'"))
    engine.dispose()
    result = run_counter_app("--smoke-test", env=_env(data))
    assert result.returncode == 4
    line = _one_line_error(result)
    assert "データベースがこのアプリより新しい版で更新されています" in line
    assert "0999" in line and "update counter-app" in line


def test_a_log_file_that_cannot_be_written_is_one_line(tmp_path):
    data = tmp_path / "data"
    (data / "logs" / "counter-app.log").mkdir(parents=True)  # a directory where the log goes
    result = run_counter_app("--smoke-test", env=_env(data))
    assert result.returncode == 3
    assert "ログファイルを書き込めません" in _one_line_error(result)
