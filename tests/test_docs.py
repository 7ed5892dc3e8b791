"""Every command in README.md and docs/*.md works as written: this runs each one.

The commands are the lines of the ```sh blocks. Each is matched to a runner below; a command no
runner knows fails the test, so the docs cannot gain an untested command. Nothing in the checkout
changes: development commands run in a temporary copy (with the checkout's .venv linked in),
deployment commands against a temporary database, static root and key file, and servers
(`make run`, gunicorn) on a free loopback port until /livez answers, then stopped by their pid.
Every wait is bounded.

Alongside: fences are labelled (sh for commands), command-like inline code is one of the sh
commands, and relative links, anchors and `path.py:name` references point at what exists. The
scheduled jobs (crontab lines, systemd units, Kubernetes CronJobs) run one of the sh commands,
and run it as cron, systemd or the cluster would, on a stand-in for the server the docs describe;
systemd units pass `systemd-analyze verify` and every yaml block parses.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import polib
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

try:
    import yaml
except ImportError:  # PyYAML comes with `responses`; without it, yaml blocks are checked less.
    yaml = None

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MAKE = shutil.which("make") or "make"
COMMAND_TIMEOUT = 60
START_TIMEOUT = 30
STOP_TIMEOUT = 10
# Fence labels: sh blocks are commands (run here); the others are not commands, though crontab,
# ini (systemd units) and yaml (Kubernetes) blocks are checked and their jobs run (below).
FENCE_LABELS = {"sh", "text", "crontab", "json", "ini", "yaml"}
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.M | re.S)
INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
# Inline code that reads as a command must be one of the sh blocks' commands.
COMMANDISH = re.compile(r"(make |\.venv/bin/\w|python3? |manage\.py |pip |gunicorn |DATABASE_URL=)")


# --- Reading the docs --------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    doc: str
    text: str

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.text)


def _prose(text: str) -> str:
    """The document without its fenced blocks."""
    return FENCE.sub("", text)


def documented_commands() -> list[Command]:
    """Each command once, named by the first document that gives it."""
    commands: dict[str, Command] = {}
    for doc in DOCS:
        for label, body in FENCE.findall(doc.read_text()):
            if label.strip() != "sh":
                continue
            for line in body.replace("\\\n", " ").splitlines():
                words = shlex.split(line, comments=True)
                if words:
                    text = shlex.join(words)
                    commands.setdefault(text, Command(doc.relative_to(ROOT).as_posix(), text))
    return list(commands.values())


COMMANDS = documented_commands()


# --- Processes -----------------------------------------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    """A newcomer's shell: no DEBUG, no SECRET_KEY, nothing this test process set."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", ""),
        "LANG": "C.UTF-8",
        **extra,
    }
    return {name: value for name, value in env.items() if value}


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`argv` (a relative program such as .venv/bin/python is found from `cwd`); must exit 0."""
    result = subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, (
        f"{shlex.join(argv)} exited {result.returncode} in {cwd}\n"
        f"--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    )
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(argv: list[str], cwd: Path, env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """A server started from `argv`, once GET /livez answers 200; stopped by its pid after."""
    origin = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own process group: make's and runserver's children stop with it.
            start_new_session=True,
        )
        try:
            _wait_live(process, origin, log)
            yield origin
        finally:
            _stop(process)


def _wait_live(process: subprocess.Popen[bytes], origin: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited {process.returncode} before serving\n{log.read_text()[-3000:]}")
        try:
            if requests.get(origin + "/livez", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"/livez did not answer 200 within {START_TIMEOUT} s\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    for signum in (signal.SIGTERM, signal.SIGKILL):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
        try:
            process.wait(timeout=STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue


def service_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def need_services(*ports: int) -> None:
    """PostgreSQL (5432) and Redis (6379) on loopback: skip without them, unless CI requires."""
    missing = [port for port in ports if not service_answers(port)]
    if not missing:
        return
    message = f"nothing answers on 127.0.0.1:{missing} (PostgreSQL 5432, Redis 6379)"
    if os.environ.get("SGID_REQUIRE_SERVICES"):
        pytest.fail(message + " (required: SGID_REQUIRE_SERVICES is set)")
    pytest.skip(message)


# --- Where the commands run ---------------------------------------------------------------


def _ignored(directory: str, names: list[str]) -> set[str]:
    local = {".git", ".venv", ".env", "var", "staticfiles", "db.sqlite3", "__pycache__"}
    local |= {name for name in names if name.endswith("_cache") or name == ".hypothesis"}
    if Path(directory) == ROOT / "docs":
        local.add("screenshots")
    return local & set(names)


@pytest.fixture(scope="module")
def dev_copy(tmp_path_factory) -> Path:
    """A copy of the checkout after `make run`: the .env, database and dev keys it leaves."""
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.fail("no .venv: run `make run` or `make test` first")
    copy = tmp_path_factory.mktemp("checkout") / "sgid-rp"
    shutil.copytree(ROOT, copy, ignore=_ignored)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    up_to_date = subprocess.run(
        [MAKE, "-q", ".venv/.runtime"], cwd=copy, env=clean_env(), timeout=COMMAND_TIMEOUT
    )
    if up_to_date.returncode != 0:
        # requirements.txt is newer than the venv's marker. If what it lists is installed, the
        # copy's file takes the marker's age, so `make run` does not reinstall into the shared
        # venv; if not, the venv is out of date and the commands cannot be tried.
        plan = run(
            [".venv/bin/pip", "install", "--dry-run", "--no-index", "-r", "requirements.txt"],
            ROOT,
            clean_env(),
        ).stdout
        if "Would install" in plan:
            pytest.fail(f".venv lacks what requirements.txt lists: run `make run` first\n{plan}")
        marker = (ROOT / ".venv" / ".runtime").stat().st_mtime
        os.utime(copy / "requirements.txt", (marker, marker))
    port = free_port()
    with serving([MAKE, "run", f"PORT={port}"], copy, clean_env(), port, copy / "run.log"):
        pass
    dotenv = (copy / ".env").read_text()
    settings = {line for line in dotenv.splitlines() if line and not line.startswith("#")}
    # Development mode and the dev sgID, and no port: `make run PORT=…` decides that.
    assert settings == {"DEBUG=true", "SGID_MOCK=true"}, dotenv
    return copy


@pytest.fixture(scope="module")
def client_key(tmp_path_factory) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("keys") / "sgid-client.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def production_env(tmp_path: Path, client_key: Path, **extra: str) -> dict[str, str]:
    """What docs/deploying.md asks a server to set, on temporary files; no .env is read."""
    return clean_env(
        ENV_FILE=str(tmp_path / "no.env"),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,rp.example.gov.sg",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        # Named, not reached: the checks and /livez touch no cache.
        CACHE_URL="redis://127.0.0.1:6379/9",
        SGID_CLIENT_ID="client",
        SGID_CLIENT_SECRET="secret",
        SGID_PRIVATE_KEY_FILE=str(client_key),
        SGID_REDIRECT_URI="https://rp.example.gov.sg/auth/callback",
        STATIC_ROOT=str(tmp_path / "staticfiles"),
        **extra,
    )


# --- The runners: one per kind of documented command ----------------------------------------

Runner = Callable[[Command, pytest.FixtureRequest, Path], None]
RUNNERS: list[tuple[re.Pattern[str], Runner]] = []


def runs(pattern: str) -> Callable[[Runner], Runner]:
    def register(runner: Runner) -> Runner:
        RUNNERS.append((re.compile(pattern), runner))
        return runner

    return register


@runs(r"make run( PORT=\d+)?")
def make_run(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    documented = dict(word.split("=", 1) for word in command.argv[2:])
    # The address as the docs promise it (127.0.0.1:8000 by default) ...
    plan = run([MAKE, "-n", *command.argv[1:]], ROOT, clean_env()).stdout
    expected = f"127.0.0.1:{documented.get('PORT', '8000')}"
    assert f"runserver {expected}" in plan
    assert f"SGID_DEV_ORIGIN=http://{expected}" in plan
    # ... then served on a free one, in a checkout that already has its .env.
    copy: Path = request.getfixturevalue("dev_copy")
    # A developer's own line: `make run` must leave an existing .env as it is.
    dotenv = (copy / ".env").read_text().rstrip("\n") + "\n# mine\nLOG_LEVEL=INFO\n"
    (copy / ".env").write_text(dotenv)
    port = free_port()
    log = tmp_path / "make-run.log"
    with serving([MAKE, "run", f"PORT={port}"], copy, clean_env(), port, log) as origin:
        session = requests.Session()
        token = session.get(origin + "/api/csrf", timeout=5).json()["csrfToken"]
        start = session.post(
            origin + "/auth/login", headers={"X-CSRFToken": token}, allow_redirects=False, timeout=5
        )
        assert start.status_code == 302
        # The dev sgID and the callback follow the port.
        authorize = urlsplit(start.headers["Location"])
        assert f"{authorize.scheme}://{authorize.netloc}" == origin
        assert parse_qs(authorize.query)["redirect_uri"] == [origin + "/auth/callback"]
        # Another host name for the same server is sent to the printed address.
        other = requests.get(f"http://localhost:{port}/profile", allow_redirects=False, timeout=5)
        assert (other.status_code, other.headers["Location"]) == (302, origin + "/profile")
    assert (copy / ".env").read_text() == dotenv, "make run rewrote an existing .env"


@runs(r"make (test|lint|screenshots|bench)")
def make_dry_run(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Too long (or recursive) to run here: make's plan must hold and name programs that exist."""
    plan = run([MAKE, "-n", *command.argv[1:]], ROOT, clean_env()).stdout
    programs = re.findall(r"(?:^|\s)(\.venv/bin/[\w.-]+)", plan)
    assert programs, plan
    for program in programs:
        assert os.access(ROOT / program, os.X_OK), f"{program} (from `{command.text}`) is missing"


