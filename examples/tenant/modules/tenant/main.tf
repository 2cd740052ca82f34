# A tenant on a Hedgehog fabric: VPCs from a map, their subnets attached to
# server connections of the fabric's wiring, and peerings between them.
# Objects are named as Hedgehog names them: attachments
# <connection>--<vpc>--<subnet>, peerings <vpc>--<vpc>.
terraform {
  required_providers {
    hedgehog = {
      source  = "hedgehog-terraform/hedgehog"
      version = "~> 0.1"
    }
  }
}

locals {
  attachments = {
    for a in flatten([
      for vpc, v in var.vpcs : [
        for subnet, s in v.subnets : [
          for connection in s.connections : { vpc = vpc, subnet = subnet, connection = connection }
        ]
      ]
    ]) : "${a.connection}--${a.vpc}--${a.subnet}" => a
  }
}

# The connections come from the wiring: reading them fails the plan, naming
# the connection, when one is not there.
data "hedgehog_connection" "this" {
  for_each = toset([for a in local.attachments : a.connection])
  name     = each.key
}

resource "hedgehog_vpc" "this" {
  for_each       = var.vpcs
  name           = each.key
  ipv4_namespace = each.value.ipv4_namespace
  vlan_namespace = each.value.vlan_namespace
  subnets = {
    for name, s in each.value.subnets : name => {
      subnet = s.subnet
      vlan   = s.vlan
      dhcp   = s.dhcp ? { enable = true } : null
    }
  }
  wait_for_applied = var.wait_for_applied
}

resource "hedgehog_vpc_attachment" "this" {
  for_each         = local.attachments
  name             = each.key
  connection_name  = data.hedgehog_connection.this[each.value.connection].name
  subnet           = "${hedgehog_vpc.this[each.value.vpc].name}/${each.value.subnet}"
  wait_for_applied = var.wait_for_applied
}

resource "hedgehog_vpc_peering" "this" {
  for_each = { for p in var.peerings : "${p[0]}--${p[1]}" => p }
  name     = each.key
  permit = [{
    (hedgehog_vpc.this[each.value[0]].name) = { subnets = null }
    (hedgehog_vpc.this[each.value[1]].name) = { subnets = null }
  }]
  wait_for_applied = var.wait_for_applied
}
