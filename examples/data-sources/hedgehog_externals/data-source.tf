# The Externals of the IPv4 namespace "default".
data "hedgehog_externals" "default" {
  ipv4_namespace = "default"
}

output "externals" {
  value = data.hedgehog_externals.default.names
}
