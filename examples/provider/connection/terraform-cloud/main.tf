# In a Terraform Cloud (or any CI) workspace, set the connection as
# environment variables and leave the provider block empty:
#
#   KUBE_HOST                  https://fabric-api.example.net:6443
#   KUBE_TOKEN                 (sensitive) a service-account token
#   KUBE_CLUSTER_CA_CERT_DATA  the cluster's CA certificate, in PEM
#
# or KUBE_CONFIG_PATH, naming a kubeconfig file on the machine that runs
# Terraform (a Terraform Cloud agent inside the management network).
terraform {
  required_providers {
    hedgehog = {
      source  = "hedgehog-terraform/hedgehog"
      version = "~> 0.1"
    }
  }
}

provider "hedgehog" {}
