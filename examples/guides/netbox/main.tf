# Fabrics declared next to NetBox: the site and the ASN come from NetBox, and
# the NetBox Hedgehog plugin gets its Kubernetes connection from
# hedgehog_rbac_setup. Uses the e-breuninger/netbox provider.
terraform {
  required_providers {
    hedgehog = {
      source = "hedgehog-terraform/hedgehog"
    }
    netbox = {
      source = "e-breuninger/netbox"
    }
  }
}

variable "netbox_url" {
  type = string
}

variable "netbox_token" {
  type      = string
  sensitive = true
}

provider "netbox" {
  server_url = var.netbox_url
  api_token  = var.netbox_token
}

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

# The plugin's identity in the cluster: least privilege, in its namespace.
resource "hedgehog_rbac_setup" "netbox_plugin" {
  scope = "namespace"
}

# The plugin's Kubernetes connection settings, kept in NetBox as a config
# context (or written into the plugin's PLUGINS_CONFIG by your deployment).
resource "netbox_config_context" "hedgehog_kubernetes" {
  name = "hedgehog-kubernetes"
  data = jsonencode({
    hedgehog = {
      kubernetes = {
        host           = hedgehog_rbac_setup.netbox_plugin.host
        ca_certificate = hedgehog_rbac_setup.netbox_plugin.ca_certificate
        token          = hedgehog_rbac_setup.netbox_plugin.token
        namespace      = hedgehog_rbac_setup.netbox_plugin.namespace
      }
    }
  })
}

output "plugin_kubeconfig" {
  description = "The same connection as one kubeconfig file, for plugins that take one."
  value       = hedgehog_rbac_setup.netbox_plugin.kubeconfig
  sensitive   = true
}
