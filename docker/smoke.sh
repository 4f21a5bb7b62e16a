#!/usr/bin/env bash
# docker/smoke.sh: builds Sluice's images, brings docker/compose.yaml up, writes to the source, reconciles the
# warehouse, checks Prometheus and the dashboard's metrics, SIGKILLs a container and reconciles again, takes the
# stack down. Needs the build's outputs (mvn -B package -DskipTests, or mvn -B verify): cli/target/sluice.jar,
# sink-connectors/target/connect-plugin/, docker/target/kafka/libs/. Runs as root or with sudo.
#   SMOKE_KEEP=1       leave the stack up at the end (docker compose -p sluicesmoke -f docker/compose.yaml down -v)
#   SLUICE_BASE_IMAGE  a JRE 17 image to build on; default eclipse-temurin:17-jre, else one made with debootstrap
set -euo pipefail
cd "$(dirname "$0")/.."
# Images are made from this tree, and their services run as non-root users (kafka, postgres, nobody, sluice): with a
# tight umask (077) the checkout, the build's outputs and debootstrap's directories would be readable by root alone.
umask 022
started=$(date +%s)
step() { printf '[smoke %4ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }
fail() { step "FAILED: $*"; exit 1; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

step "checking the build's outputs"
for f in cli/target/sluice.jar sink-connectors/target/connect-plugin/sluice-warehouse-sink/manifest.json \
         docker/target/kafka/libs; do
  [ -e "$f" ] || fail "$f is missing; run 'mvn -B package -DskipTests' first."
done

step "installing what is missing (Debian packages)"
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker >/dev/null || need+=(docker.io)
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || need+=(docker-compose)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v promtool >/dev/null || need+=(prometheus)
/usr/bin/python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}" >/dev/null
  step "installed ${need[*]}"
fi
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi

logs=$(mktemp -d /tmp/sluice-smoke.XXXXXX)
if ! docker info >/dev/null 2>&1; then
  step "starting dockerd (log $logs/dockerd.log)"
  $SUDO sh -c "nohup dockerd > '$logs/dockerd.log' 2>&1 & echo \$! > '$logs/dockerd.pid'"
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  if ! docker info >/dev/null 2>&1 || ! docker info 2>/dev/null | grep -q 'Storage Driver'; then
    step "dockerd did not come up with its default storage driver; trying vfs"
    $SUDO kill "$(cat "$logs/dockerd.pid")" || true
    sleep 5
    $SUDO sh -c "nohup dockerd --storage-driver=vfs > '$logs/dockerd.log' 2>&1 & echo \$! > '$logs/dockerd.pid'"
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  fi
  docker info >/dev/null 2>&1 || fail "dockerd does not start; see $logs/dockerd.log"
fi
step "docker $(docker info --format '{{.ServerVersion}} ({{.Driver}})'), compose: ${compose[*]} $("${compose[@]}" version --short 2>/dev/null || true)"

step "checking Prometheus rules and Grafana provisioning offline"
promtool check rules docker/prometheus/alerts.yml >/dev/null
(cd docker/prometheus && promtool test rules alerts_test.yml) >/dev/null || fail "promtool test rules docker/prometheus/alerts_test.yml"
/usr/bin/python3 -c 'import json, sys, yaml
json.load(open("docker/grafana/dashboards/sluice.json"))
for f in sys.argv[1:]: yaml.safe_load(open(f))' docker/grafana/provisioning/*/*.yml docker/compose.yaml

base=${SLUICE_BASE_IMAGE:-eclipse-temurin:17-jre}
if ! docker image inspect "$base" >/dev/null 2>&1 && ! timeout 60 docker pull -q "$base" >/dev/null 2>&1; then
  step "$base cannot be pulled: making a Debian bookworm base with debootstrap (reused when present)"
  base=sluice-smoke/bookworm-jre:17
  $SUDO bash docker/smoke/base-image.sh "$base"
fi
export SLUICE_BASE_IMAGE=$base
export SLUICE_POSTGRES_IMAGE=${SLUICE_POSTGRES_IMAGE:-postgres:15-bookworm}
export SLUICE_PROMETHEUS_IMAGE=${SLUICE_PROMETHEUS_IMAGE:-prom/prometheus:v2.53.3}
export SLUICE_IMAGE=sluice:smoke SLUICE_KAFKA_IMAGE=sluice-kafka:smoke
# what the Dockerfiles copy and compose.yaml mounts, readable (its directories and scripts runnable) by every user,
# whatever the umask was when it was checked out or built
$SUDO chmod -R a+rX docker cli/target/sluice.jar sink-connectors/target/connect-plugin cli/src/main/resources/dev/sluice/cli/demo
builds=()
build() {  # build TAG DOCKERFILE in the background (the four builds share the 2 cores better than in a row)
  docker build -q -f "$2" --build-arg BASE_IMAGE="$base" -t "$1" . > "$logs/build-${1//[\/:]/_}.log" 2>&1 &
  builds+=("$!:$1")
}
pullable() { docker image inspect "$1" >/dev/null 2>&1 || timeout 60 docker pull -q "$1" >/dev/null 2>&1; }
if ! pullable "$SLUICE_POSTGRES_IMAGE"; then
  step "$SLUICE_POSTGRES_IMAGE cannot be pulled: building a stand-in from Debian's postgresql-15"
  SLUICE_POSTGRES_IMAGE=sluice-smoke/postgres:15
  build "$SLUICE_POSTGRES_IMAGE" docker/smoke/postgres.Dockerfile
fi
if ! pullable "$SLUICE_PROMETHEUS_IMAGE"; then
  step "$SLUICE_PROMETHEUS_IMAGE cannot be pulled: building a stand-in from Debian's prometheus"
  SLUICE_PROMETHEUS_IMAGE=sluice-smoke/prometheus
  build "$SLUICE_PROMETHEUS_IMAGE" docker/smoke/prometheus.Dockerfile
fi
step "grafana: left out of this run (no registry route for grafana/grafana here); its provisioning and dashboard were checked offline above"
step "building the sluice and kafka images on $base"
build "$SLUICE_IMAGE" docker/Dockerfile
build "$SLUICE_KAFKA_IMAGE" docker/kafka/Dockerfile
for b in "${builds[@]}"; do
  wait "${b%%:*}" || { cat "$logs"/build-*.log; fail "docker build of ${b#*:}"; }
done
step "images built"

export COMPOSE_PROJECT_NAME=sluicesmoke PROMETHEUS_PORT=${PROMETHEUS_PORT:-29390}
dc() { "${compose[@]}" -f docker/compose.yaml "$@"; }
# the labels docker-compose 1.29 and docker compose both set: a container id without a compose call per poll
container() {
  docker ps -a -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
    --filter "label=com.docker.compose.service=$1" | head -1
}
finish() {
  rc=$?
  if [ $rc -ne 0 ]; then
    for s in $(dc ps --services 2>/dev/null); do dc logs --no-color --tail 200 "$s" > "$logs/$s.log" 2>&1 || true; done
    step "service logs kept in $logs"
  fi
  if [ "${SMOKE_KEEP:-0}" != 1 ]; then dc down -v --remove-orphans >/dev/null 2>&1 || true; fi
  step "$( [ $rc -eq 0 ] && echo passed || echo failed ) in $(( $(date +%s) - started )) s"
}
trap finish EXIT
dc down -v --remove-orphans >/dev/null 2>&1 || true

services=(kafka source-db shop registry ingest transform connect-1 connect-2 connect-init warehouse-db prometheus)
step "compose up: ${services[*]}"
dc up -d --no-build "${services[@]}" > "$logs/up.log" 2>&1 || { cat "$logs/up.log"; fail "compose up"; }

wait_healthy() {  # every service healthy (connect-init: exited 0), within $1 seconds
  local deadline=$(( $(date +%s) + $1 )) pending
  while :; do
    pending=()
    for s in "${services[@]}"; do
      c=$(container "$s")
      if [ "$s" = connect-init ]; then
        [ "$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$c")" = "exited 0" ] || pending+=("$s")
      else
        [ "$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$c")" = healthy ] || pending+=("$s")
      fi
    done
    [ ${#pending[@]} -eq 0 ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || fail "not healthy after $1 s: ${pending[*]}"
    sleep 3
  done
}
wait_healthy 420
step "every service healthy; the connector runs on the stock workers from the plugin archive"

network=$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' "$(container warehouse-db)")
reconcile() {  # reconciles until the warehouse equals the source, within $1 seconds
  local deadline=$(( $(date +%s) + $1 ))
  # no password in a URL (refused): each side's own variable
  until docker run --rm --network "$network" -e SLUICE_LOCAL_SOURCE_PASSWORD="${SOURCE_PASSWORD:-shop}" \
        -e SLUICE_LOCAL_WAREHOUSE_PASSWORD="${WAREHOUSE_PASSWORD:-warehouse}" \
        --entrypoint java "$SLUICE_IMAGE" -XX:TieredStopAtLevel=1 -jar /opt/sluice/sluice.jar \
        reconcile --source-url "postgresql://sluice@source-db:5432/shop" \
        --warehouse "jdbc:postgresql://warehouse-db:5432/analytics?user=sluice" \
        --tables public.customers,public.products,public.orders,public.order_items > "$logs/reconcile.out" 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { cat "$logs/reconcile.out"; fail "the warehouse did not reconcile within $1 s"; }
    sleep 5
  done
  sed 's/^/    /' "$logs/reconcile.out"
}
source_rows() {
  docker exec "$(container source-db)" psql -qtA -U sluice -d shop -c \
    "select (select count(*) from orders) || ' orders, ' || (select count(*) from order_items) || ' order items'"
}

step "shop writes to the source for 30 s: $(source_rows)"
sleep 30
dc stop shop >/dev/null 2>&1
step "shop stopped: $(source_rows); waiting for the warehouse to catch up"
reconcile 300
step "warehouse reconciled with the source"

prom() { docker exec "$(container prometheus)" wget -qO- "http://127.0.0.1:9090/api/v1/$1"; }
step "checking that Prometheus scrapes every service"
deadline=$(( $(date +%s) + 60 ))
until prom 'query?query=count%20by%20(service)%20(%7B__name__%3D~%22sluice_.%2B%22%7D)' > "$logs/sluice-series.json" \
      && /usr/bin/python3 - "$logs/sluice-series.json" <<'PY'
import json, sys
series = {r["metric"].get("service"): int(r["value"][1]) for r in json.load(open(sys.argv[1]))["data"]["result"]}
print("    sluice_ series per service:", series)
sys.exit(0 if all(series.get(s, 0) > 0 for s in ("ingest", "transform", "connect")) else 1)
PY
do
  [ "$(date +%s)" -lt "$deadline" ] || fail "Prometheus lacks sluice_ metrics of ingest, transform or connect"
  sleep 5
done
prom 'query?query=up' | /usr/bin/python3 -c 'import json, sys
up = {r["metric"]["instance"]: r["value"][1] for r in json.load(sys.stdin)["data"]["result"]}
print("    up:", up)
sys.exit(0 if len(up) == 5 and set(up.values()) == {"1"} else 1)' || fail "a scrape target is down"
prom 'label/__name__/values' | /usr/bin/python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["data"]))' > "$logs/metric-names.txt"
/usr/bin/python3 docker/smoke/promql_metrics.py "$logs/metric-names.txt" docker/grafana/dashboards/sluice.json \
  docker/prometheus/alerts.yml | sed 's/^/    /' || fail "the dashboard or the alert rules name a metric the services do not serve"

victim=${SMOKE_KILL:-ingest}
step "shop writes again; SIGKILL $victim"
dc start shop >/dev/null 2>&1
sleep 10
before=$(docker inspect -f '{{.RestartCount}}' "$(container "$victim")")
# SIGKILL to the container's PID 1 from the host, as a crash or the OOM killer would: `docker kill` counts as a
# manual stop, after which Docker does not apply the restart policy
$SUDO kill -KILL "$(docker inspect -f '{{.State.Pid}}' "$(container "$victim")")"
deadline=$(( $(date +%s) + 120 ))
until [ "$(docker inspect -f '{{.RestartCount}}' "$(container "$victim")")" -gt "$before" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "$victim was not restarted"
  sleep 1
done
step "$victim restarted by its restart policy; waiting until it is healthy"
wait_healthy 300
sleep 10
dc stop shop >/dev/null 2>&1
step "shop stopped: $(source_rows); waiting for the warehouse to catch up"
reconcile 300
step "warehouse reconciled with the source after the kill"
step "taking the stack down"
