import {
  to = hedgehog_connection.server_02
  id = "server-02--unbundled--leaf-01"
}
