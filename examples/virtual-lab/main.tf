# The wiring of a small Hedgehog virtual lab as Terraform: two spines, three
# leaves (leaf-01 and leaf-02 an ESLAG pair), two servers per leaf, and the
# cables between them. Switches carry the addresses `hhfab build` would
# hydrate into a wiring file (the virtual lab's subnets and ASNs).
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

locals {
  spines = {
    "spine-01" = { n = 1 }
    "spine-02" = { n = 2 }
  }
  leaves = {
    "leaf-01" = { n = 1, eslag = true }
    "leaf-02" = { n = 2, eslag = true }
    "leaf-03" = { n = 3, eslag = false }
  }
  # Each spine reaches each leaf on one link: spine port E1/<leaf>, leaf port
  # E1/4<spine>, and a /31 of the fabric subnet.
  fabric_links = merge([for s, sv in local.spines : {
    for l, lv in local.leaves : "${s}--fabric--${l}" => {
      spine = s, leaf = l, spine_port = "E1/${lv.n}", leaf_port = "E1/4${sv.n}"
      index = (sv.n - 1) * 10 + lv.n
    }
  }]...)
}

# The VLAN namespace that Hedgehog's installer creates (1000-2999 in the
# virtual lab): read, never declared.
data "hedgehog_vlan_namespace" "default" {
  name = "default"
}

resource "hedgehog_switch_group" "eslag_1" {
  name = "eslag-1"
}

resource "hedgehog_switch" "spine" {
  for_each        = local.spines
  name            = each.key
  role            = "spine"
  description     = "spine ${each.value.n}"
  profile         = "vs"
  asn             = 65100
  ip              = "172.30.0.${5 + each.value.n}/21"
  protocol_ip     = "172.30.8.${each.value.n}/32"
  vlan_namespaces = [data.hedgehog_vlan_namespace.default.name]

  wait_for_applied = true
}

resource "hedgehog_switch" "leaf" {
  for_each    = local.leaves
  name        = each.key
  role        = "server-leaf"
  description = each.value.eslag ? "leaf ${each.value.n}, ESLAG 1" : "leaf ${each.value.n}"
  profile     = "vs"
  asn         = 65100 + each.value.n
  ip          = "172.30.0.${10 + each.value.n}/21"
  protocol_ip = "172.30.8.${10 + each.value.n}/32"
  vtep_ip     = "172.30.12.${each.value.n}/32"
  redundancy = each.value.eslag ? {
    group = hedgehog_switch_group.eslag_1.name
    type  = "eslag"
  } : null

  # Left out, vlan_namespaces is the API's default: ["default"].
  wait_for_applied = true
}

resource "hedgehog_server" "server" {
  for_each    = toset([for i in range(1, 7) : format("server-%02d", i)])
  name        = each.key
  description = "test server ${each.key}"
}

resource "hedgehog_connection" "fabric" {
  for_each = local.fabric_links
  name     = each.key
  fabric = {
    links = [{
      spine = {
        port = "${hedgehog_switch.spine[each.value.spine].name}/${each.value.spine_port}"
        ip   = "172.30.128.${2 * each.value.index}/31"
      }
      leaf = {
        port = "${hedgehog_switch.leaf[each.value.leaf].name}/${each.value.leaf_port}"
        ip   = "172.30.128.${2 * each.value.index + 1}/31"
      }
    }]
  }
  wait_for_applied = true
}

# server-01 and server-02 are multi-homed to the ESLAG pair.
resource "hedgehog_connection" "eslag" {
  for_each = { "server-01" = "E1/1", "server-02" = "E1/2" }
  name     = "${each.key}--eslag--leaf-01--leaf-02"
  eslag = {
    links = [
      { server = { port = "${hedgehog_server.server[each.key].name}/enp2s1" }, switch = { port = "${hedgehog_switch.leaf["leaf-01"].name}/${each.value}" } },
      { server = { port = "${hedgehog_server.server[each.key].name}/enp2s2" }, switch = { port = "${hedgehog_switch.leaf["leaf-02"].name}/${each.value}" } },
    ]
  }
  wait_for_applied = true
}

# server-03 and server-05 on one port, server-04 and server-06 bundled on two.
resource "hedgehog_connection" "unbundled" {
  for_each = { "server-03" = "leaf-01", "server-05" = "leaf-03" }
  name     = "${each.key}--unbundled--${each.value}"
  unbundled = {
    link = {
      server = { port = "${hedgehog_server.server[each.key].name}/enp2s1" }
      switch = { port = "${hedgehog_switch.leaf[each.value].name}/E1/3" }
    }
  }
  wait_for_applied = true
}

resource "hedgehog_connection" "bundled" {
  for_each = { "server-04" = "leaf-02", "server-06" = "leaf-03" }
  name     = "${each.key}--bundled--${each.value}"
  bundled = {
    links = [for i, p in ["E1/4", "E1/5"] : {
      server = { port = "${hedgehog_server.server[each.key].name}/enp2s${i + 1}" }
      switch = { port = "${hedgehog_switch.leaf[each.value].name}/${p}" }
    }]
  }
  wait_for_applied = true
}

# Once everything is applied, every switch's agent has applied it too.
data "hedgehog_cluster_health" "fabric" {
  min_ready_nodes  = 0
  require_hedgehog = true
  depends_on       = [hedgehog_connection.fabric, hedgehog_connection.eslag, hedgehog_connection.unbundled, hedgehog_connection.bundled]
}

output "switches" {
  value = sort(concat(keys(hedgehog_switch.spine), keys(hedgehog_switch.leaf)))
}

output "connections" {
  value = length(hedgehog_connection.fabric) + length(hedgehog_connection.eslag) + length(hedgehog_connection.unbundled) + length(hedgehog_connection.bundled)
}

output "fabric" {
  value = {
    healthy  = data.hedgehog_cluster_health.fabric.hedgehog.healthy
    switches = data.hedgehog_cluster_health.fabric.hedgehog.switches
    applied  = data.hedgehog_cluster_health.fabric.hedgehog.agents_applied
  }
}
