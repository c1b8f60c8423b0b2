#!/usr/bin/env bash
# Load balancer benchmark (./deetune bench lb): DeeTune's load balancer (at XDP, redirect or pass, and at tc ingress)
# against HAProxy (TCP mode) and
# nftables DNAT load balancing, plus the ceiling (client straight to one backend through the LB's plain routing),
# on one namespace testbed: client ns -> LB ns -> three backend ns running nginx. Two loads from the client: wrk
# keep-alive requests (req/s, p50, p99) and wrk with 'Connection: close' (new connections/s), each with the CPU time
# the whole machine spent per request or connection (which separates targets that all reach the ceiling), and the
# p99 of keep-alive requests at one fixed rate for all (hey -q; LB_BENCH_FIXED_RATE, 20000 req/s). Also the stage's
# in-kernel ns/packet (BPF_PROG_TEST_RUN). Every target runs with the LB namespace's NAPI in softirq and threaded
# (see NAPI_MODES). Ends with one RESULT line (DeeTune divided by the peer, each in its better set-up).
#
# Environment: LB_BENCH_SECONDS (default 5) per run, LB_BENCH_ROUNDS (3; the table shows medians),
# LB_BENCH_CONNECTIONS (32), LB_BENCH_TARGETS, LB_BENCH_NAPI (below); MAVEN_OPTS reaches Maven.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SECONDS_PER_RUN=${LB_BENCH_SECONDS:-5}
ROUNDS=${LB_BENCH_ROUNDS:-3}
CONNECTIONS=${LB_BENCH_CONNECTIONS:-32}
# wrk runs every target flat out, so its p99 compares targets at different rates; hey adds one at the same rate.
FIXED_RATE=${LB_BENCH_FIXED_RATE:-20000}
# Which targets to run (all by default), e.g. LB_BENCH_TARGETS="deetune-redirect haproxy" for a quick look.
TARGETS=${LB_BENCH_TARGETS:-direct deetune-redirect deetune-pass deetune-tc haproxy nftables}
[ "$TARGETS" != none ] || TARGETS=""
# The load feedback section (below) runs unless LB_BENCH_FEEDBACK=0.
FEEDBACK=${LB_BENCH_FEEDBACK:-1}
# How the LB namespace's interfaces run NAPI: in softirq (the kernel's default; on veth that is the sender's CPU,
# so all of the LB's packet work is done inside the client's and the backends' send calls) and threaded (each
# interface polls in a kernel thread of its own that the scheduler places, as a NIC's queue has its own interrupt
# and CPU on a real LB host). Every target runs in both modes; the RESULT line takes each target in its better one.
NAPI_MODES=${LB_BENCH_NAPI:-softirq threaded}
MODULE=deetune.plugin.lb
WORK=$(mktemp -d /tmp/deetune-lb-bench.XXXXXX)
TAG=$(printf '%04x' $((RANDOM % 65536)))
NS_CLIENT=lbb-client-$TAG NS_LB=lbb-lb-$TAG
NS_B=(lbb-b1-$TAG lbb-b2-$TAG lbb-b3-$TAG)
BACKENDS=(10.11.1.2 10.11.2.2 10.11.3.2)
VIP_DEETUNE=10.0.0.100 VIP_HAPROXY=10.0.0.101 VIP_NFT=10.0.0.102
# Each target reaches the backends on its own port. Connections close at the server, which keeps them in
# TIME_WAIT for a minute; a new SYN on such a tuple is only accepted with newer TCP timestamps, and the client's
# timestamp offset differs per destination address (VIP, backend, ...). Shared ports made one target's TIME_WAIT
# stall the next target's new connections by a SYN retransmission (seen: 90 connections/s).
declare -A PORT=([direct]=8080 [deetune-redirect]=8081 [deetune-pass]=8082 [haproxy]=8083 [nftables]=8084 [deetune-tc]=8085
  [deetune-leastconn]=8086 [deetune-agent]=8087 [haproxy-agent]=8088)

log() { printf '[bench lb] %s\n' "$*" >&2; }
[ "$(id -u)" -eq 0 ] || { log "run as root (namespaces, XDP)"; exit 1; }

source cnf/bin/packages.sh
require_packages nginx haproxy wrk hey nftables ethtool

