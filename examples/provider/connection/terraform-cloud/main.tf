# In a Terraform Cloud (or any CI) workspace, set the connection as
# environment variables and leave the provider block empty:
#
#   KUBE_HOST                  https://fabric-api.example.net:6443
#   KUBE_TOKEN                 (sensitive) a service-account token
#   KUBE_CLUSTER_CA_CERT_DATA  the cluster's CA certificate, in PEM
#   HEDGEHOG_NAMESPACE         hedgehog-system
terraform {
  required_providers {
    hedgehog = {
      source = "hedgehog-terraform/hedgehog"
    }
  }
}

provider "hedgehog" {}
