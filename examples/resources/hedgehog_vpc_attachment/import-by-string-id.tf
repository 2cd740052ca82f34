import {
  to = hedgehog_vpc_attachment.server_01
  id = "server-01--eslag--leaf-01--leaf-02--vpc-01--default"
}
