terraform {
  required_providers {
    hedgehog = {
      source = "hedgehog-terraform/hedgehog"
    }
  }
}

# A kubeconfig file and one of its contexts, as kubectl would use them.
provider "hedgehog" {
  config_path    = "~/.kube/config"
  config_context = "fabric-prod"

  # Where objects go when they do not name a namespace.
  namespace = "hedgehog-system"
}
