// The acceptance tests of the plan's dry runs against the Hedgehog stand-in
// (longer than most files: each stages objects made with kubectl, a second
// identity or an unreachable server, and reads what the CLI printed).

package provider_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

// kubectlObject applies one object with kubectl (client-side apply): an
// object this provider did not create.
func kubectlObject(t *testing.T, yaml string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "object.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectlApply(t, acctest.C.Kubeconfig, path)
}

// Rules that need the cluster's other objects fail the plan, on the
// resource and in the webhook's words: a VLAN or a subnet that a VPC made
// with kubectl already uses, an attachment to a connection that does not
// exist, and the destroy of a VPC that an attachment made with kubectl
// still uses.
func TestAccDryRun_refusedAtPlan(t *testing.T) {
	acctest.PreCheck(t)
	l := newAttachLab()
	v, other, x := acctest.HedgehogName("vpc"), acctest.HedgehogName("vpc"), acctest.HedgehogName("vpc")
	kubectlAttachment := acctest.HedgehogName("att")
	lab := acctest.Config(l.hcl())
	withVPC := lab + vpcHCL("v", v, `subnets = { default = { subnet = "10.10.1.0/24", vlan = 1001 } }`)
	// The other tool's objects go away even when the test fails half-way,
	// so that the lab can be destroyed.
	removeOthers := func() error {
		ctx := context.Background()
		for res, name := range map[string]string{"vpcattachments": kubectlAttachment, "vpcs": other} {
			gvr := vpc.VPC.GVR(nil)
			gvr.Resource = res
			err := acctest.C.Dynamic.Resource(gvr).Namespace(meta.Namespace).Delete(ctx, name, metav1.DeleteOptions{})
			if err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("deleting %s %s: %w", res, name, err)
			}
		}
		return nil
	}
	t.Cleanup(func() { _ = removeOthers() })
	planFails := func(config string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: acctest.Error(phrases...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t, []string{v, x}),
		Steps: []resource.TestStep{
			{Config: withVPC},
			{
				// Objects that other tools made, in the lab's namespaces.
				PreConfig: func() {
					kubectlObject(t, fmt.Sprintf(`apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: %s, namespace: default}
spec:
  ipv4Namespace: %s
  vlanNamespace: %s
  subnets:
    default: {subnet: 10.10.3.0/24, vlan: 1003}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPCAttachment
metadata: {name: %s, namespace: default}
spec: {subnet: %s/default, connection: %s}
`, other, l.v4, l.ns, kubectlAttachment, v, l.unbundled))
				},
				Config:   withVPC + vpcHCL("x", x, `subnets = { default = { subnet = "10.10.4.0/24", vlan = 1003 } }`),
				PlanOnly: true,
				ExpectError: acctest.Error("Error: Refused by Admission Webhook", "with hedgehog_vpc.x",
					`Attribute subnets["default"].vlan: The cluster refuses the create of VPC "`+x+`"`,
					"failed to validate vpc: vlan 1003 is already used by other VPC"),
			},
			planFails(withVPC+vpcHCL("x", x, `subnets = { default = { subnet = "10.10.3.128/25", vlan = 1004 } }`),
				"Error: Refused by Admission Webhook", "with hedgehog_vpc.x", `Attribute subnets["default"].subnet:`,
				"failed to validate vpc: subnet 10.10.3.128/25 overlaps with subnet 10.10.3.0/24 of VPC "+other),
			planFails(withVPC+vpcAttachmentHCL("a", acctest.HedgehogName("att"), `"${hedgehog_vpc.v.name}/default"`, `"no-such-conn"`),
				"Error: Refused by Admission Webhook", "with hedgehog_vpc_attachment.a", "Attribute connection_name:",
				"connection no-such-conn not found"),
			planFails(lab, // (a resource gone from the configuration has no block to point at)
				"Error: Refused by Admission Webhook", `refuses the delete of VPC "`+v+`"`, "VPC has attachments",
				`not created by this provider (so no plan deletes them): VPCAttachment "`+kubectlAttachment+`"`),
			{
				// With the other tool's objects gone, the VPC is deleted.
				PreConfig: func() {
					if err := removeOthers(); err != nil {
						t.Fatal(err)
					}
				},
				Config: lab,
				Check:  acctest.Gone(t, vpc.VPC, v),
			},
		},
	})
}

// warnings lists the warnings a CLI printed, by summary, with how many each
// stands for: the CLI folds warnings of one summary into the first, ending
// it with "(and N more similar warnings elsewhere)".
func warnings(out string) map[string]int {
	got := map[string]int{}
	header := regexp.MustCompile(`(?m)^(Warning|Error): (.+)$`)
	more := regexp.MustCompile(`\(and (\d+|one) more similar warnings? elsewhere\)`)
	at := header.FindAllStringSubmatchIndex(out, -1)
	for i, m := range at {
		if out[m[2]:m[3]] != "Warning" {
			continue
		}
		end := len(out)
		if i+1 < len(at) {
			end = at[i+1][0]
		}
		n := 1
		if f := more.FindStringSubmatch(out[m[1]:end]); f != nil {
			k := 1
			if f[1] != "one" {
				k, _ = strconv.Atoi(f[1])
			}
			n += k
		}
		got[strings.TrimSpace(out[m[4]:m[5]])] += n
	}
	return got
}

