#!/usr/bin/env bash
# Firewall benchmark (./deetune bench firewall).
#
# 1. In-kernel cost of the stage per rule-set size (BPF_PROG_TEST_RUN), next to the harness floor (an XDP program
#    that only returns XDP_PASS), and rule-set load times (parse + compile + install).
# 2. On a namespace testbed (generator ns -> veth -> receiver ns), the same trafgen traffic meets the same rule
#    sets expressed three ways: DeeTune (the stage on the receiving veth, at XDP and at tcx ingress), iptables (a
#    linear chain in raw/PREROUTING, the earliest iptables hook) and nftables in its best form (one set, netdev
#    ingress hook). Reported: drop rate per size, and at a fixed offered rate the CPU time per packet of the
#    generator's processes and of ksoftirqd on its CPU (veth runs the receiving side in the sender's softirq, for all three filters); rx_cpu_ns subtracts the
#    same with a receiver that drops everything in XDP at no cost (test program xdp_drop), which also gives the
#    generator's ceiling. The same with a bare tcx ingress drop program (test program tc_drop) is printed as a floor
#    of the TC hook.
#
# Every rule set denies UDP from N sources (/32); the traffic comes from the source of the last rule, so a linear
# chain walks all N rules. Environment: FIREWALL_BENCH_SIZES ("10 1000 10000 100000"), FIREWALL_BENCH_SECONDS (5),
# FIREWALL_BENCH_RATE (fixed offered rate for the CPU comparison, pps; 100000), FIREWALL_BENCH_REPEAT (runs per
# filter and size, the median is reported; 3); MAVEN_OPTS reaches Maven (e.g. -Dmaven.repo.local=...).
# Ratios are DeeTune/peer: for drop rates higher is better, for cpu_vs_nft (total CPU per packet, generator
# included) lower is better.
# Ends with one line: RESULT firewall drop_vs_iptables_10k=.. drop_vs_nft_10k=.. cpu_vs_nft_10k=.. ns_10=.. ns_100k=..
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SIZES=${FIREWALL_BENCH_SIZES:-"10 1000 10000 100000"}
SECONDS_PER_RUN=${FIREWALL_BENCH_SECONDS:-5}
RATE=${FIREWALL_BENCH_RATE:-100000}
REPEAT=${FIREWALL_BENCH_REPEAT:-3}
GEN_CPU=1
log() { printf '[bench firewall] %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { log "needs root (namespaces, XDP, iptables, nftables)"; exit 1; }

# --- tools ---------------------------------------------------------------------------------------------------------
source cnf/bin/packages.sh
require_packages netsniff-ng iptables nftables ethtool iproute2 bpftool python3

# --- build ---------------------------------------------------------------------------------------------------------
source bench/lib.sh
MODULE=deetune.plugin.firewall
log "building $MODULE"
bench_build "$MODULE"
WORK=$(mktemp -d /tmp/deetune-bench-firewall.XXXXXX)
# This suite starts a JVM a dozen times: resolve the classpath once.
CLASSPATH_BENCH=$(bench_classpath "$MODULE" "$WORK")
firewall_java() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CLASSPATH_BENCH" io.deetune.firewall.internal.FirewallBench "$@" 2> >(grep -v SLF4J >&2); }

PIN_DIR=/sys/fs/bpf/deetune-bench-firewall-$$
GEN=dt-fwb-gen-$$
RX=dt-fwb-rx-$$
TRAFGEN_JOB=""
cleanup() {
  # A run cut short (set -e) must not leave its generator behind.
  if [ -n "$TRAFGEN_JOB" ]; then
    kill -INT $(pgrep -P "$TRAFGEN_JOB" || true) "$TRAFGEN_JOB" 2>/dev/null || true
    wait "$TRAFGEN_JOB" 2>/dev/null || true
  fi
  rm -rf "$PIN_DIR" 2>/dev/null || true
  ip netns del "$GEN" 2>/dev/null || true
  ip netns del "$RX" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- 1. in kernel ----------------------------------------------------------------------------------------------------
log "in-kernel ns/packet (BPF_PROG_TEST_RUN) for sizes: $SIZES"
firewall_java inkernel $SIZES | tee "$WORK/inkernel.txt"
field() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p"; }
ns_of() { grep "^sources rules=$1 " "$WORK/inkernel.txt" | field hit_ns; }

# --- 2. traffic ------------------------------------------------------------------------------------------------------
ip netns add "$GEN"
ip netns add "$RX"
ip link add veth-g netns "$GEN" type veth peer name veth-r netns "$RX"
ip -n "$GEN" addr add 10.251.0.1/24 dev veth-g
ip -n "$RX" addr add 10.251.0.2/24 dev veth-r
for pair in "$GEN veth-g" "$RX veth-r"; do
  set -- $pair
  ip -n "$1" link set lo up
  ip -n "$1" link set "$2" up
  ip netns exec "$1" ethtool -K "$2" tx off >/dev/null
done
RX_MAC=$(ip -n "$RX" -o link show veth-r | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
GEN_MAC=$(ip -n "$GEN" -o link show veth-g | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
cat >"$WORK/udp.trafgen" <<EOF
{
  eth(da=$RX_MAC, sa=$GEN_MAC),
  ipv4(saddr=10.250.255.254, daddr=10.251.0.2, ttl=64),
  udp(sp=4000, dp=9),
  fill(0x00, 18)
}
EOF
mkdir -p "$PIN_DIR"

tx_packets() { ip netns exec "$GEN" cat /sys/class/net/veth-g/statistics/tx_packets; }
drops_ceiling() { ip netns exec "$RX" ethtool -S veth-r | awk '/rx_queue_0_xdp_drops/ {print $2}'; }
drops_deetune() { drops_ceiling; }
# The tc-ingress stage counts its drops in its deetune_stats map (slot 0, per CPU, counter 2 = drop).
drops_deetune_tc() {
  bpftool -j map lookup pinned "$PIN_DIR/stats" key 0 0 0 0 |
    python3 -c 'import json, sys; print(sum(v["value"]["packets"][2] for v in json.load(sys.stdin)["formatted"]["values"]))'
}
drops_iptables() { ip netns exec "$RX" iptables -t raw -nvxL PREROUTING | awk 'NR > 2 {sum += $1} END {print sum + 0}'; }
drops_nft() { ip netns exec "$RX" nft list chain netdev deetune_bench ingress | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'; }

# CPU time (ns, from schedstat: exact, not sampled) of the generator's processes and of ksoftirqd on its CPU. With
# no IRQ time accounting, the receive path that veth runs in the sender's softirq is charged to these tasks.
runtime_ns() {
  local pids sum=0 pid
  pids="$1 $(pgrep -P "$1" || true) $(pgrep -x "ksoftirqd/$GEN_CPU" || true)"
  for pid in $pids; do
    [ -r "/proc/$pid/schedstat" ] && sum=$((sum + $(awk '{print $1}' "/proc/$pid/schedstat")))
  done
  echo "$sum"
}

# run_traffic KIND [trafgen options]: 1 s warm-up, then SECONDS_PER_RUN measured.
# Sets OFFERED_PPS, DROP_PPS (by the filter's own counter) and CPU_NS (generator + receive path, per packet sent).
run_traffic() {
  local kind=$1; shift
  ip netns exec "$GEN" taskset -c "$GEN_CPU" trafgen --dev veth-g --conf "$WORK/udp.trafgen" --cpus 1 \
    --no-cpu-stats --notouch-irq "$@" >/dev/null 2>&1 &
  local job=$! tx0 tx1 cpu0 cpu1 d0 d1
  TRAFGEN_JOB=$job
  sleep 1
  tx0=$(tx_packets); cpu0=$(runtime_ns "$job"); d0=$(drops_$kind)
  sleep "$SECONDS_PER_RUN"
  tx1=$(tx_packets); cpu1=$(runtime_ns "$job"); d1=$(drops_$kind)
  kill -INT $(pgrep -P "$job" || true) "$job" 2>/dev/null || true
  wait "$job" 2>/dev/null || true
  TRAFGEN_JOB=""
  OFFERED_PPS=$(( (tx1 - tx0) / SECONDS_PER_RUN ))
  DROP_PPS=$(( (d1 - d0) / SECONDS_PER_RUN ))
  CPU_NS=$(( (cpu1 - cpu0) / ((tx1 - tx0) > 0 ? (tx1 - tx0) : 1) ))
}

setup() { # setup KIND SIZE
  case $1 in
    deetune) firewall_java attach "$RX" veth-r "$WORK/fw-$2.rules" "$PIN_DIR/link" >/dev/null ;;
    deetune_tc) firewall_java attach-tc "$RX" veth-r "$WORK/fw-$2.rules" "$PIN_DIR/link" "$PIN_DIR/stats" >/dev/null ;;
    iptables) ip netns exec "$RX" iptables-restore <"$WORK/ipt-$2.rules" ;;
    nft) sed "s/@IFNAME@/veth-r/" "$WORK/nft-$2.nft" | ip netns exec "$RX" nft -f - ;;
  esac
}
teardown() {
  case $1 in
    deetune) rm -f "$PIN_DIR/link" ;;
    deetune_tc) rm -f "$PIN_DIR/link" "$PIN_DIR/stats" ;;
    iptables) ip netns exec "$RX" iptables -t raw -F PREROUTING ;;
    nft) ip netns exec "$RX" nft delete table netdev deetune_bench ;;
  esac
}

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# Floors, REPEAT times interleaved: a receiver that drops everything in XDP at no cost (the generator's ceiling, and
# the CPU per packet with a free XDP receiver), and one that drops everything at tcx ingress (the TC hook runs on the
# skb veth delivers, before netfilter's ingress hook, without XDP's conversion of the skb).
log "floors: bare XDP_DROP and bare tcx drop receivers"
XDP_FLOORS="" TCX_FLOORS=""
for rep in $(seq "$REPEAT"); do
  ip -n "$RX" link set dev veth-r xdpdrv obj "$MODULE/target/test-classes/bpf/xdp_drop.bpf.o" sec xdp
  sleep 1 # attaching XDP to a veth restarts its queues
  if [ "$rep" -eq 1 ]; then
    run_traffic ceiling
    CEILING=$OFFERED_PPS
  fi
  run_traffic ceiling --rate "${RATE}pps"
  XDP_FLOORS+=" $CPU_NS"
  ip -n "$RX" link set dev veth-r xdpdrv off
  firewall_java attach-tc-drop "$RX" veth-r "$PIN_DIR/link"
  sleep 1
  run_traffic ceiling --rate "${RATE}pps"
  TCX_FLOORS+=" $CPU_NS"
  rm -f "$PIN_DIR/link"
