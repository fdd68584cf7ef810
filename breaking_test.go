package redcoreapi_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	redcoreapi "github.com/redcore/redcore-go"
)

const checkBreaking = "tools/check-breaking.sh"

// The edits below make the three kinds of breaking change the gate must
// catch: a removed operation, a removed required response property and a
// narrowed request enum.
var (
	removeDeleteUser = []edit{{
		old: "    delete:\n      operationId: deleteUser\n",
		new: "    x-removed:\n      operationId: deleteUser\n",
	}}
	removeProductSKU = []edit{{
		old: "      required: [id, name, sku, price, stock, status, created_at]\n",
		new: "      required: [id, name, price, stock, status, created_at]\n",
	}, {
		old: "        sku:\n          type: string\n          description: Stock-keeping unit. Unique per catalog.\n",
		new: "",
	}, {
		old: "          example: TWP-001\n",
		new: "",
	}}
	narrowUpdateStatus = []edit{{
		old: "          enum: [active, inactive]\n",
		new: "          enum: [active]\n",
	}}
)

// narrowUpdateStatusChange is how oasdiff words narrowUpdateStatus, the line
// that acknowledges it in the ignore file and in CHANGELOG.md.
const narrowUpdateStatusChange = "PATCH /users/{user_id} removed the enum value `inactive` of the request property `status`"

type edit struct{ old, new string }

// gateFiles are the inputs of the breaking-change gate in a scratch folder.
type gateFiles struct {
	released, revision, ignore, changelog string
}

// writeGateFiles writes openapi.yaml as the released document, a copy
// changed by edits as the revision, and the ignore file and changelog.
func writeGateFiles(t *testing.T, edits []edit, ignore, changelog string) gateFiles {
	t.Helper()
	dir := t.TempDir()
	revision := redcoreapi.OpenAPI
	for _, e := range edits {
		revision = replaceOnce(t, revision, e.old, e.new)
	}
	return gateFiles{
		released:  writeFile(t, dir, "openapi-1.0.0.yaml", redcoreapi.OpenAPI),
		revision:  writeFile(t, dir, "openapi.yaml", revision),
		ignore:    writeFile(t, dir, "acknowledged-breaking-changes.txt", []byte(ignore)),
		changelog: writeFile(t, dir, "CHANGELOG.md", []byte(changelog)),
	}
}

func (f gateFiles) check(t *testing.T) (string, bool) {
	t.Helper()
	return run(t, checkBreaking, f.released, f.revision, f.ignore, f.changelog)
}

func TestBreakingGateRejectsChange(t *testing.T) {
	tests := []struct {
		name  string
		edits []edit
		check string
	}{
		{"removed operation", removeDeleteUser, "api-removed-without-deprecation"},
		{"removed required response property", removeProductSKU, "response-required-property-removed"},
		{"narrowed request enum", narrowUpdateStatus, "request-property-enum-value-removed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			files := writeGateFiles(t, tt.edits, "", "# Changelog\n")
			out, ok := files.check(t)
			if ok {
				t.Fatalf("gate passed an unacknowledged %s:\n%s", tt.name, out)
			}
			if !strings.Contains(out, "["+tt.check+"]") {
				t.Errorf("gate failed without reporting %s:\n%s", tt.check, out)
			}
		})
	}
}

func TestBreakingGateAcknowledged(t *testing.T) {
	t.Parallel()
	changelog := "# Changelog\n\n## Unreleased\n\n- " + narrowUpdateStatusChange + ": inactive users are now deleted instead.\n"
	files := writeGateFiles(t, narrowUpdateStatus, narrowUpdateStatusChange+"\n", changelog)
	out, ok := files.check(t)
	if !ok {
		t.Fatalf("gate rejected an acknowledged change:\n%s", out)
	}
}

func TestBreakingGateAcknowledgedOnlyPartly(t *testing.T) {
	t.Parallel()
	files := writeGateFiles(t, append(narrowUpdateStatus, removeDeleteUser...), narrowUpdateStatusChange+"\n", "- "+narrowUpdateStatusChange+"\n")
	out, ok := files.check(t)
	if ok {
		t.Fatalf("gate passed a removed operation beside an acknowledged change:\n%s", out)
	}
	if !strings.Contains(out, "[api-removed-without-deprecation]") {
		t.Errorf("gate failed without reporting the removed operation:\n%s", out)
	}
}

func TestBreakingGateRequiresChangelog(t *testing.T) {
	t.Parallel()
	files := writeGateFiles(t, narrowUpdateStatus, narrowUpdateStatusChange+"\n", "# Changelog\n")
	out, ok := files.check(t)
	if ok {
		t.Fatalf("gate passed an acknowledged change missing from the changelog:\n%s", out)
	}
	if !strings.Contains(out, "has no line in") {
		t.Errorf("gate failed for another reason than the changelog:\n%s", out)
	}
}

func TestBreakingGatePassesCompatibleChange(t *testing.T) {
	t.Parallel()
	renameSummary := []edit{{
		old: "      summary: Retrieve a product\n",
		new: "      summary: Retrieve a product by its id\n",
	}}
	files := writeGateFiles(t, renameSummary, "", "# Changelog\n")
	out, ok := files.check(t)
	if !ok {
		t.Fatalf("gate rejected a compatible change:\n%s", out)
	}
}

// TestBreakingGatePassesRepository runs the gate on the committed files, the
// way make breaking does.
func TestBreakingGatePassesRepository(t *testing.T) {
	t.Parallel()
	released := latestRelease(t)
	out, ok := run(t, checkBreaking, released, "openapi.yaml", "releases/acknowledged-breaking-changes.txt", "CHANGELOG.md")
	if !ok {
		t.Fatalf("gate rejected openapi.yaml against %s:\n%s", released, out)
	}
}

// latestRelease returns the path of the released document with the highest
// version, releases/openapi-MAJOR.MINOR.PATCH.yaml.
func latestRelease(t *testing.T) string {
	t.Helper()
	paths, err := filepath.Glob("releases/openapi-*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no released document in releases/: %v", err)
	}
	var latest string
	var latestVersion []int
	for _, path := range paths {
		version := parseVersion(t, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "openapi-"), ".yaml"))
		if latest == "" || compareVersions(version, latestVersion) > 0 {
			latest, latestVersion = path, version
		}
	}
	if _, err := os.Stat(latest); err != nil {
		t.Fatal(err)
	}
	return latest
}

func parseVersion(t *testing.T, s string) []int {
	t.Helper()
	var version []int
	for part := range strings.SplitSeq(s, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			t.Fatalf("released document version %q is not MAJOR.MINOR.PATCH", s)
		}
		version = append(version, n)
	}
	return version
}

func compareVersions(a, b []int) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] - b[i]
		}
	}
	return len(a) - len(b)
}
