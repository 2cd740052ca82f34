# <namespace>/<service_account_name>[/<role_name>[/<scope>[/<objects_namespace>]]]; the
# role name defaults to hedgehog-netbox-plugin, the scope to cluster, and in
# namespace scope the objects namespace to the service account's namespace.
terraform import hedgehog_rbac_setup.netbox hedgehog-system/hedgehog-netbox-plugin/hedgehog-netbox-plugin/namespace
terraform import hedgehog_rbac_setup.vpc_pipeline ci/vpc-pipeline/vpc-pipeline/namespace/default
