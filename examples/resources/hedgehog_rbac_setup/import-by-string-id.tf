import {
  to = hedgehog_rbac_setup.netbox
  id = "hedgehog-system/hedgehog-netbox-plugin/hedgehog-netbox-plugin/namespace"
}
