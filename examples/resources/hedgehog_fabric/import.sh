# A fabric is imported by <namespace>/<name>, or by <name> alone when it is in
# the provider's namespace.
terraform import hedgehog_fabric.dc1 hedgehog-system/dc1
