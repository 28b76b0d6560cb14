#!/bin/sh
# Fill the fuzz corpora with seeds: every shipped and test rule file for `parse` and
# `fmt_roundtrip`. The `load` seeds (artifacts compiled from seeds/load-tree) are kept in
# corpus/load/; rebuild them with `sh seed.sh --load` after the artifact format changes.
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/parse corpus/fmt_roundtrip corpus/render corpus/compile corpus/load
i=0
find ../rules ../tests/corpus -name '*.stringent' -type f | sort | while read -r f; do
  i=$((i + 1))
  cp "$f" "corpus/parse/seed-$i.stringent"
  cp "$f" "corpus/fmt_roundtrip/seed-$i.stringent"
  cp "$f" "corpus/render/seed-$i.stringent"
done
# `compile` reads its input through `arbitrary`: a few kilobytes of random bytes make trees
# with several rules per layer from the start.
for i in 1 2 3 4 5 6 7 8; do
  [ -e "corpus/compile/seed-random-$i" ] || head -c $((i * 512)) /dev/urandom > "corpus/compile/seed-random-$i"
done
if [ "${1:-}" = "--load" ]; then
  out=$(mktemp -d)
  (cd .. && cargo run -q --bin stringent -- compile fuzz/seeds/load-tree --as-of 2025-06-01 --out "$out")
  # The index names the generation directory that holds the artifacts.
  for j in US US-XX; do
    f=$(grep -o "\"file\": *\"[^\"]*/$j.json\"" "$out/index.json" | sed 's/.*"\([^"]*\)"$/\1/')
    cp "$out/$f" "corpus/load/seed-compact-$j.json"
  done
  rm -rf "$out"
fi
