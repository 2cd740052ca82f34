# A cluster created in the same configuration: its address and credentials
# are unknown until it exists. The provider still plans the fabrics (it does
# not need the cluster for that) and connects during apply.
terraform {
  required_providers {
    hedgehog = {
      source  = "hedgehog-terraform/hedgehog"
      version = "~> 0.1"
    }
  }
}

variable "cluster" {
  description = "Outputs of the module that creates the cluster."
  type = object({
    endpoint           = string
    ca_certificate     = string
    client_certificate = string
    client_key         = string
  })
  sensitive = true
}

provider "hedgehog" {
  host                   = var.cluster.endpoint
  cluster_ca_certificate = var.cluster.ca_certificate
  client_certificate     = var.cluster.client_certificate
  client_key             = var.cluster.client_key
}
