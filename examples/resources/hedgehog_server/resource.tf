resource "hedgehog_server" "server_01" {
  name        = "server-01"
  description = "GPU node, rack 2"
}
