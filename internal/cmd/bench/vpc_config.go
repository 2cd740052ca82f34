package main

import "fmt"

// The vpc scenario's configurations: one per subject, the same objects in
// the same graph (vpc.go says why).

// vpcLocals computes the objects of a run from var.n; the update step
// changes var.asn, which both peers map onto each VPC's second subnet's
// DHCP lease time.
const vpcLocals = `
locals {
  subnets = { for i in range(2 * var.n) : i => {
    cidr = "10.0.${floor(i / 4)}.${64 * (i % 4)}/26"
    vlan = 1000 + i
  } }
  attachments = merge([for v in range(var.n) : {
    for k in range(5) : "v${v}-${k}" => {
      vpc        = v
      subnet     = k < 3 ? "a" : "b"
      connection = format("server-%03d--unbundled--leaf-%d", (5 * v + k) % 100, ((5 * v + k) % 100) % 4 + 1)
    }
  }]...)
  lease = var.asn - 65000 + 3600
}
`

// vpcHedgehogConfig is the typed configuration; settings go into the
// provider block.
func vpcHedgehogConfig(settings string) func(kubeconfig, _ string) string {
	return func(kubeconfig, _ string) string {
		return required("hedgehog-terraform/hedgehog") + header + vpcLocals + fmt.Sprintf(`
provider "hedgehog" {
  config_path = %q%s
}

resource "hedgehog_vpc" "v" {
  count = var.n
  name  = "v${count.index}"
  subnets = {
    a = { subnet = local.subnets[2 * count.index].cidr, vlan = local.subnets[2 * count.index].vlan }
    b = {
      subnet = local.subnets[2 * count.index + 1].cidr
      vlan   = local.subnets[2 * count.index + 1].vlan
      dhcp   = { enable = true, options = { lease_time_seconds = local.lease } }
    }
  }
}

resource "hedgehog_vpc_attachment" "a" {
  for_each        = local.attachments
  depends_on      = [hedgehog_vpc.v]
  name            = each.key
  connection_name = each.value.connection
  subnet          = "v${each.value.vpc}/${each.value.subnet}"
}

resource "hedgehog_vpc_peering" "p" {
  count      = floor(var.n / 2)
  depends_on = [hedgehog_vpc.v]
  name       = "v${2 * count.index}--v${2 * count.index + 1}"
  permit     = [{ "v${2 * count.index}" = { subnets = null }, "v${2 * count.index + 1}" = { subnets = null } }]
}
`, kubeconfig, settings)
	}
}

// vpcFloorConfig holds the typed configuration's values, nested the same
// way, in terraform_data resources of the same graph: what the CLI alone
// spends on 1300 resources of this size, with no provider at all.
func vpcFloorConfig(string, string) string {
	return header + vpcLocals + `
resource "terraform_data" "v" {
  count = var.n
  input = {
    name = "v${count.index}"
    subnets = {
      a = { subnet = local.subnets[2 * count.index].cidr, vlan = local.subnets[2 * count.index].vlan }
      b = {
        subnet = local.subnets[2 * count.index + 1].cidr
        vlan   = local.subnets[2 * count.index + 1].vlan
        dhcp   = { enable = true, options = { lease_time_seconds = local.lease } }
      }
    }
  }
}

resource "terraform_data" "a" {
  for_each   = local.attachments
  depends_on = [terraform_data.v]
  input = {
    name            = each.key
    connection_name = each.value.connection
    subnet          = "v${each.value.vpc}/${each.value.subnet}"
  }
}

resource "terraform_data" "p" {
  count      = floor(var.n / 2)
  depends_on = [terraform_data.v]
  input = {
    name   = "v${2 * count.index}--v${2 * count.index + 1}"
    permit = [{ "v${2 * count.index}" = { subnets = null }, "v${2 * count.index + 1}" = { subnets = null } }]
  }
}
`
}

func vpcKubectlConfig(kubeconfig, _ string) string {
	return required("gavinbunney/kubectl") + header + vpcLocals + fmt.Sprintf(`
provider "kubectl" {
  config_path      = %q
  load_config_file = true
}

resource "kubectl_manifest" "v" {
  count = var.n
  yaml_body = yamlencode({
    apiVersion = "vpc.githedgehog.com/v1beta1"
    kind       = "VPC"
    metadata   = { name = "v${count.index}", namespace = "default" }
    spec = { subnets = {
      a = { subnet = local.subnets[2 * count.index].cidr, vlan = local.subnets[2 * count.index].vlan }
      b = {
        subnet = local.subnets[2 * count.index + 1].cidr
        vlan   = local.subnets[2 * count.index + 1].vlan
        dhcp   = { enable = true, options = { leaseTimeSeconds = local.lease } }
      }
    } }
  })
}

resource "kubectl_manifest" "a" {
  for_each   = local.attachments
  depends_on = [kubectl_manifest.v]
  yaml_body = yamlencode({
    apiVersion = "vpc.githedgehog.com/v1beta1"
    kind       = "VPCAttachment"
    metadata   = { name = each.key, namespace = "default" }
    spec       = { connection = each.value.connection, subnet = "v${each.value.vpc}/${each.value.subnet}" }
  })
}

resource "kubectl_manifest" "p" {
  count      = floor(var.n / 2)
  depends_on = [kubectl_manifest.v]
  yaml_body = yamlencode({
    apiVersion = "vpc.githedgehog.com/v1beta1"
    kind       = "VPCPeering"
    metadata   = { name = "v${2 * count.index}--v${2 * count.index + 1}", namespace = "default" }
    spec       = { permit = [{ "v${2 * count.index}" = {}, "v${2 * count.index + 1}" = {} }] }
  })
}
`, kubeconfig)
}

// vpcWiring is the fabric the attachments need, applied once. The VLAN
// and IPv4 namespaces "default" (VLANs 1000–2999, 10.0.0.0/16) are the
// stand-in installer's, as on a real fabric.
const vpcWiring = `
resource "hedgehog_switch" "leaf" {
  for_each    = toset(["1", "2", "3", "4"])
  name        = "leaf-${each.key}"
  role        = "server-leaf"
  profile     = "vs"
  asn         = 65100 + each.key
  ip          = "172.30.0.${10 + each.key}/21"
  protocol_ip = "172.30.8.${10 + each.key}/32"
  vtep_ip     = "172.30.12.${each.key}/32"
}

resource "hedgehog_server" "server" {
  count = 100
  name  = format("server-%03d", count.index)
}

resource "hedgehog_connection" "unbundled" {
  count = 100
  name  = format("server-%03d--unbundled--leaf-%d", count.index, count.index % 4 + 1)
  unbundled = {
    link = {
      server = { port = "${hedgehog_server.server[count.index].name}/enp2s1" }
      switch = { port = "${hedgehog_switch.leaf[tostring(count.index % 4 + 1)].name}/E1/${floor(count.index / 4) + 1}" }
    }
  }
}
`
