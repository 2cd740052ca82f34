# Two tenants of one Hedgehog fabric, each a use of the module in
# modules/tenant: VPCs from a map, attached to server connections of the
# fabric's wiring, and peered. The connections are those of a fabric with
# server-01 on the ESLAG pair leaf-01/leaf-02, server-02 on leaf-01 and
# server-03 on leaf-03.
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

module "blue" {
  source = "./modules/tenant"
  vpcs = {
    blue-web = {
      subnets = {
        default = { subnet = "10.0.10.0/24", vlan = 1010, dhcp = true, connections = ["server-02--unbundled--leaf-01"] }
      }
    }
    blue-db = {
      subnets = {
        default = { subnet = "10.0.11.0/24", vlan = 1011, connections = ["server-03--unbundled--leaf-03"] }
      }
    }
  }
  peerings = [["blue-web", "blue-db"]]
}

module "green" {
  source = "./modules/tenant"
  vpcs = {
    green-app = {
      subnets = {
        front = { subnet = "10.0.20.0/24", vlan = 1020, dhcp = true, connections = ["server-01--eslag--leaf-01--leaf-02"] }
        back  = { subnet = "10.0.21.0/24", vlan = 1021 }
      }
    }
  }
}

output "tenants" {
  value = {
    blue  = { gateways = module.blue.gateways, attachments = module.blue.attachments, peerings = module.blue.peerings }
    green = { gateways = module.green.gateways, attachments = module.green.attachments, peerings = module.green.peerings }
  }
}
