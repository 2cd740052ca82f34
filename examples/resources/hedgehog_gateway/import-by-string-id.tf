import {
  to = hedgehog_gateway.gateway_2
  id = "gateway-2"
}
