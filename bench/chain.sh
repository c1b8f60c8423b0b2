#!/usr/bin/env bash
# ./deetune bench chain: in-kernel cost per chain hop and stage insertion latency (see ChainBenchmark).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_build deetune.core
bench_java deetune.core io.deetune.core.internal.ChainBenchmark "$@"
