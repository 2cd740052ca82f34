package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
)

// The vpc scenario: N VPCs with two subnets each, 5N VPC attachments (each
// VPC's first subnet on three server connections, its second on two) and
// N/2 peerings (VPC 2k with 2k+1), all in the namespace "default" that the
// Hedgehog API requires. Peers run one after the other and each destroys
// what it created, so both use the same names. The wiring the attachments
// need (four leaves, 100 servers and their unbundled connections, beside
// the installer's VLAN and IPv4 namespaces) is applied once, before the first run, and is not
// timed. Subnet i of the run is 10.0.<i/4>.<64·(i%4)>/26 on VLAN 1000+i, so
// N may be at most 500. Both configurations have the same graph: every
// attachment and peering after every VPC (depends_on). With references
// instead, Terraform interleaves VPCs and attachments, and the stand-in's
// simulated controller, which rewrites the Agents of the switches a change
// reaches, then costs several times more: a cost of the stand-in, not of a
// provider, which a comparison must hold equal.
var vpcScenario = &scenario{
	Name: "vpc", Subject: "hedgehog (typed)", Resources: []string{"vpcs", "vpcattachments", "vpcpeerings"},
	Setup: vpcSetup, Ratios: vpcRatios, Leftover: vpcLeftover,
	Peers: []peer{
		{Name: "hedgehog (typed)", Provider: "hedgehog-terraform/hedgehog", Version: "0.1.0", Binary: "terraform-provider-hedgehog",
			Namespace: "default", config: vpcHedgehogConfig("")},
		{Name: "kubectl_manifest", Provider: "gavinbunney/kubectl", Version: "1.19.0", Binary: "terraform-provider-kubectl",
			Namespace: "default", config: vpcKubectlConfig},
		{Name: "terraform_data (floor)", config: vpcFloorConfig},
		// The dry runs' own cost: the same, with the plan's check off.
		{Name: "hedgehog, plan_dry_run = false", Provider: "hedgehog-terraform/hedgehog", Version: "0.1.0",
			Binary: "terraform-provider-hedgehog", Namespace: "default", config: vpcHedgehogConfig("\n  plan_dry_run = false")},
	},
}

// The subjects the targets compare.
const (
	vpcSubject = "hedgehog (typed)"
	vpcKubectl = "kubectl_manifest"
	vpcFloor   = "terraform_data (floor)"
)

// vpcSetup starts the Hedgehog stand-in on the cluster and applies the
// wiring with this provider.
func vpcSetup(b *bench) error {
	ctx := context.Background()
	s, err := fabricsim.StartStandIn(ctx, b.dyn, b.client, fabricsim.StandInOptions{
		Host: "127.0.0.1", AgentDelay: 300 * time.Millisecond, Fabric: fabricsim.DefaultFabricConfig, CachedReads: true})
	if err != nil {
		return fmt.Errorf("starting the Hedgehog stand-in: %w", err)
	}
	b.cleanup = append(b.cleanup, func() { _ = s.Stop(context.Background()) })
	dir := filepath.Join(b.work, "wiring")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cfg := required("hedgehog-terraform/hedgehog") + fmt.Sprintf("\nprovider \"hedgehog\" {\n  config_path = %q\n}\n", b.kubeconfig) + vpcWiring
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		return err
	}
	for _, args := range [][]string{{"init", "-input=false", "-no-color"}, {"apply", "-auto-approve", "-input=false", "-no-color"}} {
		cmd := exec.Command(b.tofu, args...)
		cmd.Dir, cmd.Env = dir, append(cleanEnv(), "TF_CLI_CONFIG_FILE="+b.rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("tofu %s of the wiring: %w\n%s", strings.Join(args, " "), err, tail(out))
		}
	}
	return nil
}

func vpcLeftover(b *bench, _ peer) error {
	for _, r := range b.sc.Resources {
		l, err := b.dyn.Resource(schema.GroupVersionResource{Group: "vpc.githedgehog.com", Version: "v1beta1", Resource: r}).
			Namespace("default").List(context.Background(), metav1.ListOptions{})
		if err != nil {
			return err
		}
		if len(l.Items) > 0 {
			return fmt.Errorf("%d %s are left after destroy", len(l.Items), r)
		}
	}
	return nil
}

// vpcRatios are the targets of the speed issue: against kubectl_manifest
// and against the CLI's floor, and the provider's peak RSS against the
// floor's CLI process. The dry runs' cost is reported, not judged.
func vpcRatios(cells []*Cell, sizes []int) (out, scaling []Ratio, missed []string) {
	targets := map[string]map[string]float64{ // operation → reference → target
		"plan (no change)": {vpcKubectl: 0.5, vpcFloor: 1.3},
		"apply (create)":   {vpcKubectl: 0.6, vpcFloor: 1.5},
		"apply (update)":   {vpcKubectl: 0.6, vpcFloor: 1.5},
		"destroy":          {vpcKubectl: 0.6},
	}
	add := func(r Ratio) {
		out = append(out, r)
		if r.Target > 0 && !r.Met {
			missed = append(missed, fmt.Sprintf("%s at N=%d is %.2f, target ≤ %.2f%s", r.Name, r.N, r.Value, r.Target, r.noiseNote()))
		}
	}
	for _, n := range sizes {
		for _, op := range operations {
			hh := cell(cells, vpcSubject, op, n)
			if hh == nil {
				continue
			}
			for _, ref := range []string{vpcKubectl, vpcFloor, "hedgehog, plan_dry_run = false"} {
				if c := cell(cells, ref, op, n); c != nil {
					add(timeRatio(op+": hedgehog / "+ref, n, hh, c, targets[op][ref]))
				}
			}
			if kc := cell(cells, vpcKubectl, op, n); kc != nil {
				add(Ratio{Name: op + ": API requests, hedgehog / kubectl_manifest", N: n,
					Value: float64(hh.Median.Requests) / max(1, float64(kc.Median.Requests)), Met: true})
			}
		}
		if floor := cell(cells, vpcFloor, "plan (no change)", n); floor != nil {
			peak, floorCLI := peakOf(cells, vpcSubject, n), 0.0
			for _, c := range cells {
				if c.Provider == vpcFloor && c.N == n {
					floorCLI = max(floorCLI, c.Median.CLIRSSMB)
				}
			}
			if floorCLI > 0 {
				r := Ratio{Name: "peak RSS: hedgehog provider / the floor's CLI", N: n, Value: peak / floorCLI, Target: 2}
				r.Met = r.Value <= r.Target
				add(r)
			}
		}
	}
	return out, nil, missed
}