@runs(r"\.venv/bin/pytest( \S+)*")
def pytest_command(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    argv = [*command.argv, "-p", "no:cacheprovider", "-q"]
    if not any(re.search(r"\.py(::|$)", arg) for arg in command.argv[1:]):
        # The whole suite (this file among it) or a group: collected, not run again from inside.
        argv.append("--collect-only")
    output = run(argv, ROOT, clean_env()).stdout
    assert re.search(r"\d+ (passed|tests collected)", output), output


@runs(r"DATABASE_URL=postgres://\S+ CACHE_URL=redis://\S+ \.venv/bin/pytest( \S+)*")
def pytest_on_services(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    need_services(5432, 6379)
    assignments = dict(word.split("=", 1) for word in command.argv[:2])
    # Collected on those stores, not run: a run would create and drop test databases on the
    # machine's PostgreSQL, which other runs may be using at the same moment.
    argv = [*command.argv[2:], "-p", "no:cacheprovider", "-q", "--collect-only"]
    output = run(argv, ROOT, clean_env(**assignments)).stdout
    assert re.search(r"\d+ tests collected", output), output


@runs(r"\.venv/bin/python manage\.py check")
def dev_check(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    copy: Path = request.getfixturevalue("dev_copy")
    assert "no issues" in run(command.argv, copy, clean_env()).stdout


@runs(r"\.venv/bin/python manage\.py createsuperuser")
def createsuperuser(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    copy: Path = request.getfixturevalue("dev_copy")
    # Its questions answered from the environment, as Django allows with --noinput.
    answers = clean_env(
        DJANGO_SUPERUSER_USERNAME=f"admin-{secrets.token_hex(4)}",
        DJANGO_SUPERUSER_EMAIL="admin@example.com",
        DJANGO_SUPERUSER_PASSWORD=secrets.token_urlsafe(16),
    )
    result = run([*command.argv, "--noinput"], copy, answers)
    assert "Superuser created" in result.stdout


@runs(r"\.venv/bin/python manage\.py purge_expired( --events-older-than \d+)?")
def purge_expired(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    copy: Path = request.getfixturevalue("dev_copy")
    assert "Deleted" in run(command.argv, copy, clean_env()).stdout


def _needs_gettext() -> None:
    if not (shutil.which("xgettext") and shutil.which("msgfmt")):
        pytest.fail("needs GNU gettext (apt-get install -y gettext; .ci/run installs it)")


@runs(r"make (messages|translations)")
def make_translations(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """`make messages` finds nothing new (the catalogs are current); `make translations` builds
    every .mo from its .po."""
    _needs_gettext()
    copy: Path = request.getfixturevalue("dev_copy")
    catalogs = sorted((copy / "locale").glob("**/LC_MESSAGES/*.po"))
    assert catalogs, "no catalogs in locale/"
    for compiled in (copy / "locale").glob("**/LC_MESSAGES/*.mo"):
        compiled.unlink()
    run([MAKE, *command.argv[1:]], copy, clean_env())
    if command.argv[1] == "translations":
        assert all(po.with_suffix(".mo").is_file() for po in catalogs)
        return
    missing = [
        f"{po.relative_to(copy)}: {entry.msgid!r}"
        for po in catalogs
        for entry in polib.pofile(str(po)).untranslated_entries()
    ]
    assert missing == [], "strings marked in the source but not translated"


@runs(r"\.venv/bin/python manage\.py compilemessages --ignore=\.venv")
def compilemessages(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    _needs_gettext()
    copy: Path = request.getfixturevalue("dev_copy")
    for compiled in (copy / "locale").glob("**/LC_MESSAGES/*.mo"):
        compiled.unlink()
    run(command.argv, copy, clean_env())
    catalogs = sorted((copy / "locale").glob("**/LC_MESSAGES/*.po"))
    assert catalogs
    assert all(po.with_suffix(".mo").is_file() for po in catalogs)


@runs(r"\.venv/bin/python manage\.py check --deploy --fail-level WARNING")
def deploy_check(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    key: Path = request.getfixturevalue("client_key")
    run(command.argv, ROOT, production_env(tmp_path, key))


@runs(r"\.venv/bin/python manage\.py migrate --no-input")
def migrate(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    key: Path = request.getfixturevalue("client_key")
    run(command.argv, ROOT, production_env(tmp_path, key))
    assert (tmp_path / "db.sqlite3").stat().st_size > 0


@runs(r"\.venv/bin/python manage\.py collectstatic --no-input")
def collectstatic(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    key: Path = request.getfixturevalue("client_key")
    run(command.argv, ROOT, production_env(tmp_path, key))
    # WhiteNoise's manifest of hashed names: what production serves from.
    assert (tmp_path / "staticfiles" / "staticfiles.json").is_file()


@runs(r"\.venv/bin/python manage\.py sgid_keygen /\S+\.pem")
def sgid_keygen(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    # The documented path is the server's; here, a temporary one.
    target = tmp_path / Path(command.argv[-1]).name
    key: Path = request.getfixturevalue("client_key")
    result = run([*command.argv[:-1], str(target)], ROOT, production_env(tmp_path, key))
    assert "BEGIN PUBLIC KEY" in result.stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@runs(r"\.venv/bin/gunicorn sgid_rp\.wsgi")
def gunicorn(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    key: Path = request.getfixturevalue("client_key")
    port = free_port()
    # gunicorn.conf.py binds 0.0.0.0:$PORT; here loopback only, through its GUNICORN_BIND.
    env = production_env(
        tmp_path, key, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1", GUNICORN_THREADS="1"
    )
    with serving(command.argv, ROOT, env, port, tmp_path / "gunicorn.log"):
        pass


@runs(r"python3 -m venv \.venv")
def make_venv(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    run(command.argv, tmp_path, clean_env())
    assert os.access(tmp_path / ".venv" / "bin" / "python", os.X_OK)


@runs(r"\.venv/bin/python -m pip install --upgrade pip|\.venv/bin/pip install -r requirements\.txt")
def pip_install(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    # Resolved against the checkout's venv, changing nothing and fetching nothing.
    run([*command.argv, "--dry-run", "--no-index"], ROOT, clean_env())


# --- Scheduled jobs: crontab lines, systemd units, Kubernetes CronJobs ------------------------

# Where the docs put the checkout and the site's configuration (the env file ENV_FILE names, and
# the secret files it points at) on a server. Here: this checkout, and a temporary directory.
SERVER_CHECKOUT = "/srv/sgid-rp"
SERVER_CONFIG = "/etc/sgid-rp"
# A unit block names its file in its first line, as the docs show it to be installed.
UNIT = re.compile(r"\A# /etc/systemd/system/([\w@.-]+\.(?:service|timer))\n")
CRON_FIELD = re.compile(r"[\d*,/-]+")
# What cron and systemd give a job: no profile, no shell start-up files, this PATH.
CRON_PATH = "/usr/bin:/bin"
SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
AN_EXPIRED_SESSION = "x" * 32


@dataclass(frozen=True)
class Block:
    doc: str
    label: str
    body: str


def documented_blocks(*labels: str) -> list[Block]:
    return [
        Block(doc.relative_to(ROOT).as_posix(), label.strip(), body)
        for doc in DOCS
        for label, body in FENCE.findall(doc.read_text())
        if label.strip() in labels
    ]


BLOCKS = documented_blocks("crontab", "ini", "yaml")


def _secrets_from_files() -> set[str]:
    """The variables settings.py reads file-aware (NAME or the file NAME_FILE names)."""
    settings = (ROOT / "sgid_rp" / "settings.py").read_text()
    return set(re.findall(r"secret_env\.\w+\(\s*\"([A-Z0-9_]+)\"", settings))


def is_cron_schedule(fields: list[str]) -> bool:
    return len(fields) == 5 and all(CRON_FIELD.fullmatch(field) for field in fields)


def on_this_machine(text: str, config: Path) -> str:
    return text.replace(SERVER_CHECKOUT, str(ROOT)).replace(SERVER_CONFIG, str(config))


def a_documented_command(job: str) -> str:
    """The sh command (run by its runner above) that a scheduled job runs."""
    local = job.replace(SERVER_CHECKOUT + "/", "")
    known = [command.text for command in COMMANDS if command.text in local]
    assert known, f"`{job}` runs no command an sh block gives, so nothing here runs it"
    return max(known, key=len)


@dataclass(frozen=True)
class Server:
    """The server the docs describe, migrated, with every secret in a file of its own."""

    config: Path
    database: Path

    def local(self, text: str) -> str:
        return on_this_machine(text, self.config)

    def expire_a_session(self) -> None:
        with sqlite3.connect(self.database) as db:
            db.execute(
                "INSERT INTO django_session VALUES (?, '', '2000-01-01 00:00:00')",
                [AN_EXPIRED_SESSION],
            )

    def purged(self) -> bool:
        with sqlite3.connect(self.database) as db:
            query = "SELECT count(*) FROM django_session WHERE session_key = ?"
            return db.execute(query, [AN_EXPIRED_SESSION]).fetchone() == (0,)


@pytest.fixture
def server(tmp_path, client_key) -> Server:
    config = tmp_path / "etc-sgid-rp"
    config.mkdir()
    secrets_in_files = _secrets_from_files()
    lines = []
    for name, value in production_env(tmp_path, client_key).items():
        if name in {"PATH", "HOME", "LANG", "ENV_FILE"}:
            continue
        if name in secrets_in_files:
            secret = config / name.lower().replace("_", "-")
            secret.write_text(value + "\n")
            secret.chmod(0o600)
            name, value = f"{name}_FILE", str(secret)
        lines.append(f"{name}={value}")
    (config / "env").write_text("\n".join(lines) + "\n")
    run(
        [".venv/bin/python", "manage.py", "migrate", "--no-input"],
        ROOT,
        clean_env(ENV_FILE=str(config / "env")),
    )
    server = Server(config, tmp_path / "db.sqlite3")
    server.expire_a_session()
    return server


def _unit(body: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # names are case-sensitive
    unit.read_string(body)
    return unit


def documented_units(doc: str) -> dict[str, Block]:
    return {
        match[1]: block
        for block in BLOCKS
        if block.doc == doc and block.label == "ini" and (match := UNIT.match(block.body))
    }


def verify_units(units: dict[str, Block], tmp_path: Path) -> None:
    """`systemd-analyze verify`, on the units as installed here (it checks ExecStart exists)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    directory = tmp_path / "systemd"
    directory.mkdir(exist_ok=True)
    for name, block in units.items():
        (directory / name).write_text(on_this_machine(block.body, tmp_path))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *(str(directory / name) for name in units)],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if str(directory) in line or any(name in line for name in units)
    ]
    assert not complaints, "\n".join(complaints)
    assert result.returncode == 0, result.stdout + result.stderr


@runs(r"systemctl enable --now [\w@.-]+\.timer")
def systemctl_enable(command: Command, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Not run (it would change this machine): the timer is documented, installable and valid."""
    units = documented_units(command.doc)
    name = command.argv[-1]
    assert name in units, f"{command.doc} gives no unit /etc/systemd/system/{name}"
    timer = _unit(units[name].body)
    assert "timers.target" in timer.get("Install", "WantedBy", fallback="").split()
    started = timer.get("Timer", "Unit", fallback=name.removesuffix(".timer") + ".service")
    assert started in units, f"{name} starts {started}, which {command.doc} does not give"
    verify_units(units, tmp_path)


def check_crontab(block: Block, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    jobs = [line for line in block.body.splitlines() if line.strip() and line[0] != "#"]
    assert jobs
    for job in jobs:
        *schedule, command = job.split(None, 5)
        assert is_cron_schedule(schedule), job
        a_documented_command(command)
        server: Server = request.getfixturevalue("server")
        # As cron runs it: by /bin/sh, from the user's home, with nothing of a login's shell.
        env = {"PATH": CRON_PATH, "HOME": str(tmp_path), "SHELL": "/bin/sh"}
        result = run(["/bin/sh", "-c", server.local(command)], tmp_path, env)
        assert server.purged()
        # Cron mails what a job prints: on success, nothing.
        assert (result.stdout, result.stderr) == ("", "")


def check_systemd_unit(block: Block, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    unit = _unit(block.body)
    match = UNIT.match(block.body)
    if match is None:
        return  # another ini file: it parsed
    verify_units(documented_units(block.doc), tmp_path)
    if not match[1].endswith(".service"):
        return
    service = unit["Service"]
    argv = shlex.split(service["ExecStart"])
    a_documented_command(shlex.join(argv))
    server: Server = request.getfixturevalue("server")
    assignments = shlex.split(service.get("Environment", ""))
    env = {"PATH": SYSTEMD_PATH} | dict(word.split("=", 1) for word in assignments)
    cwd = Path(server.local(service.get("WorkingDirectory", "/")))
    output = run(
        [server.local(arg) for arg in argv], cwd, {k: server.local(v) for k, v in env.items()}
    )
    assert "Deleted" in output.stdout
    assert server.purged()


def check_yaml(block: Block, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if yaml is None:
        # The command at least: a flow sequence of strings, as JSON writes one.
        for command in re.findall(r"^\s*command: (\[.*\])$", block.body, re.M):
            a_documented_command(shlex.join(json.loads(command)))
        return
    for manifest in yaml.safe_load_all(block.body):
        if isinstance(manifest, dict) and manifest.get("kind") == "CronJob":
            check_cronjob(manifest, request)


def check_cronjob(manifest: dict, request: pytest.FixtureRequest) -> None:
    assert manifest["apiVersion"] == "batch/v1"
    schedule = manifest["spec"]["schedule"].split()
    assert is_cron_schedule(schedule), schedule
    pod = manifest["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] in {"Never", "OnFailure"}
    volumes = {volume["name"] for volume in pod.get("volumes", [])}
    server: Server = request.getfixturevalue("server")
    for container in pod["containers"]:
        argv = [*container.get("command", []), *container.get("args", [])]
        a_documented_command(shlex.join(argv))
        mounts = container.get("volumeMounts", [])
        assert {mount["name"] for mount in mounts} <= volumes
        env = {item["name"]: item["value"] for item in container.get("env", [])}
        # The files it names are in the container: under a volume it mounts.
        for value in env.values():
            if value.startswith(SERVER_CONFIG + "/"):
                assert any(value.startswith(mount["mountPath"] + "/") for mount in mounts)
        cwd = Path(server.local(container["workingDir"]))
        local_env = {"PATH": SYSTEMD_PATH} | {k: server.local(v) for k, v in env.items()}
        output = run([server.local(arg) for arg in argv], cwd, local_env)
        assert "Deleted" in output.stdout
        assert server.purged()


BLOCK_CHECKS: dict[str, Callable[[Block, pytest.FixtureRequest, Path], None]] = {
    "crontab": check_crontab,
    "ini": check_systemd_unit,
    "yaml": check_yaml,
}


def runner_for(command: Command) -> Runner | None:
    for pattern, runner in RUNNERS:
        if pattern.fullmatch(command.text):
            return runner
    return None


# --- The tests ----------------------------------------------------------------------------


def test_the_docs_give_the_two_set_up_commands_first():
    readme = [command.text for command in COMMANDS if command.doc == "README.md"]
    assert readme[:2] == ["make run", "make test"]


@pytest.mark.parametrize("command", COMMANDS, ids=[f"{c.doc}: {c.text}" for c in COMMANDS])
def test_documented_command_works(command, request, tmp_path):
    runner = runner_for(command)
    if runner is None:
        pytest.fail(f"{command.doc}: no runner here knows `{command.text}`: add one to {__file__}")
    runner(command, request, tmp_path)


@pytest.mark.parametrize(
    "block", BLOCKS, ids=[f"{b.doc}: {b.label} {b.body.splitlines()[0][:60]}" for b in BLOCKS]
)
def test_documented_schedules_and_manifests_hold_and_their_jobs_run(block, request, tmp_path):
    BLOCK_CHECKS[block.label](block, request, tmp_path)


@pytest.mark.parametrize("doc", DOCS, ids=[d.relative_to(ROOT).as_posix() for d in DOCS])
def test_code_blocks_are_labelled_and_inline_commands_are_run(doc):
    text = doc.read_text()
    labels = {label.strip() for label, _ in FENCE.findall(text)}
    assert labels <= FENCE_LABELS, f"label commands sh and the rest text: {labels - FENCE_LABELS}"
    known = {command.text for command in COMMANDS}
    for span in INLINE_CODE.findall(_prose(text)):
        if COMMANDISH.match(span):
            normal = shlex.join(shlex.split(span))
            assert normal in known, f"`{span}` in {doc.name} is in no sh block, so nothing runs it"


def _anchors(doc: Path) -> set[str]:
    headings = re.findall(r"^#+ (.+)$", _prose(doc.read_text()), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("doc", DOCS, ids=[d.relative_to(ROOT).as_posix() for d in DOCS])
def test_links_and_code_references_point_at_what_exists(doc):
    prose = _prose(doc.read_text())
    targets = re.findall(r"\]\(([^)\s]+)\)", prose) + re.findall(r'src="([^"]+)"', prose)
    for target in targets:
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (doc.parent / path).resolve() if path else doc
        assert linked.exists(), f"{doc.name} links to {target}, which does not exist"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{doc.name}: no heading for #{anchor} in {path}"
    # `accounts/signin.py`, `accounts/views.py:callback`, `tests/support/`: the code named.
    for span in INLINE_CODE.findall(prose):
        match = re.fullmatch(r"((?:[\w.-]+/)+(?:[\w.-]+\.py)?)(?::([\w.]+))?", span)
        if not match or span.startswith(("var/", "staticfiles/", "locale/")):
            continue
        path = ROOT / match[1]
        assert path.exists(), f"{doc.name} names `{span}`, which does not exist"
        for name in (match[2] or "").split("."):
            if name:
                source = path.read_text()
                assert re.search(rf"(def|class) {name}\b|^{name} = ", source, re.M), (
                    f"{doc.name} names `{span}`: no {name} in {match[1]}"
                )


def _variables_read() -> set[str]:
    settings = (ROOT / "sgid_rp" / "settings.py").read_text()
    server = (ROOT / "gunicorn.conf.py").read_text()
    return (
        set(re.findall(r"env\.\w+\(\s*\"([A-Z0-9_]+)\"", settings))
        | set(re.findall(r"environ\.get\(\s*\"([A-Z0-9_]+)\"", server))
        # A secret read file-aware has a second variable: the file's path.
        | {f"{name}_FILE" for name in _secrets_from_files()}
    )


@pytest.mark.parametrize("listing", ["docs/configuration.md", ".env.example"])
def test_every_variable_the_code_reads_is_documented(listing):
    text = (ROOT / listing).read_text()
    missing = sorted(name for name in _variables_read() if name not in text)
    assert not missing, f"{listing} does not name {missing}"
