# The first gateway of a fabric that has the gateway enabled (`enableGateway`)
# but no gateway yet: the gateway was enabled after the install, or the
# operator runs the gateway nodes. Hedgehog admits a gateway only once its
# group exists, and its controller creates the group `default` only after it
# has admitted a gateway or a peering, so the configuration creates `default`
# itself, and the gateway refers to it: Terraform creates the group first and
# deletes it last. (A fabric installed with the gateway has `default` and its
# gateways from the installer: see examples/gateway, which reads them.)
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

resource "hedgehog_gateway_group" "default" {
  name = "default"
}

# Its addresses are the fabric's: a /32 of the protocol subnet and one of the
# VTEP subnet, and a /31 of the fabric subnet for its uplink to spine-01.
resource "hedgehog_gateway" "gateway_1" {
  name        = "gateway-1"
  protocol_ip = "172.30.8.6/32"
  vtep_ip     = "172.30.12.6/32"
  vtep_mac    = "ca:fe:ba:be:00:01"
  asn         = 65534
  interfaces = {
    enp2s1 = { ips = ["172.30.128.1/31"] }
  }
  neighbors = [
    { source = "enp2s1", ip = "172.30.128.0", asn = 65100 },
  ]
  groups = [{ name = hedgehog_gateway_group.default.name }]
}

output "gateway_1" {
  value = {
    groups  = [for g in hedgehog_gateway.gateway_1.groups : g.name]
    workers = hedgehog_gateway.gateway_1.workers
  }
}
