#!/usr/bin/env bash
# The stack tests against the running stack (npm run test:stack; npm test runs them too). Those marked
# as sharing the stack (first line `// stack: runs beside other stack tests`: they stop none of its
# processes and count nothing cluster-wide) run three at a time; the others kill, restart, flood or
# count the whole stack, so they run alone, one after the other. Arguments pick files instead.
set -euo pipefail
cd "$(dirname "$0")/.."
# The marker may say how long the file takes alone (`, ~90 s alone`): the group starts the longest
# first, so that no long file starts last and runs on by itself (the group took 175 s in
# alphabetical order, its longest file 90 s).
# --with-unit: the unit tests join that group (they run on in-process clusters, not on the stack;
# npm test overlaps them with the stack files that mostly wait on timers and restarts).
marker='^// stack: runs beside other stack tests'
with_unit=false
if [ "${1:-}" = --with-unit ]; then with_unit=true; shift; fi
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(test/stack/*.test.ts)
beside=(); alone=()
for f in "${files[@]}"; do
  if grep -q "$marker" "$f"; then beside+=("$f"); else alone+=("$f"); fi
done
if [ ${#beside[@]} -gt 0 ]; then
  mapfile -t beside < <(for f in "${beside[@]}"; do
    printf '%s %s\n' "$(head -1 "$f" | sed -n 's/.*, ~\([0-9][0-9]*\) s alone.*/\1/p' | grep . || echo 0)" "$f"
  done | sort -rn -k1,1 | cut -d' ' -f2-)
fi
unit=()
if $with_unit; then unit=(test/unit/*.test.ts); fi
echo "stack tests: ${#beside[@]} beside each other${unit:+ (with ${#unit[@]} unit test files)}, then ${#alone[@]} one at a time"
# Both groups run even when the first fails, so one run shows every failure. --test-force-exit: a
# file ends when its tests and hooks did, even when a client library keeps a handle open (the
# RocketMQ clients of the bus contract did after their shutdown, and the file hit its timeout).
failed=0
if [ ${#beside[@]} -gt 0 ] || [ ${#unit[@]} -gt 0 ]; then
  # Three stack files at a time; with the unit files, which compute more than they wait, six.
  concurrency=3
  [ ${#unit[@]} -eq 0 ] || concurrency=6
  node --import tsx --test --test-concurrency=$concurrency --test-force-exit --test-timeout=240000 "${beside[@]}" "${unit[@]}" || failed=1
fi
if [ ${#alone[@]} -gt 0 ]; then node --import tsx --test --test-concurrency=1 --test-force-exit --test-timeout=240000 "${alone[@]}" || failed=1; fi
exit $failed