done
# shellcheck disable=SC2086
BASE_CPU=$(median $XDP_FLOORS)
# shellcheck disable=SC2086
TCX_CPU=$(median $TCX_FLOORS)
log "ceiling: $CEILING pps; CPU per packet at $RATE pps with a free receiver: XDP $BASE_CPU ns ($XDP_FLOORS), tcx $TCX_CPU ns ($TCX_FLOORS)"
# rx_cpu_ns = cpu_ns - that: the receiving side's share. It favours nftables, whose path skips veth's own XDP path
# (which the free receiver pays), so the ratio in the RESULT line uses the total cpu_ns.

printf '%-8s %-10s %11s %11s %8s %10s %8s\n' size filter drop_pps offered_pps cpu_ns rx_cpu_ns setup_s | tee "$WORK/traffic.txt"
for size in $SIZES; do
  firewall_java generate "$size" "$WORK"
  declare -A DROPS=() OFFERS=() CPUS=() LOADS=()
  # Repetitions interleave the three filters, so that load from elsewhere on the machine spreads over all of them.
  for rep in $(seq "$REPEAT"); do
    for kind in deetune deetune_tc nft iptables; do
      t0=$(date +%s.%N)
      setup "$kind" "$size"
      LOADS[$kind]+=" $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')"
      sleep 1
      run_traffic "$kind"
      DROPS[$kind]+=" $DROP_PPS"
      OFFERS[$kind]+=" $OFFERED_PPS"
      # CPU per packet at a fixed offered rate below the ceiling (a linear chain cannot follow it past ~1k rules).
      if [ "$kind" != iptables ] || [ "$size" -le 1000 ]; then
        run_traffic "$kind" --rate "${RATE}pps"
        CPUS[$kind]+=" $CPU_NS"
      fi
      teardown "$kind"
    done
  done
  for kind in deetune deetune_tc nft iptables; do
    cpu="-" rx_cpu="-"
    if [ -n "${CPUS[$kind]:-}" ]; then
      cpu=$(median ${CPUS[$kind]}) rx_cpu=$((cpu - BASE_CPU))
    fi
    # shellcheck disable=SC2086
    printf '%-8s %-10s %11s %11s %8s %10s %8s\n' "$size" "$kind" "$(median ${DROPS[$kind]})" "$(median ${OFFERS[$kind]})" \
      "$cpu" "$rx_cpu" "$(median ${LOADS[$kind]})" | tee -a "$WORK/traffic.txt"
  done
  unset DROPS OFFERS CPUS LOADS
