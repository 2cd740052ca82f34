package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

func stream(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func run(t *testing.T, in string) (bool, string) {
	t.Helper()
	var out bytes.Buffer
	r := &report{out: &out, output: map[string][]string{}, counts: map[string]int{}}
	ok := r.read(strings.NewReader(in)) && r.summary("acc")
	return ok, out.String()
}

func TestAKnownSkipPasses(t *testing.T) {
	ok, out := run(t, stream(
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:12: `+acctest.SkipNeedKind+`\n"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"--- SKIP: TestA (0.00s)\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestA"}`,
		`{"Action":"pass","Package":"p","Test":"TestB"}`,
		`{"Action":"output","Package":"p","Output":"ok  \tp\t1.2s\n"}`,
		`{"Action":"pass","Package":"p"}`))
	if !ok {
		t.Fatalf("a run with a known skip failed:\n%s", out)
	}
	for _, want := range []string{"ok  \tp\t1.2s", "1 passed, 0 failed, 1 skipped", "skipped p.TestA: " + acctest.SkipNeedKind} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
}

func TestAnUnknownSkipFails(t *testing.T) {
	ok, out := run(t, stream(
		`{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:12: flaky, skipping for now\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestA"}`,
		`{"Action":"pass","Package":"p"}`))
	if ok || !strings.Contains(out, "skipped p.TestA: flaky, skipping for now  <== NOT A KNOWN REASON") {
		t.Fatalf("a skip without a known reason passed:\n%s", out)
	}
	ok, _ = run(t, stream(`{"Action":"skip","Package":"p","Test":"TestBare"}`, `{"Action":"pass","Package":"p"}`))
	if ok {
		t.Fatal("a bare skip (no reason) passed")
	}
}

func TestAFailureIsShownWithItsOutput(t *testing.T) {
	ok, out := run(t, stream(
		`{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:3: boom\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}`,
		`{"Action":"fail","Package":"p"}`))
	if ok || !strings.Contains(out, "==> failed: p TestA\n    a_test.go:3: boom") || !strings.Contains(out, "FAIL\tp\t0.1s") {
		t.Fatalf("a failure was not reported:\n%s", out)
	}
}

func TestAPackageThatFailsToBuildFails(t *testing.T) {
	ok, out := run(t, stream(`# p`, `p/x.go:1: syntax error`, `{"Action":"fail","Package":"p"}`))
	if ok || !strings.Contains(out, "syntax error") {
		t.Fatalf("a build failure passed:\n%s", out)
	}
}
