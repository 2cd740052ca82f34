import {
  to = hedgehog_ipv4_namespace.lab
  id = "lab"
}