// writeConfig writes the configuration of a CLI working directory.
func writeConfig(t *testing.T, dir, config string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The same configurations with the other objects created in the same run:
// the plan goes through, saying what it could not check and why (one
// warning per reason), and the apply does what the cluster says: the
// attachment and its connection and VPC are created in order; of two VPCs
// that want one VLAN or overlapping subnets, the first is created and the
// second refused in the webhook's words; destroying everything, the VPC's
// refused delete is skipped at plan because its user is this provider's.
func TestAccDryRun_sameRun(t *testing.T) {
	acctest.PreCheck(t)
	l := newAttachLab()
	v, first, vlanTwin, subnetTwin := acctest.HedgehogName("vpc"), acctest.HedgehogName("vpc"), acctest.HedgehogName("vpc"),
		acctest.HedgehogName("vpc")
	att := acctest.HedgehogName("att")
	cli := acctest.NewCLI(t)
	dir := t.TempDir()
	base := acctest.Config(l.hcl()) + vpcHCL("v", v, `subnets = { default = { subnet = "10.10.1.0/24", vlan = 1001 } }`) +
		vpcAttachmentHCL("a", att, `"${hedgehog_vpc.v.name}/default"`, "hedgehog_connection.unbundled.name")
	writeConfig(t, dir, base)
	t.Cleanup(func() { _, _ = cli.Run(dir, "destroy", "-auto-approve") })
	cli.MustRun(t, dir, "init")

	out := cli.MustRun(t, dir, "plan", "-out=plan")
	w := warnings(out)
	if w["Plan Not Checked: Depends On This Run"] == 0 || strings.Count(out, "Warning: Plan Not Checked: Depends On This Run") != 1 {
		t.Fatalf("the plan does not say once that it could not check what depends on this run: %v\n%s", w, out)
	}
	if strings.Contains(out, "Error:") {
		t.Fatalf("the plan failed:\n%s", out)
	}
	cli.MustRun(t, dir, "apply", "plan")
	if acctest.Object(t, vpc.VPCAttachment, meta.Namespace, att) == nil {
		t.Fatal("the attachment was not created")
	}

	// Two VPCs that want one VLAN, and one whose subnet overlaps the first's,
	// all new: each alone is valid, so the plan is clean; the apply creates
	// the first and the cluster refuses the others.
	twins := base + vpcHCL("first", first, `subnets = { default = { subnet = "10.10.5.0/24", vlan = 1005 } }`) +
		vpcHCL("vlan_twin", vlanTwin, `subnets = { default = { subnet = "10.10.6.0/24", vlan = 1005 } }`,
			`depends_on = [hedgehog_vpc.first]`) +
		vpcHCL("subnet_twin", subnetTwin, `subnets = { default = { subnet = "10.10.5.128/25", vlan = 1006 } }`,
			`depends_on = [hedgehog_vpc.first]`)
	writeConfig(t, dir, twins)
	out = cli.MustRun(t, dir, "plan", "-out=plan")
	if !strings.Contains(out, "3 to add, 0 to change, 0 to destroy") || strings.Contains(out, "Error:") {
		t.Fatalf("the plan of the twins:\n%s", out)
	}
	out, err := cli.Run(dir, "apply", "plan")
	if err == nil || !acctest.Error("with hedgehog_vpc.vlan_twin", "vlan 1005 is already used by other VPC").MatchString(out) ||
		!acctest.Error("with hedgehog_vpc.subnet_twin",
			"failed to validate vpc: subnet 10.10.5.128/25 overlaps with subnet 10.10.5.0/24 of VPC "+first).MatchString(out) {
		t.Fatalf("the apply did not refuse the twins (%v):\n%s", err, out)
	}
	if acctest.Object(t, vpc.VPC, meta.Namespace, first) == nil || acctest.Object(t, vpc.VPC, meta.Namespace, vlanTwin) != nil ||
		acctest.Object(t, vpc.VPC, meta.Namespace, subnetTwin) != nil {
		t.Fatal("the cluster does not hold the first VPC alone")
	}
	state := cli.MustRun(t, dir, "show")
	if !strings.Contains(state, "# hedgehog_vpc.first:") || strings.Contains(state, "twin") {
		t.Fatalf("the state does not hold the first VPC alone:\n%s", state)
	}

	// Destroying everything: the VPC's delete is refused while the
	// attachment exists, which this run deletes first.
	writeConfig(t, dir, base)
	out = cli.MustRun(t, dir, "plan", "-destroy", "-out=plan")
	if warnings(out)["Plan Not Checked: Still In Use By Managed Objects"] == 0 || strings.Contains(out, "Error:") {
		t.Fatalf("the destroy plan does not skip the deletes that wait for others:\n%s", out)
	}
	cli.MustRun(t, dir, "apply", "plan")
	if err := l.gone(t, []string{v, first}, att)(nil); err != nil {
		t.Fatal(err)
	}
}

// A cluster that does not answer at plan: new resources plan as without
// the cluster, with one warning, after one request timeout at most (not one
// per resource).
func TestAccDryRun_clusterUnreachable(t *testing.T) {
	acctest.PreCheck(t)
	// A listener that takes connections and never says a word.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = silent.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			_ = c.Close()
		}
	})
	for _, c := range []struct{ name, host string }{
		{"refused", "https://127.0.0.1:1"},
		{"no answer", "https://" + silent.Addr().String()},
	} {
		t.Run(c.name, func(t *testing.T) {
			cli := acctest.NewCLI(t)
			dir := t.TempDir()
			var body strings.Builder
			for i := range 4 {
				fmt.Fprintf(&body, "\nresource \"hedgehog_vpc\" \"v%d\" {\n  name    = %q\n  subnets = { default = { subnet = \"10.10.%d.0/24\", vlan = %d } }\n}\n",
					i, acctest.HedgehogName("vpc"), i, 1000+i)
			}
			writeConfig(t, dir, acctest.Terraform+fmt.Sprintf(`
provider "hedgehog" {
  host                   = %q
  token                  = "not-a-token"
  insecure               = true
  request_timeout        = "3s"
  max_retries            = 3
}
`, c.host)+body.String())
			cli.MustRun(t, dir, "init")
			start := time.Now()
			out := cli.MustRun(t, dir, "plan", "-parallelism=1")
			took := time.Since(start)
			if !strings.Contains(out, "4 to add") {
				t.Fatalf("the plan did not plan the VPCs:\n%s", out)
			}
			if w := warnings(out); len(w) != 1 || w["Plan Not Checked By The Cluster"] != 1 {
				t.Fatalf("want one warning, got %v:\n%s", w, out)
			}
			// One request timeout (3s) and the CLI's own time (slow on a
			// busy machine); four resources each waiting out their retries
			// would take 4 x 4 x 3s.
			t.Logf("plan of 4 VPCs, %s: %s", c.name, took)
			if took > 45*time.Second {
				t.Fatalf("the plan took %s", took)
			}
		})
	}
}

