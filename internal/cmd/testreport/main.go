// Command testreport reads `go test -json` on standard input and prints what a
// reader of a test run needs: go test's own closing line for each package,
// the whole output of every test that failed, the counts of top-level tests,
// and every skipped test with its reason. It fails (exit 1) when a test or a
// package failed, or when a test skipped for a reason that is not one of
// acctest.SkipReasons: a skip is a test that did not run, and an unlisted
// one would hide a test from CI.
//
//	go test -json ./... | go run ./internal/cmd/testreport [-log file] [-label name]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// event is one line of test2json's output.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

type report struct {
	out       io.Writer
	output    map[string][]string // "pkg test" → output lines
	failed    []string
	skipped   []skip
	counts    map[string]int // top-level tests by action
	pkgFailed bool
}

type skip struct{ name, reason string }

// location is the "file_test.go:12: " that t.Skip's message starts with.
var location = regexp.MustCompile(`^\s*[\w./-]+\.go:\d+: `)

func main() {
	logPath := flag.String("log", "", "also write the raw JSON stream to this file")
	label := flag.String("label", "tests", "what the counts line calls this run")
	flag.Parse()
	in := io.Reader(os.Stdin)
	if *logPath != "" {
		f, err := os.Create(*logPath)
		if err != nil {
			_, _ = fmt.Fprintln(os.Stderr, "testreport:", err)
			os.Exit(2)
		}
		defer func() { _ = f.Close() }()
		in = io.TeeReader(os.Stdin, f)
	}
	r := &report{out: os.Stdout, output: map[string][]string{}, counts: map[string]int{}}
	ok := r.read(in) && r.summary(*label)
	if !ok {
		os.Exit(1)
	}
}

// read consumes the stream; lines that are not JSON (build errors on older
// toolchains) are printed as they are.
func (r *report) read(in io.Reader) bool {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			_, _ = fmt.Fprintln(r.out, string(line))
			continue
		}
		r.event(ev)
	}
	if err := sc.Err(); err != nil {
		_, _ = fmt.Fprintln(r.out, "testreport: reading the test stream:", err)
		return false
	}
	return true
}

func (r *report) event(ev event) {
	key := ev.Package + " " + ev.Test
	switch ev.Action {
	case "output", "build-output":
		r.output[key] = append(r.output[key], ev.Output)
		if ev.Test == "" && ev.Action == "output" && closing(ev.Output) {
			_, _ = fmt.Fprint(r.out, ev.Output) // go test's own "ok"/"FAIL" line of the package
		}
		if ev.Action == "build-output" {
			_, _ = fmt.Fprint(r.out, ev.Output)
		}
	case "pass", "fail", "skip":
		if ev.Test == "" {
			if ev.Action == "fail" {
				r.pkgFailed = true
			}
			return
		}
		if !strings.Contains(ev.Test, "/") {
			r.counts[ev.Action]++
		}
		switch ev.Action {
		case "fail":
			r.failed = append(r.failed, key)
		case "skip":
			r.skipped = append(r.skipped, skip{name: ev.Package + "." + ev.Test, reason: reason(r.output[key])})
		}
		if ev.Action != "fail" {
			delete(r.output, key)
		}
	}
}

// closing tells go test's closing line of a package.
func closing(line string) bool {
	return strings.HasPrefix(line, "ok  \t") || strings.HasPrefix(line, "FAIL\t") || strings.HasPrefix(line, "FAIL ")
}

// reason is a skipped test's message: its output without go test's own
// lines and the file:line prefix.
func reason(lines []string) string {
	var parts []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		parts = append(parts, strings.TrimSpace(location.ReplaceAllString(l, "")))
	}
	return strings.Join(parts, " ")
}

func known(reason string) bool {
	for _, r := range acctest.SkipReasons {
		if strings.HasPrefix(reason, r) {
			return true
		}
	}
	return false
}

// summary prints the failures, counts and skips; it tells whether the run
// passed.
func (r *report) summary(label string) bool {
	ok := !r.pkgFailed && len(r.failed) == 0
	for _, key := range r.failed {
		_, _ = fmt.Fprintf(r.out, "\n==> failed: %s\n%s", key, strings.Join(r.output[key], ""))
	}
	_, _ = fmt.Fprintf(r.out, "==> %s: %d passed, %d failed, %d skipped (top-level tests)\n", label, r.counts["pass"],
		r.counts["fail"], r.counts["skip"])
	sort.Slice(r.skipped, func(i, j int) bool { return r.skipped[i].name < r.skipped[j].name })
	for _, s := range r.skipped {
		mark := ""
		if !known(s.reason) {
			mark, ok = "  <== NOT A KNOWN REASON (acctest.SkipReasons)", false
		}
		_, _ = fmt.Fprintf(r.out, "    skipped %s: %s%s\n", s.name, s.reason, mark)
	}
	return ok
}
