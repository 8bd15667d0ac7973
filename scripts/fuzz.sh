#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME each (make fuzz), after its seed corpus
# (the f.Add seeds and testdata/fuzz/<FuzzName>/), in bounded time:
#
#   - go test's -timeout does not cover fuzzing, so each run is killed after FUZZTIME +
#     FUZZ_SLACK seconds (when FUZZTIME is a whole number of s, m or h): a hang guard.
#   - Go 1.26's fuzzing coordinator can fail a target with a bare "context deadline exceeded"
#     when -fuzztime runs out while a worker is busy, with no failing input
#     (https://go.dev/issue/75804, fixed in Go 1.27). Such a run is accepted only when no
#     failing input was written and the corpus replays cleanly; any real finding still fails.
#
# Env: GO (default go), FUZZTIME (default 10s), FUZZ_SLACK (default 120), PKGS (default every
# package of the workspace: ./... stops at the go.mod of examples/ and bench/).
set -euo pipefail
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-10s}
FUZZ_SLACK=${FUZZ_SLACK:-120}
PKGS=${PKGS:-./... ./examples/... ./bench/...}

limit=0
if [[ $FUZZTIME =~ ^([0-9]+)([smh])$ ]]; then
	case ${BASH_REMATCH[2]} in s) unit=1 ;; m) unit=60 ;; h) unit=3600 ;; esac
	limit=$((BASH_REMATCH[1] * unit + FUZZ_SLACK))
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for pkg in $($GO list $PKGS); do
	for f in $($GO test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "fuzz $pkg $f ($FUZZTIME)"
		rc=0
		timeout -k 10 "$limit" $GO test -run '^$' -fuzz "^$f\$" -fuzztime "$FUZZTIME" "$pkg" 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
		if [[ $rc == 124 || $rc == 137 ]]; then
			echo "fuzz $pkg $f: still running after $limit s, killed (hang)"
			exit 1
		fi
		if [[ $rc != 0 ]] && grep -qx '    context deadline exceeded' "$out" && ! grep -q 'Failing input written' "$out"; then
			echo "fuzz $pkg $f: Go's fuzzing coordinator hit its own deadline (go.dev/issue/75804), no failing input; replaying the corpus"
			$GO test -count=1 -run "^$f\$" "$pkg"
			rc=0
		fi
		[[ $rc == 0 ]] || exit "$rc"
	done
done
