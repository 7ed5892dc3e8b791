"""Settings come from the environment, with a `.env` file underneath it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRINT = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps([settings.SGID_SCOPES, settings.SGID_HTTP_TIMEOUT, settings.DEBUG]))"
)


def settings_in_a_fresh_process(env_file: Path, **environment: str) -> list:
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "sgid_rp.settings",
        "ENV_FILE": str(env_file),
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_a_dotenv_file_is_read_and_the_real_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "SECRET_KEY=from-file\nSGID_SCOPES=openid myinfo.sex\nSGID_HTTP_TIMEOUT=7\nDEBUG=false\n"
    )
    scopes, timeout, debug = settings_in_a_fresh_process(env_file, SGID_HTTP_TIMEOUT="3")
    assert scopes == "openid myinfo.sex"
    assert timeout == 3.0
    assert debug is False


def test_without_a_secret_key_outside_debug_start_up_names_it(tmp_path):
    env = {"PATH": os.environ["PATH"], "ENV_FILE": str(tmp_path / "absent")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_proxy_settings_come_from_the_environment(tmp_path):
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.SECURE_PROXY_SSL_HEADER, settings.CSRF_TRUSTED_ORIGINS, "
        "settings.USE_X_FORWARDED_HOST]))"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "sgid_rp.settings",
        "ENV_FILE": str(tmp_path / "none"),
        "SECRET_KEY": "x" * 50,
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "CSRF_TRUSTED_ORIGINS": "https://a.example,https://b.example",
        "USE_X_FORWARDED_HOST": "true",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [
        ["HTTP_X_FORWARDED_PROTO", "https"],
        ["https://a.example", "https://b.example"],
        True,
    ]
