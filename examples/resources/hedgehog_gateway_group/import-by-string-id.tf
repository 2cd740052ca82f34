import {
  to = hedgehog_gateway_group.edge
  id = "edge"
}
