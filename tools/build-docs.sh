#!/usr/bin/env bash
# Usage: build-docs.sh SPEC OUTPUT
#
# Builds the API reference page of the OpenAPI document SPEC into OUTPUT with
# the Redoc of the Redocly CLI pinned in package-lock.json. The Redoc bundle
# is then inlined in place of its CDN script tag, so the page is one file
# that needs no network to view. Needs `npm ci` to have run.
set -euo pipefail

if [[ $# -ne 2 ]]; then
	echo "usage: $0 SPEC OUTPUT" >&2
	exit 2
fi
spec=$1
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
modules=$root/node_modules
bundle=$modules/redoc/bundles/redoc.standalone.js
license=$modules/redoc/LICENSE

# Telemetry and the update check would reach the network on every run.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
"$modules/.bin/redocly" build-docs "$spec" --config "$root/redocly.yaml" \
	--disableGoogleFont --output "$out" >/dev/null

node - "$out" "$bundle" "$license" "$modules/redoc/package.json" <<'JS'
const fs = require("node:fs");
const [out, bundlePath, licensePath, packagePath] = process.argv.slice(2);

const cdnTag = /<script src="https:\/\/cdn\.redocly\.com\/redoc\/[^"]+\/redoc\.standalone\.js"><\/script>/;
let html = fs.readFileSync(out, "utf8");
if (!cdnTag.test(html)) {
  console.error(`build-docs: no Redoc CDN script tag in ${out}; the Redocly CLI template changed`);
  process.exit(1);
}

// The source map comment is dropped because the map is not shipped.
const bundle = fs.readFileSync(bundlePath, "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
if (bundle.includes("</script")) {
  console.error(`build-docs: ${bundlePath} contains "</script" and cannot be inlined`);
  process.exit(1);
}
const license = fs.readFileSync(licensePath, "utf8").replaceAll("*/", "* /");
const version = JSON.parse(fs.readFileSync(packagePath, "utf8")).version;
const script = `<script>/*! Redoc ${version}, inlined by tools/build-docs.sh.\n${license}*/\n${bundle}</script>`;

html = html.replace(cdnTag, () => script);

// The policy makes the browser refuse every fetch from the network, such as
// the Redocly logo in the sidebar footer, so that the page works offline and
// shows the same wherever it is opened.
const policy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; worker-src blob:";
const charset = '<meta charset="utf8" />';
if (!html.includes(charset)) {
  console.error(`build-docs: no ${charset} in ${out}`);
  process.exit(1);
}
html = html.replace(charset, () => `${charset}\n  <meta http-equiv="Content-Security-Policy" content="${policy}">`);
if (/<script src=|<link [^>]*href="https?:/.test(html)) {
  console.error(`build-docs: ${out} still loads a resource from the network`);
  process.exit(1);
}
fs.writeFileSync(out, html);
JS
