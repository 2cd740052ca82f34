# The NetBox Hedgehog plugin's identity: the fabric-design preset (fabrics
# read-write, their status read; the default) in the namespace where the
# fabrics live, and a TokenRequest token that expires after an hour and that
# every apply past half its lifetime renews.
resource "hedgehog_rbac_setup" "netbox" {
  namespace            = "hedgehog-system"
  service_account_name = "hedgehog-netbox-plugin"
  preset               = "fabric-design"
  scope                = "namespace"

  labels = {
    "app.kubernetes.io/part-of" = "netbox"
  }
}

# A pipeline that manages VPCs: VPC-side kinds read-write, wiring and agents
# read-only, only in "default" where Hedgehog keeps its objects.
resource "hedgehog_rbac_setup" "vpc_pipeline" {
  namespace            = "ci"
  service_account_name = "vpc-pipeline"
  role_name            = "vpc-pipeline"
  preset               = "vpc-editor"
  scope                = "namespace"
}

# A dashboard: every Hedgehog kind read-only, plus what hedgehog_cluster_health
# reads beyond them (CRDs, nodes, and the design's fabrics), cluster-wide.
resource "hedgehog_rbac_setup" "dashboard" {
  namespace            = "monitoring"
  service_account_name = "fabric-dashboard"
  role_name            = "fabric-dashboard"
  preset               = "viewer"
  rules = [
    {
      api_groups = ["apiextensions.k8s.io"]
      resources  = ["customresourcedefinitions"]
      verbs      = ["get"]
    },
    {
      api_groups = [""]
      resources  = ["nodes"]
      verbs      = ["list"]
    },
    {
      api_groups = ["wiring.githedgehog.com"]
      resources  = ["fabrics"]
      verbs      = ["get", "list", "watch"]
    },
  ]
}

# A complete kubeconfig for the NetBox plugin's service account.
output "netbox_kubeconfig" {
  value     = hedgehog_rbac_setup.netbox.kubeconfig
  sensitive = true
}
