"""The production files agree with the code.

Docker and Kubernetes do not run on the development machines, so
``docker-compose.yml`` and ``deploy/k8s/*.yaml`` are checked by reading them: every
service (each ``services/<name>/service.py``) has a container and a Deployment, all
of them get the same ``NJIA_*`` settings, and every setting named is one Njia knows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.config import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
K8S_DIR = ROOT / "deploy" / "k8s"
SECRET_TEMPLATE = "secrets.example.yaml"
DEPLOY_TEXT_FILES = [COMPOSE_FILE, ROOT / "Dockerfile", ROOT / "deploy" / "PRODUCTION.md"]

# What every service needs to reach the broker, its database and the others' tokens.
CONNECTING_SETTINGS = {"NJIA_ENV", "NJIA_AMQP_URI", "NJIA_MONGO_URI", "NJIA_JWT_SECRET"}
MEMORY_LIMIT_MIB = 192
GATEWAY_PORT = 8000
NJIA_NAME = re.compile(r"\bNJIA_[A-Z][A-Z0-9_]*")


def service_names() -> list[str]:
    return sorted(path.parent.name for path in (ROOT / "services").glob("*/service.py"))


SERVICES = service_names()


# Reading the files -----------------------------------------------------------------


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose_services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def njia_compose_services() -> dict[str, dict[str, Any]]:
    """The containers built from Njia's own image (not RabbitMQ or MongoDB)."""
    return {name: spec for name, spec in compose_services().items() if "build" in spec}


def k8s_files() -> list[Path]:
    return sorted(K8S_DIR.glob("*.yaml"))


def k8s_objects(kind: str | None = None) -> Iterator[dict[str, Any]]:
    for path in k8s_files():
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and (kind is None or doc.get("kind") == kind):
                yield doc


def k8s_object(kind: str, name: str) -> dict[str, Any]:
    found = [obj for obj in k8s_objects(kind) if obj["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name!r} in deploy/k8s, found {len(found)}"
    return found[0]


def deployments() -> dict[str, dict[str, Any]]:
    return {obj["metadata"]["name"]: obj for obj in k8s_objects("Deployment")}


def pod_containers(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    pod = deployment["spec"]["template"]["spec"]
    return [*pod.get("initContainers", []), *pod["containers"]]


def main_container(deployment: dict[str, Any]) -> dict[str, Any]:
    return deployment["spec"]["template"]["spec"]["containers"][0]


def compose_env_names(spec: dict[str, Any]) -> set[str]:
    env = spec.get("environment") or {}
    if isinstance(env, list):
        return {item.split("=", 1)[0] for item in env}
    return set(env)


def compose_env(spec: dict[str, Any]) -> dict[str, str]:
    env = spec.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def container_env_names(container: dict[str, Any]) -> set[str]:
    names = {item["name"] for item in container.get("env", [])}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            names |= set(k8s_object("ConfigMap", source["configMapRef"]["name"]).get("data", {}))
        if "secretRef" in source:
            secret = k8s_object("Secret", source["secretRef"]["name"])
            names |= set(secret.get("stringData", {})) | set(secret.get("data", {}))
    return names


def k8s_memory_mib(quantity: str) -> float:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 10**3, "M": 10**6, "G": 10**9, "": 1}
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G|)", str(quantity))
    assert match, f"unexpected Kubernetes memory quantity {quantity!r}"
    return float(match[1]) * units[match[2]] / 2**20


def compose_memory_mib(quantity: str) -> float:
    units = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30}
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([bkmg]?)b?", str(quantity).lower())
    assert match, f"unexpected compose memory size {quantity!r}"
    return float(match[1]) * units[match[2]] / 2**20


# Every service is deployed -----------------------------------------------------------


def test_the_services_are_found_in_the_services_folder() -> None:
    assert {"accounts", "gateway"} <= set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_a_compose_service_and_a_deployment(service: str) -> None:
    assert service in njia_compose_services(), f"docker-compose.yml has no {service!r} (built)"
    assert service in deployments(), f"deploy/k8s has no Deployment {service!r}"


def service_target(service: str) -> str:
    """`nameko run` names the class: the base NjiaService in the module would be started too."""
    return f"services.{service}.service:{service.title()}Service"


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_runs_its_own_module_from_the_one_image(service: str) -> None:
    module = service_target(service)
    assert module in compose_services()[service]["command"]
    assert module in main_container(deployments()[service])["command"]
    images = {spec["image"] for spec in njia_compose_services().values()}
    assert len(images) == 1, f"compose builds more than one Njia image: {images}"


