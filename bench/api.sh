#!/usr/bin/env bash
# REST API benchmark (./deetune bench api): the built distribution, unpacked fresh and run as its own instance
# (DEETUNE_INSTANCE: its own ports on 127.0.0.1 and its own pin root), with an XDP pipeline (firewall and LB stages)
# on a veth of a lab namespace, ~1,000 firewall rules and a few LB services, all set up through the REST API.
# Measured with io.deetune.web.bench.ApiBench (deetune.web's test classes), the user admin, HTTP/1.1 keep-alive:
#   get:    GET /lb/services and /pipelines in turn at a fixed rate (open loop: each request is due at a fixed time
#           and its latency counts from then, so a slow answer cannot hide the wait of those behind it), p50/p99;
#   write:  POST a backend to a service, then read the pinned maps (lb_services -> lb_rings -> lb_backends, what the
#           data path reads for a new flow) every 100 µs until the new backend is served; p50/p99 of request
#           start -> served in the kernel (and -> HTTP answer), after 3 rounds of warm-up. The backend is then
#           deleted and the configuration left to settle for 1.5 s (past File Install's 1 s poll) before the next
#           round; a deleted backend that comes back meanwhile (a late copy of an older configuration) counts as
#           reverted;
#   scrape: more services (API_BENCH_SCRAPE_SERVICES x 64 backends: 6 series per backend) bring /deetune/metrics to
#           about 10,000 series with the rules' 2 each; GET it one after another, series count, p50/max; and the
#           GET load once more against that bigger state.
# Ends with: RESULT api get_p99_ms=.. write_to_kernel_p99_ms=.. scrape_ms_10k_series=.. (the scrape's slowest).
#
# Environment: API_BENCH_INSTANCE (DeeTune instance number, default 13: HTTP 8194, SSH 8114, /sys/fs/bpf/deetune-13),
# API_BENCH_RATE (200 req/s), API_BENCH_SECONDS (30), API_BENCH_RULES (1000), API_BENCH_WRITES (50),
# API_BENCH_SCRAPES (20), API_BENCH_SCRAPE_SERVICES (20), API_BENCH_SETTLE_MS (1500: how long each write round
# waits for a deleted backend to come back); MAVEN_OPTS reaches Maven.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
INSTANCE=${API_BENCH_INSTANCE:-13}
RATE=${API_BENCH_RATE:-200}
GET_SECONDS=${API_BENCH_SECONDS:-30}
RULES=${API_BENCH_RULES:-1000}
WRITES=${API_BENCH_WRITES:-50}
SETTLE_MS=${API_BENCH_SETTLE_MS:-1500}
SCRAPES=${API_BENCH_SCRAPES:-20}
SCRAPE_SERVICES=${API_BENCH_SCRAPE_SERVICES:-20}
HTTP_PORT=$((8181 + INSTANCE)) SSH_PORT=$((8101 + INSTANCE))
RMI_PORTS="$((1099 + INSTANCE)) $((44444 + INSTANCE))"
PIN_ROOT=/sys/fs/bpf/deetune-$INSTANCE
CONTEXT=http://127.0.0.1:$HTTP_PORT/deetune
TAG=$(printf '%04x' $((RANDOM % 65536)))
NS=apib-lab-$TAG
PIPELINE=bench

