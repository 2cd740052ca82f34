package main

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Ratio compares the scenario's subject with a reference in one cell.
type Ratio struct {
	Name   string  `json:"name"`
	N      int     `json:"n"`
	Value  float64 `json:"value"`
	Target float64 `json:"target,omitempty"` // at most; 0: reported only
	Met    bool    `json:"met"`
	// Low and High bound the ratio over the runs' spread (the subject's
	// fastest run over the reference's slowest, and the other way round);
	// zero when not a time ratio.
	Low  float64 `json:"low,omitempty"`
	High float64 `json:"high,omitempty"`
}

// timeRatio is the ratio of two cells' median wall times, with its spread.
func timeRatio(name string, n int, subject, ref *Cell, target float64) Ratio {
	r := Ratio{Name: name, N: n, Target: target}
	if ref.Median.Seconds > 0 && ref.Min.Seconds > 0 {
		r.Value = subject.Median.Seconds / ref.Median.Seconds
		r.Low, r.High = subject.Min.Seconds/ref.Max.Seconds, subject.Max.Seconds/ref.Min.Seconds
	}
	r.Met = target == 0 || r.Value <= target
	return r
}

// Noise tells a verdict that the runs' spread could turn: the target lies
// between the ratio's low and high bounds.
func (r Ratio) Noise() bool {
	return r.Target > 0 && r.High > 0 && r.Low <= r.Target && r.Target < r.High
}

func (r Ratio) noiseNote() string {
	if r.Noise() {
		return fmt.Sprintf(" (within the runs' spread, %.2f–%.2f: noise)", r.Low, r.High)
	}
	return ""
}

func cell(cells []*Cell, provider, op string, n int) *Cell {
	for _, c := range cells {
		if c.Provider == provider && c.Operation == op && c.N == n {
			return c
		}
	}
	return nil
}

func peakOf(cells []*Cell, provider string, n int) float64 {
	peak := 0.0
	for _, c := range cells {
		if c.Provider == provider && c.N == n {
			peak = math.Max(peak, c.Median.RSSMB)
		}
	}
	return peak
}

