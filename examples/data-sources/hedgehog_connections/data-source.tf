# Every connection with a port on leaf-01.
data "hedgehog_connections" "leaf_01" {
  switch = "leaf-01"
}

# The connections of one server, and the fabric links of one spine.
data "hedgehog_connections" "server_01" {
  server = "server-01"
}

data "hedgehog_connections" "spine_01_fabric" {
  switch = "spine-01"
  type   = "fabric"
}

output "leaf_01_connections" {
  value = data.hedgehog_connections.leaf_01.names
}