log() { printf '[bench api] %s\n' "$*" >&2; }
log_lines() { while read -r line; do log "$line"; done <<<"$1"; }
die() { log "$*"; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (namespaces, XDP, pins)"

source cnf/bin/packages.sh
require_packages iproute2 curl

port_listens() { ss -Hltn "sport = :$1" | grep -q .; }
for port in "$HTTP_PORT" "$SSH_PORT" $RMI_PORTS; do
  ! port_listens "$port" || die "port $port is in use (another DeeTune instance $INSTANCE?): set API_BENCH_INSTANCE"
done
[ ! -e "$PIN_ROOT" ] || die "$PIN_ROOT exists (another DeeTune instance $INSTANCE, or a run that was cut short: remove it)"

source bench/lib.sh
log "building the distribution (and deetune.web's test classes)"
bench_build distribution
WORK=$(mktemp -d /tmp/deetune-api-bench.XXXXXX)
KARAF=$WORK/karaf
CLASSPATH_BENCH=$(bench_classpath deetune.web "$WORK")
api() { # command args...: one step of ApiBench against this instance
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Ddeetune.bench.settleMillis="$SETTLE_MS" -cp "$CLASSPATH_BENCH" io.deetune.web.bench.ApiBench \
    "$CONTEXT" "$KARAF/etc/admin.password" "$@" 2> >(grep -v SLF4J >&2)
}

KARAF_STARTED=""
karaf_pid() { [ -f "$KARAF/karaf.pid" ] && cat "$KARAF/karaf.pid"; }
stop_karaf() {
  local pid
  pid=$(karaf_pid) || return 0
  DEETUNE_INSTANCE=$INSTANCE "$KARAF/bin/stop" >/dev/null 2>&1 || true
  for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
  log "Karaf ($pid) did not stop within 60 s: killing it"
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  set +e
  if [ -n "$KARAF_STARTED" ]; then
    # Stopping Karaf leaves the data plane running: take the pipeline away first (it removes its links and pins).
    api delete-pipeline "$PIPELINE" >/dev/null 2>&1 || log "could not delete pipeline $PIPELINE through the API"
    stop_karaf
  fi
  ip netns del "$NS" 2>/dev/null
  rm -rf "$PIN_ROOT"
  if [ "$rc" -ne 0 ] && [ -d "$KARAF" ]; then
    cp "$KARAF/data/log/karaf.log" "/tmp/deetune-api-bench-karaf-$TAG.log" 2>/dev/null \
      && log "failed: Karaf's log is in /tmp/deetune-api-bench-karaf-$TAG.log"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

log "lab: namespace $NS, veth0 10.250.0.1/24 <-> veth1 10.250.0.2/24"
ip netns add "$NS"
ip link add veth0 netns "$NS" type veth peer name veth1 netns "$NS"
ip -n "$NS" addr add 10.250.0.1/24 dev veth0
ip -n "$NS" addr add 10.250.0.2/24 dev veth1
for dev in lo veth0 veth1; do ip -n "$NS" link set "$dev" up; done

log "unpacking the distribution into $KARAF, instance $INSTANCE (HTTP $HTTP_PORT, pins under $PIN_ROOT)"
mkdir -p "$KARAF"
tar xzf distribution/target/deetune-distribution-*.tar.gz --strip-components=1 -C "$KARAF"
# The LB's host namespace: its egress monitor and health checks run in the lab, not in the machine's namespace.
printf 'namespace = %s\n' "$NS" > "$KARAF/etc/io.deetune.lb.cfg"
DEETUNE_INSTANCE=$INSTANCE KARAF_REDIRECT=$WORK/karaf.out "$KARAF/bin/start" >/dev/null 2>&1
KARAF_STARTED=yes
for _ in $(seq 180); do
  [ -s "$KARAF/etc/admin.password" ] && api_status=$(curl -s -o /dev/null -w '%{http_code}' \
    -u "admin:$(cat "$KARAF/etc/admin.password")" "$CONTEXT/api/v1/firewall" 2>/dev/null) && [ "$api_status" = 200 ] && break
  sleep 1
done
[ "${api_status:-}" = 200 ] || die "the API did not answer within 180 s (see $KARAF/data/log/karaf.log)"
log "HTTP listens on: $(ss -Hltn "sport = :$HTTP_PORT" | awk '{print $4}' | paste -sd' ')"

log "pipeline $PIPELINE (XDP) on $NS:veth0 through the API"
api pipeline "$PIPELINE" "$NS:veth0" firewall lb >&2
for _ in $(seq 60); do [ -e "$PIN_ROOT/stages/lb/lb_services" ] && break; sleep 1; done
[ -e "$PIN_ROOT/stages/lb/lb_services" ] || die "no pinned LB maps under $PIN_ROOT/stages/lb"
log "loading $RULES firewall rules (one POST each) and 3 LB services of 4 backends"
RULES_OUT=$(api rules "$RULES")
log_lines "$RULES_OUT"
api services web 3 4 10.99 10.98 >&2

field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" | head -1; }

log "GET at $RATE req/s for ${GET_SECONDS}s (after 5 s of warm-up)"
GET_OUT=$(api get "$RATE" "$GET_SECONDS" 5 /lb/services /pipelines)
log_lines "$GET_OUT"
log "write to kernel: $WRITES backends added to web-1"
WRITE_OUT=$(api write web-1 10.99.0.1 "$WRITES" "$PIN_ROOT/stages/lb")
log_lines "$WRITE_OUT"
log "scrape: $SCRAPE_SERVICES more services of 64 backends"
api services bulk "$SCRAPE_SERVICES" 64 10.96 10.95 >&2
SCRAPE_OUT=$(api scrape "$SCRAPES")
log_lines "$SCRAPE_OUT"
log "GET at $RATE req/s for 10s against the bigger state"
GET_BIG_OUT=$(api get "$RATE" 10 3 /lb/services /pipelines)
log_lines "$GET_BIG_OUT"

get_all=$(grep 'path=all' <<<"$GET_OUT")
get_big=$(grep 'path=all' <<<"$GET_BIG_OUT")
to_kernel=$(grep 'to_kernel' <<<"$WRITE_OUT")
to_response=$(grep 'to_response' <<<"$WRITE_OUT")
row() { # label line: a table row of n, p50, p99, max
  echo "| $1 | $(field n <<<"$2") | $(field p50_ms <<<"$2") | $(field p99_ms <<<"$2") | $(field max_ms <<<"$2") |"
}
echo "## REST API (bench/api.sh, $(date -u '+%Y-%m-%d %H:%M') UTC, instance $INSTANCE on 127.0.0.1, $RULES firewall rules)"
echo
echo "| measurement | n | p50 ms | p99 ms | max ms |"
echo "|---|---:|---:|---:|---:|"
while read -r line; do
  path=$(field path <<<"$line")
  [ "$path" = all ] && continue
  row "GET ${path#/api/v1} at $RATE req/s (3 services, 12 backends)" "$line"
done < <(grep '^get ' <<<"$GET_OUT")
row "GET both, together (failures: $(field failures <<<"$get_all"))" "$get_all"
row "GET both at $RATE req/s, $((3 + SCRAPE_SERVICES)) services, $((12 + 64 * SCRAPE_SERVICES)) backends (failures: $(field failures <<<"$get_big"))" "$get_big"
row "POST backend -> served in the kernel maps (deleted backends that came back: $(field reverted <<<"$to_kernel"))" "$to_kernel"
row "POST backend -> HTTP answer" "$to_response"
row "scrape /deetune/metrics, $(field series <<<"$SCRAPE_OUT") series, $(field bytes <<<"$SCRAPE_OUT") bytes" "$SCRAPE_OUT"
echo
echo "Rules loaded one POST each: $(field load_s <<<"$RULES_OUT") s for $RULES. The first write after the start (cold code, not"
echo "in the table, nor are the two after it): $(field first_ms <<<"$to_kernel") ms to the kernel."
echo
echo "RESULT api get_p99_ms=$(field p99_ms <<<"$get_all") write_to_kernel_p99_ms=$(field p99_ms <<<"$to_kernel") scrape_ms_10k_series=$(field max_ms <<<"$SCRAPE_OUT")"
