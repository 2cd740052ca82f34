# A credential plugin that prints a short-lived token, here for EKS. The
# plugin runs only when the provider first calls the API.
terraform {
  required_providers {
    hedgehog = {
      source  = "hedgehog-terraform/hedgehog"
      version = "~> 0.1"
    }
  }
}

variable "cluster_endpoint" {
  type = string
}

variable "cluster_ca_pem" {
  type = string
}

provider "hedgehog" {
  host                   = var.cluster_endpoint
  cluster_ca_certificate = var.cluster_ca_pem
  exec = {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", "fabric-prod"]
  }
}
