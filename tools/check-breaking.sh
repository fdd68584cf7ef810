#!/usr/bin/env bash
# Usage: check-breaking.sh RELEASED REVISION IGNORE CHANGELOG
#
# Fails when the OpenAPI document REVISION has an ERR-level breaking change
# against the released document RELEASED that the oasdiff ignore file IGNORE
# does not acknowledge, or when an acknowledged change has no line in
# CHANGELOG that contains it. Runs the oasdiff pinned in tools/go.mod.
set -euo pipefail

if [[ $# -ne 4 ]]; then
	echo "usage: $0 RELEASED REVISION IGNORE CHANGELOG" >&2
	exit 2
fi
released=$(realpath "$1")
revision=$(realpath "$2")
ignore=$(realpath "$3")
changelog=$(realpath "$4")
root=$(cd "$(dirname "$0")/.." && pwd)

echo "breaking: comparing $2 with the released $1"
if ! (cd "$root" && "${GO:-go}" tool -modfile=tools/go.mod oasdiff breaking \
	--fail-on ERR --err-ignore "$ignore" --allow-external-refs=false --color never \
	"$released" "$revision"); then
	echo "breaking: $2 breaks clients of $1; restore compatibility, or acknowledge each change in $3 and CHANGELOG.md" >&2
	exit 1
fi

# Every acknowledged change must also be announced to users. Lines that are
# blank or start with '#' are comments.
missing=0
while IFS= read -r line || [[ -n $line ]]; do
	if [[ -z ${line//[[:space:]]/} || $line == \#* ]]; then
		continue
	fi
	if ! grep -qiF -- "$line" "$changelog"; then
		echo "breaking: the acknowledged change \"$line\" has no line in $4" >&2
		missing=1
	fi
done <"$ignore"
exit "$missing"
