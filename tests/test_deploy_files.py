"""The files for serving past one machine (deploy/Dockerfile, compose.yaml, k8s/) cannot run here (no
container runtime, no cluster), so they are checked as far as reading them goes: they parse, and
their ports, health checks, cookie, timeouts and commands agree with deploy/cluster.py, which
``./dev serve`` runs and tests/browser/test_many_viewers.py exercises. HAProxy itself checks both of
its configurations (``haproxy -c``)."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from deploy import cluster

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text()


def instruction(text: str, name: str) -> list[str]:
    """Every value of a Dockerfile instruction, with continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def k8s() -> dict[str, dict]:
    found = {}
    for path in sorted(K8S.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            found[document["kind"]] = document
    return found


def test_the_container_runs_one_process_with_the_production_settings():
    assert json.loads(instruction(dockerfile(), "CMD")[0]) == cluster.container_command()
    assert instruction(dockerfile(), "EXPOSE") == [str(cluster.CONTAINER_PORT)]
    health = instruction(dockerfile(), "HEALTHCHECK")[0]
    assert f"http://127.0.0.1:{cluster.CONTAINER_PORT}{cluster.HEALTH_PATH}" in health
    assert instruction(dockerfile(), "USER") == ["10001"]


def test_the_image_holds_everything_the_dashboard_reads():
    copied = {part.split()[0] for part in instruction(dockerfile(), "COPY")}
    for needed in ("dashboard.py", "data", "model", "ui", "views", ".streamlit", "deploy", "pyproject.toml"):
        assert (ROOT / needed).exists() and needed in copied, needed
    # The dashboard's pages live in views/; every page it names is in the image through that folder.
    pages = re.findall(r'st\.Page\("([^"]+)"', (ROOT / "dashboard.py").read_text())
    assert pages and all(page.startswith("views/") and (ROOT / page).exists() for page in pages)


def test_the_products_config_leaves_the_serving_settings_to_the_command_line():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    # A port, address or cookie secret in the shared config would fight the per-process flags.
    assert not {"port", "address", "cookieSecret", "headless"} & set(config.get("server", {}))


def test_compose_runs_replicas_behind_the_proxy_with_the_same_settings():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    dashboard, proxy = compose["services"]["dashboard"], compose["services"]["proxy"]
    assert (ROOT / dashboard["build"]["context"].replace("..", ".") / dashboard["build"]["dockerfile"]).exists()
    assert dashboard["deploy"]["replicas"] >= 2
    assert dashboard["expose"] == [str(cluster.CONTAINER_PORT)]
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in dashboard["environment"]
    assert f"127.0.0.1:{cluster.CONTAINER_PORT}{cluster.HEALTH_PATH}" in " ".join(dashboard["healthcheck"]["test"])
    assert proxy["depends_on"]["dashboard"]["condition"] == "service_healthy"
    mounted = proxy["volumes"][0].split(":")[0]
    config = (DEPLOY / mounted).read_text()
    assert f"dashboard:{cluster.CONTAINER_PORT}" in config
    assert proxy["ports"] == ["8080:8080"] and "bind :8080" in config


def settings(config: str) -> set[str]:
    """The lines two HAProxy configurations must share: timeouts, retries, health check, cookie name."""
    wanted = ("timeout ", "retries", "option redispatch", "http-check", "option httpchk", "balance", "log-format")
    lines = {line.strip() for line in config.splitlines() if line.strip().startswith(wanted)}
    cookie = re.search(r"^\s*cookie (\S+)", config, re.MULTILINE)
    return lines | {f"cookie name {cookie.group(1) if cookie else None}"}


def test_the_compose_proxy_has_the_one_machine_proxys_settings():
    one_machine = cluster.haproxy_config([18501, 18502], 18080)
    compose = (DEPLOY / "compose" / "haproxy.cfg").read_text()
    assert settings(compose) == settings(one_machine)
    assert f"cookie name {cluster.AFFINITY_COOKIE}" in settings(compose)
    assert f"http-check send meth GET uri {cluster.HEALTH_PATH}" in settings(compose)


@pytest.mark.parametrize("affinity", [True, False])
def test_haproxy_accepts_the_one_machine_configuration(tmp_path, affinity):
    path = tmp_path / "haproxy.cfg"
    path.write_text(cluster.haproxy_config([18501, 18502], 18080, affinity=affinity))
    checked = subprocess.run([cluster.haproxy_binary(), "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (f"cookie {cluster.AFFINITY_COOKIE} insert" in path.read_text()) is affinity


def test_haproxy_accepts_the_compose_configuration():
    checked = subprocess.run([cluster.haproxy_binary(), "-c", "-f", str(DEPLOY / "compose" / "haproxy.cfg")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_kubernetes_probes_ports_and_secret_agree_with_the_product():
    kinds = k8s()
    assert set(kinds) == {"Deployment", "Service", "Ingress", "Secret"}
    deployment, service, secret = kinds["Deployment"], kinds["Service"], kinds["Secret"]
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports == {"http": cluster.CONTAINER_PORT}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": cluster.HEALTH_PATH, "port": "http"}, probe
    env = {item["name"]: item for item in container["env"]}
    reference = env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"]
    assert reference["name"] == secret["metadata"]["name"] and reference["key"] in secret["stringData"]
    assert deployment["spec"]["replicas"] >= 2
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_kubernetes_resources_are_sized_and_the_ingress_pins_viewers_for_an_hour():
    kinds = k8s()
    (container,) = kinds["Deployment"]["spec"]["template"]["spec"]["containers"]
    resources = container["resources"]
    assert resources["requests"]["cpu"] == "1"  # one process runs its scripts on one core
    mebibytes = {key: int(value.removesuffix("Mi")) if value.endswith("Mi") else int(value.removesuffix("Gi")) * 1024
                 for key, value in (("request", resources["requests"]["memory"]),
                                    ("limit", resources["limits"]["memory"]))}
    assert 0 < mebibytes["request"] <= mebibytes["limit"]
    ingress = kinds["Ingress"]
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/session-cookie-name"] == cluster.AFFINITY_COOKIE
    tunnel = re.search(r"timeout tunnel (\d+)h", cluster.haproxy_config([1], 2)).group(1)
    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
        assert int(notes[f"nginx.ingress.kubernetes.io/{timeout}"]) == int(tunnel) * 3600
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": kinds["Service"]["metadata"]["name"], "port": {"name": "http"}}
