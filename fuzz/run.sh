#!/bin/sh
# One fuzzing campaign: each target in turn, one process, for SECONDS each (default 720).
# Logs go to logs/<target>.log; crashes to artifacts/<target>/. Usage: sh run.sh [SECONDS] [TARGET…]
set -u
cd "$(dirname "$0")"
secs=${1:-720}
shift 2>/dev/null || true
targets=${*:-parse fmt_roundtrip render compile load}
sh seed.sh
mkdir -p logs
for t in $targets; do
  case $t in
    parse|fmt_roundtrip|render) extra="-max_len=8192 -dict=stringent.dict" ;;
    load) extra="-max_len=32768" ;;
    # Structured input: let libFuzzer try long inputs at once (short ones build empty trees).
    compile) extra="-max_len=4096 -len_control=0" ;;
    *) extra="" ;;
  esac
  # -a: debug assertions (integer overflow panics); -s none: safe Rust, no ASan needed.
  # One rayon thread: the compiler parallelizes, the machine has two shared cores.
  RAYON_NUM_THREADS=1 cargo +nightly fuzz run -O -a -s none "$t" "corpus/$t" -- \
    -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 $extra \
    > "logs/$t.log" 2>&1
  echo "$t: exit $?" >> logs/summary.txt
done
