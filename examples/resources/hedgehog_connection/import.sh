terraform import hedgehog_connection.server_02 server-02--unbundled--leaf-01
