"""The container image and the Kubernetes manifest that serve a room past one machine.

Checked with the schema validators on PyPI (kubernetes-validate, hadolint), then for what the
lab needs from them: a non-root image that serves on every interface and takes the public host
from its environment, and replicas behind an Ingress that keeps each browser on its replica
(sticky cookie) with a websocket timeout long enough for a class.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from tests.conftest import ROOT

DOCKERFILE = ROOT / "infra" / "Dockerfile"
MANIFEST = ROOT / "infra" / "k8s" / "cognito-lab.yaml"
NGINX = "nginx.ingress.kubernetes.io/"
HADOLINT = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")


# --- the image ------------------------------------------------------------------------------------


def _instructions() -> list[dict[str, Any]]:
    return DockerfileParser(str(DOCKERFILE)).structure


def _last(name: str) -> str:
    return [step["value"] for step in _instructions() if step["instruction"] == name][-1]


def test_hadolint_finds_nothing_in_the_dockerfile():
    done = subprocess.run([HADOLINT, "--format", "json", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert json.loads(done.stdout or "[]") == [] and done.returncode == 0, done.stdout + done.stderr


def test_the_image_is_python_3_11_slim_and_installs_the_pinned_requirements():
    assert DockerfileParser(str(DOCKERFILE)).baseimage == "python:3.11-slim"
    runs = " ".join(step["value"] for step in _instructions() if step["instruction"] == "RUN")
    assert "pip install --no-cache-dir -r requirements.txt" in runs


def test_the_image_runs_as_a_numeric_non_root_user():
    user = _last("USER")
    assert user.isdigit() and int(user) != 0, user  # numeric: runAsNonRoot can check it


def test_streamlit_serves_every_interface_and_the_public_host_comes_from_the_environment():
    command = json.loads(_last("CMD"))
    assert command[:5] == ["python", "-m", "streamlit", "run", "dashboard.py"]
    assert "--server.address=0.0.0.0" in command and "--server.port=8501" in command
    # Baked into the image, the room's address would override what `docker run -e` passes.
    assert "COGNITO_LAB_PUBLIC_HOST" not in DockerfileParser(str(DOCKERFILE)).envs


def test_no_secret_file_enters_the_image():
    copied = " ".join(step["value"] for step in _instructions() if step["instruction"] in ("COPY", "ADD"))
    assert "secrets.toml" not in copied and ". ." not in copied and ". /app" not in copied


# --- the manifest ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def resources() -> dict[str, dict[str, Any]]:
    documents = [doc for doc in yaml.safe_load_all(MANIFEST.read_text(encoding="utf-8")) if doc]
    return {doc["kind"]: doc for doc in documents}


def test_every_resource_is_valid_against_the_kubernetes_schema(resources: dict[str, dict[str, Any]]):
    assert set(resources) == {"Deployment", "Service", "Ingress"}
    for resource in resources.values():
        kubernetes_validate.validate(resource, kubernetes_validate.latest_version(), strict=True)


def test_the_validator_rejects_a_broken_resource(resources: dict[str, dict[str, Any]]):
    broken = json.loads(json.dumps(resources["Deployment"]))
    broken["spec"]["replicas"] = "three"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, kubernetes_validate.latest_version(), strict=True)


def test_several_replicas_run_the_image_as_non_root(resources: dict[str, dict[str, Any]]):
    deployment = resources["Deployment"]
    assert deployment["spec"]["replicas"] >= 2
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    container = pod["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert {port["containerPort"] for port in container["ports"]} >= {8501}


def test_the_service_reaches_the_pods_dashboard_port(resources: dict[str, dict[str, Any]]):
    deployment, service = resources["Deployment"], resources["Service"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    named = {port["name"]: port["containerPort"] for port in deployment["spec"]["template"]["spec"]["containers"][0]["ports"]}
    assert [named[port["targetPort"]] for port in service["spec"]["ports"]] == [8501]


def test_the_ingress_keeps_each_browser_on_its_replica(resources: dict[str, dict[str, Any]]):
    annotations = resources["Ingress"]["metadata"]["annotations"]
    assert annotations[f"{NGINX}affinity"] == "cookie"
    assert annotations[f"{NGINX}affinity-mode"] == "persistent"  # scaling up moves nobody
    assert annotations[f"{NGINX}session-cookie-name"]
    assert int(annotations[f"{NGINX}session-cookie-max-age"]) >= 8 * 3600  # a training day


def test_the_ingress_keeps_streamlits_websocket_open_for_a_class(resources: dict[str, dict[str, Any]]):
    annotations = resources["Ingress"]["metadata"]["annotations"]
    assert int(annotations[f"{NGINX}proxy-read-timeout"]) >= 3600
    assert int(annotations[f"{NGINX}proxy-send-timeout"]) >= 3600


def test_the_ingress_routes_the_public_host_to_the_service(resources: dict[str, dict[str, Any]]):
    rule = resources["Ingress"]["spec"]["rules"][0]
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": resources["Service"]["metadata"]["name"], "port": {"name": "dashboard"}}
    env = {item["name"]: item.get("value") for item in
           resources["Deployment"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["COGNITO_LAB_PUBLIC_HOST"] == rule["host"]  # the lab's links use the Ingress's host
    # ... and its own calls to the in-pod sandbox, on that host, stay inside the pod.
    aliases = resources["Deployment"]["spec"]["template"]["spec"]["hostAliases"]
    assert {"ip": "127.0.0.1", "hostnames": [rule["host"]]} in aliases
