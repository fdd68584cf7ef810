#!/usr/bin/env bash
# Runs the client and sandbox benchmarks and prints their tables of ratios.
# BENCHMARKS.md at the repository root explains what is measured.
#
#   bench/run.sh            check ogenapi/, run everything, print the tables
#   bench/run.sh clients    check ogenapi/, run the client benchmarks only
#   bench/run.sh sandbox    check ogenapi/, run the sandbox benchmark only
#   bench/run.sh generate   regenerate ogenapi/ from ../openapi.yaml
#   bench/run.sh check      fail if ogenapi/ differs from a fresh generation
#
# Environment: GO and NPM name the tools (default go and npm), BENCH_COUNT
# is the number of samples of each figure (default 6), BENCH_OUT the folder
# of the result files (default bench/results).
set -euo pipefail
cd "$(dirname "$0")"

GO=${GO:-go}
NPM=${NPM:-npm}
COUNT=${BENCH_COUNT:-6}
OUT=${BENCH_OUT:-results}

# The sandbox and Prism run on core 0 and the load generator on core 1, so
# that the server does not compete with the load for a core.
SERVER_CPU=0
LOAD_CPU=1
# Each of the COUNT rounds of an operation is a warm-up of WARMUP, then
# ROUND_TIME of load from LOAD_WORKERS concurrent keep-alive connections.
# An unmeasured round with a longer warm-up comes first.
WARMUP=500ms
ROUND_TIME=2s
LOAD_WORKERS=8
SANDBOX_TOKEN=bench_token

log() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# generate_ogen writes the ogen client for ../openapi.yaml to the folder $1.
# ogen warns that it canonicalizes the X-RateLimit-* header names, which is
# what net/http does anyway. Its log is shown only when it fails.
generate_ogen() {
	"$GO" tool ogen -config ogen.yml -clean -package ogenapi -target "$1" ../openapi.yaml >"$1.log" 2>&1 ||
		{ cat "$1.log" >&2; fail "ogen failed on ../openapi.yaml"; }
	rm -f "$1.log"
}

# check_ogen fails when ogenapi/ differs from a fresh generation.
check_ogen() {
	local tmp stale=0
	tmp=$(mktemp -d)
	generate_ogen "$tmp/ogenapi"
	if ! diff -r ogenapi "$tmp/ogenapi" >"$tmp/diff"; then
		head -20 "$tmp/diff" >&2
		stale=1
	fi
	rm -rf "$tmp"
	((stale == 0)) || fail "bench/ogenapi is stale: run 'bench/run.sh generate' and commit the result"
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	local port
	for _ in $(seq 100); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	fail "no free port found on 127.0.0.1"
}

# load runs one round of operation $1 on LOAD_CPU against base URL $2,
# labelling the result server=$3. The result goes to the file $4 (default
# the sandbox results) after a warm-up of $5 (default WARMUP).
load() {
	taskset -c "$LOAD_CPU" "$BIN/loadgen" -base-url "$2" -token "$SANDBOX_TOKEN" -op "$1" \
		-label "server=$3" -rounds 1 -duration "$ROUND_TIME" -warmup "${5:-$WARMUP}" \
		-concurrency "$LOAD_WORKERS" >>"${4:-$OUT/sandbox.txt}"
}

