# A service account for the NetBox Hedgehog plugin, with the default rules in
# its own namespace only (least privilege), and a token that a plan renews
# before it expires.
resource "hedgehog_rbac_setup" "netbox" {
  namespace            = "hedgehog-system"
  service_account_name = "hedgehog-netbox-plugin"
  scope                = "namespace"

  token_type               = "bound"
  token_expiration_seconds = 604800 # a week
  token_renewal_percent    = 30

  labels = {
    "app.kubernetes.io/part-of" = "netbox"
  }
}

# A complete kubeconfig for the service account.
output "netbox_kubeconfig" {
  value     = hedgehog_rbac_setup.netbox.kubeconfig
  sensitive = true
}
