import {
  to = hedgehog_server.server_01
  id = "server-01"
}
