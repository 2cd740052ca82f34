# The Hedgehog API, on the stand-in that make demo's control plane runs: a
# leaf switch and a server cabled to it; a VPC with two subnets attached to
# that server's connection and peered with a second VPC. Every change waits
# until the (simulated) agents of the switches it reaches have applied it.

# The namespaces that every Hedgehog installation has (make demo seeds them
# as Hedgehog's installer does): refer to them, never declare them.
data "hedgehog_vlan_namespace" "default" {
  name = "default"
}

data "hedgehog_ipv4_namespace" "default" {
  name = "default"
}

resource "hedgehog_switch" "leaf" {
  name        = "leaf-01"
  role        = "server-leaf"
  description = "quickstart leaf"
  profile     = "vs"
  asn         = 65101
  ip          = "172.30.0.11/21"
  protocol_ip = "172.30.8.11/32"
  vtep_ip     = "172.30.12.1/32"

  vlan_namespaces  = [data.hedgehog_vlan_namespace.default.name]
  wait_for_applied = true
}

resource "hedgehog_server" "web" {
  name        = "server-01"
  description = "a web server"
}

resource "hedgehog_connection" "web" {
  name = "server-01--unbundled--leaf-01"
  unbundled = {
    link = {
      server = { port = "${hedgehog_server.web.name}/enp2s1" }
      switch = { port = "${hedgehog_switch.leaf.name}/E1/1" }
    }
  }
  wait_for_applied = true
}

resource "hedgehog_vpc" "prod" {
  name           = "prod"
  ipv4_namespace = data.hedgehog_ipv4_namespace.default.name
  vlan_namespace = data.hedgehog_vlan_namespace.default.name
  subnets = {
    web = { subnet = "10.0.1.0/24", vlan = 1001, dhcp = { enable = true } }
    db  = { subnet = "10.0.2.0/24", vlan = 1002 }
  }
  wait_for_applied = true
}

resource "hedgehog_vpc" "shared" {
  name           = "shared"
  ipv4_namespace = data.hedgehog_ipv4_namespace.default.name
  vlan_namespace = data.hedgehog_vlan_namespace.default.name
  subnets = {
    dns = { subnet = "10.0.10.0/24", vlan = 1010 }
  }
  wait_for_applied = true
}

resource "hedgehog_vpc_attachment" "web" {
  name             = "server-01--prod--web"
  connection_name  = hedgehog_connection.web.name
  subnet           = "${hedgehog_vpc.prod.name}/web"
  wait_for_applied = true
}

resource "hedgehog_vpc_peering" "prod_shared" {
  name             = "prod--shared"
  permit           = [{ (hedgehog_vpc.prod.name) = { subnets = null }, (hedgehog_vpc.shared.name) = { subnets = null } }]
  wait_for_applied = true
}

data "hedgehog_agent" "leaf" {
  name       = hedgehog_switch.leaf.name
  depends_on = [hedgehog_vpc_attachment.web, hedgehog_vpc_peering.prod_shared]
}

output "vpc" {
  value = {
    vpcs        = sort([hedgehog_vpc.prod.name, hedgehog_vpc.shared.name])
    subnets     = sort(keys(hedgehog_vpc.prod.subnets))
    gateway     = hedgehog_vpc.prod.subnets["web"].gateway
    attachment  = hedgehog_vpc_attachment.web.id
    peering     = hedgehog_vpc_peering.prod_shared.id
    leaf_agent  = "generation ${data.hedgehog_agent.leaf.generation}, applied ${data.hedgehog_agent.leaf.status.last_applied_gen}"
    leaf_agrees = data.hedgehog_agent.leaf.status.last_applied_gen == data.hedgehog_agent.leaf.generation
  }
}