def test_kustomization_lists_every_manifest_but_the_secret_template() -> None:
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())
    manifests = {path.name for path in k8s_files()} - {"kustomization.yaml", SECRET_TEMPLATE}
    assert set(kustomization["resources"]) == manifests


# Settings ----------------------------------------------------------------------------


def test_every_container_and_deployment_gets_the_same_njia_settings() -> None:
    def njia(names: set[str]) -> set[str]:
        return {name for name in names if name.startswith("NJIA_")}

    seen: dict[str, set[str]] = {}
    for name, spec in njia_compose_services().items():
        seen[f"compose {name}"] = njia(compose_env_names(spec))
    for name, deployment in deployments().items():
        for container in pod_containers(deployment):
            seen[f"Deployment {name}/{container['name']}"] = njia(container_env_names(container))
    expected = seen[f"compose {SERVICES[0]}"]
    assert expected >= CONNECTING_SETTINGS, f"missing {sorted(CONNECTING_SETTINGS - expected)}"
    differing = {where: sorted(names ^ expected) for where, names in seen.items()}
    differing = {where: names for where, names in differing.items() if names}
    assert not differing, f"settings differ from compose {SERVICES[0]}'s: {differing}"


def test_deploy_files_name_only_settings_njia_knows() -> None:
    unknown = {}
    for path in [*DEPLOY_TEXT_FILES, *k8s_files()]:
        names = set(NJIA_NAME.findall(path.read_text())) - set(SETTINGS)
        if names:
            unknown[str(path.relative_to(ROOT))] = sorted(names)
    assert not unknown, f"not in shared.config.SETTINGS: {unknown}"


def test_deploy_files_run_in_production_mode_reachable_from_outside_the_container() -> None:
    config = k8s_object("ConfigMap", "njia-config")["data"]
    for where, env in [("njia-config", config)] + [
        (f"compose {name}", compose_env(spec)) for name, spec in njia_compose_services().items()
    ]:
        assert env.get("NJIA_ENV") == "production", where
        assert env.get("NJIA_HTTP_HOST") == "0.0.0.0", where
        assert env.get("NJIA_HTTP_PORT") == str(GATEWAY_PORT), where


def test_production_deploys_name_the_mail_sms_and_video_settings() -> None:
    """As shipped before, production sent no email or SMS: nothing set the mailer or the gateway."""
    needed = {
        "NJIA_SMTP_HOST",
        "NJIA_SMTP_PORT",
        "NJIA_SMTP_SECURITY",
        "NJIA_SMTP_PASSWORD",
        "NJIA_EMAIL_FROM",
        "NJIA_SMS_API_URL",
        "NJIA_SMS_USERNAME",
        "NJIA_SMS_API_KEY",
        "NJIA_SMS_INBOUND_TOKEN",
        "NJIA_JITSI_BASE_URL",
        "NJIA_JITSI_APP_ID",
        "NJIA_JITSI_APP_SECRET",
    }
    for name, spec in njia_compose_services().items():
        assert needed <= compose_env_names(spec), (
            f"compose {name} lacks {sorted(needed - compose_env_names(spec))}"
        )
    env = compose_env(compose_services()["notifications"])
    for required in ("NJIA_SMTP_HOST", "NJIA_EMAIL_FROM"):
        assert re.fullmatch(rf"\$\{{{required}:\?[^}}]*\}}", env[required]), env[required]
    config = k8s_object("ConfigMap", "njia-config")["data"]
    assert config["NJIA_SMTP_HOST"] not in ("127.0.0.1", "localhost")


def test_compose_refuses_to_start_without_a_jwt_secret() -> None:
    secret = compose_env(compose_services()["gateway"])["NJIA_JWT_SECRET"]
    assert re.fullmatch(r"\$\{NJIA_JWT_SECRET:\?[^}]*\}", secret), secret


def test_secret_template_holds_only_placeholders() -> None:
    secret = k8s_object("Secret", "njia-secrets")
    values = {**secret.get("stringData", {}), **secret.get("data", {})}
    assert values, "the njia-secrets template is empty"
    # Placeholders, or empty for what a deployment may leave out (a self-hosted Jitsi's secret).
    assert all("REPLACE-ME" in value or value == "" for value in values.values()), values
    # Too short to pass production's check, so a forgotten placeholder stops the service.
    assert len(values["NJIA_JWT_SECRET"]) < 32


# Compose -----------------------------------------------------------------------------