done

col() { awk -v s="$1" -v k="$2" -v c="$3" '$1 == s && $2 == k {print $c}' "$WORK/traffic.txt"; }
ratio() { if [ -n "$1" ] && [ -n "$2" ] && [ "$2" != "-" ] && [ "$1" != "-" ] && [ "$2" != 0 ]; then awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; else echo "n/a"; fi; }
REF=10000
case " $SIZES " in *" 10000 "*) ;; *) REF=$(echo "$SIZES" | awk '{print $NF}') ;; esac
echo "generator_ceiling_pps=$CEILING rate_for_cpu=$RATE base_cpu_ns=$BASE_CPU tcx_drop_cpu_ns=$TCX_CPU ref_size=$REF"
# The stage at both hooks; the RESULT line takes the hook a user of this kind of interface (veth: the kernel builds
# the skb before XDP sees it) would attach it to: the one with less CPU per packet at the reference size.
echo "xdp: drop_vs_iptables=$(ratio "$(col $REF deetune 3)" "$(col $REF iptables 3)") drop_vs_nft=$(ratio "$(col $REF deetune 3)" "$(col $REF nft 3)") cpu_vs_nft=$(ratio "$(col $REF deetune 5)" "$(col $REF nft 5)")"
echo "tc-ingress: drop_vs_iptables=$(ratio "$(col $REF deetune_tc 3)" "$(col $REF iptables 3)") drop_vs_nft=$(ratio "$(col $REF deetune_tc 3)" "$(col $REF nft 3)") cpu_vs_nft=$(ratio "$(col $REF deetune_tc 5)" "$(col $REF nft 5)")"
BEST=deetune
if awk -v t="$(col $REF deetune_tc 5)" -v x="$(col $REF deetune 5)" 'BEGIN {exit !(t + 0 > 0 && t + 0 < x + 0)}'; then BEST=deetune_tc; fi
echo "hook of the RESULT line: $([ "$BEST" = deetune ] && echo xdp || echo tc-ingress)"
echo "RESULT firewall drop_vs_iptables_10k=$(ratio "$(col $REF $BEST 3)" "$(col $REF iptables 3)")" \
  "drop_vs_nft_10k=$(ratio "$(col $REF $BEST 3)" "$(col $REF nft 3)")" \
  "cpu_vs_nft_10k=$(ratio "$(col $REF $BEST 5)" "$(col $REF nft 5)")" \
  "ns_10=$(ns_of 10 || true) ns_100k=$(ns_of 100000 || true)"
