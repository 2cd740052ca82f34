data "hedgehog_vpc_attachment" "server_01" {
  name = "server-01--eslag--leaf-01--leaf-02--vpc-01--default"
}

output "server_01_attachment" {
  value = "${data.hedgehog_vpc_attachment.server_01.subnet} on ${data.hedgehog_vpc_attachment.server_01.connection_name}"
}
