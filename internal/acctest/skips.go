package acctest

import "github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/testcluster"

// The reasons an acceptance test may skip. A skip is a test that did not
// run: `make testacc` and `make testacc-kind` list every skip with its
// reason, and fail a run in which a test skipped for any reason not listed
// here (internal/cmd/testreport), so that a skip cannot quietly hide a test.
const (
	SkipNoAcceptance = "acceptance test: runs with TF_ACC=1 against a cluster (make testacc)"
	SkipNeedLocal    = "this test needs the local control plane (HEDGEHOG_ACC_CLUSTER unset): it mints identities with its " +
		"CA or restarts its API server"
	SkipNeedKind     = "this test needs a kind cluster (make testacc-kind): it runs pods or counts real nodes"
	SkipCountsNodes  = "registers Node objects through the API and counts them exactly: needs a cluster with no nodes of its own"
	SkipNoClientCert = "the admin kubeconfig of this cluster authenticates without a client certificate, and this case " +
		"needs one (the local control plane's has one)"
	SkipEgressAllowed      = "HEDGEHOG_KIND_ALLOW_EGRESS is set: this run was told to do without the egress guard"
	SkipWebhookHostUnknown = "HEDGEHOG_ACC_KUBECONFIG: the harness cannot tell on which address the cluster's API server " +
		"reaches this process"
	SkipStartsControlPlane = testcluster.SkipStartsControlPlane
	SkipNoEphemeral        = "ephemeral resources need OpenTofu 1.11 or Terraform 1.10 or later"
)

// SkipReasons are the reasons above: a skip's message starts with one.
var SkipReasons = []string{SkipNoAcceptance, SkipNeedLocal, SkipNeedKind, SkipCountsNodes, SkipNoClientCert,
	SkipEgressAllowed, SkipWebhookHostUnknown, SkipStartsControlPlane, SkipNoEphemeral}
