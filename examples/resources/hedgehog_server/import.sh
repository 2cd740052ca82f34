terraform import hedgehog_server.server_01 server-01
