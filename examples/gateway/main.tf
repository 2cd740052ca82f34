# Hedgehog's gateway as Terraform, on a fabric that enables it
# (`enableGateway`): the gateway group `default`, created explicitly (the
# controller creates it only after a gateway or peering was admitted, and
# admitting one needs it), one gateway in it, and three gateway peerings:
#
#   - web--internet: the VPC web reaches the Internet behind one address
#     (masquerade NAT) through the External internet;
#   - web--db: web's backend subnet and the VPC db peered through the
#     gateway, with an ACL that lets only PostgreSQL from web through;
#   - internet--web-https: the Internet reaches a web server's HTTPS at a
#     public address (port forwarding).
#
# References order everything: namespaces, VPCs and the External before the
# peerings, the group before the gateway, the gateway (a peering's group
# needs one) before the peerings; destroy goes the other way, in one run.
#
#   terraform init && terraform apply -var kubeconfig=~/.kube/config

terraform {
  required_providers {
    hedgehog = {
      source = "hedgehog-terraform/hedgehog"
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

resource "hedgehog_ipv4_namespace" "default" {
  name    = "default"
  subnets = ["10.0.0.0/16"]
}

resource "hedgehog_vlan_namespace" "default" {
  name   = "default"
  ranges = [{ from = 1000, to = 2999 }]
}

resource "hedgehog_vpc" "web" {
  name           = "web"
  ipv4_namespace = hedgehog_ipv4_namespace.default.name
  vlan_namespace = hedgehog_vlan_namespace.default.name
  subnets = {
    frontend = { subnet = "10.0.1.0/24", vlan = 1001 }
    backend  = { subnet = "10.0.2.0/24", vlan = 1002 }
  }
}

resource "hedgehog_vpc" "db" {
  name           = "db"
  ipv4_namespace = hedgehog_ipv4_namespace.default.name
  vlan_namespace = hedgehog_vlan_namespace.default.name
  subnets = {
    data = { subnet = "10.0.10.0/24", vlan = 1010 }
  }
}

resource "hedgehog_external" "internet" {
  name               = "internet"
  ipv4_namespace     = hedgehog_ipv4_namespace.default.name
  inbound_community  = "65102:5000"
  outbound_community = "5000:65102"
}

resource "hedgehog_gateway_group" "default" {
  name = "default"
}

resource "hedgehog_gateway" "gw_01" {
  name        = "gw-01"
  protocol_ip = "172.30.8.6/32"
  vtep_ip     = "172.30.12.6/32"
  vtep_mac    = "ca:fe:ba:be:00:01"
  asn         = 65534
  interfaces = {
    enp2s1 = { ips = ["172.30.128.1/31"] }
    enp2s2 = { ips = ["172.30.128.3/31"] }
  }
  neighbors = [
    { source = "enp2s1", ip = "172.30.128.0", asn = 65100 },
    { source = "enp2s2", ip = "172.30.128.2", asn = 65100 },
  ]
  groups = [{ name = hedgehog_gateway_group.default.name }]
}

resource "hedgehog_gateway_peering" "web_internet" {
  name          = "web--internet"
  gateway_group = hedgehog_gateway_group.default.name
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
  # A peering needs a gateway in its group when it is created.
  depends_on = [hedgehog_gateway.gw_01]
}

resource "hedgehog_gateway_peering" "web_db" {
  name          = "web--db"
  gateway_group = hedgehog_gateway_group.default.name
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
  depends_on = [hedgehog_gateway.gw_01]
}

resource "hedgehog_gateway_peering" "internet_web_https" {
  name          = "internet--web-https"
  gateway_group = hedgehog_gateway_group.default.name
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
  depends_on = [hedgehog_gateway.gw_01]
}

data "hedgehog_vpc_infos" "all" {
  depends_on = [hedgehog_gateway_peering.web_internet, hedgehog_gateway_peering.web_db]
}

output "gateway" {
  value = {
    gateway    = hedgehog_gateway.gw_01.id
    workers    = hedgehog_gateway.gw_01.workers
    peerings   = sort([hedgehog_gateway_peering.web_internet.name, hedgehog_gateway_peering.web_db.name, hedgehog_gateway_peering.internet_web_https.name])
    masquerade = hedgehog_gateway_peering.web_internet.peering["web"].expose[0].nat.masquerade.idle_timeout
    forward    = hedgehog_gateway_peering.internet_web_https.peering["web"].expose[0].nat.port_forward.idle_timeout
    acl        = hedgehog_gateway_peering.web_db.acl.rules[0].scope
    vpc_infos  = data.hedgehog_vpc_infos.all.names
  }
}
