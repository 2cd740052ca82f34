# Hedgehog's gateway as Terraform, on a fabric installed with the gateway
# (`enableGateway`), whose installer wrote the gateway group `default` and
# its gateways: three gateway peerings, carried by the gateways of that
# group, which the configuration reads and never declares.
#
#   - web--internet: the VPC web reaches the Internet behind one address
#     (masquerade NAT) through the External internet;
#   - web--db: web's backend subnet and the VPC db peered through the
#     gateway, with an ACL that lets only PostgreSQL from web through;
#   - internet--web-https: the Internet reaches a web server's HTTPS at a
#     public address (port forwarding).
#
# References order everything: the VPCs and the External before the
# peerings that name them, and the other way round on destroy, in one run.
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

# The installer's group. Reading it fails the plan, before anything is
# created, on a fabric without the gateway.
data "hedgehog_gateway_group" "default" {
  name = "default"
}

# The gateways that carry the peerings: the members of the group (Hedgehog
# admits a peering only when its group has one).
data "hedgehog_gateways" "all" {}

locals {
  carriers = [
    for g in data.hedgehog_gateways.all.gateways : g.name
    if contains([for m in g.groups : m.name], data.hedgehog_gateway_group.default.name)
  ]
}

# Prefixes and VLANs come from the installer's `default` namespaces.
resource "hedgehog_vpc" "web" {
  name = "web"
  subnets = {
    frontend = { subnet = "10.0.1.0/24", vlan = 1001 }
    backend  = { subnet = "10.0.2.0/24", vlan = 1002 }
  }
}

resource "hedgehog_vpc" "db" {
  name = "db"
  subnets = {
    data = { subnet = "10.0.10.0/24", vlan = 1010 }
  }
}

resource "hedgehog_external" "internet" {
  name               = "internet"
  inbound_community  = "65102:5000"
  outbound_community = "5000:65102"
}

resource "hedgehog_gateway_peering" "web_internet" {
  name          = "web--internet"
  gateway_group = data.hedgehog_gateway_group.default.name
  peering = {
    (hedgehog_vpc.web.name) = {
      expose = [{
        ips = [{ vpc_subnet = "frontend" }]
        as  = [{ cidr = "203.0.113.10/32" }]
        nat = { masquerade = { idle_timeout = "5m0s" } }
      }]
    }
    "ext.${hedgehog_external.internet.name}" = { expose = [{ default = true }] }
  }
}

resource "hedgehog_gateway_peering" "web_db" {
  name          = "web--db"
  gateway_group = data.hedgehog_gateway_group.default.name
  peering = {
    (hedgehog_vpc.web.name) = { expose = [{ ips = [{ vpc_subnet = "backend" }] }] }
    (hedgehog_vpc.db.name)  = { expose = [{ ips = [{ cidr = "10.0.10.0/24" }] }] }
  }
  acl = {
    default = "deny"
    rules = [{
      name   = "postgres-from-web"
      from   = hedgehog_vpc.web.name
      to     = hedgehog_vpc.db.name
      action = "allow"
      match  = { proto = "tcp", dst = [{ cidr = "10.0.10.0/24", ports = ["5432"] }] }
    }]
  }
}

resource "hedgehog_gateway_peering" "internet_web_https" {
  name          = "internet--web-https"
  gateway_group = data.hedgehog_gateway_group.default.name
  peering = {
    (hedgehog_vpc.web.name) = {
      expose = [{
        ips = [{ cidr = "10.0.1.10/32" }]
        as  = [{ cidr = "203.0.113.20/32" }]
        nat = { port_forward = { ports = [{ proto = "tcp", port = "443", as = "443" }] } }
      }]
    }
    "ext.${hedgehog_external.internet.name}" = { expose = [{ default = true }] }
  }
}

output "gateway" {
  value = {
    carried_by = local.carriers
    peerings   = sort([hedgehog_gateway_peering.web_internet.name, hedgehog_gateway_peering.web_db.name, hedgehog_gateway_peering.internet_web_https.name])
    masquerade = hedgehog_gateway_peering.web_internet.peering["web"].expose[0].nat.masquerade.idle_timeout
    forward    = hedgehog_gateway_peering.internet_web_https.peering["web"].expose[0].nat.port_forward.idle_timeout
    acl        = hedgehog_gateway_peering.web_db.acl.rules[0].scope
  }
}
