import {
  to = hedgehog_vlan_namespace.lab
  id = "lab"
}