LB_PID=""
cleanup() {
  set +e
  [ -n "$LB_PID" ] && kill "$LB_PID" 2>/dev/null && wait "$LB_PID" 2>/dev/null
  for pidfile in "$WORK"/*.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; done
  sleep 0.5
  for ns in "$NS_CLIENT" "$NS_LB" "${NS_B[@]}"; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

source bench/lib.sh
log "building $MODULE"
bench_build "$MODULE"
# The suite starts a JVM per DeeTune run: resolve the classpath once.
CLASSPATH_BENCH=$(bench_classpath "$MODULE" "$WORK")
lb_java() { # [java options...] class args...
  local options=()
  while [ "${1:-}" != "${1#-}" ]; do options+=("$1"); shift; done
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED "${options[@]}" -cp "$CLASSPATH_BENCH" "$@"
}

log "in-kernel ns/packet (BPF_PROG_TEST_RUN)"
KERNEL=$(lb_java io.deetune.lb.internal.LbKernelBenchmark 2> >(grep -v -e INFO -e SLF4J >&2))

log "testbed: $NS_CLIENT -> $NS_LB -> ${NS_B[*]}"
for ns in "$NS_CLIENT" "$NS_LB" "${NS_B[@]}"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
veth() { # ns_a if_a cidr_a ns_b if_b cidr_b
  ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
  ip -n "$1" addr add "$3" dev "$2"; ip -n "$4" addr add "$6" dev "$5"
  ip -n "$1" link set "$2" up; ip -n "$4" link set "$5" up
  # Full checksums on the wire, as a NIC delivers them; GRO so XDP_REDIRECT into the peer delivers (DESIGN.md).
  for side in "$1 $2" "$4 $5"; do
    set -- $side
    ip netns exec "$1" ethtool -K "$2" tx off gro on >/dev/null
  done
}
veth "$NS_CLIENT" c0 10.10.0.2/24 "$NS_LB" lb-c 10.10.0.1/24
ip -n "$NS_CLIENT" route add default via 10.10.0.1
for i in 1 2 3; do
  veth "$NS_LB" "lb-b$i" "10.11.$i.1/24" "${NS_B[$((i-1))]}" "b$i" "10.11.$i.2/24"
  ip -n "${NS_B[$((i-1))]}" route add default via "10.11.$i.1"
done
ip netns exec "$NS_LB" sysctl -qw net.ipv4.ip_forward=1
# The client (wrk) and HAProxy open tens of thousands of connections per run, and runs of one target follow each
# other within TIME_WAIT's minute: without port reuse a second run found its ephemeral ports taken (seen: HAProxy
# at 400 connections/s after 9,500 in the run before). Both namespaces are the connecting side, as in any load test.
for ns in "$NS_CLIENT" "$NS_LB"; do
  ip netns exec "$ns" sysctl -qw net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="1024 65535"
done
ip -n "$NS_LB" addr add "$VIP_HAPROXY/32" dev lo

for i in 1 2 3; do
  cat > "$WORK/nginx-b$i.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx-b$i.pid;
error_log $WORK/nginx-b$i.err;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 10000000;
  server {
    listen ${BACKENDS[$((i-1))]}:${PORT[direct]} backlog=8192;
    listen ${BACKENDS[$((i-1))]}:${PORT[deetune-redirect]} backlog=8192;
    listen ${BACKENDS[$((i-1))]}:${PORT[deetune-pass]} backlog=8192;
    listen ${BACKENDS[$((i-1))]}:${PORT[haproxy]} backlog=8192;
    listen ${BACKENDS[$((i-1))]}:${PORT[nftables]} backlog=8192;
    listen ${BACKENDS[$((i-1))]}:${PORT[deetune-tc]} backlog=8192;
    listen ${BACKENDS[$((i-1))]}:${PORT[deetune-leastconn]} backlog=8192;
    listen ${BACKENDS[$((i-1))]}:${PORT[deetune-agent]} backlog=8192;
    listen ${BACKENDS[$((i-1))]}:${PORT[haproxy-agent]} backlog=8192;
    location / { return 200 "b$i\n"; }
  }
}
NGINX
  ip netns exec "${NS_B[$((i-1))]}" nginx -c "$WORK/nginx-b$i.conf"
done

haproxy_up() { # name vip balance backend-port [server options]: one HAProxy in TCP mode in the LB namespace
  local name=$1 vip=$2 balance=$3 port=$4 options=${5:-}
  cat > "$WORK/$name.cfg" <<HAPROXY
global
  maxconn 4000
  nbthread 1
  pidfile $WORK/$name.pid
defaults
  mode tcp
  timeout connect 2s
  timeout client 30s
  timeout server 30s
frontend vip
  bind $vip:80
  default_backend nginx
backend nginx
  balance $balance
  server b1 ${BACKENDS[0]}:$port $options
  server b2 ${BACKENDS[1]}:$port $options
  server b3 ${BACKENDS[2]}:$port $options
HAPROXY
  ip netns exec "$NS_LB" haproxy -f "$WORK/$name.cfg" -D
}
haproxy_up haproxy "$VIP_HAPROXY" roundrobin "${PORT[haproxy]}"

# nftables: round-robin DNAT of the VIP to the three backends (numgen), conntrack does the return path. Loaded
# only for its own runs: the NAT table turns conntrack on for everything the LB namespace forwards.
nft_up() {
  local p=${PORT[nftables]}
  ip netns exec "$NS_LB" nft -f - <<NFT
table ip deetune_bench {
  chain prerouting {
    type nat hook prerouting priority dstnat;
    ip daddr $VIP_NFT tcp dport 80 dnat ip to numgen inc mod 3 map { 0 : ${BACKENDS[0]} . $p, 1 : ${BACKENDS[1]} . $p, 2 : ${BACKENDS[2]} . $p }
  }
}
NFT
}
nft_down() { ip netns exec "$NS_LB" nft delete table ip deetune_bench; }

start_deetune() { # hook, forwarding mode, backend port[, algorithm[, java options...]]
  mkfifo "$WORK/lb.in"
  lb_java "${@:5}" io.deetune.lb.internal.LbBenchMain "$NS_LB" "$1" "$2" "${4:-round-robin}" \
    "$VIP_DEETUNE:80" lb-c,lb-b1,lb-b2,lb-b3 "${BACKENDS[0]}:$3" "${BACKENDS[1]}:$3" "${BACKENDS[2]}:$3" \
    < "$WORK/lb.in" > "$WORK/lb.out" 2> "$WORK/lb.err" &
  LB_PID=$!
  exec 7> "$WORK/lb.in"
  for _ in $(seq 100); do grep -q READY "$WORK/lb.out" 2>/dev/null && return 0; sleep 0.1; done
  log "DeeTune did not start: $(cat "$WORK/lb.err")"; exit 1
}
stop_deetune() {
  exec 7>&-
  wait "$LB_PID" || true
  LB_PID=""
  log "$(grep 'stage verdicts' "$WORK/lb.out")"
  rm -f "$WORK/lb.in"
}

to_ms() { # wrk latency (e.g. 812.00us, 1.23ms, 1.01s) -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}

drops() { # frames veth dropped on the way (a full XDP ring of the peer counts as tx_dropped of the sender)
  local total=0 n
  for pair in "$NS_CLIENT c0" "$NS_LB lb-c" "$NS_LB lb-b1" "$NS_LB lb-b2" "$NS_LB lb-b3" "${NS_B[0]} b1" "${NS_B[1]} b2" "${NS_B[2]} b3"; do
    set -- $pair
    n=$(ip -n "$1" -s link show "$2" | awk '/RX:|TX:/ {getline; sum += $4} END {print sum + 0}')
    total=$((total + n))
  done
  echo "$total"
}

# CPU time of the whole machine (all namespaces share the counters), in clock ticks: busy (user, nice, system,
# irq, softirq, steal) and softirq alone (where XDP, netfilter and veth forwarding run).
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $8}' /proc/stat; }
per_unit_us() { # ticks units: CPU microseconds per unit (request or connection)
  awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN { if (n + 0 == 0) print "n/a"; else printf "%.1f", t * 1e6 / hz / n }'
}
wrk_count() { awk '/requests in/ {print $1}' <<<"$1"; }

# Each metric collects one value per round; the table shows the median (the machine is shared, runs are noisy).
declare -A RPS P50 P99 CPS ERRS DROPS CPU_REQ SI_REQ CPU_CONN P99_FIXED
run_wrk() { # name url
  local name=$1 url=$2 out before rps p50 p99 cps drops_now t0 t1 requests
  before=$(drops)
  ip netns exec "$NS_CLIENT" wrk -t1 -c"$CONNECTIONS" -d2s "$url" >/dev/null 2>&1 || true # warm-up
  t0=($(cpu_ticks))
  out=$(ip netns exec "$NS_CLIENT" wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$url" 2>&1 || true)
  t1=($(cpu_ticks))
  requests=$(wrk_count "$out")
  CPU_REQ[$name]+=" $(per_unit_us $((t1[0] - t0[0])) "${requests:-0}")"
  SI_REQ[$name]+=" $(per_unit_us $((t1[1] - t0[1])) "${requests:-0}")"
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); rps=${rps:-0}
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  ERRS[$name]+=$(awk '/Non-2xx|Socket errors|unable to connect/ {printf "%s ", $0}' <<<"$out")
  t0=($(cpu_ticks))
  out=$(ip netns exec "$NS_CLIENT" wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -H 'Connection: close' "$url" 2>&1 || true)
  t1=($(cpu_ticks))
  requests=$(wrk_count "$out")
  CPU_CONN[$name]+=" $(per_unit_us $((t1[0] - t0[0])) "${requests:-0}")"
  cps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); cps=${cps:-0}
  ERRS[$name]+=$(awk '/Non-2xx|Socket errors|unable to connect/ {printf "%s ", $0}' <<<"$out")
  out=$(ip netns exec "$NS_CLIENT" hey -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" -q $((FIXED_RATE / CONNECTIONS)) "$url" 2>&1 || true)
  P99_FIXED[$name]+=" $(awk '/ 99% in / {printf "%.3f", $3 * 1000}' <<<"$out")"
  drops_now=$(( $(drops) - before ))
  RPS[$name]+=" $rps" P50[$name]+=" $p50" P99[$name]+=" $p99" CPS[$name]+=" $cps" DROPS[$name]+=" $drops_now"
  log "$(printf 'round %s %-27s %10s req/s  p50 %7s ms  p99 %7s ms (at %s req/s: %s ms)  %10s conn/s  %s veth drops  CPU %s us/req (softirq %s), %s us/conn' "$round" "$name" "$rps" "$p50" "$p99" "$FIXED_RATE" "${P99_FIXED[$name]##* }" "$cps" "$drops_now" "${CPU_REQ[$name]##* }" "${SI_REQ[$name]##* }" "${CPU_CONN[$name]##* }")"
}

median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

set_napi() { # softirq | threaded
  local value
  case $1 in softirq) value=0 ;; threaded) value=1 ;; *) log "unknown NAPI mode $1 in LB_BENCH_NAPI"; exit 1 ;; esac
  for dev in lb-c lb-b1 lb-b2 lb-b3; do ip netns exec "$NS_LB" sh -c "echo $value > /sys/class/net/$dev/threaded"; done
}
run_target() { # target napi-mode
  local key=$1@$2
  case $1 in
    direct) run_wrk "$key" "http://${BACKENDS[0]}:${PORT[direct]}/" ;;
    deetune-redirect|deetune-pass|deetune-tc)
      case $1 in
        deetune-tc) start_deetune tc-ingress redirect "${PORT[$1]}" ;;
        *) start_deetune xdp "${1#deetune-}" "${PORT[$1]}" ;;
      esac
      run_wrk "$key" "http://$VIP_DEETUNE/"
      stop_deetune ;;
    haproxy) run_wrk "$key" "http://$VIP_HAPROXY/" ;;
    nftables) nft_up; run_wrk "$key" "http://$VIP_NFT/"; nft_down ;;
    *) log "unknown target $1 in LB_BENCH_TARGETS"; exit 1 ;;
  esac
}
for round in $(seq "$ROUNDS"); do
  for napi in $NAPI_MODES; do
    set_napi "$napi"
    for target in $TARGETS; do run_target "$target" "$napi"; done
  done
done
KEYS=$(for napi in $NAPI_MODES; do for target in $TARGETS; do echo "$target@$napi"; done; done)
for name in $KEYS; do
  RPS[$name]=$(median "${RPS[$name]}") P50[$name]=$(median "${P50[$name]}") P99[$name]=$(median "${P99[$name]}")
  CPS[$name]=$(median "${CPS[$name]}") DROPS[$name]=$(median "${DROPS[$name]}")
  P99_FIXED[$name]=$(median "${P99_FIXED[$name]}")
  CPU_REQ[$name]=$(median "${CPU_REQ[$name]}") SI_REQ[$name]=$(median "${SI_REQ[$name]}") CPU_CONN[$name]=$(median "${CPU_CONN[$name]}")
  [ -z "${ERRS[$name]:-}" ] || log "$name: ${ERRS[$name]}"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

echo "## Load balancer (bench/lb.sh, $(date -u +%Y-%m-%d), wrk 1 thread, $CONNECTIONS connections, median of $ROUNDS rounds of ${SECONDS_PER_RUN}s, 3 nginx backends)"
echo
echo "| target | NAPI | keep-alive req/s | p50 ms | p99 ms | p99 ms at $FIXED_RATE req/s (hey) | new connections/s | veth drops per round | CPU µs/request (softirq) | CPU µs/connection |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for name in $KEYS; do
  echo "| ${name%@*} | ${name#*@} | ${RPS[$name]} | ${P50[$name]} | ${P99[$name]} | ${P99_FIXED[$name]} | ${CPS[$name]} | ${DROPS[$name]} | ${CPU_REQ[$name]} (${SI_REQ[$name]}) | ${CPU_CONN[$name]} |"
done
echo
echo "CPU: the whole machine's busy time (user, system, irq, softirq) during the measured run, per request or"
echo "connection completed: wrk, the three nginx and the load balancer's path together, so lower is cheaper."
echo
echo "In-kernel cost of the stage (BPF_PROG_TEST_RUN):"
echo
echo '```'
echo "$KERNEL"
echo '```'
echo
# Each load balancer in its better set-up (more keep-alive requests/s), the way its user would set up the host: the
# NAPI mode, and for DeeTune also the hook (XDP or tc ingress, both with its default forwarding, redirect).
best() { # target...
  local target napi key choice="" top=-1
  for target in "$@"; do
    for napi in $NAPI_MODES; do
      key=$target@$napi
      if awk -v a="${RPS[$key]:-0}" -v b="$top" 'BEGIN { exit !(a > b) }'; then choice=$key top=${RPS[$key]:-0}; fi
    done
  done
  echo "$choice"
}
D=$(best deetune-redirect deetune-tc) H=$(best haproxy) N=$(best nftables)
echo "Set-up of each target in the RESULT line: DeeTune ${D%@*} with NAPI ${D#*@}, HAProxy NAPI ${H#*@}, nftables NAPI ${N#*@}."
echo
echo "RESULT lb rps_vs_haproxy=$(ratio "${RPS[$D]:-0}" "${RPS[$H]:-0}") rps_vs_nft=$(ratio "${RPS[$D]:-0}" "${RPS[$N]:-0}") p99_vs_haproxy=$(ratio "${P99[$D]:-0}" "${P99[$H]:-0}") p99_vs_nft=$(ratio "${P99[$D]:-0}" "${P99[$N]:-0}") cps_vs_nft=$(ratio "${CPS[$D]:-0}" "${CPS[$N]:-0}")"

# --- load feedback (issue 20) ---------------------------------------------------------------------------------------
# One backend made slow on purpose: b1's nginx shares CPU 1 with a busy loop at a higher priority, b2's and b3's run
# on CPU 0. Each backend runs DeeTune's load agent (deetune.loadagent) on port 9777, measuring the CPU its nginx runs
# on (--cpus: on this one machine the "hosts" share CPUs, a real backend would measure all of its own). New
# connections (wrk, Connection: close) through: DeeTune least-connections alone, DeeTune least-connections with agent
# feedback, and HAProxy leastconn with agent-check reading the same agents. p99 latency and connections/s, median of
# the rounds.
[ "$FEEDBACK" != 0 ] || exit 0
log "load feedback: building deetune.loadagent"
mvn -B -ntp -q install -DskipTests -pl deetune.loadagent >&2
AGENT_JAR=$(ls deetune.loadagent/target/deetune.loadagent-*.jar | grep -v sources | head -1)
VIP_HAPROXY_AGENT=10.0.0.103
ip -n "$NS_LB" addr add "$VIP_HAPROXY_AGENT/32" dev lo
AGENT_PIDS=()
for i in 1 2 3; do
  cpu=$([ "$i" = 1 ] && echo 1 || echo 0)
  for pid in $(cat "$WORK/nginx-b$i.pid") $(pgrep -P "$(cat "$WORK/nginx-b$i.pid")"); do taskset -acp "$cpu" "$pid" >/dev/null; done
  ip netns exec "${NS_B[$((i-1))]}" "$JAVA_HOME/bin/java" -jar "$AGENT_JAR" --port 9777 --interval 500 --cpus "$cpu" \
    > "$WORK/agent-b$i.log" 2>&1 &
  AGENT_PIDS+=($!)
done
ip netns exec "${NS_B[0]}" taskset -c 1 nice -n -10 sh -c 'while :; do :; done' &
BURNER=$!
feedback_cleanup() { kill "$BURNER" "${AGENT_PIDS[@]}" 2>/dev/null; wait 2>/dev/null; cleanup; }
trap feedback_cleanup EXIT
# weight 100: HAProxy scales the configured weight by the agent's share and rounds down, so weight 1 at 10 % is 0
# (no traffic at all); DeeTune keeps hundredths for the same reason.
haproxy_up haproxy-agent "$VIP_HAPROXY_AGENT" leastconn "${PORT[haproxy-agent]}" "weight 100 agent-check agent-port 9777 agent-inter 500ms"
sleep 2 # the agents' first samples
log "agents answer: $(for b in "${BACKENDS[@]}"; do ip netns exec "$NS_LB" timeout 2 bash -c "exec 3<>/dev/tcp/$b/9777; head -1 <&3" 2>/dev/null | tr '\n' ' '; done)"
declare -A FB_P99 FB_CPS
run_close() { # name url: new connections only
  local out
  ip netns exec "$NS_CLIENT" wrk -t1 -c"$CONNECTIONS" -d2s -H 'Connection: close' "$2" >/dev/null 2>&1 || true # warm-up
  out=$(ip netns exec "$NS_CLIENT" wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -H 'Connection: close' --latency "$2" 2>&1 || true)
  FB_CPS[$1]+=" $(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  FB_P99[$1]+=" $(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  log "$(printf 'feedback round %s %-18s %10s conn/s  p99 %8s ms' "$round" "$1" "${FB_CPS[$1]##* }" "${FB_P99[$1]##* }")"
}
set_napi threaded
for round in $(seq "$ROUNDS"); do
  start_deetune xdp redirect "${PORT[deetune-leastconn]}" least-connections
  run_close deetune-leastconn "http://$VIP_DEETUNE/"
  stop_deetune
  start_deetune xdp redirect "${PORT[deetune-agent]}" least-connections -Ddeetune.bench.agentPort=9777
  sleep 1.5 # the first reads of the agents
  run_close deetune-agent "http://$VIP_DEETUNE/"
  stop_deetune
  log "new flows per backend: $(grep -o 'address=[^,]*\|newFlows=[0-9]*\|agent=[^,]*' "$WORK/lb.out" | tr '\n' ' ' | cut -c1-400)"
  run_close haproxy-agent "http://$VIP_HAPROXY_AGENT/"
done
echo
echo "## Load feedback (b1 slowed by a busy loop on its CPU; new connections, $CONNECTIONS at once, median of $ROUNDS rounds)"
echo "| target | connections/s | p99 ms |"
echo "|---|---|---|"
for name in deetune-leastconn deetune-agent haproxy-agent; do
  FB_CPS[$name]=$(median "${FB_CPS[$name]}") FB_P99[$name]=$(median "${FB_P99[$name]}")
  echo "| $name | ${FB_CPS[$name]} | ${FB_P99[$name]} |"
done
echo "RESULT lb_feedback p99_vs_leastconn=$(ratio "${FB_P99[deetune-agent]}" "${FB_P99[deetune-leastconn]}") p99_vs_haproxy_agent=$(ratio "${FB_P99[deetune-agent]}" "${FB_P99[haproxy-agent]}")"
