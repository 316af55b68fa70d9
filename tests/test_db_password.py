"""The database password comes from MADOGUCHI_DB_PASSWORD, settings.ini or the OS keyring,
never from the command line, and never reaches the log or the console. Against the session's
real PostgreSQL server (SCRAM password authentication over TCP)."""

import pytest
from conftest import ROOT
from conftest import run_counter_app as run
from psycopg import sql
from test_startup import _env, _one_line_error

# INI syntax would split an unquoted value at the comma and cut it at the semicolon.
TRICKY = 'pa,ss;w"o\\rd %x'
INI_QUOTED = '"pa,ss;w\\"o\\\\rd %x"'


@pytest.fixture(scope="module")
def clerk(pg):
    """A role with a password that needs quoting in settings.ini, and its own database."""
    name = pg.create_database()
    with pg.admin() as conn:
        conn.execute(sql.SQL("CREATE ROLE clerk LOGIN PASSWORD {}").format(sql.Literal(TRICKY)))
        conn.execute(f"GRANT ALL ON DATABASE {name} TO clerk")
    with pg.admin(name) as conn:
        conn.execute("GRANT ALL ON SCHEMA public TO clerk")
    return f"postgresql+psycopg://clerk@127.0.0.1:{pg.port}/{name}"


def _settings(data, url, password_line=None):
    data.mkdir(parents=True, exist_ok=True)
    text = f"[database]\nurl={url}\n" + (f"password={password_line}\n" if password_line else "")
    (data / "settings.ini").write_text(text, encoding="utf-8")


def _log(data):
    return (data / "logs" / "counter-app.log").read_text(encoding="utf-8")


pytestmark = pytest.mark.slow


def test_password_from_settings_file(tmp_path, clerk):
    data = tmp_path / "data"
    _settings(data, clerk, INI_QUOTED)
    result = run("--smoke-test", env=_env(data))
    assert result.returncode == 0, result.stderr
    log = _log(data)
    assert "database password from settings.ini" in log
    assert "pa,ss" not in log and "pa,ss" not in result.stdout + result.stderr


def test_password_from_environment(tmp_path, clerk):
    data = tmp_path / "data"
    result = run("--smoke-test", env=_env(data, MADOGUCHI_DB_URL=clerk,
                                          MADOGUCHI_DB_PASSWORD=TRICKY))
    assert result.returncode == 0, result.stderr
    assert "database password from environment" in _log(data)


def test_password_from_os_keyring(tmp_path, clerk):
    import json

    data = tmp_path / "data"
    secrets = tmp_path / "keyring.json"
    host = clerk.split("@")[1].split(":")[0]
    secrets.write_text(json.dumps({f"Madoguchi/clerk@{host}": TRICKY}))
    env = _env(data, MADOGUCHI_DB_URL=clerk, MADOGUCHI_TEST_KEYRING=str(secrets),
               PYTHON_KEYRING_BACKEND="keyring_backend.FileKeyring",
               PYTHONPATH=str(ROOT / "tests"))
    result = run("--smoke-test", env=env)
    assert result.returncode == 0, result.stderr
    assert "database password from OS keyring" in _log(data)


def test_no_password_anywhere_is_one_line(tmp_path, clerk):
    data = tmp_path / "data"
    _settings(data, clerk)
    env = _env(data, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    result = run("--smoke-test", env=env)
    assert result.returncode == 4
    line = _one_line_error(result)
    assert "データベースを開けません" in line and "no password supplied" in line


@pytest.mark.parametrize("line", ["pa,ss", "Wr0ngPw"])
def test_wrong_or_unquoted_password_is_one_line(tmp_path, clerk, line):
    data = tmp_path / "data"
    _settings(data, clerk, line)
    result = run("--smoke-test", env=_env(data))
    message = _one_line_error(result)
    if line == "Wr0ngPw":
        assert result.returncode == 4
        assert "password authentication failed" in message
    else:
        assert result.returncode == 2
        assert "settings.ini" in message and "double quotes" in message
    assert line not in _log(data)
