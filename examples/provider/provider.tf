terraform {
  required_providers {
    hedgehog = {
      source  = "hedgehog-terraform/hedgehog"
      version = "~> 0.1"
    }
  }
}

# The kubeconfig of the Hedgehog control node (the one kubectl uses there),
# copied to where Terraform runs. Hedgehog's objects always live in the
# Kubernetes namespace `default`: they need no namespace setting.
provider "hedgehog" {
  config_path = "~/.kube/fabric.yaml"
}