func contains(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

func markdown(res *Results, sizes []int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %s; OpenTofu 1.12.6, local kube-apiserver v1.37.2, default parallelism (10); medians of %d runs, "+
		"subjects interleaved in each run.\nCommand: `%s`.\n\n", res.Date, res.Machine, res.Runs, res.Command)
	b.WriteString("Wall time: the median, then the fastest and slowest run. Requests: on " + strings.Join(res.sc.Resources, ", ") +
		", as the API server counted them. Provider: CPU time (user + system) of the provider processes, and the largest " +
		"one's peak RSS. CLI: the CLI process' own CPU time and peak RSS (its provider processes not included).\n\n")
	for _, n := range sizes {
		fmt.Fprintf(&b, "**N = %d**\n\n| operation |", n)
		for _, p := range res.sc.Peers {
			fmt.Fprintf(&b, " %s |", p.Name)
		}
		b.WriteString("\n| --- |" + strings.Repeat(" --- |", len(res.sc.Peers)) + "\n")
		for _, op := range operations {
			fmt.Fprintf(&b, "| %s |", op)
			for _, p := range res.sc.Peers {
				c := cell(res.Cells, p.Name, op, n)
				if c == nil {
					b.WriteString(" – |")
					continue
				}
				fmt.Fprintf(&b, " %.2f s (%.2f–%.2f) |", c.Median.Seconds, c.Min.Seconds, c.Max.Seconds)
			}
			b.WriteString("\n")
		}
		b.WriteString("\nWhere the CPU and memory go (medians): requests; provider CPU, provider RSS; CLI CPU, CLI RSS.\n\n| operation |")
		for _, p := range res.sc.Peers {
			fmt.Fprintf(&b, " %s |", p.Name)
		}
		b.WriteString("\n| --- |" + strings.Repeat(" --- |", len(res.sc.Peers)) + "\n")
		for _, op := range operations {
			fmt.Fprintf(&b, "| %s |", op)
			for _, p := range res.sc.Peers {
				c := cell(res.Cells, p.Name, op, n)
				switch {
				case c == nil:
					b.WriteString(" – |")
				case p.Provider == "":
					fmt.Fprintf(&b, " –; –; %.1f s, %.0f MB |", c.Median.CLICPU, c.Median.CLIRSSMB)
				default:
					req := "–"
					if p.Namespace != "" {
						req = fmt.Sprint(c.Median.Requests)
					}
					fmt.Fprintf(&b, " %s; %.1f s, %.0f MB; %.1f s, %.0f MB |", req, c.Median.CPU, c.Median.RSSMB,
						c.Median.CLICPU, c.Median.CLIRSSMB)
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	b.WriteString("**Ratios** (" + res.sc.Subject + "'s time over the reference's, with the range the runs' spread allows; " +
		"targets from the performance issues; a verdict the spread could turn is marked noise)\n\n" +
		"| ratio | N | value | range | target | met |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, r := range append(append([]Ratio{}, res.Ratios...), res.Scaling...) {
		target, met, spread := "–", "–", "–"
		if r.Target > 0 {
			target, met = fmt.Sprintf("≤ %.2f", r.Target), map[bool]string{true: "yes", false: "**no**"}[r.Met]
			if r.Noise() {
				met += " (noise)"
			}
		}
		if r.High > 0 {
			spread = fmt.Sprintf("%.2f–%.2f", r.Low, r.High)
		}
		fmt.Fprintf(&b, "| %s | %d | %.2f | %s | %s | %s |\n", r.Name, r.N, r.Value, spread, target, met)
	}
	if len(res.Problems) > 0 {
		b.WriteString("\nTargets missed:\n\n")
		for _, p := range res.Problems {
			b.WriteString("- " + p + "\n")
		}
	}
	return b.String()
}

var colors = []string{"#2b6cb0", "#dd6b20", "#718096", "#a0aec0", "#38a169", "#805ad5"}

// chart draws the time per operation and N: one panel per N, one group of
// bars per operation, one bar per provider.
func chart(res *Results, sizes []int) string {
	const (
		panelW, panelH = 420.0, 260.0
		top, left      = 50.0, 50.0
		groupGap       = 14.0
	)
	width := left + float64(len(sizes))*(panelW+30) + 10
	height := top + panelH + 110 + 20*float64(len(res.sc.Peers)/2)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="11">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/><text x="%.0f" y="22" font-size="15" font-weight="bold">Wall time per operation (s), median of %d runs — %s</text>`+"\n",
		left, res.Runs, html.EscapeString(res.Date))
	for i, n := range sizes {
		x0 := left + float64(i)*(panelW+30)
		maxT := 0.0
		for _, c := range res.Cells {
			if c.N == n {
				maxT = math.Max(maxT, c.Median.Seconds)
			}
		}
		maxT = niceCeil(maxT)
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="13" font-weight="bold">N = %d</text>`+"\n", x0, top-8, n)
		for t := 0; t <= 4; t++ {
			v := maxT * float64(t) / 4
			y := top + panelH - panelH*float64(t)/4
			fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#e2e8f0"/><text x="%.0f" y="%.1f" text-anchor="end">%s</text>`+"\n",
				x0, x0+panelW, y, y, x0-4, y+4, trimFloat(v))
		}
		groupW := (panelW - groupGap*float64(len(operations)+1)) / float64(len(operations))
		barW := groupW / float64(len(res.sc.Peers))
		for j, op := range operations {
			gx := x0 + groupGap + float64(j)*(groupW+groupGap)
			for k, p := range res.sc.Peers {
				c := cell(res.Cells, p.Name, op, n)
				if c == nil {
					continue
				}
				h := panelH * c.Median.Seconds / maxT
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s, %s, N=%d: %.2f s</title></rect>`+"\n",
					gx+float64(k)*barW, top+panelH-h, barW-1, h, colors[k], html.EscapeString(p.Name), op, n, c.Median.Seconds)
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle">%s</text>`+"\n", gx+groupW/2, top+panelH+16, html.EscapeString(op))
		}
	}
	perRow := max(1, int((width-left)/230))
	for k, p := range res.sc.Peers {
		x, y := left+float64(k%perRow)*230, top+panelH+40+float64(k/perRow)*20
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="12" height="12" fill="%s"/><text x="%.0f" y="%.0f">%s</text>`+"\n",
			x, y, colors[k], x+16, y+10, html.EscapeString(p.Name))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

func trimFloat(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

// Results is what results.json holds.
type Results struct {
	Scenario string   `json:"scenario"`
	Date     string   `json:"date"`
	Machine  string   `json:"machine"`
	Command  string   `json:"command"`
	Runs     int      `json:"runs"`
	Cells    []*Cell  `json:"cells"`
	Ratios   []Ratio  `json:"ratios"`
	Scaling  []Ratio  `json:"scaling"`
	Problems []string `json:"targets_missed"`
	sc       *scenario
}

func (b *bench) report(sizes []int, runs int, out string) error {
	res := &Results{Date: time.Now().UTC().Format("2006-01-02"), Runs: runs, sc: b.sc, Scenario: b.sc.Name,
		Machine: fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version()),
		Command: b.command(sizes)}
	for _, n := range sizes {
		for _, op := range operations {
			for _, p := range b.sc.Peers {
				if c := b.cells[fmt.Sprintf("%s|%s|%d", p.Name, op, n)]; c != nil {
					c.Median, c.Min, c.Max = summary(c.Samples)
					res.Cells = append(res.Cells, c)
				}
			}
		}
	}
	res.Ratios, res.Scaling, res.Problems = b.sc.Ratios(res.Cells, sizes)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	md := markdown(res, sizes)
	fmt.Println()
	fmt.Println(md)
	base := map[string]string{"fabric": "results"}[b.sc.Name]
	if base == "" {
		base = b.sc.Name
	}
	for ext, data := range map[string][]byte{".json": raw, ".md": []byte(md), ".svg": []byte(chart(res, sizes))} {
		name := base + ext
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %s/%s.{md,json,svg}\n", out, base)
	return nil
}

func (b *bench) command(sizes []int) string {
	if b.sc.Name == "fabric" {
		return "make bench N=" + joinInts(sizes)
	}
	return "make bench-" + b.sc.Name + " VPCS=" + joinInts(sizes)
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
