# <namespace>/<service_account_name>[/<role_name>[/<scope>]]; the role name
# defaults to hedgehog-netbox-plugin and the scope to cluster.
terraform import hedgehog_rbac_setup.netbox hedgehog-system/hedgehog-netbox-plugin/hedgehog-netbox-plugin/namespace