// Credentials that may read but not write (a pipeline's plan identity):
// creates, updates and deletes plan with a warning, never an error.
func TestAccDryRun_readOnlyCredentials(t *testing.T) {
	local := acctest.NeedLocal(t)
	ctx := context.Background()
	reader := acctest.Name("reader")
	user, err := local.MintUser(reader)
	if err != nil {
		t.Fatal(err)
	}
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: reader}, Rules: []rbacv1.PolicyRule{{
		APIGroups: []string{vpc.Group, "wiring.githedgehog.com"}, Resources: []string{"*"}, Verbs: []string{"get", "list", "watch"},
	}}}
	binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: reader},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: reader},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: reader}}}
	if _, err := acctest.C.Typed.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = acctest.C.Typed.RbacV1().ClusterRoles().Delete(context.Background(), reader, metav1.DeleteOptions{})
	})
	if _, err := acctest.C.Typed.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = acctest.C.Typed.RbacV1().ClusterRoleBindings().Delete(context.Background(), reader, metav1.DeleteOptions{})
	})

	l := newVPCLab()
	v, w := acctest.HedgehogName("vpc"), acctest.HedgehogName("vpc")
	cli := acctest.NewCLI(t)
	dir := t.TempDir()
	as := func(kubeconfig, body string) string {
		return acctest.Terraform + fmt.Sprintf("\nprovider \"hedgehog\" {\n  config_path = %q\n}\n", kubeconfig) + l.hcl() + body
	}
	gone := vpcHCL("gone", w, `subnets = { default = { subnet = "10.10.9.0/24", vlan = 1009 } }`)
	writeConfig(t, dir, as(acctest.C.Kubeconfig, vpcHCL("v", v, `subnets = { default = { subnet = "10.10.1.0/24", vlan = 1001 } }`)+gone))
	t.Cleanup(func() {
		writeConfig(t, dir, as(acctest.C.Kubeconfig, ""))
		_, _ = cli.Run(dir, "destroy", "-auto-approve")
	})
	cli.MustRun(t, dir, "init")
	cli.MustRun(t, dir, "apply", "-auto-approve")

	// As the reader: one VPC changes, one is new, one goes.
	writeConfig(t, dir, as(user.Kubeconfig, vpcHCL("v", v, `subnets = { default = { subnet = "10.10.1.0/24", vlan = 1011 } }`)+
		vpcHCL("x", acctest.HedgehogName("vpc"), `subnets = { default = { subnet = "10.10.2.0/24", vlan = 1002 } }`)))
	out := cli.MustRun(t, dir, "plan")
	if !strings.Contains(out, "1 to add, 1 to change, 1 to destroy") || strings.Contains(out, "Error:") {
		t.Fatalf("the reader's plan:\n%s", out)
	}
	if w := warnings(out); len(w) != 1 || w["Plan Not Checked: No Permission To Write"] != 3 {
		t.Fatalf("want the three writes skipped for want of permission, got %v:\n%s", w, out)
	}
}
