# A VPC that reaches the Internet through an ISP that speaks BGP with the
# border leaf leaf-03, on the port of leaf-03's external connection (part of
# the fabric's wiring). Declared here: the External, where it attaches (a
# BGP session on VLAN 10), the VPC and what it exchanges with the External.
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

data "hedgehog_connection" "leaf_03_external" {
  name = "leaf-03--external"
}

# Routes learned from the ISP carry the inbound community; routes sent to it
# get the outbound one. Its IPv4 namespace is the installer's `default`.
resource "hedgehog_external" "internet" {
  name               = "internet"
  inbound_community  = "65102:5000"
  outbound_community = "5000:65102"
}

# The BGP session: leaf-03 is 100.1.10.1/24 on VLAN 10, the ISP's router
# 100.1.10.6 in AS 64102. Named <switch>--<external>.
resource "hedgehog_external_attachment" "leaf_03__internet" {
  name            = "leaf-03--internet"
  external        = hedgehog_external.internet.name
  connection_name = data.hedgehog_connection.leaf_03_external.name
  switch = {
    vlan = 10
    ip   = "100.1.10.1/24"
  }
  neighbor = {
    asn = 64102
    ip  = "100.1.10.6"
  }
  wait_for_applied = true
}

resource "hedgehog_vpc" "web" {
  name = "web"
  subnets = {
    default = { subnet = "10.0.30.0/24", vlan = 1030, dhcp = { enable = true } }
  }
}

# The VPC's subnet is advertised to the ISP, and the default route comes
# back into the VPC. Named <vpc>--<external>.
resource "hedgehog_external_peering" "web__internet" {
  name = "web--internet"
  permit = {
    vpc      = { name = hedgehog_vpc.web.name, subnets = ["default"] }
    external = { name = hedgehog_external.internet.name, prefixes = [{ prefix = "0.0.0.0/0" }] }
  }
  wait_for_applied = true
}

output "internet" {
  value = {
    attachment = hedgehog_external_attachment.leaf_03__internet.id
    peering    = hedgehog_external_peering.web__internet.id
  }
}
