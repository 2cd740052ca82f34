resource "hedgehog_vpc" "vpc_1" {
  name = "vpc-1"
  subnets = {
    default = { subnet = "10.0.1.0/24", vlan = 1001 }
  }
}

resource "hedgehog_vpc" "vpc_2" {
  name = "vpc-2"
  subnets = {
    default = { subnet = "10.0.2.0/24", vlan = 1002 }
  }
}

resource "hedgehog_external" "internet" {
  name               = "internet"
  inbound_community  = "65102:5000"
  outbound_community = "5000:65102"
}

resource "hedgehog_gateway_group" "default" {
  name = "default"
}

# vpc-1 reaches the Internet behind one address (masquerade). The sides are
# keyed by the VPC's name and by "ext." and the External's: written as
# references, Terraform creates the peering after them and deletes it first.
resource "hedgehog_gateway_peering" "vpc_1__internet" {
  name          = "vpc-1--internet"
  gateway_group = hedgehog_gateway_group.default.name
  peering = {
    (hedgehog_vpc.vpc_1.name) = {
      expose = [{
        ips = [{ cidr = "10.0.1.0/24" }, { not = "10.0.1.0/28" }]
        as  = [{ cidr = "203.0.113.10/32" }]
        nat = { masquerade = { idle_timeout = "5m0s" } }
      }]
    }
    "ext.${hedgehog_external.internet.name}" = { expose = [{ default = true }] }
  }
}

# vpc-2 hidden behind static NAT; only HTTPS from vpc-1 allowed.
resource "hedgehog_gateway_peering" "vpc_1__vpc_2" {
  name          = "vpc-1--vpc-2"
  gateway_group = hedgehog_gateway_group.default.name
  peering = {
    (hedgehog_vpc.vpc_1.name) = { expose = [{ ips = [{ vpc_subnet = "default" }] }] }
    (hedgehog_vpc.vpc_2.name) = {
      expose = [{
        ips = [{ cidr = "10.0.2.0/24" }]
        as  = [{ cidr = "192.168.2.0/24" }]
        nat = { static = {} }
      }]
    }
  }
  acl = {
    default = "deny"
    rules = [{
      name   = "web-from-vpc-1"
      from   = hedgehog_vpc.vpc_1.name
      action = "allow"
      match  = { proto = "tcp", dst = [{ cidr = "192.168.2.0/24", ports = ["443", "8000-8080"] }] }
    }]
  }
}

# SSH to a server of vpc-2 from vpc-1 at 192.168.20.10:2222 (port forwarding).
resource "hedgehog_gateway_peering" "vpc_2__ssh" {
  name          = "vpc-2--ssh"
  gateway_group = hedgehog_gateway_group.default.name
  peering = {
    (hedgehog_vpc.vpc_1.name) = { expose = [{ ips = [{ cidr = "10.0.1.0/24" }] }] }
    (hedgehog_vpc.vpc_2.name) = {
      expose = [{
        ips = [{ cidr = "10.0.2.10/32" }]
        as  = [{ cidr = "192.168.20.10/32" }]
        nat = { port_forward = { ports = [{ proto = "tcp", port = "22", as = "2222" }] } }
      }]
    }
  }
}
