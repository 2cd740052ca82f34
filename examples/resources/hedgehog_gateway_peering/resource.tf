resource "hedgehog_vpc" "vpc_01" {
  name = "vpc-01"
  subnets = {
    default = { subnet = "10.0.1.0/24", vlan = 1001 }
  }
}

resource "hedgehog_vpc" "vpc_02" {
  name = "vpc-02"
  subnets = {
    default = { subnet = "10.0.2.0/24", vlan = 1002 }
  }
}

resource "hedgehog_external" "internet" {
  name               = "internet"
  inbound_community  = "65102:5000"
  outbound_community = "5000:65102"
}

# vpc-01 reaches the Internet behind one address (masquerade). The sides are
# keyed by the VPC's name and by "ext." and the External's: written as
# references, Terraform creates the peering after them and deletes it first.
# The gateways of the installer's group `default` carry it (`gateway_group`
# left out).
resource "hedgehog_gateway_peering" "vpc_01__internet" {
  name = "vpc-01--internet"
  peering = {
    (hedgehog_vpc.vpc_01.name) = {
      expose = [{
        ips = [{ cidr = "10.0.1.0/24" }, { not = "10.0.1.0/28" }]
        as  = [{ cidr = "203.0.113.10/32" }]
        nat = { masquerade = { idle_timeout = "5m" } }
      }]
    }
    "ext.${hedgehog_external.internet.name}" = { expose = [{ default = true }] }
  }
}

# vpc-02 seen by vpc-01 behind static NAT; only HTTPS and 8000-8080 from
# vpc-01 let through.
resource "hedgehog_gateway_peering" "vpc_01__vpc_02" {
  name          = "vpc-01--vpc-02"
  gateway_group = "default"
  peering = {
    (hedgehog_vpc.vpc_01.name) = { expose = [{ ips = [{ vpc_subnet = "default" }] }] }
    (hedgehog_vpc.vpc_02.name) = {
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
      name   = "web-from-vpc-01"
      from   = hedgehog_vpc.vpc_01.name
      action = "allow"
      match  = { proto = "tcp", dst = [{ cidr = "192.168.2.0/24", ports = ["443", "8000-8080"] }] }
    }]
  }
}

# SSH from the Internet to a server of vpc-02, at 203.0.113.22 port 2222
# (port forwarding).
resource "hedgehog_gateway_peering" "internet__vpc_02_ssh" {
  name = "internet--vpc-02-ssh"
  peering = {
    (hedgehog_vpc.vpc_02.name) = {
      expose = [{
        ips = [{ cidr = "10.0.2.10/32" }]
        as  = [{ cidr = "203.0.113.22/32" }]
        nat = { port_forward = { ports = [{ proto = "tcp", port = "22", as = "2222" }] } }
      }]
    }
    "ext.${hedgehog_external.internet.name}" = { expose = [{ default = true }] }
  }
}
