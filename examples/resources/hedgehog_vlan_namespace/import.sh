# Hedgehog objects live in the namespace `default`: import by <name> or default/<name>.
terraform import hedgehog_vlan_namespace.lab lab