def test_compose_leaves_container_names_to_compose() -> None:
    named = [name for name, spec in compose_services().items() if "container_name" in spec]
    assert not named, f"container_name stops replicas and parallel stacks: {named}"


def test_mongo_runs_as_a_replica_set_the_services_connect_to() -> None:
    mongo = compose_services()["mongo"]
    command = mongo["command"] if isinstance(mongo["command"], str) else " ".join(mongo["command"])
    assert "--replSet" in command
    assert "healthcheck" in mongo
    for name, spec in njia_compose_services().items():
        assert "replicaSet=" in compose_env(spec)["NJIA_MONGO_URI"], name


def test_rabbitmq_runs_the_management_image() -> None:
    image = compose_services()["rabbitmq"]["image"]
    assert image.startswith("rabbitmq:") and image.endswith("-management"), image


@pytest.mark.parametrize("service", SERVICES)
def test_services_start_only_after_rabbitmq_and_mongo_are_healthy(service: str) -> None:
    spec = compose_services()[service]
    for backend in ("rabbitmq", "mongo"):
        assert "healthcheck" in compose_services()[backend], f"{backend} has no healthcheck"
        assert spec["depends_on"][backend]["condition"] == "service_healthy", (service, backend)


@pytest.mark.parametrize("service", SERVICES)
def test_every_compose_service_has_a_healthcheck_and_restarts(service: str) -> None:
    spec = compose_services()[service]
    assert spec.get("healthcheck", {}).get("test"), f"{service} has no healthcheck"
    assert spec.get("restart") in ("always", "unless-stopped", "on-failure"), service


def test_compose_gateway_publishes_port_8000() -> None:
    published = compose_services()["gateway"].get("ports", [])
    assert str(GATEWAY_PORT) in [str(port).rsplit(":", 1)[-1] for port in published]


# Kubernetes ---------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_stays_within_its_memory_limit(service: str) -> None:
    for container in pod_containers(deployments()[service]):
        limit = container.get("resources", {}).get("limits", {}).get("memory")
        assert limit, f"{service}/{container['name']} has no memory limit"
        assert k8s_memory_mib(limit) <= MEMORY_LIMIT_MIB, (service, container["name"], limit)
    compose_limit = compose_services()[service]["deploy"]["resources"]["limits"]["memory"]
    assert compose_memory_mib(compose_limit) <= MEMORY_LIMIT_MIB, (service, compose_limit)


@pytest.mark.parametrize("service", SERVICES)
def test_every_deployment_has_probes_and_a_cpu_autoscaler(service: str) -> None:
    container = main_container(deployments()[service])
    assert "livenessProbe" in container and "readinessProbe" in container, service
    target = {"apiVersion": "apps/v1", "kind": "Deployment", "name": service}
    hpas = k8s_objects("HorizontalPodAutoscaler")
    autoscalers = [hpa for hpa in hpas if hpa["spec"]["scaleTargetRef"] == target]
    assert len(autoscalers) == 1, f"{service} needs one HorizontalPodAutoscaler"
    assert autoscalers[0]["apiVersion"] == "autoscaling/v2"
    cpu = [m["resource"] for m in autoscalers[0]["spec"]["metrics"] if m["type"] == "Resource"]
    assert cpu and cpu[0]["name"] == "cpu" and cpu[0]["target"]["averageUtilization"] == 70


def test_gateway_service_targets_port_8000() -> None:
    gateway = deployments()["gateway"]
    pod_labels = gateway["spec"]["template"]["metadata"]["labels"]
    ports = main_container(gateway).get("ports", [])
    named_ports = {port["name"]: port["containerPort"] for port in ports}
    services = [
        svc
        for svc in k8s_objects("Service")
        if svc["spec"].get("selector") and svc["spec"]["selector"].items() <= pod_labels.items()
    ]
    assert services, "no Service selects the gateway's pods"
    targets = [port["targetPort"] for svc in services for port in svc["spec"]["ports"]]
    assert GATEWAY_PORT in [named_ports.get(target, target) for target in targets]


def test_gateway_probes_its_health_endpoints() -> None:
    container = main_container(deployments()["gateway"])
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_gateway_keeps_a_replica_through_disruptions() -> None:
    pod_labels = deployments()["gateway"]["spec"]["template"]["metadata"]["labels"]
    budgets = [
        pdb
        for pdb in k8s_objects("PodDisruptionBudget")
        if pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    ]
    assert budgets, "the gateway has no PodDisruptionBudget"
