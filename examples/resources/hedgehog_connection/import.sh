terraform import hedgehog_connection.server_01 server-01--unbundled--leaf-01
