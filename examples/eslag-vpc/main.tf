# The README's first example, ready to apply to a Hedgehog fabric whose
# wiring has server-01 cabled to the ESLAG pair leaf-01 and leaf-02 (the
# connection server-01--eslag--leaf-01--leaf-02):
#
#   terraform init && terraform apply -var kubeconfig=$HOME/.kube/fabric.yaml
terraform {
  required_providers {
    hedgehog = {
      source  = "hedgehog-terraform/hedgehog"
      version = "~> 0.1"
    }
  }
}

variable "kubeconfig" {
  description = "The kubeconfig of the Hedgehog control node."
  type        = string
}

provider "hedgehog" {
  config_path = var.kubeconfig
}

output "vpc_01" {
  value = {
    gateway    = hedgehog_vpc.vpc_01.subnets["default"].gateway
    dhcp_range = "${hedgehog_vpc.vpc_01.subnets["default"].dhcp.range.start} - ${hedgehog_vpc.vpc_01.subnets["default"].dhcp.range.end}"
    attached   = hedgehog_vpc_attachment.server_01.connection_name
    peered     = hedgehog_vpc_peering.vpc_01__vpc_02.name
  }
}
