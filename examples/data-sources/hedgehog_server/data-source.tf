data "hedgehog_server" "server_01" {
  name = "server-01"
}

output "server_01_description" {
  value = data.hedgehog_server.server_01.description
}
