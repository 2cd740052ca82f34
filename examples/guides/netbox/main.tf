# Fabrics declared next to NetBox: the site and the ASN come from NetBox.
# The NetBox Hedgehog plugin gets a least-privilege identity in the cluster
# and a short-lived token that reaches it through a secret store, never
# through NetBox data and never through Terraform's state.
# Uses the e-breuninger/netbox, hashicorp/vault and hashicorp/time providers;
# needs OpenTofu 1.11 or Terraform 1.11 or later (ephemeral resources and
# write-only arguments).
terraform {
  required_providers {
    hedgehog = {
      source = "hedgehog-terraform/hedgehog"
    }
    netbox = {
      source = "e-breuninger/netbox"
    }
    vault = {
      source = "hashicorp/vault"
    }
    time = {
      source = "hashicorp/time"
    }
  }
}

variable "netbox_url" {
  type = string
}

variable "netbox_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "netbox" {
  server_url = var.netbox_url
  api_token  = var.netbox_token
}

# Vault's address and credentials come from the environment (VAULT_ADDR,
# VAULT_TOKEN, or the run's workload identity in Terraform Cloud).
provider "vault" {}

provider "hedgehog" {
  config_path    = "~/.kube/config"
  config_context = "fabric-prod"
}

# What NetBox already knows.
data "netbox_site" "ams1" {
  slug = "ams1"
}

data "netbox_rir" "private" {
  name = "RFC 6996"
}

# The fabric's ASN is allocated in NetBox, and the fabric uses it.
resource "netbox_asn" "dc1" {
  asn    = 65100
  rir_id = data.netbox_rir.private.id
}

resource "hedgehog_fabric" "dc1" {
  name        = "dc1"
  description = "Fabric of ${data.netbox_site.ams1.name}"
  asn         = netbox_asn.dc1.asn
  spine_count = 2
  leaf_count  = 8
  labels = {
    "netbox.dev/site" = data.netbox_site.ams1.slug
  }
}

# The plugin's identity: fabrics read-write and their status read (the
# fabric-design preset), in the fabrics' namespace only, and no token in the
# state.
resource "hedgehog_rbac_setup" "netbox_plugin" {
  preset     = "fabric-design"
  scope      = "namespace"
  token_type = "none"
}

# A token for the plugin, issued during the run and never stored by Terraform.
ephemeral "hedgehog_access_token" "netbox_plugin" {
  namespace            = hedgehog_rbac_setup.netbox_plugin.namespace
  service_account_name = hedgehog_rbac_setup.netbox_plugin.service_account_name
  service_account_uid  = hedgehog_rbac_setup.netbox_plugin.service_account_uid
  expiration_seconds   = 3600
}

# A new token every half hour: runs (a schedule) must come at least that often.
resource "time_rotating" "netbox_plugin_token" {
  rotation_minutes = 30
}

# The plugin's kubeconfig, where NetBox's deployment reads its plugin settings
# from. Write-only: sent to Vault, kept in neither the plan nor the state.
resource "vault_kv_secret_v2" "netbox_plugin" {
  mount = "kv"
  name  = "netbox/hedgehog-plugin"
  data_json_wo = jsonencode({
    kubeconfig = ephemeral.hedgehog_access_token.netbox_plugin.kubeconfig
  })
  data_json_wo_version = time_rotating.netbox_plugin_token.unix
}