# stop ends the server processes that this script started.
stop() {
	local pid
	for pid in "$@"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

# bench_sandbox starts redcore mock and Prism side by side on SERVER_CPU and
# loads them in turns, one round each, so that load from other processes on
# the machine falls on both alike. The server that is not loaded is idle.
# The operations run one after the other, creates last, so that list and
# get see the sandbox's 42 sample users and not the users created by the
# load.
bench_sandbox() {
	local sandbox_pid prism_pid sandbox_url prism_url port round op
	: >"$OUT/sandbox.txt"

	# redcore mock prints its base URL first, and port 0 lets it pick a free
	# port. A rate limit out of reach keeps 429s out of the figures.
	taskset -c "$SERVER_CPU" "$BIN/redcore" mock --addr 127.0.0.1:0 --rate-limit 1000000000 \
		--grant "$SANDBOX_TOKEN=users:read,users:write,products:read" \
		>"$LOGS/sandbox.out" 2>"$LOGS/sandbox.log" &
	sandbox_pid=$!

	# Prism serves the paths of openapi.yaml without the /v1 of its server
	# URL, and it accepts any bearer token.
	port=$(free_port)
	taskset -c "$SERVER_CPU" node_modules/.bin/prism mock -h 127.0.0.1 -p "$port" ../openapi.yaml \
		>"$LOGS/prism.log" 2>&1 &
	prism_pid=$!
	prism_url="http://127.0.0.1:$port"

	for _ in $(seq 100); do
		sandbox_url=$(sed -n 's/^export REDCORE_BASE_URL=//p' "$LOGS/sandbox.out")
		[[ -n $sandbox_url ]] && break
		sleep 0.1
	done
	if [[ -z $sandbox_url ]]; then
		tail -5 "$LOGS/sandbox.log" >&2
		stop "$sandbox_pid" "$prism_pid"
		fail "redcore mock did not start"
	fi

	for op in list get create; do
		log "sandbox: $op, $COUNT rounds on each server"
		# The first round of each server and operation is a longer warm-up,
		# not measured, because Node.js compiles Prism's hot paths only after
		# some traffic.
		for round in $(seq 0 "$COUNT"); do
			local file="$OUT/sandbox.txt" warmup=$WARMUP
			if ((round == 0)); then
				file=/dev/null warmup=3s
			fi
			if ! load "$op" "$sandbox_url" sandbox "$file" "$warmup"; then
				tail -5 "$LOGS/sandbox.log" >&2
				stop "$sandbox_pid" "$prism_pid"
				fail "load on redcore mock failed"
			fi
			if ! load "$op" "$prism_url" prism "$file" "$warmup"; then
				tail -5 "$LOGS/prism.log" >&2
				stop "$sandbox_pid" "$prism_pid"
				fail "load on Prism failed"
			fi
		done
	done
	stop "$sandbox_pid" "$prism_pid"
}

# bench_clients runs the test binary $1 COUNT times with the remaining
# arguments, appending to the file $2. One benchmark run per sample, rather
# than -count, makes the clients alternate, so that load from other
# processes on the machine falls on all of them alike.
bench_clients() {
	local binary=$1 file=$2 i
	shift 2
	: >"$file"
	for i in $(seq "$COUNT"); do
		(cd clientbench && "$binary" -test.run '^$' "$@") >>"$file"
	done
}

# run_clients runs the client benchmarks into OUT.
run_clients() {
	log "building the client benchmarks"
	"$GO" test -c -o "$BIN/clientbench.test" ./clientbench/
	# encoding/json built on the experimental JSON v2 implementation shows
	# what closing the decoding gap to ogen takes without changing a client.
	GOEXPERIMENT=jsonv2 "$GO" test -c -o "$BIN/clientbench-jsonv2.test" ./clientbench/

	log "clients: get, list, walk ($COUNT samples)"
	bench_clients "$BIN/clientbench.test" "$OUT/clients.txt" \
		-test.bench '^Benchmark(GetUser|ListUsers|WalkUsers)$' -test.benchmem
	log "clients: list and walk with GOEXPERIMENT=jsonv2 ($COUNT samples)"
	bench_clients "$BIN/clientbench-jsonv2.test" "$OUT/clients-jsonv2.txt" \
		-test.bench '^Benchmark(ListUsers|WalkUsers)$' -test.benchmem
	log "clients: heap while walking 10,000 and 100,000 users ($COUNT samples)"
	bench_clients "$BIN/clientbench.test" "$OUT/heap.txt" \
		-test.bench '^BenchmarkWalkUsersHeap$' -test.benchtime 1x

	{
		"$GO" tool benchstat -col /client "$OUT/clients.txt" "$OUT/heap.txt"
		echo
		echo "With GOEXPERIMENT=jsonv2:"
		"$GO" tool benchstat -col /client "$OUT/clients-jsonv2.txt"
	} >"$OUT/benchstat-clients.txt"
	{
		echo "## Clients: time and allocations, ratio to the floor client"
		echo
		"$BIN/benchtable" -col client -base floor -ratio redcore/ogen "$OUT/clients.txt"
		echo
		echo "## Clients built with GOEXPERIMENT=jsonv2, ratio to the floor client built the same way"
		echo
		"$BIN/benchtable" -col client -base floor -ratio redcore/ogen "$OUT/clients-jsonv2.txt"
		echo
		echo "## Clients: heap above the start while walking, ratio to the floor client"
		echo
		"$BIN/benchtable" -col client -base floor -ratio redcore/ogen -units peak-heap-B,live-heap-B "$OUT/heap.txt"
		echo
		echo "## Clients: heap while walking 100,000 users, ratio to 10,000 users (1.00x is flat)"
		echo
		"$BIN/benchtable" -col items -base 10000 -units peak-heap-B,live-heap-B "$OUT/heap.txt"
	} >"$OUT/table-clients.md"
}

# run_sandbox runs the sandbox benchmark into OUT.
run_sandbox() {
	if [[ ! node_modules/.package-lock.json -nt package-lock.json ]]; then
		log "installing Prism from package-lock.json"
		# Install scripts are not run: Prism needs none.
		"$NPM" ci --no-audit --no-fund --ignore-scripts >&2
		touch node_modules/.package-lock.json
	fi
	if (($(nproc) < 2)); then
		log "only one core: the servers and the load generator share it, so the sandbox figures are low"
		LOAD_CPU=$SERVER_CPU
	fi
	log "building redcore and loadgen"
	(cd .. && "$GO" build -o "$BIN/redcore" ./cmd/redcore)
	"$GO" build -o "$BIN/loadgen" ./cmd/loadgen

	bench_sandbox

	"$GO" tool benchstat -col /server "$OUT/sandbox.txt" >"$OUT/benchstat-sandbox.txt"
	{
		echo "## Sandbox: redcore mock against Prism, ratio to Prism (req/s: higher is better)"
		echo
		"$BIN/benchtable" -col server -base prism -units req/s,p50-us,p99-us "$OUT/sandbox.txt"
	} >"$OUT/table-sandbox.md"
}

main() {
	local parts
	case "${1:-all}" in
	generate)
		generate_ogen ogenapi
		return
		;;
	check)
		check_ogen
		return
		;;
	all) parts="clients sandbox" ;;
	clients | sandbox) parts=$1 ;;
	*) fail "unknown command ${1}: use generate, check, clients, sandbox or nothing" ;;
	esac

	local start=$SECONDS part
	log "checking that ogenapi/ is fresh"
	check_ogen

	mkdir -p "$OUT"
	OUT=$(cd "$OUT" && pwd)
	BIN=$(mktemp -d)
	LOGS=$(mktemp -d)
	trap 'rm -rf "$BIN" "$LOGS"' EXIT
	"$GO" build -o "$BIN/benchtable" ./cmd/benchtable

	for part in $parts; do
		"run_$part"
	done
	for part in $parts; do
		cat "$OUT/benchstat-$part.txt"
		echo
	done
	for part in $parts; do
		cat "$OUT/table-$part.md"
		echo
	done
	log "done in $((SECONDS - start)) s; result files in $OUT"
}

main "$@"
