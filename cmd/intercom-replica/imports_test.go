package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/intercom-replica/intercom-replica"

// allowedImports is the layering of the module (design §2): for each package, the packages of ours it may depend
// on, directly or not. Imports point one way, cmd → mcp, sync, configs → index → query; the Intercom client
// knows nothing of the replica; mcp knows nothing of sync or the client; the fake Intercom is an independent
// implementation of the API and is linked into the binary, so it imports neither the client nor testing. The shapes
// of Intercom's records (index/wire) are a leaf every reader of them shares, the client included.
var allowedImports = map[string][]string{
	"query":                      {},
	"configs":                    {},
	"index":                      {"query", "index/internal/...", "index/plaintext", "index/wire"},
	"index/internal/...":         {"query", "index/internal/..."},
	"index/plaintext":            {}, // HTML to text, for the index's words and the text mcp shows a model
	"index/wire":                 {}, // Intercom's JSON shapes, for the client, the index and the tools
	"sync/intercom":              {"query", "index/wire"},
	"sync/intercom/fakeintercom": {},
	"sync":                       {"index", "index/internal/...", "index/plaintext", "index/wire", "query", "sync/intercom"},
	"sync/progress":              {"sync", "index", "index/internal/...", "index/plaintext", "index/wire", "query", "sync/intercom"},
	"mcp":                        {"mcp/oauth", "index", "index/internal/...", "index/plaintext", "index/wire", "query"},
	"mcp/oauth":                  {}, // the authorization server: knows nothing of the replica nor of the Intercom client
	"mcp/peer":                   {"mcp", "mcp/oauth", "index", "index/internal/...", "index/plaintext", "index/wire", "query"},
	"mcp/peer/peertest":          {"index", "index/internal/...", "index/plaintext", "index/wire", "query"}, // for tests only
	"query/testwait":             {},                                                                        // for tests only: how tests wait for a condition
	"cmd/intercom-replica":       {"*"},
}

// forbiddenStd are standard packages a package must not link.
var forbiddenStd = map[string][]string{
	"sync/intercom/fakeintercom": {"testing", "net/http/httptest"},
	"query":                      {"net", "net/http"}, // pure: no I/O
}

// TestImports_PointOneWay enforces the layering with go list: every package's dependencies, transitively.
func TestImports_PointOneWay(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(goTool(), "list", "-e", "-f", "{{.ImportPath}}\t{{join .Deps \" \"}}", module+"/...")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs, problems := checkLayering(string(out))
	for _, p := range problems {
		t.Error(p)
	}
	if pkgs < 8 {
		t.Errorf("go list found %d packages of ours:\n%s", pkgs, out)
	}
}

// TestImports_CheckerCatchesEachRule feeds the checker a made-up module that breaks every rule once.
func TestImports_CheckerCatchesEachRule(t *testing.T) {
	t.Parallel()
	m := module + "/"
	list := strings.Join([]string{
		m + "query\tfmt",
		m + "index\t" + m + "query " + m + "sync",
		m + "mcp\t" + m + "index " + m + "sync/intercom",
		m + "sync/intercom\t" + m + "index",
		m + "sync/intercom/fakeintercom\tnet/http testing",
		m + "configs\t" + m + "cmd/intercom-replica",
		m + "newpkg\tfmt",
	}, "\n")
	_, problems := checkLayering(list)
	want := []string{
		"index depends on sync, which the layering forbids (allowed: [query index/internal/... index/plaintext index/wire])",
		"mcp depends on sync/intercom, which the layering forbids (allowed: [mcp/oauth index index/internal/... index/plaintext index/wire query])",
		"sync/intercom depends on index, which the layering forbids (allowed: [query index/wire])",
		"sync/intercom/fakeintercom links testing",
		"configs imports cmd/intercom-replica: nothing imports cmd",
		"package newpkg is not in the layering table (allowedImports): add it with the packages it may use",
	}
	if !slices.Equal(problems, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
}

// checkLayering reads go list lines ("path<TAB>deps") and returns how many of our packages it saw and every
// dependency the layering forbids.
func checkLayering(goList string) (pkgs int, problems []string) {
	for _, line := range strings.Split(strings.TrimSpace(goList), "\n") {
		path, deps, _ := strings.Cut(line, "\t")
		rel, ok := strings.CutPrefix(path, module+"/")
		if !ok {
			continue // the module root has no package
		}
		pkgs++
		allowed, known := lookupLayer(rel)
		if !known {
			problems = append(problems, fmt.Sprintf("package %s is not in the layering table (allowedImports): add it with the packages it may use", rel))
			continue
		}
		for _, dep := range strings.Fields(deps) {
			if ours, isOurs := strings.CutPrefix(dep, module+"/"); isOurs {
				switch {
				case strings.HasPrefix(ours, "cmd/"):
					problems = append(problems, fmt.Sprintf("%s imports %s: nothing imports cmd", rel, ours))
				case !slices.Contains(allowed, "*") && !layerAllows(allowed, ours):
					problems = append(problems, fmt.Sprintf("%s depends on %s, which the layering forbids (allowed: %v)", rel, ours, allowed))
				}
				continue
			}
			if slices.Contains(forbiddenStd[rel], dep) {
				problems = append(problems, fmt.Sprintf("%s links %s", rel, dep))
			}
		}
	}
	return pkgs, problems
}

// lookupLayer finds the table entry of a package ("a/..." covers everything under a/).
func lookupLayer(rel string) ([]string, bool) {
	if allowed, ok := allowedImports[rel]; ok {
		return allowed, true
	}
	for pattern, allowed := range allowedImports {
		if prefix, ok := strings.CutSuffix(pattern, "/..."); ok && strings.HasPrefix(rel, prefix+"/") {
			return allowed, true
		}
	}
	return nil, false
}

func layerAllows(allowed []string, dep string) bool {
	for _, a := range allowed {
		if a == dep {
			return true
		}
		if prefix, ok := strings.CutSuffix(a, "/..."); ok && strings.HasPrefix(dep, prefix+"/") {
			return true
		}
	}
	return false
}
