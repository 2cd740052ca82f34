# Terraform running in a pod (an Atlantis or runner pod, for instance) can use
# that pod's service account. It must be asked for: the provider never falls
# back to it on its own.
terraform {
  required_providers {
    hedgehog = {
      source  = "hedgehog-terraform/hedgehog"
      version = "~> 0.1"
    }
  }
}

provider "hedgehog" {
  in_cluster = true
}
