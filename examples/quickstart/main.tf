# The quickstart that `make demo` applies to the local control plane: the
# Fabric CRD, the access a NetBox plugin needs, and one fabric that the
# fabric simulator reports Ready; and, in hedgehog.tf, the Hedgehog API's
# VPC workflow on the Hedgehog stand-in.
terraform {
  required_providers {
    hedgehog = {
      source = "hedgehog-terraform/hedgehog"
    }
  }
}

variable "kubeconfig" {
  description = "Path of the kubeconfig to use (make demo passes .tools/cluster/kubeconfig)."
  type        = string
}

provider "hedgehog" {
  config_path = var.kubeconfig
}

# The Fabric CRD, installed in the same apply as the fabrics that need it.
resource "hedgehog_crds" "this" {}

# The hedgehog-system namespace, a service account, its ClusterRole and
# binding, and a token: what the NetBox Hedgehog plugin connects with.
resource "hedgehog_rbac_setup" "netbox" {}

resource "hedgehog_fabric" "dc1" {
  depends_on = [hedgehog_crds.this, hedgehog_rbac_setup.netbox]

  name        = "dc1"
  description = "Quickstart fabric"
  asn         = 65100
  spine_count = 2
  leaf_count  = 4
  switch_config = {
    mtu = 9100
  }

  wait_for_ready = true
  timeouts = {
    create = "2m"
    update = "2m"
  }
}

data "hedgehog_cluster_health" "this" {
  depends_on = [hedgehog_fabric.dc1]

  # The local control plane runs no kubelets, so it has no nodes.
  min_ready_nodes = 0
}

output "fabric" {
  value = {
    id     = hedgehog_fabric.dc1.id
    phase  = hedgehog_fabric.dc1.status.phase
    spines = sort(keys(hedgehog_fabric.dc1.status.spine_status))
    leaves = sort(keys(hedgehog_fabric.dc1.status.leaf_status))
  }
}

output "cluster_health" {
  value = {
    status  = data.hedgehog_cluster_health.this.overall_status
    version = data.hedgehog_cluster_health.this.api_server.git_version
    fabrics = data.hedgehog_cluster_health.this.crds.fabric_count
  }
}

output "netbox_service_account" {
  value = "${hedgehog_rbac_setup.netbox.namespace}/${hedgehog_rbac_setup.netbox.service_account_name}"
}
