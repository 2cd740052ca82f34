terraform import hedgehog_vpc_attachment.server_01 server-01--unbundled--leaf-01--vpc-1--default
